/* tests/test-ui-screenshots.c - the pictures of the operator app in
 * README.md and docs/operator-app.md (not a test; tools/ui-screenshots.sh
 * runs it once per language and screen size, under Xvfb with a window
 * manager): a virtual line of 4 slots and 12 units where one unit has no
 * SIM, the window maximised, and PNGs of the whole screen mid-run with the
 * FAIL, when the batch is done,
 * and with a unit's record open after scanning its label.
 *
 *   test-ui-screenshots OUT-PREFIX   writes OUT-PREFIX-{running,done,record}.png */
#include <gtk/gtk.h>

#include "tests/common/test-common.h"
#include "tests/test-ui-common.h"
#include "ui/station-record-view.h"

typedef struct {
  GtkWidget *window;
  StationRun *run;
  gboolean finished;
} Shot;

static void
on_finished (StationRun *run, gboolean completed, Shot *shot)
{
  shot->finished = TRUE;
}

static gboolean
finished (gpointer data)
{
  return ((Shot *)data)->finished;
}

/* a FAIL on one tile while other tiles are working */
static gboolean
fail_and_busy (gpointer data)
{
  Shot *shot = data;
  GListModel *slots = station_run_get_slots (shot->run);
  gboolean fail = FALSE, busy = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (slots); i++) {
    g_autoptr (StationSlot) slot = g_list_model_get_item (slots, i);

    fail |= station_slot_fail_pending (slot);
    busy |= station_slot_get_led (slot) == STATION_LED_BUSY
            && station_slot_get_step_index (slot) >= 3;
  }
  return fail && busy;
}

static gboolean
record_shown (gpointer data)
{
  return station_record_view_get_device_id (data) != NULL;
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *)data = TRUE;
  return FALSE;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *)data;
}

/* The whole screen as the technician sees it, after a fresh frame. */
static void
shoot (GtkWidget *window, const char *prefix, const char *name)
{
  GdkWindow *root = gdk_get_default_root_window ();
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("%s-%s.png", prefix, name);
  gboolean painted = FALSE;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  gulong id = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (set_flag), &painted);

  gtk_widget_queue_draw (window);
  tui_wait (flag_is_set, &painted, 5000);
  g_signal_handler_disconnect (clock, id);
  painted = FALSE;
  g_timeout_add (300, set_flag, &painted); /* let the window manager settle */
  tui_wait (flag_is_set, &painted, 5000);
  pixbuf = gdk_pixbuf_get_from_window (root, 0, 0, gdk_window_get_width (root),
                                       gdk_window_get_height (root));
  g_assert_nonnull (pixbuf);
  gdk_pixbuf_save (pixbuf, path, "png", &error, "compression", "9", NULL);
  g_assert_no_error (error);
  g_print ("%s\n", path);
}

int
main (int argc, char **argv)
{
  g_autoptr (TuiLine) line = NULL;
  Shot shot = { 0 };
  StationRecordView *view;
  g_autofree char *payload = NULL;

  tui_init (&argc, &argv);
  if (argc != 2) {
    g_printerr ("usage: test-ui-screenshots OUT-PREFIX\n");
    return 2;
  }
  line = tui_line_new (4, 12, "6", "unit3=nosim");
  shot.run = tui_line_run (line);
  g_signal_connect (shot.run, "finished", G_CALLBACK (on_finished), &shot);
  shot.window = station_window_new (NULL, shot.run);
  gtk_window_maximize (GTK_WINDOW (shot.window));
  gtk_widget_show (shot.window);
  station_sound_set_enabled (station_window_get_sound (STATION_WINDOW (shot.window)), FALSE);
  g_action_group_activate_action (G_ACTION_GROUP (shot.window), "start", NULL);

  if (!tui_wait (fail_and_busy, &shot, 120000))
    g_error ("no FAIL next to working slots within 120 s");
  shoot (shot.window, argv[1], "running");
  if (!tui_wait (finished, &shot, 300000))
    g_error ("the batch did not finish within 300 s");
  shoot (shot.window, argv[1], "done");

  view = tui_child (shot.window, STATION_TYPE_WINDOW, "record_view");
  payload = g_strdup_printf ("DEV %s IMSI %s", (char *)line->device_ids->pdata[0],
                             (char *)line->imsis->pdata[0]);
  tui_type (shot.window, payload, 1000, 10, GDK_KEY_Return);
  if (!tui_wait (record_shown, view, 60000))
    g_error ("the record did not show within 60 s");
  shoot (shot.window, argv[1], "record");
  gtk_widget_destroy (shot.window);
  g_clear_object (&shot.run);
  return 0;
}
