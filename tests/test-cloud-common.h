/* tests/test-cloud-common.h - helpers shared by the SORACOM API client
 * tests: a client pointed at the mock server with short, test-sized
 * timings, scripted /auth answers, Subscriber JSON and an observer that
 * keeps every record as text. */
#pragma once

#include <json-glib/json-glib.h>
#include <string.h>

#include "station/cloud/cloud-client.h"
#include "tests/common/mock-http.h"
#include "tests/common/test-common.h"

#define TEST_IMSI   "440103100000001"
#define TEST_KEY_ID "keyId-test0000000000000000000000000"
#define TEST_KEY    "secret-KEYabcdefghijklmnopqrstuvwxyz0123456789"

typedef struct {
  MockHttp *mock;
  CloudClient *client;
  GMutex lock;
  GPtrArray *records; /* char *: "operation METHOD path status retry api_code error" */
} Fixture;

G_GNUC_UNUSED static void
on_record (const CloudCallRecord *r, gpointer data)
{
  Fixture *f = data;
  char *line
      = g_strdup_printf ("%s %s %s %u %u %s %s", r->operation, r->method, r->path, r->status,
                         r->retry, r->api_code ? r->api_code : "-", r->error ? r->error : "-");

  g_mutex_lock (&f->lock);
  g_ptr_array_add (f->records, line);
  g_mutex_unlock (&f->lock);
}

/* Test timings: no pacing, 10-50 ms backoff, a 10 s budget. */
G_GNUC_UNUSED static void
test_options (CloudClientOptions *opts, const char *url)
{
  cloud_client_options_init (opts);
  opts->base_url = url;
  opts->rate_per_s = 0;
  opts->backoff_initial_ms = 10;
  opts->backoff_max_ms = 50;
  opts->budget_ms = 10000;
  opts->connect_timeout_ms = 3000;
  opts->timeout_ms = 5000;
}

G_GNUC_UNUSED static void
fixture_open_with (Fixture *f, const CloudClientOptions *opts_in)
{
  g_autoptr (CloudCredentials) creds = cloud_credentials_new (TEST_KEY_ID, TEST_KEY);
  CloudClientOptions opts;
  GError *error = NULL;

  if (opts_in != NULL)
    opts = *opts_in;
  else
    test_options (&opts, mock_http_url (f->mock));
  opts.base_url = mock_http_url (f->mock);
  f->client = cloud_client_new (&opts, creds, &error);
  g_assert_no_error (error);
  cloud_client_set_observer (f->client, on_record, f);
}

G_GNUC_UNUSED static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_mutex_init (&f->lock);
  f->records = g_ptr_array_new_with_free_func (g_free);
  f->mock = mock_http_new ();
  fixture_open_with (f, NULL);
}

G_GNUC_UNUSED static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_assert_cmpstr (mock_http_mismatches (f->mock), ==, "");
  g_clear_pointer (&f->client, cloud_client_free);
  mock_http_free (f->mock);
  g_ptr_array_unref (f->records);
  g_mutex_clear (&f->lock);
}

/* Replaces the client with one made from @opts (URL filled in). */
G_GNUC_UNUSED static void
fixture_reopen (Fixture *f, const CloudClientOptions *opts)
{
  g_clear_pointer (&f->client, cloud_client_free);
  fixture_open_with (f, opts);
}

G_GNUC_UNUSED static void
push_auth (Fixture *f, const char *n)
{
  g_autofree char *body = g_strdup_printf (
      "{\"apiKey\":\"api-KEY-%s\",\"operatorId\":\"OP0012345678\",\"token\":\"TOKEN-%s\"}", n, n);

  mock_http_push (f->mock, "POST", "/v1/auth", 200, body, 0, NULL);
}

/* A Subscriber object as the API returns it. */
G_GNUC_UNUSED static char *
sub_json (const char *imsi, const char *status, const char *imei_lock, const char *tags_json)
{
  g_autofree char *lock
      = imei_lock ? g_strdup_printf ("{\"imei\":\"%s\"}", imei_lock) : g_strdup ("null");

  return g_strdup_printf (
      "{\"imsi\":\"%s\",\"iccid\":\"8981100000000000001\",\"simId\":\"8981100000000000001\","
      "\"msisdn\":\"819000000001\",\"status\":\"%s\",\"speedClass\":\"s1.standard\","
      "\"subscription\":\"plan01s\",\"moduleType\":\"nano\",\"groupId\":null,"
      "\"serialNumber\":\"DN000001\",\"imeiLock\":%s,"
      "\"sessionStatus\":{\"online\":false,\"imei\":null},\"tags\":%s,"
      "\"lastModifiedAt\":1700000000000,\"createdAt\":1690000000000,\"futureField\":[1,2]}",
      imsi, status, lock, tags_json ? tags_json : "{}");
}

G_GNUC_UNUSED static char *
sub_path (const char *imsi, const char *suffix)
{
  return g_strdup_printf ("/v1/subscribers/%s%s", imsi, suffix ? suffix : "");
}

/* The request body of @req parsed (asserting it is JSON). */
G_GNUC_UNUSED static JsonNode *
request_json (const MockHttpRequest *req)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  GError *error = NULL;

  json_parser_load_from_data (p, req->body, -1, &error);
  g_assert_no_error (error);
  return json_parser_steal_root (p);
}

/* Sorted member names of a JSON object, joined by ",". */
G_GNUC_UNUSED static char *
member_names (JsonObject *o)
{
  g_autoptr (GList) names = g_list_sort (json_object_get_members (o), (GCompareFunc)strcmp);
  GString *s = g_string_new (NULL);

  for (GList *l = names; l != NULL; l = l->next)
    g_string_append_printf (s, "%s%s", s->len ? "," : "", (const char *)l->data);
  return g_string_free (s, FALSE);
}

G_GNUC_UNUSED static guint
count_records (Fixture *f, const char *prefix)
{
  guint n = 0;

  g_mutex_lock (&f->lock);
  for (guint i = 0; i < f->records->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (f->records, i), prefix))
      n++;
  g_mutex_unlock (&f->lock);
  return n;
}
