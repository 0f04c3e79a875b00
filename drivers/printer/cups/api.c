/* drivers/printer/cups/api.c - CUPS queues through libcups (the only
 * file of drivers/ that includes the CUPS headers).
 *
 * A job is: ask the queue's state (refuse a stopped or rejecting queue and
 * a printer that reports media empty, jam, cover open, offline), create the
 * job, send the document, then follow job-state until completed; a job that
 * is aborted, or a printer that reports a fault or stays unreachable while
 * the job waits, becomes a named error and the CUPS job is cancelled, so
 * that the station's queue owns the retry. */
#define G_LOG_DOMAIN "printer"

#include <cups/cups.h>
#include <string.h>

#include "drivers/printer/printer-drivers.h"

#define CUPS_JOB_TIMEOUT_MS     60000
#define CUPS_CONNECT_TIMEOUT_MS 15000 /* printer unreachable from CUPS for this long */
#define CUPS_HTTP_TIMEOUT_MS    10000
#define CUPS_POLL_INTERVAL_MS   250

typedef struct {
  char *queue;
  char *server; /* NULL: libcups' default (CUPS_SERVER, client.conf) */
  int port;
  guint job_timeout_ms;
  guint connect_timeout_ms;
} CupsPrinter;

static void
cups_close (gpointer handle)
{
  CupsPrinter *c = handle;

  g_free (c->queue);
  g_free (c->server);
  g_free (c);
}

static gpointer
cups_open (const char *location, PrinterParams *params, GError **error)
{
  const char *server = printer_params_get (params, "server");
  CupsPrinter *c;
  guint job_ms, connect_ms;

  if (location == NULL || *location == '\0' || strpbrk (location, "/ #\t") != NULL) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_URI,
                 "expected cups:QUEUE with a queue name as lpstat -p shows it");
    return NULL;
  }
  if (!printer_params_get_seconds (params, "timeout", CUPS_JOB_TIMEOUT_MS, &job_ms, error)
      || !printer_params_get_seconds (params, "connect_timeout", CUPS_CONNECT_TIMEOUT_MS,
                                      &connect_ms, error))
    return NULL;
  c = g_new0 (CupsPrinter, 1);
  c->queue = g_strdup (location);
  c->job_timeout_ms = job_ms;
  c->connect_timeout_ms = connect_ms;
  if (server != NULL) {
    g_autoptr (GSocketConnectable) addr = g_network_address_parse (server, 631, NULL);
    if (addr == NULL) {
      g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_URI, "server=%s: expected HOST:PORT",
                   server);
      cups_close (c);
      return NULL;
    }
    c->server = g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (addr)));
    c->port = g_network_address_get_port (G_NETWORK_ADDRESS (addr));
  }
  return c;
}

static http_t *
cups_connect (CupsPrinter *c, GError **error)
{
  const char *host = c->server ? c->server : cupsServer ();
  int port = c->server ? c->port : ippPort ();
  http_t *http = httpConnect2 (host, port, NULL, AF_UNSPEC, cupsEncryption (), 1,
                               CUPS_HTTP_TIMEOUT_MS, NULL);

  if (http == NULL) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_UNREACHABLE,
                 "cannot reach the CUPS server %s:%d (%s): is cupsd running?", host, port,
                 cupsLastErrorString ());
    return NULL;
  }
  httpSetTimeout (http, CUPS_HTTP_TIMEOUT_MS / 1000.0, NULL, NULL);
  return http;
}

static char *
printer_uri (CupsPrinter *c)
{
  char uri[1024];

  httpAssembleURIf (HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", 0,
                    "/printers/%s", c->queue);
  return g_strdup (uri);
}

/* The state of the queue and its printer. */
typedef struct {
  ipp_pstate_t state;
  gboolean accepting;
  GPtrArray *reasons; /* char *, "none" left out */
  char *message;
} QueueState;

static void
queue_state_clear (QueueState *q)
{
  g_clear_pointer (&q->reasons, g_ptr_array_unref);
  g_clear_pointer (&q->message, g_free);
}

static gboolean
get_queue_state (CupsPrinter *c, http_t *http, QueueState *q, GError **error)
{
  static const char *const attrs[] = {
    "printer-state",
    "printer-state-reasons",
    "printer-is-accepting-jobs",
    "printer-state-message",
  };
  g_autofree char *uri = printer_uri (c);
  ipp_t *request = ippNewRequest (IPP_OP_GET_PRINTER_ATTRIBUTES);
  ipp_t *response;
  ipp_attribute_t *a;

  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
  ippAddStrings (request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 G_N_ELEMENTS (attrs), NULL, attrs);
  response = cupsDoRequest (http, request, "/");
  if (response == NULL || cupsLastError () > IPP_STATUS_OK_CONFLICTING) {
    if (cupsLastError () == IPP_STATUS_ERROR_NOT_FOUND)
      g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_UNREACHABLE,
                   "CUPS has no queue '%s' (see lpstat -p)", c->queue);
    else
      g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_UNREACHABLE,
                   "asking CUPS for queue '%s' failed: %s", c->queue, cupsLastErrorString ());
    ippDelete (response);
    return FALSE;
  }
  memset (q, 0, sizeof *q);
  q->reasons = g_ptr_array_new_with_free_func (g_free);
  a = ippFindAttribute (response, "printer-state", IPP_TAG_ENUM);
  q->state = a ? (ipp_pstate_t)ippGetInteger (a, 0) : IPP_PSTATE_IDLE;
  a = ippFindAttribute (response, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
  q->accepting = a ? ippGetBoolean (a, 0) : TRUE;
  a = ippFindAttribute (response, "printer-state-reasons", IPP_TAG_KEYWORD);
  for (int i = 0; a != NULL && i < ippGetCount (a) && i < 64; i++) {
    const char *r = ippGetString (a, i, NULL);
    if (r != NULL && strcmp (r, "none") != 0)
      g_ptr_array_add (q->reasons, g_strdup (r));
  }
  a = ippFindAttribute (response, "printer-state-message", IPP_TAG_TEXT);
  q->message = g_strdup (a ? ippGetString (a, 0, NULL) : "");
  ippDelete (response);
  return TRUE;
}

/* The named errors for printer-state-reasons keywords (RFC 8011 5.4.12,
 * PWG 5100.9), matched without their -error/-warning/-report suffix. */
static const struct {
  const char *reason;
  PrinterError code;
  const char *what;
} reason_map[] = {
  { "media-empty", PRINTER_ERROR_MEDIA_EMPTY, "out of labels (media empty): load labels" },
  { "media-needed", PRINTER_ERROR_MEDIA_EMPTY, "out of labels (media needed): load labels" },
  { "media-jam", PRINTER_ERROR_MEDIA_JAM, "labels jammed: clear the jam" },
  { "cover-open", PRINTER_ERROR_HEAD_OPEN, "cover open: close it" },
  { "door-open", PRINTER_ERROR_HEAD_OPEN, "door open: close it" },
  { "marker-supply-empty", PRINTER_ERROR_RIBBON_OUT, "ribbon (marker supply) empty: replace it" },
  { "offline", PRINTER_ERROR_OFFLINE, "printer offline: switch it on and online" },
  { "shutdown", PRINTER_ERROR_OFFLINE, "printer shut down: switch it on" },
  { "paused", PRINTER_ERROR_STOPPED, "" }, /* handled with the queue state */
};

/* reason_error: the named error of the first stopping reason, if any.
 * "-warning" and "-report" reasons do not stop printing (offline-report
 * does: CUPS sets it when the device does not answer). */
static gboolean
reasons_error (CupsPrinter *c, const QueueState *q, GError **error)
{
  for (guint i = 0; i < q->reasons->len; i++) {
    const char *r = q->reasons->pdata[i];
    gboolean soft = g_str_has_suffix (r, "-warning")
                    || (g_str_has_suffix (r, "-report") && !g_str_has_prefix (r, "offline"));

    for (gsize k = 0; k < G_N_ELEMENTS (reason_map); k++) {
      gsize n = strlen (reason_map[k].reason);
      if (soft || *reason_map[k].what == '\0' || strncmp (r, reason_map[k].reason, n) != 0
          || (r[n] != '\0' && r[n] != '-'))
        continue;
      g_set_error (error, PRINTER_ERROR, reason_map[k].code, "%s, then retry (CUPS: %s%s%s)",
                   reason_map[k].what, r, *q->message ? ", " : "", q->message);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
queue_ready (CupsPrinter *c, const QueueState *q, GError **error)
{
  if (!reasons_error (c, q, error))
    return FALSE;
  if (q->state == IPP_PSTATE_STOPPED) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_STOPPED,
                 "queue '%s' is stopped (disabled)%s%s: fix the printer, then 'cupsenable %s' "
                 "and retry",
                 c->queue, *q->message ? ": " : "", q->message, c->queue);
    return FALSE;
  }
  if (!q->accepting) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_REJECTING,
                 "queue '%s' rejects jobs: 'cupsaccept %s', then retry", c->queue, c->queue);
    return FALSE;
  }
  return TRUE;
}

static gboolean
cups_check (gpointer handle, GCancellable *cancellable, GError **error)
{
  CupsPrinter *c = handle;
  http_t *http = cups_connect (c, error);
  QueueState q = { 0 };
  gboolean ok;

  if (http == NULL)
    return FALSE;
  ok = get_queue_state (c, http, &q, error) && queue_ready (c, &q, error);
  queue_state_clear (&q);
  httpClose (http);
  return ok;
}

static gboolean
get_job_state (CupsPrinter *c, http_t *http, int job_id, ipp_jstate_t *state, char **reasons,
               GError **error)
{
  static const char *const attrs[] = { "job-state", "job-state-reasons" };
  g_autofree char *uri = printer_uri (c);
  ipp_t *request = ippNewRequest (IPP_OP_GET_JOB_ATTRIBUTES);
  ipp_t *response;
  ipp_attribute_t *a;
  GString *r = g_string_new (NULL);

  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
  ippAddInteger (request, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
  ippAddStrings (request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 G_N_ELEMENTS (attrs), NULL, attrs);
  response = cupsDoRequest (http, request, "/");
  if (response == NULL || cupsLastError () > IPP_STATUS_OK_CONFLICTING) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_UNREACHABLE,
                 "asking CUPS for job %d failed: %s", job_id, cupsLastErrorString ());
    ippDelete (response);
    g_string_free (r, TRUE);
    return FALSE;
  }
  a = ippFindAttribute (response, "job-state", IPP_TAG_ENUM);
  *state = a ? (ipp_jstate_t)ippGetInteger (a, 0) : IPP_JSTATE_PENDING;
  a = ippFindAttribute (response, "job-state-reasons", IPP_TAG_KEYWORD);
  for (int i = 0; a != NULL && i < ippGetCount (a) && i < 32; i++)
    g_string_append_printf (r, "%s%s", i ? " " : "", ippGetString (a, i, NULL));
  *reasons = g_string_free (r, FALSE);
  ippDelete (response);
  return TRUE;
}

static void
cancel_job (CupsPrinter *c, http_t *http, int job_id)
{
  if (cupsCancelJob2 (http, c->queue, job_id, 0) > IPP_STATUS_OK_CONFLICTING)
    g_debug ("cancelling CUPS job %d failed: %s", job_id, cupsLastErrorString ());
}

static const char *
mime_type (PrinterFormat format)
{
  switch (format) {
  case PRINTER_FORMAT_PDF:
    return "application/pdf";
  case PRINTER_FORMAT_PNG:
    return "image/png";
  case PRINTER_FORMAT_ZPL:
  default:
    return CUPS_FORMAT_RAW; /* the printer speaks ZPL itself */
  }
}

static gboolean
submit (CupsPrinter *c, http_t *http, const PrinterJob *job, int *job_id, GError **error)
{
  const char *title = job->title ? job->title : "label";
  gsize len;
  const char *data = g_bytes_get_data (job->data, &len);

  *job_id = cupsCreateJob (http, c->queue, title, 0, NULL);
  if (*job_id <= 0) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_JOB_FAILED, "queue '%s' refused the job: %s",
                 c->queue, cupsLastErrorString ());
    return FALSE;
  }
  if (cupsStartDocument (http, c->queue, *job_id, title, mime_type (job->format), 1)
          != HTTP_STATUS_CONTINUE
      || cupsWriteRequestData (http, data, len) != HTTP_STATUS_CONTINUE
      || cupsFinishDocument (http, c->queue) > IPP_STATUS_OK_CONFLICTING) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_JOB_FAILED,
                 "sending job %d to queue '%s' failed: %s", *job_id, c->queue,
                 cupsLastErrorString ());
    cancel_job (c, http, *job_id);
    return FALSE;
  }
  return TRUE;
}

/* What CUPS' network backends (socket, ipp, lpd) report while they cannot
 * reach the device: the connecting-to-device reason, or one of these
 * printer-state-messages (English: the job is created with the C locale's
 * language).  The backends keep retrying; the station gives up after
 * connect_timeout. */
static const char *const unreachable_messages[] = {
  "may not exist or is unavailable",
  "is unreachable",
  "is not responding",
  "is in use",
  "Unable to connect",
  "Unable to locate printer",
  "Waiting for printer to become available",
};

static gboolean
device_unreachable (const QueueState *q)
{
  for (guint i = 0; i < q->reasons->len; i++)
    if (g_str_has_prefix (q->reasons->pdata[i], "connecting-to-device"))
      return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (unreachable_messages); i++)
    if (strstr (q->message, unreachable_messages[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* follow: waits for job @job_id to complete, with the queue's faults as
 * named errors.  FALSE means the job must be cancelled. */
static gboolean
follow (CupsPrinter *c, http_t *http, int job_id, GCancellable *cancellable, GError **error)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + (gint64)c->job_timeout_ms * 1000;
  gint64 unreachable_since = 0;

  for (;;) {
    g_autofree char *job_reasons = NULL;
    QueueState q = { 0 };
    ipp_jstate_t state;
    gboolean ok = TRUE;
    gint64 now;

    if (!get_job_state (c, http, job_id, &state, &job_reasons, error))
      return FALSE;
    if (state == IPP_JSTATE_COMPLETED)
      return TRUE;
    if (state == IPP_JSTATE_ABORTED || state == IPP_JSTATE_CANCELED) {
      g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_JOB_FAILED, "CUPS job %d %s (%s)", job_id,
                   state == IPP_JSTATE_ABORTED ? "aborted" : "cancelled", job_reasons);
      return FALSE;
    }
    if (!get_queue_state (c, http, &q, error))
      return FALSE;
    now = g_get_monotonic_time ();
    ok = queue_ready (c, &q, error);
    if (ok) {
      if (!device_unreachable (&q))
        unreachable_since = 0;
      else if (unreachable_since == 0)
        unreachable_since = now;
      else if (now - unreachable_since >= (gint64)c->connect_timeout_ms * 1000) {
        g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_UNREACHABLE,
                     "CUPS cannot reach the printer of queue '%s' for %.0f s (CUPS: %s): check "
                     "that it is on and connected, then retry",
                     c->queue, c->connect_timeout_ms / 1000.0,
                     *q.message ? q.message : "connecting-to-device");
        ok = FALSE;
      }
    }
    queue_state_clear (&q);
    if (!ok)
      return FALSE;
    if (now >= deadline) {
      g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_TIMEOUT,
                   "CUPS job %d not printed within %.0f s (%s)", job_id, c->job_timeout_ms / 1000.0,
                   job_reasons);
      return FALSE;
    }
    if (g_cancellable_set_error_if_cancelled (cancellable, error))
      return FALSE;
    g_usleep (CUPS_POLL_INTERVAL_MS * 1000);
  }
}

static gboolean
cups_print (gpointer handle, const PrinterJob *job, GCancellable *cancellable, GError **error)
{
  CupsPrinter *c = handle;
  http_t *http = cups_connect (c, error);
  QueueState q = { 0 };
  gboolean ok = FALSE;
  int job_id = 0;

  if (http == NULL)
    return FALSE;
  if (!get_queue_state (c, http, &q, error) || !queue_ready (c, &q, error))
    goto out;
  if (!submit (c, http, job, &job_id, error))
    goto out;
  g_debug ("queue '%s': CUPS job %d for '%s'", c->queue, job_id, job->title ? job->title : "");
  ok = follow (c, http, job_id, cancellable, error);
  if (!ok) {
    cancel_job (c, http, job_id);
    g_prefix_error (error, "label not printed (CUPS job %d cancelled): ", job_id);
  }

out:
  queue_state_clear (&q);
  httpClose (http);
  return ok;
}

const PrinterDriver printer_cups_driver = {
  .name = "cups",
  .description = "a CUPS queue: cups:QUEUE[?format=pdf|png|zpl&server=HOST:PORT&timeout=S&"
                 "connect_timeout=S] (zpl for raw queues of thermal printers)",
  .formats = PRINTER_FORMAT_MASK (PRINTER_FORMAT_PDF) | PRINTER_FORMAT_MASK (PRINTER_FORMAT_PNG)
             | PRINTER_FORMAT_MASK (PRINTER_FORMAT_ZPL),
  .default_format = PRINTER_FORMAT_PDF,
  .open = cups_open,
  .check = cups_check,
  .print = cups_print,
  .close = cups_close,
};
