/* station/report/usage.c - daily Air usage of a batch. */
#define G_LOG_DOMAIN "station-report"

#include "station/report/usage.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "station/cloud/cloud-stats.h"
#include "station/station-error.h"

#define DAY_S (24 * 3600)

static void
unit_free (gpointer data)
{
  UsageUnit *u = data;

  for (guint i = 0; i < u->days->len; i++)
    g_free (g_array_index (u->days, UsageDay, i).date);
  g_array_unref (u->days);
  g_free (u->device_id);
  g_free (u->imsi);
  g_free (u);
}

void
usage_free (Usage *usage)
{
  if (usage == NULL)
    return;
  g_free (usage->batch_id);
  g_free (usage->from);
  g_free (usage->to);
  g_clear_pointer (&usage->units, g_ptr_array_unref);
  g_free (usage);
}

gboolean
usage_parse_day (const char *what, const char *text, gint64 *unix_s, GError **error)
{
  g_autofree char *iso = NULL;
  g_autoptr (GDateTime) t = NULL;

  if (text != NULL && strlen (text) == 10 && text[4] == '-' && text[7] == '-') {
    iso = g_strconcat (text, "T00:00:00Z", NULL);
    t = g_date_time_new_from_iso8601 (iso, NULL);
  }
  if (t == NULL) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "%s '%s' is not a date: give YYYY-MM-DD (UTC), e.g. 2026-12-01", what,
                 text ? text : "");
    return FALSE;
  }
  *unix_s = g_date_time_to_unix (t);
  return TRUE;
}

static char *
day_text (gint64 unix_s)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (unix_s);

  return g_date_time_format (t, "%Y-%m-%d");
}

static int
by_device_id (gconstpointer a, gconstpointer b)
{
  const UsageUnit *x = *(UsageUnit *const *)a, *y = *(UsageUnit *const *)b;

  return strcmp (x->device_id, y->device_id);
}

Usage *
usage_collect (Store *store, CloudClient *cloud, const char *batch_id, const char *from,
               const char *to, GCancellable *cancellable, GError **error)
{
  g_autoptr (Usage) usage = g_new0 (Usage, 1);
  g_autoptr (StoreBatch) batch = NULL;
  g_autoptr (GPtrArray) units = NULL;
  gint64 from_s = 0, to_s = 0;
  guint n_days;

  if (!usage_parse_day ("--from", from, &from_s, error)
      || !usage_parse_day ("--to", to, &to_s, error))
    return NULL;
  if (to_s < from_s) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE, "--to %s is before --from %s", to,
                 from);
    return NULL;
  }
  n_days = (guint)((to_s - from_s) / DAY_S) + 1;
  if (n_days > USAGE_MAX_DAYS) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "%u days from %s to %s: the stats API keeps at most %u days (18 months)", n_days,
                 from, to, USAGE_MAX_DAYS);
    return NULL;
  }
  batch = store_batch_get (store, batch_id, error);
  if (batch == NULL)
    return NULL;
  units = store_unit_list_by_batch (store, batch_id, error);
  if (units == NULL)
    return NULL;
  usage->batch_id = g_strdup (batch_id);
  usage->from = g_strdup (from);
  usage->to = g_strdup (to);
  usage->units = g_ptr_array_new_with_free_func (unit_free);

  for (guint i = 0; i < units->len; i++) {
    const StoreUnit *su = g_ptr_array_index (units, i);
    g_autoptr (GPtrArray) stats = NULL;
    UsageUnit *u;

    if (su->state != STORE_UNIT_PASSED || su->imsi == NULL)
      continue;
    stats = cloud_client_get_air_stats (cloud, su->imsi, from_s, to_s + DAY_S - 1,
                                        CLOUD_STATS_PERIOD_DAY, cancellable, error);
    if (stats == NULL)
      return NULL;
    u = g_new0 (UsageUnit, 1);
    u->device_id = g_strdup (su->device_id);
    u->imsi = g_strdup (su->imsi);
    u->days = g_array_sized_new (FALSE, TRUE, sizeof (UsageDay), n_days);
    g_ptr_array_add (usage->units, u);
    for (guint d = 0; d < n_days; d++) {
      UsageDay day = { day_text (from_s + (gint64)d * DAY_S), 0, 0, FALSE };
      g_array_append_val (u->days, day);
    }
    for (guint k = 0; k < stats->len; k++) {
      const CloudAirStats *st = g_ptr_array_index (stats, k);
      gint64 d = (st->unixtime - from_s) / DAY_S;
      UsageDay *day;

      /* a period the API reports outside the range asked for is ignored */
      if (st->unixtime < from_s || d >= (gint64)n_days)
        continue;
      day = &g_array_index (u->days, UsageDay, d);
      day->upload_bytes += st->upload_bytes;
      day->download_bytes += st->download_bytes;
    }
    for (guint d = 0; d < n_days; d++) {
      UsageDay *day = &g_array_index (u->days, UsageDay, d);

      day->online = day->upload_bytes + day->download_bytes > 0;
      u->upload_total += day->upload_bytes;
      u->download_total += day->download_bytes;
      u->days_online += day->online ? 1 : 0;
    }
    usage->upload_total += u->upload_total;
    usage->download_total += u->download_total;
  }
  g_ptr_array_sort (usage->units, by_device_id);
  return g_steal_pointer (&usage);
}

char *
usage_to_csv (const Usage *usage)
{
  GString *out = g_string_new ("device_id,imsi,date,upload_bytes,download_bytes,online\r\n");

  for (guint i = 0; i < usage->units->len; i++) {
    const UsageUnit *u = g_ptr_array_index (usage->units, i);

    for (guint d = 0; d < u->days->len; d++) {
      const UsageDay *day = &g_array_index (u->days, UsageDay, d);

      g_string_append_printf (out, "%s,%s,%s,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%s\r\n",
                              u->device_id, u->imsi, day->date, day->upload_bytes,
                              day->download_bytes, day->online ? "true" : "false");
    }
    g_string_append_printf (out, "%s,%s,total,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%u\r\n",
                            u->device_id, u->imsi, u->upload_total, u->download_total,
                            u->days_online);
  }
  g_string_append_printf (out, "ALL,,total,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%u\r\n",
                          usage->upload_total, usage->download_total, usage->units->len);
  return g_string_free (out, FALSE);
}

static void
add_uint (JsonBuilder *b, const char *name, guint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, (gint64)v);
}

char *
usage_to_json (const Usage *usage)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "batch");
  json_builder_add_string_value (b, usage->batch_id);
  json_builder_set_member_name (b, "from");
  json_builder_add_string_value (b, usage->from);
  json_builder_set_member_name (b, "to");
  json_builder_add_string_value (b, usage->to);
  json_builder_set_member_name (b, "units");
  json_builder_begin_array (b);
  for (guint i = 0; i < usage->units->len; i++) {
    const UsageUnit *u = g_ptr_array_index (usage->units, i);

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "device_id");
    json_builder_add_string_value (b, u->device_id);
    json_builder_set_member_name (b, "imsi");
    json_builder_add_string_value (b, u->imsi);
    json_builder_set_member_name (b, "days");
    json_builder_begin_array (b);
    for (guint d = 0; d < u->days->len; d++) {
      const UsageDay *day = &g_array_index (u->days, UsageDay, d);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "date");
      json_builder_add_string_value (b, day->date);
      add_uint (b, "upload_bytes", day->upload_bytes);
      add_uint (b, "download_bytes", day->download_bytes);
      json_builder_set_member_name (b, "online");
      json_builder_add_boolean_value (b, day->online);
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
    json_builder_set_member_name (b, "total");
    json_builder_begin_object (b);
    add_uint (b, "upload_bytes", u->upload_total);
    add_uint (b, "download_bytes", u->download_total);
    add_uint (b, "days_online", u->days_online);
    json_builder_end_object (b);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "total");
  json_builder_begin_object (b);
  add_uint (b, "upload_bytes", usage->upload_total);
  add_uint (b, "download_bytes", usage->download_total);
  add_uint (b, "units", usage->units->len);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}
