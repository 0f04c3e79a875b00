/* station/unit-lookup.h - the record of the unit a scanned code names:
 * what `station-cli lookup` prints and the app's scan entry shows. */
#pragma once

#include <json-glib/json-glib.h>

#include "station/config.h"

G_BEGIN_DECLS

/* unit_lookup_check_code: a code that is neither a label payload nor all
 * digits is a device ID and must pass its format check (CONTRACT.md
 * section 3: a usage error naming the bad character). */
gboolean unit_lookup_check_code (const char *code, GError **error);

/* unit_lookup_record: looks @code (a label payload, device ID, IMSI, IMEI
 * or ICCID; surrounding spaces ignored) up in the store of @config (opened
 * read-only) and returns the unit's record (unit_json_record()) with
 * "matched" set to the key that matched and "sim" as the SORACOM API at
 * @api_url shows the SIM now; when @offline, or the API cannot be asked,
 * "sim" is null and "sim_error" says why.  Blocks (store and network):
 * call it from a worker thread in a GUI.  NULL with the usage, store or
 * STORE_ERROR_NOT_FOUND error. */
JsonNode *unit_lookup_record (StationConfig *config, const char *code, const char *api_url,
                              gboolean offline, GError **error);

G_END_DECLS
