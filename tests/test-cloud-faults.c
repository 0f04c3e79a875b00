/* tests/test-cloud-faults.c - the SORACOM API client under faults: 429
 * storms and the call budget, 5xx then success, a timed-out mutation that
 * did succeed (read back, not repeated), bad JSON, error codes in GError,
 * refused connections, cancellation, and threads sharing one client and its
 * rate budget. */
#include "tests/test-cloud-common.h"

#include "station/station-error.h"

static void
test_429_waits_header (Fixture *f, gconstpointer data)
{
  g_autofree char *body = sub_json (TEST_IMSI, "ready", NULL, NULL);
  g_autofree char *path = sub_path (TEST_IMSI, NULL);
  g_autoptr (CloudSubscriber) sub = NULL;
  GError *error = NULL;
  gint64 t0;

  push_auth (f, "1");
  mock_http_push (f->mock, "GET", path, 429, "{\"code\":\"COM0009\",\"message\":\"rate\"}", 0,
                  "X-Soracom-Ratelimit-Limit: 10", "X-Soracom-Ratelimit-Remaining: 0",
                  "X-Soracom-Ratelimit-Seconds-Before-Refresh: 1", NULL);
  mock_http_push (f->mock, "GET", path, 200, body, 0, NULL);
  t0 = g_get_monotonic_time ();
  sub = cloud_client_get_subscriber (f->client, TEST_IMSI, NULL, &error);
  g_assert_no_error (error);
  /* it waited what the header said (1 s), not its 10-50 ms backoff */
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 990000);
  g_assert_cmpuint (mock_http_count (f->mock), ==, 3);
  g_assert_cmpuint (count_records (f, "getSubscriber GET /subscribers/" TEST_IMSI " 429 0 COM0009"),
                    ==, 1);
  g_assert_cmpuint (count_records (f, "getSubscriber GET /subscribers/" TEST_IMSI " 200 1"), ==, 1);
}

static MockHttpReply *
storm_handler (const MockHttpRequest *req, gpointer data)
{
  return mock_http_reply_new (429, "{\"code\":\"COM0009\",\"message\":\"Too many requests\"}", 0,
                              data, NULL);
}

static void
test_429_storm_budget (Fixture *f, gconstpointer data)
{
  CloudClientOptions opts;
  g_autoptr (CloudSubscriber) sub = NULL;
  GError *error = NULL;
  gint64 t0;

  test_options (&opts, NULL);
  opts.budget_ms = 2500;
  fixture_reopen (f, &opts);
  push_auth (f, "1");
  mock_http_set_handler (f->mock, storm_handler,
                         (gpointer) "X-Soracom-Ratelimit-Seconds-Before-Refresh: 1");
  t0 = g_get_monotonic_time ();
  sub = cloud_client_get_subscriber (f->client, TEST_IMSI, NULL, &error);
  g_assert_null (sub);
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BUDGET_EXHAUSTED);
  g_assert_nonnull (strstr (error->message, "budget"));
  g_assert_nonnull (strstr (error->message, "HTTP 429 COM0009"));
  g_assert_cmpuint (station_cloud_error_get_http_status (error), ==, 429);
  g_assert_cmpint (station_exit_code_for_error (error), ==, STATION_EXIT_CLOUD);
  /* it gave up as soon as the next wait would pass the budget: 2 waits of 1 s fit */
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 2500000 + 1500000);
  g_assert_cmpuint (mock_http_count (f->mock), <=, 1 + 3);
  g_clear_error (&error);
}

/* A 429 refused the request before any work: a storm of them does not use
 * up the attempts (max_attempts 3 here), only the call's budget ends it. */
static void
test_429_attempts (Fixture *f, gconstpointer data)
{
  CloudClientOptions opts;
  g_autoptr (CloudSubscriber) sub = NULL;
  GError *error = NULL;

  test_options (&opts, NULL);
  opts.max_attempts = 3;
  opts.budget_ms = 1500;
  fixture_reopen (f, &opts);
  push_auth (f, "1");
  /* fractional seconds and Retry-After are honoured too */
  mock_http_set_handler (f->mock, storm_handler, (gpointer) "Retry-After: 0.05");
  sub = cloud_client_get_subscriber (f->client, TEST_IMSI, NULL, &error);
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BUDGET_EXHAUSTED);
  g_assert_nonnull (strstr (error->message, "HTTP 429 COM0009"));
  g_assert_cmpstr (station_cloud_error_get_api_code (error), ==, "COM0009");
  /* more than max_attempts, each at least 100 ms apart (a 0.05 s wait is
   * raised to the floor): at most 1500 / 100 of them */
  g_assert_cmpuint (mock_http_count (f->mock), >, 1 + 3);
  g_assert_cmpuint (mock_http_count (f->mock), <=, 1 + 16);
  g_clear_error (&error);
}

/* Five 429s in a row, then the answer: with max_attempts 3 the call still
 * succeeds (a 429 storm slows the line down, it does not fail units). */
static void
test_429_storm_then_ok (Fixture *f, gconstpointer data)
{
  g_autofree char *body = sub_json (TEST_IMSI, "active", NULL, NULL);
  g_autofree char *path = sub_path (TEST_IMSI, NULL);
  CloudClientOptions opts;
  g_autoptr (CloudSubscriber) sub = NULL;
  GError *error = NULL;

  test_options (&opts, NULL);
  opts.max_attempts = 3;
  fixture_reopen (f, &opts);
  push_auth (f, "1");
  for (guint i = 0; i < 5; i++)
    mock_http_push (f->mock, "GET", path, 429, "{\"code\":\"COM0009\",\"message\":\"rate\"}", 0,
                    "Retry-After: 0", NULL);
  mock_http_push (f->mock, "GET", path, 200, body, 0, NULL);
  sub = cloud_client_get_subscriber (f->client, TEST_IMSI, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sub->status, ==, "active");
  g_assert_cmpuint (count_records (f, "getSubscriber GET /subscribers/" TEST_IMSI " 429"), ==, 5);
}

static void
test_500_then_ok (Fixture *f, gconstpointer data)
{
  g_autofree char *body = sub_json (TEST_IMSI, "active", NULL, NULL);
  g_autofree char *path = sub_path (TEST_IMSI, NULL);
  g_autoptr (CloudSubscriber) sub = NULL;
  GError *error = NULL;

  push_auth (f, "1");
  mock_http_push (f->mock, "GET", path, 500, "{\"code\":\"ERR0001\",\"message\":\"internal\"}", 0,
                  NULL);
  mock_http_push (f->mock, "GET", path, 503, "<html>unavailable</html>", 0, NULL);
  mock_http_push (f->mock, "GET", path, 200, body, 0, NULL);
  sub = cloud_client_get_subscriber (f->client, TEST_IMSI, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sub->status, ==, "active");
  g_assert_cmpuint (count_records (f, "getSubscriber GET /subscribers/" TEST_IMSI " 500 0 ERR0001"),
                    ==, 1);
  g_assert_cmpuint (count_records (f, "getSubscriber GET /subscribers/" TEST_IMSI " 503 1"), ==, 1);
  g_assert_cmpuint (count_records (f, "getSubscriber GET /subscribers/" TEST_IMSI " 200 2"), ==, 1);
}

static void
test_500_exhausted (Fixture *f, gconstpointer data)
{
  g_autofree char *path = sub_path (TEST_IMSI, NULL);
  g_autoptr (CloudSubscriber) sub = NULL;
  GError *error = NULL;

  push_auth (f, "1");
  for (int i = 0; i < 5; i++)
    mock_http_push (f->mock, "GET", path, 502, "<html>bad gateway</html>", 0, NULL);
  sub = cloud_client_get_subscriber (f->client, TEST_IMSI, NULL, &error);
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "HTTP 502: <html>bad gateway</html>"));
  g_assert_nonnull (strstr (error->message, "after 5 attempts"));
  g_assert_cmpuint (mock_http_pending (f->mock), ==, 0);
  g_clear_error (&error);
}

/* A mutation that times out on the client but succeeded on the server: the
 * read-back finds the wanted state and the call is not repeated. */
static void
test_timeout_mutation_read_back (Fixture *f, gconstpointer data)
{
  g_autofree char *standby = sub_json (TEST_IMSI, "standby", NULL, NULL);
  g_autofree char *ready = sub_json (TEST_IMSI, "ready", NULL, NULL);
  g_autofree char *post = sub_path (TEST_IMSI, "/set_to_standby");
  g_autofree char *get = sub_path (TEST_IMSI, NULL);
  g_autoptr (CloudSubscriber) sub = NULL, sub2 = NULL;
  CloudClientOptions opts;
  GError *error = NULL;

  test_options (&opts, NULL);
  opts.timeout_ms = 300;
  fixture_reopen (f, &opts);
  push_auth (f, "1");
  mock_http_push (f->mock, "POST", post, 200, standby, 3000, NULL); /* answers too late */
  mock_http_push (f->mock, "GET", get, 200, standby, 0, NULL);
  sub = cloud_client_set_to_standby (f->client, TEST_IMSI, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sub->status_code, ==, CLOUD_SIM_STATUS_STANDBY);
  g_assert_cmpuint (mock_http_count_matching (f->mock, "POST", post), ==, 1);
  g_assert_cmpuint (mock_http_count_matching (f->mock, "GET", get), ==, 1);
  g_assert_cmpuint (count_records (f, "setSubscriberToStandby POST"), ==, 1);
  g_assert_cmpuint (count_records (f, "setSubscriberToStandby POST /subscribers/" TEST_IMSI
                                      "/set_to_standby 0 0 - no complete answer"),
                    ==, 1);

  /* the same when it did not take effect: repeated once after the read-back */
  mock_http_push (f->mock, "POST", post, 200, standby, 3000, NULL);
  mock_http_push (f->mock, "GET", get, 200, ready, 0, NULL);
  mock_http_push (f->mock, "POST", post, 200, standby, 0, NULL);
  sub2 = cloud_client_set_to_standby (f->client, TEST_IMSI, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mock_http_count_matching (f->mock, "POST", post), ==, 3);
  g_assert_cmpuint (mock_http_pending (f->mock), ==, 0);
}

/* A 5xx on put-tags: read back, already there, not repeated. */
static void
test_5xx_mutation_read_back (Fixture *f, gconstpointer data)
{
  const CloudTag tags[] = { { "device_id", "DEV-7" }, { "batch", "B-1" } };
  g_autofree char *tagged = sub_json (TEST_IMSI, "ready", NULL,
                                      "{\"device_id\":\"DEV-7\",\"batch\":\"B-1\",\"x\":\"y\"}");
  g_autofree char *put = sub_path (TEST_IMSI, "/tags");
  g_autofree char *get = sub_path (TEST_IMSI, NULL);
  g_autoptr (CloudSubscriber) sub = NULL;
  GError *error = NULL;

  push_auth (f, "1");
  mock_http_push (f->mock, "PUT", put, 504, "gateway timeout", 0, NULL);
  mock_http_push (f->mock, "GET", get, 200, tagged, 0, NULL);
  sub = cloud_client_put_subscriber_tags (f->client, TEST_IMSI, tags, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cloud_subscriber_get_tag (sub, "batch"), ==, "B-1");
  g_assert_cmpuint (mock_http_count_matching (f->mock, "PUT", put), ==, 1);
}

/* confirmOrder answered 502 but went through: the order reads back as
 * orderProcessing (a confirmed order pending payment, soracom-api.en.yaml
 * GetOrderResponse.orderStatus), so it is not confirmed again (the API would
 * refuse a second confirmation). */
static void
test_confirm_read_back_processing (Fixture *f, gconstpointer data)
{
  g_autoptr (CloudOrder) order = NULL;
  GError *error = NULL;

  push_auth (f, "1");
  mock_http_push (f->mock, "PUT", "/v1/orders/ORD-7/confirm", 502, "bad gateway", 0, NULL);
  mock_http_push (f->mock, "GET", "/v1/orders/ORD-7", 200,
                  "{\"orderId\":\"ORD-7\",\"orderStatus\":\"orderProcessing\"}", 0, NULL);
  order = cloud_client_confirm_order (f->client, "ORD-7", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (order->order_status, ==, "orderProcessing");
  g_assert_cmpuint (mock_http_count_matching (f->mock, "PUT", "/v1/orders/ORD-7/confirm"), ==, 1);
  g_assert_cmpuint (mock_http_pending (f->mock), ==, 0);
}

/* No way to read back registerOrderedSim: an uncertain attempt is an error
 * that says so, never a blind repeat. */
static void
test_uncertain_without_read_back (Fixture *f, gconstpointer data)
{
  CloudClientOptions opts;
  GError *error = NULL;

  test_options (&opts, NULL);
  opts.timeout_ms = 300;
  fixture_reopen (f, &opts);
  push_auth (f, "1");
  mock_http_push (f->mock, "POST", "/v1/orders/ORD-1/subscribers/register", 204, NULL, 3000, NULL);
  g_assert_false (cloud_client_register_ordered_sim (f->client, "ORD-1", NULL, &error));
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "may have taken effect"));
  g_assert_cmpuint (mock_http_count (f->mock), ==, 2);
  g_clear_error (&error);
}

static void
test_bad_json (Fixture *f, gconstpointer data)
{
  g_autofree char *path = sub_path (TEST_IMSI, NULL);
  const char *bodies[] = {
    "{\"imsi\":\"4401031",               /* truncated */
    "<html>maintenance</html>",          /* not JSON */
    "[1,2,3]",                           /* not an object */
    "{\"iccid\":\"898110\"}",            /* no imsi */
    "{\"imsi\":\"440\",\"tags\":\"x\"}", /* tags not an object */
    "{\"imsi\":\"440\",\"sessionStatus\":{\"online\":\"yes\"}}",
  };
  GError *error = NULL;

  push_auth (f, "1");
  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++) {
    g_autoptr (CloudSubscriber) sub = NULL;

    mock_http_push (f->mock, "GET", path, 200, bodies[i], 0, NULL);
    sub = cloud_client_get_subscriber (f->client, TEST_IMSI, NULL, &error);
    g_assert_null (sub);
    g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE);
    g_assert_true (g_str_has_prefix (error->message, "SORACOM API GET /subscribers/"));
    g_clear_error (&error);
  }
  /* not retried: one GET per body */
  g_assert_cmpuint (mock_http_count (f->mock), ==, 1 + G_N_ELEMENTS (bodies));
}

static void
test_error_codes (Fixture *f, gconstpointer data)
{
  g_autofree char *standby = sub_path (TEST_IMSI, "/set_to_standby");
  g_autofree char *get = sub_path ("440109999999999", NULL);
  g_autoptr (CloudSubscriber) s1 = NULL, s2 = NULL, s3 = NULL;
  GError *error = NULL;

  push_auth (f, "1");
  mock_http_push (f->mock, "POST", standby, 400,
                  "{\"code\":\"SEM0016\",\"message\":\"The subscriber has an online session\"}", 0,
                  NULL);
  mock_http_push (f->mock, "GET", get, 404,
                  "{\"code\":\"SEM0001\",\"message\":\"No such subscriber\"}", 0, NULL);
  mock_http_push (f->mock, "POST", standby, 403,
                  "{\"errorMessage\":{\"code\":\"AUM0010\",\"message\":\"denied\"},"
                  "\"httpStatus\":403}",
                  0, NULL);

  s1 = cloud_client_set_to_standby (f->client, TEST_IMSI, NULL, &error);
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_REQUEST);
  g_assert_cmpstr (error->message, ==,
                   "SORACOM API POST /subscribers/" TEST_IMSI
                   "/set_to_standby: HTTP 400 SEM0016: The subscriber has an online session");
  g_assert_cmpstr (station_cloud_error_get_api_code (error), ==, "SEM0016");
  g_assert_cmpuint (station_cloud_error_get_http_status (error), ==, 400);
  g_assert_cmpint (station_exit_code_for_error (error), ==, STATION_EXIT_CLOUD);
  g_clear_error (&error);

  s2 = cloud_client_get_subscriber (f->client, "440109999999999", NULL, &error);
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "HTTP 404 SEM0001: No such subscriber"));
  g_clear_error (&error);

  s3 = cloud_client_set_to_standby (f->client, TEST_IMSI, NULL, &error);
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_FORBIDDEN);
  g_assert_cmpstr (station_cloud_error_get_api_code (error), ==, "AUM0010");
  g_clear_error (&error);
  /* 4xx are not retried */
  g_assert_cmpuint (mock_http_count (f->mock), ==, 4);
}

static void
test_connection_refused (void)
{
  g_autoptr (GSocket) sock
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (CloudCredentials) creds = cloud_credentials_new (TEST_KEY_ID, TEST_KEY);
  g_autoptr (CloudClient) c = NULL;
  g_autofree char *url = NULL;
  CloudClientOptions opts;
  GError *error = NULL;

  /* a port that was just free: bound, never listened on */
  g_assert_true (g_socket_bind (sock, any, FALSE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/v1",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  test_options (&opts, url);
  opts.max_attempts = 3;
  c = cloud_client_new (&opts, creds, &error);
  g_assert_no_error (error);
  g_assert_false (cloud_client_authenticate (c, NULL, &error));
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_TRANSPORT);
  g_assert_nonnull (strstr (error->message, "POST /auth"));
  g_assert_nonnull (strstr (error->message, "after 3 attempts"));
  g_assert_cmpint (station_exit_code_for_error (error), ==, STATION_EXIT_CLOUD);
  g_clear_error (&error);
}

static gpointer
cancel_when_asked (gpointer data)
{
  Fixture *f = ((gpointer *)data)[0];
  GCancellable *cancellable = ((gpointer *)data)[1];

  /* wait for the first GET to be seen, then cancel during the backoff */
  g_assert_true (mock_http_wait_count (f->mock, 2, 10000));
  g_cancellable_cancel (cancellable);
  return NULL;
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autofree char *path = sub_path (TEST_IMSI, NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (CloudSubscriber) sub = NULL;
  CloudClientOptions opts;
  gpointer args[2];
  GThread *thread;
  GError *error = NULL;
  gint64 t0;

  test_options (&opts, NULL);
  opts.backoff_initial_ms = 20000; /* a long wait that only cancellation can cut short */
  opts.backoff_max_ms = 20000;
  opts.budget_ms = 60000;
  fixture_reopen (f, &opts);
  push_auth (f, "1");
  mock_http_push (f->mock, "GET", path, 503, "busy", 0, NULL);
  args[0] = f;
  args[1] = cancellable;
  thread = g_thread_new ("cancel", cancel_when_asked, args);
  t0 = g_get_monotonic_time ();
  sub = cloud_client_get_subscriber (f->client, TEST_IMSI, cancellable, &error);
  g_thread_join (thread);
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 9000000);
  g_clear_error (&error);

  /* already cancelled: nothing is sent */
  g_assert_null (cloud_client_get_subscriber (f->client, TEST_IMSI, cancellable, &error));
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_CANCELLED);
  g_assert_cmpuint (mock_http_count (f->mock), ==, 2);
  g_clear_error (&error);
}

/* ---- threads ---------------------------------------------------------- */

#define N_THREADS        4
#define CALLS_PER_THREAD 10

static MockHttpReply *
sub_handler (const MockHttpRequest *req, gpointer data)
{
  const char *imsi = strrchr (req->path, '/') + 1;
  g_autofree char *body = sub_json (imsi, "ready", NULL, NULL);

  if (strcmp (req->path, "/v1/auth") == 0)
    return mock_http_reply_new (200, "{\"apiKey\":\"api-KEY-T\",\"token\":\"TOKEN-T\"}", 20, NULL);
  return mock_http_reply_new (200, body, 0, NULL);
}

static gpointer
worker (gpointer data)
{
  Fixture *f = data;
  guint ok = 0;

  for (guint i = 0; i < CALLS_PER_THREAD; i++) {
    g_autofree char *imsi = g_strdup_printf ("4401031000%05u", g_random_int_range (0, 99999));
    GError *error = NULL;
    g_autoptr (CloudSubscriber) sub = cloud_client_get_subscriber (f->client, imsi, NULL, &error);

    if (sub != NULL && g_strcmp0 (sub->imsi, imsi) == 0)
      ok++;
    g_clear_error (&error);
  }
  return GUINT_TO_POINTER (ok);
}

static void
test_threads_share_budget (Fixture *f, gconstpointer data)
{
  GThread *threads[N_THREADS];
  CloudClientOptions opts;
  guint ok = 0;
  gint64 t0;

  test_options (&opts, NULL);
  opts.rate_per_s = 100;
  opts.rate_burst = 5;
  fixture_reopen (f, &opts);
  mock_http_set_handler (f->mock, sub_handler, NULL);
  t0 = g_get_monotonic_time ();
  for (int i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("slot", worker, f);
  for (int i = 0; i < N_THREADS; i++)
    ok += GPOINTER_TO_UINT (g_thread_join (threads[i]));
  g_assert_cmpuint (ok, ==, N_THREADS * CALLS_PER_THREAD);
  /* one /auth shared by all threads */
  g_assert_cmpuint (mock_http_count_matching (f->mock, "POST", "/v1/auth"), ==, 1);
  /* 41 requests at 100/s after a burst of 5 take at least 0.36 s */
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 350000);
  g_assert_cmpuint (f->records->len, ==, 1 + N_THREADS * CALLS_PER_THREAD);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/cloud/faults/429-waits-header", test_429_waits_header);
  ADD ("/cloud/faults/429-storm-budget", test_429_storm_budget);
  ADD ("/cloud/faults/429-attempts", test_429_attempts);
  ADD ("/cloud/faults/429-storm-then-ok", test_429_storm_then_ok);
  ADD ("/cloud/faults/500-then-ok", test_500_then_ok);
  ADD ("/cloud/faults/5xx-exhausted", test_500_exhausted);
  ADD ("/cloud/faults/timeout-mutation-read-back", test_timeout_mutation_read_back);
  ADD ("/cloud/faults/5xx-mutation-read-back", test_5xx_mutation_read_back);
  ADD ("/cloud/faults/confirm-read-back-order-processing", test_confirm_read_back_processing);
  ADD ("/cloud/faults/uncertain-without-read-back", test_uncertain_without_read_back);
  ADD ("/cloud/faults/bad-json", test_bad_json);
  ADD ("/cloud/faults/error-codes", test_error_codes);
  ADD ("/cloud/faults/cancel", test_cancel);
  ADD ("/cloud/faults/threads-share-budget", test_threads_share_budget);
  g_test_add_func ("/cloud/faults/connection-refused", test_connection_refused);
  return g_test_run ();
}
