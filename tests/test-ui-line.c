/* tests/test-ui-line.c - the operator app on a virtual line under Xvfb:
 * the cloud emulator and fixture-sim as tools/demo.sh starts them, the
 * engine running behind the window.  Start provisions every unit (slot
 * cards and the finished list show them passed), the scan entry finds a
 * unit and shows its record with the SIM's status from the API, and Stop
 * cancels cleanly (each slot finishes its step, nothing is left running in
 * the store) and a second Start finishes the batch. */
#include <gtk/gtk.h>

#include "station/report/report.h"
#include "station/store/store.h"
#include "tests/common/test-common.h"
#include "tests/test-ui-common.h"
#include "ui/station-record-view.h"
#include "ui/station-slot-card.h"

#define RUN_TIMEOUT_MS 150000

typedef struct {
  GtkWidget *window;
  StationRun *run;
  guint finished;
  gboolean completed;
} Ui;

static void
on_finished (StationRun *run, gboolean completed, Ui *ui)
{
  ui->finished++;
  ui->completed = completed;
}

static void
ui_open (Ui *ui, TuiLine *line)
{
  ui->run = tui_line_run (line);
  g_signal_connect (ui->run, "finished", G_CALLBACK (on_finished), ui);
  ui->window = station_window_new (NULL, ui->run);
  gtk_widget_show (ui->window);
}

static void
ui_close (Ui *ui)
{
  gtk_widget_destroy (ui->window);
  g_clear_object (&ui->run);
}

static guint
rows (Ui *ui)
{
  GtkTreeModel *model = tui_child (ui->window, STATION_TYPE_WINDOW, "units_store");

  return (guint)gtk_tree_model_iter_n_children (model, NULL);
}

static GList *
cards (Ui *ui)
{
  return gtk_container_get_children (tui_child (ui->window, STATION_TYPE_WINDOW, "slot_box"));
}

static StationSlotCard *
card_of (gpointer child)
{
  return STATION_SLOT_CARD (child);
}

static gboolean
led_is (StationSlotCard *card, const char *name)
{
  GtkWidget *led = tui_child (card, STATION_TYPE_SLOT_CARD, "led");

  return gtk_style_context_has_class (gtk_widget_get_style_context (led), name);
}

static gboolean
run_finished (gpointer data)
{
  Ui *ui = data;

  return ui->finished > 0;
}

static gboolean
slots_shown (gpointer data)
{
  g_autoptr (GList) list = cards (data);

  return list != NULL;
}

/* Every unit of the line in the finished list as passed, with its IMSI. */
static void
assert_all_passed (Ui *ui, TuiLine *line)
{
  GtkTreeModel *model = tui_child (ui->window, STATION_TYPE_WINDOW, "units_store");
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GtkTreeIter it;
  gboolean ok;

  for (ok = gtk_tree_model_get_iter_first (model, &it); ok;
       ok = gtk_tree_model_iter_next (model, &it)) {
    char *device = NULL, *imsi = NULL, *result = NULL, *failure = NULL;

    gtk_tree_model_get (model, &it, 0, &device, 1, &imsi, 2, &result, 3, &failure, -1);
    if (g_strcmp0 (result, "Passed") != 0)
      g_test_message ("%s: %s %s", device, result, failure);
    g_assert_cmpstr (result, ==, "Passed");
    g_assert_null (failure);
    g_hash_table_insert (seen, device, imsi);
    g_free (result);
  }
  for (guint i = 0; i < line->device_ids->len; i++) {
    const char *imsi = g_hash_table_lookup (seen, line->device_ids->pdata[i]);

    g_assert_nonnull (imsi);
    g_assert_cmpstr (imsi, ==, line->imsis->pdata[i]);
  }
}

static gboolean
record_shown (gpointer data)
{
  StationRecordView *view = data;

  return station_record_view_get_device_id (view) != NULL;
}

static gboolean
record_not_found (gpointer data)
{
  StationRecordView *view = data;

  return g_strcmp0 (tui_label (view, STATION_TYPE_RECORD_VIEW, "title_label"), "Not found") == 0;
}

/* A grid of the record view as "name: value" lines. */
static char *
grid_text (StationRecordView *view, const char *grid_name)
{
  GtkGrid *grid = tui_child (view, STATION_TYPE_RECORD_VIEW, grid_name);
  GString *s = g_string_new (NULL);

  for (int row = 0; row < 100 && gtk_grid_get_child_at (grid, 0, row) != NULL; row++)
    g_string_append_printf (s, "%s: %s\n",
                            gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (grid, 0, row))),
                            gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (grid, 1, row))));
  return g_string_free (s, FALSE);
}

static gboolean
warning_shown (gpointer data)
{
  return station_record_view_get_warning (data) != NULL;
}

static GtkWidget *
find_dialog (GtkWidget *parent, GType type)
{
  g_autoptr (GList) tops = gtk_window_list_toplevels ();

  for (GList *l = tops; l; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type)
        && gtk_window_get_transient_for (l->data) == GTK_WINDOW (parent)
        && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
labels_show_reprint (gpointer data)
{
  GtkContainer *box = tui_child (data, STATION_TYPE_RECORD_VIEW, "labels_box");
  g_autoptr (GList) children = gtk_container_get_children (box);

  for (GList *l = children; l; l = l->next)
    if (GTK_IS_LABEL (l->data) && strstr (gtk_label_get_text (l->data), "printed again: "))
      return TRUE;
  return FALSE;
}

/* The files the line's file: printer wrote. */
static guint
label_files (TuiLine *line)
{
  g_autoptr (GDir) dir = g_dir_open (line->labels, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Reprint from the record panel: the dialog refuses no reason, then
 * prints with one. */
static void
reprint (Ui *ui, StationRecordView *view, const char *reason)
{
  GtkWidget *dialog;
  GtkEntry *entry;

  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (ui->window), "reprint"));
  g_action_group_activate_action (G_ACTION_GROUP (ui->window), "reprint", NULL);
  dialog = find_dialog (ui->window, GTK_TYPE_DIALOG);
  g_assert_nonnull (dialog);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT); /* no reason: stays */
  g_assert_true (find_dialog (ui->window, GTK_TYPE_DIALOG) == dialog);
  {
    g_autoptr (GList) parts = gtk_container_get_children (
        GTK_CONTAINER (gtk_dialog_get_content_area (GTK_DIALOG (dialog))));

    /* the question, then the reasons (a combo box with an entry) */
    entry = GTK_ENTRY (gtk_bin_get_child (GTK_BIN (parts->next->data)));
  }
  gtk_entry_set_text (entry, reason);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_null (find_dialog (ui->window, GTK_TYPE_DIALOG));
  g_assert_true (tui_wait (labels_show_reprint, view, 30000));
}

static void
test_provision_and_scan (void)
{
  g_autoptr (TuiLine) line = tui_line_new (3, 6, "20", NULL);
  Ui ui = { 0 };
  g_autoptr (GList) list = NULL;
  StationRecordView *view;
  GtkEntry *scan;
  g_autofree char *payload = NULL, *ident = NULL, *sim = NULL;
  guint passed, failed, errors, api_calls;

  ui_open (&ui, line);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (ui.window), "start"));
  g_action_group_activate_action (G_ACTION_GROUP (ui.window), "start", NULL);
  g_assert_true (station_run_is_running (ui.run));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (ui.window), "start"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (ui.window), "stop"));

  g_assert_true (tui_wait (run_finished, &ui, RUN_TIMEOUT_MS));
  g_assert_true (ui.completed);
  station_run_get_counts (ui.run, &passed, &failed, &errors, &api_calls);
  g_assert_cmpuint (passed, ==, 6);
  g_assert_cmpuint (failed + errors, ==, 0);
  g_assert_cmpuint (api_calls, >, 6 * 5);
  g_assert_cmpuint (rows (&ui), ==, 6);
  assert_all_passed (&ui, line);

  /* three cards, each green with its last unit's ID, all 12 steps done */
  list = cards (&ui);
  g_assert_cmpuint (g_list_length (list), ==, 3);
  for (GList *l = list; l; l = l->next) {
    StationSlotCard *card = card_of (l->data);
    StationSlot *slot = station_slot_card_get_slot (card);

    g_assert_true (led_is (card, "pass"));
    g_assert_true (g_ptr_array_find_with_equal_func (
        line->device_ids, tui_label (card, STATION_TYPE_SLOT_CARD, "device_label"), g_str_equal,
        NULL));
    g_assert_cmpuint (station_slot_get_step_index (slot), ==, 13);
    g_assert_cmpfloat_with_epsilon (
        gtk_progress_bar_get_fraction (tui_child (card, STATION_TYPE_SLOT_CARD, "progress")), 1.0,
        1e-9);
  }
  g_assert_cmpstr (tui_label (ui.window, STATION_TYPE_WINDOW, "passed_label"), ==, "Passed 6");
  g_assert_cmpstr (tui_label (ui.window, STATION_TYPE_WINDOW, "failed_label"), ==, "Failed 0");
  g_assert_true (
      g_str_has_prefix (tui_label (ui.window, STATION_TYPE_WINDOW, "status_label"), "Batch done"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (ui.window), "start"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (ui.window), "stop"));
  /* the batch header: all 6 of 6 done */
  g_assert_cmpstr (
      gtk_progress_bar_get_text (tui_child (ui.window, STATION_TYPE_WINDOW, "batch_progress")), ==,
      "6/6");
  g_assert_cmpstr (tui_label (ui.window, STATION_TYPE_WINDOW, "eta_label"), ==, "Batch complete");
  g_assert_true (g_str_has_suffix (tui_label (ui.window, STATION_TYPE_WINDOW, "rate_label"),
                                   "units per hour"));
  g_assert_false (g_str_has_prefix (tui_label (ui.window, STATION_TYPE_WINDOW, "rate_label"), "–"));
  tui_screenshot (ui.window, "provisioned");

  /* Start on the finished batch: the banner says so, with the batch's
   * counts (not 0/0/0) */
  ui.finished = 0;
  g_action_group_activate_action (G_ACTION_GROUP (ui.window), "start", NULL);
  g_assert_true (tui_wait (run_finished, &ui, RUN_TIMEOUT_MS));
  g_assert_cmpstr (tui_label (ui.window, STATION_TYPE_WINDOW, "info_label"), ==,
                   "Batch done already: nothing left to provision (6 passed, 0 failed, 0 error)");
  g_assert_cmpstr (tui_label (ui.window, STATION_TYPE_WINDOW, "passed_label"), ==, "Passed 6");
  g_assert_cmpstr (
      gtk_progress_bar_get_text (tui_child (ui.window, STATION_TYPE_WINDOW, "batch_progress")), ==,
      "6/6");

  /* scan the label of the third unit as a keyboard-wedge scanner types
   * it, with the finished list focused */
  scan = tui_child (ui.window, STATION_TYPE_WINDOW, "scan_entry");
  view = tui_child (ui.window, STATION_TYPE_WINDOW, "record_view");
  payload = g_strdup_printf ("DEV %s IMSI %s", (char *)line->device_ids->pdata[2],
                             (char *)line->imsis->pdata[2]);
  gtk_widget_grab_focus (tui_child (ui.window, STATION_TYPE_WINDOW, "units_view"));
  tui_type (ui.window, payload, 10000, 10, GDK_KEY_Return);
  g_assert_cmpstr (gtk_entry_get_text (scan), ==, payload);
  g_assert_true (gtk_revealer_get_reveal_child (
      tui_child (ui.window, STATION_TYPE_WINDOW, "record_revealer")));
  g_assert_true (tui_wait (record_shown, view, 30000));
  g_assert_cmpstr (station_record_view_get_device_id (view), ==, line->device_ids->pdata[2]);
  g_assert_cmpstr (tui_label (view, STATION_TYPE_RECORD_VIEW, "state_label"), ==, "Passed");
  g_assert_cmpstr (tui_label (view, STATION_TYPE_RECORD_VIEW, "subtitle_label"), ==,
                   "Found by its label");
  ident = grid_text (view, "ident_grid");
  g_assert_nonnull (strstr (ident, line->imsis->pdata[2]));
  g_assert_nonnull (strstr (ident, "Batch: UI-1\n"));
  sim = grid_text (view, "sim_grid");
  g_test_message ("SIM now:\n%s", sim);
  g_assert_nonnull (strstr (sim, "Status: Standby: no cost until first use (standby)\n"));
  g_assert_nonnull (strstr (sim, "Online: no\n"));
  {
    g_autoptr (GList) steps
        = gtk_container_get_children (tui_child (view, STATION_TYPE_RECORD_VIEW, "steps_list"));
    g_assert_cmpuint (g_list_length (steps), ==, 13);
  }
  g_assert_null (station_record_view_get_warning (view));
  g_assert_true (g_str_has_suffix (tui_label (ui.window, STATION_TYPE_WINDOW, "last_scan_label"),
                                   " · Passed"));
  tui_screenshot (ui.window, "record");

  /* reprint its label from the record panel, with a reason: printed
   * through the queue, recorded in the store, counted by the report */
  reprint (&ui, view, "Label damaged or torn");
  {
    g_autoptr (Store) store = NULL;
    g_autoptr (GPtrArray) labels = NULL;
    g_autoptr (Report) report = NULL;
    g_autoptr (GError) error = NULL;
    g_autofree char *json = NULL;

    store = store_open (line->db, STORE_OPEN_READ_ONLY, &error);
    g_assert_no_error (error);
    labels = store_label_list (store, line->device_ids->pdata[2], &error);
    g_assert_no_error (error);
    g_assert_cmpuint (labels->len, ==, 2);
    g_assert_null (((StoreLabel *)labels->pdata[0])->reprint_reason);
    g_assert_cmpstr (((StoreLabel *)labels->pdata[1])->reprint_reason, ==, "Label damaged or torn");
    g_assert_cmpstr (((StoreLabel *)labels->pdata[1])->payload, ==,
                     ((StoreLabel *)labels->pdata[0])->payload);
    report = report_collect (store, "UI-1", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (report->reprints, ==, 1);
    json = report_to_json (report);
    g_assert_nonnull (strstr (json, "\"reprints\" : 1"));
    g_assert_nonnull (strstr (json, "\"label_reprints\" : 1"));
  }
  g_assert_cmpuint (label_files (line), ==, 7);

  /* a label whose IMSI is another unit's: a loud warning, not "Passed" */
  {
    g_autofree char *forged = g_strdup_printf ("DEV %s IMSI %s", (char *)line->device_ids->pdata[2],
                                               (char *)line->imsis->pdata[3]);

    tui_type (ui.window, forged, 20000, 10, GDK_KEY_Return);
    g_assert_true (tui_wait (warning_shown, view, 30000));
    g_assert_true (g_str_has_prefix (station_record_view_get_warning (view), "WRONG LABEL"));
    g_assert_true (g_str_has_suffix (tui_label (ui.window, STATION_TYPE_WINDOW, "last_scan_label"),
                                     " · WRONG LABEL"));
  }

  /* an IMSI no unit has */
  gtk_entry_set_text (scan, "440109999999999");
  g_signal_emit_by_name (scan, "activate");
  g_assert_true (tui_wait (record_not_found, view, 30000));
  g_assert_null (station_record_view_get_device_id (view));

  ui_close (&ui);
}

static gboolean
some_unit_under_way (gpointer data)
{
  Ui *ui = data;
  GListModel *slots = station_run_get_slots (ui->run);

  for (guint i = 0; i < g_list_model_get_n_items (slots); i++) {
    g_autoptr (StationSlot) slot = g_list_model_get_item (slots, i);

    if (station_slot_get_step_index (slot) >= 4)
      return TRUE;
  }
  return FALSE;
}

/* Every row of the finished list passed, or was interrupted by Stop. */
static void
assert_rows_cancelled_or_passed (Ui *ui)
{
  GtkTreeModel *model = tui_child (ui->window, STATION_TYPE_WINDOW, "units_store");
  GtkTreeIter it;

  for (gboolean ok = gtk_tree_model_get_iter_first (model, &it); ok;
       ok = gtk_tree_model_iter_next (model, &it)) {
    g_autofree char *device = NULL, *result = NULL, *failure = NULL;

    gtk_tree_model_get (model, &it, 0, &device, 2, &result, 3, &failure, -1);
    g_test_message ("%s: %s %s", device, result, failure ? failure : "");
    if (g_strcmp0 (result, "Passed") != 0) {
      g_assert_cmpstr (result, ==, "Error");
      g_assert_cmpstr (failure, ==, "cancelled");
    }
  }
}

static void
test_stop (void)
{
  g_autoptr (TuiLine) line = tui_line_new (2, 8, "10", NULL);
  g_autoptr (Store) store = NULL;
  g_autoptr (GError) error = NULL;
  StoreBatchCounts counts = { 0 };
  Ui ui = { 0 };
  guint passed, failed, errors;
  g_autoptr (GList) list = NULL;

  ui_open (&ui, line);
  g_action_group_activate_action (G_ACTION_GROUP (ui.window), "start", NULL);
  g_assert_true (tui_wait (slots_shown, &ui, 60000));
  g_assert_true (tui_wait (some_unit_under_way, &ui, 60000));
  tui_screenshot (ui.window, "running");

  g_action_group_activate_action (G_ACTION_GROUP (ui.window), "stop", NULL);
  g_assert_true (station_run_is_stopping (ui.run));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (ui.window), "stop"));
  g_assert_true (
      g_str_has_prefix (tui_label (ui.window, STATION_TYPE_WINDOW, "status_label"), "Stopping"));
  g_assert_true (tui_wait (run_finished, &ui, RUN_TIMEOUT_MS));
  g_assert_false (ui.completed);
  g_assert_false (station_run_is_busy (ui.run));
  g_assert_true (
      g_str_has_prefix (tui_label (ui.window, STATION_TYPE_WINDOW, "status_label"), "Stopped"));
  station_run_get_counts (ui.run, &passed, &failed, &errors, NULL);
  g_assert_cmpuint (passed + failed + errors, ==, rows (&ui));
  g_assert_cmpuint (passed, <, 8);
  g_assert_cmpuint (failed, ==, 0);
  list = cards (&ui);
  for (GList *l = list; l; l = l->next)
    g_assert_false (led_is (card_of (l->data), "busy"));

  /* the store was left consistent: nothing claims to be running */
  store = store_open (line->db, STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  store_batch_count (store, "UI-1", &counts, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts.running, ==, 0);
  g_assert_cmpuint (counts.passed, ==, passed);
  g_clear_pointer (&store, store_close);

  /* the units in the slots when Stop came were not blamed: "error",
   * cancelled, to resume when they are put in again */
  assert_rows_cancelled_or_passed (&ui);
  g_assert_cmpuint (counts.error, ==, errors);

  /* Start again: the cancelled units stayed in their slots and resume, the
   * fixture presents the units left, and the batch completes; each unit
   * keeps one row, its latest result */
  ui.finished = 0;
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (ui.window), "start"));
  g_action_group_activate_action (G_ACTION_GROUP (ui.window), "start", NULL);
  g_assert_true (tui_wait (run_finished, &ui, RUN_TIMEOUT_MS));
  g_assert_true (ui.completed);
  g_assert_cmpuint (rows (&ui), ==, 8);
  assert_rows_cancelled_or_passed (&ui);
  store = store_open (line->db, STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  store_batch_count (store, "UI-1", &counts, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts.units, ==, 8);
  g_assert_cmpuint (counts.passed, ==, 8);
  g_assert_cmpuint (counts.error + counts.running + counts.failed, ==, 0);
  station_run_get_counts (ui.run, &passed, &failed, &errors, NULL);
  g_assert_cmpuint (passed, ==, 8);
  g_assert_cmpuint (failed + errors, ==, 0);
  ui_close (&ui);
}

static gboolean
has_failed_slot (gpointer data)
{
  Ui *ui = data;
  g_autoptr (GList) list = cards (ui);

  for (GList *l = list; l; l = l->next)
    if (led_is (card_of (l->data), "fail"))
      return TRUE;
  return FALSE;
}

static void
record_sound (const char *event_id, gpointer data)
{
  g_ptr_array_add (data, g_strdup (event_id));
}

static guint
count_strings (GPtrArray *a, const char *s)
{
  guint n = 0;

  for (guint i = 0; i < a->len; i++)
    n += g_strcmp0 (a->pdata[i], s) == 0;
  return n;
}

/* A unit without SIM: its tile turns red with FAIL, the failure in words
 * and what to do; the FAIL stays on the tile until acknowledged (here by
 * scanning the failed unit), even after the run; the list and the counts
 * say failed, the others pass; a FAIL sound and two PASS sounds. */
static void
test_failure (void)
{
  g_autoptr (TuiLine) line = tui_line_new (2, 3, "20", "unit2=nosim");
  g_autoptr (GPtrArray) played = g_ptr_array_new_with_free_func (g_free);
  GtkTreeModel *model;
  GtkTreeIter it;
  Ui ui = { 0 };
  guint passed, failed, errors, failed_rows = 0;
  g_autoptr (GList) list = NULL;
  StationSlotCard *failed_card = NULL;

  g_assert_null (line->imsis->pdata[1]);
  ui_open (&ui, line);
  station_sound_set_player (station_window_get_sound (STATION_WINDOW (ui.window)), record_sound,
                            played);
  g_action_group_activate_action (G_ACTION_GROUP (ui.window), "start", NULL);
  g_assert_true (tui_wait (has_failed_slot, &ui, RUN_TIMEOUT_MS));
  tui_screenshot (ui.window, "failure");
  g_assert_true (tui_wait (run_finished, &ui, RUN_TIMEOUT_MS));
  g_assert_true (ui.completed);

  /* after the run, the FAIL is still on its tile */
  list = cards (&ui);
  for (GList *l = list; l; l = l->next) {
    StationSlotCard *card = card_of (l->data);

    if (!led_is (card, "fail"))
      continue;
    g_assert_null (failed_card);
    failed_card = card;
    g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "device_label"), ==,
                     line->device_ids->pdata[1]);
    g_assert_true (
        gtk_widget_get_visible (tui_child (card, STATION_TYPE_SLOT_CARD, "failure_label")));
    g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "failure_label"), ==,
                     "No SIM card in the unit (sim-missing)");
    g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "verdict_label"), ==, "FAIL");
    g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "action_label"), ==,
                     "Reject tray · scan it or press F4");
    g_assert_true (
        gtk_style_context_has_class (gtk_widget_get_style_context (GTK_WIDGET (card)), "fail"));
  }
  g_assert_nonnull (failed_card);
  tui_screenshot (ui.window, "failure-done");

  station_run_get_counts (ui.run, &passed, &failed, &errors, NULL);
  g_assert_cmpuint (passed, ==, 2);
  g_assert_cmpuint (failed, ==, 1);
  g_assert_cmpuint (errors, ==, 0);
  g_assert_cmpuint (count_strings (played, "complete"), ==, 2);
  g_assert_cmpuint (count_strings (played, "dialog-error"), ==, 1);
  g_assert_cmpstr (tui_label (ui.window, STATION_TYPE_WINDOW, "failed_label"), ==, "Failed 1");
  model = tui_child (ui.window, STATION_TYPE_WINDOW, "units_store");
  for (gboolean ok = gtk_tree_model_get_iter_first (model, &it); ok;
       ok = gtk_tree_model_iter_next (model, &it)) {
    g_autofree char *device = NULL, *result = NULL, *failure = NULL, *tooltip = NULL;

    gtk_tree_model_get (model, &it, 0, &device, 2, &result, 3, &failure, 6, &tooltip, -1);
    if (g_strcmp0 (device, line->device_ids->pdata[1]) != 0) {
      g_assert_cmpstr (result, ==, "Passed");
      continue;
    }
    failed_rows++;
    g_assert_cmpstr (result, ==, "Failed");
    g_assert_cmpstr (failure, ==, "sim-missing");
    g_assert_true (g_str_has_prefix (tooltip, "No SIM card in the unit"));
  }
  g_assert_cmpuint (failed_rows, ==, 1);

  /* the technician scans the failed unit as it goes to the reject tray:
   * acknowledged, the tile shows its slot's state again */
  tui_type (ui.window, line->device_ids->pdata[1], 1000, 10, GDK_KEY_Return);
  g_assert_false (led_is (failed_card, "fail"));
  g_assert_false (station_slot_fail_pending (station_slot_card_get_slot (failed_card)));
  ui_close (&ui);
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *)data == NULL;
}

static GtkWidget *
message_dialog (GtkWidget *parent)
{
  g_autoptr (GList) tops = gtk_window_list_toplevels ();

  for (GList *l = tops; l; l = l->next)
    if (GTK_IS_MESSAGE_DIALOG (l->data)
        && gtk_window_get_transient_for (l->data) == GTK_WINDOW (parent)
        && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
message_shown (gpointer data)
{
  return message_dialog (data) != NULL;
}

static char *
message_text (GtkWidget *dialog)
{
  g_autofree char *text = NULL, *secondary = NULL;

  g_object_get (dialog, "text", &text, "secondary-text", &secondary, NULL);
  return g_strdup_printf ("%s\n%s", text, secondary);
}

/* Closing the window while units are in the slots asks first, naming the
 * slots that will stop ("Keep running" keeps them); then each slot finishes
 * its step, and before the window goes it lists the units left to resume,
 * which are exactly the store's interrupted units. */
static void
test_close_while_running (void)
{
  g_autoptr (TuiLine) line = tui_line_new (2, 4, "10", NULL);
  g_autoptr (Store) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) units = NULL;
  StoreBatchCounts counts = { 0 };
  Ui ui = { 0 };
  GtkWidget *window, *dialog;
  g_autofree char *asked = NULL, *left = NULL;
  guint listed = 0;

  ui_open (&ui, line);
  window = ui.window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  g_action_group_activate_action (G_ACTION_GROUP (ui.window), "start", NULL);
  g_assert_true (tui_wait (some_unit_under_way, &ui, 60000));

  /* ask; keep running */
  gtk_window_close (GTK_WINDOW (ui.window)); /* as the title bar's close button */
  g_assert_true (tui_wait (message_shown, ui.window, 10000));
  dialog = message_dialog (ui.window);
  g_assert_nonnull (dialog);
  asked = message_text (dialog);
  g_test_message ("%s", asked);
  g_assert_true (
      g_str_has_prefix (asked, "Stop the line and close?\nThese slots will stop:\nSlot "));
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_assert_null (message_dialog (ui.window));
  g_assert_true (station_run_is_running (ui.run));
  g_assert_false (station_run_is_stopping (ui.run));

  /* ask; stop and close */
  gtk_window_close (GTK_WINDOW (ui.window));
  g_assert_true (tui_wait (message_shown, ui.window, 10000));
  dialog = message_dialog (ui.window);
  g_assert_nonnull (dialog);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_true (station_run_is_stopping (ui.run));
  g_assert_nonnull (window); /* still there while the slots finish their step */
  g_assert_true (tui_wait (run_finished, &ui, RUN_TIMEOUT_MS));
  g_assert_false (ui.completed);

  store = store_open (line->db, STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  store_batch_count (store, "UI-1", &counts, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts.running, ==, 0);
  g_assert_cmpuint (counts.passed, <, 4);
  units = store_unit_list_by_batch (store, "UI-1", &error);
  g_assert_no_error (error);

  if (counts.error > 0) {
    /* the units left half done are listed before the window goes */
    g_assert_true (tui_wait (message_shown, ui.window, 10000));
    dialog = message_dialog (ui.window);
    left = message_text (dialog);
    g_test_message ("%s", left);
    g_assert_true (g_str_has_prefix (left, "Stopped. These units were left half done:\n"));
    for (guint i = 0; i < units->len; i++) {
      StoreUnit *u = units->pdata[i];

      if (u->state != STORE_UNIT_ERROR)
        continue;
      g_assert_nonnull (strstr (left, u->device_id));
      listed++;
    }
    g_assert_cmpuint (listed, ==, counts.error);
    g_assert_nonnull (window);
    gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CLOSE);
  }
  g_assert_true (tui_wait (pointer_cleared, &window, RUN_TIMEOUT_MS));
  g_assert_false (station_run_is_busy (ui.run));
  g_assert_cmpuint (ui.finished, ==, 1);
  g_clear_object (&ui.run);
}

/* SIGINT / SIGTERM (station_window_stop_and_close) stop without asking:
 * no question, the slots finish their step, the units left to resume are
 * listed, then the window goes. */
static void
test_stop_and_close (void)
{
  g_autoptr (TuiLine) line = tui_line_new (2, 4, "10", NULL);
  Ui ui = { 0 };
  GtkWidget *window;

  ui_open (&ui, line);
  window = ui.window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  g_action_group_activate_action (G_ACTION_GROUP (ui.window), "start", NULL);
  g_assert_true (tui_wait (some_unit_under_way, &ui, 60000));
  station_window_stop_and_close (STATION_WINDOW (ui.window));
  g_assert_true (station_run_is_stopping (ui.run));
  g_assert_null (message_dialog (ui.window)); /* nothing asked */
  g_assert_true (tui_wait (run_finished, &ui, RUN_TIMEOUT_MS));
  if (window != NULL && tui_wait (message_shown, ui.window, 10000)) {
    g_autofree char *left = message_text (message_dialog (ui.window));

    g_assert_true (g_str_has_prefix (left, "Stopped. These units were left half done:\n"));
    gtk_dialog_response (GTK_DIALOG (message_dialog (ui.window)), GTK_RESPONSE_CLOSE);
  }
  g_assert_true (tui_wait (pointer_cleared, &window, RUN_TIMEOUT_MS));
  g_clear_object (&ui.run);
}

int
main (int argc, char **argv)
{
  tui_init (&argc, &argv);
  g_test_add_func ("/ui/line/provision-and-scan", test_provision_and_scan);
  g_test_add_func ("/ui/line/failure", test_failure);
  g_test_add_func ("/ui/line/stop", test_stop);
  g_test_add_func ("/ui/line/close-while-running", test_close_while_running);
  g_test_add_func ("/ui/line/stop-and-close", test_stop_and_close);
  return g_test_run ();
}
