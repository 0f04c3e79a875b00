/* ui/station-window-scan.c - scans on the line screen: a keyboard-wedge
 * burst captured at the window whatever has the focus, lookups of scanned
 * codes, the last-scan banner, FAILs acknowledged by a scan, and the
 * function keys. */
#define G_LOG_DOMAIN "station-ui"

#include <glib/gi18n.h>

#include "labels/label-payload.h"
#include "ui/station-window-private.h"
#include "ui/station-words.h"

/* ---- lookup ------------------------------------------------------------------ */

/* The big banner: the last code scanned and what it is. */
static void
set_last_scan (StationWindow *self, const char *code, const char *result, const char *css)
{
  GtkStyleContext *style = gtk_widget_get_style_context (self->last_scan_box);
  g_autofree char *text = NULL;

  for (const char *const *c = (const char *const[]){ "pass", "fail", "warn", "wait", NULL }; *c;
       c++)
    gtk_style_context_remove_class (style, *c);
  gtk_style_context_add_class (style, css);
  /* TRANSLATORS: the last scan banner: the code, then what it is */
  text = g_strdup_printf (_ ("%s · %s"), code, result);
  gtk_label_set_text (self->last_scan_label, text);
}

static void
lookup_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (StationWindow) self = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = station_run_lookup_finish (STATION_RUN (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (node == NULL) {
    g_autofree char *words = station_words_lookup_error (error, self->lookup_code);

    station_record_view_show_message (self->record_view, _ ("Not found"), words);
    set_last_scan (self, self->lookup_code, _ ("not found"), "warn");
  } else {
    JsonObject *record = json_node_get_object (node);
    g_autofree char *warning = station_run_label_mismatch (self->lookup_code, record);
    JsonNode *state = json_object_get_member (record, "state");
    const char *state_name
        = state && JSON_NODE_HOLDS_VALUE (state) ? json_node_get_string (state) : NULL;

    station_record_view_show (self->record_view, record);
    station_record_view_set_warning (self->record_view, warning);
    if (warning != NULL)
      set_last_scan (self, self->lookup_code, _ ("WRONG LABEL"), "fail");
    else
      set_last_scan (self, json_object_get_string_member_with_default (record, "device_id", ""),
                     station_words_unit_state (state_name),
                     g_strcmp0 (state_name, "passed") == 0   ? "pass"
                     : g_strcmp0 (state_name, "failed") == 0 ? "fail"
                                                             : "warn");
  }
  station_window_sync_state (self);
}

void
station_window_action_lookup (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  StationWindow *self = data;
  const char *code = g_variant_get_string (parameter, NULL);
  g_autofree char *title = NULL;

  if (*code == '\0')
    return;
  g_cancellable_cancel (self->lookup_cancellable);
  g_clear_object (&self->lookup_cancellable);
  self->lookup_cancellable = g_cancellable_new ();
  title = g_strdup_printf (_ ("Looking up %s…"), code);
  g_free (self->lookup_code);
  self->lookup_code = g_strdup (code);
  station_record_view_show_message (self->record_view, title, "");
  set_last_scan (self, code, _ ("looking up…"), "wait");
  station_window_sync_state (self);
  gtk_revealer_set_reveal_child (self->record_revealer, TRUE);
  station_run_lookup_async (self->run, code, self->lookup_cancellable, lookup_done,
                            g_object_ref (self));
}

/* A scan acknowledges the pending FAIL of the slot whose failed unit (or
 * the unit now running behind it) it names. */
static void
acknowledge_scanned (StationWindow *self, const char *code)
{
  GListModel *slots = station_run_get_slots (self->run);
  g_autoptr (LabelPayload) payload = NULL;
  const char *device = code;

  if (g_ascii_strncasecmp (code, "DEV ", 4) == 0) {
    payload = label_payload_parse (code, NULL);
    if (payload == NULL)
      return;
    device = payload->device_id;
  }
  for (guint i = 0; i < g_list_model_get_n_items (slots); i++) {
    g_autoptr (StationSlot) slot = g_list_model_get_item (slots, i);
    const char *failed = station_slot_get_failed_device_id (slot);
    const char *next = station_slot_get_next_device_id (slot);

    if ((failed && g_ascii_strcasecmp (failed, device) == 0)
        || (next && g_ascii_strcasecmp (next, device) == 0))
      station_slot_acknowledge (slot);
  }
}

/* Every scan ends here, whatever had the focus. */
void
station_window_handle_scan (StationWindow *self, const char *text)
{
  g_autofree char *code = g_strstrip (g_strdup (text));

  if (*code == '\0')
    return;
  gtk_entry_set_text (self->scan_entry, code);
  acknowledge_scanned (self, code);
  g_action_group_activate_action (G_ACTION_GROUP (self), "lookup", g_variant_new_string (code));
  /* ready for the next scan: it replaces the code */
  gtk_widget_grab_focus (GTK_WIDGET (self->scan_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->scan_entry), 0, -1);
}

void
station_window_on_scan_activate (StationWindow *self, GtkEntry *entry)
{
  g_autofree char *code = g_strdup (gtk_entry_get_text (entry));

  station_window_handle_scan (self, code);
}

/* ---- keyboard: scanner bursts and function keys -------------------------------- */

static void
release_held (StationWindow *self)
{
  g_autoptr (GPtrArray) held = g_steal_pointer (&self->held);

  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify)gdk_event_free);
  g_clear_handle_id (&self->held_timeout, g_source_remove);
  station_scanner_reset (self->scanner);
  /* typed by a person: the focused widget gets the keys, in order */
  self->replaying = TRUE;
  for (guint i = 0; i < held->len; i++)
    station_window_parent_key_press (GTK_WIDGET (self), &((GdkEvent *)held->pdata[i])->key);
  self->replaying = FALSE;
}

static gboolean
on_held_timeout (gpointer data)
{
  StationWindow *self = data;

  self->held_timeout = 0;
  if (station_scanner_expire (self->scanner) == STATION_SCAN_RELEASE)
    release_held (self);
  return G_SOURCE_REMOVE;
}

gboolean
station_window_function_key (StationWindow *self, guint keyval)
{
  const char *action = NULL;

  switch (keyval) {
  case GDK_KEY_Escape:
  case GDK_KEY_F2:
    gtk_widget_grab_focus (GTK_WIDGET (self->scan_entry));
    gtk_editable_select_region (GTK_EDITABLE (self->scan_entry), 0, -1);
    return TRUE;
  case GDK_KEY_F4:
    action = "acknowledge";
    break;
  case GDK_KEY_F5:
    action = "start";
    break;
  case GDK_KEY_F6:
    action = "stop";
    break;
  default:
    return FALSE;
  }
  if (g_action_group_get_action_enabled (G_ACTION_GROUP (self), action))
    g_action_group_activate_action (G_ACTION_GROUP (self), action, NULL);
  return TRUE;
}

/* A keyboard-wedge scanner types wherever the focus is: a burst of keys
 * (< STATION_SCANNER_MAX_GAP_MS apart, at least STATION_SCANNER_MIN_LENGTH,
 * ended by Enter or Tab) is taken here, before any widget sees it, and
 * goes to the scan handler; keys typed by a person reach the focused
 * widget (held back at most a moment).  In the scan field keys go straight
 * in, and a Tab ends the scan as Enter does. */
gboolean
station_window_key_press_event (GtkWidget *widget, GdkEventKey *event)
{
  StationWindow *self = STATION_WINDOW (widget);
  GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask ();
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));
  gboolean in_scan = focus == GTK_WIDGET (self->scan_entry);
  guint32 time = event->time;
  gunichar c = 0;

  if (self->replaying || event->is_modifier)
    return station_window_parent_key_press (widget, event);
  if ((mods & ~GDK_SHIFT_MASK) == 0)
    c = gdk_keyval_to_unicode (event->keyval);
  if (c != 0 && g_unichar_isprint (c)) {
    if (in_scan && station_scanner_held (self->scanner) == 0)
      return station_window_parent_key_press (widget, event);
    if (station_scanner_char (self->scanner, c, time) == STATION_SCAN_RELEASE) {
      release_held (self);
      station_scanner_char (self->scanner, c, time);
    }
    g_ptr_array_add (self->held, gdk_event_copy ((GdkEvent *)event));
    g_clear_handle_id (&self->held_timeout, g_source_remove);
    self->held_timeout = g_timeout_add (STATION_SCANNER_MAX_GAP_MS * 2, on_held_timeout, self);
    return GDK_EVENT_STOP;
  }
  if (mods == 0
      && (event->keyval == GDK_KEY_Return || event->keyval == GDK_KEY_KP_Enter
          || event->keyval == GDK_KEY_Tab || event->keyval == GDK_KEY_ISO_Enter)) {
    switch (station_scanner_end (self->scanner, time)) {
    case STATION_SCAN_SCAN: {
      g_autofree char *code = station_scanner_take_code (self->scanner);

      g_ptr_array_set_size (self->held, 0);
      g_clear_handle_id (&self->held_timeout, g_source_remove);
      station_window_handle_scan (self, code);
      return GDK_EVENT_STOP;
    }
    case STATION_SCAN_RELEASE:
      release_held (self);
      break;
    default:
      break;
    }
    focus = gtk_window_get_focus (GTK_WINDOW (self));
    /* Tab after a code typed into the scan field looks it up; with the
     * code already looked up it moves the focus on */
    if (event->keyval == GDK_KEY_Tab && focus == GTK_WIDGET (self->scan_entry)) {
      g_autofree char *text = g_strstrip (g_strdup (gtk_entry_get_text (self->scan_entry)));

      if (*text != '\0' && g_strcmp0 (text, self->lookup_code) != 0) {
        station_window_handle_scan (self, text);
        return GDK_EVENT_STOP;
      }
    }
    return station_window_parent_key_press (widget, event);
  }
  if (station_scanner_other (self->scanner) == STATION_SCAN_RELEASE)
    release_held (self);
  if (mods == 0 && station_window_function_key (self, event->keyval))
    return GDK_EVENT_STOP;
  return station_window_parent_key_press (widget, event);
}
