/* station/label-reprint.h - printing a unit's label again, for a reason
 * that is recorded: the label is rendered from the unit's record (the
 * identities the label step printed), sent through the line's print queue
 * with the reason, and stored as a new row of the unit's labels with its
 * reprint_reason, so the record and the batch report count it. */
#pragma once

#include <gio/gio.h>

#include "drivers/printer/print-queue.h"
#include "labels/label-template.h"
#include "station/store/store.h"

G_BEGIN_DECLS

#define LABEL_REPRINT_ERROR (label_reprint_error_quark ())
GQuark label_reprint_error_quark (void);

typedef enum {
  LABEL_REPRINT_ERROR_REASON,   /* no reason given: say why the label is printed again */
  LABEL_REPRINT_ERROR_NO_LABEL, /* the unit has no printed label yet: nothing to reprint */
  LABEL_REPRINT_ERROR_NO_IMSI,  /* the record has no IMSI: the label cannot be made */
} LabelReprintError;

/* label_reprint: prints the label of unit @device_id again on @queue
 * (rendered with @tmpl in the printer's format) for @reason (required,
 * spaces trimmed, at most 200 characters kept), then records it in @store
 * (printer @printer_uri).  Blocks (store and printer): call it from a
 * worker thread in a GUI.  The new label's payload goes to @payload (may
 * be NULL; free with g_free()).  FALSE with LABEL_REPRINT_ERROR, a store
 * error (STORE_ERROR_NOT_FOUND: no such unit), a label error or the
 * printer's error (a held job stays in the queue, nothing is stored). */
gboolean label_reprint (Store *store, PrintQueue *queue, const LabelTemplate *tmpl,
                        const char *printer_uri, const char *device_id, const char *reason,
                        char **payload, GCancellable *cancellable, GError **error);

G_END_DECLS
