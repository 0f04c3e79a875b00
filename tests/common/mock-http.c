/* tests/common/mock-http.c - scripted loopback HTTP server (libsoup-3). */
#include "tests/common/mock-http.h"

#include <libsoup/soup.h>
#include <string.h>

typedef struct {
  char *method; /* NULL: any */
  char *path;   /* NULL: any */
  MockHttpReply *reply;
} ScriptEntry;

struct _MockHttp {
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  char *url;

  GMutex lock;
  GCond cond;
  gboolean ready;
  GQueue script;       /* ScriptEntry */
  GPtrArray *requests; /* MockHttpRequest */
  GString *mismatches;
  MockHttpHandler handler;
  gpointer handler_data;
  GPtrArray *delayed; /* GSource of delayed replies */
};

MockHttpReply *
mock_http_reply_new (guint status, const char *body, guint delay_ms, ...)
{
  MockHttpReply *r = g_new0 (MockHttpReply, 1);
  GStrvBuilder *b = g_strv_builder_new ();
  va_list ap;

  r->status = status;
  r->body = g_strdup (body);
  r->delay_ms = delay_ms;
  va_start (ap, delay_ms);
  for (const char *h = va_arg (ap, const char *); h != NULL; h = va_arg (ap, const char *))
    g_strv_builder_add (b, h);
  va_end (ap);
  r->headers = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return r;
}

void
mock_http_reply_free (MockHttpReply *r)
{
  if (r == NULL)
    return;
  g_free (r->body);
  g_strfreev (r->headers);
  g_free (r);
}

static void
request_free (MockHttpRequest *req)
{
  g_free (req->method);
  g_free (req->path);
  g_free (req->query);
  g_hash_table_unref (req->headers);
  g_free (req->body);
  g_free (req);
}

static void
entry_free (ScriptEntry *e)
{
  g_free (e->method);
  g_free (e->path);
  mock_http_reply_free (e->reply);
  g_free (e);
}

static void
apply_reply (SoupServerMessage *msg, const MockHttpReply *r)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, r->status, NULL);
  for (char **p = r->headers; p != NULL && *p != NULL; p++) {
    g_auto (GStrv) kv = g_strsplit (*p, ":", 2);

    if (kv[0] != NULL && kv[1] != NULL)
      soup_message_headers_append (h, g_strstrip (kv[0]), g_strstrip (kv[1]));
  }
  if (r->body != NULL)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, r->body,
                                      strlen (r->body));
}

typedef struct {
  MockHttp *m;
  SoupServerMessage *msg;
  MockHttpReply *reply;
} Delayed;

static void
delayed_free (gpointer data)
{
  Delayed *d = data;

  g_object_unref (d->msg);
  mock_http_reply_free (d->reply);
  g_free (d);
}

static gboolean
on_delay_done (gpointer data)
{
  Delayed *d = data;

  apply_reply (d->msg, d->reply);
  soup_server_message_unpause (d->msg);
  g_mutex_lock (&d->m->lock);
  g_ptr_array_remove (d->m->delayed, g_main_current_source ());
  g_mutex_unlock (&d->m->lock);
  return G_SOURCE_REMOVE;
}

static void
on_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
            gpointer data)
{
  MockHttp *m = data;
  MockHttpRequest *req = g_new0 (MockHttpRequest, 1);
  GUri *uri = soup_server_message_get_uri (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  MockHttpReply *reply = NULL;
  GSocketAddress *remote;
  ScriptEntry *e;

  req->method = g_strdup (soup_server_message_get_method (msg));
  req->path = g_strdup (g_uri_get_path (uri));
  req->query = g_strdup (g_uri_get_query (uri));
  req->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_hash_table_replace (req->headers, g_ascii_strdown (name, -1), g_strdup (value));
  remote = soup_server_message_get_remote_address (msg);
  if (G_IS_INET_SOCKET_ADDRESS (remote))
    req->remote_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote));
  req->body
      = body != NULL && body->data != NULL ? g_strndup (body->data, body->length) : g_strdup ("");

  g_mutex_lock (&m->lock);
  e = g_queue_pop_head (&m->script);
  if (e != NULL) {
    if ((e->method == NULL || strcmp (e->method, req->method) == 0)
        && (e->path == NULL || strcmp (e->path, req->path) == 0)) {
      reply = g_steal_pointer (&e->reply);
    } else {
      g_string_append_printf (m->mismatches, "request %u: got %s %s, script wanted %s %s\n",
                              m->requests->len, req->method, req->path, e->method ? e->method : "*",
                              e->path ? e->path : "*");
    }
    entry_free (e);
  }
  g_mutex_unlock (&m->lock);
  if (reply == NULL && e == NULL && m->handler != NULL)
    reply = m->handler (req, m->handler_data);
  if (reply == NULL)
    reply = mock_http_reply_new (599, "{\"code\":\"MOCK\",\"message\":\"not scripted\"}", 0, NULL);

  g_mutex_lock (&m->lock);
  g_ptr_array_add (m->requests, req);
  g_cond_broadcast (&m->cond);
  g_mutex_unlock (&m->lock);

  if (reply->delay_ms > 0) {
    Delayed *d = g_new0 (Delayed, 1);
    GSource *src = g_timeout_source_new (reply->delay_ms);

    d->m = m;
    d->msg = g_object_ref (msg);
    d->reply = reply;
    soup_server_message_pause (msg);
    g_source_set_callback (src, on_delay_done, d, delayed_free);
    g_mutex_lock (&m->lock);
    g_ptr_array_add (m->delayed, src);
    g_mutex_unlock (&m->lock);
    g_source_attach (src, m->context);
    g_source_unref (src);
    return;
  }
  apply_reply (msg, reply);
  mock_http_reply_free (reply);
}

static gpointer
server_thread (gpointer data)
{
  MockHttp *m = data;
  GError *error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (m->context);
  m->server = soup_server_new ("server-header", "mock-http", "raw-paths", TRUE, NULL);
  soup_server_add_handler (m->server, NULL, on_request, m, NULL);
  if (!soup_server_listen_local (m->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("mock-http: listen: %s", error->message);
  uris = soup_server_get_uris (m->server);
  m->url = g_strdup_printf ("http://127.0.0.1:%d/v1", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  g_mutex_lock (&m->lock);
  m->ready = TRUE;
  g_cond_broadcast (&m->cond);
  g_mutex_unlock (&m->lock);

  g_main_loop_run (m->loop);

  g_mutex_lock (&m->lock);
  while (m->delayed->len > 0) {
    GSource *src = g_ptr_array_steal_index (m->delayed, 0);

    g_mutex_unlock (&m->lock);
    g_source_destroy (src);
    g_mutex_lock (&m->lock);
  }
  g_mutex_unlock (&m->lock);
  soup_server_disconnect (m->server);
  g_clear_object (&m->server);
  /* let the server's connections finish closing */
  while (g_main_context_iteration (m->context, FALSE))
    ;
  g_main_context_pop_thread_default (m->context);
  return NULL;
}

MockHttp *
mock_http_new (void)
{
  MockHttp *m = g_new0 (MockHttp, 1);

  g_mutex_init (&m->lock);
  g_cond_init (&m->cond);
  g_queue_init (&m->script);
  m->requests = g_ptr_array_new_with_free_func ((GDestroyNotify)request_free);
  m->delayed = g_ptr_array_new ();
  m->mismatches = g_string_new (NULL);
  m->context = g_main_context_new ();
  m->loop = g_main_loop_new (m->context, FALSE);
  m->thread = g_thread_new ("mock-http", server_thread, m);
  g_mutex_lock (&m->lock);
  while (!m->ready)
    g_cond_wait (&m->cond, &m->lock);
  g_mutex_unlock (&m->lock);
  return m;
}

void
mock_http_free (MockHttp *m)
{
  if (m == NULL)
    return;
  g_main_loop_quit (m->loop);
  g_main_context_wakeup (m->context);
  g_thread_join (m->thread);
  g_main_loop_unref (m->loop);
  g_main_context_unref (m->context);
  g_queue_clear_full (&m->script, (GDestroyNotify)entry_free);
  g_ptr_array_unref (m->requests);
  g_ptr_array_unref (m->delayed);
  g_string_free (m->mismatches, TRUE);
  g_free (m->url);
  g_mutex_clear (&m->lock);
  g_cond_clear (&m->cond);
  g_free (m);
}

const char *
mock_http_url (MockHttp *m)
{
  return m->url;
}

void
mock_http_push (MockHttp *m, const char *method, const char *path, guint status, const char *body,
                guint delay_ms, ...)
{
  ScriptEntry *e = g_new0 (ScriptEntry, 1);
  GStrvBuilder *b = g_strv_builder_new ();
  va_list ap;

  e->method = g_strdup (method);
  e->path = g_strdup (path);
  e->reply = mock_http_reply_new (status, body, delay_ms, NULL);
  va_start (ap, delay_ms);
  for (const char *h = va_arg (ap, const char *); h != NULL; h = va_arg (ap, const char *))
    g_strv_builder_add (b, h);
  va_end (ap);
  g_strfreev (e->reply->headers);
  e->reply->headers = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  g_mutex_lock (&m->lock);
  g_queue_push_tail (&m->script, e);
  g_mutex_unlock (&m->lock);
}

void
mock_http_set_handler (MockHttp *m, MockHttpHandler handler, gpointer user_data)
{
  g_mutex_lock (&m->lock);
  m->handler = handler;
  m->handler_data = user_data;
  g_mutex_unlock (&m->lock);
}

guint
mock_http_count (MockHttp *m)
{
  guint n;

  g_mutex_lock (&m->lock);
  n = m->requests->len;
  g_mutex_unlock (&m->lock);
  return n;
}

guint
mock_http_count_matching (MockHttp *m, const char *method, const char *path)
{
  guint n = 0;

  g_mutex_lock (&m->lock);
  for (guint i = 0; i < m->requests->len; i++) {
    MockHttpRequest *r = g_ptr_array_index (m->requests, i);

    if ((method == NULL || strcmp (method, r->method) == 0) && g_strcmp0 (path, r->path) == 0)
      n++;
  }
  g_mutex_unlock (&m->lock);
  return n;
}

const MockHttpRequest *
mock_http_request (MockHttp *m, guint i)
{
  const MockHttpRequest *r = NULL;

  g_mutex_lock (&m->lock);
  if (i < m->requests->len)
    r = g_ptr_array_index (m->requests, i);
  g_mutex_unlock (&m->lock);
  return r;
}

gboolean
mock_http_wait_count (MockHttp *m, guint n, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  gboolean ok;

  g_mutex_lock (&m->lock);
  while (m->requests->len < n && g_cond_wait_until (&m->cond, &m->lock, end))
    ;
  ok = m->requests->len >= n;
  g_mutex_unlock (&m->lock);
  return ok;
}

guint
mock_http_pending (MockHttp *m)
{
  guint n;

  g_mutex_lock (&m->lock);
  n = m->script.length;
  g_mutex_unlock (&m->lock);
  return n;
}

const char *
mock_http_mismatches (MockHttp *m)
{
  return m->mismatches->str;
}
