/* tests/test-serial.c - the serial wrapper on ptys: open through termios,
 * bounded reads, cancellation, a vanished device, open errors, port list. */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "drivers/serial/serial-port.h"
#include "tests/common/test-common.h"

static void
test_pty_roundtrip (void)
{
  g_autofree char *path = NULL;
  int master = tc_pty_open (&path);
  g_autoptr (GError) error = NULL;
  SerialPort *port;
  char buf[64] = { 0 };
  gssize n;

  /* bytes waiting before the open are discarded */
  g_assert_cmpint (write (master, "stale", 5), ==, 5);
  port = serial_port_open (path, 115200, SERIAL_FLOW_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (serial_port_is_pty (port));
  g_assert_cmpstr (serial_port_get_path (port), ==, path);
  g_assert_cmpint (serial_port_get_fd (port), >=, 0);

  /* nothing to read: 0 at the deadline, no error */
  n = serial_port_read (port, buf, sizeof buf, g_get_monotonic_time () + 50000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);
  n = serial_port_read (port, buf, sizeof buf, -1, NULL, &error);
  g_assert_cmpint (n, ==, 0);

  g_assert_cmpint (write (master, "OK\r\n", 4), ==, 4);
  n = serial_port_read (port, buf, sizeof buf, g_get_monotonic_time () + 10 * G_USEC_PER_SEC, NULL,
                        &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 4);
  g_assert_cmpmem (buf, 4, "OK\r\n", 4);

  g_assert_true (serial_port_write_all (port, "AT\r", 3, g_get_monotonic_time () + G_USEC_PER_SEC,
                                        NULL, &error));
  g_assert_no_error (error);
  memset (buf, 0, sizeof buf);
  g_assert_cmpint (read (master, buf, sizeof buf), ==, 3);
  g_assert_cmpstr (buf, ==, "AT\r");

  g_assert_cmpint (write (master, "junk", 4), ==, 4);
  /* wait until it is there, then drop it */
  g_assert_cmpint (
      serial_port_read (port, buf, 1, g_get_monotonic_time () + 10 * G_USEC_PER_SEC, NULL, &error),
      ==, 1);
  g_assert_cmpint (serial_port_discard_input (port, &error), >=, 0);
  g_assert_no_error (error);
  serial_port_close (port);
  close (master);
}

static void
test_symlink_and_baud (void)
{
  g_autofree char *path = NULL;
  int master = tc_pty_open (&path);
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *link = g_build_filename (dir, "ttyMODEM", NULL);
  g_autoptr (GError) error = NULL;
  SerialPort *port;

  g_assert_cmpint (symlink (path, link), ==, 0);
  port = serial_port_open (link, 9600, SERIAL_FLOW_RTSCTS, &error);
  g_assert_no_error (error);
  g_assert_true (serial_port_is_pty (port));
  serial_port_close (port);

  g_assert_null (serial_port_open (path, 12345, SERIAL_FLOW_NONE, &error));
  g_assert_error (error, SERIAL_ERROR, SERIAL_ERROR_CONFIG);
  close (master);
}

static gpointer
cancel_soon (gpointer data)
{
  g_usleep (50 * 1000); /* the trigger, not a wait for something */
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_cancel (void)
{
  g_autofree char *path = NULL;
  int master = tc_pty_open (&path);
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  SerialPort *port = serial_port_open (path, 0, SERIAL_FLOW_NONE, &error);
  GThread *t;
  char buf[8];
  gint64 t0;

  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  t = g_thread_new ("cancel", cancel_soon, cancellable);
  g_assert_cmpint (serial_port_read (port, buf, sizeof buf,
                                     g_get_monotonic_time () + 60 * G_USEC_PER_SEC, cancellable,
                                     &error),
                   ==, -1);
  g_thread_join (t);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 30 * G_USEC_PER_SEC);
  g_clear_error (&error);
  /* already cancelled: fails at once */
  g_assert_false (serial_port_write_all (port, "AT\r", 3, g_get_monotonic_time () + G_USEC_PER_SEC,
                                         cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  serial_port_close (port);
  close (master);
}

static void
test_vanished (void)
{
  g_autofree char *path = NULL;
  int master = tc_pty_open (&path);
  g_autoptr (GError) error = NULL;
  SerialPort *port = serial_port_open (path, 0, SERIAL_FLOW_NONE, &error);
  char buf[8];
  gint64 t0;

  g_assert_no_error (error);
  close (master); /* the cable is pulled */
  t0 = g_get_monotonic_time ();
  g_assert_cmpint (serial_port_read (port, buf, sizeof buf,
                                     g_get_monotonic_time () + 60 * G_USEC_PER_SEC, NULL, &error),
                   ==, -1);
  g_assert_error (error, SERIAL_ERROR, SERIAL_ERROR_GONE);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 30 * G_USEC_PER_SEC);
  g_clear_error (&error);
  g_assert_false (serial_port_write_all (port, "AT\r", 3, g_get_monotonic_time () + G_USEC_PER_SEC,
                                         NULL, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == SERIAL_ERROR);
  serial_port_close (port);
}

static void
test_open_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *file = g_build_filename (dir, "not-a-tty", NULL);

  g_assert_null (serial_port_open ("/dev/ttyNOSUCHPORT9", 0, SERIAL_FLOW_NONE, &error));
  g_assert_error (error, SERIAL_ERROR, SERIAL_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "/dev/ttyNOSUCHPORT9: "));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_assert_null (serial_port_open (file, 0, SERIAL_FLOW_NONE, &error));
  g_assert_error (error, SERIAL_ERROR, SERIAL_ERROR_CONFIG);
}

static void
test_list (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ports = serial_port_list (&error);

  /* the test machine may have no serial port at all; the list must still
   * be well formed */
  g_assert_no_error (error);
  g_assert_nonnull (ports);
  for (guint i = 0; i < ports->len; i++) {
    SerialPortInfo *info = g_ptr_array_index (ports, i);
    g_assert_nonnull (info->path);
    g_assert_true (info->usb_vid >= -1 && info->usb_vid <= 0xffff);
    if (i > 0)
      g_assert_cmpint (
          g_strcmp0 (((SerialPortInfo *)g_ptr_array_index (ports, i - 1))->path, info->path), <=,
          0);
  }
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/serial/pty-roundtrip", test_pty_roundtrip);
  g_test_add_func ("/serial/symlink-and-baud", test_symlink_and_baud);
  g_test_add_func ("/serial/cancel", test_cancel);
  g_test_add_func ("/serial/vanished", test_vanished);
  g_test_add_func ("/serial/open-errors", test_open_errors);
  g_test_add_func ("/serial/list", test_list);
  return g_test_run ();
}
