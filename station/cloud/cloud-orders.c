/* station/cloud/cloud-orders.c - SIM orders (createQuotation, confirmOrder,
 * getOrder, listOrders, listOrderedSubscribers, registerOrderedSim) and the
 * API sandbox calls (soracom-sandbox-api.en.yaml). */
#define G_LOG_DOMAIN "station-cloud"

#include "station/cloud/cloud-client-private.h"

static char *
order_path (const char *order_id, const char *suffix)
{
  g_autofree char *esc = cloud_path_escape (order_id);

  return g_strdup_printf ("/orders/%s%s", esc, suffix);
}

/* Runs @call and parses its answer with @parse; NULL with @error. */
static gpointer
call_and_parse (CloudClient *c, const CloudCall *call, CloudParseFunc parse,
                GCancellable *cancellable, GError **error)
{
  CloudReply reply = { 0 };
  gpointer result;

  if (!cloud_client_call (c, call, &reply, cancellable, error))
    return NULL;
  result = parse (reply.json, error);
  if (result == NULL)
    g_prefix_error (error, "SORACOM API %s %s: ", call->method, call->path);
  cloud_reply_clear (&reply);
  return result;
}

CloudOrder *
cloud_client_create_quotation (CloudClient *c, const CloudOrderItem *items, gsize n_items,
                               const char *shipping_address_id, const char *preferred_delivery_date,
                               GCancellable *cancellable, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  /* a repeated quotation is harmless (only a confirmed one is an order) */
  CloudCall call = { .operation = "createQuotation", .method = "POST", .path = "/orders" };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "orderItemList");
  json_builder_begin_array (b);
  for (gsize i = 0; i < n_items; i++) {
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "productCode");
    json_builder_add_string_value (b, items[i].product_code);
    json_builder_set_member_name (b, "quantity");
    json_builder_add_int_value (b, items[i].quantity);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  if (shipping_address_id != NULL) {
    json_builder_set_member_name (b, "shippingAddressId");
    json_builder_add_string_value (b, shipping_address_id);
  }
  if (preferred_delivery_date != NULL) {
    json_builder_set_member_name (b, "preferredDeliveryDate");
    json_builder_add_string_value (b, preferred_delivery_date);
  }
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  call.body = body;
  return call_and_parse (c, &call, (CloudParseFunc)cloud_order_from_json, cancellable, error);
}

CloudOrder *
cloud_client_get_order (CloudClient *c, const char *order_id, GCancellable *cancellable,
                        GError **error)
{
  g_autofree char *path = order_path (order_id, "");
  CloudCall call = { .operation = "getOrder", .method = "GET", .path = path };

  return call_and_parse (c, &call, (CloudParseFunc)cloud_order_from_json, cancellable, error);
}

/* getOrder answers for confirmed orders only, and every orderStatus of the
 * spec (orderProcessing "new order, pending payment" included) is a
 * confirmed order: found with a status means confirmed.  A quotation has no
 * orderStatus (EstimatedOrderModel). */
static gboolean
read_back_confirmed (CloudClient *c, gpointer data, gboolean *done, JsonNode **result,
                     GCancellable *cancellable, GError **error)
{
  GError *local = NULL;
  g_autoptr (CloudOrder) order = cloud_client_get_order (c, data, cancellable, &local);

  *done = FALSE;
  *result = NULL;
  if (order == NULL) {
    if (g_error_matches (local, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_NOT_FOUND)) {
      g_error_free (local);
      return TRUE;
    }
    g_propagate_error (error, local);
    return FALSE;
  }
  *done = order->order_status != NULL;
  if (*done)
    *result = json_node_copy (order->raw);
  return TRUE;
}

CloudOrder *
cloud_client_confirm_order (CloudClient *c, const char *order_id, GCancellable *cancellable,
                            GError **error)
{
  g_autofree char *path = order_path (order_id, "/confirm");
  CloudCall call = {
    .operation = "confirmOrder",
    .method = "PUT",
    .path = path,
    .mutating = TRUE,
    .read_back = read_back_confirmed,
    .read_back_data = (gpointer)order_id,
  };

  return call_and_parse (c, &call, (CloudParseFunc)cloud_order_from_json, cancellable, error);
}

GPtrArray *
cloud_client_list_orders (CloudClient *c, GCancellable *cancellable, GError **error)
{
  return cloud_client_list_pages (
      c, "listOrders", "/orders", "orderList", (CloudParseFunc)cloud_order_from_json,
      (GDestroyNotify)cloud_order_free, 0, NULL, FALSE, NULL, cancellable, error);
}

GPtrArray *
cloud_client_list_ordered_subscribers (CloudClient *c, const char *order_id,
                                       GCancellable *cancellable, GError **error)
{
  g_autofree char *path = order_path (order_id, "/subscribers?limit=100");

  return cloud_client_list_pages (c, "listOrderedSubscribers", path, "orderedSubscriberList",
                                  (CloudParseFunc)cloud_ordered_subscriber_from_json,
                                  (GDestroyNotify)cloud_ordered_subscriber_free, 0, NULL, FALSE,
                                  NULL, cancellable, error);
}

gboolean
cloud_client_register_ordered_sim (CloudClient *c, const char *order_id, GCancellable *cancellable,
                                   GError **error)
{
  g_autofree char *path = order_path (order_id, "/subscribers/register");
  CloudCall call = {
    .operation = "registerOrderedSim",
    .method = "POST",
    .path = path,
    .mutating = TRUE,
  };
  CloudReply reply = { 0 };

  if (!cloud_client_call (c, &call, &reply, cancellable, error))
    return FALSE;
  cloud_reply_clear (&reply);
  return TRUE;
}

/* ---- sandbox ---------------------------------------------------------- */

gboolean
cloud_client_sandbox_init (CloudClient *c, const char *email, const char *password,
                           const char *auth_key_id, const char *auth_key,
                           const char *const *coverage_types, char **operator_id,
                           GCancellable *cancellable, GError **error)
{
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  CloudCall call = {
    .operation = "sandboxInitializeOperator",
    .method = "POST",
    .path = "/sandbox/init",
    .no_auth = TRUE,
  };
  CloudReply reply = { 0 };
  JsonObject *r;
  const char *api_key = NULL, *token = NULL, *op = NULL;
  CloudCredentials creds
      = { .email = (char *)email, .password = (char *)password, .source = "sandbox" };
  gboolean ok = FALSE;

  json_object_set_string_member (o, "email", email);
  json_object_set_string_member (o, "password", password);
  json_object_set_string_member (o, "authKeyId", auth_key_id);
  json_object_set_string_member (o, "authKey", auth_key);
  if (coverage_types != NULL)
    json_object_set_member (o, "coverageTypes", cloud_json_string_array (coverage_types));
  json_node_take_object (body, o);
  call.body = body;

  if (!cloud_client_call (c, &call, &reply, cancellable, error))
    return FALSE;
  r = reply.json != NULL && JSON_NODE_HOLDS_OBJECT (reply.json) ? json_node_get_object (reply.json)
                                                                : NULL;
  if (r != NULL) {
    api_key = cloud_json_member_string (r, "apiKey");
    token = cloud_json_member_string (r, "token");
    op = cloud_json_member_string (r, "operatorId");
  }
  if (api_key == NULL || token == NULL) {
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
                 "SORACOM API POST /sandbox/init: the answer has no apiKey/token");
    goto out;
  }
  cloud_client_set_session (c, api_key, token, op, &creds);
  if (operator_id != NULL)
    *operator_id = g_strdup (op);
  ok = TRUE;

out:
  cloud_reply_clear (&reply);
  return ok;
}

CloudSandboxSubscriber *
cloud_client_sandbox_create_subscriber (CloudClient *c, const char *subscription,
                                        const char *const *bundles, GCancellable *cancellable,
                                        GError **error)
{
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  /* a repeated creation only makes one more test SIM: retried like a read */
  CloudCall call = {
    .operation = "sandboxCreateSubscriber",
    .method = "POST",
    .path = "/sandbox/subscribers/create",
  };

  if (subscription != NULL)
    json_object_set_string_member (o, "subscription", subscription);
  if (bundles != NULL)
    json_object_set_member (o, "bundles", cloud_json_string_array (bundles));
  json_node_take_object (body, o);
  call.body = body;
  return call_and_parse (c, &call, (CloudParseFunc)cloud_sandbox_subscriber_from_json, cancellable,
                         error);
}

gboolean
cloud_client_sandbox_ship_order (CloudClient *c, const char *order_id, const char *operator_id,
                                 GCancellable *cancellable, GError **error)
{
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  CloudCall call = {
    .operation = "sandboxShipOrder",
    .method = "POST",
    .path = "/sandbox/orders/ship",
    .mutating = TRUE,
  };
  CloudReply reply = { 0 };

  json_object_set_string_member (o, "orderId", order_id);
  json_object_set_string_member (o, "operatorId", operator_id);
  json_node_take_object (body, o);
  call.body = body;
  if (!cloud_client_call (c, &call, &reply, cancellable, error))
    return FALSE;
  cloud_reply_clear (&reply);
  return TRUE;
}
