/* tests/test-printer-cups.c - the CUPS driver against a real, private
 * cupsd: its own configuration in a temporary folder (User lp, a loopback
 * port, spool and cache owned by lp) and a raw queue whose device is
 * socket://127.0.0.1:<the fake ZPL printer>.  A label goes through libcups,
 * CUPS and the socket backend to the fake printer; a stopped queue, a
 * rejecting queue, a missing queue and an unreachable printer are named
 * errors.  Needs root (cupsd drops to lp); skips with the reason otherwise. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/printer/printer.h"
#include "fixtures/zpl-printer/fake-zpl-printer.h"
#include "labels/label.h"
#include "tests/common/test-common.h"

#define CUPSD            "/usr/sbin/cupsd"
#define START_TIMEOUT_MS 20000

typedef struct {
  char *dir;
  guint16 port;
  GPid pid;
  char *skip; /* why the tests cannot run, or NULL */
  FakeZplPrinter *fake;
} Cups;

static Cups cups;

static gboolean
port_open (guint16 port)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;

  g_socket_client_set_enable_proxy (client, FALSE);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return conn != NULL;
}

static void
write_file (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static char *
make_dir (const char *base, const char *name, const struct passwd *owner, int mode)
{
  char *path = g_build_filename (base, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
  if (owner != NULL)
    g_assert_cmpint (chown (path, owner->pw_uid, owner->pw_gid), ==, 0);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
  return path;
}

/* cups_start: a private cupsd, or cups.skip set to the reason it cannot run. */
static void
cups_start (void)
{
  struct passwd *lp = getpwnam ("lp");
  g_autoptr (GError) error = NULL;
  g_autofree char *conf = NULL, *spool = NULL, *tmp = NULL, *cache = NULL, *state = NULL;
  g_autofree char *logs = NULL, *cupsd_conf = NULL, *files_conf = NULL, *conf_path = NULL;
  g_autofree char *files_path = NULL;
  gint64 deadline;

  if (geteuid () != 0) {
    cups.skip = g_strdup ("a private cupsd needs root (it runs its filters as User lp)");
    return;
  }
  if (!g_file_test (CUPSD, G_FILE_TEST_IS_EXECUTABLE) || lp == NULL) {
    cups.skip = g_strdup ("cupsd or the lp user is missing (Debian package cups)");
    return;
  }
  cups.dir = g_dir_make_tmp ("station-cups-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (cups.dir, 0755), ==, 0);
  conf = make_dir (cups.dir, "conf", NULL, 0755);
  spool = make_dir (cups.dir, "spool", lp, 0710);
  tmp = make_dir (cups.dir, "spool/tmp", lp, 01770);
  cache = make_dir (cups.dir, "cache", lp, 0770);
  state = make_dir (cups.dir, "state", NULL, 0755);
  logs = make_dir (cups.dir, "log", NULL, 0755);
  cups.port = (guint16)tc_free_port ();

  cupsd_conf = g_strdup_printf ("LogLevel info\n"
                                "Listen 127.0.0.1:%u\n"
                                "Browsing No\n"
                                "WebInterface No\n"
                                "DefaultAuthType None\n"
                                "<Location />\n  Order allow,deny\n  Allow from 127.0.0.1\n"
                                "</Location>\n"
                                "<Location /admin>\n  Order allow,deny\n  Allow from 127.0.0.1\n"
                                "</Location>\n"
                                "<Policy default>\n  <Limit All>\n    Order allow,deny\n"
                                "    Allow from 127.0.0.1\n  </Limit>\n</Policy>\n",
                                cups.port);
  files_conf = g_strdup_printf ("User lp\nGroup lp\nSystemGroup root\n"
                                "ServerRoot %s\nRequestRoot %s\nTempDir %s\nCacheDir %s\n"
                                "StateDir %s\nErrorLog %s/error_log\nAccessLog %s/access_log\n"
                                "PageLog %s/page_log\nFileDevice No\n",
                                conf, spool, tmp, cache, state, logs, logs, logs);
  write_file (conf, "cupsd.conf", cupsd_conf);
  write_file (conf, "cups-files.conf", files_conf);
  conf_path = g_build_filename (conf, "cupsd.conf", NULL);
  files_path = g_build_filename (conf, "cups-files.conf", NULL);

  {
    const char *argv[] = { CUPSD, "-f", "-c", conf_path, "-s", files_path, NULL };
    g_spawn_async (NULL, (char **)argv, NULL,
                   G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL
                       | G_SPAWN_STDOUT_TO_DEV_NULL,
                   NULL, NULL, &cups.pid, &error);
    g_assert_no_error (error);
  }
  /* wait for the scheduler to listen (bounded) */
  deadline = g_get_monotonic_time () + (gint64)START_TIMEOUT_MS * 1000;
  while (!port_open (cups.port)) {
    if (waitpid (cups.pid, NULL, WNOHANG) == cups.pid || g_get_monotonic_time () > deadline) {
      g_autofree char *log_path = g_build_filename (logs, "error_log", NULL);
      g_autofree char *log = NULL;
      g_file_get_contents (log_path, &log, NULL, NULL);
      cups.skip = g_strdup_printf ("the private cupsd did not start: %s", log ? log : "no log");
      cups.pid = 0;
      return;
    }
    g_usleep (50 * 1000);
  }
  {
    g_autofree char *server = g_strdup_printf ("127.0.0.1:%u", cups.port);
    g_setenv ("CUPS_SERVER", server, TRUE); /* for lpadmin, cupsenable, ... */
  }
  cups.fake = fake_zpl_printer_new (0, &error);
  g_assert_no_error (error);
}

static void
cups_stop (void)
{
  if (cups.fake != NULL)
    fake_zpl_printer_free (cups.fake);
  if (cups.pid > 0)
    tc_kill (cups.pid, 5000);
  if (cups.dir != NULL)
    tc_rm_rf (cups.dir);
  g_free (cups.dir);
  g_free (cups.skip);
}

static gboolean
skipped (void)
{
  if (cups.skip != NULL) {
    g_test_skip (cups.skip);
    return TRUE;
  }
  return FALSE;
}

/* admin: runs a CUPS admin tool (NULL-terminated arguments) against the
 * private server. */
static void admin (const char *tool, ...) G_GNUC_NULL_TERMINATED;

static void
admin (const char *tool, ...)
{
  g_autofree char *path = g_build_filename ("/usr/sbin", tool, NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  const char *a;
  va_list ap;
  int rc;

  g_ptr_array_add (argv, path);
  va_start (ap, tool);
  while ((a = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer)a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  rc = tc_run ((const char *const *)argv->pdata, NULL, &err, 30000);
  if (rc != 0)
    g_error ("%s exited %d: %s", tool, rc, err);
}

static Printer *
open_queue (const char *queue, const char *extra)
{
  g_autofree char *uri = g_strdup_printf ("cups:%s?format=zpl&server=127.0.0.1:%u%s", queue,
                                          cups.port, extra ? extra : "");
  g_autoptr (GError) error = NULL;
  Printer *p = printer_open (uri, &error);

  g_assert_no_error (error);
  return p;
}

static GBytes *
render_zpl (const char *device_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LabelTemplate) t = label_template_find ("50x30", NULL, &error);
  LabelData d = { device_id, "440103167209666" };
  GBytes *b;

  g_assert_no_error (error);
  d.date = "2024-07-01";
  b = label_render (t, &d, LABEL_FORMAT_ZPL, 0, &error);
  g_assert_no_error (error);
  return b;
}

static void
ensure_queue (void)
{
  static gboolean made;
  g_autofree char *device = NULL;

  if (made)
    return;
  device = g_strdup_printf ("socket://127.0.0.1:%u", fake_zpl_printer_get_port (cups.fake));
  admin ("lpadmin", "-p", "zebra", "-E", "-v", device, "-m", "raw", NULL);
  made = TRUE;
}

static void
test_print (void)
{
  g_autoptr (Printer) p = NULL;
  g_autoptr (GBytes) label = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) printed = NULL;
  guint before;

  if (skipped ())
    return;
  ensure_queue ();
  p = open_queue ("zebra", NULL);
  label = render_zpl ("TRK-000123");
  before = fake_zpl_printer_get_printed (cups.fake)->len;
  {
    PrinterJob job = { 1, "TRK-000123", PRINTER_FORMAT_ZPL, label };
    g_assert_true (printer_check (p, NULL, &error));
    /* returns once CUPS reports the job completed */
    printer_print (p, &job, NULL, &error);
    g_assert_no_error (error);
  }
  g_assert_true (fake_zpl_printer_wait_printed (cups.fake, before + 1, 30000));
  printed = fake_zpl_printer_get_printed (cups.fake);
  {
    gsize len;
    const char *got = g_bytes_get_data (printed->pdata[before], &len);
    g_autofree char *text = g_strndup (got, len);
    g_assert_true (g_str_has_prefix (text, "^XA\n^CI28\n"));
    g_assert_nonnull (strstr (text, "^FDDEV TRK-000123 IMSI 440103167209666^FS"));
  }
}

static void
test_stopped_and_rejecting (void)
{
  g_autoptr (Printer) p = NULL;
  g_autoptr (GBytes) label = NULL;
  g_autoptr (GError) error = NULL;
  PrinterJob job = { 2, "TRK-000124", PRINTER_FORMAT_ZPL, NULL };
  guint before;

  if (skipped ())
    return;
  ensure_queue ();
  p = open_queue ("zebra", NULL);
  label = render_zpl ("TRK-000124");
  job.data = label;
  before = fake_zpl_printer_get_printed (cups.fake)->len;

  admin ("cupsdisable", "zebra", NULL);
  g_assert_false (printer_print (p, &job, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_STOPPED);
  g_assert_nonnull (strstr (error->message, "cupsenable zebra"));
  g_clear_error (&error);
  admin ("cupsenable", "zebra", NULL);

  admin ("cupsreject", "zebra", NULL);
  g_assert_false (printer_check (p, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_REJECTING);
  g_clear_error (&error);
  admin ("cupsaccept", "zebra", NULL);

  /* nothing reached the printer meanwhile; now the label prints */
  g_assert_cmpuint (fake_zpl_printer_get_printed (cups.fake)->len, ==, before);
  printer_print (p, &job, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fake_zpl_printer_wait_printed (cups.fake, before + 1, 30000));
}

static void
test_unreachable (void)
{
  g_autoptr (Printer) p = NULL;
  g_autoptr (GBytes) label = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *device = g_strdup_printf ("socket://127.0.0.1:%u", tc_free_port ());
  PrinterJob job = { 3, "TRK-000125", PRINTER_FORMAT_ZPL, NULL };

  if (skipped ())
    return;
  admin ("lpadmin", "-p", "dead", "-E", "-v", device, "-m", "raw", NULL);
  p = open_queue ("dead", "&connect_timeout=2&timeout=60");
  label = render_zpl ("TRK-000125");
  job.data = label;
  g_assert_false (printer_print (p, &job, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "cannot reach the printer of queue 'dead'"));
  g_assert_nonnull (strstr (error->message, "cancelled"));
}

static void
test_no_queue (void)
{
  g_autoptr (Printer) p = NULL;
  g_autoptr (GBytes) label = NULL;
  g_autoptr (GError) error = NULL;
  PrinterJob job = { 4, "TRK-000126", PRINTER_FORMAT_ZPL, NULL };

  if (skipped ())
    return;
  p = open_queue ("nosuch", NULL);
  label = render_zpl ("TRK-000126");
  job.data = label;
  g_assert_false (printer_print (p, &job, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "CUPS has no queue 'nosuch'"));
}

int
main (int argc, char **argv)
{
  int rc;

  tc_init (&argc, &argv);
  g_test_add_func ("/printer-cups/print", test_print);
  g_test_add_func ("/printer-cups/stopped-and-rejecting", test_stopped_and_rejecting);
  g_test_add_func ("/printer-cups/unreachable", test_unreachable);
  g_test_add_func ("/printer-cups/no-queue", test_no_queue);
  cups_start ();
  rc = g_test_run ();
  cups_stop ();
  return rc;
}
