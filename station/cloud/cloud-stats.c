/* station/cloud/cloud-stats.c - Air usage statistics. */
#define G_LOG_DOMAIN "station-cloud"

#include "station/cloud/cloud-stats.h"

#include "station/cloud/cloud-client-private.h"
#include "station/cloud/cloud-json.h"

#define WHAT "AirStatsResponse"

void
cloud_air_stats_free (CloudAirStats *s)
{
  if (s == NULL)
    return;
  g_free (s->date);
  g_free (s);
}

static gboolean
add_counter (JsonObject *o, const char *cls, const char *field, guint64 *sum, GError **error)
{
  gint64 v = 0;
  g_autofree char *where = g_strdup_printf ("dataTrafficStatsMap.%s", cls);

  if (!cloud_json_get_int64 (o, where, field, &v, error))
    return FALSE;
  if (v < 0) {
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
                 WHAT " %s.%s is negative (%" G_GINT64_FORMAT ")", where, field, v);
    return FALSE;
  }
  *sum += (guint64)v;
  return TRUE;
}

CloudAirStats *
cloud_air_stats_from_json (JsonNode *node, GError **error)
{
  g_autoptr (CloudAirStats) s = g_new0 (CloudAirStats, 1);
  JsonObject *o;
  JsonNode *map, *t;
  JsonObjectIter it;
  const char *cls;
  JsonNode *v;

  if (!cloud_json_require_object (node, WHAT, &o, error)
      || !cloud_json_get_string (o, WHAT, "date", &s->date, error))
    return NULL;
  t = json_object_get_member (o, "unixtime");
  if (t == NULL || !JSON_NODE_HOLDS_VALUE (t) || json_node_get_value_type (t) != G_TYPE_INT64)
    return cloud_json_wrong_type (WHAT, "unixtime", "an integer", t, error), NULL;
  s->unixtime = json_node_get_int (t);
  map = json_object_get_member (o, "dataTrafficStatsMap");
  if (map == NULL || JSON_NODE_HOLDS_NULL (map))
    return g_steal_pointer (&s);
  if (!JSON_NODE_HOLDS_OBJECT (map))
    return cloud_json_wrong_type (WHAT, "dataTrafficStatsMap", "an object", map, error), NULL;
  json_object_iter_init (&it, json_node_get_object (map));
  while (json_object_iter_next (&it, &cls, &v)) {
    JsonObject *c;

    if (!JSON_NODE_HOLDS_OBJECT (v))
      return cloud_json_wrong_type (WHAT, cls, "an object", v, error), NULL;
    c = json_node_get_object (v);
    if (!add_counter (c, cls, "uploadByteSizeTotal", &s->upload_bytes, error)
        || !add_counter (c, cls, "downloadByteSizeTotal", &s->download_bytes, error)
        || !add_counter (c, cls, "uploadPacketSizeTotal", &s->upload_packets, error)
        || !add_counter (c, cls, "downloadPacketSizeTotal", &s->download_packets, error))
      return NULL;
  }
  return g_steal_pointer (&s);
}

GPtrArray *
cloud_client_get_air_stats (CloudClient *c, const char *imsi, gint64 from_s, gint64 to_s,
                            CloudStatsPeriod period, GCancellable *cancellable, GError **error)
{
  static const char *const periods[] = { "minutes", "day", "month" };
  g_autofree char *esc = cloud_path_escape (imsi);
  g_autofree char *path = g_strdup_printf ("/stats/air/subscribers/%s?from=%" G_GINT64_FORMAT
                                           "&to=%" G_GINT64_FORMAT "&period=%s",
                                           esc, from_s, to_s, periods[period]);

  return cloud_client_list_pages (
      c, "getAirStats", path, NULL, (CloudParseFunc)cloud_air_stats_from_json,
      (GDestroyNotify)cloud_air_stats_free, 0, NULL, TRUE, NULL, cancellable, error);
}
