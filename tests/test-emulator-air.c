/* tests/test-emulator-air.c - the emulator's air side and sandbox over HTTP
 * on loopback: Beam forwarding to a test receiver (signature checked with
 * station/beam-signature.h), the metadata service, and the sandbox flow
 * init -> order created, confirmed, shipped -> subscribers listed. */
#define G_LOG_DOMAIN "test-emulator"

#include <string.h>

#include "station/beam-signature.h"
#include "tests/common/test-common.h"
#include "tests/emulator-client.h"

#define IMEI_A "490154203237518"
#define PSK    "beam-test-psk"

/* A Beam target: a SoupServer in its own thread recording requests. */
typedef struct {
  GThread *thread;
  GMainContext *ctx;
  GMainLoop *loop;
  GMutex lock;
  GCond cond;
  guint port;
  gboolean ready;
  GPtrArray *paths;   /* char* */
  GPtrArray *headers; /* GHashTable* lower-case name -> value */
  GPtrArray *bodies;  /* char* */
} Receiver;

static void
on_beam (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
         gpointer data)
{
  Receiver *rc = data;
  GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  SoupMessageHeadersIter it;
  const char *name, *value;
  g_autoptr (GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  soup_message_headers_iter_init (&it, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&it, &name, &value))
    g_hash_table_replace (h, g_ascii_strdown (name, -1), g_strdup (value));
  g_mutex_lock (&rc->lock);
  g_ptr_array_add (rc->paths, g_strdup (path));
  g_ptr_array_add (rc->headers, h);
  g_ptr_array_add (rc->bodies, g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body)));
  g_mutex_unlock (&rc->lock);
  soup_server_message_set_status (msg, 201, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "registered", 10);
}

static gpointer
receiver_thread (gpointer data)
{
  Receiver *rc = data;
  g_autoptr (GError) error = NULL;
  SoupServer *server;
  GSList *uris;

  g_main_context_push_thread_default (rc->ctx);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, on_beam, rc, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_mutex_lock (&rc->lock);
  rc->port = (guint)g_uri_get_port (uris->data);
  rc->ready = TRUE;
  g_cond_signal (&rc->cond);
  g_mutex_unlock (&rc->lock);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  g_main_loop_run (rc->loop);
  soup_server_disconnect (server);
  g_object_unref (server);
  g_main_context_pop_thread_default (rc->ctx);
  return NULL;
}

static Receiver *
receiver_start (void)
{
  Receiver *rc = g_new0 (Receiver, 1);

  g_mutex_init (&rc->lock);
  g_cond_init (&rc->cond);
  rc->ctx = g_main_context_new ();
  rc->loop = g_main_loop_new (rc->ctx, FALSE);
  rc->paths = g_ptr_array_new_with_free_func (g_free);
  rc->headers = g_ptr_array_new_with_free_func ((GDestroyNotify)g_hash_table_unref);
  rc->bodies = g_ptr_array_new_with_free_func (g_free);
  rc->thread = g_thread_new ("beam-receiver", receiver_thread, rc);
  g_mutex_lock (&rc->lock);
  while (!rc->ready)
    g_cond_wait (&rc->cond, &rc->lock);
  g_mutex_unlock (&rc->lock);
  return rc;
}

static void
receiver_stop (Receiver *rc)
{
  g_main_loop_quit (rc->loop);
  g_thread_join (rc->thread);
  g_main_loop_unref (rc->loop);
  g_main_context_unref (rc->ctx);
  g_ptr_array_unref (rc->paths);
  g_ptr_array_unref (rc->headers);
  g_ptr_array_unref (rc->bodies);
  g_mutex_clear (&rc->lock);
  g_cond_clear (&rc->cond);
  g_free (rc);
}

static Emu *
start_with_beam (Receiver *rc, char **dir_out)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *psk = g_build_filename (dir, "psk", NULL);
  g_autofree char *target = g_strdup_printf ("http://127.0.0.1:%u/beam-in/", rc->port);
  const char *args[] = { "--beam-target", target, "--beam-psk", psk, NULL };

  /* the trailing newline of the file is not part of the key */
  g_assert_true (g_file_set_contents (psk, PSK "\n", -1, NULL));
  *dir_out = g_steal_pointer (&dir);
  return ec_start (args);
}

static void
test_beam (void)
{
  Receiver *rc = receiver_start ();
  g_autofree char *dir = NULL;
  Emu *e = start_with_beam (rc, &dir);
  g_autofree char *imsi = ec_seed_imsi (e, 0), *other = ec_seed_imsi (e, 1);
  g_autofree char *expected = NULL;
  g_autoptr (Reply) r = NULL;
  GHashTable *h;
  BeamSignedHeaders sh = { 0 };

  r = ec_air (e, "POST", "/beam/DEV-42/register", imsi, IMEI_A, "{\"fw\":\"1.0\"}");
  g_assert_cmpuint (r->status, ==, 201); /* the target's answer is relayed */
  g_assert_cmpstr (r->body, ==, "registered");
  g_clear_pointer (&r, reply_free);
  g_mutex_lock (&rc->lock);
  g_assert_cmpuint (rc->paths->len, ==, 1);
  g_assert_cmpstr (rc->paths->pdata[0], ==, "/beam-in/DEV-42/register");
  g_assert_cmpstr (rc->bodies->pdata[0], ==, "{\"fw\":\"1.0\"}");
  h = rc->headers->pdata[0];
  g_assert_cmpstr (g_hash_table_lookup (h, "x-soracom-imsi"), ==, imsi);
  g_assert_cmpstr (g_hash_table_lookup (h, "x-soracom-imei"), ==, IMEI_A);
  g_assert_cmpstr (g_hash_table_lookup (h, "x-soracom-signature-version"), ==, "20151001");
  sh.imsi = imsi;
  sh.imei = IMEI_A;
  sh.timestamp = g_hash_table_lookup (h, "x-soracom-timestamp");
  g_assert_nonnull (sh.timestamp);
  g_assert_cmpint (g_ascii_strtoll (sh.timestamp, NULL, 10) - g_get_real_time () / 1000, <, 60000);
  expected = beam_signature_compute (PSK, strlen (PSK), &sh);
  g_assert_true (beam_signature_equal (expected, g_hash_table_lookup (h, "x-soracom-signature")));
  g_mutex_unlock (&rc->lock);
  /* the Beam request was the SIM's first traffic */
  ec_auth (e);
  {
    g_autofree char *st = ec_status (e, imsi);
    g_assert_cmpstr (st, ==, "active");
  }

  /* no IMEI: no x-soracom-imei, and the signature leaves it out */
  r = ec_air (e, "POST", "/beam/DEV-43/register", other, NULL, "x");
  g_assert_cmpuint (r->status, ==, 201);
  g_clear_pointer (&r, reply_free);
  g_mutex_lock (&rc->lock);
  h = rc->headers->pdata[1];
  g_assert_null (g_hash_table_lookup (h, "x-soracom-imei"));
  sh.imsi = other;
  sh.imei = NULL;
  sh.timestamp = g_hash_table_lookup (h, "x-soracom-timestamp");
  g_free (expected);
  expected = beam_signature_compute (PSK, strlen (PSK), &sh);
  g_assert_true (beam_signature_equal (expected, g_hash_table_lookup (h, "x-soracom-signature")));
  g_mutex_unlock (&rc->lock);

  /* refused SIMs never reach the target */
  r = ec_callf (e, "POST", NULL, "/v1/subscribers/%s/suspend", other);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  r = ec_air (e, "POST", "/beam/DEV-43/register", other, NULL, "x");
  g_assert_cmpuint (r->status, ==, 403);
  g_clear_pointer (&r, reply_free);
  r = ec_air (e, "GET", "/beam/DEV-43/register", imsi, IMEI_A, NULL);
  g_assert_cmpuint (r->status, ==, 405);
  g_clear_pointer (&r, reply_free);
  g_mutex_lock (&rc->lock);
  g_assert_cmpuint (rc->paths->len, ==, 2);
  g_mutex_unlock (&rc->lock);
  ec_stop (e);
  receiver_stop (rc);
}

static void
test_beam_unreachable (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *psk = g_build_filename (dir, "psk", NULL);
  const char *args[] = { "--beam-target", "http://127.0.0.1:9/", "--beam-psk", psk, NULL };
  Emu *e;
  g_autofree char *imsi = NULL;
  g_autoptr (Reply) r = NULL;

  g_assert_true (g_file_set_contents (psk, PSK, -1, NULL));
  e = ec_start (args);
  imsi = ec_seed_imsi (e, 0);
  r = ec_air (e, "POST", "/beam/x", imsi, IMEI_A, "x");
  g_assert_cmpuint (r->status, ==, 502);
  ec_stop (e);
}

static void
test_metadata (void)
{
  Emu *e = ec_start (NULL);
  g_autofree char *imsi = ec_seed_imsi (e, 0);
  g_autoptr (Reply) r = NULL;

  r = ec_air (e, "GET", "/metadata/v1/subscriber", imsi, IMEI_A, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (reply_str (r, "imsi"), ==, imsi);
  g_clear_pointer (&r, reply_free);
  r = ec_air (e, "PUT", "/metadata/v1/subscriber/tags", imsi, IMEI_A,
              "[{\"tagName\":\"selftest\",\"tagValue\":\"pass v=3.30\"}]");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (reply_object (r), "tags"), "selftest"),
                   ==, "pass v=3.30");
  g_clear_pointer (&r, reply_free);
  r = ec_air (e, "GET", "/metadata/v1/subscriber.tags.selftest", imsi, IMEI_A, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (r->body, ==, "pass v=3.30");
  g_clear_pointer (&r, reply_free);
  r = ec_air (e, "GET", "/metadata/v1/subscriber.imsi", imsi, IMEI_A, NULL);
  g_assert_cmpstr (r->body, ==, imsi);
  g_clear_pointer (&r, reply_free);
  r = ec_air (e, "GET", "/metadata/v1/subscriber.tags.nothing", imsi, IMEI_A, NULL);
  g_assert_cmpuint (r->status, ==, 404);
  g_clear_pointer (&r, reply_free);
  r = ec_air (e, "PUT", "/metadata/v1/subscriber/tags", imsi, IMEI_A, "[{\"tagName\":\"x\"}]");
  g_assert_cmpuint (r->status, ==, 400);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/metadata/v1/subscriber", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 400); /* no X-Emulated-IMSI */
  g_clear_pointer (&r, reply_free);
  /* the API sees what the device wrote */
  ec_auth (e);
  r = ec_callf (e, "GET", NULL, "/v1/subscribers/%s", imsi);
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (reply_object (r), "tags"), "selftest"),
                   ==, "pass v=3.30");
  g_assert_true (json_object_get_boolean_member (
      json_object_get_object_member (reply_object (r), "sessionStatus"), "online"));
  ec_stop (e);
}

static void
test_sandbox_flow (void)
{
  Emu *e = ec_start (NULL);
  g_autoptr (Reply) r = NULL;
  g_autofree char *op = NULL, *order = NULL, *ship = NULL, *first = NULL;
  JsonArray *list;
  guint listed = 0;

  r = ec_call (e, "POST", "/v1/sandbox/init", "{\"email\":\"a@example.com\",\"password\":\"p\"}",
               NULL);
  g_assert_cmpuint (r->status, ==, 400); /* authKeyId, authKey required */
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "POST", "/v1/sandbox/init",
               "{\"email\":\"a@example.com\",\"password\":\"p\",\"authKeyId\":\"keyId-x\","
               "\"authKey\":\"secret-x\",\"coverageTypes\":[\"jp\"]}",
               NULL);
  g_assert_cmpuint (r->status, ==, 201);
  e->api_key = g_strdup (reply_str (r, "apiKey"));
  e->token = g_strdup (reply_str (r, "token"));
  op = g_strdup (reply_str (r, "operatorId"));
  g_clear_pointer (&r, reply_free);

  /* a new operator has no SIMs */
  r = ec_call (e, "GET", "/v1/subscribers", NULL, NULL);
  g_assert_cmpuint (json_array_get_length (reply_array (r)), ==, 0);
  g_clear_pointer (&r, reply_free);

  r = ec_call (e, "POST", "/v1/orders",
               "{\"orderItemList\":[{\"productCode\":\"4573326590013\",\"quantity\":5}],"
               "\"shippingAddressId\":\"addr-1\"}",
               NULL);
  g_assert_cmpuint (r->status, ==, 201);
  order = g_strdup (reply_str (r, "orderId"));
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/orders/%s", order);
  g_assert_cmpuint (r->status, ==, 404); /* a quotation is not an order yet */
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "PUT", NULL, "/v1/orders/%s/confirm", order);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (reply_str (r, "orderStatus"), ==, "ordered");
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "PUT", NULL, "/v1/orders/%s/confirm", order);
  g_assert_cmpuint (r->status, ==, 400);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/orders/%s/subscribers", order);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (
                        json_object_get_array_member (reply_object (r), "orderedSubscriberList")),
                    ==, 0);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "POST", NULL, "/v1/orders/%s/subscribers/register", order);
  g_assert_cmpuint (r->status, ==, 400); /* not shipped */
  g_clear_pointer (&r, reply_free);

  ship = g_strdup_printf ("{\"orderId\":\"%s\",\"operatorId\":\"OP0012345678\"}", order);
  r = ec_call (e, "POST", "/v1/sandbox/orders/ship", ship, NULL);
  g_assert_cmpuint (r->status, ==, 400); /* another operator's order */
  g_clear_pointer (&r, reply_free);
  g_free (ship);
  ship = g_strdup_printf ("{\"orderId\":\"%s\",\"operatorId\":\"%s\"}", order, op);
  r = ec_call (e, "POST", "/v1/sandbox/orders/ship", ship, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/orders/%s", order);
  g_assert_cmpstr (reply_str (r, "orderStatus"), ==, "shipped");
  g_clear_pointer (&r, reply_free);

  /* its subscribers, two per page */
  for (guint page = 0; page < 10; page++) {
    const char *next;
    r = first ? ec_callf (e, "GET", NULL, "/v1/orders/%s/subscribers?limit=2&last_evaluated_key=%s",
                          order, first)
              : ec_callf (e, "GET", NULL, "/v1/orders/%s/subscribers?limit=2", order);
    g_assert_cmpuint (r->status, ==, 200);
    list = json_object_get_array_member (reply_object (r), "orderedSubscriberList");
    listed += json_array_get_length (list);
    for (guint i = 0; i < json_array_get_length (list); i++) {
      JsonObject *s = json_array_get_object_element (list, i);
      g_assert_nonnull (json_object_get_string_member (s, "iccid"));
      g_assert_nonnull (json_object_get_string_member (s, "serialNumber"));
    }
    next = soup_message_headers_get_one (r->headers, "x-soracom-next-key");
    g_free (first);
    first = g_strdup (next);
    g_clear_pointer (&r, reply_free);
    if (first == NULL)
      break;
  }
  g_assert_cmpuint (listed, ==, 5);

  /* registered, they are the operator's ready SIMs */
  r = ec_callf (e, "POST", NULL, "/v1/orders/%s/subscribers/register", order);
  g_assert_cmpuint (r->status, ==, 204);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/v1/subscribers?status_filter=ready", NULL, NULL);
  g_assert_cmpuint (json_array_get_length (reply_array (r)), ==, 5);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/v1/orders", NULL, NULL);
  list = json_object_get_array_member (reply_object (r), "orderList");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_clear_pointer (&r, reply_free);

  /* a sandbox-created SIM joins with its registration secret */
  r = ec_call (e, "POST", "/v1/sandbox/subscribers/create", "{\"subscription\":\"plan-D\"}", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  {
    g_autofree char *imsi = g_strdup (reply_str (r, "imsi"));
    g_autofree char *body
        = g_strdup_printf ("{\"registrationSecret\":\"%s\"}", reply_str (r, "registrationSecret"));
    g_clear_pointer (&r, reply_free);
    g_assert_true (g_str_has_prefix (imsi, "44010"));
    r = ec_callf (e, "POST", "{\"registrationSecret\":\"wrong\"}", "/v1/subscribers/%s/register",
                  imsi);
    g_assert_cmpuint (r->status, ==, 400);
    g_clear_pointer (&r, reply_free);
    r = ec_callf (e, "POST", body, "/v1/subscribers/%s/register", imsi);
    g_assert_cmpuint (r->status, ==, 201);
    g_assert_cmpstr (reply_str (r, "subscription"), ==, "plan-D");
    g_clear_pointer (&r, reply_free);
  }
  ec_stop (e);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/emulator/beam", test_beam);
  g_test_add_func ("/emulator/beam-unreachable", test_beam_unreachable);
  g_test_add_func ("/emulator/metadata", test_metadata);
  g_test_add_func ("/emulator/sandbox-flow", test_sandbox_flow);
  return g_test_run ();
}
