/* tests/test-cloud-parse.c - table tests of the API object parsers, from
 * tests/data/cloud/subscribers.json and orders.json. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "station/cloud/cloud-subscriber.h"
#include "station/cloud/cloud-error.h"
#include "tests/common/test-common.h"

static JsonNode *
load (const char *name)
{
  g_autofree char *path = tc_data_path ("cloud", name, NULL);
  g_autoptr (JsonParser) p = json_parser_new ();
  GError *error = NULL;

  json_parser_load_from_file (p, path, &error);
  g_assert_no_error (error);
  return json_parser_steal_root (p);
}

static const char *
opt_string (JsonObject *o, const char *name)
{
  return json_object_get_string_member_with_default (o, name, NULL);
}

static void
check_error (const char *name, gpointer parsed, GError *error, const char *want)
{
  g_test_message ("case: %s", name);
  g_assert_null (parsed);
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE);
  if (strstr (error->message, want) == NULL)
    g_error ("%s: \"%s\" does not contain \"%s\"", name, error->message, want);
}

static void
test_subscribers (void)
{
  g_autoptr (JsonNode) root = load ("subscribers.json");
  JsonArray *cases = json_object_get_array_member (json_node_get_object (root), "cases");
  guint n = json_array_get_length (cases);

  g_assert_cmpuint (n, >=, 10);
  for (guint i = 0; i < n; i++) {
    JsonObject *c = json_array_get_object_element (cases, i);
    const char *name = json_object_get_string_member (c, "name");
    GError *error = NULL;
    g_autoptr (CloudSubscriber) sub
        = cloud_subscriber_from_json (json_object_get_member (c, "input"), &error);
    JsonObject *e;
    JsonObject *tags;

    if (json_object_has_member (c, "error")) {
      check_error (name, sub, error, json_object_get_string_member (c, "error"));
      g_clear_error (&error);
      continue;
    }
    g_test_message ("case: %s", name);
    g_assert_no_error (error);
    e = json_object_get_object_member (c, "expect");
    g_assert_cmpstr (sub->imsi, ==, opt_string (e, "imsi"));
    g_assert_cmpstr (sub->iccid, ==, opt_string (e, "iccid"));
    g_assert_cmpstr (sub->sim_id, ==, opt_string (e, "simId"));
    g_assert_cmpstr (sub->msisdn, ==, opt_string (e, "msisdn"));
    g_assert_cmpstr (sub->status, ==, opt_string (e, "status"));
    g_assert_cmpstr (cloud_sim_status_to_string (sub->status_code), ==,
                     opt_string (e, "status_code"));
    g_assert_cmpstr (sub->speed_class, ==, opt_string (e, "speedClass"));
    g_assert_cmpstr (sub->subscription, ==, opt_string (e, "subscription"));
    g_assert_cmpstr (sub->module_type, ==, opt_string (e, "moduleType"));
    g_assert_cmpstr (sub->group_id, ==, opt_string (e, "groupId"));
    g_assert_cmpstr (sub->serial_number, ==, opt_string (e, "serialNumber"));
    g_assert_cmpstr (sub->operator_id, ==, opt_string (e, "operatorId"));
    g_assert_cmpstr (sub->imei_lock, ==, opt_string (e, "imeiLock"));
    g_assert_cmpstr (sub->session_imei, ==, opt_string (e, "sessionImei"));
    g_assert_cmpint (sub->online, ==,
                     json_object_get_boolean_member_with_default (e, "online", FALSE));
    g_assert_cmpint (sub->last_modified_at, ==,
                     json_object_get_int_member_with_default (e, "lastModifiedAt", 0));
    g_assert_cmpint (sub->created_at, ==,
                     json_object_get_int_member_with_default (e, "createdAt", 0));
    tags = json_object_has_member (e, "tags") ? json_object_get_object_member (e, "tags") : NULL;
    g_assert_cmpuint (g_hash_table_size (sub->tags), ==, tags ? json_object_get_size (tags) : 0);
    if (tags != NULL) {
      g_autoptr (GList) names = json_object_get_members (tags);

      for (GList *l = names; l != NULL; l = l->next)
        g_assert_cmpstr (cloud_subscriber_get_tag (sub, l->data), ==,
                         json_object_get_string_member (tags, l->data));
    }
    /* the whole object is kept, unknown fields included */
    g_assert_true (json_node_equal (sub->raw, json_object_get_member (c, "input")));
  }
}

static void
test_orders (void)
{
  g_autoptr (JsonNode) root = load ("orders.json");
  JsonObject *r = json_node_get_object (root);
  JsonArray *orders = json_object_get_array_member (r, "orders");
  JsonArray *subs = json_object_get_array_member (r, "ordered_subscribers");

  for (guint i = 0; i < json_array_get_length (orders); i++) {
    JsonObject *c = json_array_get_object_element (orders, i);
    GError *error = NULL;
    g_autoptr (CloudOrder) o = cloud_order_from_json (json_object_get_member (c, "input"), &error);
    JsonObject *e;

    if (json_object_has_member (c, "error")) {
      check_error ("order", o, error, json_object_get_string_member (c, "error"));
      g_clear_error (&error);
      continue;
    }
    g_assert_no_error (error);
    e = json_object_get_object_member (c, "expect");
    g_assert_cmpstr (o->order_id, ==, opt_string (e, "orderId"));
    g_assert_cmpstr (o->order_status, ==, opt_string (e, "orderStatus"));
    g_assert_cmpstr (o->currency, ==, opt_string (e, "currency"));
    g_assert_cmpfloat (o->total_amount, ==, json_object_get_double_member (e, "totalAmount"));
    g_assert_cmpint (o->quantity, ==, json_object_get_int_member (e, "quantity"));
  }
  for (guint i = 0; i < json_array_get_length (subs); i++) {
    JsonObject *c = json_array_get_object_element (subs, i);
    GError *error = NULL;
    g_autoptr (CloudOrderedSubscriber) s
        = cloud_ordered_subscriber_from_json (json_object_get_member (c, "input"), &error);
    JsonObject *e;

    if (json_object_has_member (c, "error")) {
      check_error ("ordered subscriber", s, error, json_object_get_string_member (c, "error"));
      g_clear_error (&error);
      continue;
    }
    g_assert_no_error (error);
    e = json_object_get_object_member (c, "expect");
    g_assert_cmpstr (s->imsi, ==, opt_string (e, "imsi"));
    g_assert_cmpstr (s->iccid, ==, opt_string (e, "iccid"));
    g_assert_cmpstr (s->msisdn, ==, opt_string (e, "msisdn"));
    g_assert_cmpstr (s->serial_number, ==, opt_string (e, "serialNumber"));
    g_assert_cmpstr (s->sim_id, ==, opt_string (e, "simId"));
    g_assert_null (s->device_serial_number);
  }
}

static void
test_status_names (void)
{
  const char *names[] = { "ready",     "testing",    "active",  "inactive", "standby",
                          "suspended", "terminated", "instock", "shipped" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (cloud_sim_status_to_string (cloud_sim_status_from_string (names[i])), ==,
                     names[i]);
  g_assert_cmpint (cloud_sim_status_from_string ("Standby"), ==, CLOUD_SIM_STATUS_UNKNOWN);
  g_assert_cmpint (cloud_sim_status_from_string (NULL), ==, CLOUD_SIM_STATUS_UNKNOWN);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/cloud/parse/subscribers", test_subscribers);
  g_test_add_func ("/cloud/parse/orders", test_orders);
  g_test_add_func ("/cloud/parse/status-names", test_status_names);
  return g_test_run ();
}
