/* station/unit-json.h - the JSON shapes of unit records that station-cli
 * prints (lookup, provision, reports; docs/cli.md "Lookup", docs/provisioning.md
 * "Output"). */
#pragma once

#include <json-glib/json-glib.h>

#include "station/cloud/cloud-subscriber.h"
#include "station/store/store.h"

G_BEGIN_DECLS

/* unit_json_time: UTC milliseconds as ISO 8601 ("2026-11-26T14:33:09.123Z");
 * NULL for 0.  Free with g_free(). */
char *unit_json_time (gint64 ms);

/* unit_json_member_string / unit_json_member_time: adds member @name to the
 * object being built: the string or null; the time (unit_json_time()) or
 * null for 0. */
void unit_json_member_string (JsonBuilder *b, const char *name, const char *value);
void unit_json_member_time (JsonBuilder *b, const char *name, gint64 ms);

/* unit_json_add_unit_fields: adds the unit's own members to the object being
 * built: device_id, batch, state, failure_code, imei, imsi, iccid, slot,
 * station, recipe_sha256, created_at, updated_at, and "scrapped": null, or
 * {"at", "by", "reason"} for a unit a supervisor took out of stock. */
void unit_json_add_unit_fields (JsonBuilder *b, const StoreUnit *unit);

/* unit_json_record: the full record of @unit for lookup: its fields plus
 * "steps" (every journal attempt), "registrations", "first_use" and
 * "sim_events" (kind, day, at, remote) from the event receiver, "labels", the
 * "api_calls" and "at_lines" counts, and "sim" (unit_json_add_sim()) when
 * @sim or @sim_why is given.  NULL with a store error. */
JsonNode *unit_json_record (Store *store, const StoreUnit *unit, const CloudSubscriber *sim,
                            const char *sim_why, GError **error);

/* unit_json_add_sim: adds member "sim" describing the SIM as the API shows
 * it now (status, online, imei_lock, group_id, tags, last_modified_at), or
 * null plus "sim_error" with @why when it could not be read. */
void unit_json_add_sim (JsonBuilder *b, const CloudSubscriber *sub, const char *why);

G_END_DECLS
