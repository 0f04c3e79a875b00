/* tests/test-cloud-client.c - the SORACOM API client against a scripted
 * loopback server: authentication and headers, token cache and renewal,
 * pagination, tags and percent-encoding, IMEI lock, status changes, orders,
 * sandbox, credentials precedence, and no secret in logs or records. */
#include <glib/gstdio.h>
#include "tests/test-cloud-common.h"

#include "station/station-error.h"

static gint64 fake_now = 1000000;

static gint64
fake_clock (void)
{
  return fake_now;
}

static void
test_auth_and_headers (Fixture *f, gconstpointer data)
{
  g_autofree char *body = sub_json (TEST_IMSI, "ready", NULL, NULL);
  g_autofree char *path = sub_path (TEST_IMSI, NULL);
  g_autoptr (JsonNode) auth = NULL;
  g_autofree char *names = NULL;
  g_autofree char *op = NULL;
  const MockHttpRequest *r;
  GError *error = NULL;
  JsonObject *o;

  push_auth (f, "1");
  mock_http_push (f->mock, "GET", path, 200, body, 0, NULL);
  mock_http_push (f->mock, "GET", path, 200, body, 0, NULL);

  for (int i = 0; i < 2; i++) {
    g_autoptr (CloudSubscriber) sub
        = cloud_client_get_subscriber (f->client, TEST_IMSI, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (sub->imsi, ==, TEST_IMSI);
    g_assert_cmpint (sub->status_code, ==, CLOUD_SIM_STATUS_READY);
  }
  /* one /auth for both calls: the token is cached */
  g_assert_cmpuint (mock_http_count (f->mock), ==, 3);
  g_assert_cmpuint (mock_http_count_matching (f->mock, "POST", "/v1/auth"), ==, 1);

  r = mock_http_request (f->mock, 0);
  auth = request_json (r);
  o = json_node_get_object (auth);
  names = member_names (o);
  /* AuthRequest of soracom-api.en.yaml */
  g_assert_cmpstr (names, ==, "authKey,authKeyId,tokenTimeoutSeconds");
  g_assert_cmpstr (json_object_get_string_member (o, "authKeyId"), ==, TEST_KEY_ID);
  g_assert_cmpstr (json_object_get_string_member (o, "authKey"), ==, TEST_KEY);
  g_assert_cmpint (json_object_get_int_member (o, "tokenTimeoutSeconds"), ==, 86400);
  g_assert_cmpstr (g_hash_table_lookup (r->headers, "content-type"), ==, "application/json");
  g_assert_null (g_hash_table_lookup (r->headers, "x-soracom-token"));

  for (guint i = 1; i < 3; i++) {
    r = mock_http_request (f->mock, i);
    g_assert_cmpstr (r->method, ==, "GET");
    g_assert_cmpstr (g_hash_table_lookup (r->headers, "x-soracom-api-key"), ==, "api-KEY-1");
    g_assert_cmpstr (g_hash_table_lookup (r->headers, "x-soracom-token"), ==, "TOKEN-1");
    g_assert_cmpstr (g_hash_table_lookup (r->headers, "accept"), ==, "application/json");
  }
  /* one keep-alive connection for all three */
  g_assert_cmpuint (mock_http_request (f->mock, 0)->remote_port, !=, 0);
  g_assert_cmpuint (mock_http_request (f->mock, 1)->remote_port, ==,
                    mock_http_request (f->mock, 0)->remote_port);
  g_assert_cmpuint (mock_http_request (f->mock, 2)->remote_port, ==,
                    mock_http_request (f->mock, 0)->remote_port);
  op = cloud_client_dup_operator_id (f->client);
  g_assert_cmpstr (op, ==, "OP0012345678");
  g_assert_cmpuint (count_records (f, "auth POST /auth 200 0"), ==, 1);
  g_assert_cmpuint (count_records (f, "getSubscriber GET /subscribers/" TEST_IMSI " 200 0"), ==, 2);
}

static void
test_token_expiry (Fixture *f, gconstpointer data)
{
  g_autofree char *body = sub_json (TEST_IMSI, "ready", NULL, NULL);
  g_autofree char *path = sub_path (TEST_IMSI, NULL);
  CloudClientOptions opts;
  GError *error = NULL;

  test_options (&opts, NULL);
  opts.token_timeout_s = 600; /* renewed 60 s (a tenth) before it runs out */
  opts.clock = fake_clock;
  fixture_reopen (f, &opts);

  push_auth (f, "1");
  mock_http_push (f->mock, "GET", path, 200, body, 0, NULL);
  mock_http_push (f->mock, "GET", path, 200, body, 0, NULL);
  push_auth (f, "2");
  mock_http_push (f->mock, "GET", path, 200, body, 0, NULL);

  for (int i = 0; i < 3; i++) {
    g_autoptr (CloudSubscriber) sub = NULL;

    /* first call at t0, second at t0+539 s (still valid), third at t0+541 s */
    fake_now += i == 0 ? 0 : (i == 1 ? 539 : 2) * G_USEC_PER_SEC;
    sub = cloud_client_get_subscriber (f->client, TEST_IMSI, NULL, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (mock_http_count_matching (f->mock, "POST", "/v1/auth"), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (mock_http_request (f->mock, 2)->headers, "x-soracom-token"),
                   ==, "TOKEN-1");
  g_assert_cmpstr (g_hash_table_lookup (mock_http_request (f->mock, 4)->headers, "x-soracom-token"),
                   ==, "TOKEN-2");
  g_assert_cmpint (json_object_get_int_member (
                       json_node_get_object (request_json (mock_http_request (f->mock, 0))),
                       "tokenTimeoutSeconds"),
                   ==, 600);
}

static void
test_token_401 (Fixture *f, gconstpointer data)
{
  g_autofree char *body = sub_json (TEST_IMSI, "ready", NULL, NULL);
  g_autofree char *path = sub_path (TEST_IMSI, NULL);
  const char *expired = "{\"code\":\"AUM0001\",\"message\":\"token expired\"}";
  g_autoptr (CloudSubscriber) sub = NULL;
  GError *error = NULL;

  push_auth (f, "1");
  mock_http_push (f->mock, "GET", path, 401, expired, 0, NULL);
  push_auth (f, "2");
  mock_http_push (f->mock, "GET", path, 200, body, 0, NULL);
  sub = cloud_client_get_subscriber (f->client, TEST_IMSI, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (mock_http_request (f->mock, 3)->headers, "x-soracom-token"),
                   ==, "TOKEN-2");

  /* renewed once only: a second 401 after renewal is an AUTH error */
  mock_http_push (f->mock, "GET", path, 401, expired, 0, NULL);
  push_auth (f, "3");
  mock_http_push (f->mock, "GET", path, 401, expired, 0, NULL);
  g_clear_pointer (&sub, cloud_subscriber_free);
  sub = cloud_client_get_subscriber (f->client, TEST_IMSI, NULL, &error);
  g_assert_null (sub);
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "AUM0001"));
  g_assert_cmpint (station_exit_code_for_error (error), ==, STATION_EXIT_CLOUD);
  g_assert_cmpuint (mock_http_count (f->mock), ==, 7);
  g_clear_error (&error);
}

static void
test_auth_refused (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  g_autoptr (CloudSubscriber) sub = NULL;

  mock_http_push (f->mock, "POST", "/v1/auth", 401,
                  "{\"code\":\"AUM0002\",\"message\":\"Invalid authKeyId or authKey\"}", 0, NULL);
  sub = cloud_client_get_subscriber (f->client, TEST_IMSI, NULL, &error);
  g_assert_null (sub);
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "POST /auth: HTTP 401 AUM0002"));
  g_assert_nonnull (strstr (error->message, "auth_key"));
  g_assert_cmpstr (station_cloud_error_get_api_code (error), ==, "AUM0002");
  g_assert_cmpuint (mock_http_count (f->mock), ==, 1);
  g_clear_error (&error);
}

/* 250 SIMs; status_filter=ready keeps every third.  Pages hold up to
 * `limit` SIMs of the unfiltered list, so filtered pages are short and some
 * are empty while a next key is still given. */
static MockHttpReply *
paging_handler (const MockHttpRequest *req, gpointer data)
{
  g_autoptr (GHashTable) q
      = g_uri_parse_params (req->query ? req->query : "", -1, "&", G_URI_PARAMS_NONE, NULL);
  const char *last = g_hash_table_lookup (q, "last_evaluated_key");
  const char *filter = g_hash_table_lookup (q, "status_filter");
  guint limit = (guint)g_ascii_strtoull (g_hash_table_lookup (q, "limit"), NULL, 10);
  guint start = 0, end;
  GString *body = g_string_new ("[");
  g_autofree char *next = NULL;
  MockHttpReply *r;

  g_assert_cmpstr (req->path, ==, "/v1/subscribers");
  if (last != NULL)
    start = (guint)(g_ascii_strtoull (last, NULL, 10) - 440103200000000ull) + 1;
  /* a filtered listing returns at most 30 scanned SIMs per page */
  end = MIN (250, start + (filter ? 30 : limit));
  for (guint i = start; i < end; i++) {
    g_autofree char *imsi = g_strdup_printf ("%llu", 440103200000000ull + i);
    const char *status = i % 3 == 0 ? "ready" : "active";
    g_autofree char *s = NULL;

    /* SIMs 60..89 are all filtered out: one empty page */
    if (filter != NULL && (strcmp (status, filter) != 0 || (i >= 60 && i < 90)))
      continue;
    s = sub_json (imsi, status, NULL, NULL);
    g_string_append_printf (body, "%s%s", body->len > 1 ? "," : "", s);
  }
  g_string_append (body, "]");
  if (end < 250)
    next = g_strdup_printf ("x-soracom-next-key: %llu", 440103200000000ull + end - 1);
  r = mock_http_reply_new (200, body->str, 0, next, NULL);
  g_string_free (body, TRUE);
  return r;
}

static void
test_pagination (Fixture *f, gconstpointer data)
{
  CloudSubscriberFilter all = { .limit = 100 };
  CloudSubscriberFilter ready = { .status_filter = "ready" };
  g_autoptr (GPtrArray) subs = NULL;
  GError *error = NULL;
  guint empty_pages = 0, gets;

  push_auth (f, "1");
  mock_http_set_handler (f->mock, paging_handler, NULL);
  subs = cloud_client_list_subscribers (f->client, &all, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (subs->len, ==, 250);
  for (guint i = 0; i < subs->len; i++) {
    g_autofree char *want = g_strdup_printf ("%llu", 440103200000000ull + i);

    g_assert_cmpstr (((CloudSubscriber *)subs->pdata[i])->imsi, ==, want);
  }
  g_assert_cmpuint (mock_http_count (f->mock), ==, 1 + 3);
  g_assert_cmpstr (mock_http_request (f->mock, 1)->query, ==, "limit=100");
  g_assert_cmpstr (mock_http_request (f->mock, 2)->query, ==,
                   "limit=100&last_evaluated_key=440103200000099");

  g_clear_pointer (&subs, g_ptr_array_unref);
  subs = cloud_client_list_subscribers (f->client, &ready, NULL, &error);
  g_assert_no_error (error);
  /* every third of 250 (84) minus the 10 ready ones in 60..89 */
  g_assert_cmpuint (subs->len, ==, 74);
  gets = mock_http_count (f->mock) - 4;
  g_assert_cmpuint (gets, ==, 9); /* 250 / 30 rounded up: followed to the end */
  for (guint i = 4; i < mock_http_count (f->mock); i++) {
    const MockHttpRequest *r = mock_http_request (f->mock, i);

    g_assert_true (g_str_has_prefix (r->query, "status_filter=ready&limit=100"));
  }
  for (guint i = 0; i < f->records->len; i++)
    if (strstr (f->records->pdata[i], "last_evaluated_key=440103200000089"))
      empty_pages++; /* the page after the empty one was asked for */
  g_assert_cmpuint (empty_pages, ==, 1);

  /* one page at a time, and max_results */
  {
    g_autofree char *next = NULL;
    g_autoptr (GPtrArray) page
        = cloud_client_list_subscribers_page (f->client, &all, NULL, &next, NULL, &error);
    CloudSubscriberFilter first10 = { .max_results = 10 };
    g_autoptr (GPtrArray) ten = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (page->len, ==, 100);
    g_assert_cmpstr (next, ==, "440103200000099");
    ten = cloud_client_list_subscribers (f->client, &first10, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ten->len, ==, 10);
  }
}

static void
test_tag_filter_query (Fixture *f, gconstpointer data)
{
  CloudSubscriberFilter filter
      = { .tag_name = "batch id", .tag_value = "ロット&1", .tag_value_prefix = TRUE, .limit = 50 };
  g_autoptr (GPtrArray) subs = NULL;
  GError *error = NULL;

  push_auth (f, "1");
  mock_http_push (f->mock, "GET", "/v1/subscribers", 200, "[]", 0, NULL);
  subs = cloud_client_list_subscribers (f->client, &filter, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (subs->len, ==, 0);
  g_assert_cmpstr (mock_http_request (f->mock, 1)->query, ==,
                   "tag_name=batch%20id&tag_value=%E3%83%AD%E3%83%83%E3%83%88%261"
                   "&tag_value_match_mode=prefix&limit=50");
}

static void
test_tags (Fixture *f, gconstpointer data)
{
  const CloudTag tags[] = {
    { "device_id", "DEV-0001" },
    { "工場", "東京第2ライン" },
    { "a/b c?d#e%f", "x&y=z" },
  };
  g_autofree char *tags_json = g_strdup (
      "{\"device_id\":\"DEV-0001\",\"工場\":\"東京第2ライン\",\"a/b c?d#e%f\":\"x&y=z\"}");
  g_autofree char *after = sub_json (TEST_IMSI, "ready", NULL, tags_json);
  g_autofree char *tags_path = sub_path (TEST_IMSI, "/tags");
  g_autofree char *del_path = sub_path (TEST_IMSI, "/tags/a%2Fb%20c%3Fd%23e%25f");
  g_autofree char *del_jp = sub_path (TEST_IMSI, "/tags/%E5%B7%A5%E5%A0%B4");
  g_autoptr (CloudSubscriber) sub = NULL;
  g_autoptr (JsonNode) sent = NULL;
  JsonArray *a;
  GError *error = NULL;

  push_auth (f, "1");
  mock_http_push (f->mock, "PUT", tags_path, 200, after, 0, NULL);
  mock_http_push (f->mock, "DELETE", del_path, 204, NULL, 0, NULL);
  mock_http_push (f->mock, "DELETE", del_jp, 204, NULL, 0, NULL);

  sub = cloud_client_put_subscriber_tags (f->client, TEST_IMSI, tags, G_N_ELEMENTS (tags), NULL,
                                          &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cloud_subscriber_get_tag (sub, "工場"), ==, "東京第2ライン");

  sent = request_json (mock_http_request (f->mock, 1));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (sent));
  a = json_node_get_array (sent);
  g_assert_cmpuint (json_array_get_length (a), ==, 3);
  for (guint i = 0; i < 3; i++) {
    JsonObject *o = json_array_get_object_element (a, i);
    g_autofree char *names = member_names (o);

    /* TagUpdateRequest: tagName, tagValue */
    g_assert_cmpstr (names, ==, "tagName,tagValue");
    g_assert_cmpstr (json_object_get_string_member (o, "tagName"), ==, tags[i].name);
    g_assert_cmpstr (json_object_get_string_member (o, "tagValue"), ==, tags[i].value);
  }

  g_assert_true (
      cloud_client_delete_subscriber_tag (f->client, TEST_IMSI, "a/b c?d#e%f", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cloud_client_delete_subscriber_tag (f->client, TEST_IMSI, "工場", NULL, &error));
  g_assert_no_error (error);
  /* the paths on the wire, percent-encoded (checked by the script too) */
  g_assert_cmpstr (mock_http_request (f->mock, 2)->path, ==, del_path);
  g_assert_cmpstr (mock_http_request (f->mock, 3)->path, ==, del_jp);
  g_assert_null (mock_http_request (f->mock, 2)->query);
}

static void
test_imei_lock (Fixture *f, gconstpointer data)
{
  g_autofree char *locked = sub_json (TEST_IMSI, "ready", "356938035643809", NULL);
  g_autofree char *path = sub_path (TEST_IMSI, "/set_imei_lock");
  g_autoptr (CloudSubscriber) sub = NULL;
  g_autoptr (JsonNode) body = NULL, body2 = NULL;
  g_autofree char *names = NULL;
  GError *error = NULL;

  push_auth (f, "1");
  mock_http_push (f->mock, "POST", path, 200, locked, 0, NULL);
  mock_http_push (f->mock, "POST", path, 200, locked, 0, NULL);
  sub = cloud_client_set_imei_lock (f->client, TEST_IMSI, "356938035643809", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sub->imei_lock, ==, "356938035643809");
  body = request_json (mock_http_request (f->mock, 1));
  names = member_names (json_node_get_object (body));
  g_assert_cmpstr (names, ==, "imei"); /* SetImeiLockRequest */
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "imei"), ==,
                   "356938035643809");

  /* NULL: lock to the current session's IMEI, an object without imei */
  g_clear_pointer (&sub, cloud_subscriber_free);
  sub = cloud_client_set_imei_lock (f->client, TEST_IMSI, NULL, NULL, &error);
  g_assert_no_error (error);
  body2 = request_json (mock_http_request (f->mock, 2));
  g_assert_cmpuint (json_object_get_size (json_node_get_object (body2)), ==, 0);
}

typedef struct {
  const char *suffix;
  const char *status;
  CloudSubscriber *(*fn) (CloudClient *, const char *, GCancellable *, GError **);
} StatusCase;

static void
test_status_calls (Fixture *f, gconstpointer data)
{
  const StatusCase cases[] = {
    { "/set_to_standby", "standby", cloud_client_set_to_standby },
    { "/activate", "active", cloud_client_activate },
    { "/deactivate", "inactive", cloud_client_deactivate },
    { "/suspend", "suspended", cloud_client_suspend },
    { "/delete_session", "ready", cloud_client_delete_session },
    { "/unset_imei_lock", "ready", cloud_client_unset_imei_lock },
    { "/unset_group", "ready", cloud_client_unset_group },
  };
  GError *error = NULL;

  push_auth (f, "1");
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *path = sub_path (TEST_IMSI, cases[i].suffix);
    g_autofree char *body = sub_json (TEST_IMSI, cases[i].status, NULL, NULL);
    g_autoptr (CloudSubscriber) sub = NULL;
    const MockHttpRequest *r;

    mock_http_push (f->mock, "POST", path, 200, body, 0, NULL);
    sub = cases[i].fn (f->client, TEST_IMSI, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (sub->status, ==, cases[i].status);
    r = mock_http_request (f->mock, (guint)i + 1);
    g_assert_cmpstr (r->body, ==, ""); /* these operations take no body */
    g_assert_null (g_hash_table_lookup (r->headers, "content-type"));
  }
  {
    g_autofree char *path = sub_path (TEST_IMSI, "/set_group");
    g_autofree char *body = sub_json (TEST_IMSI, "ready", NULL, NULL);
    g_autoptr (CloudSubscriber) sub = NULL;
    g_autoptr (JsonNode) sent = NULL;
    g_autofree char *names = NULL;

    mock_http_push (f->mock, "POST", path, 200, body, 0, NULL);
    sub = cloud_client_set_group (f->client, TEST_IMSI, "grp-1", NULL, &error);
    g_assert_no_error (error);
    sent = request_json (mock_http_request (f->mock, G_N_ELEMENTS (cases) + 1));
    names = member_names (json_node_get_object (sent));
    g_assert_cmpstr (names, ==, "groupId"); /* SetGroupRequest */
  }
}

static void
test_orders (Fixture *f, gconstpointer data)
{
  const CloudOrderItem items[] = { { "4573326590013", 250 } };
  g_autoptr (CloudOrder) quote = NULL, confirmed = NULL;
  g_autoptr (GPtrArray) sims = NULL, orders = NULL;
  g_autoptr (JsonNode) sent = NULL;
  g_autofree char *names = NULL, *item_names = NULL;
  JsonObject *o;
  GError *error = NULL;

  push_auth (f, "1");
  mock_http_push (f->mock, "POST", "/v1/orders", 201,
                  "{\"orderId\":\"ORD-1\",\"currency\":\"JPY\",\"totalAmount\":412500.0,"
                  "\"orderItemList\":[{\"quantity\":250,\"product\":{\"productCode\":"
                  "\"4573326590013\"}}]}",
                  0, NULL);
  mock_http_push (f->mock, "PUT", "/v1/orders/ORD-1/confirm", 200,
                  "{\"orderId\":\"ORD-1\",\"orderStatus\":\"ordered\"}", 0, NULL);
  mock_http_push (f->mock, "GET", "/v1/orders/ORD-1/subscribers", 200,
                  "{\"orderedSubscriberList\":[{\"imsi\":\"440103200000001\",\"iccid\":"
                  "\"8981100000000000011\",\"serialNumber\":\"DN1\",\"msisdn\":\"81901\"}]}",
                  0, "x-soracom-next-key: 440103200000001", NULL);
  mock_http_push (f->mock, "GET", "/v1/orders/ORD-1/subscribers", 200,
                  "{\"orderedSubscriberList\":[{\"imsi\":\"440103200000002\",\"simId\":\"S2\"}]}",
                  0, NULL);
  mock_http_push (f->mock, "POST", "/v1/orders/ORD-1/subscribers/register", 204, NULL, 0, NULL);
  mock_http_push (f->mock, "GET", "/v1/orders", 200,
                  "{\"orderList\":[{\"orderId\":\"ORD-1\",\"orderStatus\":\"shipped\"}]}", 0, NULL);

  quote = cloud_client_create_quotation (f->client, items, 1, "ADDR-1", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (quote->order_id, ==, "ORD-1");
  g_assert_cmpint (quote->quantity, ==, 250);
  sent = request_json (mock_http_request (f->mock, 1));
  o = json_node_get_object (sent);
  names = member_names (o);
  g_assert_cmpstr (names, ==, "orderItemList,shippingAddressId"); /* CreateEstimatedOrderRequest */
  item_names = member_names (
      json_array_get_object_element (json_object_get_array_member (o, "orderItemList"), 0));
  g_assert_cmpstr (item_names, ==, "productCode,quantity"); /* OrderItemModel */

  confirmed = cloud_client_confirm_order (f->client, "ORD-1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (confirmed->order_status, ==, "ordered");

  sims = cloud_client_list_ordered_subscribers (f->client, "ORD-1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sims->len, ==, 2);
  g_assert_cmpstr (((CloudOrderedSubscriber *)sims->pdata[0])->serial_number, ==, "DN1");
  g_assert_cmpstr (((CloudOrderedSubscriber *)sims->pdata[1])->sim_id, ==, "S2");
  g_assert_cmpstr (mock_http_request (f->mock, 4)->query, ==,
                   "limit=100&last_evaluated_key=440103200000001");

  g_assert_true (cloud_client_register_ordered_sim (f->client, "ORD-1", NULL, &error));
  g_assert_no_error (error);
  orders = cloud_client_list_orders (f->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (orders->len, ==, 1);
}

static void
test_sandbox (Fixture *f, gconstpointer data)
{
  const char *coverage[] = { "jp", NULL };
  g_autofree char *op = NULL, *names = NULL, *ship_names = NULL;
  g_autoptr (JsonNode) init = NULL, ship = NULL;
  g_autoptr (CloudSandboxSubscriber) sim = NULL;
  GError *error = NULL;

  mock_http_push (
      f->mock, "POST", "/v1/sandbox/init", 201,
      "{\"apiKey\":\"api-SBX\",\"operatorId\":\"OPSANDBOX001\",\"token\":\"TOKEN-SBX\"}", 0, NULL);
  mock_http_push (f->mock, "POST", "/v1/sandbox/subscribers/create", 200,
                  "{\"imsi\":\"001010000000001\",\"registrationSecret\":\"12345\","
                  "\"serialNumber\":\"SBX1\",\"status\":\"ready\"}",
                  0, NULL);
  mock_http_push (f->mock, "POST", "/v1/sandbox/orders/ship", 200, NULL, 0, NULL);

  g_assert_true (cloud_client_sandbox_init (f->client, "test@example.com", "p@ss", TEST_KEY_ID,
                                            TEST_KEY, coverage, &op, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (op, ==, "OPSANDBOX001");
  init = request_json (mock_http_request (f->mock, 0));
  names = member_names (json_node_get_object (init));
  g_assert_cmpstr (names, ==,
                   "authKey,authKeyId,coverageTypes,email,password"); /* sandboxInitRequest */

  sim = cloud_client_sandbox_create_subscriber (f->client, "plan01s", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sim->registration_secret, ==, "12345");
  /* the sandbox session's token, no /auth */
  g_assert_cmpstr (g_hash_table_lookup (mock_http_request (f->mock, 1)->headers, "x-soracom-token"),
                   ==, "TOKEN-SBX");

  g_assert_true (cloud_client_sandbox_ship_order (f->client, "ORD-9", op, NULL, &error));
  g_assert_no_error (error);
  ship = request_json (mock_http_request (f->mock, 2));
  ship_names = member_names (json_node_get_object (ship));
  g_assert_cmpstr (ship_names, ==, "operatorId,orderId"); /* sandboxShipOrderRequest */
  g_assert_cmpuint (mock_http_count_matching (f->mock, "POST", "/v1/auth"), ==, 0);
}

static void
test_credentials (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *ini = g_build_filename (dir, "station.ini", NULL);
  g_autofree char *ini_id_only = g_build_filename (dir, "id-only.ini", NULL);
  g_autoptr (StationConfig) cfg = NULL, cfg_id = NULL;
  g_autoptr (CloudCredentials) c1 = NULL, c2 = NULL, c3 = NULL;
  GError *error = NULL;

  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS"); /* never reach a real keyring */
  g_setenv ("XDG_RUNTIME_DIR", dir, TRUE);
  g_assert_true (g_file_set_contents (ini,
                                      "[soracom]\nauth_key_id = keyId-CONFIG\n"
                                      "auth_key = secret-CONFIG\n",
                                      -1, NULL));
  g_assert_true (
      g_file_set_contents (ini_id_only, "[soracom]\nauth_key_id = keyId-CONFIG\n", -1, NULL));
  g_assert_cmpint (g_chmod (ini, 0600), ==, 0); /* a file holding the key: owner only */
  cfg = station_config_load (ini, &error);
  g_assert_no_error (error);
  cfg_id = station_config_load (ini_id_only, &error);
  g_assert_no_error (error);

  g_setenv ("SORACOM_AUTH_KEY_ID", "keyId-ENV", TRUE);
  g_setenv ("SORACOM_AUTH_KEY", "secret-ENV", TRUE);
  /* config over environment */
  c1 = cloud_credentials_resolve (cfg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c1->auth_key_id, ==, "keyId-CONFIG");
  g_assert_cmpstr (c1->auth_key, ==, "secret-CONFIG");
  g_assert_cmpstr (c1->source, ==, "config");
  /* no config: the environment */
  c2 = cloud_credentials_resolve (NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c2->auth_key_id, ==, "keyId-ENV");
  g_assert_cmpstr (c2->auth_key, ==, "secret-ENV");
  g_assert_cmpstr (c2->source, ==, "environment");
  /* an ID in the config is never paired with the environment's key */
  c3 = cloud_credentials_resolve (cfg_id, NULL, &error);
  g_assert_null (c3);
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_NO_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "keyId-CONFIG"));
  g_assert_cmpint (station_exit_code_for_error (error), ==, STATION_EXIT_USAGE);
  g_clear_error (&error);

  g_unsetenv ("SORACOM_AUTH_KEY_ID");
  g_unsetenv ("SORACOM_AUTH_KEY");
  g_assert_null (cloud_credentials_resolve (NULL, NULL, &error));
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_NO_CREDENTIALS);
  g_clear_error (&error);
}

static void
test_bad_urls (void)
{
  const char *bad[] = { "http://api.soracom.io/v1", "ftp://127.0.0.1/v1", "api.soracom.io",
                        "http://10.0.0.1:8080/v1", "" };
  const char *good[]
      = { CLOUD_API_URL_JAPAN,        CLOUD_API_URL_GLOBAL,     CLOUD_API_URL_SANDBOX,
          "http://127.0.0.1:8080/v1", "http://localhost:1/v1/", "http://[::1]:8080/v1" };
  CloudClientOptions opts;
  GError *error = NULL;

  cloud_client_options_init (&opts);
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    opts.base_url = bad[i];
    g_assert_null (cloud_client_new (&opts, NULL, &error));
    g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_URL);
    g_clear_error (&error);
  }
  for (gsize i = 0; i < G_N_ELEMENTS (good); i++) {
    g_autoptr (CloudClient) c = NULL;

    opts.base_url = good[i];
    c = cloud_client_new (&opts, NULL, &error);
    g_assert_no_error (error);
    g_assert_false (g_str_has_suffix (cloud_client_get_base_url (c), "/"));
  }
}

/* ---- no secret in logs or records ------------------------------------- */

static GString *captured_log;
static GMutex captured_lock;

static GLogWriterOutput
capture_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  g_mutex_lock (&captured_lock);
  for (gsize i = 0; captured_log != NULL && i < n_fields; i++)
    if (fields[i].length < 0)
      g_string_append_printf (captured_log, "%s=%s\n", fields[i].key,
                              (const char *)fields[i].value);
  g_mutex_unlock (&captured_lock);
  /* debug and info stay out of the TAP stream; the rest goes to stderr */
  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_standard_streams (level, fields, n_fields, data);
}

static void
test_no_secrets_logged (Fixture *f, gconstpointer data)
{
  g_autofree char *body = sub_json (TEST_IMSI, "ready", NULL, NULL);
  g_autofree char *path = sub_path (TEST_IMSI, NULL);
  g_autofree char *standby = sub_path (TEST_IMSI, "/set_to_standby");
  g_autoptr (CloudSubscriber) s1 = NULL, s2 = NULL, s3 = NULL;
  GString *all = g_string_new (NULL);
  const char *secrets[] = { "TOKEN-", "api-KEY-", TEST_KEY, "secret-KEY" };
  GError *error = NULL;

  g_mutex_lock (&captured_lock);
  captured_log = g_string_new (NULL);
  g_mutex_unlock (&captured_lock);
  g_log_set_debug_enabled (TRUE);

  push_auth (f, "1");
  mock_http_push (f->mock, "GET", path, 200, body, 0, NULL);
  mock_http_push (f->mock, "GET", path, 401, "{\"code\":\"AUM0001\",\"message\":\"expired\"}", 0,
                  NULL);
  push_auth (f, "2");
  mock_http_push (f->mock, "GET", path, 500, "oops", 0, NULL);
  mock_http_push (f->mock, "GET", path, 200, body, 0, NULL);
  mock_http_push (f->mock, "POST", standby, 400,
                  "{\"code\":\"SEM0016\",\"message\":\"session online\"}", 0, NULL);
  s1 = cloud_client_get_subscriber (f->client, TEST_IMSI, NULL, &error);
  g_assert_no_error (error);
  s2 = cloud_client_get_subscriber (f->client, TEST_IMSI, NULL, &error);
  g_assert_no_error (error);
  s3 = cloud_client_set_to_standby (f->client, TEST_IMSI, NULL, &error);
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_REQUEST);
  g_string_append_printf (all, "%s\n", error->message);
  g_clear_error (&error);

  g_mutex_lock (&captured_lock);
  g_log_set_debug_enabled (FALSE);
  g_mutex_unlock (&captured_lock);
  g_assert_nonnull (strstr (captured_log->str, "GET /subscribers/" TEST_IMSI " -> 401"));
  g_string_append (all, captured_log->str);
  for (guint i = 0; i < f->records->len; i++)
    g_string_append_printf (all, "%s\n", (char *)f->records->pdata[i]);
  g_assert_cmpuint (f->records->len, ==, 7);
  for (gsize i = 0; i < G_N_ELEMENTS (secrets); i++)
    g_assert_null (strstr (all->str, secrets[i]));
  g_string_free (all, TRUE);
  g_mutex_lock (&captured_lock);
  g_string_free (captured_log, TRUE);
  captured_log = NULL;
  g_mutex_unlock (&captured_lock);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_log_set_writer_func (capture_writer, NULL, NULL);
#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/cloud/auth-and-headers", test_auth_and_headers);
  ADD ("/cloud/token-expiry", test_token_expiry);
  ADD ("/cloud/token-401-renewed-once", test_token_401);
  ADD ("/cloud/auth-refused", test_auth_refused);
  ADD ("/cloud/pagination-250", test_pagination);
  ADD ("/cloud/list-filter-query", test_tag_filter_query);
  ADD ("/cloud/tags-encoding", test_tags);
  ADD ("/cloud/imei-lock-body", test_imei_lock);
  ADD ("/cloud/status-calls", test_status_calls);
  ADD ("/cloud/orders", test_orders);
  ADD ("/cloud/sandbox", test_sandbox);
  ADD ("/cloud/no-secrets-logged", test_no_secrets_logged);
  g_test_add_func ("/cloud/credentials-precedence", test_credentials);
  g_test_add_func ("/cloud/bad-urls", test_bad_urls);
  return g_test_run ();
}
