/* station/cloud/cloud-subscriber.c - parsers for the API objects. */
#define G_LOG_DOMAIN "station-cloud"

#include "station/cloud/cloud-subscriber.h"

#include <math.h>

#include "station/cloud/cloud-error.h"

static const char *const status_names[] = {
  [CLOUD_SIM_STATUS_UNKNOWN] = "unknown",     [CLOUD_SIM_STATUS_READY] = "ready",
  [CLOUD_SIM_STATUS_TESTING] = "testing",     [CLOUD_SIM_STATUS_ACTIVE] = "active",
  [CLOUD_SIM_STATUS_INACTIVE] = "inactive",   [CLOUD_SIM_STATUS_STANDBY] = "standby",
  [CLOUD_SIM_STATUS_SUSPENDED] = "suspended", [CLOUD_SIM_STATUS_TERMINATED] = "terminated",
  [CLOUD_SIM_STATUS_INSTOCK] = "instock",     [CLOUD_SIM_STATUS_SHIPPED] = "shipped",
};

CloudSimStatus
cloud_sim_status_from_string (const char *s)
{
  for (gsize i = 1; s != NULL && i < G_N_ELEMENTS (status_names); i++)
    if (g_strcmp0 (s, status_names[i]) == 0)
      return (CloudSimStatus)i;
  return CLOUD_SIM_STATUS_UNKNOWN;
}

const char *
cloud_sim_status_to_string (CloudSimStatus status)
{
  if ((gsize)status >= G_N_ELEMENTS (status_names))
    return status_names[0];
  return status_names[status];
}

static const char *
node_type_name (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  switch (json_node_get_value_type (node)) {
  case G_TYPE_STRING:
    return "a string";
  case G_TYPE_BOOLEAN:
    return "a boolean";
  default:
    return "a number";
  }
}

static gboolean
wrong_type (const char *what, const char *field, const char *want, JsonNode *node, GError **error)
{
  g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
               "%s field \"%s\": expected %s, got %s", what, field, want, node_type_name (node));
  return FALSE;
}

/* Reads optional string @field of @obj into @out (NULL when absent/null). */
static gboolean
get_string (JsonObject *obj, const char *what, const char *field, char **out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, field);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (what, field, "a string", node, error);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_int64 (JsonObject *obj, const char *what, const char *field, gint64 *out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, field);
  GType t;

  *out = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return wrong_type (what, field, "a number", node, error);
  t = json_node_get_value_type (node);
  if (t == G_TYPE_INT64) {
    *out = json_node_get_int (node);
    return TRUE;
  }
  if (t == G_TYPE_DOUBLE) {
    double d = json_node_get_double (node);

    if (isfinite (d) && d == floor (d) && fabs (d) < 9.0e15) {
      *out = (gint64)d;
      return TRUE;
    }
  }
  return wrong_type (what, field, "an integer", node, error);
}

static gboolean
get_double (JsonObject *obj, const char *what, const char *field, double *out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, field);
  GType t;

  *out = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  t = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
    return wrong_type (what, field, "a number", node, error);
  *out = json_node_get_double (node);
  return TRUE;
}

/* @out: the member object, or NULL when absent/null. */
static gboolean
get_object (JsonObject *obj, const char *what, const char *field, JsonObject **out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, field);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return wrong_type (what, field, "an object", node, error);
  *out = json_node_get_object (node);
  return TRUE;
}

static JsonObject *
require_object (JsonNode *node, const char *what, GError **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
                 "%s: expected a JSON object, got %s", what,
                 node == NULL ? "nothing" : node_type_name (node));
    return NULL;
  }
  return json_node_get_object (node);
}

static gboolean
require_string (JsonObject *obj, const char *what, const char *field, char **out, GError **error)
{
  if (!get_string (obj, what, field, out, error))
    return FALSE;
  if (*out == NULL || **out == '\0') {
    g_clear_pointer (out, g_free);
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE, "%s without \"%s\"",
                 what, field);
    return FALSE;
  }
  return TRUE;
}

static gboolean
parse_tags (JsonObject *obj, GHashTable *tags, GError **error)
{
  JsonObject *t;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (!get_object (obj, "Subscriber", "tags", &t, error))
    return FALSE;
  if (t == NULL)
    return TRUE;
  json_object_iter_init (&iter, t);
  while (json_object_iter_next (&iter, &name, &value)) {
    if (JSON_NODE_HOLDS_NULL (value))
      continue;
    if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING) {
      g_autofree char *field = g_strdup_printf ("tags.%s", name);

      return wrong_type ("Subscriber", field, "a string", value, error);
    }
    g_hash_table_replace (tags, g_strdup (name), g_strdup (json_node_get_string (value)));
  }
  return TRUE;
}

CloudSubscriber *
cloud_subscriber_from_json (JsonNode *node, GError **error)
{
  const char *W = "Subscriber";
  g_autoptr (CloudSubscriber) sub = g_new0 (CloudSubscriber, 1);
  JsonObject *obj = require_object (node, W, error);
  JsonObject *lock, *session;

  if (obj == NULL)
    return NULL;
  sub->tags = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sub->raw = json_node_copy (node);
  if (!require_string (obj, W, "imsi", &sub->imsi, error)
      || !get_string (obj, W, "iccid", &sub->iccid, error)
      || !get_string (obj, W, "simId", &sub->sim_id, error)
      || !get_string (obj, W, "msisdn", &sub->msisdn, error)
      || !get_string (obj, W, "status", &sub->status, error)
      || !get_string (obj, W, "speedClass", &sub->speed_class, error)
      || !get_string (obj, W, "subscription", &sub->subscription, error)
      || !get_string (obj, W, "moduleType", &sub->module_type, error)
      || !get_string (obj, W, "groupId", &sub->group_id, error)
      || !get_string (obj, W, "serialNumber", &sub->serial_number, error)
      || !get_string (obj, W, "operatorId", &sub->operator_id, error)
      || !get_int64 (obj, W, "lastModifiedAt", &sub->last_modified_at, error)
      || !get_int64 (obj, W, "createdAt", &sub->created_at, error)
      || !get_object (obj, W, "imeiLock", &lock, error)
      || !get_object (obj, W, "sessionStatus", &session, error)
      || !parse_tags (obj, sub->tags, error))
    return NULL;
  sub->status_code = cloud_sim_status_from_string (sub->status);
  if (lock != NULL && !get_string (lock, "Subscriber.imeiLock", "imei", &sub->imei_lock, error))
    return NULL;
  if (sub->imei_lock != NULL && sub->imei_lock[0] == '\0')
    g_clear_pointer (&sub->imei_lock, g_free);
  if (session != NULL) {
    JsonNode *online = json_object_get_member (session, "online");

    if (online != NULL && !JSON_NODE_HOLDS_NULL (online)) {
      if (!JSON_NODE_HOLDS_VALUE (online) || json_node_get_value_type (online) != G_TYPE_BOOLEAN) {
        wrong_type (W, "sessionStatus.online", "a boolean", online, error);
        return NULL;
      }
      sub->online = json_node_get_boolean (online);
    }
    if (!get_string (session, "Subscriber.sessionStatus", "imei", &sub->session_imei, error))
      return NULL;
  }
  return g_steal_pointer (&sub);
}

void
cloud_subscriber_free (CloudSubscriber *sub)
{
  if (sub == NULL)
    return;
  g_free (sub->imsi);
  g_free (sub->iccid);
  g_free (sub->sim_id);
  g_free (sub->msisdn);
  g_free (sub->status);
  g_free (sub->speed_class);
  g_free (sub->subscription);
  g_free (sub->module_type);
  g_free (sub->group_id);
  g_free (sub->serial_number);
  g_free (sub->operator_id);
  g_free (sub->imei_lock);
  g_free (sub->session_imei);
  g_clear_pointer (&sub->tags, g_hash_table_unref);
  g_clear_pointer (&sub->raw, json_node_unref);
  g_free (sub);
}

const char *
cloud_subscriber_get_tag (const CloudSubscriber *sub, const char *name)
{
  return sub->tags != NULL ? g_hash_table_lookup (sub->tags, name) : NULL;
}

CloudOrderedSubscriber *
cloud_ordered_subscriber_from_json (JsonNode *node, GError **error)
{
  const char *W = "OrderedSubscriber";
  g_autoptr (CloudOrderedSubscriber) sub = g_new0 (CloudOrderedSubscriber, 1);
  JsonObject *obj = require_object (node, W, error);

  if (obj == NULL)
    return NULL;
  sub->raw = json_node_copy (node);
  if (!require_string (obj, W, "imsi", &sub->imsi, error)
      || !get_string (obj, W, "iccid", &sub->iccid, error)
      || !get_string (obj, W, "simId", &sub->sim_id, error)
      || !get_string (obj, W, "msisdn", &sub->msisdn, error)
      || !get_string (obj, W, "serialNumber", &sub->serial_number, error)
      || !get_string (obj, W, "deviceSerialNumber", &sub->device_serial_number, error))
    return NULL;
  return g_steal_pointer (&sub);
}

void
cloud_ordered_subscriber_free (CloudOrderedSubscriber *sub)
{
  if (sub == NULL)
    return;
  g_free (sub->imsi);
  g_free (sub->iccid);
  g_free (sub->sim_id);
  g_free (sub->msisdn);
  g_free (sub->serial_number);
  g_free (sub->device_serial_number);
  g_clear_pointer (&sub->raw, json_node_unref);
  g_free (sub);
}

CloudOrder *
cloud_order_from_json (JsonNode *node, GError **error)
{
  const char *W = "order";
  g_autoptr (CloudOrder) order = g_new0 (CloudOrder, 1);
  JsonObject *obj = require_object (node, W, error);
  JsonNode *items;

  if (obj == NULL)
    return NULL;
  order->raw = json_node_copy (node);
  if (!require_string (obj, W, "orderId", &order->order_id, error)
      || !get_string (obj, W, "orderStatus", &order->order_status, error)
      || !get_string (obj, W, "currency", &order->currency, error)
      || !get_double (obj, W, "totalAmount", &order->total_amount, error))
    return NULL;
  items = json_object_get_member (obj, "orderItemList");
  if (items != NULL && JSON_NODE_HOLDS_ARRAY (items)) {
    JsonArray *a = json_node_get_array (items);

    for (guint i = 0; i < json_array_get_length (a); i++) {
      JsonNode *item = json_array_get_element (a, i);
      gint64 q = 0;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      if (!get_int64 (json_node_get_object (item), "orderItemList[]", "quantity", &q, error))
        return NULL;
      order->quantity += q;
    }
  }
  return g_steal_pointer (&order);
}

void
cloud_order_free (CloudOrder *order)
{
  if (order == NULL)
    return;
  g_free (order->order_id);
  g_free (order->order_status);
  g_free (order->currency);
  g_clear_pointer (&order->raw, json_node_unref);
  g_free (order);
}

CloudSandboxSubscriber *
cloud_sandbox_subscriber_from_json (JsonNode *node, GError **error)
{
  const char *W = "sandbox subscriber";
  g_autoptr (CloudSandboxSubscriber) sub = g_new0 (CloudSandboxSubscriber, 1);
  JsonObject *obj = require_object (node, W, error);

  if (obj == NULL)
    return NULL;
  sub->raw = json_node_copy (node);
  if (!require_string (obj, W, "imsi", &sub->imsi, error)
      || !get_string (obj, W, "msisdn", &sub->msisdn, error)
      || !get_string (obj, W, "serialNumber", &sub->serial_number, error)
      || !get_string (obj, W, "registrationSecret", &sub->registration_secret, error)
      || !get_string (obj, W, "status", &sub->status, error))
    return NULL;
  return g_steal_pointer (&sub);
}

void
cloud_sandbox_subscriber_free (CloudSandboxSubscriber *sub)
{
  if (sub == NULL)
    return;
  g_free (sub->imsi);
  g_free (sub->msisdn);
  g_free (sub->serial_number);
  g_free (sub->registration_secret);
  g_free (sub->status);
  g_clear_pointer (&sub->raw, json_node_unref);
  g_free (sub);
}

gboolean
cloud_subscription_has_standby (const char *subscription)
{
  /* SORACOM's SIM status table: standby is not offered on these plans */
  static const char *const without[] = { "plan-D", "plan-DU", "plan-K", "plan-K2", "plan-KM1" };

  for (gsize i = 0; subscription != NULL && i < G_N_ELEMENTS (without); i++)
    if (g_ascii_strcasecmp (subscription, without[i]) == 0)
      return FALSE;
  return TRUE;
}
