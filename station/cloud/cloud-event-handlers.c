/* station/cloud/cloud-event-handlers.c - event handlers: parsing,
 * comparison, and the API calls. */
#define G_LOG_DOMAIN "station-cloud"

#include "station/cloud/cloud-event-handlers.h"

#include <string.h>

#include "station/cloud/cloud-client-private.h"
#include "station/cloud/cloud-json.h"

#define WHAT "EventHandlerModel"

static void
config_init (CloudEventConfig *c, const char *type)
{
  c->type = g_strdup (type);
  c->properties = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
config_clear (CloudEventConfig *c)
{
  g_clear_pointer (&c->type, g_free);
  g_clear_pointer (&c->properties, g_hash_table_unref);
}

static void
config_free (gpointer data)
{
  config_clear (data);
  g_free (data);
}

CloudEventHandler *
cloud_event_handler_new (const char *name, const char *rule_type)
{
  CloudEventHandler *h = g_new0 (CloudEventHandler, 1);

  h->name = g_strdup (name);
  h->status = g_strdup ("active");
  config_init (&h->rule, rule_type);
  h->actions = g_ptr_array_new_with_free_func (config_free);
  return h;
}

void
cloud_event_handler_free (CloudEventHandler *h)
{
  if (h == NULL)
    return;
  g_free (h->handler_id);
  g_free (h->name);
  g_free (h->description);
  g_free (h->status);
  g_free (h->target_group_id);
  g_free (h->target_imsi);
  g_free (h->target_operator_id);
  g_free (h->target_sim_id);
  config_clear (&h->rule);
  g_clear_pointer (&h->actions, g_ptr_array_unref);
  g_clear_pointer (&h->raw, json_node_unref);
  g_free (h);
}

void
cloud_event_config_set (CloudEventConfig *c, const char *name, const char *value)
{
  g_hash_table_replace (c->properties, g_strdup (name), g_strdup (value));
}

CloudEventConfig *
cloud_event_handler_add_action (CloudEventHandler *h, const char *type)
{
  CloudEventConfig *c = g_new0 (CloudEventConfig, 1);

  config_init (c, type);
  g_ptr_array_add (h->actions, c);
  return c;
}

/* {type, properties} of @node into @c. */
static gboolean
config_from_json (JsonNode *node, const char *field, CloudEventConfig *c, GError **error)
{
  JsonObject *o;
  JsonNode *props;
  g_autofree char *type = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return cloud_json_wrong_type (WHAT, field, "an object", node, error);
  o = json_node_get_object (node);
  if (!cloud_json_get_string (o, WHAT, "type", &type, error))
    return FALSE;
  if (type == NULL) {
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
                 WHAT " field \"%s\" has no type", field);
    return FALSE;
  }
  config_init (c, type);
  props = json_object_get_member (o, "properties");
  if (props != NULL && !JSON_NODE_HOLDS_NULL (props)) {
    JsonObjectIter it;
    const char *name;
    JsonNode *v;

    if (!JSON_NODE_HOLDS_OBJECT (props))
      return cloud_json_wrong_type (WHAT, "properties", "an object", props, error);
    json_object_iter_init (&it, json_node_get_object (props));
    while (json_object_iter_next (&it, &name, &v)) {
      char *text = cloud_json_scalar_text (v);
      if (text != NULL)
        g_hash_table_replace (c->properties, g_strdup (name), text);
    }
  }
  return TRUE;
}

CloudEventHandler *
cloud_event_handler_from_json (JsonNode *node, GError **error)
{
  g_autoptr (CloudEventHandler) h = g_new0 (CloudEventHandler, 1);
  JsonObject *o;
  JsonNode *actions;

  h->actions = g_ptr_array_new_with_free_func (config_free);
  if (!cloud_json_require_object (node, WHAT, &o, error))
    return NULL;
  if (!cloud_json_get_string (o, WHAT, "handlerId", &h->handler_id, error)
      || !cloud_json_get_string (o, WHAT, "name", &h->name, error)
      || !cloud_json_get_string (o, WHAT, "description", &h->description, error)
      || !cloud_json_get_string (o, WHAT, "status", &h->status, error)
      || !cloud_json_get_string (o, WHAT, "targetGroupId", &h->target_group_id, error)
      || !cloud_json_get_string (o, WHAT, "targetImsi", &h->target_imsi, error)
      || !cloud_json_get_string (o, WHAT, "targetOperatorId", &h->target_operator_id, error)
      || !cloud_json_get_string (o, WHAT, "targetSimId", &h->target_sim_id, error))
    return NULL;
  if (h->handler_id == NULL || h->name == NULL) {
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE, WHAT " without %s",
                 h->handler_id == NULL ? "a handlerId" : "a name");
    return NULL;
  }
  if (!config_from_json (json_object_get_member (o, "ruleConfig"), "ruleConfig", &h->rule, error))
    return NULL;
  actions = json_object_get_member (o, "actionConfigList");
  if (actions == NULL || !JSON_NODE_HOLDS_ARRAY (actions))
    return cloud_json_wrong_type (WHAT, "actionConfigList", "an array", actions, error), NULL;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (actions)); i++) {
    CloudEventConfig *c = g_new0 (CloudEventConfig, 1);

    g_ptr_array_add (h->actions, c);
    if (!config_from_json (json_array_get_element (json_node_get_array (actions), i),
                           "actionConfigList", c, error))
      return NULL;
  }
  h->raw = json_node_copy (node);
  return g_steal_pointer (&h);
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

static void
config_to_builder (JsonBuilder *b, const CloudEventConfig *c)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;

  g_hash_table_iter_init (&it, c->properties);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (names, key);
  g_ptr_array_sort (names, cmp_str);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, c->type);
  json_builder_set_member_name (b, "properties");
  json_builder_begin_object (b);
  for (guint i = 0; i < names->len; i++) {
    const char *name = g_ptr_array_index (names, i);
    const char *value = g_hash_table_lookup (c->properties, name);
    g_autoptr (JsonParser) p = json_parser_new ();

    json_builder_set_member_name (b, name);
    /* headers is an object in the spec's schema */
    if (strcmp (name, "headers") == 0 && json_parser_load_from_data (p, value, -1, NULL)
        && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
      json_builder_add_value (b, json_node_copy (json_parser_get_root (p)));
    else
      json_builder_add_string_value (b, value);
  }
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_opt (JsonBuilder *b, const char *name, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

JsonNode *
cloud_event_handler_to_json (const CloudEventHandler *h)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_opt (b, "name", h->name);
  add_opt (b, "description", h->description);
  add_opt (b, "status", h->status);
  add_opt (b, "targetGroupId", h->target_group_id);
  add_opt (b, "targetImsi", h->target_imsi);
  add_opt (b, "targetOperatorId", h->target_operator_id);
  add_opt (b, "targetSimId", h->target_sim_id);
  json_builder_set_member_name (b, "ruleConfig");
  config_to_builder (b, &h->rule);
  json_builder_set_member_name (b, "actionConfigList");
  json_builder_begin_array (b);
  for (guint i = 0; i < h->actions->len; i++)
    config_to_builder (b, g_ptr_array_index (h->actions, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean differ (char **why, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
differ (char **why, const char *fmt, ...)
{
  va_list ap;

  if (why != NULL) {
    va_start (ap, fmt);
    *why = g_strdup_vprintf (fmt, ap);
    va_end (ap);
  }
  return FALSE;
}

static gboolean
config_equal (const CloudEventConfig *a, const CloudEventConfig *b, const char *where, char **why)
{
  GHashTableIter it;
  gpointer k, v;

  if (g_strcmp0 (a->type, b->type) != 0)
    return differ (why, "%s type %s, wanted %s", where, b->type, a->type);
  g_hash_table_iter_init (&it, a->properties);
  while (g_hash_table_iter_next (&it, &k, &v)) {
    const char *have = g_hash_table_lookup (b->properties, k);
    if (g_strcmp0 (have, v) != 0)
      return differ (why, "%s %s is '%s', wanted '%s'", where, (char *)k, have ? have : "(absent)",
                     (char *)v);
  }
  g_hash_table_iter_init (&it, b->properties);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (!g_hash_table_contains (a->properties, k))
      return differ (why, "%s has %s, not wanted", where, (char *)k);
  return TRUE;
}

gboolean
cloud_event_handler_equal (const CloudEventHandler *a, const CloudEventHandler *b, char **why)
{
  const struct {
    const char *name, *x, *y;
  } fields[] = {
    { "name", a->name, b->name },
    { "description", a->description, b->description },
    { "status", a->status, b->status },
    { "targetGroupId", a->target_group_id, b->target_group_id },
    { "targetImsi", a->target_imsi, b->target_imsi },
    { "targetOperatorId", a->target_operator_id, b->target_operator_id },
    { "targetSimId", a->target_sim_id, b->target_sim_id },
  };

  if (why != NULL)
    *why = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_strcmp0 (fields[i].x, fields[i].y) != 0)
      return differ (why, "%s is '%s', wanted '%s'", fields[i].name,
                     fields[i].y ? fields[i].y : "(absent)",
                     fields[i].x ? fields[i].x : "(absent)");
  if (!config_equal (&a->rule, &b->rule, "ruleConfig", why))
    return FALSE;
  if (a->actions->len != b->actions->len)
    return differ (why, "%u actions, wanted %u", b->actions->len, a->actions->len);
  for (guint i = 0; i < a->actions->len; i++) {
    g_autofree char *where = g_strdup_printf ("action %u", i + 1);
    if (!config_equal (g_ptr_array_index (a->actions, i), g_ptr_array_index (b->actions, i), where,
                       why))
      return FALSE;
  }
  return TRUE;
}

/* ---- API calls ----------------------------------------------------------- */

GPtrArray *
cloud_client_list_event_handlers (CloudClient *c, GCancellable *cancellable, GError **error)
{
  return cloud_client_list_pages (c, "listEventHandlers", "/event_handlers", NULL,
                                  (CloudParseFunc)cloud_event_handler_from_json,
                                  (GDestroyNotify)cloud_event_handler_free, 0, NULL, FALSE, NULL,
                                  cancellable, error);
}

CloudEventHandler *
cloud_client_get_event_handler (CloudClient *c, const char *handler_id, GCancellable *cancellable,
                                GError **error)
{
  g_autofree char *esc = cloud_path_escape (handler_id);
  g_autofree char *path = g_strdup_printf ("/event_handlers/%s", esc);
  CloudCall call = { .operation = "getEventHandler", .method = "GET", .path = path };
  CloudReply reply = { 0 };
  CloudEventHandler *h;

  if (!cloud_client_call (c, &call, &reply, cancellable, error))
    return NULL;
  h = cloud_event_handler_from_json (reply.json, error);
  if (h == NULL)
    g_prefix_error (error, "SORACOM API GET %s: ", path);
  cloud_reply_clear (&reply);
  return h;
}

static gboolean
read_back_created (CloudClient *c, gpointer data, gboolean *done, JsonNode **result,
                   GCancellable *cancellable, GError **error)
{
  const CloudEventHandler *want = data;
  g_autoptr (GPtrArray) all = cloud_client_list_event_handlers (c, cancellable, error);

  *done = FALSE;
  *result = NULL;
  if (all == NULL)
    return FALSE;
  for (guint i = 0; i < all->len && !*done; i++) {
    CloudEventHandler *h = g_ptr_array_index (all, i);
    if (cloud_event_handler_equal (want, h, NULL)) {
      *done = TRUE;
      *result = json_node_copy (h->raw);
    }
  }
  return TRUE;
}

CloudEventHandler *
cloud_client_create_event_handler (CloudClient *c, const CloudEventHandler *handler,
                                   GCancellable *cancellable, GError **error)
{
  g_autoptr (JsonNode) body = cloud_event_handler_to_json (handler);
  CloudCall call = {
    .operation = "createEventHandler",
    .method = "POST",
    .path = "/event_handlers",
    .body = body,
    .mutating = TRUE,
    .read_back = read_back_created,
    .read_back_data = (gpointer)handler,
  };
  CloudReply reply = { 0 };
  CloudEventHandler *h;

  if (!cloud_client_call (c, &call, &reply, cancellable, error))
    return NULL;
  h = cloud_event_handler_from_json (reply.json, error);
  if (h == NULL)
    g_prefix_error (error, "SORACOM API POST /event_handlers: ");
  cloud_reply_clear (&reply);
  return h;
}

typedef struct {
  const char *handler_id;
  const CloudEventHandler *want;
} UpdateReadBack;

static gboolean
read_back_updated (CloudClient *c, gpointer data, gboolean *done, JsonNode **result,
                   GCancellable *cancellable, GError **error)
{
  UpdateReadBack *rb = data;
  g_autoptr (CloudEventHandler) h
      = cloud_client_get_event_handler (c, rb->handler_id, cancellable, error);

  *done = FALSE;
  *result = NULL;
  if (h == NULL)
    return FALSE;
  *done = cloud_event_handler_equal (rb->want, h, NULL);
  if (*done)
    *result = json_node_copy (h->raw);
  return TRUE;
}

CloudEventHandler *
cloud_client_update_event_handler (CloudClient *c, const char *handler_id,
                                   const CloudEventHandler *handler, GCancellable *cancellable,
                                   GError **error)
{
  g_autofree char *esc = cloud_path_escape (handler_id);
  g_autofree char *path = g_strdup_printf ("/event_handlers/%s", esc);
  g_autoptr (JsonNode) body = cloud_event_handler_to_json (handler);
  UpdateReadBack rb = { handler_id, handler };
  CloudCall call = {
    .operation = "updateEventHandler",
    .method = "PUT",
    .path = path,
    .body = body,
    .mutating = TRUE,
    .read_back = read_back_updated,
    .read_back_data = &rb,
  };
  CloudReply reply = { 0 };
  g_autoptr (CloudEventHandler) h = NULL;
  g_autofree char *why = NULL;

  if (!cloud_client_call (c, &call, &reply, cancellable, error))
    return NULL;
  cloud_reply_clear (&reply);
  h = cloud_client_get_event_handler (c, handler_id, cancellable, error);
  if (h == NULL)
    return NULL;
  if (!cloud_event_handler_equal (handler, h, &why)) {
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
                 "SORACOM API PUT %s: the event handler reads back different: %s", path, why);
    return NULL;
  }
  return g_steal_pointer (&h);
}
