/* station/cloud/cloud-json.h - strict readers of API object fields for the
 * parsers of station/cloud (not for use outside it).  Absent or null
 * fields read as NULL / 0 / FALSE; a field of the wrong JSON type is
 * STATION_CLOUD_ERROR_BAD_RESPONSE naming the object and the field. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* cloud_json_wrong_type: sets the error "<what> field "<field>": expected
 * <want>, got <type>" and returns FALSE. */
gboolean cloud_json_wrong_type (const char *what, const char *field, const char *want,
                                JsonNode *node, GError **error);

/* cloud_json_require_object: *@obj = the object @node holds, or FALSE. */
gboolean cloud_json_require_object (JsonNode *node, const char *what, JsonObject **obj,
                                    GError **error);

gboolean cloud_json_get_string (JsonObject *obj, const char *what, const char *field, char **out,
                                GError **error);
gboolean cloud_json_get_int64 (JsonObject *obj, const char *what, const char *field, gint64 *out,
                               GError **error);
gboolean cloud_json_get_bool (JsonObject *obj, const char *what, const char *field, gboolean *out,
                              GError **error);

/* cloud_json_get_string_map: inserts the members of object @field (string
 * values) into @map (g_strdup'ed keys and values). */
gboolean cloud_json_get_string_map (JsonObject *obj, const char *what, const char *field,
                                    GHashTable *map, GError **error);

/* cloud_json_scalar_text: a property value as text: a string as it is, a
 * number in decimal, a boolean "true"/"false"; an object or array as
 * compact JSON with members in name order; NULL for null.  A string that
 * holds a JSON object (e.g. ExecuteWebRequestAction headers) is
 * canonicalised like an object.  Free with g_free(). */
char *cloud_json_scalar_text (JsonNode *node);

G_END_DECLS
