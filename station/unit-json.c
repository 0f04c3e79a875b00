/* station/unit-json.c - unit records as JSON. */
#define G_LOG_DOMAIN "station"

#include "station/unit-json.h"

char *
unit_json_time (gint64 ms)
{
  g_autoptr (GDateTime) t = NULL;
  g_autofree char *base = NULL;

  if (ms <= 0)
    return NULL;
  t = g_date_time_new_from_unix_utc (ms / 1000);
  if (t == NULL)
    return NULL;
  base = g_date_time_format (t, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", base, (int)(ms % 1000));
}

void
unit_json_member_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
unit_json_member_time (JsonBuilder *b, const char *name, gint64 ms)
{
  g_autofree char *text = unit_json_time (ms);

  unit_json_member_string (b, name, text);
}

void
unit_json_add_unit_fields (JsonBuilder *b, const StoreUnit *unit)
{
  unit_json_member_string (b, "device_id", unit->device_id);
  unit_json_member_string (b, "batch", unit->batch_id);
  unit_json_member_string (b, "state", store_unit_state_to_string (unit->state));
  unit_json_member_string (b, "failure_code", unit->failure_code);
  unit_json_member_string (b, "imei", unit->imei);
  unit_json_member_string (b, "imsi", unit->imsi);
  unit_json_member_string (b, "iccid", unit->iccid);
  json_builder_set_member_name (b, "slot");
  if (unit->slot >= 0)
    json_builder_add_int_value (b, unit->slot);
  else
    json_builder_add_null_value (b);
  unit_json_member_string (b, "station", unit->station);
  unit_json_member_string (b, "recipe_sha256", unit->recipe_sha256);
  unit_json_member_time (b, "created_at", unit->created_at);
  unit_json_member_time (b, "updated_at", unit->updated_at);
  json_builder_set_member_name (b, "scrapped");
  if (unit->scrapped_at != 0) {
    json_builder_begin_object (b);
    unit_json_member_time (b, "at", unit->scrapped_at);
    unit_json_member_string (b, "by", unit->scrapped_by);
    unit_json_member_string (b, "reason", unit->scrap_reason);
    json_builder_end_object (b);
  } else {
    json_builder_add_null_value (b);
  }
}

/* "first_use" and "sim_events" (docs/cloud-setup.md "Events receiver"): what the
 * event-handler receiver recorded for the unit's SIM. */
static gboolean
add_sim_events (JsonBuilder *b, Store *store, const StoreUnit *unit, GError **error)
{
  g_autoptr (GPtrArray) events = NULL;
  gint64 first_use = 0;

  if (unit->imsi != NULL) {
    events = store_sim_event_list_by_imsi (store, unit->imsi, error);
    if (events == NULL || !store_unit_get_first_use (store, unit->imsi, &first_use, error))
      return FALSE;
  }
  unit_json_member_time (b, "first_use", first_use);
  json_builder_set_member_name (b, "sim_events");
  json_builder_begin_array (b);
  for (guint i = 0; events != NULL && i < events->len; i++) {
    StoreSimEvent *e = g_ptr_array_index (events, i);
    json_builder_begin_object (b);
    unit_json_member_string (b, "kind", store_sim_event_kind_to_string (e->kind));
    unit_json_member_string (b, "day", e->day);
    unit_json_member_time (b, "at", e->at);
    unit_json_member_string (b, "imei", e->imei);
    unit_json_member_string (b, "remote", e->remote);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  return TRUE;
}

JsonNode *
unit_json_record (Store *store, const StoreUnit *unit, const CloudSubscriber *sim,
                  const char *sim_why, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (GPtrArray) steps = NULL;
  g_autoptr (GPtrArray) regs = NULL;
  g_autoptr (GPtrArray) labels = NULL;
  g_autoptr (GPtrArray) calls = NULL;
  g_autoptr (GPtrArray) at = NULL;

  steps = store_journal_list (store, unit->device_id, error);
  if (steps == NULL)
    return NULL;
  regs = store_registration_list_by_device (store, unit->device_id, error);
  if (regs == NULL)
    return NULL;
  labels = store_label_list (store, unit->device_id, error);
  if (labels == NULL)
    return NULL;
  calls = store_api_call_list (store, unit->device_id, error);
  if (calls == NULL)
    return NULL;
  at = store_at_line_list (store, unit->device_id, error);
  if (at == NULL)
    return NULL;

  json_builder_begin_object (b);
  unit_json_add_unit_fields (b, unit);

  json_builder_set_member_name (b, "steps");
  json_builder_begin_array (b);
  for (guint i = 0; i < steps->len; i++) {
    StoreJournalEntry *e = g_ptr_array_index (steps, i);
    json_builder_begin_object (b);
    unit_json_member_string (b, "step", e->step);
    json_builder_set_member_name (b, "attempt");
    json_builder_add_int_value (b, e->attempt);
    unit_json_member_string (b, "state", store_journal_state_to_string (e->state));
    unit_json_member_string (b, "failure_code", e->failure_code);
    unit_json_member_string (b, "detail", e->detail);
    unit_json_member_time (b, "started_at", e->started_at);
    unit_json_member_time (b, "ended_at", e->ended_at);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "registrations");
  json_builder_begin_array (b);
  for (guint i = 0; i < regs->len; i++) {
    StoreRegistration *r = g_ptr_array_index (regs, i);
    json_builder_begin_object (b);
    unit_json_member_string (b, "imsi", r->imsi);
    unit_json_member_string (b, "imei", r->imei);
    unit_json_member_time (b, "timestamp", r->timestamp);
    unit_json_member_string (b, "remote", r->remote);
    unit_json_member_time (b, "received_at", r->received_at);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  if (!add_sim_events (b, store, unit, error))
    return NULL;

  json_builder_set_member_name (b, "labels");
  json_builder_begin_array (b);
  for (guint i = 0; i < labels->len; i++) {
    StoreLabel *l = g_ptr_array_index (labels, i);
    json_builder_begin_object (b);
    unit_json_member_string (b, "payload", l->payload);
    unit_json_member_string (b, "printer", l->printer);
    unit_json_member_string (b, "format", l->format);
    unit_json_member_string (b, "reprint_reason", l->reprint_reason);
    unit_json_member_time (b, "printed_at", l->printed_at);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "api_calls");
  json_builder_add_int_value (b, calls->len);
  json_builder_set_member_name (b, "at_lines");
  json_builder_add_int_value (b, at->len);
  if (sim != NULL || sim_why != NULL)
    unit_json_add_sim (b, sim, sim_why);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

void
unit_json_add_sim (JsonBuilder *b, const CloudSubscriber *sub, const char *why)
{
  GHashTableIter it;
  gpointer k, v;

  json_builder_set_member_name (b, "sim");
  if (sub == NULL) {
    json_builder_add_null_value (b);
    unit_json_member_string (b, "sim_error", why);
    return;
  }
  json_builder_begin_object (b);
  unit_json_member_string (b, "imsi", sub->imsi);
  unit_json_member_string (b, "iccid", sub->iccid);
  unit_json_member_string (b, "status", sub->status);
  json_builder_set_member_name (b, "online");
  json_builder_add_boolean_value (b, sub->online);
  unit_json_member_string (b, "session_imei", sub->session_imei);
  unit_json_member_string (b, "imei_lock", sub->imei_lock);
  unit_json_member_string (b, "group_id", sub->group_id);
  unit_json_member_time (b, "last_modified_at", sub->last_modified_at);
  json_builder_set_member_name (b, "tags");
  json_builder_begin_object (b);
  g_hash_table_iter_init (&it, sub->tags);
  while (g_hash_table_iter_next (&it, &k, &v)) {
    json_builder_set_member_name (b, k);
    json_builder_add_string_value (b, v);
  }
  json_builder_end_object (b);
  json_builder_end_object (b);
}
