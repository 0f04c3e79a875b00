/* drivers/printer/zpl/api.c - ZPL printers on raw TCP (port 9100).
 *
 * A job is: connect, ~HS (refuse to send when the printer reports head
 * open, paper out, ribbon out or pause), send the ZPL, then ask ~HS until
 * the printer's buffer is empty.  When a fault appears after sending, ~JA
 * cancels what the printer still holds, so a retry never prints twice.
 * Newer Zebra firmware does not answer ~HS at all during media out, ribbon
 * out or head open: no answer is reported as such. */
#define G_LOG_DOMAIN "printer"

#include <string.h>

#include "drivers/printer/printer-drivers.h"
#include "drivers/printer/zpl/zpl-status.h"

#define ZPL_DEFAULT_PORT     9100
#define ZPL_REPLY_TIMEOUT_MS 5000
#define ZPL_JOB_TIMEOUT_MS   60000
#define ZPL_POLL_INTERVAL_MS 200
#define ZPL_READ_MAX         4096

typedef struct {
  char *host;
  guint16 port;
  guint reply_timeout_ms;
  guint job_timeout_ms;
} ZplPrinter;

static void
zpl_close (gpointer handle)
{
  ZplPrinter *z = handle;

  g_free (z->host);
  g_free (z);
}

static gpointer
zpl_open (const char *location, PrinterParams *params, GError **error)
{
  g_autoptr (GSocketConnectable) addr = NULL;
  g_autoptr (GError) local = NULL;
  ZplPrinter *z;
  guint reply_ms, job_ms;

  if (location == NULL || *location == '\0') {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_URI, "expected zpl:HOST:PORT");
    return NULL;
  }
  addr = g_network_address_parse (location, ZPL_DEFAULT_PORT, &local);
  if (addr == NULL) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_URI, "expected zpl:HOST:PORT (%s)",
                 local->message);
    return NULL;
  }
  if (!printer_params_get_seconds (params, "timeout", ZPL_REPLY_TIMEOUT_MS, &reply_ms, error)
      || !printer_params_get_seconds (params, "job_timeout", ZPL_JOB_TIMEOUT_MS, &job_ms, error))
    return NULL;
  z = g_new0 (ZplPrinter, 1);
  z->host = g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (addr)));
  z->port = g_network_address_get_port (G_NETWORK_ADDRESS (addr));
  z->reply_timeout_ms = reply_ms;
  z->job_timeout_ms = job_ms;
  return z;
}

static GSocketConnection *
zpl_connect (ZplPrinter *z, GCancellable *cancellable, GError **error)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GError) local = NULL;
  GSocketConnection *conn;

  g_socket_client_set_timeout (client, MAX (1u, (z->reply_timeout_ms + 999) / 1000));
  /* a printer's raw port is on the local network, never behind a proxy */
  g_socket_client_set_enable_proxy (client, FALSE);
  conn = g_socket_client_connect_to_host (client, z->host, z->port, cancellable, &local);
  if (conn == NULL) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_UNREACHABLE,
                 "cannot connect to %s:%u (%s): check that the printer is on and on the network",
                 z->host, z->port, local->message);
    return NULL;
  }
  return conn;
}

static gboolean
send_all (GSocket *sock, const char *data, gsize len, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local = NULL;
  gsize done = 0;

  while (done < len) {
    gssize n = g_socket_send (sock, data + done, len - done, cancellable, &local);
    if (n <= 0) {
      g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_CONNECTION_LOST,
                   "sending to the printer failed: %s",
                   local ? local->message : "connection closed");
      return FALSE;
    }
    done += (gsize)n;
  }
  return TRUE;
}

/* query_status: sends ~HS and reads the three strings within the reply
 * timeout. */
static gboolean
query_status (ZplPrinter *z, GSocket *sock, ZplHostStatus *st, GCancellable *cancellable,
              GError **error)
{
  char buf[ZPL_READ_MAX];
  gsize have = 0, reply_len = 0;
  gint64 deadline = g_get_monotonic_time () + (gint64)z->reply_timeout_ms * 1000;

  if (!send_all (sock, "~HS", 3, cancellable, error))
    return FALSE;
  while ((reply_len = zpl_host_status_reply_length (buf, have)) == 0) {
    g_autoptr (GError) local = NULL;
    gint64 left = deadline - g_get_monotonic_time ();
    gssize n;

    if (left <= 0 || have >= sizeof buf
        || !g_socket_condition_timed_wait (sock, G_IO_IN, left, cancellable, &local)) {
      if (local != NULL && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        g_propagate_error (error, g_steal_pointer (&local));
        return FALSE;
      }
      g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_NO_STATUS,
                   "no answer to ~HS within %.1f s: look for paper out, ribbon out or an open "
                   "print head (Zebra printers stay silent then), then retry",
                   z->reply_timeout_ms / 1000.0);
      return FALSE;
    }
    n = g_socket_receive (sock, buf + have, sizeof buf - have, cancellable, &local);
    if (n <= 0) {
      g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_CONNECTION_LOST,
                   "the printer closed the connection%s%s", local ? ": " : "",
                   local ? local->message : "");
      return FALSE;
    }
    have += (gsize)n;
  }
  return zpl_host_status_parse (buf, reply_len, st, error);
}

static gboolean
zpl_check (gpointer handle, GCancellable *cancellable, GError **error)
{
  ZplPrinter *z = handle;
  g_autoptr (GSocketConnection) conn = zpl_connect (z, cancellable, error);
  ZplHostStatus st;

  if (conn == NULL)
    return FALSE;
  return query_status (z, g_socket_connection_get_socket (conn), &st, cancellable, error)
         && zpl_host_status_check (&st, error);
}

/* cancel_on_printer: ~JA, so a label the printer still holds is not
 * printed later on top of the retry; then one ~HS, whose answer tells that
 * the printer has handled the ~JA sent before it on the same connection. */
static void
cancel_on_printer (ZplPrinter *z, GSocket *sock)
{
  g_autoptr (GError) ignored = NULL;
  ZplHostStatus st;

  if (!send_all (sock, "~JA", 3, NULL, &ignored)) {
    g_debug ("~JA not sent: %s", ignored->message);
    return;
  }
  if (!query_status (z, sock, &st, NULL, &ignored))
    g_debug ("~JA not confirmed: %s", ignored->message);
}

static gboolean
zpl_print (gpointer handle, const PrinterJob *job, GCancellable *cancellable, GError **error)
{
  ZplPrinter *z = handle;
  g_autoptr (GSocketConnection) conn = NULL;
  GSocket *sock;
  ZplHostStatus st;
  gint64 deadline;
  gsize len;
  const char *data = g_bytes_get_data (job->data, &len);

  conn = zpl_connect (z, cancellable, error);
  if (conn == NULL)
    return FALSE;
  sock = g_socket_connection_get_socket (conn);

  /* before: do not send a label the printer cannot print now */
  if (!query_status (z, sock, &st, cancellable, error) || !zpl_host_status_check (&st, error))
    return FALSE;
  if (!send_all (sock, data, len, cancellable, error))
    return FALSE;

  /* after: follow the label until the printer's buffer is empty */
  deadline = g_get_monotonic_time () + (gint64)z->job_timeout_ms * 1000;
  for (;;) {
    GError *local = NULL;

    if (!query_status (z, sock, &st, cancellable, &local) || !zpl_host_status_check (&st, &local)) {
      cancel_on_printer (z, sock);
      g_propagate_prefixed_error (error, local, "label not printed (cancelled on the printer): ");
      return FALSE;
    }
    if (st.formats_in_buffer == 0 && !st.partial_format && st.labels_remaining == 0)
      return TRUE;
    if (g_get_monotonic_time () >= deadline) {
      cancel_on_printer (z, sock);
      g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_TIMEOUT,
                   "label not printed within %.0f s (%d formats still in the printer's buffer; "
                   "cancelled)",
                   z->job_timeout_ms / 1000.0, st.formats_in_buffer);
      return FALSE;
    }
    if (g_cancellable_set_error_if_cancelled (cancellable, error)) {
      cancel_on_printer (z, sock);
      return FALSE;
    }
    g_usleep (ZPL_POLL_INTERVAL_MS * 1000);
  }
}

const PrinterDriver printer_zpl_driver = {
  .name = "zpl",
  .description = "ZPL printer on raw TCP: zpl:HOST:PORT[?timeout=S&job_timeout=S]",
  .formats = PRINTER_FORMAT_MASK (PRINTER_FORMAT_ZPL),
  .default_format = PRINTER_FORMAT_ZPL,
  .open = zpl_open,
  .check = zpl_check,
  .print = zpl_print,
  .close = zpl_close,
};
