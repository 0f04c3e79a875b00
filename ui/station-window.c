/* ui/station-window.c - the operator's main window. */
#define G_LOG_DOMAIN "station-ui"

#include "ui/station-window.h"

#include <glib/gi18n.h>

#include "ui/station-record-view.h"
#include "ui/station-slot-card.h"
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
  gboolean close_when_done;

  GtkHeaderBar *header;
  GtkWidget *start_button;
  GtkWidget *stop_button;
  GtkSpinner *spinner;
  GtkInfoBar *info_bar;
  GtkLabel *info_label;
  GtkEntry *scan_entry;
  GtkFlowBox *slot_box;
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
  /* closing was asked while the line was opening or running */
  if (self->close_when_done && !station_run_is_busy (run))
    gtk_widget_destroy (GTK_WIDGET (self));
}

static void
on_slots_changed (StationWindow *self, guint position, guint removed, guint added,
                  GListModel *slots)
{
  g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (self->slot_box));
  guint n = g_list_model_get_n_items (slots);

  for (GList *l = children; l != NULL; l = l->next)
    gtk_widget_destroy (l->data);
  for (guint i = 0; i < n; i++) {
    g_autoptr (StationSlot) slot = g_list_model_get_item (slots, i);

    gtk_container_add (GTK_CONTAINER (self->slot_box), station_slot_card_new (slot));
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
      failure_text = g_strdup_printf ("%s%s%s", code, words ? " — " : "", words ? words : "");
    }
    gtk_list_store_insert_with_values (
        self->units_store, NULL, (int)(position + i), COL_DEVICE_ID,
        station_unit_row_get_device_id (row), COL_IMSI, station_unit_row_get_imsi (row), COL_RESULT,
        station_words_result (result), COL_FAILURE, code, COL_TIME, time, COL_COLOUR,
        g_strcmp0 (result, "passed") == 0   ? "#26a269"
        : g_strcmp0 (result, "failed") == 0 ? "#c01c28"
                                            : "#c64600",
        COL_TOOLTIP, tooltip, COL_FAILURE_TEXT, failure_text, -1);
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

static void
lookup_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (StationWindow) self = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = station_run_lookup_finish (STATION_RUN (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (node == NULL)
    station_record_view_show_message (self->record_view, _ ("Not found"), error->message);
  else
    station_record_view_show (self->record_view, json_node_get_object (node));
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
  station_record_view_show_message (self->record_view, title, "");
  gtk_revealer_set_reveal_child (self->record_revealer, TRUE);
  station_run_lookup_async (self->run, code, self->lookup_cancellable, lookup_done,
                            g_object_ref (self));
}

static void
on_scan_activate (StationWindow *self, GtkEntry *entry)
{
  g_autofree char *code = g_strstrip (g_strdup (gtk_entry_get_text (entry)));

  if (*code != '\0')
    g_action_group_activate_action (G_ACTION_GROUP (self), "lookup", g_variant_new_string (code));
  /* the next scan replaces the code */
  gtk_editable_select_region (GTK_EDITABLE (entry), 0, -1);
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

static const GActionEntry win_actions[] = {
  { "start", action_start },
  { "stop", action_stop },
  { "lookup", action_lookup, "s" },
  { "close-record", action_close_record },
};

/* Closing while units are in the slots stops first: each slot finishes its
 * step and the store stays consistent; the window closes once done. */
static gboolean
station_window_delete_event (GtkWidget *widget, GdkEventAny *event)
{
  StationWindow *self = STATION_WINDOW (widget);

  if (!station_run_is_busy (self->run))
    return GDK_EVENT_PROPAGATE;
  self->close_when_done = TRUE;
  station_run_stop (self->run);
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
  sync_state (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->scan_entry));
}

static void
station_window_dispose (GObject *object)
{
  StationWindow *self = STATION_WINDOW (object);

  g_cancellable_cancel (self->lookup_cancellable);
  g_clear_object (&self->lookup_cancellable);
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
