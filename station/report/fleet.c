/* station/report/fleet.c - the fleet / stock view. */
#define G_LOG_DOMAIN "station-report"

#include "station/report/fleet.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "station/unit-json.h"

#define DAY_MS (24 * 3600 * (gint64)1000)

static const char *const category_names[FLEET_N_CATEGORIES] = {
  "standby", "online", "active", "silent", "other", "missing",
};

const char *
fleet_category_name (FleetCategory category)
{
  return category < FLEET_N_CATEGORIES ? category_names[category] : "?";
}

static void
row_free (gpointer data)
{
  FleetRow *r = data;

  store_unit_free (r->unit);
  g_free (r->status);
  g_free (r->speed_class);
  g_free (r);
}

void
fleet_free (Fleet *fleet)
{
  if (fleet == NULL)
    return;
  g_clear_pointer (&fleet->rows, g_ptr_array_unref);
  g_free (fleet);
}

/* When the SIM last had a session: sessionStatus.lastUpdatedAt of the raw
 * object, else the subscriber's lastModifiedAt. */
static gint64
last_seen (const CloudSubscriber *sub)
{
  JsonObject *o
      = sub->raw && JSON_NODE_HOLDS_OBJECT (sub->raw) ? json_node_get_object (sub->raw) : NULL;
  JsonNode *ss = o ? json_object_get_member (o, "sessionStatus") : NULL;

  if (ss != NULL && JSON_NODE_HOLDS_OBJECT (ss)) {
    JsonNode *t = json_object_get_member (json_node_get_object (ss), "lastUpdatedAt");
    if (t != NULL && JSON_NODE_HOLDS_VALUE (t) && json_node_get_value_type (t) == G_TYPE_INT64)
      return json_node_get_int (t);
  }
  return sub->last_modified_at;
}

static int
by_device_id (gconstpointer a, gconstpointer b)
{
  const FleetRow *x = *(FleetRow *const *)a, *y = *(FleetRow *const *)b;

  return strcmp (x->unit->device_id, y->unit->device_id);
}

/* The unit's first use and last events, from the store; the first sighting
 * of a used SIM is kept as its first use when no event gave one. */
static gboolean
add_usage_facts (Store *store, FleetRow *row, const CloudSubscriber *s, GError **error)
{
  g_autoptr (GPtrArray) events = store_sim_event_list_by_imsi (store, row->unit->imsi, error);
  gint64 first_event = 0;

  if (events == NULL)
    return FALSE;
  for (guint i = 0; i < events->len; i++) {
    const StoreSimEvent *e = g_ptr_array_index (events, i);

    if (e->kind == STORE_SIM_EVENT_FIRST_USE)
      first_event = e->at;
    else if (e->kind == STORE_SIM_EVENT_DAILY_LIMIT)
      row->daily_limit_ms = MAX (row->daily_limit_ms, e->at);
    else if (e->kind == STORE_SIM_EVENT_IMEI_MISMATCH)
      row->imei_mismatch_ms = MAX (row->imei_mismatch_ms, e->at);
  }
  if (!store_unit_get_first_use (store, row->unit->imsi, &row->first_use_ms, error))
    return FALSE;
  if (row->first_use_ms == 0 && s != NULL && s->status_code != CLOUD_SIM_STATUS_STANDBY
      && s->status_code != CLOUD_SIM_STATUS_READY && s->status_code != CLOUD_SIM_STATUS_UNKNOWN
      && row->last_seen_ms > 0) {
    if (!store_unit_note_first_use (store, row->unit->imsi, row->last_seen_ms, NULL, error))
      return FALSE;
    row->first_use_ms = row->last_seen_ms;
  }
  if (row->first_use_ms > 0)
    row->first_use_from = row->first_use_ms == first_event ? "event" : "subscriber";
  return TRUE;
}

Fleet *
fleet_collect (Store *store, CloudClient *cloud, const char *batch_id, guint stale_days,
               gint64 now_ms, GCancellable *cancellable, GError **error)
{
  CloudSubscriberFilter filter = { .tag_name = "batch", .tag_value = batch_id };
  g_autoptr (Fleet) f = g_new0 (Fleet, 1);
  g_autoptr (GPtrArray) batches = NULL;
  g_autoptr (GPtrArray) subs = NULL;
  g_autoptr (GHashTable) by_imsi = g_hash_table_new (g_str_hash, g_str_equal);

  f->stale_days = stale_days;
  f->generated_at = now_ms;
  f->rows = g_ptr_array_new_with_free_func (row_free);
  if (batch_id != NULL) {
    StoreBatch *one = store_batch_get (store, batch_id, error);

    if (one == NULL)
      return NULL;
    batches = g_ptr_array_new_with_free_func ((GDestroyNotify)store_batch_free);
    g_ptr_array_add (batches, one);
  } else {
    batches = store_batch_list (store, error);
  }
  if (batches == NULL)
    return NULL;
  subs = cloud_client_list_subscribers (cloud, batch_id ? &filter : NULL, cancellable, error);
  if (subs == NULL)
    return NULL;
  for (guint i = 0; i < subs->len; i++) {
    CloudSubscriber *s = g_ptr_array_index (subs, i);
    g_hash_table_insert (by_imsi, s->imsi, s);
  }

  for (guint b = 0; b < batches->len; b++) {
    StoreBatch *batch = g_ptr_array_index (batches, b);
    g_autoptr (GPtrArray) units = store_unit_list_by_batch (store, batch->id, error);

    if (units == NULL)
      return NULL;
    for (guint i = 0; i < units->len; i++) {
      StoreUnit *u = g_ptr_array_index (units, i);
      const CloudSubscriber *s;
      FleetRow *row;

      /* a scrapped unit is out of stock and out of the fleet for good */
      if (u->state != STORE_UNIT_PASSED || u->imsi == NULL || u->scrapped_at != 0)
        continue;
      row = g_new0 (FleetRow, 1);
      row->unit = u;
      g_ptr_array_index (units, i) = NULL; /* taken */
      s = g_hash_table_lookup (by_imsi, u->imsi);
      if (s == NULL) {
        row->category = FLEET_MISSING;
      } else {
        row->status = g_strdup (s->status);
        row->speed_class = g_strdup (s->speed_class);
        row->online = s->online;
        row->last_seen_ms = last_seen (s);
        if (!s->online && row->last_seen_ms > 0)
          row->days_silent = (double)(now_ms - row->last_seen_ms) / DAY_MS;
        if (s->status_code == CLOUD_SIM_STATUS_STANDBY)
          row->category = FLEET_STANDBY;
        else if (s->online)
          row->category = FLEET_ONLINE;
        else if (s->status_code == CLOUD_SIM_STATUS_ACTIVE)
          row->category = row->days_silent > (double)stale_days ? FLEET_SILENT : FLEET_ACTIVE;
        else
          row->category = FLEET_OTHER;
      }
      f->counts[row->category]++;
      g_ptr_array_add (f->rows, row);
      if (!add_usage_facts (store, row, s, error))
        return NULL;
    }
  }
  g_ptr_array_sort (f->rows, by_device_id);
  return g_steal_pointer (&f);
}

char *
fleet_to_text (const Fleet *f)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "%-24s %-12s %-15s %-11s %-8s %-24s %-6s %-24s %s\n", "DEVICE ID",
                          "BATCH", "IMSI", "SIM", "VIEW", "LAST SESSION", "DAYS", "FIRST USE",
                          "FLAGS");
  for (guint i = 0; i < f->rows->len; i++) {
    const FleetRow *r = g_ptr_array_index (f->rows, i);
    g_autofree char *seen = unit_json_time (r->last_seen_ms);
    g_autofree char *first = unit_json_time (r->first_use_ms);
    g_autofree char *flags = g_strdup_printf ("%s%s%s", r->daily_limit_ms ? "daily-limit " : "",
                                              r->imei_mismatch_ms ? "imei-mismatch " : "",
                                              r->speed_class ? r->speed_class : "");

    g_string_append_printf (out, "%-24s %-12s %-15s %-11s %-8s %-24s %-6.1f %-24s %s\n",
                            r->unit->device_id, r->unit->batch_id, r->unit->imsi,
                            r->status ? r->status : "-", fleet_category_name (r->category),
                            r->online ? "online now" : (seen ? seen : "-"), r->days_silent,
                            first ? first : "-", flags);
  }
  g_string_append_printf (out, "\n%u units:", f->rows->len);
  for (guint c = 0; c < FLEET_N_CATEGORIES; c++)
    g_string_append_printf (out, " %s %u%s", category_names[c], f->counts[c],
                            c + 1 < FLEET_N_CATEGORIES ? "," : "");
  g_string_append_printf (out, " (silent: no session for more than %u days)\n", f->stale_days);
  return g_string_free (out, FALSE);
}

char *
fleet_to_csv (const Fleet *f)
{
  GString *out = g_string_new ("device_id,batch,imsi,imei,status,view,online,last_session,"
                               "days_silent,speed_class,first_use,first_use_from,daily_limit_at,"
                               "imei_mismatch_at\r\n");

  for (guint i = 0; i < f->rows->len; i++) {
    const FleetRow *r = g_ptr_array_index (f->rows, i);
    g_autofree char *seen = unit_json_time (r->last_seen_ms);
    g_autofree char *first = unit_json_time (r->first_use_ms);
    g_autofree char *limit = unit_json_time (r->daily_limit_ms);
    g_autofree char *mismatch = unit_json_time (r->imei_mismatch_ms);

    /* device IDs, IMSIs, statuses and speed classes hold no comma or quote */
    g_string_append_printf (
        out, "%s,%s,%s,%s,%s,%s,%s,%s,%.2f,%s,%s,%s,%s,%s\r\n", r->unit->device_id,
        r->unit->batch_id, r->unit->imsi, r->unit->imei ? r->unit->imei : "",
        r->status ? r->status : "", fleet_category_name (r->category), r->online ? "true" : "false",
        seen ? seen : "", r->days_silent, r->speed_class ? r->speed_class : "", first ? first : "",
        r->first_use_from ? r->first_use_from : "", limit ? limit : "", mismatch ? mismatch : "");
  }
  return g_string_free (out, FALSE);
}

char *
fleet_to_json (const Fleet *f)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  unit_json_member_time (b, "generated_at", f->generated_at);
  json_builder_set_member_name (b, "stale_days");
  json_builder_add_int_value (b, f->stale_days);
  json_builder_set_member_name (b, "counts");
  json_builder_begin_object (b);
  for (guint c = 0; c < FLEET_N_CATEGORIES; c++) {
    json_builder_set_member_name (b, category_names[c]);
    json_builder_add_int_value (b, f->counts[c]);
  }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "units");
  json_builder_begin_array (b);
  for (guint i = 0; i < f->rows->len; i++) {
    const FleetRow *r = g_ptr_array_index (f->rows, i);

    json_builder_begin_object (b);
    unit_json_member_string (b, "device_id", r->unit->device_id);
    unit_json_member_string (b, "batch", r->unit->batch_id);
    unit_json_member_string (b, "imsi", r->unit->imsi);
    unit_json_member_string (b, "imei", r->unit->imei);
    unit_json_member_string (b, "status", r->status);
    unit_json_member_string (b, "view", fleet_category_name (r->category));
    json_builder_set_member_name (b, "online");
    json_builder_add_boolean_value (b, r->online);
    unit_json_member_time (b, "last_session", r->last_seen_ms);
    json_builder_set_member_name (b, "days_silent");
    json_builder_add_double_value (b, r->days_silent);
    unit_json_member_string (b, "speed_class", r->speed_class);
    unit_json_member_time (b, "first_use", r->first_use_ms);
    unit_json_member_string (b, "first_use_from", r->first_use_from);
    unit_json_member_time (b, "daily_limit_at", r->daily_limit_ms);
    unit_json_member_time (b, "imei_mismatch_at", r->imei_mismatch_ms);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}
