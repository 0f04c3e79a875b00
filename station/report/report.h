/* station/report/report.h - the batch report for stock intake: every unit
 * of a batch with its identities, outcome and label, the batch's counts,
 * and the expected SIMs no unit used; as CSV, JSON or a printable PDF. */
#pragma once

#include <gio/gio.h>

#include "station/store/store.h"

G_BEGIN_DECLS

#define REPORT_ERROR (report_error_quark ())
GQuark report_error_quark (void);

typedef enum {
  REPORT_ERROR_FORMAT, /* unknown format name: usage */
  REPORT_ERROR_WRITE,  /* the output file cannot be written: local file */
} ReportError;

typedef enum {
  REPORT_FORMAT_CSV,
  REPORT_FORMAT_JSON,
  REPORT_FORMAT_PDF,
} ReportFormat;

typedef struct {
  StoreUnit *unit;
  char *label_payload; /* last printed label, or NULL */
  gint64 label_printed_at;
  guint label_prints;
  guint label_reprints; /* prints with a reprint reason (label_prints - 1 at most) */
} ReportRow;

typedef struct {
  StoreBatch *batch;
  StoreBatchCounts counts;
  GPtrArray *rows;        /* ReportRow *, in unit creation order */
  GPtrArray *unused_sims; /* StoreSim * expected but bound to no unit */
  guint reprints;         /* labels printed again (with a reason), all units */
  gint64 generated_at;    /* UTC ms */
} Report;

/* report_format_from_name: "csv", "json", "pdf" (any case). */
gboolean report_format_from_name (const char *name, ReportFormat *format, GError **error);

/* report_collect: reads batch @batch_id from @store.  NULL with a store
 * error (STORE_ERROR_NOT_FOUND naming the batch).  Free with report_free(). */
Report *report_collect (Store *store, const char *batch_id, GError **error);
void report_free (Report *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Report, report_free)

/* report_to_csv / report_to_json: the report as text (free with g_free()).
 * CSV columns: device_id,batch,state,failure_code,imei,imsi,iccid,
 * label_payload,label_printed_at,label_prints,station,updated_at,
 * scrapped_at,scrapped_by,scrap_reason (the last three empty unless the
 * unit was scrapped: then it is not stock, whatever its state).  JSON:
 * "counts" (scrapped units under "scrapped" only) and "units" (each with
 * unit_json_add_unit_fields(), "scrapped" included). */
char *report_to_csv (const Report *report);
char *report_to_json (const Report *report);

/* report_to_pdf: A4 pages (title, counts, a table of the units, page
 * numbers).  NULL with REPORT_ERROR_WRITE when cairo fails. */
GBytes *report_to_pdf (const Report *report, GError **error);

/* report_write: renders @report as @format into @path through a temporary
 * file renamed over it (no partial file on failure). */
gboolean report_write (const Report *report, ReportFormat format, const char *path, GError **error);

G_END_DECLS
