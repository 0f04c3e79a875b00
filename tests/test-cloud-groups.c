/* tests/test-cloud-groups.c - the issue-13 calls of the API client against
 * the scripted mock server: request shapes (paths, queries, bodies as the
 * spec has them), paging of listGroups, and the read-back that keeps an
 * uncertain createGroup / createEventHandler / openGate from being repeated. */
#include "tests/test-cloud-common.h"

#include "station/cloud/cloud-event-handlers.h"
#include "station/cloud/cloud-groups.h"
#include "station/cloud/cloud-stats.h"

#define GROUP_JSON                                                                                 \
  "{\"groupId\":\"g-1\",\"operatorId\":\"OP0012345678\",\"tags\":{\"name\":\"lot-7\"},"            \
  "\"configuration\":{},\"createdTime\":1698796800000}"

static guint
count_method (Fixture *f, const char *method, const char *path)
{
  return mock_http_count_matching (f->mock, method, path);
}

static const MockHttpRequest *
last_request (Fixture *f, const char *method, const char *path)
{
  const MockHttpRequest *found = NULL;

  for (guint i = 0; i < mock_http_count (f->mock); i++) {
    const MockHttpRequest *r = mock_http_request (f->mock, i);
    if (g_strcmp0 (r->method, method) == 0 && g_strcmp0 (r->path, path) == 0)
      found = r;
  }
  g_assert_nonnull (found);
  return found;
}

/* 503 on POST /groups, but the group was made: found by name, not repeated. */
static void
test_create_group_uncertain (Fixture *f, gconstpointer data)
{
  g_autoptr (CloudGroup) g = NULL;
  g_autoptr (JsonNode) body = NULL;
  const CloudTag tags[] = { { "product", "tracker" } };
  GError *error = NULL;
  JsonObject *t;

  push_auth (f, "1");
  mock_http_push (f->mock, "POST", "/v1/groups", 503, "{\"code\":\"X\",\"message\":\"busy\"}", 0,
                  NULL);
  mock_http_push (f->mock, "GET", "/v1/groups", 200, "[" GROUP_JSON "]", 0, NULL);
  g = cloud_client_create_group (f->client, "lot-7", tags, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g->group_id, ==, "g-1");
  g_assert_cmpuint (count_method (f, "POST", "/v1/groups"), ==, 1);
  body = request_json (last_request (f, "POST", "/v1/groups"));
  t = json_object_get_object_member (json_node_get_object (body), "tags");
  g_assert_cmpstr (json_object_get_string_member (t, "name"), ==, "lot-7");
  g_assert_cmpstr (json_object_get_string_member (t, "product"), ==, "tracker");
  g_assert_nonnull (
      strstr (last_request (f, "GET", "/v1/groups")->query, "tag_name=name&tag_value=lot-7"));
}

/* 503 on POST /groups and no such group: the create is repeated once. */
static void
test_create_group_retried (Fixture *f, gconstpointer data)
{
  g_autoptr (CloudGroup) g = NULL;
  GError *error = NULL;

  push_auth (f, "1");
  mock_http_push (f->mock, "POST", "/v1/groups", 503, "{\"code\":\"X\",\"message\":\"busy\"}", 0,
                  NULL);
  mock_http_push (f->mock, "GET", "/v1/groups", 200, "[]", 0, NULL);
  mock_http_push (f->mock, "POST", "/v1/groups", 201, GROUP_JSON, 0, NULL);
  g = cloud_client_create_group (f->client, "lot-7", NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g->group_id, ==, "g-1");
  g_assert_cmpuint (count_method (f, "POST", "/v1/groups"), ==, 2);
}

/* listGroups pages (a short page with a next key), and two groups of one
 * name refused naming both. */
static void
test_find_group_paging (Fixture *f, gconstpointer data)
{
  g_autoptr (CloudGroup) g = NULL;
  GError *error = NULL;

  push_auth (f, "1");
  mock_http_push (f->mock, "GET", "/v1/groups", 200, "[]", 0, "x-soracom-next-key: k1", NULL);
  mock_http_push (f->mock, "GET", "/v1/groups", 200, "[" GROUP_JSON "]", 0, NULL);
  g_assert_true (cloud_client_find_group_by_name (f->client, "lot-7", &g, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (g);
  g_assert_nonnull (strstr (mock_http_request (f->mock, 2)->query, "last_evaluated_key=k1"));
  g_clear_pointer (&g, cloud_group_free);

  mock_http_push (f->mock, "GET", "/v1/groups", 200,
                  "[" GROUP_JSON ",{\"groupId\":\"g-2\",\"tags\":{\"name\":\"lot-7\"}}]", 0, NULL);
  g_assert_false (cloud_client_find_group_by_name (f->client, "lot-7", &g, NULL, &error));
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "g-1, g-2"));
  g_assert_nonnull (strstr (error->message, "group_id"));
  g_clear_error (&error);
}

static void
test_put_configuration (Fixture *f, gconstpointer data)
{
  g_autoptr (CloudGroup) g = NULL;
  g_autoptr (JsonNode) value = json_node_new (JSON_NODE_VALUE);
  g_autoptr (JsonNode) body = NULL;
  CloudConfigParam p = { "vpgId", value };
  GError *error = NULL;
  JsonObject *item;

  json_node_set_string (value, "vpg-9");
  push_auth (f, "1");
  mock_http_push (f->mock, "PUT", "/v1/groups/g-1/configuration/SoracomAir", 200,
                  "{\"groupId\":\"g-1\",\"configuration\":{\"SoracomAir\":{\"vpgId\":\"vpg-9\"}}}",
                  0, NULL);
  g = cloud_client_put_group_configuration (f->client, "g-1", "SoracomAir", &p, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_node_get_string (cloud_group_get_config (g, "SoracomAir", "vpgId")), ==,
                   "vpg-9");
  body = request_json (last_request (f, "PUT", "/v1/groups/g-1/configuration/SoracomAir"));
  item = json_array_get_object_element (json_node_get_array (body), 0);
  g_assert_cmpstr (json_object_get_string_member (item, "key"), ==, "vpgId");
  g_assert_cmpstr (json_object_get_string_member (item, "value"), ==, "vpg-9");
}

/* openGate times out in a 500, but the Gate is open: not repeated. */
static void
test_gate_uncertain (Fixture *f, gconstpointer data)
{
  GError *error = NULL;

  push_auth (f, "1");
  mock_http_push (f->mock, "POST", "/v1/virtual_private_gateways/vpg-9/gate/open", 500,
                  "{\"code\":\"X\",\"message\":\"oops\"}", 0, NULL);
  mock_http_push (f->mock, "GET", "/v1/virtual_private_gateways/vpg-9", 200,
                  "{\"vpgId\":\"vpg-9\",\"gateOpened\":true}", 0, NULL);
  g_assert_true (cloud_client_set_gate (f->client, "vpg-9", TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_method (f, "POST", "/v1/virtual_private_gateways/vpg-9/gate/open"), ==,
                    1);
}

static CloudEventHandler *
first_use_handler (void)
{
  CloudEventHandler *h
      = cloud_event_handler_new ("station-first-use-g-1", "SubscriberFirstTrafficRule");
  CloudEventConfig *a = cloud_event_handler_add_action (h, "ExecuteWebRequestAction");

  h->target_group_id = g_strdup ("g-1");
  cloud_event_config_set (&h->rule, "inactiveTimeoutDateConst", "NEVER");
  cloud_event_config_set (a, "executionDateTimeConst", "IMMEDIATELY");
  cloud_event_config_set (a, "url", "http://127.0.0.1:1/events?event=first_use&imsi=${imsi}");
  cloud_event_config_set (a, "httpMethod", "POST");
  cloud_event_config_set (a, "contentType", "application/json");
  cloud_event_config_set (a, "headers", "{\"X-Station-Event-Secret\":\"s\"}");
  return h;
}

/* createEventHandler: the spec's body (strings, headers an object); after
 * an uncertain attempt the list shows it: not repeated.  updateEventHandler
 * is read back; a store that keeps something else is an error. */
static void
test_event_handler_calls (Fixture *f, gconstpointer data)
{
  g_autoptr (CloudEventHandler) want = first_use_handler ();
  g_autoptr (CloudEventHandler) made = NULL, updated = NULL;
  g_autoptr (JsonNode) stored = cloud_event_handler_to_json (want);
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *stored_text = NULL, *list = NULL, *other = NULL;
  JsonObject *props;
  GError *error = NULL;

  json_object_set_string_member (json_node_get_object (stored), "handlerId", "eh-1");
  stored_text = json_to_string (stored, FALSE);
  list = g_strdup_printf ("[%s]", stored_text);
  push_auth (f, "1");
  mock_http_push (f->mock, "POST", "/v1/event_handlers", 502, "{\"code\":\"X\",\"message\":\"gw\"}",
                  0, NULL);
  mock_http_push (f->mock, "GET", "/v1/event_handlers", 200, list, 0, NULL);
  made = cloud_client_create_event_handler (f->client, want, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (made->handler_id, ==, "eh-1");
  g_assert_cmpuint (count_method (f, "POST", "/v1/event_handlers"), ==, 1);
  body = request_json (last_request (f, "POST", "/v1/event_handlers"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "targetGroupId"), ==,
                   "g-1");
  props = json_object_get_object_member (
      json_array_get_object_element (
          json_object_get_array_member (json_node_get_object (body), "actionConfigList"), 0),
      "properties");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (props, "headers"),
                                                  "X-Station-Event-Secret"),
                   ==, "s");
  g_assert_cmpstr (json_object_get_string_member (props, "httpMethod"), ==, "POST");

  /* update: PUT answers no body, the GET shows it */
  mock_http_push (f->mock, "PUT", "/v1/event_handlers/eh-1", 200, NULL, 0, NULL);
  mock_http_push (f->mock, "GET", "/v1/event_handlers/eh-1", 200, stored_text, 0, NULL);
  updated = cloud_client_update_event_handler (f->client, "eh-1", want, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (updated->handler_id, ==, "eh-1");

  /* a handler that reads back different after the PUT */
  other = g_strdup (stored_text);
  other = g_strdelimit (other, "N", 'X'); /* NEVER -> XEVER */
  mock_http_push (f->mock, "PUT", "/v1/event_handlers/eh-1", 200, NULL, 0, NULL);
  mock_http_push (f->mock, "GET", "/v1/event_handlers/eh-1", 200, other, 0, NULL);
  g_assert_null (cloud_client_update_event_handler (f->client, "eh-1", want, NULL, &error));
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "reads back different"));
  g_clear_error (&error);
}

static void
test_air_stats_query (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) stats = NULL;
  GError *error = NULL;
  const MockHttpRequest *r;

  push_auth (f, "1");
  mock_http_push (f->mock, "GET", "/v1/stats/air/subscribers/" TEST_IMSI, 200,
                  "[{\"date\":\"20261201\",\"unixtime\":1796083200,\"dataTrafficStatsMap\":"
                  "{\"s1.standard\":{\"uploadByteSizeTotal\":5,\"downloadByteSizeTotal\":7}}}]",
                  0, NULL);
  stats = cloud_client_get_air_stats (f->client, TEST_IMSI, 1796083200, 1796169599,
                                      CLOUD_STATS_PERIOD_DAY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->len, ==, 1);
  g_assert_cmpuint (((CloudAirStats *)g_ptr_array_index (stats, 0))->download_bytes, ==, 7);
  r = last_request (f, "GET", "/v1/stats/air/subscribers/" TEST_IMSI);
  g_assert_cmpstr (r->query, ==, "from=1796083200&to=1796169599&period=day");
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/cloud/groups/create-uncertain-read-back", test_create_group_uncertain);
  ADD ("/cloud/groups/create-retried-when-absent", test_create_group_retried);
  ADD ("/cloud/groups/find-by-name-paging", test_find_group_paging);
  ADD ("/cloud/groups/put-configuration", test_put_configuration);
  ADD ("/cloud/groups/gate-uncertain", test_gate_uncertain);
  ADD ("/cloud/event-handlers/create-update", test_event_handler_calls);
  ADD ("/cloud/stats/air-query", test_air_stats_query);
  return g_test_run ();
}
