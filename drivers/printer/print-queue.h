/* drivers/printer/print-queue.h - the station's print queue for one
 * printer: one job at a time, a label that failed (paper out, head open,
 * ...) is held until the operator fixes the printer and retries it, a
 * label already printed is printed again only with a reason, and every
 * attempt is reported to a recorder (the station stores it with the unit).
 *
 * The queue keeps every held job and the last PRINT_QUEUE_KEEP_DONE printed
 * or cancelled ones (for print_queue_reprint()); older ones are forgotten,
 * so a station printing all day holds a bounded number of labels (a
 * reprint of an older label renders it anew, see station/label-reprint.c).
 *
 * Thread-safe: slots call print_queue_submit() from their worker threads;
 * calls block while another job prints. */
#pragma once

#include "drivers/printer/printer.h"

G_BEGIN_DECLS

#define PRINT_QUEUE_KEEP_DONE 64

typedef enum {
  PRINT_JOB_HELD,      /* failed; waits for print_queue_retry() or _cancel() */
  PRINT_JOB_PRINTED,   /* the printer reported it done */
  PRINT_JOB_CANCELLED, /* dropped by the operator */
} PrintJobState;

/* What the recorder receives after every attempt and cancellation
 * (borrowed for the duration of the call). */
typedef struct {
  guint64 job_id;
  const char *key;   /* what the label is for (the device ID) */
  const char *title; /* the job title */
  const char *printer_uri;
  PrinterFormat format;
  gsize size;          /* bytes sent */
  guint attempt;       /* 1 for the first try of this job */
  const char *reason;  /* NULL for a first print, else why it was printed again */
  PrintJobState state; /* after this attempt */
  const GError *error; /* why it failed (state HELD or CANCELLED), else NULL */
  gint64 time_ms;      /* UTC milliseconds */
} PrintRecord;

/* Called from the printing thread with the queue locked: it must return
 * quickly and not call print_queue_*() (a store insert is fine). */
typedef void (*PrintRecorder) (const PrintRecord *record, gpointer user_data);

typedef struct _PrintQueue PrintQueue;

/* print_queue_new: a queue printing on @printer (taken).  @recorder may be
 * NULL; @destroy frees @user_data with the queue. */
PrintQueue *print_queue_new (Printer *printer, PrintRecorder recorder, gpointer user_data,
                             GDestroyNotify destroy);
void print_queue_free (PrintQueue *queue);

Printer *print_queue_get_printer (PrintQueue *queue);

/* print_queue_submit: prints @data for @key.  A @key already printed needs a
 * non-empty @reason (PRINTER_ERROR_REASON otherwise); a @key with a held job
 * must be retried or cancelled first (PRINTER_ERROR_HELD).  When printing
 * fails the job is kept (held) and the printer's named error returned;
 * @job_id (may be NULL) receives the job's number either way. */
gboolean print_queue_submit (PrintQueue *queue, const char *key, const char *title,
                             PrinterFormat format, GBytes *data, const char *reason,
                             guint64 *job_id, GCancellable *cancellable, GError **error);

/* print_queue_retry: prints held job @job_id again (after the operator
 * fixed the printer).  PRINTER_ERROR_NO_JOB when it is not held. */
gboolean print_queue_retry (PrintQueue *queue, guint64 job_id, GCancellable *cancellable,
                            GError **error);

/* print_queue_reprint: prints the last printed label of @key again, for
 * @reason (required, recorded). */
gboolean print_queue_reprint (PrintQueue *queue, const char *key, const char *reason,
                              guint64 *job_id, GCancellable *cancellable, GError **error);

/* print_queue_cancel: drops held job @job_id (recorded as cancelled). */
gboolean print_queue_cancel (PrintQueue *queue, guint64 job_id, GError **error);

/* print_queue_held: the numbers of the held jobs, oldest first.  Free with
 * g_array_unref(). */
GArray *print_queue_held (PrintQueue *queue);

/* print_queue_job_state: the state of @job_id; FALSE when unknown.
 * @key (may be NULL) receives its key (free with g_free()). */
gboolean print_queue_job_state (PrintQueue *queue, guint64 job_id, PrintJobState *state,
                                char **key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PrintQueue, print_queue_free)

G_END_DECLS
