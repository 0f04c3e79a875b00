/* tests/test-ui.c - the operator app's window, slot cards and record view
 * under Xvfb, without a line: templates build, actions are wired and
 * enabled as the run allows, the models drive the widgets, the words of
 * every engine step exist, and station-gtk refuses bad options. */
#include <gtk/gtk.h>

#include "station/pipeline/line.h"
#include "tests/common/test-common.h"
#include "tests/test-ui-common.h"
#include "ui/station-record-view.h"
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
  g_assert_cmpstr (gtk_header_bar_get_title (header), ==, "Provisioning station");
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

/* A slot card follows its slot: device, step of 13, LED colour, failure in
 * words. */
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
  g_assert_true (has_class (led, "idle"));

  station_slot_unit_started (slot, "TRK-000123");
  station_slot_step (slot, "attach", 4);
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "device_label"), ==, "TRK-000123");
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "step_label"), ==,
                   "Attach to network (step 4 of 13)");
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (progress), 4.0 / 13, 1e-9);
  g_assert_true (has_class (led, "busy"));
  g_assert_false (has_class (led, "idle"));
  g_assert_false (gtk_widget_get_visible (failure));

  station_slot_unit_finished (slot, NULL, FALSE, "sim-missing", "AT+CIMI: SIM not inserted");
  g_assert_true (has_class (led, "fail"));
  g_assert_false (has_class (led, "busy"));
  g_assert_true (gtk_widget_get_visible (failure));
  g_assert_cmpstr (tui_label (card, STATION_TYPE_SLOT_CARD, "failure_label"), ==,
                   "sim-missing — No SIM card in the unit: AT+CIMI: SIM not inserted");

  station_slot_unit_started (slot, "TRK-000124");
  g_assert_false (gtk_widget_get_visible (failure));
  station_slot_unit_finished (slot, NULL, TRUE, NULL, NULL);
  g_assert_true (has_class (led, "pass"));
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (progress), 1.0, 1e-9);
  g_assert_cmpuint (station_slot_get_units (slot), ==, 2);
  station_slot_idle (slot);
  g_assert_true (has_class (led, "pass")); /* the verdict stays until the next unit */
  g_object_unref (card);
}

/* Every step the engine runs has words; failure codes of the README too. */
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

  /* every failure code the engine defines has words */
  {
    const char *root = g_getenv ("SOURCE_ROOT");
    g_autofree char *path
        = g_build_filename (root ? root : ".", "station", "pipeline", "engine-private.h", NULL);
    g_autofree char *text = NULL;
    g_autoptr (GRegex) re = g_regex_new ("#define (FAIL|ERR)_[A-Z_]+ +\"([a-z-]+)\"", 0, 0, NULL);
    g_autoptr (GMatchInfo) m = NULL;
    guint seen = 0;

    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    for (g_regex_match (re, text, 0, &m); g_match_info_matches (m); g_match_info_next (m, NULL)) {
      g_autofree char *code = g_match_info_fetch (m, 2);
      if (station_words_failure (code) == NULL)
        g_error ("failure code %s has no words in ui/station-words.c", code);
      seen++;
    }
    g_assert_cmpuint (seen, >=, 40);
  }
  g_assert_null (station_words_failure ("no-such-code"));
  g_assert_cmpstr (station_words_step ("no_such_step"), ==, "no_such_step");
  g_assert_cmpstr (station_words_result ("passed"), ==, "Passed");
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

  station_record_view_show_message (STATION_RECORD_VIEW (view), "Not found", "no unit");
  g_assert_null (station_record_view_get_device_id (STATION_RECORD_VIEW (view)));
  g_assert_false (
      gtk_widget_get_visible (tui_child (view, STATION_TYPE_RECORD_VIEW, "steps_list")));
  g_object_unref (view);
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
                     ==, "キッティングステーション");
    g_assert_cmpstr (
        gtk_entry_get_placeholder_text (tui_child (window, STATION_TYPE_WINDOW, "scan_entry")), ==,
        "ラベル、デバイス ID、IMSI、ICCID、IMEI をスキャン");
    g_assert_cmpstr (tui_label (window, STATION_TYPE_WINDOW, "passed_label"), ==, "合格 0");
    gtk_widget_destroy (window);
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
  g_test_add_func ("/ui/slot-card", test_slot_card);
  g_test_add_func ("/ui/words", test_words);
  g_test_add_func ("/ui/record-view", test_record_view);
  g_test_add_func ("/ui/options", test_options);
  g_test_add_func ("/ui/japanese", test_japanese);
  return g_test_run ();
}
