/* drivers/printer/print-queue.c - one printer's queue. */
#define G_LOG_DOMAIN "printer"

#include "drivers/printer/print-queue.h"

#include <string.h>

typedef struct {
  guint64 id;
  char *key;
  char *title;
  char *reason;
  PrinterFormat format;
  GBytes *data;
  guint attempts;
  PrintJobState state;
  gboolean printing; /* an attempt is under way: never forgotten meanwhile */
} QueueJob;

struct _PrintQueue {
  Printer *printer;
  PrintRecorder recorder;
  gpointer user_data;
  GDestroyNotify destroy;
  GMutex lock;       /* guards the fields below */
  GMutex print_lock; /* held while a job prints: one at a time */
  guint64 next_id;
  GPtrArray *jobs; /* QueueJob *, by id: every held one, the last PRINT_QUEUE_KEEP_DONE ended */
};

static void
job_free (gpointer data)
{
  QueueJob *j = data;

  g_free (j->key);
  g_free (j->title);
  g_free (j->reason);
  g_bytes_unref (j->data);
  g_free (j);
}

PrintQueue *
print_queue_new (Printer *printer, PrintRecorder recorder, gpointer user_data,
                 GDestroyNotify destroy)
{
  PrintQueue *q = g_new0 (PrintQueue, 1);

  q->printer = printer;
  q->recorder = recorder;
  q->user_data = user_data;
  q->destroy = destroy;
  g_mutex_init (&q->lock);
  g_mutex_init (&q->print_lock);
  q->next_id = 1;
  q->jobs = g_ptr_array_new_with_free_func (job_free);
  return q;
}

void
print_queue_free (PrintQueue *q)
{
  if (q == NULL)
    return;
  if (q->destroy != NULL)
    q->destroy (q->user_data);
  g_ptr_array_unref (q->jobs);
  printer_close (q->printer);
  g_mutex_clear (&q->lock);
  g_mutex_clear (&q->print_lock);
  g_free (q);
}

Printer *
print_queue_get_printer (PrintQueue *queue)
{
  return queue->printer;
}

/* With q->lock held. */
static QueueJob *
find_job (PrintQueue *q, guint64 id)
{
  for (guint i = 0; i < q->jobs->len; i++) {
    QueueJob *j = q->jobs->pdata[i];
    if (j->id == id)
      return j;
  }
  return NULL;
}

/* With q->lock held: the latest job of @key in @state. */
static QueueJob *
find_key (PrintQueue *q, const char *key, PrintJobState state)
{
  for (guint i = q->jobs->len; i > 0; i--) {
    QueueJob *j = q->jobs->pdata[i - 1];
    if (j->state == state && g_ascii_strcasecmp (j->key, key) == 0)
      return j;
  }
  return NULL;
}

static void
record (PrintQueue *q, const QueueJob *j, const GError *error)
{
  PrintRecord r = {
    .job_id = j->id,
    .key = j->key,
    .title = j->title,
    .printer_uri = printer_get_uri (q->printer),
    .format = j->format,
    .size = g_bytes_get_size (j->data),
    .attempt = j->attempts,
    .reason = j->reason,
    .state = j->state,
    .error = error,
    .time_ms = g_get_real_time () / 1000,
  };

  if (q->recorder != NULL)
    q->recorder (&r, q->user_data);
}

/* With q->lock held: forgets the oldest printed and cancelled jobs beyond
 * the last PRINT_QUEUE_KEEP_DONE, so a station printing all day holds a
 * bounded number of labels (a held job is never forgotten). */
static void
prune (PrintQueue *q)
{
  guint ended = 0;

  for (guint i = 0; i < q->jobs->len; i++)
    if (((QueueJob *)q->jobs->pdata[i])->state != PRINT_JOB_HELD
        && !((QueueJob *)q->jobs->pdata[i])->printing)
      ended++;
  for (guint i = 0; i < q->jobs->len && ended > PRINT_QUEUE_KEEP_DONE;) {
    QueueJob *j = q->jobs->pdata[i];

    if (j->state != PRINT_JOB_HELD && !j->printing) {
      g_ptr_array_remove_index (q->jobs, i);
      ended--;
    } else {
      i++;
    }
  }
}

/* attempt: prints @job (its state PRINTED or HELD afterwards), one job at a
 * time on this printer. */
static gboolean
attempt (PrintQueue *q, guint64 id, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *key = NULL;
  PrinterJob pj = { 0 };
  QueueJob *j;
  gboolean ok;

  g_mutex_lock (&q->print_lock);
  g_mutex_lock (&q->lock);
  j = find_job (q, id);
  pj.id = j->id;
  pj.title = j->title;
  pj.format = j->format;
  pj.data = g_bytes_ref (j->data);
  j->attempts++;
  j->printing = TRUE;
  g_mutex_unlock (&q->lock);

  ok = printer_print (q->printer, &pj, cancellable, &local);
  g_bytes_unref (pj.data);

  g_mutex_lock (&q->lock);
  j = find_job (q, id);
  j->printing = FALSE;
  j->state = ok ? PRINT_JOB_PRINTED : PRINT_JOB_HELD;
  record (q, j, local);
  key = g_strdup (j->key);
  prune (q);
  g_mutex_unlock (&q->lock);
  g_mutex_unlock (&q->print_lock);

  if (!ok) {
    g_set_error (error, local->domain, local->code,
                 "%s (label %" G_GUINT64_FORMAT " for %s held for a retry)", local->message, id,
                 key);
    return FALSE;
  }
  return TRUE;
}

/* add_job: a new held job (not yet tried), its id in @id. */
static gboolean
add_job (PrintQueue *q, const char *key, const char *title, PrinterFormat format, GBytes *data,
         const char *reason, guint64 *id, GError **error)
{
  QueueJob *j;

  g_mutex_lock (&q->lock);
  if ((j = find_key (q, key, PRINT_JOB_HELD)) != NULL) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_HELD,
                 "label %" G_GUINT64_FORMAT " for %s is held: retry or cancel it first", j->id,
                 key);
    g_mutex_unlock (&q->lock);
    return FALSE;
  }
  if (find_key (q, key, PRINT_JOB_PRINTED) != NULL && (reason == NULL || *reason == '\0')) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_REASON,
                 "the label for %s was printed already: a reprint needs a reason", key);
    g_mutex_unlock (&q->lock);
    return FALSE;
  }
  j = g_new0 (QueueJob, 1);
  j->id = q->next_id++;
  j->key = g_strdup (key);
  j->title = g_strdup (title ? title : key);
  j->reason = reason && *reason ? g_strdup (reason) : NULL;
  j->format = format;
  j->data = g_bytes_ref (data);
  j->state = PRINT_JOB_HELD;
  g_ptr_array_add (q->jobs, j);
  *id = j->id;
  g_mutex_unlock (&q->lock);
  return TRUE;
}

gboolean
print_queue_submit (PrintQueue *q, const char *key, const char *title, PrinterFormat format,
                    GBytes *data, const char *reason, guint64 *job_id, GCancellable *cancellable,
                    GError **error)
{
  guint64 id = 0;

  g_return_val_if_fail (key != NULL && data != NULL, FALSE);
  if (job_id != NULL)
    *job_id = 0;
  if (!add_job (q, key, title, format, data, reason, &id, error))
    return FALSE;
  if (job_id != NULL)
    *job_id = id;
  return attempt (q, id, cancellable, error);
}

gboolean
print_queue_retry (PrintQueue *q, guint64 job_id, GCancellable *cancellable, GError **error)
{
  QueueJob *j;

  g_mutex_lock (&q->lock);
  j = find_job (q, job_id);
  if (j == NULL || j->state != PRINT_JOB_HELD) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_NO_JOB, "no held label %" G_GUINT64_FORMAT,
                 job_id);
    g_mutex_unlock (&q->lock);
    return FALSE;
  }
  g_mutex_unlock (&q->lock);
  return attempt (q, job_id, cancellable, error);
}

gboolean
print_queue_reprint (PrintQueue *q, const char *key, const char *reason, guint64 *job_id,
                     GCancellable *cancellable, GError **error)
{
  g_autoptr (GBytes) data = NULL;
  g_autofree char *title = NULL;
  g_autofree char *stored_key = NULL;
  PrinterFormat format;
  QueueJob *j;

  if (reason == NULL || *reason == '\0') {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_REASON, "reprint of %s: give a reason", key);
    return FALSE;
  }
  g_mutex_lock (&q->lock);
  j = find_key (q, key, PRINT_JOB_PRINTED);
  if (j != NULL) {
    data = g_bytes_ref (j->data);
    title = g_strdup (j->title);
    stored_key = g_strdup (j->key);
    format = j->format;
  }
  g_mutex_unlock (&q->lock);
  if (j == NULL) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_NO_JOB, "no printed label for %s to reprint",
                 key);
    return FALSE;
  }
  return print_queue_submit (q, stored_key, title, format, data, reason, job_id, cancellable,
                             error);
}

gboolean
print_queue_cancel (PrintQueue *q, guint64 job_id, GError **error)
{
  g_autoptr (GError) why = NULL;
  QueueJob *j;

  g_mutex_lock (&q->lock);
  j = find_job (q, job_id);
  if (j == NULL || j->state != PRINT_JOB_HELD) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_NO_JOB, "no held label %" G_GUINT64_FORMAT,
                 job_id);
    g_mutex_unlock (&q->lock);
    return FALSE;
  }
  j->state = PRINT_JOB_CANCELLED;
  why = g_error_new (PRINTER_ERROR, PRINTER_ERROR_JOB_FAILED, "cancelled by the operator");
  record (q, j, why);
  prune (q);
  g_mutex_unlock (&q->lock);
  return TRUE;
}

GArray *
print_queue_held (PrintQueue *q)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint64));

  g_mutex_lock (&q->lock);
  for (guint i = 0; i < q->jobs->len; i++) {
    QueueJob *j = q->jobs->pdata[i];
    if (j->state == PRINT_JOB_HELD)
      g_array_append_val (ids, j->id);
  }
  g_mutex_unlock (&q->lock);
  return ids;
}

gboolean
print_queue_job_state (PrintQueue *q, guint64 job_id, PrintJobState *state, char **key)
{
  QueueJob *j;

  g_mutex_lock (&q->lock);
  j = find_job (q, job_id);
  if (j != NULL) {
    *state = j->state;
    if (key != NULL)
      *key = g_strdup (j->key);
  }
  g_mutex_unlock (&q->lock);
  return j != NULL;
}
