/* station/cloud/cloud-json.c - strict field readers for the API parsers. */
#define G_LOG_DOMAIN "station-cloud"

#include "station/cloud/cloud-json.h"

#include <string.h>

#include "station/cloud/cloud-error.h"

static const char *
node_type_name (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  switch (json_node_get_value_type (node)) {
  case G_TYPE_STRING:
    return "a string";
  case G_TYPE_BOOLEAN:
    return "a boolean";
  default:
    return "a number";
  }
}

gboolean
cloud_json_wrong_type (const char *what, const char *field, const char *want, JsonNode *node,
                       GError **error)
{
  g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
               "%s field \"%s\": expected %s, got %s", what, field, want, node_type_name (node));
  return FALSE;
}

gboolean
cloud_json_require_object (JsonNode *node, const char *what, JsonObject **obj, GError **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
                 "expected an object (%s), got %s", what, node_type_name (node));
    return FALSE;
  }
  *obj = json_node_get_object (node);
  return TRUE;
}

static JsonNode *
member (JsonObject *obj, const char *field)
{
  JsonNode *n = json_object_get_member (obj, field);

  return n == NULL || JSON_NODE_HOLDS_NULL (n) ? NULL : n;
}

gboolean
cloud_json_get_string (JsonObject *obj, const char *what, const char *field, char **out,
                       GError **error)
{
  JsonNode *n = member (obj, field);

  *out = NULL;
  if (n == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return cloud_json_wrong_type (what, field, "a string", n, error);
  *out = g_strdup (json_node_get_string (n));
  return TRUE;
}

gboolean
cloud_json_get_int64 (JsonObject *obj, const char *what, const char *field, gint64 *out,
                      GError **error)
{
  JsonNode *n = member (obj, field);

  *out = 0;
  if (n == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return cloud_json_wrong_type (what, field, "an integer", n, error);
  *out = json_node_get_int (n);
  return TRUE;
}

gboolean
cloud_json_get_bool (JsonObject *obj, const char *what, const char *field, gboolean *out,
                     GError **error)
{
  JsonNode *n = member (obj, field);

  *out = FALSE;
  if (n == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return cloud_json_wrong_type (what, field, "a boolean", n, error);
  *out = json_node_get_boolean (n);
  return TRUE;
}

gboolean
cloud_json_get_string_map (JsonObject *obj, const char *what, const char *field, GHashTable *map,
                           GError **error)
{
  JsonNode *n = member (obj, field);
  JsonObjectIter it;
  const char *name;
  JsonNode *v;

  if (n == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (n))
    return cloud_json_wrong_type (what, field, "an object", n, error);
  json_object_iter_init (&it, json_node_get_object (n));
  while (json_object_iter_next (&it, &name, &v)) {
    if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_STRING) {
      g_autofree char *f = g_strdup_printf ("%s.%s", field, name);
      return cloud_json_wrong_type (what, f, "a string", v, error);
    }
    g_hash_table_insert (map, g_strdup (name), g_strdup (json_node_get_string (v)));
  }
  return TRUE;
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

/* @node with object members sorted by name, recursively (a new node). */
static JsonNode *
canonical (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node)) {
    JsonObject *src = json_node_get_object (node), *dst = json_object_new ();
    g_autoptr (GList) names = json_object_get_members (src);
    g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
    JsonNode *out = json_node_new (JSON_NODE_OBJECT);

    for (GList *l = names; l != NULL; l = l->next)
      g_ptr_array_add (sorted, l->data);
    g_ptr_array_sort (sorted, cmp_str);
    for (guint i = 0; i < sorted->len; i++) {
      const char *name = g_ptr_array_index (sorted, i);
      json_object_set_member (dst, name, canonical (json_object_get_member (src, name)));
    }
    json_node_take_object (out, dst);
    return out;
  }
  if (JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *src = json_node_get_array (node), *dst = json_array_new ();
    JsonNode *out = json_node_new (JSON_NODE_ARRAY);

    for (guint i = 0; i < json_array_get_length (src); i++)
      json_array_add_element (dst, canonical (json_array_get_element (src, i)));
    json_node_take_array (out, dst);
    return out;
  }
  return json_node_copy (node);
}

char *
cloud_json_scalar_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node)) {
    switch (json_node_get_value_type (node)) {
    case G_TYPE_STRING: {
      const char *s = json_node_get_string (node);
      g_autoptr (JsonParser) p = json_parser_new ();

      if (s[0] == '{' && json_parser_load_from_data (p, s, -1, NULL)
          && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
        return cloud_json_scalar_text (json_parser_get_root (p));
      return g_strdup (s);
    }
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    default: {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
    }
    }
  }
  {
    g_autoptr (JsonNode) c = canonical (node);
    return json_to_string (c, FALSE);
  }
}
