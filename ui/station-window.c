/* ui/station-window.c - the operator's main window: the object, following
 * the run (tiles, batch header, list, counts, notices) and its actions. */
#define G_LOG_DOMAIN "station-ui"

#include "ui/station-window.h"

#include <glib/gi18n.h>

#include "ui/station-login.h"
#include "ui/station-slot-card.h"
#include "ui/station-window-private.h"
#include "ui/station-words.h"
#include "station/store/store.h"

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

char *
station_window_title_for (const char *api_url)
{
  const char *kind = api_url != NULL ? store_api_url_kind (api_url) : NULL;

  if (kind == NULL)
    return g_strdup (_ ("Provisioning station"));
  if (g_str_equal (kind, "PRODUCTION"))
    /* TRANSLATORS: the window title against the real SORACOM API */
    return g_strdup (_ ("Provisioning station · PRODUCTION (real SIMs)"));
  if (g_str_equal (kind, "SANDBOX"))
    return g_strdup (_ ("Provisioning station · SANDBOX"));
  return g_strdup_printf (_ ("Provisioning station · TEST API %s"), api_url);
}

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

void
station_window_sync_state (StationWindow *self)
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
  {
    /* who is logged in shows in the header (issue 14) */
    g_autofree char *who
        = station_config_get_string (station_run_get_config (run), "station", "operator", NULL);

    if (who != NULL && *who != '\0') {
      char *with = g_strdup_printf (_ ("Operator %s · %s"), who, text);

      g_free (text);
      text = with;
    }
  }
  gtk_header_bar_set_subtitle (self->header, text);
  g_clear_pointer (&text, g_free);
  /* production or sandbox, visible at all times (issue 14) */
  text = station_window_title_for (station_run_get_api_url (run));
  gtk_header_bar_set_title (self->header, text);
  gtk_window_set_title (GTK_WINDOW (self), text);
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
    station_window_close_after_stop (self);
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
  station_window_sync_state (self);
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

void
station_window_show_notice (StationWindow *self, StationNoticeLevel level, const char *message)
{
  on_notice (self, level, message, self->run);
}

gboolean
station_window_parent_key_press (GtkWidget *widget, GdkEventKey *event)
{
  return GTK_WIDGET_CLASS (station_window_parent_class)->key_press_event (widget, event);
}

static void
on_info_bar_response (StationWindow *self, int response, GtkInfoBar *bar)
{
  gtk_info_bar_set_revealed (self->info_bar, FALSE);
}

static void
on_finished (StationWindow *self, gboolean completed, StationRun *run)
{
  station_window_sync_state (self);
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
on_login_response (GtkDialog *dialog, int response, gpointer data)
{
  StationWindow *self = data;

  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response != GTK_RESPONSE_ACCEPT)
    return;
  station_window_sync_state (self);
  station_run_start (self->run);
}

static void
action_start (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  StationWindow *self = data;
  StationConfig *config = station_run_get_config (self->run);

  gtk_info_bar_set_revealed (self->info_bar, FALSE);
  /* a store with badged operators: who works is known before Start */
  if (station_login_required (config)) {
    GtkWidget *dialog = station_login_dialog_new (GTK_WINDOW (self), config);

    g_signal_connect (dialog, "response", G_CALLBACK (on_login_response), self);
    gtk_widget_show (dialog);
    return;
  }
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
  station_window_function_key (data, GDK_KEY_F2);
}

static void
action_sounds (GSimpleAction *action, GVariant *state, gpointer data)
{
  StationWindow *self = data;

  station_sound_set_enabled (self->sound, g_variant_get_boolean (state));
  g_simple_action_set_state (action, state);
}

static const GActionEntry win_actions[] = {
  { "start", action_start },
  { "stop", action_stop },
  { "lookup", station_window_action_lookup, "s" },
  { "close-record", action_close_record },
  { "acknowledge", action_acknowledge },
  { "focus-scan", action_focus_scan },
  { "reprint", station_window_action_reprint },
  { "sounds", NULL, NULL, "true", action_sounds },
};

/* ---- object ------------------------------------------------------------------- */

static void
station_window_constructed (GObject *object)
{
  StationWindow *self = STATION_WINDOW (object);
  GListModel *slots = station_run_get_slots (self->run);
  GListModel *units = station_run_get_units (self->run);

  G_OBJECT_CLASS (station_window_parent_class)->constructed (object);
  g_signal_connect_object (self->run, "changed", G_CALLBACK (station_window_sync_state), self,
                           G_CONNECT_SWAPPED);
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
  station_window_sync_state (self);
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
  gtk_widget_class_bind_template_callback_full (widget_class, "on_scan_activate",
                                                G_CALLBACK (station_window_on_scan_activate));
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

StationSound *
station_window_get_sound (StationWindow *window)
{
  return window->sound;
}
