/* station/cloud/cloud-groups.c - SIM groups and the Gate switch of a VPG. */
#define G_LOG_DOMAIN "station-cloud"

#include "station/cloud/cloud-groups.h"

#include <string.h>

#include "station/cloud/cloud-client-private.h"
#include "station/cloud/cloud-json.h"

void
cloud_group_free (CloudGroup *g)
{
  if (g == NULL)
    return;
  g_free (g->group_id);
  g_free (g->operator_id);
  g_clear_pointer (&g->tags, g_hash_table_unref);
  g_clear_pointer (&g->configuration, json_node_unref);
  g_clear_pointer (&g->raw, json_node_unref);
  g_free (g);
}

CloudGroup *
cloud_group_from_json (JsonNode *node, GError **error)
{
  g_autoptr (CloudGroup) g = g_new0 (CloudGroup, 1);
  JsonObject *o;
  JsonNode *cfg;

  g->tags = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!cloud_json_require_object (node, "Group", &o, error))
    return NULL;
  if (!cloud_json_get_string (o, "Group", "groupId", &g->group_id, error)
      || !cloud_json_get_string (o, "Group", "operatorId", &g->operator_id, error)
      || !cloud_json_get_int64 (o, "Group", "createdTime", &g->created_time, error)
      || !cloud_json_get_int64 (o, "Group", "lastModifiedTime", &g->last_modified_time, error)
      || !cloud_json_get_string_map (o, "Group", "tags", g->tags, error))
    return NULL;
  if (g->group_id == NULL) {
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
                 "Group without a groupId");
    return NULL;
  }
  cfg = json_object_get_member (o, "configuration");
  if (cfg != NULL && !JSON_NODE_HOLDS_NULL (cfg)) {
    if (!JSON_NODE_HOLDS_OBJECT (cfg))
      return cloud_json_wrong_type ("Group", "configuration", "an object", cfg, error), NULL;
    g->configuration = json_node_copy (cfg);
  }
  g->raw = json_node_copy (node);
  return g_steal_pointer (&g);
}

const char *
cloud_group_get_name (const CloudGroup *g)
{
  return g_hash_table_lookup (g->tags, "name");
}

JsonNode *
cloud_group_get_config (const CloudGroup *g, const char *ns, const char *key)
{
  JsonNode *n;

  if (g->configuration == NULL)
    return NULL;
  n = json_object_get_member (json_node_get_object (g->configuration), ns);
  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    return NULL;
  return json_object_get_member (json_node_get_object (n), key);
}

static void
query_add (GString *q, const char *name, const char *value)
{
  g_autofree char *esc = cloud_path_escape (value);

  g_string_append_printf (q, "%c%s=%s", strchr (q->str, '?') ? '&' : '?', name, esc);
}

GPtrArray *
cloud_client_list_groups (CloudClient *c, const char *tag_name, const char *tag_value,
                          GCancellable *cancellable, GError **error)
{
  g_autoptr (GString) q = g_string_new ("/groups");

  if (tag_name != NULL && tag_value != NULL) {
    query_add (q, "tag_name", tag_name);
    query_add (q, "tag_value", tag_value);
  }
  query_add (q, "limit", "100");
  return cloud_client_list_pages (
      c, "listGroups", q->str, NULL, (CloudParseFunc)cloud_group_from_json,
      (GDestroyNotify)cloud_group_free, 0, NULL, FALSE, NULL, cancellable, error);
}

gboolean
cloud_client_find_group_by_name (CloudClient *c, const char *name, CloudGroup **group,
                                 GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) all = cloud_client_list_groups (c, "name", name, cancellable, error);
  g_autoptr (GPtrArray) named = g_ptr_array_new ();

  *group = NULL;
  if (all == NULL)
    return FALSE;
  /* the filter is the server's; the name is checked here too */
  for (guint i = 0; i < all->len; i++) {
    CloudGroup *g = g_ptr_array_index (all, i);
    if (g_strcmp0 (cloud_group_get_name (g), name) == 0)
      g_ptr_array_add (named, g);
  }
  if (named->len > 1) {
    g_autoptr (GString) ids = g_string_new (NULL);

    for (guint i = 0; i < named->len; i++)
      g_string_append_printf (ids, "%s%s", i ? ", " : "",
                              ((CloudGroup *)g_ptr_array_index (named, i))->group_id);
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_REQUEST,
                 "%u SIM groups are named '%s' (%s): give [cloud] group_id in the recipe to "
                 "choose one",
                 named->len, name, ids->str);
    return FALSE;
  }
  if (named->len == 1) {
    for (guint i = 0; i < all->len; i++)
      if (g_ptr_array_index (all, i) == g_ptr_array_index (named, 0))
        *group = g_ptr_array_steal_index (all, i);
  }
  return TRUE;
}

static CloudGroup *
group_result (JsonNode *json, const char *method, const char *path, GError **error)
{
  CloudGroup *g;

  if (json == NULL)
    return NULL;
  g = cloud_group_from_json (json, error);
  if (g == NULL)
    g_prefix_error (error, "SORACOM API %s %s: ", method, path);
  json_node_unref (json);
  return g;
}

CloudGroup *
cloud_client_get_group (CloudClient *c, const char *group_id, GCancellable *cancellable,
                        GError **error)
{
  g_autofree char *esc = cloud_path_escape (group_id);
  g_autofree char *path = g_strdup_printf ("/groups/%s", esc);
  CloudCall call = { .operation = "getGroup", .method = "GET", .path = path };
  CloudReply reply = { 0 };

  if (!cloud_client_call (c, &call, &reply, cancellable, error))
    return NULL;
  return group_result (g_steal_pointer (&reply.json), "GET", path, error);
}

/* ---- mutations --------------------------------------------------------- */

typedef gboolean (*GroupDone) (const CloudGroup *g, gconstpointer want);

typedef struct {
  const char *group_id; /* NULL: find by @name */
  const char *name;
  GroupDone done;
  gconstpointer want;
} GroupReadBack;

static gboolean
read_back_group (CloudClient *c, gpointer data, gboolean *done, JsonNode **result,
                 GCancellable *cancellable, GError **error)
{
  GroupReadBack *rb = data;
  g_autoptr (CloudGroup) g = NULL;

  *done = FALSE;
  *result = NULL;
  if (rb->group_id != NULL)
    g = cloud_client_get_group (c, rb->group_id, cancellable, error);
  else if (!cloud_client_find_group_by_name (c, rb->name, &g, cancellable, error))
    return FALSE;
  else if (g == NULL)
    return TRUE; /* not created: repeat */
  if (g == NULL)
    return FALSE;
  *done = rb->done == NULL || rb->done (g, rb->want);
  if (*done)
    *result = json_node_copy (g->raw);
  return TRUE;
}

static JsonNode *
group_mutation (CloudClient *c, const char *operation, const char *method, const char *path,
                JsonNode *body, GroupReadBack *rb, GCancellable *cancellable, GError **error)
{
  CloudCall call = {
    .operation = operation,
    .method = method,
    .path = path,
    .body = body,
    .mutating = TRUE,
    .read_back = read_back_group,
    .read_back_data = rb,
  };
  CloudReply reply = { 0 };
  JsonNode *json;

  if (!cloud_client_call (c, &call, &reply, cancellable, error))
    return NULL;
  json = g_steal_pointer (&reply.json);
  cloud_reply_clear (&reply);
  if (json == NULL)
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
                 "SORACOM API %s %s: empty answer where a Group was expected", method, path);
  return json;
}

CloudGroup *
cloud_client_create_group (CloudClient *c, const char *name, const CloudTag *tags, gsize n_tags,
                           GCancellable *cancellable, GError **error)
{
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  JsonObject *t = json_object_new ();
  GroupReadBack rb = { NULL, name, NULL, NULL };

  for (gsize i = 0; i < n_tags; i++)
    json_object_set_string_member (t, tags[i].name, tags[i].value);
  json_object_set_string_member (t, "name", name);
  json_object_set_object_member (o, "tags", t);
  json_node_take_object (body, o);
  return group_result (
      group_mutation (c, "createGroup", "POST", "/groups", body, &rb, cancellable, error), "POST",
      "/groups", error);
}

typedef struct {
  const CloudTag *tags;
  gsize n;
} TagSet;

static gboolean
group_has_tags (const CloudGroup *g, gconstpointer want)
{
  const TagSet *set = want;

  for (gsize i = 0; i < set->n; i++)
    if (g_strcmp0 (g_hash_table_lookup (g->tags, set->tags[i].name), set->tags[i].value) != 0)
      return FALSE;
  return TRUE;
}

CloudGroup *
cloud_client_put_group_tags (CloudClient *c, const char *group_id, const CloudTag *tags,
                             gsize n_tags, GCancellable *cancellable, GError **error)
{
  g_autofree char *esc = cloud_path_escape (group_id);
  g_autofree char *path = g_strdup_printf ("/groups/%s/tags", esc);
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_ARRAY);
  JsonArray *a = json_array_new ();
  TagSet want = { tags, n_tags };
  GroupReadBack rb = { group_id, NULL, group_has_tags, &want };

  for (gsize i = 0; i < n_tags; i++) {
    JsonObject *o = json_object_new ();

    json_object_set_string_member (o, "tagName", tags[i].name);
    json_object_set_string_member (o, "tagValue", tags[i].value);
    json_array_add_object_element (a, o);
  }
  json_node_take_array (body, a);
  return group_result (
      group_mutation (c, "putGroupTags", "PUT", path, body, &rb, cancellable, error), "PUT", path,
      error);
}

typedef struct {
  const char *ns;
  const CloudConfigParam *params;
  gsize n;
} ConfigSet;

static gboolean
group_has_config (const CloudGroup *g, gconstpointer want)
{
  const ConfigSet *set = want;

  for (gsize i = 0; i < set->n; i++) {
    JsonNode *have = cloud_group_get_config (g, set->ns, set->params[i].key);
    if (have == NULL || !json_node_equal (have, set->params[i].value))
      return FALSE;
  }
  return TRUE;
}

CloudGroup *
cloud_client_put_group_configuration (CloudClient *c, const char *group_id, const char *ns,
                                      const CloudConfigParam *params, gsize n_params,
                                      GCancellable *cancellable, GError **error)
{
  g_autofree char *esc = cloud_path_escape (group_id);
  g_autofree char *ns_esc = cloud_path_escape (ns);
  g_autofree char *path = g_strdup_printf ("/groups/%s/configuration/%s", esc, ns_esc);
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_ARRAY);
  JsonArray *a = json_array_new ();
  ConfigSet want = { ns, params, n_params };
  GroupReadBack rb = { group_id, NULL, group_has_config, &want };

  for (gsize i = 0; i < n_params; i++) {
    JsonObject *o = json_object_new ();

    json_object_set_string_member (o, "key", params[i].key);
    json_object_set_member (o, "value", json_node_copy (params[i].value));
    json_array_add_object_element (a, o);
  }
  json_node_take_array (body, a);
  return group_result (
      group_mutation (c, "putConfigurationParameters", "PUT", path, body, &rb, cancellable, error),
      "PUT", path, error);
}

/* ---- Gate -------------------------------------------------------------- */

gboolean
cloud_client_get_gate_opened (CloudClient *c, const char *vpg_id, gboolean *opened,
                              GCancellable *cancellable, GError **error)
{
  g_autofree char *esc = cloud_path_escape (vpg_id);
  g_autofree char *path = g_strdup_printf ("/virtual_private_gateways/%s", esc);
  CloudCall call = { .operation = "getVirtualPrivateGateway", .method = "GET", .path = path };
  CloudReply reply = { 0 };
  JsonObject *o;
  gboolean ok = FALSE;

  *opened = FALSE;
  if (!cloud_client_call (c, &call, &reply, cancellable, error))
    return FALSE;
  if (cloud_json_require_object (reply.json, "VirtualPrivateGateway", &o, error)
      && cloud_json_get_bool (o, "VirtualPrivateGateway", "gateOpened", opened, error))
    ok = TRUE;
  else
    g_prefix_error (error, "SORACOM API GET %s: ", path);
  cloud_reply_clear (&reply);
  return ok;
}

static gboolean
read_back_gate (CloudClient *c, gpointer data, gboolean *done, JsonNode **result,
                GCancellable *cancellable, GError **error)
{
  const char *vpg_id = ((const char **)data)[0];
  gboolean want = ((const char **)data)[1] != NULL, opened = FALSE;

  *result = NULL;
  if (!cloud_client_get_gate_opened (c, vpg_id, &opened, cancellable, error))
    return FALSE;
  *done = opened == want;
  if (*done)
    *result = json_node_new (JSON_NODE_NULL);
  return TRUE;
}

gboolean
cloud_client_set_gate (CloudClient *c, const char *vpg_id, gboolean open, GCancellable *cancellable,
                       GError **error)
{
  g_autofree char *esc = cloud_path_escape (vpg_id);
  g_autofree char *path
      = g_strdup_printf ("/virtual_private_gateways/%s/gate/%s", esc, open ? "open" : "close");
  g_autoptr (JsonNode) body = NULL;
  const char *rb[2] = { vpg_id, open ? "open" : NULL };
  CloudCall call = {
    .operation = open ? "openGate" : "closeGate",
    .method = "POST",
    .path = path,
    .mutating = TRUE,
    .read_back = read_back_gate,
    .read_back_data = rb,
  };
  CloudReply reply = { 0 };

  if (open) {
    body = json_node_new (JSON_NODE_OBJECT);
    json_node_take_object (body, json_object_new ());
    call.body = body;
  }
  if (!cloud_client_call (c, &call, &reply, cancellable, error))
    return FALSE;
  cloud_reply_clear (&reply);
  return TRUE;
}
