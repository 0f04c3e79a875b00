/* tests/test-registry-events.c - POST /events on the registry service (the
 * receiver of SORACOM event-handler web requests): the secret header
 * (401/403, nothing recorded), events recorded per IMSI, duplicates
 * idempotent, bad events refused, the 0600 secret file, and no /events
 * without a secret. */
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "station/registry/registry-events.h"
#include "station/registry/registry.h"
#include "station/store/store.h"
#include "tests/common/test-common.h"

#define PSK    "test-psk-0123"
#define SECRET "ev-secret-77aa"
#define IMSI   "440100000000001"
#define IMSI2  "440100000000002"

typedef struct {
  char *dir;
  Store *store;
  RegistryServer *server;
  char *url;
  SoupSession *session;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer with_secret)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = NULL, *csv = tc_data_path ("store", "csv", "ok-basic.csv", NULL);
  g_autoptr (GBytes) psk = g_bytes_new_static (PSK, strlen (PSK));
  g_autoptr (GBytes) secret = g_bytes_new_static (SECRET, strlen (SECRET));
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr (GPtrArray) sims = NULL;
  g_autoptr (StoreBatch) batch = store_batch_new ("B1", "csv");
  g_autoptr (StoreUnit) unit = NULL;
  RegistryOptions opts = { .psk = psk, .events_secret = with_secret ? secret : NULL };

  f->dir = tc_tmpdir ();
  db = g_build_filename (f->dir, "station.db", NULL);
  f->store = store_open (db, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  sims = store_sim_csv_load (csv, &error);
  g_assert_true (store_batch_import (f->store, batch, sims, &error));
  unit = store_unit_create (f->store, "DEV-1", "B1", "st", 0, NULL, &error);
  g_assert_true (store_unit_claim (f->store, "DEV-1", NULL, IMSI, NULL, &error));
  g_assert_true (store_unit_set_state (f->store, "DEV-1", STORE_UNIT_PASSED, NULL, &error));
  g_assert_no_error (error);
  f->server = registry_server_new (f->store, &opts);
  g_assert_true (registry_server_start (f->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  f->url = registry_server_get_url (f->server);
  f->session = soup_session_new_with_options ("timeout", 30, "proxy-resolver", direct, NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_object_unref (f->session);
  registry_server_free (f->server);
  store_close (f->store);
  g_free (f->url);
  tc_rm_rf (f->dir);
  g_free (f->dir);
}

/* POST /events?<query> with @secret (NULL: no header); the status, and the
 * body in *@body when not NULL. */
static guint
post (Fixture *f, const char *method, const char *query, const char *secret, char **body)
{
  g_autofree char *url
      = g_strdup_printf ("%sevents%s%s", f->url, query ? "?" : "", query ? query : "");
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GBytes) payload = g_bytes_new_static ("{\"event\":\"x\"}", 13);
  g_autoptr (GError) error = NULL;

  if (secret != NULL)
    soup_message_headers_append (soup_message_get_request_headers (msg),
                                 REGISTRY_EVENTS_SECRET_HEADER, secret);
  if (strcmp (method, "POST") == 0)
    soup_message_set_request_body_from_bytes (msg, "application/json", payload);
  reply = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  if (body != NULL)
    *body = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  return soup_message_get_status (msg);
}

static guint
count_events (Fixture *f, const char *imsi)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = store_sim_event_list_by_imsi (f->store, imsi, &error);

  g_assert_no_error (error);
  return list->len;
}

static void
test_record_and_duplicates (Fixture *f, gconstpointer data)
{
  g_autofree char *b1 = NULL, *b2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  gint64 first = 0;

  g_assert_cmpuint (post (f, "POST", "event=first_use&imsi=" IMSI, SECRET, &b1), ==, 200);
  g_assert_nonnull (strstr (b1, "\"recorded\""));
  g_assert_cmpuint (post (f, "POST", "event=first_use&imsi=" IMSI, SECRET, &b2), ==, 200);
  g_assert_nonnull (strstr (b2, "\"duplicate\""));
  g_assert_cmpuint (post (f, "POST", "event=daily_limit&imsi=" IMSI, SECRET, NULL), ==, 200);
  g_assert_cmpuint (
      post (f, "POST", "event=imei_mismatch&imsi=" IMSI2 "&imei=490154203237518", SECRET, NULL), ==,
      200);
  g_assert_cmpuint (count_events (f, IMSI), ==, 2);
  g_assert_cmpuint (count_events (f, IMSI2), ==, 1);

  list = store_sim_event_list_by_imsi (f->store, IMSI, &error);
  g_assert_cmpstr (((StoreSimEvent *)g_ptr_array_index (list, 0))->remote, ==, "127.0.0.1");
  g_assert_cmpstr (((StoreSimEvent *)g_ptr_array_index (list, 0))->device_id, ==, "DEV-1");
  /* the unit's first use is the event's time */
  g_assert_true (store_unit_get_first_use (f->store, IMSI, &first, &error));
  g_assert_cmpint (first, ==, ((StoreSimEvent *)g_ptr_array_index (list, 0))->at);
  g_assert_cmpint (first, >, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = store_sim_event_list_by_imsi (f->store, IMSI2, &error);
  g_assert_cmpstr (((StoreSimEvent *)g_ptr_array_index (list, 0))->imei, ==, "490154203237518");
}

static void
test_refused (Fixture *f, gconstpointer data)
{
  static const struct {
    const char *method, *query, *secret;
    guint status;
  } cases[] = {
    { "POST", "event=first_use&imsi=" IMSI, NULL, 401 },
    { "POST", "event=first_use&imsi=" IMSI, "wrong", 403 },
    { "POST", "event=first_use&imsi=" IMSI, SECRET "x", 403 },
    { "POST", "event=first_use&imsi=" IMSI, "", 403 },
    { "POST", "event=reboot&imsi=" IMSI, SECRET, 400 },
    { "POST", "imsi=" IMSI, SECRET, 400 },
    { "POST", "event=first_use&imsi=4401", SECRET, 400 },
    { "POST", "event=first_use&imsi=%24%7Bimsi%7D", SECRET, 400 }, /* ${imsi} not substituted */
    { "POST", "event=first_use", SECRET, 400 },
    { "GET", "event=first_use&imsi=" IMSI, SECRET, 405 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_test_message ("case %zu: %s %s", i, cases[i].method, cases[i].query);
    g_assert_cmpuint (post (f, cases[i].method, cases[i].query, cases[i].secret, NULL), ==,
                      cases[i].status);
  }
  g_assert_cmpuint (count_events (f, IMSI), ==, 0);
}

static void
test_disabled (Fixture *f, gconstpointer data)
{
  g_autofree char *body = NULL;

  g_assert_cmpuint (post (f, "POST", "event=first_use&imsi=" IMSI, SECRET, &body), ==, 404);
  g_assert_nonnull (strstr (body, "not configured"));
  g_assert_cmpuint (count_events (f, IMSI), ==, 0);
}

static void
test_secret_file (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "events.secret", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) ok = NULL, open = NULL;

  g_assert_true (g_file_set_contents (path, SECRET "\n", -1, &error));
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  open = registry_events_secret_load (path, &error);
  g_assert_null (open);
  g_assert_error (error, REGISTRY_ERROR, REGISTRY_ERROR_PSK);
  g_assert_nonnull (strstr (error->message, "the events secret file has mode 0644"));
  g_assert_nonnull (strstr (error->message, "chmod 600"));
  g_assert_null (strstr (error->message, "PSK"));
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  ok = registry_events_secret_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (ok, NULL), g_bytes_get_size (ok), SECRET, strlen (SECRET));
  tc_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add ("/registry-events/record-duplicates", Fixture, "on", fixture_setup,
              test_record_and_duplicates, fixture_teardown);
  g_test_add ("/registry-events/refused", Fixture, "on", fixture_setup, test_refused,
              fixture_teardown);
  g_test_add ("/registry-events/disabled", Fixture, NULL, fixture_setup, test_disabled,
              fixture_teardown);
  g_test_add_func ("/registry-events/secret-file", test_secret_file);
  return g_test_run ();
}
