/* tests/test-ui.c - the operator app's window, slot cards and record view
 * under Xvfb, without a line: templates build, actions are wired and
 * enabled as the run allows, the models drive the widgets, the words of
 * every engine step exist, and station-gtk refuses bad options. */
#include <gtk/gtk.h>
#include <string.h>

#include "drivers/identity.h"
#include "station/pipeline/failure-codes.h"
#include "station/pipeline/line.h"
#include "tests/common/test-common.h"
#include "tests/test-ui-common.h"
#include "station/store/store.h"
#include "ui/station-login.h"
#include "ui/station-record-view.h"
#include "ui/station-scanner.h"
#include "ui/station-slot-card.h"
#include "ui/station-words.h"

static StationRun *
scanning_only_run (void)
{
  StationRunOptions ro = { 0 };

  ro.line.api_url = "http://127.0.0.1:9/v1";
  return station_run_new (station_config_new (), &ro);
}

static gboolean
action_enabled (GtkWidget *window, const char *name)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (window), name);
}

static void
count_accept (GtkDialog *dialog, int response, gpointer data)
{
  if (response == GTK_RESPONSE_ACCEPT)
    (*(guint *)data)++;
}

/* The badge + PIN login before Start (issue 14): a wrong PIN shows the
 * message in the dialog, empties the PIN and logs nobody in; the right one
 * accepts, the operator works as [station] operator and shows in the
 * header; each try is audited. */
static void
test_login (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "station.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = store_open (db, STORE_OPEN_DEFAULT, &error);
  g_autoptr (StationRun) run = NULL;
  g_autoptr (GPtrArray) audit = NULL;
  g_autofree char *who = NULL;
  StationRunOptions ro = { 0 };
  StationConfig *config = station_config_new ();
  GtkWidget *dialog, *window;
  GtkEntry *badge, *pin;
  GtkLabel *message;
  guint accepted = 0;

  g_assert_no_error (error);
  g_assert_true (
      store_operator_add (store, "sue", NULL, STORE_ROLE_SUPERVISOR, "BADGE-S", "2468", &error));
  g_assert_no_error (error);
  station_config_set_string (config, "station", "db", db);
  ro.line.api_url = "http://127.0.0.1:9/v1";
  run = station_run_new (config, &ro);
  g_assert_true (station_login_required (config));

  dialog = station_login_dialog_new (NULL, config);
  g_signal_connect (dialog, "response", G_CALLBACK (count_accept), &accepted);
  badge = g_object_get_data (G_OBJECT (dialog), "badge_entry");
  pin = g_object_get_data (G_OBJECT (dialog), "pin_entry");
  message = g_object_get_data (G_OBJECT (dialog), "error_label");
  g_assert_false (gtk_entry_get_visibility (pin)); /* never shown */
  gtk_widget_show (dialog);

  gtk_entry_set_text (badge, "BADGE-S");
  gtk_entry_set_text (pin, "0000");
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
  g_assert_cmpuint (accepted, ==, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "badge or PIN not recognised"));
  g_assert_cmpstr (gtk_entry_get_text (pin), ==, "");
  who = station_config_get_string (config, "station", "operator", NULL);
  g_assert_null (who);
  g_assert_true (station_login_required (config));

  gtk_entry_set_text (pin, "2468");
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
  g_assert_cmpuint (accepted, ==, 1);
  g_assert_cmpstr (gtk_entry_get_text (pin), ==, "");
  who = station_config_get_string (config, "station", "operator", NULL);
  g_assert_cmpstr (who, ==, "sue");
  g_assert_false (station_login_required (config));
  gtk_widget_destroy (dialog);

  window = station_window_new (NULL, run);
  gtk_widget_show (window);
  g_assert_cmpstr (gtk_header_bar_get_subtitle (tui_child (window, STATION_TYPE_WINDOW, "header")),
                   ==, "Operator sue · No batch: scanning only");
  gtk_widget_destroy (window);

  audit = store_audit_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 3); /* operator.add, refused, ok */
  g_assert_cmpstr (((StoreAuditEntry *)audit->pdata[1])->action, ==, "operator.login");
  g_assert_nonnull (strstr (((StoreAuditEntry *)audit->pdata[1])->details, "refused"));
  g_assert_cmpstr (((StoreAuditEntry *)audit->pdata[2])->operator_name, ==, "sue");
  g_clear_pointer (&store, store_close);
  tc_rm_rf (dir);
}

/* Production and sandbox are told apart by the title (issue 14). */
static void
test_title_names_endpoint (void)
{
  g_autofree char *prod = station_window_title_for ("https://api.soracom.io/v1");
  g_autofree char *sandbox = station_window_title_for ("https://api-sandbox.soracom.io/v1");
  g_autofree char *none = station_window_title_for (NULL);

  g_assert_cmpstr (prod, ==, "Provisioning station · PRODUCTION (real SIMs)");
  g_assert_cmpstr (sandbox, ==, "Provisioning station · SANDBOX");
  g_assert_cmpstr (none, ==, "Provisioning station");
}

/* The window builds from its template with every part the operator uses. */
static void
test_window_template (void)
{
  g_autoptr (StationRun) run = scanning_only_run ();
  GtkWidget *window = station_window_new (NULL, run);
  GtkHeaderBar *header = tui_child (window, STATION_TYPE_WINDOW, "header");
  GtkEntry *scan = tui_child (window, STATION_TYPE_WINDOW, "scan_entry");
  GtkTreeView *units = tui_child (window, STATION_TYPE_WINDOW, "units_view");
  GtkWidget *start = tui_child (window, STATION_TYPE_WINDOW, "start_button");
  GtkWidget *stop = tui_child (window, STATION_TYPE_WINDOW, "stop_button");
  g_autoptr (GList) cards = NULL;

  gtk_widget_show (window);
  g_assert_true (GTK_IS_HEADER_BAR (header));
  /* the title names the endpoint (issue 14) */
  g_assert_cmpstr (gtk_header_bar_get_title (header), ==,
                   "Provisioning station · TEST API http://127.0.0.1:9/v1");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==,
                   "Provisioning station · TEST API http://127.0.0.1:9/v1");
  g_assert_cmpstr (gtk_header_bar_get_subtitle (header), ==, "No batch: scanning only");
  g_assert_cmpstr (gtk_entry_get_placeholder_text (scan), ==,
                   "Scan a label, device ID, IMSI, ICCID or IMEI");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (start)), ==, "win.start");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (stop)), ==, "win.stop");
  g_assert_cmpint (gtk_tree_view_get_n_columns (units), ==, 5);
  g_assert_cmpstr (gtk_tree_view_column_get_title (gtk_tree_view_get_column (units, 0)), ==,
                   "Device ID");
  for (const char *const *a
       = (const char *const[]){ "start", "stop", "lookup", "close-record", NULL };
       *a; a++)
    g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), *a));
  /* nothing to provision: Start and Stop are off, scanning works */
  g_assert_false (action_enabled (window, "start"));
  g_assert_false (action_enabled (window, "stop"));
  g_assert_true (action_enabled (window, "lookup"));
  g_assert_false (gtk_widget_get_sensitive (start));
  cards = gtk_container_get_children (tui_child (window, STATION_TYPE_WINDOW, "slot_box"));
  g_assert_null (cards);
  g_assert_cmpstr (tui_label (window, STATION_TYPE_WINDOW, "status_label"), ==,
                   "Scanning only: no batch or fixture given");
  g_assert_cmpstr (tui_label (window, STATION_TYPE_WINDOW, "passed_label"), ==, "Passed 0");
  g_assert_cmpstr (tui_label (window, STATION_TYPE_WINDOW, "api_label"), ==, "API calls 0");
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (window)) == GTK_WIDGET (scan));
  gtk_widget_destroy (window);
}

static gboolean
has_class (GtkWidget *widget, const char *name)
{
  return gtk_style_context_has_class (gtk_widget_get_style_context (widget), name);
}

/* A slot tile follows its slot: device, step of 13, colour by state, a
 * large PASS / FAIL word with one line saying what to do, the failure in
 * words first and its code second; a FAIL stays on the tile when the
 * feeder loads the next unit, until it is acknowledged. */
static void
test_slot_card (void)
{
  guint steps = 0;
  g_autoptr (StationSlot) slot = NULL;
  GtkWidget *card, *led, *failure;
  GtkProgressBar *progress;

  station_line_step_names (&steps);
  g_assert_cmpuint (steps, ==, 13); /* scan ... release, group included */
  slot = station_slot_new (3, steps);
  card = g_object_ref_sink (station_slot_card_new (slot));
  led = tui_child (card, STATION_TYPE_SLOT_CARD, "led");
  failure = tui_child (card, STATION_TYPE_SLOT_CARD, "failure_label");
  progress = tui_child (card, STATION_TYPE_SLOT_CARD, "progress");

  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "title_label"), ==, "Slot 3");
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "device_label"), ==, "empty");
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "verdict_label"), ==, "EMPTY");
  g_assert_true (has_class (led, "idle"));
  g_assert_true (has_class (card, "tile"));
  g_assert_true (has_class (card, "idle"));

  station_slot_unit_started (slot, "TRK-000123");
  station_slot_step (slot, "attach", 4);
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "device_label"), ==, "TRK-000123");
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "step_label"), ==,
                   "Attach to network (step 4 of 13)");
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "verdict_label"), ==, "WORKING");
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (progress), 4.0 / 13, 1e-9);
  g_assert_true (has_class (led, "busy"));
  g_assert_true (has_class (card, "busy"));
  g_assert_false (has_class (card, "idle"));
  g_assert_false (gtk_widget_get_visible (failure));

  station_slot_unit_finished (slot, NULL, FALSE, "sim-missing", "AT+CIMI: SIM not inserted");
  g_assert_true (has_class (led, "fail"));
  g_assert_true (has_class (card, "fail"));
  g_assert_false (has_class (card, "busy"));
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "verdict_label"), ==, "FAIL");
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "action_label"), ==,
                   "Reject tray · scan it or press F4");
  g_assert_true (gtk_widget_get_visible (failure));
  /* plain words first, the code second, no engine identifiers */
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "failure_label"), ==,
                   "No SIM card in the unit (sim-missing)");

  /* the feeder loads the next unit: the FAIL stays until acknowledged */
  station_slot_unit_started (slot, "TRK-000124");
  station_slot_step (slot, "identify", 3);
  g_assert_true (station_slot_fail_pending (slot));
  g_assert_true (has_class (card, "fail"));
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "verdict_label"), ==, "FAIL");
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "device_label"), ==, "TRK-000123");
  g_assert_true (gtk_widget_get_visible (failure));
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "step_label"), ==,
                   "Next unit TRK-000124: Identify modem and SIM (step 3 of 13)");
  /* even when the next unit passes */
  station_slot_unit_finished (slot, NULL, TRUE, NULL, NULL);
  g_assert_true (has_class (card, "fail"));
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "device_label"), ==, "TRK-000123");
  g_assert_true (station_slot_acknowledge (slot));
  g_assert_false (station_slot_acknowledge (slot));
  g_assert_true (has_class (card, "pass"));
  g_assert_false (gtk_widget_get_visible (failure));
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "verdict_label"), ==, "PASS");
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "device_label"), ==, "TRK-000124");
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (progress), 1.0, 1e-9);
  g_assert_cmpuint (station_slot_get_units (slot), ==, 2);
  station_slot_idle (slot);
  g_assert_true (has_class (led, "pass")); /* the verdict stays until the next unit */

  /* acknowledging a FAIL with no unit behind it empties the tile */
  station_slot_unit_started (slot, "TRK-000125");
  station_slot_unit_finished (slot, NULL, FALSE, "weak-signal", NULL);
  station_slot_idle (slot);
  g_assert_true (has_class (card, "fail"));
  station_slot_acknowledge (slot);
  g_assert_true (has_class (card, "idle"));
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "device_label"), ==, "empty");

  /* a unit the stop left half done */
  station_slot_unit_started (slot, "TRK-000126");
  station_slot_unit_interrupted (slot, NULL);
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "verdict_label"), ==, "STOPPED");
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "action_label"), ==,
                   "Put TRK-000126 in again to resume");
  g_object_unref (card);
}

/* Per slot: the unit's elapsed time, the step's, and what is left of the
 * step's limit from the recipe. */
static void
test_slot_time (void)
{
  g_autoptr (StationSlot) slot = station_slot_new (1, 12);
  GtkWidget *card = g_object_ref_sink (station_slot_card_new (slot));
  const gint64 s = G_USEC_PER_SEC, t0 = 1000 * s;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

  g_assert_null (station_slot_time_text (slot, t0));
  station_slot_unit_started (slot, "TRK-000001");
  station_slot_step_timed (slot, "insert_boot", 2, 0, t0);
  /* unit_started set its own clock; the step's is t0 */
  station_slot_step_timed (slot, "attach", 4, 90000, t0 + 20 * s);
  a = station_slot_time_text (slot, t0 + 32 * s);
  g_assert_nonnull (strstr (a, "step 0:12, 1:18 left"));
  b = station_slot_time_text (slot, t0 + 20 * s + 90 * s + 1);
  g_assert_nonnull (strstr (b, "step 1:30, over the limit"));
  station_slot_step_timed (slot, "tags", 7, 0, t0 + 200 * s);
  c = station_slot_time_text (slot, t0 + 205 * s);
  g_assert_true (g_str_has_suffix (c, " · step 0:05"));
  station_slot_card_tick (STATION_SLOT_CARD (card), t0 + 205 * s);
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "time_label"), ==, c);
  station_slot_unit_finished (slot, NULL, TRUE, NULL, NULL);
  d = station_slot_time_text (slot, t0 + 300 * s);
  g_assert_null (d);
  g_object_unref (card);
}

/* The scanner tells a burst from typing: a table of key timings. */
static void
test_scanner (void)
{
  static const struct {
    const char *keys; /* characters, '\n' = Enter or Tab */
    guint gap_ms;
    guint end_gap_ms;
    StationScanVerdict last;
    const char *code;
  } cases[] = {
    { "TRK-012004\n", 8, 8, STATION_SCAN_SCAN, "TRK-012004" },   /* a scanner */
    { "TRK-012004\n", 40, 40, STATION_SCAN_SCAN, "TRK-012004" }, /* a slow scanner */
    { "TRK-012004\n", 8, 300, STATION_SCAN_RELEASE, NULL },      /* Enter pressed by hand */
    { "AB\n", 5, 5, STATION_SCAN_RELEASE, NULL },                /* too short */
    { "\n", 5, 5, STATION_SCAN_PASS, NULL },                     /* a lone Enter */
  };
  g_autoptr (StationScanner) s = station_scanner_new (50, 6);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    guint32 t = 4294967000u; /* X time wraps during the burst */
    StationScanVerdict v = STATION_SCAN_PASS;
    g_autofree char *code = NULL;

    station_scanner_reset (s);
    for (const char *k = cases[i].keys; *k; k++) {
      if (*k == '\n') {
        v = station_scanner_end (s, t + cases[i].end_gap_ms);
      } else {
        if (k != cases[i].keys)
          t += cases[i].gap_ms;
        v = station_scanner_char (s, (gunichar)*k, t);
        g_assert_cmpint (v, ==, STATION_SCAN_HOLD);
      }
    }
    g_assert_cmpint (v, ==, cases[i].last);
    code = v == STATION_SCAN_SCAN ? station_scanner_take_code (s) : NULL;
    g_assert_cmpstr (code, ==, cases[i].code);
  }
  /* a person typing: each pause releases what was held */
  station_scanner_reset (s);
  g_assert_cmpint (station_scanner_char (s, 'a', 1000), ==, STATION_SCAN_HOLD);
  g_assert_cmpint (station_scanner_char (s, 'b', 1250), ==, STATION_SCAN_RELEASE);
  g_assert_cmpuint (station_scanner_held (s), ==, 1);
  g_assert_cmpint (station_scanner_expire (s), ==, STATION_SCAN_RELEASE);
  station_scanner_reset (s);
  g_assert_cmpint (station_scanner_other (s), ==, STATION_SCAN_PASS);
}

/* Every step the engine runs has words; every failure code too. */
static void
test_words (void)
{
  guint n = 0;
  const char *const *names = station_line_step_names (&n);
  static const char *const codes[] = { "bad-device-id",   "sim-missing",   "attach-timeout",
                                       "not-imei-locked", "printer-error", "cancelled" };

  for (guint i = 0; i < n; i++) {
    g_assert_nonnull (names[i]);
    g_assert_cmpstr (station_words_step (names[i]), !=, names[i]);
  }
  g_assert_null (names[n]);
  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    g_assert_nonnull (station_words_failure (codes[i]));

  /* every failure code of the pipeline's table has words, translated
   * from the table's (the C locale here: the same English) */
  {
    guint n_codes = 0;
    const FailureCode *all = failure_codes (&n_codes);

    g_assert_cmpuint (n_codes, >=, 40);
    for (guint i = 0; i < n_codes; i++) {
      const char *w = station_words_failure (all[i].code);

      if (w == NULL)
        g_error ("failure code %s has no words", all[i].code);
      g_assert_cmpstr (w, ==, all[i].words);
    }
  }
  /* the engine's notices in words, its detail in brackets */
  {
    g_autofree char *stops
        = station_run_notice_words (2, "slot 2 stops: jig: slot 2 does not answer");
    g_autofree char *scan = station_run_notice_words (
        1, "slot 1: the unit's device ID could not be scanned: no read within 5 s");
    g_autofree char *other = station_run_notice_words (1, "something else");

    g_assert_cmpstr (stops, ==,
                     "Slot 2 stopped: the fixture reports a problem. Check the jig, then press "
                     "Start (jig: slot 2 does not answer).");
    g_assert_cmpstr (scan, ==,
                     "Slot 1: the unit's device ID could not be read. Scan its label or type the "
                     "ID (no read within 5 s).");
    g_assert_cmpstr (other, ==, "something else");
  }
  g_assert_null (station_words_failure ("no-such-code"));
  g_assert_cmpstr (station_words_step ("no_such_step"), ==, "no_such_step");
  g_assert_cmpstr (station_words_result ("passed"), ==, "Passed");
  /* what a lookup matched, in words, never the store's key names */
  g_assert_cmpstr (station_words_key ("device_id"), ==, "device ID");
  g_assert_cmpstr (station_words_key ("label"), ==, "label");
  g_assert_cmpstr (station_words_step_state ("intent"), ==, "Started, not finished");
}

static void
focusable_widgets (GtkWidget *widget, GPtrArray *out)
{
  if (gtk_widget_get_can_focus (widget) && gtk_widget_get_visible (widget))
    g_ptr_array_add (out, widget);
  if (GTK_IS_CONTAINER (widget)) {
    g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (widget));

    for (GList *l = children; l; l = l->next)
      focusable_widgets (l->data, out);
  }
}

/* The record panel shows a record as lookup prints it. */
static void
test_record_view (void)
{
  g_autofree char *path = tc_data_path ("ui", "record.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  GtkWidget *view = g_object_ref_sink (station_record_view_new ());
  g_autoptr (GList) steps = NULL;
  GtkWidget *state;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  station_record_view_show (STATION_RECORD_VIEW (view),
                            json_node_get_object (json_parser_get_root (parser)));
  g_assert_cmpstr (station_record_view_get_device_id (STATION_RECORD_VIEW (view)), ==,
                   "TRK-521637");
  g_assert_cmpstr (tui_label (view, STATION_TYPE_RECORD_VIEW, "title_label"), ==, "TRK-521637");
  state = tui_child (view, STATION_TYPE_RECORD_VIEW, "state_label");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (state)), ==, "Passed");
  g_assert_true (has_class (state, "passed"));
  g_assert_cmpstr (tui_label (view, STATION_TYPE_RECORD_VIEW, "subtitle_label"), ==,
                   "Found by its label");
  steps = gtk_container_get_children (tui_child (view, STATION_TYPE_RECORD_VIEW, "steps_list"));
  g_assert_cmpuint (g_list_length (steps), ==, 12);
  /* the record's fields are no Tab stops */
  {
    g_autoptr (GList) fields
        = gtk_container_get_children (tui_child (view, STATION_TYPE_RECORD_VIEW, "ident_grid"));

    g_assert_nonnull (fields);
    for (GList *l = fields; l; l = l->next)
      g_assert_false (gtk_widget_get_can_focus (l->data));
  }
  g_assert_null (station_record_view_get_warning (STATION_RECORD_VIEW (view)));
  /* Tab reaches the reprint button only, never a field of the record */
  {
    g_autoptr (GPtrArray) stops = g_ptr_array_new ();

    focusable_widgets (view, stops);
    g_assert_cmpuint (stops->len, ==, 1);
    g_assert_true (stops->pdata[0] == tui_child (view, STATION_TYPE_RECORD_VIEW, "reprint_button"));
  }

  station_record_view_show_message (STATION_RECORD_VIEW (view), "Not found", "no unit");
  g_assert_null (station_record_view_get_device_id (STATION_RECORD_VIEW (view)));
  g_assert_false (
      gtk_widget_get_visible (tui_child (view, STATION_TYPE_RECORD_VIEW, "steps_list")));
  g_object_unref (view);
}

static double
luminance (const GdkRGBA *c)
{
  return 0.2126 * c->red + 0.7152 * c->green + 0.0722 * c->blue;
}

/* The state badge is readable in every state: white text on its colour
 * (a failed badge was red on red: label.failed outranked .badge). */
static void
test_badge_colour (void)
{
  GtkWidget *window = gtk_offscreen_window_new ();
  GtkWidget *view = station_record_view_new ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *path = tc_data_path ("ui", "record.json", NULL);
  static const char *const states[] = { "passed", "failed", "error", "running" };
  JsonObject *record;
  GtkWidget *badge;

  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  record = json_node_get_object (json_parser_get_root (parser));
  gtk_container_add (GTK_CONTAINER (window), view);
  gtk_widget_show_all (window);
  /* the window's style sheet is loaded with the first window */
  {
    g_autoptr (StationRun) run = scanning_only_run ();
    gtk_widget_destroy (station_window_new (NULL, run));
  }
  badge = tui_child (view, STATION_TYPE_RECORD_VIEW, "state_label");
  for (gsize i = 0; i < G_N_ELEMENTS (states); i++) {
    GtkStyleContext *style = gtk_widget_get_style_context (badge);
    GdkRGBA fg;

    json_object_set_string_member (record, "state", states[i]);
    station_record_view_show (STATION_RECORD_VIEW (view), record);
    g_assert_true (has_class (badge, states[i]));
    gtk_style_context_get_color (style, gtk_style_context_get_state (style), &fg);
    g_test_message ("%s badge text %s", states[i], gdk_rgba_to_string (&fg));
    g_assert_cmpfloat (luminance (&fg), >, 0.9);
  }
  gtk_widget_destroy (window);
}

/* A label whose IMSI or ICCID is not the record's is a loud warning. */
static void
test_label_mismatch (void)
{
  g_autofree char *path = tc_data_path ("ui", "record.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  GtkWidget *view = g_object_ref_sink (station_record_view_new ());
  JsonObject *record;
  g_autofree char *same = NULL, *other_imsi = NULL, *other_iccid = NULL, *plain = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  record = json_node_get_object (json_parser_get_root (parser));
  same = station_run_label_mismatch (
      "DEV TRK-521637 IMSI 440108720623860 ICCID 8981100518837081069", record);
  g_assert_null (same);
  plain = station_run_label_mismatch ("TRK-521637", record);
  g_assert_null (plain);
  other_imsi = station_run_label_mismatch ("DEV TRK-521637 IMSI 440108720623861", record);
  g_assert_nonnull (other_imsi);
  g_assert_true (g_str_has_prefix (other_imsi, "WRONG LABEL"));
  g_assert_nonnull (strstr (other_imsi, "IMSI 440108720623861, the record 440108720623860"));
  other_iccid = station_run_label_mismatch (
      "DEV TRK-521637 IMSI 440108720623860 ICCID 8981100518837081077", record);
  g_assert_nonnull (other_iccid);
  g_assert_nonnull (strstr (other_iccid, "ICCID 8981100518837081077"));

  station_record_view_show (STATION_RECORD_VIEW (view), record);
  station_record_view_set_warning (STATION_RECORD_VIEW (view), other_imsi);
  g_assert_true (
      gtk_widget_get_visible (tui_child (view, STATION_TYPE_RECORD_VIEW, "warning_label")));
  g_assert_cmpstr (station_record_view_get_warning (STATION_RECORD_VIEW (view)), ==, other_imsi);
  /* the next record starts without it */
  station_record_view_show (STATION_RECORD_VIEW (view), record);
  g_assert_null (station_record_view_get_warning (STATION_RECORD_VIEW (view)));
  g_object_unref (view);
}

static void
append_row (GtkWidget *window, const char *device_id)
{
  GtkListStore *store = tui_child (window, STATION_TYPE_WINDOW, "units_store");

  gtk_list_store_insert_with_values (store, NULL, -1, 0, device_id, 2, "Passed", -1);
}

static const char *
record_title (GtkWidget *window)
{
  return tui_label (tui_child (window, STATION_TYPE_WINDOW, "record_view"),
                    STATION_TYPE_RECORD_VIEW, "title_label");
}

static GtkWidget *
shown_window (StationRun *run)
{
  GtkWidget *window = station_window_new (NULL, run);

  gtk_widget_show (window);
  while (gtk_events_pending ())
    gtk_main_iteration ();
  return window;
}

/* A scan burst typed while the finished list has focus (a row highlighted)
 * goes to the scan handler: the record of the scanned unit opens, Enter
 * does not open the highlighted row, no key reaches the list. */
static void
test_scan_burst_anywhere (void)
{
  g_autoptr (StationRun) run = scanning_only_run ();
  GtkWidget *window = shown_window (run);
  GtkTreeView *units = tui_child (window, STATION_TYPE_WINDOW, "units_view");
  GtkEntry *scan = tui_child (window, STATION_TYPE_WINDOW, "scan_entry");
  g_autoptr (GtkTreePath) first = gtk_tree_path_new_first ();
  guint32 t;

  append_row (window, "TRK-148627");
  append_row (window, "TRK-148628");
  gtk_widget_grab_focus (GTK_WIDGET (units));
  gtk_tree_view_set_cursor (units, first, NULL, FALSE);
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (units)));

  /* a lone Enter typed by hand still opens the highlighted row */
  tui_key (window, GDK_KEY_Return, 1000);
  g_assert_cmpstr (record_title (window), ==, "Looking up TRK-148627…");

  gtk_widget_grab_focus (GTK_WIDGET (units));
  t = tui_type (window, "TRK-012004", 5000, 12, GDK_KEY_Return);
  g_assert_cmpstr (record_title (window), ==, "Looking up TRK-012004…");
  g_assert_cmpstr (gtk_entry_get_text (scan), ==, "TRK-012004");
  g_assert_true (g_str_has_prefix (tui_label (window, STATION_TYPE_WINDOW, "last_scan_label"),
                                   "TRK-012004 · "));
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (scan))); /* ready for the next scan */

  /* a burst ended by Tab, from the list again: the same */
  gtk_widget_grab_focus (GTK_WIDGET (units));
  tui_type (window, "DEV TRK-012005 IMSI 440103000000005", t + 1000, 8, GDK_KEY_Tab);
  g_assert_cmpstr (record_title (window), ==, "Looking up DEV TRK-012005 IMSI 440103000000005…");
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (scan)));

  /* too short to be a scan: the keys are the list's, Enter opens its row */
  gtk_widget_grab_focus (GTK_WIDGET (units));
  gtk_tree_view_set_cursor (units, first, NULL, FALSE);
  tui_type (window, "AB", t + 5000, 8, GDK_KEY_Return);
  g_assert_cmpstr (record_title (window), ==, "Looking up TRK-148627…");
  gtk_widget_destroy (window);
}

static gboolean
entry_is (gpointer data)
{
  GtkEntry *entry = data;

  return g_strcmp0 (gtk_entry_get_text (entry), g_object_get_data (G_OBJECT (entry), "want")) == 0;
}

/* A person typing slowly into the scan field: every key lands in it, and
 * Enter looks the code up; a burst into the scan field ended by Tab looks
 * up too.  Keys typed slowly elsewhere are held a moment and then reach
 * the focused widget (never lost). */
static void
test_scan_typing (void)
{
  g_autoptr (StationRun) run = scanning_only_run ();
  GtkWidget *window = shown_window (run);
  GtkEntry *scan = tui_child (window, STATION_TYPE_WINDOW, "scan_entry");
  GtkWidget *other = gtk_entry_new ();
  guint32 t;

  gtk_widget_grab_focus (GTK_WIDGET (scan));
  t = tui_type (window, "TRK-000042", 1000, 350, 0);
  g_assert_cmpstr (gtk_entry_get_text (scan), ==, "TRK-000042");
  g_assert_cmpstr (record_title (window), ==, "No unit");
  tui_key (window, GDK_KEY_Return, t + 400);
  g_assert_cmpstr (record_title (window), ==, "Looking up TRK-000042…");

  gtk_entry_set_text (scan, "");
  t = tui_type (window, "TRK-000043", t + 2000, 10, GDK_KEY_Tab);
  g_assert_cmpstr (record_title (window), ==, "Looking up TRK-000043…");
  /* the code is looked up: Tab now moves the focus on (keyboard navigation) */
  tui_key (window, GDK_KEY_Tab, t + 1000);
  g_assert_false (gtk_widget_is_focus (GTK_WIDGET (scan)));
  g_assert_cmpstr (record_title (window), ==, "Looking up TRK-000043…");

  /* slow keys with the focus outside the scan field reach that widget */
  gtk_container_add (GTK_CONTAINER (tui_child (window, STATION_TYPE_WINDOW, "batch_bar")), other);
  gtk_widget_show (other);
  gtk_widget_grab_focus (other);
  g_object_set_data (G_OBJECT (other), "want", "ok");
  tui_type (window, "ok", t + 2000, 400, 0);
  g_assert_true (tui_wait (entry_is, other, 5000));
  g_assert_cmpstr (gtk_entry_get_text (scan), ==, "TRK-000043");
  gtk_widget_destroy (window);
}

static gboolean
has_focus (gpointer data)
{
  return gtk_widget_is_focus (data);
}

/* Esc and F2 bring the focus back to the scan field; F4 acknowledges the
 * FAILs; the sounds follow the finished units and can be switched off. */
static void
record_sound (const char *event_id, gpointer data)
{
  g_ptr_array_add (data, g_strdup (event_id));
}

static void
test_keys_and_sounds (void)
{
  g_autoptr (StationRun) run = scanning_only_run ();
  GtkWidget *window = shown_window (run);
  GtkEntry *scan = tui_child (window, STATION_TYPE_WINDOW, "scan_entry");
  GtkWidget *units = tui_child (window, STATION_TYPE_WINDOW, "units_view");
  GListStore *rows = G_LIST_STORE (station_run_get_units (run));
  g_autoptr (GPtrArray) played = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (StationUnitRow) pass = NULL, fail = NULL, stopped = NULL;

  gtk_widget_grab_focus (units);
  tui_key (window, GDK_KEY_Escape, 100);
  g_assert_true (tui_wait (has_focus, scan, 1000));
  gtk_widget_grab_focus (units);
  tui_key (window, GDK_KEY_F2, 200);
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (scan)));
  /* F5 (Start) does nothing on a scanning-only station and loses nothing */
  tui_key (window, GDK_KEY_F5, 300);
  g_assert_false (station_run_is_busy (run));

  station_sound_set_player (station_window_get_sound (STATION_WINDOW (window)), record_sound,
                            played);
  pass = station_unit_row_new (1, "TRK-000001", NULL, "passed", NULL, NULL, 0);
  fail = station_unit_row_new (2, "TRK-000002", NULL, "failed", "sim-missing", NULL, 0);
  stopped = station_unit_row_new (2, "TRK-000003", NULL, "error", "cancelled", NULL, 0);
  g_list_store_insert (rows, 0, pass);
  g_list_store_insert (rows, 0, fail);
  g_list_store_insert (rows, 0, stopped); /* a stop is not a FAIL */
  g_assert_cmpuint (played->len, ==, 2);
  g_assert_cmpstr (played->pdata[0], ==, "complete");
  g_assert_cmpstr (played->pdata[1], ==, "dialog-error");
  g_assert_true (
      g_variant_get_boolean (g_action_group_get_action_state (G_ACTION_GROUP (window), "sounds")));
  g_action_group_change_action_state (G_ACTION_GROUP (window), "sounds",
                                      g_variant_new_boolean (FALSE));
  g_list_store_insert (rows, 0, fail);
  g_assert_cmpuint (played->len, ==, 2);
  gtk_widget_destroy (window);
}

/* The [ui] sounds setting turns them off from the start. */
static void
test_sounds_setting (void)
{
  StationRunOptions ro = { 0 };
  StationConfig *config = station_config_new ();
  g_autoptr (StationRun) run = NULL;
  GtkWidget *window;

  station_config_set_string (config, "ui", "sounds", "false");
  ro.line.api_url = "http://127.0.0.1:9/v1";
  run = station_run_new (config, &ro);
  window = station_window_new (NULL, run);
  g_assert_false (station_sound_get_enabled (station_window_get_sound (STATION_WINDOW (window))));
  g_assert_false (
      g_variant_get_boolean (g_action_group_get_action_state (G_ACTION_GROUP (window), "sounds")));
  gtk_widget_destroy (window);
}

static gboolean
tile_taller_than (gpointer data)
{
  GtkWidget *window = data;
  g_autoptr (GList) tiles
      = gtk_container_get_children (tui_child (window, STATION_TYPE_WINDOW, "slot_box"));
  int want = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (window), "want"));

  return tiles != NULL && gtk_widget_get_allocated_height (tiles->data) >= want;
}

/* The line screen with 4 slots (working, FAIL with the next unit behind
 * it, PASS, empty) fits 1366x768, and its tiles grow to fill 1920x1080. */
static void
check_window_fits (void)
{
  g_autoptr (StationRun) run = scanning_only_run ();
  GListStore *slots = G_LIST_STORE (station_run_get_slots (run));
  GtkWidget *window;
  int min_w = 0, min_h = 0;

  for (guint i = 1; i <= 4; i++) {
    g_autoptr (StationSlot) slot = station_slot_new (i, 12);

    if (i == 1 || i == 2) {
      station_slot_unit_started (slot, "TRK-000001");
      station_slot_step_timed (slot, "attach", 4, 60000, g_get_monotonic_time ());
    }
    if (i == 2) {
      station_slot_unit_finished (slot, NULL, FALSE, "register-imsi-mismatch", "detail");
      station_slot_unit_started (slot, "TRK-000002");
      station_slot_step (slot, "insert_boot", 2);
    }
    if (i == 3) {
      station_slot_unit_started (slot, "TRK-000003");
      station_slot_unit_finished (slot, NULL, TRUE, NULL, NULL);
    }
    g_list_store_append (slots, slot);
  }
  window = station_window_new (NULL, run);
  gtk_widget_show (window);
  gtk_widget_get_preferred_width (window, &min_w, NULL);
  gtk_widget_get_preferred_height (window, &min_h, NULL);
  g_test_message ("smallest window %dx%d", min_w, min_h);
  g_assert_cmpint (min_w, <=, 1366);
  g_assert_cmpint (min_h, <=, 768 - 40); /* a window manager's title and panel */
  /* with the record panel open too */
  gtk_revealer_set_reveal_child (tui_child (window, STATION_TYPE_WINDOW, "record_revealer"), TRUE);
  gtk_widget_get_preferred_width (window, &min_w, NULL);
  g_test_message ("smallest width with the record %d", min_w);
  g_assert_cmpint (min_w, <=, 1366);

  gtk_window_resize (GTK_WINDOW (window), 1920, 1080);
  g_object_set_data (G_OBJECT (window), "want", GINT_TO_POINTER (500));
  g_assert_true (tui_wait (tile_taller_than, window, 10000));
  gtk_widget_destroy (window);
}

static void
test_window_fits (void)
{
  check_window_fits ();
}

/* station-gtk refuses what provision refuses, before opening any window. */
static void
test_options (void)
{
  g_autofree char *prog = tc_build_path ("ui/station-gtk");
  static const struct {
    const char *args[4];
    int rc;
    const char *err;
  } cases[] = {
    { { "--batch", "B1" }, 2, "station-gtk: --batch ID and --fixture URI are required\n" },
    { { "--batch", "B1", "--fixture", "sim:" }, 2, NULL }, /* --registry-listen alone below */
    { { "--slots", "-1" }, 2, "station-gtk: --slots, --count and --poll-ms must be >= 0\n" },
    { { "--batch", "B 1", "--fixture", "sim:" }, 2, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GPtrArray) argv = g_ptr_array_new ();
    g_autofree char *out = NULL, *err = NULL;
    int rc;

    g_ptr_array_add (argv, prog);
    for (guint k = 0; k < 4 && cases[i].args[k]; k++)
      g_ptr_array_add (argv, (char *)cases[i].args[k]);
    if (i == 1)
      g_ptr_array_add (argv, "--registry-listen=127.0.0.1:0");
    g_ptr_array_add (argv, NULL);
    rc = tc_run ((const char *const *)argv->pdata, &out, &err, 30000);
    g_assert_cmpint (rc, ==, cases[i].rc);
    g_assert_true (g_str_has_prefix (err, "station-gtk: "));
    if (cases[i].err != NULL)
      g_assert_cmpstr (err, ==, cases[i].err);
  }
}

/* With LANGUAGE=ja the technician reads Japanese: code, templates, words. */
static void
test_japanese (void)
{
  if (g_test_subprocess ()) {
    g_autoptr (StationRun) run = scanning_only_run ();
    GtkWidget *window = station_window_new (NULL, run);

    g_assert_cmpstr (station_words_step ("attach"), ==, "ネットワーク接続");
    g_assert_cmpstr (station_words_failure ("sim-missing"), ==,
                     "ユニットに SIM カードがありません");
    g_assert_cmpstr (gtk_header_bar_get_title (tui_child (window, STATION_TYPE_WINDOW, "header")),
                     ==, "キッティングステーション · テスト API http://127.0.0.1:9/v1");
    g_assert_cmpstr (
        gtk_entry_get_placeholder_text (tui_child (window, STATION_TYPE_WINDOW, "scan_entry")), ==,
        "ラベル、デバイス ID、IMSI、ICCID、IMEI をスキャン");
    g_assert_cmpstr (tui_label (window, STATION_TYPE_WINDOW, "passed_label"), ==, "合格 0");
    /* the refused-code message and the journal's words are Japanese too */
    {
      g_autoptr (GError) bad = g_error_new_literal (IDENTITY_ERROR, IDENTITY_ERROR_CHARACTER,
                                                    "device ID 'TRK 1': character ' ' at 4");
      g_autofree char *words = station_words_lookup_error (bad, "TRK 1");
      g_autoptr (StationSlot) slot = station_slot_new (1, 12);
      GtkWidget *card = g_object_ref_sink (station_slot_card_new (slot));

      g_assert_cmpstr (words, ==,
                       "「TRK 1」はデバイス ID、IMSI、ICCID、IMEI、ラベルのいずれでもありません。"
                       "ラベルをもう一度スキャンするか、デバイス ID を入力してください。");
      g_assert_cmpstr (station_words_step_state ("done"), ==, "完了");
      g_assert_cmpstr (station_words_key ("device_id"), ==, "デバイス ID");
      station_slot_unit_started (slot, "TRK-000001");
      station_slot_unit_finished (slot, NULL, FALSE, "sim-missing", NULL);
      g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "verdict_label"), ==, "不合格");
      g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "failure_label"), ==,
                       "ユニットに SIM カードがありません (sim-missing)");
      g_object_unref (card);
    }
    gtk_widget_destroy (window);
    check_window_fits (); /* Japanese lines are taller */
    return;
  }
  g_setenv ("LANGUAGE", "ja", TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("LANGUAGE");
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  tui_init (&argc, &argv);
  g_test_add_func ("/ui/window/template", test_window_template);
  g_test_add_func ("/ui/window/title-names-endpoint", test_title_names_endpoint);
  g_test_add_func ("/ui/login", test_login);
  g_test_add_func ("/ui/slot-card", test_slot_card);
  g_test_add_func ("/ui/window/fits", test_window_fits);
  g_test_add_func ("/ui/slot-time", test_slot_time);
  g_test_add_func ("/ui/scanner", test_scanner);
  g_test_add_func ("/ui/badge-colour", test_badge_colour);
  g_test_add_func ("/ui/label-mismatch", test_label_mismatch);
  g_test_add_func ("/ui/scan/burst-anywhere", test_scan_burst_anywhere);
  g_test_add_func ("/ui/scan/typing", test_scan_typing);
  g_test_add_func ("/ui/keys-and-sounds", test_keys_and_sounds);
  g_test_add_func ("/ui/sounds-setting", test_sounds_setting);
  g_test_add_func ("/ui/words", test_words);
  g_test_add_func ("/ui/record-view", test_record_view);
  g_test_add_func ("/ui/options", test_options);
  g_test_add_func ("/ui/japanese", test_japanese);
  return g_test_run ();
}
