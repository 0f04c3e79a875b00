/* tests/fuzz/fuzz-at-channel.c - the AT channel's framing (line assembly,
 * escape sequences, echo and URC separation, final result detection) over
 * a real pty: a modem thread answers each command with the input followed
 * by "OK".  Invariant: a reply the channel returns is one the reply parser
 * accepts as lines ending in a final result code. */
#include <errno.h>
#include <pty.h>
#include <string.h>
#include <unistd.h>

#include "drivers/at/at-channel.h"
#include "drivers/at/at-parse.h"
#include "tests/fuzz/fuzz.h"

/* the longest input replayed or fuzzed (a pty holds a few KiB) */
#define INPUT_MAX 2048

static GMutex lock;
static GByteArray *pending; /* what the modem sends after the next command */
static int master_fd = -1;
static AtChannel *channel;

static void
write_all (int fd, const guint8 *p, gsize n)
{
  while (n > 0) {
    gssize w = write (fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return;
    p += w;
    n -= (gsize)w;
  }
}

/* The modem: answers every command line (ended by CR) with the pending
 * input, if any, and a final OK. */
static gpointer
modem_thread (gpointer data)
{
  char c;

  for (;;) {
    gssize n = read (master_fd, &c, 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return NULL;
    if (c != '\r')
      continue;
    g_mutex_lock (&lock);
    if (pending->len > 0) {
      write_all (master_fd, (const guint8 *)"\r\n", 2);
      write_all (master_fd, pending->data, pending->len);
      g_byte_array_set_size (pending, 0);
    }
    write_all (master_fd, (const guint8 *)"\r\nOK\r\n", 6);
    g_mutex_unlock (&lock);
  }
}

static void
setup (void)
{
  g_autoptr (GError) error = NULL;
  char name[128];
  int slave_fd;
  SerialPort *port;

  if (openpty (&master_fd, &slave_fd, name, NULL, NULL) != 0)
    g_error ("openpty: %s", g_strerror (errno));
  port = serial_port_open (name, 0, SERIAL_FLOW_NONE, &error);
  if (port == NULL)
    g_error ("%s", error->message);
  close (slave_fd); /* the port holds its own descriptor */
  channel = at_channel_new (port);
  pending = g_byte_array_new ();
  g_thread_new ("fuzz-modem", modem_thread, NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *reply = NULL;

  if (channel == NULL)
    setup ();
  if (size > INPUT_MAX)
    size = INPUT_MAX;

  g_mutex_lock (&lock);
  g_byte_array_append (pending, data, (guint)size);
  g_mutex_unlock (&lock);

  reply = at_channel_command (channel, "AT+CGSN", 200, NULL, &error);
  if (reply != NULL) {
    g_auto (GStrv) lines = at_reply_lines (reply, NULL);
    g_autoptr (GError) check = NULL;

    /* a returned reply ends in a final result code, OK or an error one */
    if (!at_reply_check (reply, &check))
      g_assert_true (check->domain == AT_ERROR);
    g_assert_true (g_str_has_suffix (reply, "\r\n"));
  } else {
    g_assert_nonnull (error);
    g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  }
  /* whatever the input left unread is dropped before the next one */
  g_mutex_lock (&lock);
  g_byte_array_set_size (pending, 0);
  g_mutex_unlock (&lock);
  return 0;
}
