/* ui/station-window.c - the operator's main window. */
#define G_LOG_DOMAIN "station-ui"

#include "ui/station-window.h"

#include <glib/gi18n.h>

#include "labels/label-payload.h"
#include "ui/station-record-view.h"
#include "ui/station-scanner.h"
#include "ui/station-slot-card.h"
#include "ui/station-sound.h"
#include "ui/station-words.h"

enum {
  COL_DEVICE_ID,
  COL_IMSI,
  COL_RESULT,
  COL_FAILURE,
  COL_TIME,
  COL_COLOUR,
  COL_TOOLTIP,
  COL_FAILURE_TEXT,
};

struct _StationWindow {
  GtkApplicationWindow parent_instance;

  StationRun *run;
  GCancellable *lookup_cancellable;
  char *lookup_code;
  gboolean close_when_done;
  GtkWidget *close_dialog;  /* asks before stopping a running line */
  GtkWidget *resume_dialog; /* after the stop: the units left to resume */
  GtkWidget *reprint_dialog;
  GtkEntry *reprint_entry;

  StationScanner *scanner;
  GPtrArray *held; /* GdkEvent * held back while they may be a scan burst */
  guint held_timeout;
  gboolean replaying;
  StationSound *sound;
  guint tick;

  GtkHeaderBar *header;
  GtkWidget *start_button;
  GtkWidget *stop_button;
  GtkSpinner *spinner;
  GtkInfoBar *info_bar;
  GtkLabel *info_label;
  GtkEntry *scan_entry;
  GtkGrid *slot_box;
  GtkWidget *batch_bar;
  GtkProgressBar *batch_progress;
  GtkLabel *rate_label;
  GtkLabel *eta_label;
  GtkWidget *last_scan_box;
  GtkLabel *last_scan_label;
  GtkLabel *slots_placeholder;
  GtkListStore *units_store;
  GtkTreeView *units_view;
  GtkRevealer *record_revealer;
  StationRecordView *record_view;
  GtkLabel *passed_label;
  GtkLabel *failed_label;
  GtkLabel *error_label;
  GtkLabel *api_label;
  GtkLabel *status_label;
};

G_DEFINE_FINAL_TYPE (StationWindow, station_window, GTK_TYPE_APPLICATION_WINDOW)

enum { PROP_0, PROP_RUN, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
enable_action (StationWindow *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/* ---- following the run ------------------------------------------------------- */

static void close_after_stop (StationWindow *self);

/* The batch header: "14/20", units per hour, time left. */
static void
sync_batch (StationWindow *self, gint64 now)
{
  StationProgress p;
  g_autofree char *text = NULL, *rate = NULL, *eta = NULL;

  station_run_get_progress (self->run, now, &p);
  if (p.total > 0) {
    text = g_strdup_printf ("%u/%u", p.done, p.total);
    gtk_progress_bar_set_fraction (self->batch_progress, MIN (1.0, (double)p.done / p.total));
  } else {
    text = g_strdup ("–");
    gtk_progress_bar_set_fraction (self->batch_progress, 0.0);
  }
  gtk_progress_bar_set_text (self->batch_progress, text);
  if (p.per_hour > 0)
    rate = g_strdup_printf (_ ("%.0f units per hour"), p.per_hour);
  else
    rate = g_strdup (_ ("– units per hour"));
  gtk_label_set_text (self->rate_label, rate);
  if (p.eta_s == 0)
    eta = g_strdup (_ ("Batch complete"));
  else if (p.eta_s < 0)
    eta = g_strdup (_ ("Time left: –"));
  else if (p.eta_s < 3600)
    eta = g_strdup_printf (_ ("About %d min left"), (int)MAX (1, (p.eta_s + 59) / 60));
  else
    eta = g_strdup_printf (_ ("About %d h %02d min left"), (int)(p.eta_s / 3600),
                           (int)(p.eta_s / 60 % 60));
  gtk_label_set_text (self->eta_label, eta);
}

static gboolean
on_tick (gpointer data)
{
  StationWindow *self = data;
  g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (self->slot_box));
  gint64 now = g_get_monotonic_time ();

  for (GList *l = children; l != NULL; l = l->next)
    station_slot_card_tick (l->data, now);
  sync_batch (self, now);
  return G_SOURCE_CONTINUE;
}

static void
sync_state (StationWindow *self)
{
  StationRun *run = self->run;
  guint passed, failed, errors, api_calls, slots;
  g_autofree char *text = NULL;
  const char *batch = station_run_get_batch (run);

  station_run_get_counts (run, &passed, &failed, &errors, &api_calls);
  enable_action (self, "start", station_run_can_provision (run) && !station_run_is_running (run));
  enable_action (self, "stop", station_run_is_running (run) && !station_run_is_stopping (run));
  if (station_run_is_busy (run))
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);

  slots = g_list_model_get_n_items (station_run_get_slots (run));
  if (!station_run_can_provision (run))
    gtk_label_set_text (self->slots_placeholder,
                        _ ("No batch or fixture given: start station-gtk with --batch ID "
                           "--fixture URI to provision. Scanning works."));
  else if (station_run_is_busy (run))
    gtk_label_set_text (self->slots_placeholder, _ ("Connecting to the fixture…"));
  else
    gtk_label_set_text (self->slots_placeholder,
                        _ ("Not connected to the fixture: fix the cause shown above and press "
                           "Start to try again."));
  if (batch != NULL && slots > 0)
    text = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "Batch %s · %u slot", "Batch %s · %u slots", slots), batch,
        slots);
  else if (batch != NULL)
    text = g_strdup_printf (_ ("Batch %s"), batch);
  else
    text = g_strdup (_ ("No batch: scanning only"));
  gtk_header_bar_set_subtitle (self->header, text);
  g_clear_pointer (&text, g_free);

  text = g_strdup_printf (_ ("Passed %u"), passed);
  gtk_label_set_text (self->passed_label, text);
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf (_ ("Failed %u"), failed);
  gtk_label_set_text (self->failed_label, text);
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf (_ ("Error %u"), errors);
  gtk_label_set_text (self->error_label, text);
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf (_ ("API calls %u"), api_calls);
  gtk_label_set_text (self->api_label, text);
  gtk_label_set_text (self->status_label, station_run_get_status (run));
  sync_batch (self, g_get_monotonic_time ());
  enable_action (self, "reprint",
                 station_record_view_get_device_id (self->record_view) != NULL
                     && station_run_can_reprint (run));
  /* closing was asked while the line was opening or running */
  if (self->close_when_done && !station_run_is_busy (run) && self->resume_dialog == NULL)
    close_after_stop (self);
}

static void
on_slots_changed (StationWindow *self, guint position, guint removed, guint added,
                  GListModel *slots)
{
  g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (self->slot_box));
  guint n = g_list_model_get_n_items (slots);

  /* tiles fill the area: one row up to 4 slots, then rows of 3 or 4 */
  guint columns = n <= 4 ? MAX (n, 1) : n <= 6 ? 3 : 4;

  for (GList *l = children; l != NULL; l = l->next)
    gtk_widget_destroy (l->data);
  for (guint i = 0; i < n; i++) {
    g_autoptr (StationSlot) slot = g_list_model_get_item (slots, i);

    gtk_grid_attach (self->slot_box, station_slot_card_new (slot), (int)(i % columns),
                     (int)(i / columns), 1, 1);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->slots_placeholder), n == 0);
  sync_state (self);
}

static void
on_units_changed (StationWindow *self, guint position, guint removed, guint added,
                  GListModel *units)
{
  GtkTreeIter iter;

  for (guint i = 0; i < removed; i++)
    if (gtk_tree_model_iter_nth_child (GTK_TREE_MODEL (self->units_store), &iter, NULL,
                                       (int)position))
      gtk_list_store_remove (self->units_store, &iter);
  for (guint i = 0; i < added; i++) {
    g_autoptr (StationUnitRow) row = g_list_model_get_item (units, position + i);
    const char *result = station_unit_row_get_result (row);
    const char *code = station_unit_row_get_failure_code (row);
    const char *words = station_words_failure (code);
    g_autoptr (GDateTime) t
        = g_date_time_new_from_unix_local (station_unit_row_get_finished_at (row) / G_USEC_PER_SEC);
    g_autofree char *time = t ? g_date_time_format (t, "%H:%M:%S") : NULL;
    g_autofree char *tooltip = NULL, *failure_text = NULL;

    if (code != NULL) {
      const char *message = station_unit_row_get_message (row);

      tooltip = g_markup_printf_escaped ("%s%s%s", words ? words : code, message ? "\n" : "",
                                         message ? message : "");
      failure_text = words ? g_strdup_printf ("%s (%s)", words, code) : g_strdup (code);
    }
    gtk_list_store_insert_with_values (
        self->units_store, NULL, (int)(position + i), COL_DEVICE_ID,
        station_unit_row_get_device_id (row), COL_IMSI, station_unit_row_get_imsi (row), COL_RESULT,
        station_words_result (result), COL_FAILURE, code, COL_TIME, time, COL_COLOUR,
        g_strcmp0 (result, "passed") == 0   ? "#26a269"
        : g_strcmp0 (result, "failed") == 0 ? "#c01c28"
                                            : "#c64600",
        COL_TOOLTIP, tooltip, COL_FAILURE_TEXT, failure_text, -1);
    /* a unit that just finished (not the rows shown when the window opens) */
    if (added == 1 && position == 0 && self->sound != NULL) {
      if (g_strcmp0 (result, "passed") == 0)
        station_sound_play (self->sound, STATION_SOUND_PASS);
      else if (g_strcmp0 (code, "cancelled") != 0)
        station_sound_play (self->sound, STATION_SOUND_FAIL);
    }
  }
}

static void
on_notice (StationWindow *self, guint level, const char *message, StationRun *run)
{
  GtkMessageType type = level == STATION_NOTICE_ERROR     ? GTK_MESSAGE_ERROR
                        : level == STATION_NOTICE_WARNING ? GTK_MESSAGE_WARNING
                                                          : GTK_MESSAGE_INFO;

  gtk_info_bar_set_message_type (self->info_bar, type);
  gtk_label_set_text (self->info_label, message);
  gtk_info_bar_set_revealed (self->info_bar, TRUE);
}

static void
on_info_bar_response (StationWindow *self, int response, GtkInfoBar *bar)
{
  gtk_info_bar_set_revealed (self->info_bar, FALSE);
}

static void
on_finished (StationWindow *self, gboolean completed, StationRun *run)
{
  sync_state (self);
}

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
  sync_state (self);
}

static void
action_lookup (GSimpleAction *action, GVariant *parameter, gpointer data)
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
  sync_state (self);
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
static void
handle_scan (StationWindow *self, const char *text)
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

static void
on_scan_activate (StationWindow *self, GtkEntry *entry)
{
  g_autofree char *code = g_strdup (gtk_entry_get_text (entry));

  handle_scan (self, code);
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
    GTK_WIDGET_CLASS (station_window_parent_class)
        ->key_press_event (GTK_WIDGET (self), &((GdkEvent *)held->pdata[i])->key);
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

static gboolean
function_key (StationWindow *self, guint keyval)
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
static gboolean
station_window_key_press_event (GtkWidget *widget, GdkEventKey *event)
{
  StationWindow *self = STATION_WINDOW (widget);
  GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask ();
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));
  gboolean in_scan = focus == GTK_WIDGET (self->scan_entry);
  guint32 time = event->time;
  gunichar c = 0;

  if (self->replaying || event->is_modifier)
    return GTK_WIDGET_CLASS (station_window_parent_class)->key_press_event (widget, event);
  if ((mods & ~GDK_SHIFT_MASK) == 0)
    c = gdk_keyval_to_unicode (event->keyval);
  if (c != 0 && g_unichar_isprint (c)) {
    if (in_scan && station_scanner_held (self->scanner) == 0)
      return GTK_WIDGET_CLASS (station_window_parent_class)->key_press_event (widget, event);
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
      handle_scan (self, code);
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
        handle_scan (self, text);
        return GDK_EVENT_STOP;
      }
    }
    return GTK_WIDGET_CLASS (station_window_parent_class)->key_press_event (widget, event);
  }
  if (station_scanner_other (self->scanner) == STATION_SCAN_RELEASE)
    release_held (self);
  if (mods == 0 && function_key (self, event->keyval))
    return GDK_EVENT_STOP;
  return GTK_WIDGET_CLASS (station_window_parent_class)->key_press_event (widget, event);
}

static void
on_unit_activated (StationWindow *self, GtkTreePath *path, GtkTreeViewColumn *column,
                   GtkTreeView *view)
{
  GtkTreeIter iter;
  g_autofree char *device_id = NULL;

  if (!gtk_tree_model_get_iter (GTK_TREE_MODEL (self->units_store), &iter, path))
    return;
  gtk_tree_model_get (GTK_TREE_MODEL (self->units_store), &iter, COL_DEVICE_ID, &device_id, -1);
  if (device_id != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (self), "lookup",
                                    g_variant_new_string (device_id));
  gtk_widget_grab_focus (GTK_WIDGET (self->scan_entry)); /* ready for the next scan */
}

/* ---- actions ------------------------------------------------------------------ */

static void
action_start (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  StationWindow *self = data;

  gtk_info_bar_set_revealed (self->info_bar, FALSE);
  station_run_start (self->run);
}

static void
action_stop (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  StationWindow *self = data;

  station_run_stop (self->run);
}

static void
action_close_record (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  StationWindow *self = data;

  gtk_revealer_set_reveal_child (self->record_revealer, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->scan_entry));
}

static void
action_acknowledge (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  StationWindow *self = data;
  GListModel *slots = station_run_get_slots (self->run);

  for (guint i = 0; i < g_list_model_get_n_items (slots); i++) {
    g_autoptr (StationSlot) slot = g_list_model_get_item (slots, i);

    station_slot_acknowledge (slot);
  }
}

static void
action_focus_scan (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  function_key (data, GDK_KEY_F2);
}

static void
action_sounds (GSimpleAction *action, GVariant *state, gpointer data)
{
  StationWindow *self = data;

  station_sound_set_enabled (self->sound, g_variant_get_boolean (state));
  g_simple_action_set_state (action, state);
}

static void
reprint_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (StationWindow) self = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *payload = station_run_reprint_finish (STATION_RUN (source), result, &error);
  const char *device = station_record_view_get_device_id (self->record_view);

  if (payload == NULL) {
    g_autofree char *words = station_words_lookup_error (error, device ? device : "");
    g_autofree char *text = g_strdup_printf (_ ("Label not printed again: %s"), words);

    on_notice (self, STATION_NOTICE_ERROR, text, self->run);
    return;
  }
  {
    g_autofree char *text = g_strdup_printf (_ ("Label of %s printed again"), device);

    on_notice (self, STATION_NOTICE_INFO, text, self->run);
  }
  /* the record shows the new label and its reason */
  if (device != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (self), "lookup", g_variant_new_string (device));
}

static void
on_reprint_response (StationWindow *self, int response, GtkDialog *dialog)
{
  g_autofree char *reason = g_strstrip (g_strdup (gtk_entry_get_text (self->reprint_entry)));
  const char *device = station_record_view_get_device_id (self->record_view);

  if (response == GTK_RESPONSE_ACCEPT && *reason == '\0') {
    /* a reprint needs its reason: the dialog stays */
    gtk_widget_grab_focus (GTK_WIDGET (self->reprint_entry));
    return;
  }
  if (response == GTK_RESPONSE_ACCEPT && device != NULL)
    station_run_reprint_async (self->run, device, reason, NULL, reprint_done, g_object_ref (self));
  self->reprint_entry = NULL;
  g_clear_pointer (&self->reprint_dialog, gtk_widget_destroy);
  gtk_widget_grab_focus (GTK_WIDGET (self->scan_entry));
}

static void
action_reprint (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  StationWindow *self = data;
  const char *device = station_record_view_get_device_id (self->record_view);
  static const char *const reasons[] = { N_ ("Label damaged or torn"), N_ ("Label does not scan"),
                                         N_ ("Label lost"), N_ ("Wrong label on the unit") };
  GtkWidget *dialog, *box, *combo, *label;
  g_autofree char *title = NULL;

  if (device == NULL || self->reprint_dialog != NULL)
    return;
  title = g_strdup_printf (_ ("Reprint the label of %s"), device);
  dialog = gtk_dialog_new_with_buttons (
      title, GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, _ ("_Cancel"),
      GTK_RESPONSE_CANCEL, _ ("_Reprint"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  box = gtk_dialog_get_content_area (GTK_DIALOG (dialog));
  g_object_set (box, "margin", 16, "spacing", 8, NULL);
  label = gtk_label_new (_ ("Why is the label printed again? The reason is kept with the unit."));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_container_add (GTK_CONTAINER (box), label);
  combo = gtk_combo_box_text_new_with_entry ();
  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (combo), _ (reasons[i]));
  gtk_container_add (GTK_CONTAINER (box), combo);
  self->reprint_entry = GTK_ENTRY (gtk_bin_get_child (GTK_BIN (combo)));
  gtk_entry_set_activates_default (self->reprint_entry, TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_reprint_response), self,
                           G_CONNECT_SWAPPED);
  self->reprint_dialog = dialog;
  gtk_widget_show_all (dialog);
}

static const GActionEntry win_actions[] = {
  { "start", action_start },
  { "stop", action_stop },
  { "lookup", action_lookup, "s" },
  { "close-record", action_close_record },
  { "acknowledge", action_acknowledge },
  { "focus-scan", action_focus_scan },
  { "reprint", action_reprint },
  { "sounds", NULL, NULL, "true", action_sounds },
};

static void
on_resume_response (StationWindow *self, int response, GtkDialog *dialog)
{
  self->resume_dialog = NULL;
  gtk_widget_destroy (GTK_WIDGET (dialog));
  gtk_widget_destroy (GTK_WIDGET (self));
}

/* The stop asked by closing is done: say which units were left half done
 * (they resume when put in again), then close. */
static void
close_after_stop (StationWindow *self)
{
  const char *const *left = station_run_get_interrupted (self->run);
  g_autofree char *list = NULL;
  GtkWidget *dialog;

  if (left == NULL || left[0] == NULL) {
    gtk_widget_destroy (GTK_WIDGET (self));
    return;
  }
  list = g_strjoinv ("\n", (char **)left);
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL, GTK_MESSAGE_WARNING,
                                   GTK_BUTTONS_CLOSE, "%s",
                                   _ ("Stopped. These units were left half done:"));
  gtk_message_dialog_format_secondary_text (
      GTK_MESSAGE_DIALOG (dialog), "%s\n\n%s", list,
      _ ("Nothing is lost: put each one in again and press Start; it resumes where it stopped."));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_resume_response), self,
                           G_CONNECT_SWAPPED);
  self->resume_dialog = dialog;
  gtk_widget_show (dialog);
}

static void
on_close_response (StationWindow *self, int response, GtkDialog *dialog)
{
  self->close_dialog = NULL;
  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response != GTK_RESPONSE_ACCEPT)
    return;
  self->close_when_done = TRUE;
  station_run_stop (self->run);
  sync_state (self);
}

/* Closing while units are in the slots asks first, naming the slots that
 * will stop; then each slot finishes (or rolls back) its step, the store
 * stays consistent, and the window says which units are left to resume. */
static gboolean
station_window_delete_event (GtkWidget *widget, GdkEventAny *event)
{
  StationWindow *self = STATION_WINDOW (widget);
  GListModel *slots = station_run_get_slots (self->run);
  g_autoptr (GString) busy = g_string_new (NULL);
  GtkWidget *dialog;

  if (!station_run_is_busy (self->run))
    return GDK_EVENT_PROPAGATE;
  if (self->close_when_done || self->close_dialog != NULL)
    return GDK_EVENT_STOP; /* already asked */
  if (!station_run_is_running (self->run)) {
    /* only opening the line: nothing to lose */
    self->close_when_done = TRUE;
    station_run_stop (self->run);
    return GDK_EVENT_STOP;
  }
  for (guint i = 0; i < g_list_model_get_n_items (slots); i++) {
    g_autoptr (StationSlot) slot = g_list_model_get_item (slots, i);
    const char *device = station_slot_get_device_id (slot);

    if (station_slot_get_led (slot) != STATION_LED_BUSY
        && station_slot_get_next_device_id (slot) == NULL)
      continue;
    g_string_append_printf (busy, _ ("Slot %u: %s"), station_slot_get_number (slot),
                            device ? device : _ ("starting"));
    g_string_append_c (busy, '\n');
  }
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL, GTK_MESSAGE_QUESTION,
                                   GTK_BUTTONS_NONE, "%s", _ ("Stop the line and close?"));
  gtk_message_dialog_format_secondary_text (
      GTK_MESSAGE_DIALOG (dialog), "%s%s%s",
      busy->len ? _ ("These slots will stop:\n") : _ ("No unit is in a slot now."), busy->str,
      _ ("Each finishes or undoes its current step; the units resume when put in again."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _ ("_Keep running"), GTK_RESPONSE_CANCEL,
                          _ ("_Stop and close"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response), self,
                           G_CONNECT_SWAPPED);
  self->close_dialog = dialog;
  gtk_widget_show (dialog);
  return GDK_EVENT_STOP;
}

/* ---- object ------------------------------------------------------------------- */

static void
station_window_constructed (GObject *object)
{
  StationWindow *self = STATION_WINDOW (object);
  GListModel *slots = station_run_get_slots (self->run);
  GListModel *units = station_run_get_units (self->run);

  G_OBJECT_CLASS (station_window_parent_class)->constructed (object);
  g_signal_connect_object (self->run, "changed", G_CALLBACK (sync_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->run, "notice", G_CALLBACK (on_notice), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->run, "finished", G_CALLBACK (on_finished), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (slots, "items-changed", G_CALLBACK (on_slots_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (units, "items-changed", G_CALLBACK (on_units_changed), self,
                           G_CONNECT_SWAPPED);
  on_slots_changed (self, 0, 0, g_list_model_get_n_items (slots), slots);
  on_units_changed (self, 0, 0, g_list_model_get_n_items (units), units);
  self->sound = station_sound_new (station_run_sounds_enabled (self->run));
  g_simple_action_set_state (
      G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "sounds")),
      g_variant_new_boolean (station_run_sounds_enabled (self->run)));
  self->tick = g_timeout_add_seconds (1, on_tick, self);
  gtk_label_set_text (self->last_scan_label, _ ("none yet"));
  sync_state (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->scan_entry));
}

static void
station_window_dispose (GObject *object)
{
  StationWindow *self = STATION_WINDOW (object);

  g_cancellable_cancel (self->lookup_cancellable);
  g_clear_object (&self->lookup_cancellable);
  g_clear_handle_id (&self->tick, g_source_remove);
  g_clear_handle_id (&self->held_timeout, g_source_remove);
  g_clear_pointer (&self->close_dialog, gtk_widget_destroy);
  g_clear_pointer (&self->resume_dialog, gtk_widget_destroy);
  g_clear_pointer (&self->reprint_dialog, gtk_widget_destroy);
  g_clear_pointer (&self->held, g_ptr_array_unref);
  g_clear_pointer (&self->scanner, station_scanner_free);
  g_clear_pointer (&self->sound, station_sound_free);
  g_clear_pointer (&self->lookup_code, g_free);
  g_clear_object (&self->run);
  G_OBJECT_CLASS (station_window_parent_class)->dispose (object);
}

static void
station_window_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  StationWindow *self = STATION_WINDOW (object);

  switch (id) {
  case PROP_RUN:
    self->run = g_value_dup_object (value);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
station_window_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  StationWindow *self = STATION_WINDOW (object);

  switch (id) {
  case PROP_RUN:
    g_value_set_object (value, self->run);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
station_window_class_init (StationWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  station_ui_init ();
  g_type_ensure (STATION_TYPE_RECORD_VIEW);
  object_class->constructed = station_window_constructed;
  object_class->dispose = station_window_dispose;
  object_class->set_property = station_window_set_property;
  object_class->get_property = station_window_get_property;
  widget_class->delete_event = station_window_delete_event;
  widget_class->key_press_event = station_window_key_press_event;

  props[PROP_RUN]
      = g_param_spec_object ("run", NULL, NULL, STATION_TYPE_RUN,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  gtk_widget_class_set_template_from_resource (widget_class, "/station/ui/station-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StationWindow, header);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, start_button);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, info_bar);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, info_label);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, scan_entry);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, slot_box);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, slots_placeholder);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, batch_bar);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, batch_progress);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, rate_label);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, eta_label);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, last_scan_box);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, last_scan_label);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, units_store);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, units_view);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, record_revealer);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, record_view);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, passed_label);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, failed_label);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, api_label);
  gtk_widget_class_bind_template_child (widget_class, StationWindow, status_label);
  gtk_widget_class_bind_template_callback (widget_class, on_info_bar_response);
  gtk_widget_class_bind_template_callback (widget_class, on_scan_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_unit_activated);
}

/* The app's style sheet, once per screen. */
static void
load_css (void)
{
  static GdkScreen *done = NULL;
  GdkScreen *screen = gdk_screen_get_default ();
  g_autoptr (GtkCssProvider) provider = NULL;

  if (screen == NULL || screen == done)
    return;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/station/ui/style.css");
  gtk_style_context_add_provider_for_screen (screen, GTK_STYLE_PROVIDER (provider),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  done = screen;
}

static void
station_window_init (StationWindow *self)
{
  load_css ();
  self->scanner = station_scanner_new (STATION_SCANNER_MAX_GAP_MS, STATION_SCANNER_MIN_LENGTH);
  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify)gdk_event_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);
}

GtkWidget *
station_window_new (GtkApplication *app, StationRun *run)
{
  return g_object_new (STATION_TYPE_WINDOW, "application", app, "run", run, NULL);
}

StationRun *
station_window_get_run (StationWindow *window)
{
  return window->run;
}

void
station_window_stop_and_close (StationWindow *self)
{
  g_clear_pointer (&self->close_dialog, gtk_widget_destroy);
  if (!station_run_is_busy (self->run)) {
    gtk_widget_destroy (GTK_WIDGET (self));
    return;
  }
  self->close_when_done = TRUE;
  station_run_stop (self->run);
  sync_state (self);
}

StationSound *
station_window_get_sound (StationWindow *window)
{
  return window->sound;
}
