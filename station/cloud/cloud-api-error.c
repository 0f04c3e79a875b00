/* station/cloud/cloud-api-error.c - SORACOM error answers turned into
 * STATION_CLOUD_ERROR: the code by HTTP status, the SORACOM code and message
 * from the body ({"code","message"} or {"errorMessage":{...}}), and a hint
 * for the technician. */
#define G_LOG_DOMAIN "station-cloud"

#include "station/cloud/cloud-client-private.h"

static StationCloudError
code_for_status (guint status)
{
  if (status == 401)
    return STATION_CLOUD_ERROR_AUTH;
  if (status == 403)
    return STATION_CLOUD_ERROR_FORBIDDEN;
  if (status == 404)
    return STATION_CLOUD_ERROR_NOT_FOUND;
  if (status == 429)
    return STATION_CLOUD_ERROR_RATE_LIMITED;
  if (status >= 500)
    return STATION_CLOUD_ERROR_SERVER;
  return STATION_CLOUD_ERROR_BAD_REQUEST;
}

static const char *
hint_for_code (StationCloudError code, gboolean is_auth)
{
  switch (code) {
  case STATION_CLOUD_ERROR_AUTH:
    return is_auth ? " (the auth key was refused: check [soracom] auth_key_id/auth_key or "
                     "SORACOM_AUTH_KEY_ID/SORACOM_AUTH_KEY)"
                   : " (the token was refused twice: check the auth key and its permissions)";
  case STATION_CLOUD_ERROR_FORBIDDEN:
    return " (the auth key lacks permission for this call: check its SAM policy)";
  case STATION_CLOUD_ERROR_RATE_LIMITED:
    return " (SORACOM rate limit: lower [soracom] rate_per_s or retry later)";
  case STATION_CLOUD_ERROR_SERVER:
    return " (SORACOM server error: retry later)";
  default:
    return "";
  }
}

/* The string member @name of @obj, or NULL (absent, null, not a string). */
const char *
cloud_json_member_string (JsonObject *obj, const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Reads {"code","message"} or {"errorMessage":{"code","message"}} from an
 * error body; otherwise a printable excerpt of it as the message. */
static void
parse_error_body (GBytes *body, char **code, char **message)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  JsonNode *root;
  JsonObject *obj;
  GString *excerpt;

  *code = *message = NULL;
  if (data == NULL || len == 0)
    return;
  if (json_parser_load_from_data (parser, data, (gssize)len, NULL)
      && (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root)) {
    obj = json_node_get_object (root);
    if (json_object_has_member (obj, "errorMessage")
        && JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "errorMessage")))
      obj = json_object_get_object_member (obj, "errorMessage");
    *code = g_strdup (cloud_json_member_string (obj, "code"));
    *message = g_strdup (cloud_json_member_string (obj, "message"));
    if (*code != NULL || *message != NULL)
      return;
  }
  excerpt = g_string_new (NULL);
  for (gsize i = 0; i < len && excerpt->len < 160; i++)
    g_string_append_c (excerpt, g_ascii_isprint (data[i]) ? data[i] : ' ');
  g_strstrip (excerpt->str);
  *message = g_string_free (excerpt, FALSE);
}

GError *
cloud_api_error_new (const char *method, const char *path, guint status, GBytes *body,
                     gboolean is_auth)
{
  g_autofree char *code = NULL, *message = NULL;
  StationCloudError ec = code_for_status (status);
  GError *error;

  parse_error_body (body, &code, &message);
  error
      = g_error_new (STATION_CLOUD_ERROR, ec, "SORACOM API %s %s: HTTP %u%s%s%s%s%s", method, path,
                     status, code ? " " : "", code ? code : "", message && *message ? ": " : "",
                     message ? message : "", hint_for_code (ec, is_auth));
  station_cloud_error_set_details (error, status, code);
  return error;
}
