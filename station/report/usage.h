/* station/report/usage.h - daily Air usage of a batch's units (station-cli
 * usage): per device and UTC day, upload/download bytes and whether it was
 * online (had traffic that day), from getAirStats (period=day), with
 * totals per device and for the batch. */
#pragma once

#include "station/cloud/cloud-client.h"
#include "station/store/store.h"

G_BEGIN_DECLS

#define USAGE_MAX_DAYS 548 /* the stats API keeps 18 months */

typedef struct {
  char *date; /* "YYYY-MM-DD" (UTC) */
  guint64 upload_bytes;
  guint64 download_bytes;
  gboolean online; /* traffic that day */
} UsageDay;

typedef struct {
  char *device_id;
  char *imsi;
  GArray *days; /* UsageDay, one per day of the range, in order */
  guint64 upload_total;
  guint64 download_total;
  guint days_online;
} UsageUnit;

typedef struct {
  char *batch_id;
  char *from; /* "YYYY-MM-DD" */
  char *to;
  GPtrArray *units; /* UsageUnit *, by device ID */
  guint64 upload_total;
  guint64 download_total;
} Usage;

/* usage_parse_day: @text "YYYY-MM-DD" as the UNIX seconds of its 00:00 UTC.
 * FALSE with STATION_ERROR_USAGE naming @what and the form. */
gboolean usage_parse_day (const char *what, const char *text, gint64 *unix_s, GError **error);

/* usage_collect: the passed units of @batch_id, each with getAirStats of its
 * IMSI for the days @from .. @to (inclusive, "YYYY-MM-DD").  Usage errors
 * for bad dates, @to before @from or a range over USAGE_MAX_DAYS;
 * STORE_ERROR_NOT_FOUND for an unknown batch; cloud errors. */
Usage *usage_collect (Store *store, CloudClient *cloud, const char *batch_id, const char *from,
                      const char *to, GCancellable *cancellable, GError **error);
void usage_free (Usage *usage);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Usage, usage_free)

/* usage_to_csv: "device_id,imsi,date,upload_bytes,download_bytes,online"
 * rows, then a "total" row per device (online = days online) and one for
 * the batch (device_id "ALL").  usage_to_json: the same as an object.
 * Free with g_free(). */
char *usage_to_csv (const Usage *usage);
char *usage_to_json (const Usage *usage);

G_END_DECLS
