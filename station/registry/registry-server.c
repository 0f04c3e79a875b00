/* station/registry/registry-server.c - the Beam registration receiver over
 * HTTP (libsoup SoupServer) on a thread of its own. */
#define G_LOG_DOMAIN "station-registry"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "drivers/identity.h"
#include "station/registry/registry-listener.h"
#include "station/registry/registry-events.h"
#include "station/registry/registry.h"

struct _RegistryServer {
  Store *store;
  GBytes *psk;
  GBytes *events_secret;
  char *token;
  gsize max_body;
  gint64 max_skew_ms;
  guint max_connections;
  guint request_timeout_ms;
  RegistryLogFunc log;
  gpointer log_data;

  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *soup;
  RegistryListener *listener;
  char *host;
  guint want_port;
  guint port;
  guint count; /* atomic */

  GMutex lock;
  GCond cond;
  gboolean started; /* the thread has listened (or failed to) */
  GError *start_error;
};

/* Body bytes counted while reading a request (bounded memory). */
typedef struct {
  gsize bytes;
} BodyCount;

/* Every field of a log line is escaped: a request's method and path are
 * whatever the peer sent, control bytes included. */
static void
log_line (RegistryServer *s, SoupServerMessage *msg, const char *device_id, guint status,
          const char *reason)
{
  const char *remote = soup_server_message_get_remote_host (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *who = device_id ? device_id : uri ? g_uri_get_path (uri) : NULL;
  g_autofree char *e_remote = registry_log_escape (remote ? remote : "-");
  g_autofree char *e_method = registry_log_escape (soup_server_message_get_method (msg));
  g_autofree char *e_who = registry_log_escape (who && *who ? who : "-");
  g_autofree char *e_reason = registry_log_escape (reason);
  g_autofree char *line
      = g_strdup_printf ("%s %s %s %u %s", e_remote, e_method, e_who, status, e_reason);

  g_atomic_int_inc (&s->count);
  if (s->log != NULL)
    s->log (line, s->log_data);
  else
    g_message ("%s", line);
}

static void
respond_json (SoupServerMessage *msg, guint status, JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  gsize len = strlen (text);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), len);
}

static void
respond (RegistryServer *s, SoupServerMessage *msg, guint status, const char *reason,
         const char *device_id)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, status == 200 ? "result" : "error");
  json_builder_add_string_value (b, reason);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  respond_json (msg, status, node);
  log_line (s, msg, device_id, status, reason);
}

static void
got_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer data)
{
  BodyCount *c = data;

  c->bytes += g_bytes_get_size (chunk);
}

/* Before the body: the body is never used, so its bytes are counted, not
 * kept, for every request, the refused ones included (bounded memory);
 * a declared oversize body is refused with 413 and "Connection: close".
 * libsoup still reads a declared body before it writes any answer (at
 * once only for "Expect: 100-continue"), so a refused body is read and
 * dropped within the request deadline (registry-listener.c). */
static void
early_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
               gpointer data)
{
  RegistryServer *s = data;
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  BodyCount *count;

  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  count = g_new0 (BodyCount, 1);
  g_object_set_data_full (G_OBJECT (msg), "registry-body-count", count, g_free);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk), count);
  if (soup_message_headers_get_encoding (h) == SOUP_ENCODING_CONTENT_LENGTH
      && (gsize)soup_message_headers_get_content_length (h) > s->max_body) {
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                  "close");
    respond (s, msg, 413, "request body too large", NULL);
  }
}

static gboolean
token_equal (const char *a, const char *b)
{
  gsize n = strlen (a), m = strlen (b);
  guint diff = n == m ? 0 : 1;

  for (gsize i = 0; i < m; i++)
    diff |= (guint)(a[i % (n ? n : 1)] ^ b[i]);
  return diff == 0 && n == m;
}

static void
handle_list (RegistryServer *s, SoupServerMessage *msg, const char *path)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (JsonBuilder) b = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *id = NULL;
  const char *raw = path + strlen ("/registrations/");

  if (s->token == NULL) {
    respond (s, msg, 404, "registrations endpoint disabled (set [registry] token)", NULL);
    return;
  }
  if (auth == NULL || !g_str_has_prefix (auth, "Bearer ")) {
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer");
    respond (s, msg, 401, "missing Authorization: Bearer <token>", NULL);
    return;
  }
  if (!token_equal (s->token, auth + strlen ("Bearer "))) {
    respond (s, msg, 403, "wrong token", NULL);
    return;
  }
  id = identity_device_id_normalize (raw, NULL);
  if (id == NULL) {
    respond (s, msg, 400, "bad device id (1-64 characters from A-Z a-z 0-9 - .)", NULL);
    return;
  }
  list = store_registration_list_by_device (s->store, id, &error);
  if (list == NULL) {
    g_warning ("%s", error->message);
    respond (s, msg, 500, "store error", id);
    return;
  }
  b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++) {
    const StoreRegistration *r = list->pdata[i];

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "device_id");
    json_builder_add_string_value (b, r->device_id);
    json_builder_set_member_name (b, "imsi");
    json_builder_add_string_value (b, r->imsi);
    json_builder_set_member_name (b, "imei");
    if (r->imei)
      json_builder_add_string_value (b, r->imei);
    else
      json_builder_add_null_value (b);
    json_builder_set_member_name (b, "timestamp");
    json_builder_add_int_value (b, r->timestamp);
    json_builder_set_member_name (b, "remote");
    json_builder_add_string_value (b, r->remote ? r->remote : "");
    json_builder_set_member_name (b, "received_at");
    json_builder_add_int_value (b, r->received_at);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  node = json_builder_get_root (b);
  respond_json (msg, 200, node);
  log_line (s, msg, id, 200, "listed");
}

static void
handle_register (RegistryServer *s, SoupServerMessage *msg, const char *path)
{
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  BodyCount *count = g_object_get_data (G_OBJECT (msg), "registry-body-count");
  RegistryRequest req = {
    .path = path,
    .imsi = soup_message_headers_get_one (h, "x-soracom-imsi"),
    .imei = soup_message_headers_get_one (h, "x-soracom-imei"),
    .msisdn = soup_message_headers_get_one (h, "x-soracom-msisdn"),
    .sim_id = soup_message_headers_get_one (h, "x-soracom-sim-id"),
    .timestamp = soup_message_headers_get_one (h, "x-soracom-timestamp"),
    .signature = soup_message_headers_get_one (h, "x-soracom-signature"),
    .signature_version = soup_message_headers_get_one (h, "x-soracom-signature-version"),
  };
  RegistryVerdict v;
  g_autoptr (GError) error = NULL;
  StoreRegistration reg = { 0 };

  if (count != NULL && count->bytes > s->max_body) {
    respond (s, msg, 413, "request body too large", NULL);
    return;
  }
  registry_verify (&req, s->psk, store_now_ms (), s->max_skew_ms, &v);
  if (v.status != 200) {
    respond (s, msg, v.status, v.reason, v.device_id);
    registry_verdict_clear (&v);
    return;
  }
  reg.device_id = v.device_id;
  reg.imsi = (char *)req.imsi;
  reg.imei = (char *)req.imei;
  reg.timestamp = v.timestamp;
  reg.signature = g_ascii_strdown (req.signature, -1);
  reg.remote = (char *)soup_server_message_get_remote_host (msg);
  if (store_registration_add (s->store, &reg, &error))
    respond (s, msg, 200, "recorded", v.device_id);
  else if (g_error_matches (error, STATION_STORE_ERROR, STORE_ERROR_EXISTS))
    respond (s, msg, 403, "replay (already recorded)", v.device_id);
  else {
    g_warning ("%s", error->message);
    respond (s, msg, 500, "store error", v.device_id);
  }
  g_free (reg.signature);
  registry_verdict_clear (&v);
}

/* POST /events: SORACOM event-handler web requests (registry-events.h). */
static void
handle_events (RegistryServer *s, SoupServerMessage *msg, GHashTable *query)
{
  RegistryEventRequest req = {
    .method = soup_server_message_get_method (msg),
    .secret = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                            REGISTRY_EVENTS_SECRET_HEADER),
    .event = query ? g_hash_table_lookup (query, "event") : NULL,
    .imsi = query ? g_hash_table_lookup (query, "imsi") : NULL,
    .imei = query ? g_hash_table_lookup (query, "imei") : NULL,
    .remote = soup_server_message_get_remote_host (msg),
  };
  const char *reason = "events receiver not configured (no events secret)";
  guint status = 404;

  if (s->events_secret != NULL)
    status = registry_events_handle (s->store, s->events_secret, &req, store_now_ms (), &reason);
  /* only a well-formed IMSI reaches the log */
  respond (s, msg, status, reason,
           req.imsi && identity_imsi_check (req.imsi, NULL) ? req.imsi : NULL);
}

typedef void (*RouteFunc) (RegistryServer *s, SoupServerMessage *msg, const char *path);

/* The paths the receiver serves, tried in order: a path matches by its
 * prefix (or, for suffix rows, its ending); a matching path with another
 * method is 405 naming the usage.  Another endpoint is one more row. */
static const struct {
  const char *prefix; /* NULL: match by suffix */
  const char *suffix;
  const char *method;
  RouteFunc handle;
  const char *usage;
} routes[] = {
  { "/registrations/", NULL, "GET", handle_list, "GET /registrations/<device_id>" },
  { NULL, "/register", "POST", handle_register, "POST /<device_id>/register" },
};

static void
handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
         gpointer data)
{
  RegistryServer *s = data;
  const char *method = soup_server_message_get_method (msg);

  /* SORACOM event-handler web requests: registry-events.c checks the
   * method with the secret */
  if (strcmp (path, REGISTRY_EVENTS_PATH) == 0) {
    handle_events (s, msg, query);
    return;
  }
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++) {
    g_autofree char *why = NULL;

    if (routes[i].prefix ? !g_str_has_prefix (path, routes[i].prefix)
                         : !g_str_has_suffix (path, routes[i].suffix))
      continue;
    if (strcmp (method, routes[i].method) == 0) {
      routes[i].handle (s, msg, path);
      return;
    }
    why = g_strdup_printf ("method not allowed (%s)", routes[i].usage);
    respond (s, msg, 405, why, NULL);
    return;
  }
  respond (s, msg, 404, "unknown path: POST /<device_id>/register", NULL);
}

/* Request progress, for the listener's per-request deadline. */
static void
on_request_read (SoupServer *server, SoupServerMessage *msg, gpointer data)
{
  RegistryServer *s = data;

  registry_listener_request_busy (s->listener, soup_server_message_get_remote_address (msg), TRUE);
}

static void
on_request_done (SoupServer *server, SoupServerMessage *msg, gpointer data)
{
  RegistryServer *s = data;

  registry_listener_request_busy (s->listener, soup_server_message_get_remote_address (msg), FALSE);
}

static void
on_accept (GSocketConnection *conn, gpointer data)
{
  RegistryServer *s = data;
  GSocket *sock = g_socket_connection_get_socket (conn);
  g_autoptr (GSocketAddress) local = g_socket_get_local_address (sock, NULL);
  g_autoptr (GSocketAddress) remote = g_socket_get_remote_address (sock, NULL);
  g_autoptr (GError) error = NULL;

  if (!soup_server_accept_iostream (s->soup, G_IO_STREAM (conn), local, remote, &error))
    g_warning ("cannot serve a connection: %s", error->message);
}

static void
on_listener_note (const char *note, gpointer data)
{
  RegistryServer *s = data;
  g_autofree char *line = g_strdup_printf ("- - - 0 %s", note);

  if (s->log != NULL)
    s->log (line, s->log_data);
  else
    g_message ("%s", note);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gpointer
server_thread (gpointer data)
{
  RegistryServer *s = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) addr = g_inet_address_new_from_string (s->host);
  g_autoptr (GSocketAddress) sa = NULL;

  g_main_context_push_thread_default (s->context);
  s->soup = soup_server_new ("server-header", "station-registry", NULL);
  soup_server_add_early_handler (s->soup, NULL, early_handler, s, NULL);
  soup_server_add_handler (s->soup, NULL, handler, s, NULL);
  g_signal_connect (s->soup, "request-read", G_CALLBACK (on_request_read), s);
  g_signal_connect (s->soup, "request-finished", G_CALLBACK (on_request_done), s);
  g_signal_connect (s->soup, "request-aborted", G_CALLBACK (on_request_done), s);
  sa = g_inet_socket_address_new (addr, (guint16)s->want_port);
  s->listener = registry_listener_new (s->context, sa, s->max_connections, s->request_timeout_ms,
                                       on_accept, on_listener_note, s, &error);
  if (s->listener != NULL)
    s->port = registry_listener_get_port (s->listener);

  g_mutex_lock (&s->lock);
  if (error != NULL)
    g_set_error (&s->start_error, REGISTRY_ERROR, REGISTRY_ERROR_BIND, "cannot listen on %s:%u: %s",
                 s->host, s->want_port, error->message);
  s->started = TRUE;
  g_cond_signal (&s->cond);
  g_mutex_unlock (&s->lock);

  if (error == NULL)
    g_main_loop_run (s->loop);

  g_clear_pointer (&s->listener, registry_listener_free);
  soup_server_disconnect (s->soup);
  g_clear_object (&s->soup);
  /* let the disconnections finish before the context goes */
  for (int i = 0; i < 100 && g_main_context_iteration (s->context, FALSE); i++)
    ;
  store_release_thread (s->store);
  g_main_context_pop_thread_default (s->context);
  return NULL;
}

RegistryServer *
registry_server_new (Store *store, const RegistryOptions *options)
{
  RegistryServer *s = g_new0 (RegistryServer, 1);

  g_return_val_if_fail (options != NULL && options->psk != NULL, NULL);
  s->store = store;
  s->psk = g_bytes_ref (options->psk);
  s->events_secret = options->events_secret ? g_bytes_ref (options->events_secret) : NULL;
  s->token = options->token && *options->token ? g_strdup (options->token) : NULL;
  s->max_body = options->max_body ? options->max_body : REGISTRY_MAX_BODY;
  s->max_skew_ms = options->max_skew_ms ? options->max_skew_ms : REGISTRY_MAX_SKEW_MS;
  s->max_connections = options->max_connections ? options->max_connections
                                                : registry_listener_max_connections_default ();
  s->request_timeout_ms
      = options->request_timeout_ms ? options->request_timeout_ms : REGISTRY_REQUEST_TIMEOUT_MS;
  s->log = options->log;
  s->log_data = options->log_data;
  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
  return s;
}

gboolean
registry_server_start (RegistryServer *s, const char *host, guint port, GError **error)
{
  g_autoptr (GInetAddress) addr = g_inet_address_new_from_string (host);
  gboolean ok;

  g_return_val_if_fail (s->thread == NULL, FALSE);
  if (addr == NULL) {
    g_set_error (error, REGISTRY_ERROR, REGISTRY_ERROR_LISTEN, "'%s' is not an IP address", host);
    return FALSE;
  }
  s->host = g_strdup (host);
  s->want_port = port;
  s->context = g_main_context_new ();
  s->loop = g_main_loop_new (s->context, FALSE);
  s->started = FALSE;
  s->thread = g_thread_new ("registry", server_thread, s);

  g_mutex_lock (&s->lock);
  while (!s->started)
    g_cond_wait (&s->cond, &s->lock);
  ok = s->start_error == NULL;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&s->start_error));
  g_mutex_unlock (&s->lock);

  if (!ok)
    registry_server_stop (s);
  return ok;
}

guint
registry_server_get_port (RegistryServer *s)
{
  return s->port;
}

char *
registry_server_get_url (RegistryServer *s)
{
  gboolean v6 = s->host && strchr (s->host, ':') != NULL;

  return g_strdup_printf ("http://%s%s%s:%u/", v6 ? "[" : "", s->host, v6 ? "]" : "", s->port);
}

guint
registry_server_get_count (RegistryServer *s)
{
  return (guint)g_atomic_int_get (&s->count);
}

void
registry_server_stop (RegistryServer *s)
{
  if (s->thread == NULL)
    return;
  g_main_context_invoke (s->context, quit_loop, s->loop);
  g_thread_join (s->thread);
  s->thread = NULL;
  g_clear_pointer (&s->loop, g_main_loop_unref);
  g_clear_pointer (&s->context, g_main_context_unref);
  g_clear_pointer (&s->host, g_free);
}

void
registry_server_free (RegistryServer *s)
{
  if (s == NULL)
    return;
  registry_server_stop (s);
  g_bytes_unref (s->psk);
  g_clear_pointer (&s->events_secret, g_bytes_unref);
  g_free (s->token);
  g_clear_error (&s->start_error);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->cond);
  g_free (s);
}
