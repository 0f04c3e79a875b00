/* station/cloud/cloud-stats.h - Air usage of a subscriber (getAirStats:
 * GET /stats/air/subscribers/{imsi}?from=&to=&period=, from/to in UNIX
 * seconds; an array of AirStatsResponse {date, unixtime,
 * dataTrafficStatsMap: {speed class: DataTrafficStats}}). */
#pragma once

#include "station/cloud/cloud-client.h"

G_BEGIN_DECLS

typedef enum {
  CLOUD_STATS_PERIOD_MINUTES,
  CLOUD_STATS_PERIOD_DAY,
  CLOUD_STATS_PERIOD_MONTH,
} CloudStatsPeriod;

/* One AirStatsResponse, summed over the speed classes of its map. */
typedef struct {
  gint64 unixtime;        /* start of the period, UNIX seconds */
  char *date;             /* as the API gave it, may be NULL */
  guint64 upload_bytes;   /* uploadByteSizeTotal */
  guint64 download_bytes; /* downloadByteSizeTotal */
  guint64 upload_packets; /* uploadPacketSizeTotal */
  guint64 download_packets;
} CloudAirStats;

/* cloud_air_stats_from_json: parses one AirStatsResponse.  NULL with
 * STATION_CLOUD_ERROR_BAD_RESPONSE when it is not an object, has no
 * integer unixtime, or a counter is negative or not an integer. */
CloudAirStats *cloud_air_stats_from_json (JsonNode *node, GError **error);
void cloud_air_stats_free (CloudAirStats *stats);

/* cloud_client_get_air_stats: the usage of @imsi from @from_s to @to_s
 * (UNIX seconds) by @period, in the API's order.  CloudAirStats *. */
GPtrArray *cloud_client_get_air_stats (CloudClient *client, const char *imsi, gint64 from_s,
                                       gint64 to_s, CloudStatsPeriod period,
                                       GCancellable *cancellable, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CloudAirStats, cloud_air_stats_free)

G_END_DECLS
