/* tests/test-ui-common.c - Xvfb, a virtual line and waits for the ui tests. */
#include "tests/test-ui-common.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "tests/common/test-common.h"

#define AUTH_KEY_ID "keyId-emulator-0000000000000000000000"
#define AUTH_KEY    "secret-emulator-0000000000000000000000000000000000000000000000000000"

static GPid xvfb_pid;

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
stop_xvfb (void)
{
  tc_kill (xvfb_pid, 2000);
}

/* Starts Xvfb on a display it picks itself (-displayfd) and sets DISPLAY. */
static void
start_xvfb (void)
{
  g_autoptr (GError) error = NULL;
  int fds[2];
  int source[1], target[1] = { 3 };
  char buf[32] = { 0 };
  gsize len = 0;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  /* STATION_UI_SCREEN=WxH: the screen size (tools/ui-screenshots.sh) */
  const char *size = g_getenv ("STATION_UI_SCREEN");
  g_autofree char *screen = g_strdup_printf ("%sx24", size ? size : "1920x1080");
  const char *argv[]
      = { "Xvfb", "-displayfd", "3", "-screen", "0", screen, "-nolisten", "tcp", "-noreset", NULL };
  g_autofree char *display = NULL;

  g_assert_cmpint (pipe (fds), ==, 0);
  source[0] = fds[1];
  g_spawn_async_with_pipes_and_fds (
      NULL, argv, NULL,
      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL
          | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
      die_with_parent, NULL, -1, -1, -1, source, target, 1, &xvfb_pid, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  close (fds[1]);
  while (len < sizeof buf - 1 && memchr (buf, '\n', len) == NULL) {
    struct pollfd p = { .fd = fds[0], .events = POLLIN };
    gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
    ssize_t n;

    if (left <= 0 || poll (&p, 1, (int)left) <= 0)
      g_error ("Xvfb did not report its display within 20 s");
    n = read (fds[0], buf + len, sizeof buf - 1 - len);
    if (n <= 0)
      g_error ("Xvfb exited before reporting its display (is it installed?)");
    len += (gsize)n;
  }
  close (fds[0]);
  display = g_strdup_printf (":%d", atoi (buf));
  g_setenv ("DISPLAY", display, TRUE);
  g_unsetenv ("WAYLAND_DISPLAY");
  atexit (stop_xvfb);
}

static char *home;

static void
remove_home (void)
{
  tc_rm_rf (home);
  g_free (home);
}

/* Like tc_init, but GTK needs the system's data folders (icon theme, MIME
 * database), which G_TEST_OPTION_ISOLATE_DIRS hides: only the user's
 * folders are private to the test program. */
void
tui_init (int *argc, char ***argv)
{
  static const char *const user_dirs[]
      = { "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME" };

  home = g_dir_make_tmp ("station-ui-test-XXXXXX", NULL);
  g_assert_nonnull (home);
  atexit (remove_home);
  for (gsize i = 0; i < G_N_ELEMENTS (user_dirs); i++) {
    g_autofree char *dir = g_build_filename (home, user_dirs[i], NULL);

    g_mkdir (dir, 0700);
    g_setenv (user_dirs[i], dir, TRUE);
  }
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  g_unsetenv ("http_proxy");
  g_unsetenv ("https_proxy");
  g_test_init (argc, argv, NULL);
  signal (SIGPIPE, SIG_IGN);
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("SORACOM_AUTH_KEY_ID", AUTH_KEY_ID, TRUE);
  g_setenv ("SORACOM_AUTH_KEY", AUTH_KEY, TRUE);
  /* STATION_UI_KEEP_DISPLAY=1: use $DISPLAY as it is (tools/ui-screenshots.sh
   * starts an X server with a window manager) */
  if (g_strcmp0 (g_getenv ("STATION_UI_KEEP_DISPLAY"), "1") != 0)
    start_xvfb ();
  gtk_init (argc, argv);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

static char *
spawn_first_line (const char *const *argv, GPid *pid, int *out_fd)
{
  g_autoptr (GError) error = NULL;
  GString *line = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  int fd = -1;

  g_spawn_async_with_pipes (NULL, (char **)argv, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                            die_with_parent, NULL, pid, NULL, &fd, NULL, &error);
  g_assert_no_error (error);
  for (guint n = 0; n < 1 << 20; n++) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
    char c;

    if (left <= 0 || poll (&p, 1, (int)left) <= 0 || read (fd, &c, 1) != 1)
      break;
    if (c == '\n') {
      *out_fd = fd; /* kept open: the program may print more */
      return g_string_free (line, FALSE);
    }
    g_string_append_c (line, c);
  }
  g_error ("%s printed no first line within 30 s", argv[0]);
  return NULL;
}

static const char *
string_or_null (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  return n != NULL && JSON_NODE_HOLDS_VALUE (n) ? json_node_get_string (n) : NULL;
}

TuiLine *
tui_line_new (guint slots, guint units, const char *speed, const char *faults)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *emulator = tc_build_path ("fixtures/cloud-emulator/cloud-emulator");
  g_autofree char *sim = tc_build_path ("fixtures/fixture-sim/fixture-sim");
  g_autofree char *cli = tc_build_path ("station/station-cli");
  g_autofree char *state = NULL, *target = NULL, *first = NULL, *csv_path = NULL;
  g_autofree char *slots_text = g_strdup_printf ("%u", slots);
  g_autofree char *units_text = g_strdup_printf ("%u", units);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GString) csv = g_string_new ("imsi,iccid,serial_number,msisdn\n");
  TuiLine *l = g_new0 (TuiLine, 1);
  guint port = tc_free_port ();
  int emu_fd = -1;
  JsonArray *list;

  l->dir = tc_tmpdir ();
  l->db = g_build_filename (l->dir, "station.db", NULL);
  l->labels = g_build_filename (l->dir, "labels", NULL);
  l->psk = g_build_filename (l->dir, "beam.psk", NULL);
  l->config = tc_data_path ("ui", "station.ini", NULL);
  {
    g_autofree char *src = tc_data_path ("ui", "recipe-fast.ini", NULL);
    l->recipe = tc_scaled_recipe (src, l->dir);
  }
  l->registry_listen = g_strdup_printf ("127.0.0.1:%u", port);
  l->device_ids = g_ptr_array_new_with_free_func (g_free);
  l->imsis = g_ptr_array_new_with_free_func (g_free);
  g_mkdir (l->labels, 0755);
  g_file_set_contents (l->psk, "0123456789abcdef0123456789abcdef-ui-test", -1, &error);
  g_assert_no_error (error);
  g_chmod (l->psk, 0600);

  state = g_build_filename (l->dir, "cloud.json", NULL);
  target = g_strdup_printf ("http://%s", l->registry_listen);
  {
    const char *argv[] = { emulator, "--port",        "0",    "--seed",     "1",    "--state",
                           state,    "--beam-target", target, "--beam-psk", l->psk, NULL };
    first = spawn_first_line (argv, &l->emulator, &emu_fd);
  }
  close (emu_fd);
  g_assert_true (g_str_has_prefix (first, "listening http://127.0.0.1:"));
  l->api_root
      = g_strndup (first + strlen ("listening "), strcspn (first + strlen ("listening "), " "));
  l->api_url = g_strconcat (l->api_root, "/v1", NULL);
  g_clear_pointer (&first, g_free);

  {
    const char *argv[] = { sim,        "--slots",   slots_text,  "--generate",
                           units_text, "--api-url", l->api_root, "--seed",
                           "7",        "--speed",   speed,       faults ? "--faults" : NULL,
                           faults,     NULL };
    first = spawn_first_line (argv, &l->sim, &l->sim_stdout);
  }
  json_parser_load_from_data (parser, first, -1, &error);
  g_assert_no_error (error);
  l->fixture = g_strdup (json_object_get_string_member (
      json_node_get_object (json_parser_get_root (parser)), "fixture"));
  list = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "units");
  g_assert_cmpuint (json_array_get_length (list), ==, units);
  for (guint i = 0; i < units; i++) {
    JsonObject *u = json_array_get_object_element (list, i);

    const char *imsi = string_or_null (u, "imsi");

    g_ptr_array_add (l->device_ids, g_strdup (json_object_get_string_member (u, "device_id")));
    g_ptr_array_add (l->imsis, g_strdup (imsi));
    if (imsi != NULL) /* a unit without SIM has none to import */
      g_string_append_printf (csv, "%s,%s,,\n", imsi, string_or_null (u, "iccid"));
  }
  csv_path = g_build_filename (l->dir, "sims.csv", NULL);
  g_file_set_contents (csv_path, csv->str, -1, &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { cli,      "--db",    l->db,  "--api-url", l->api_url, "batch",
                           "import", "--batch", "UI-1", "--csv",     csv_path,   NULL };
    int rc = tc_run (argv, &out, &err, 60000);

    if (rc != 0)
      g_error ("batch import: exit %d: %s", rc, err);
  }
  return l;
}

void
tui_line_free (TuiLine *l)
{
  if (l == NULL)
    return;
  tc_kill (l->sim, 5000);
  tc_kill (l->emulator, 5000);
  if (l->sim_stdout >= 0)
    close (l->sim_stdout);
  g_free (l->dir);
  g_free (l->api_root);
  g_free (l->api_url);
  g_free (l->fixture);
  g_free (l->db);
  g_free (l->config);
  g_free (l->recipe);
  g_free (l->psk);
  g_free (l->labels);
  g_free (l->registry_listen);
  g_ptr_array_unref (l->device_ids);
  g_ptr_array_unref (l->imsis);
  g_free (l);
}

StationRun *
tui_line_run (TuiLine *l)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *printer = g_strdup_printf ("file:%s", l->labels);
  StationConfig *config = station_config_load (l->config, &error);
  StationRunOptions ro = { 0 };

  g_assert_no_error (error);
  station_config_set_string (config, "station", "db", l->db);
  station_config_set_string (config, "soracom", "api_url", l->api_url);
  ro.line.batch_id = "UI-1";
  ro.line.fixture_uri = l->fixture;
  ro.line.api_url = l->api_url;
  ro.line.registry_listen = l->registry_listen;
  ro.line.psk_file = l->psk;
  ro.line.printer_uri = printer;
  ro.line.recipe_path = l->recipe;
  ro.line.station = "ui-test";
  ro.poll_ms = 50;
  return station_run_new (config, &ro);
}

/* ---- waiting and widgets -------------------------------------------------- */

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE; /* wakes the iteration up to check again */
}

gboolean
tui_wait (gboolean (*done) (gpointer data), gpointer data, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  guint id = g_timeout_add (50, tick, NULL);
  gboolean ok;

  while (!(ok = done (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
  return ok;
}

gpointer
tui_child (gpointer widget, GType type, const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return child;
}

const char *
tui_label (gpointer widget, GType type, const char *name)
{
  return gtk_label_get_text (GTK_LABEL (tui_child (widget, type, name)));
}

static void
set_flag (gboolean *flag)
{
  *flag = TRUE;
}

static gboolean
flag_is_set (gpointer flag)
{
  return *(gboolean *)flag;
}

void
tui_screenshot (GtkWidget *window, const char *suffix)
{
  const char *base = g_getenv ("STATION_UI_SCREENSHOT");
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong id;
  GdkWindow *w;

  if (base == NULL)
    return;
  /* wait for a frame painted after everything the test did so far */
  gtk_widget_queue_draw (window);
  clock = gtk_widget_get_frame_clock (window);
  id = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (set_flag), &painted);
  tui_wait (flag_is_set, &painted, 5000);
  g_signal_handler_disconnect (clock, id);
  w = gtk_widget_get_window (window);
  pixbuf
      = gdk_pixbuf_get_from_window (w, 0, 0, gdk_window_get_width (w), gdk_window_get_height (w));
  g_assert_nonnull (pixbuf);
  path = g_strdup_printf ("%s-%s.png", base, suffix);
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
  g_test_message ("screenshot: %s", path);
}

static void
send_key (GtkWidget *window, GdkEventType type, guint keyval, guint32 time_ms)
{
  GdkEvent *event = gdk_event_new (type);
  GdkSeat *seat = gdk_display_get_default_seat (gtk_widget_get_display (window));
  GdkKeymapKey *keys = NULL;
  gint n_keys = 0;

  event->key.window = g_object_ref (gtk_widget_get_window (window));
  event->key.send_event = TRUE;
  event->key.time = time_ms;
  event->key.keyval = keyval;
  if (gdk_keymap_get_entries_for_keyval (
          gdk_keymap_get_for_display (gtk_widget_get_display (window)), keyval, &keys, &n_keys)
      && n_keys > 0) {
    event->key.hardware_keycode = (guint16)keys[0].keycode;
    event->key.group = (guint8)keys[0].group;
    if (keys[0].level == 1)
      event->key.state = GDK_SHIFT_MASK;
  }
  g_free (keys);
  gdk_event_set_device (event, gdk_seat_get_keyboard (seat));
  gtk_main_do_event (event);
  gdk_event_free (event);
}

void
tui_key (GtkWidget *window, guint keyval, guint32 time_ms)
{
  send_key (window, GDK_KEY_PRESS, keyval, time_ms);
  send_key (window, GDK_KEY_RELEASE, keyval, time_ms + 1);
}

guint32
tui_type (GtkWidget *window, const char *text, guint32 start_ms, guint gap_ms, guint end_keyval)
{
  guint32 t = start_ms;

  for (const char *p = text; *p; p = g_utf8_next_char (p)) {
    tui_key (window, gdk_unicode_to_keyval (g_utf8_get_char (p)), t);
    t += gap_ms;
  }
  if (end_keyval != 0)
    tui_key (window, end_keyval, t);
  else
    t -= gap_ms;
  return t;
}
