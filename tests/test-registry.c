/* tests/test-registry.c - the Beam registration receiver over loopback
 * HTTP: CONTRACT.md section 4 (signature, version, freshness, replay),
 * malformed and oversize requests, the PSK file, GET /registrations with
 * and without a token, 1000 concurrent registrations, and station-cli
 * registry as a process. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>
#include <unistd.h>

#include "station/beam-signature.h"
#include "station/registry/registry.h"
#include "station/store/store-db.h"
#include "station/store/store.h"
#include "tests/common/test-common.h"

#define PSK   "test-psk-0123"
#define TOKEN "tok-5e3f"
#define IMSI  "440100000000001"
#define IMEI  "356938035643809"

/* A client session that does not ask the desktop for proxy settings (the
 * test's isolated XDG dirs hold no GSettings schemas). */
static SoupSession *
new_session (guint timeout_s)
{
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  return soup_session_new_with_options ("timeout", timeout_s, "proxy-resolver", direct, NULL);
}

typedef struct {
  char *dir;
  Store *store;
  RegistryServer *server;
  char *url;
  SoupSession *session;
  GPtrArray *log;
  GMutex log_lock;
} Fixture;

static void
collect_log (const char *line, gpointer data)
{
  Fixture *f = data;

  g_mutex_lock (&f->log_lock);
  g_ptr_array_add (f->log, g_strdup (line));
  g_mutex_unlock (&f->log_lock);
}

static void
start_server (Fixture *f, const char *token)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) psk = g_bytes_new_static (PSK, strlen (PSK));
  RegistryOptions opts
      = { .psk = psk, .token = token, .max_body = 4096, .log = collect_log, .log_data = f };

  f->server = registry_server_new (f->store, &opts);
  g_assert_true (registry_server_start (f->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (registry_server_get_port (f->server), >, 0);
  f->url = registry_server_get_url (f->server);
}

static void
fixture_setup (Fixture *f, gconstpointer token)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = NULL;

  f->dir = tc_tmpdir ();
  db = g_build_filename (f->dir, "station.db", NULL);
  f->store = store_open (db, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  f->log = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&f->log_lock);
  start_server (f, token);
  f->session = new_session (30);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_object_unref (f->session);
  registry_server_free (f->server);
  store_close (f->store);
  g_ptr_array_unref (f->log);
  g_mutex_clear (&f->log_lock);
  g_free (f->url);
  g_free (f->dir);
}

/* The headers a device's request gets from Beam; NULL fields are left out. */
typedef struct {
  const char *imsi, *imei, *timestamp, *signature, *version;
} Beam;

static char *
now_ts (gint64 offset_ms)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / 1000 + offset_ms);
}

static char *
sign (const char *psk, const char *imsi, const char *imei, const char *ts)
{
  BeamSignedHeaders h = { .imei = imei, .imsi = imsi, .timestamp = ts };

  return beam_signature_compute (psk, strlen (psk), &h);
}

/* Sends a request; returns the status and the body in @body. */
static guint
send (SoupSession *session, const char *method, const char *url, const Beam *beam, const char *auth,
      GBytes *request_body, GInputStream *stream, char **body)
{
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) reply = NULL;
  SoupMessageHeaders *h = soup_message_get_request_headers (msg);

  g_assert_nonnull (msg);
  if (beam != NULL) {
    if (beam->imsi)
      soup_message_headers_append (h, "x-soracom-imsi", beam->imsi);
    if (beam->imei)
      soup_message_headers_append (h, "x-soracom-imei", beam->imei);
    if (beam->timestamp)
      soup_message_headers_append (h, "x-soracom-timestamp", beam->timestamp);
    if (beam->signature)
      soup_message_headers_append (h, "x-soracom-signature", beam->signature);
    if (beam->version)
      soup_message_headers_append (h, "x-soracom-signature-version", beam->version);
  }
  if (auth)
    soup_message_headers_append (h, "Authorization", auth);
  if (request_body)
    soup_message_set_request_body_from_bytes (msg, "text/plain", request_body);
  else if (stream)
    soup_message_set_request_body (msg, "application/octet-stream", stream, -1);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (body)
    *body = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  return soup_message_get_status (msg);
}

static guint
post (Fixture *f, const char *device_id, const Beam *beam, char **body)
{
  g_autofree char *url = g_strdup_printf ("%s%s/register", f->url, device_id);
  g_autoptr (GBytes) b = g_bytes_new_static ("boot ok", 7);

  return send (f->session, "POST", url, beam, NULL, b, NULL, body);
}

static guint
count_records (Fixture *f, const char *device_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = store_registration_list_by_device (f->store, device_id, &error);

  g_assert_no_error (error);
  return list->len;
}

static void
test_valid (Fixture *f, gconstpointer data)
{
  g_autofree char *ts = now_ts (0);
  g_autofree char *sig = sign (PSK, IMSI, IMEI, ts);
  Beam beam = { IMSI, IMEI, ts, sig, BEAM_SIGNATURE_VERSION };
  g_autofree char *body = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreRegistration) r = NULL;

  g_assert_cmpuint (post (f, "dev-0001", &beam, &body), ==, 200);
  g_assert_cmpstr (body, ==, "{\"result\":\"recorded\"}");
  r = store_registration_latest (f->store, "DEV-0001", IMSI, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->device_id, ==, "DEV-0001");
  g_assert_cmpstr (r->imei, ==, IMEI);
  g_assert_cmpstr (r->remote, ==, "127.0.0.1");
  g_assert_cmpint (r->timestamp, ==, g_ascii_strtoll (ts, NULL, 10));
  g_assert_cmpuint (f->log->len, ==, 1);
  g_assert_cmpstr (f->log->pdata[0], ==, "127.0.0.1 POST DEV-0001 200 recorded");
}

static void
test_missing_imei_valid (Fixture *f, gconstpointer data)
{
  g_autofree char *ts = now_ts (-1000);
  g_autofree char *sig = sign (PSK, IMSI, NULL, ts);
  Beam beam = { IMSI, NULL, ts, sig, BEAM_SIGNATURE_VERSION };
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreRegistration) r = NULL;

  g_assert_cmpuint (post (f, "DEV-2", &beam, NULL), ==, 200);
  r = store_registration_latest (f->store, "DEV-2", IMSI, 0, &error);
  g_assert_no_error (error);
  g_assert_null (r->imei);
}

/* Every refused request: its status, its reason, nothing recorded. */
static void
test_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *ts = now_ts (0);
  g_autofree char *stale = now_ts (-6 * 60 * 1000);
  g_autofree char *future = now_ts (6 * 60 * 1000);
  g_autofree char *good = sign (PSK, IMSI, IMEI, ts);
  g_autofree char *wrong_psk = sign ("other-psk", IMSI, IMEI, ts);
  g_autofree char *sig_stale = sign (PSK, IMSI, IMEI, stale);
  g_autofree char *sig_future = sign (PSK, IMSI, IMEI, future);
  g_autofree char *bad_imsi_ts = now_ts (1);
  g_autofree char *sig_bad_imsi = sign (PSK, "44010x", IMEI, bad_imsi_ts);
  g_autofree char *long_id = g_strnfill (65, 'A');
  const struct {
    const char *device_id;
    Beam beam;
    guint status;
    const char *reason;
  } cases[] = {
    { "DEV-3", { IMSI, IMEI, ts, wrong_psk, BEAM_SIGNATURE_VERSION }, 403, "bad signature" },
    { "DEV-3",
      { "440100000000002", IMEI, ts, good, BEAM_SIGNATURE_VERSION },
      403,
      "bad signature" }, /* tampered IMSI */
    { "DEV-3",
      { IMSI, "356938035643800", ts, good, BEAM_SIGNATURE_VERSION },
      403,
      "bad signature" }, /* tampered IMEI */
    { "DEV-3",
      { IMSI, NULL, ts, good, BEAM_SIGNATURE_VERSION },
      403,
      "bad signature" }, /* IMEI dropped */
    { "DEV-3", { IMSI, IMEI, stale, sig_stale, BEAM_SIGNATURE_VERSION }, 403, "stale" },
    { "DEV-3", { IMSI, IMEI, future, sig_future, BEAM_SIGNATURE_VERSION }, 403, "future" },
    { "DEV-3", { IMSI, IMEI, ts, good, "20150101" }, 403, "signature version" },
    { "DEV-3", { IMSI, IMEI, ts, good, NULL }, 403, "missing header x-soracom-signature-version" },
    { "DEV-3",
      { IMSI, IMEI, ts, NULL, BEAM_SIGNATURE_VERSION },
      403,
      "missing header x-soracom-signature" },
    { "DEV-3",
      { NULL, IMEI, ts, good, BEAM_SIGNATURE_VERSION },
      403,
      "missing header x-soracom-imsi" },
    { "DEV-3",
      { IMSI, IMEI, NULL, good, BEAM_SIGNATURE_VERSION },
      403,
      "missing header x-soracom-timestamp" },
    { "DEV-3", { NULL, NULL, NULL, NULL, NULL }, 403, "missing header" },
    { "DEV_3", { IMSI, IMEI, ts, good, BEAM_SIGNATURE_VERSION }, 403, "bad device id" },
    { long_id, { IMSI, IMEI, ts, good, BEAM_SIGNATURE_VERSION }, 403, "bad device id" },
    { "DEV-3",
      { "44010x", IMEI, bad_imsi_ts, sig_bad_imsi, BEAM_SIGNATURE_VERSION },
      403,
      "malformed x-soracom-imsi" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *body = NULL;
    g_autofree char *want = g_strdup_printf ("{\"error\":\"%s", cases[i].reason);
    guint status = post (f, cases[i].device_id, &cases[i].beam, &body);

    g_test_message ("case %u: %u %s", i, status, body);
    g_assert_cmpuint (status, ==, cases[i].status);
    g_assert_true (g_str_has_prefix (body, "{\"error\":\""));
    g_assert_nonnull (strstr (body, cases[i].reason));
    (void)want;
  }
  g_assert_cmpuint (count_records (f, "DEV-3"), ==, 0);
  g_assert_cmpuint (f->log->len, ==, G_N_ELEMENTS (cases));
  g_assert_nonnull (strstr (f->log->pdata[0], "DEV-3 403 bad signature"));
}

static void
test_replay (Fixture *f, gconstpointer data)
{
  g_autofree char *ts = now_ts (0);
  g_autofree char *sig = sign (PSK, IMSI, IMEI, ts);
  Beam beam = { IMSI, IMEI, ts, sig, BEAM_SIGNATURE_VERSION };
  g_autofree char *body = NULL;

  g_assert_cmpuint (post (f, "DEV-4", &beam, NULL), ==, 200);
  g_assert_cmpuint (post (f, "DEV-4", &beam, &body), ==, 403);
  g_assert_nonnull (strstr (body, "replay"));
  /* the same signed headers sent to another device's path */
  g_assert_cmpuint (post (f, "DEV-5", &beam, NULL), ==, 403);
  g_assert_cmpuint (count_records (f, "DEV-4"), ==, 1);
  g_assert_cmpuint (count_records (f, "DEV-5"), ==, 0);
}

static void
test_oversize (Fixture *f, gconstpointer data)
{
  g_autofree char *ts = now_ts (0);
  g_autofree char *sig = sign (PSK, IMSI, IMEI, ts);
  Beam beam = { IMSI, IMEI, ts, sig, BEAM_SIGNATURE_VERSION };
  g_autofree char *url = g_strdup_printf ("%sDEV-6/register", f->url);
  g_autofree char *big = g_strnfill (5000, 'x');
  g_autoptr (GBytes) bytes = g_bytes_new (big, 5000);
  g_autoptr (GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr (SoupSession) fresh = new_session (30);
  g_autofree char *body = NULL, *body2 = NULL;

  /* declared length over the limit */
  g_assert_cmpuint (send (f->session, "POST", url, &beam, NULL, bytes, NULL, &body), ==, 413);
  g_assert_cmpstr (body, ==, "{\"error\":\"request body too large\"}");
  /* chunked, no declared length */
  g_assert_cmpuint (send (fresh, "POST", url, &beam, NULL, NULL, stream, &body2), ==, 413);
  g_assert_cmpuint (count_records (f, "DEV-6"), ==, 0);
  /* still serving */
  g_assert_cmpuint (post (f, "DEV-6", &beam, NULL), ==, 200);
}

static void
test_wrong_method_and_path (Fixture *f, gconstpointer data)
{
  g_autofree char *u1 = g_strdup_printf ("%sDEV-7/register", f->url);
  g_autofree char *u2 = g_strdup_printf ("%sDEV-7/other", f->url);

  g_assert_cmpuint (send (f->session, "GET", u1, NULL, NULL, NULL, NULL, NULL), ==, 405);
  g_assert_cmpuint (send (f->session, "POST", u2, NULL, NULL, NULL, NULL, NULL), ==, 404);
}

static void
test_list_with_token (Fixture *f, gconstpointer data)
{
  g_autofree char *ts = now_ts (0);
  g_autofree char *sig = sign (PSK, IMSI, IMEI, ts);
  Beam beam = { IMSI, IMEI, ts, sig, BEAM_SIGNATURE_VERSION };
  g_autofree char *url = g_strdup_printf ("%sregistrations/dev-8", f->url);
  g_autofree char *body = NULL, *b401 = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *o;

  g_assert_cmpuint (post (f, "DEV-8", &beam, NULL), ==, 200);
  g_assert_cmpuint (send (f->session, "GET", url, NULL, "Bearer " TOKEN, NULL, NULL, &body), ==,
                    200);
  node = json_from_string (body, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 1);
  o = json_array_get_object_element (json_node_get_array (node), 0);
  g_assert_cmpstr (json_object_get_string_member (o, "device_id"), ==, "DEV-8");
  g_assert_cmpstr (json_object_get_string_member (o, "imsi"), ==, IMSI);
  g_assert_cmpstr (json_object_get_string_member (o, "imei"), ==, IMEI);
  g_assert_cmpint (json_object_get_int_member (o, "timestamp"), ==, g_ascii_strtoll (ts, NULL, 10));
  g_assert_cmpstr (json_object_get_string_member (o, "remote"), ==, "127.0.0.1");

  g_assert_cmpuint (send (f->session, "GET", url, NULL, NULL, NULL, NULL, &b401), ==, 401);
  g_assert_nonnull (strstr (b401, "Bearer"));
  g_assert_cmpuint (send (f->session, "GET", url, NULL, "Bearer nope", NULL, NULL, NULL), ==, 403);
  g_assert_cmpuint (send (f->session, "GET", url, NULL, "Bearer " TOKEN "x", NULL, NULL, NULL), ==,
                    403);
}

static void
test_list_without_token (Fixture *f, gconstpointer data)
{
  g_autofree char *url = g_strdup_printf ("%sregistrations/dev-8", f->url);
  g_autofree char *body = NULL;

  g_assert_cmpuint (send (f->session, "GET", url, NULL, "Bearer anything", NULL, NULL, &body), ==,
                    404);
  g_assert_nonnull (strstr (body, "[registry] token"));
}

typedef struct {
  Fixture *f;
  guint index;
  guint count;
  guint ok;
} Client;

#define CLIENT_THREADS 10
#define PER_CLIENT     100

static gpointer
client_thread (gpointer data)
{
  Client *c = data;
  SoupSession *session = NULL;

  for (guint i = 0; i < c->count; i++) {
    g_autofree char *dev = g_strdup_printf ("C%02u-%03u", c->index, i);
    g_autofree char *imsi = g_strdup_printf ("4401%02u%09u", c->index, i);
    g_autofree char *ts = now_ts (-(gint64)i);
    g_autofree char *sig = sign (PSK, imsi, NULL, ts);
    g_autofree char *url = g_strdup_printf ("%s%s/register", c->f->url, dev);
    Beam beam = { imsi, NULL, ts, sig, BEAM_SIGNATURE_VERSION };

    /* a new connection every 20 requests: many client connections */
    if (i % 20 == 0) {
      g_clear_object (&session);
      session = new_session (60);
    }
    if (send (session, "POST", url, &beam, NULL, NULL, NULL, NULL) == 200)
      c->ok++;
  }
  g_clear_object (&session);
  return NULL;
}

static void
test_concurrent_1000 (Fixture *f, gconstpointer data)
{
  Client clients[CLIENT_THREADS];
  GThread *threads[CLIENT_THREADS];
  g_autoptr (GError) error = NULL;
  gint64 n = 0, distinct = 0, t0 = g_get_monotonic_time ();
  StoreDb *db = store_get_db (f->store, &error);

  for (guint i = 0; i < CLIENT_THREADS; i++) {
    clients[i] = (Client){ f, i, PER_CLIENT, 0 };
    threads[i] = g_thread_new ("client", client_thread, &clients[i]);
  }
  for (guint i = 0; i < CLIENT_THREADS; i++) {
    g_thread_join (threads[i]);
    g_assert_cmpuint (clients[i].ok, ==, PER_CLIENT);
  }
  g_test_message ("%d registrations in %.1f s", CLIENT_THREADS * PER_CLIENT,
                  (double)(g_get_monotonic_time () - t0) / G_USEC_PER_SEC);
  g_assert_true (store_db_get_int (db, "SELECT count(*) FROM registrations", &n, &error));
  g_assert_true (store_db_get_int (db, "SELECT count(DISTINCT device_id) FROM registrations",
                                   &distinct, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, CLIENT_THREADS * PER_CLIENT);
  g_assert_cmpint (distinct, ==, CLIENT_THREADS * PER_CLIENT);
  g_assert_cmpuint (registry_server_get_count (f->server), ==, CLIENT_THREADS * PER_CLIENT);
}

static char *
write_psk (const char *dir, const char *content, int mode)
{
  char *path = g_build_filename (dir, "beam.psk", NULL);

  g_assert_true (g_file_set_contents (path, content, -1, NULL));
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
  return path;
}

static void
test_psk_file (void)
{
  static const struct {
    const char *content;
    int mode;
    const char *psk; /* NULL: refused */
    const char *fragment;
  } cases[] = {
    { "secret\n", 0600, "secret", NULL },
    { "secret", 0400, "secret", NULL },
    { "secret\r\n", 0600, "secret", NULL },
    { "secret\n\n", 0600, "secret\n", NULL }, /* one newline only */
    { " sp ace \n", 0600, " sp ace ", NULL },
    { "secret\n", 0644, NULL, "mode 0644" },
    { "secret\n", 0640, NULL, "chmod 600" },
    { "secret\n", 0602, NULL, "mode 0602" },
    { "\n", 0600, NULL, "empty" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *dir = tc_tmpdir ();
    g_autofree char *path = write_psk (dir, cases[i].content, cases[i].mode);
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) psk = registry_psk_load (path, &error);

    if (cases[i].psk != NULL) {
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (psk, NULL), g_bytes_get_size (psk), cases[i].psk,
                       strlen (cases[i].psk));
    } else {
      g_assert_null (psk);
      g_assert_error (error, REGISTRY_ERROR, REGISTRY_ERROR_PSK);
      g_assert_true (g_str_has_prefix (error->message, path));
      g_assert_nonnull (strstr (error->message, cases[i].fragment));
    }
  }
}

static void
test_parse_listen (void)
{
  static const struct {
    const char *text, *host;
    guint port;
  } cases[] = {
    { "127.0.0.1:8888", "127.0.0.1", 8888 },
    { "localhost:0", "127.0.0.1", 0 },
    { "[::1]:9", "::1", 9 },
    { "0.0.0.0:65535", "0.0.0.0", 65535 },
    { "127.0.0.1", NULL, 0 },
    { "127.0.0.1:65536", NULL, 0 },
    { ":80", NULL, 0 },
    { "beam.example:80", NULL, 0 },
    { "127.0.0.1:x", NULL, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree char *host = NULL;
    guint port = 1;
    gboolean ok = registry_parse_listen (cases[i].text, &host, &port, &error);

    if (cases[i].host) {
      g_assert_no_error (error);
      g_assert_cmpstr (host, ==, cases[i].host);
      g_assert_cmpuint (port, ==, cases[i].port);
    } else {
      g_assert_false (ok);
      g_assert_error (error, REGISTRY_ERROR, REGISTRY_ERROR_LISTEN);
    }
  }
}

/* station-cli registry as a process: answers a signed POST, records it in
 * the store given with --db, and stops on SIGTERM. */
static void
test_cli_process (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *psk = write_psk (dir, PSK "\n", 0600);
  g_autofree char *db = g_build_filename (dir, "reg.db", NULL);
  g_autofree char *exe = tc_build_path ("station/station-cli");
  const char *argv[]
      = { exe, "registry", "--listen", "127.0.0.1:0", "--psk-file", psk, "--db", db, NULL };
  g_autofree char *line = NULL, *url = NULL, *ts = now_ts (0);
  g_autofree char *sig = sign (PSK, IMSI, IMEI, ts);
  g_autoptr (SoupSession) session = new_session (30);
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = NULL;
  g_autoptr (GPtrArray) list = NULL;
  Beam beam = { IMSI, IMEI, ts, sig, BEAM_SIGNATURE_VERSION };
  g_autofree char *body = NULL;
  const char *p, *end;
  GPid pid = 0;
  int out_fd = -1;

  line = tc_spawn_first_line (argv, &pid, &out_fd, 30000);
  g_assert_nonnull (line);
  g_test_message ("%s", line);
  p = strstr (line, "http://127.0.0.1:");
  g_assert_nonnull (p);
  end = strchr (p, ' ');
  url = g_strdup_printf ("%.*sCLI-DEV-1/register", (int)(end - p), p);
  g_assert_cmpuint (send (session, "POST", url, &beam, NULL, NULL, NULL, &body), ==, 200);
  g_assert_cmpstr (body, ==, "{\"result\":\"recorded\"}");
  tc_kill (pid, 5000);
  close (out_fd);

  store = store_open (db, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  list = store_registration_list_by_device (store, "cli-dev-1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
}

static void
test_cli_refuses_open_psk (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *psk = write_psk (dir, PSK "\n", 0644);
  g_autofree char *db = g_build_filename (dir, "reg.db", NULL);
  g_autofree char *exe = tc_build_path ("station/station-cli");
  const char *argv[]
      = { exe, "registry", "--listen", "127.0.0.1:0", "--psk-file", psk, "--db", db, NULL };
  const char *argv2[] = { exe, "registry", "--psk-file", psk, NULL };
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  g_autofree char *want = NULL;

  g_assert_cmpint (tc_run (argv, &out, &err, 30000), ==, 2);
  want = g_strdup_printf ("station-cli: registry: %s: the PSK file has mode 0644", psk);
  g_assert_true (g_str_has_prefix (err, want));
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpint (tc_run (argv2, &out2, &err2, 30000), ==, 2);
  g_assert_nonnull (strstr (err2, "--listen"));
}

int
main (int argc, char **argv)
{
  /* GSocketClient asks the default proxy resolver even when the session has
   * its own; the GNOME one needs GSettings schemas that the isolated test
   * dirs do not have.  Loopback needs no proxy. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  tc_init (&argc, &argv);
#define ADD(path, token, fn) g_test_add (path, Fixture, token, fixture_setup, fn, fixture_teardown)
  ADD ("/registry/post/valid", TOKEN, test_valid);
  ADD ("/registry/post/missing-imei-valid", TOKEN, test_missing_imei_valid);
  ADD ("/registry/post/refused", TOKEN, test_refused);
  ADD ("/registry/post/replay", TOKEN, test_replay);
  ADD ("/registry/post/oversize", TOKEN, test_oversize);
  ADD ("/registry/http/wrong-method-and-path", TOKEN, test_wrong_method_and_path);
  ADD ("/registry/list/with-token", TOKEN, test_list_with_token);
  ADD ("/registry/list/without-token", NULL, test_list_without_token);
  ADD ("/registry/post/concurrent-1000", NULL, test_concurrent_1000);
#undef ADD
  g_test_add_func ("/registry/psk-file", test_psk_file);
  g_test_add_func ("/registry/parse-listen", test_parse_listen);
  g_test_add_func ("/registry/cli/process", test_cli_process);
  g_test_add_func ("/registry/cli/refuses-open-psk", test_cli_refuses_open_psk);
  return g_test_run ();
}
