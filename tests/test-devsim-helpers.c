/* tests/test-devsim-helpers.c - scripted air side and raw AT port. */
#include "tests/test-devsim-helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <libsoup/soup.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

struct _HttpStub {
  GThread *thread;
  GMainContext *ctx;
  GMainLoop *loop;
  SoupServer *server;
  char *url;
  GMutex lock;
  GCond cond;
  GPtrArray *requests; /* StubRequest* */
  GHashTable *unknown; /* IMSIs the network refuses */
  gboolean ready;
};

static void
stub_request_free (StubRequest *r)
{
  g_free (r->method);
  g_free (r->path);
  g_free (r->imsi);
  g_free (r->imei);
  g_free (r->body);
  g_free (r);
}

static void
handle (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
        gpointer data)
{
  HttpStub *stub = data;
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) flat = soup_message_body_flatten (body);
  StubRequest *r = g_new0 (StubRequest, 1);
  const char *reply = "{}";
  guint status = 200;
  gboolean unknown;

  r->method = g_strdup (soup_server_message_get_method (msg));
  r->path = g_strdup (path);
  r->imsi = g_strdup (soup_message_headers_get_one (h, "X-Emulated-IMSI"));
  if (r->imsi == NULL) /* as a Beam target: what Beam says the SIM is */
    r->imsi = g_strdup (soup_message_headers_get_one (h, "x-soracom-imsi"));
  r->imei = g_strdup (soup_message_headers_get_one (h, "X-Emulated-IMEI"));
  r->body = g_strndup (g_bytes_get_data (flat, NULL), g_bytes_get_size (flat));
  g_mutex_lock (&stub->lock);
  unknown = r->imsi != NULL && g_hash_table_contains (stub->unknown, r->imsi);
  g_ptr_array_add (stub->requests, r);
  g_cond_broadcast (&stub->cond);
  g_mutex_unlock (&stub->lock);

  if (g_str_has_prefix (path, "/_emulator/")) {
    reply = "{\"subscribers\":[]}";
  } else if (r->imsi == NULL
             && (g_str_has_prefix (path, "/air/") || g_str_has_prefix (path, "/beam/")
                 || g_str_has_prefix (path, "/metadata/"))) {
    status = 400;
    reply = "{\"code\":\"AIR0004\"}";
  } else if (unknown) {
    status = 403;
    reply = "{\"code\":\"AIR0001\",\"message\":\"SIM not known\"}";
  } else if (strcmp (path, "/air/detach") == 0) {
    status = 204;
    reply = NULL;
  } else if (strcmp (path, "/metadata/v1/subscriber") == 0) {
    reply = "{\"imsi\":\"x\",\"status\":\"active\",\"tags\":{\"bootstrap_url\":"
            "\"http://127.0.0.1:9/boot\",\"settings\":\"mode=factory\"}}";
  }
  soup_server_message_set_status (msg, status, NULL);
  if (reply != NULL)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, reply,
                                      strlen (reply));
}

static gpointer
stub_thread (gpointer data)
{
  HttpStub *stub = data;
  g_autoptr (GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (stub->ctx);
  stub->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (stub->server, NULL, handle, stub, NULL);
  soup_server_listen_local (stub->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (stub->server);
  stub->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  g_mutex_lock (&stub->lock);
  stub->ready = TRUE;
  g_cond_broadcast (&stub->cond);
  g_mutex_unlock (&stub->lock);
  g_main_loop_run (stub->loop);
  soup_server_disconnect (stub->server);
  g_clear_object (&stub->server);
  while (g_main_context_iteration (stub->ctx, FALSE))
    ;
  g_main_context_pop_thread_default (stub->ctx);
  return NULL;
}

HttpStub *
http_stub_new (void)
{
  HttpStub *stub = g_new0 (HttpStub, 1);

  g_mutex_init (&stub->lock);
  g_cond_init (&stub->cond);
  stub->requests = g_ptr_array_new_with_free_func ((GDestroyNotify)stub_request_free);
  stub->unknown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  stub->ctx = g_main_context_new ();
  stub->loop = g_main_loop_new (stub->ctx, FALSE);
  stub->thread = g_thread_new ("http-stub", stub_thread, stub);
  g_mutex_lock (&stub->lock);
  while (!stub->ready)
    g_cond_wait (&stub->cond, &stub->lock);
  g_mutex_unlock (&stub->lock);
  return stub;
}

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

void
http_stub_free (HttpStub *stub)
{
  GSource *src = g_idle_source_new ();

  g_source_set_callback (src, quit, stub->loop, NULL);
  g_source_attach (src, stub->ctx);
  g_source_unref (src);
  g_thread_join (stub->thread);
  g_main_loop_unref (stub->loop);
  g_main_context_unref (stub->ctx);
  g_ptr_array_unref (stub->requests);
  g_hash_table_unref (stub->unknown);
  g_mutex_clear (&stub->lock);
  g_cond_clear (&stub->cond);
  g_free (stub->url);
  g_free (stub);
}

const char *
http_stub_url (HttpStub *stub)
{
  return stub->url;
}

void
http_stub_set_unknown (HttpStub *stub, const char *imsi)
{
  g_mutex_lock (&stub->lock);
  g_hash_table_add (stub->unknown, g_strdup (imsi));
  g_mutex_unlock (&stub->lock);
}

static gboolean
matches (StubRequest *r, const char *method, const char *prefix, const char *imsi)
{
  return (method == NULL || strcmp (r->method, method) == 0)
         && (prefix == NULL || g_str_has_prefix (r->path, prefix))
         && (imsi == NULL || g_strcmp0 (r->imsi, imsi) == 0);
}

static guint
count_locked (HttpStub *stub, const char *method, const char *prefix, const char *imsi)
{
  guint n = 0;

  for (guint i = 0; i < stub->requests->len; i++)
    n += matches (stub->requests->pdata[i], method, prefix, imsi);
  return n;
}

guint
http_stub_count (HttpStub *stub, const char *method, const char *prefix, const char *imsi)
{
  guint n;

  g_mutex_lock (&stub->lock);
  n = count_locked (stub, method, prefix, imsi);
  g_mutex_unlock (&stub->lock);
  return n;
}

gboolean
http_stub_wait (HttpStub *stub, const char *method, const char *prefix, const char *imsi,
                guint count, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  gboolean ok;

  g_mutex_lock (&stub->lock);
  while (!(ok = count_locked (stub, method, prefix, imsi) >= count))
    if (!g_cond_wait_until (&stub->cond, &stub->lock, deadline)) {
      ok = count_locked (stub, method, prefix, imsi) >= count;
      break;
    }
  g_mutex_unlock (&stub->lock);
  return ok;
}

char *
http_stub_find_body (HttpStub *stub, const char *method, const char *prefix, const char *imsi,
                     gboolean *had_imei)
{
  char *body = NULL;

  g_mutex_lock (&stub->lock);
  for (guint i = 0; i < stub->requests->len && body == NULL; i++) {
    StubRequest *r = stub->requests->pdata[i];
    if (matches (r, method, prefix, imsi)) {
      body = g_strdup (r->body);
      if (had_imei != NULL)
        *had_imei = r->imei != NULL && strlen (r->imei) == 15;
    }
  }
  g_mutex_unlock (&stub->lock);
  return body;
}

char *
http_get (const char *url)
{
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

  if (body == NULL || soup_message_get_status (msg) != 200)
    return NULL;
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

/* ---- AT port ---- */

AtPort *
at_port_open (const char *path)
{
  AtPort *p = g_new0 (AtPort, 1);
  struct termios tio;

  p->fd = open (path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  g_assert_cmpint (p->fd, >=, 0);
  g_assert_cmpint (tcgetattr (p->fd, &tio), ==, 0);
  cfmakeraw (&tio);
  tcsetattr (p->fd, TCSANOW, &tio);
  p->seen = g_string_new (NULL);
  return p;
}

void
at_port_close (AtPort *p)
{
  if (p == NULL)
    return; /* also used with g_clear_pointer */
  close (p->fd);
  g_string_free (p->seen, TRUE);
  g_free (p);
}

void
at_port_send (AtPort *p, const char *text)
{
  gsize n = strlen (text), done = 0;

  for (guint i = 0; done < n && i < 1000; i++) {
    ssize_t w = write (p->fd, text + done, n - done);
    if (w > 0)
      done += (gsize)w;
    else if (w < 0 && errno != EAGAIN && errno != EINTR)
      break;
  }
}

/* read_some: appends what arrives within @ms; -1 when the port hung up. */
static int
read_some (AtPort *p, int ms)
{
  struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
  char buf[1024];
  ssize_t n;

  if (poll (&pfd, 1, ms) <= 0)
    return 0;
  n = read (p->fd, buf, sizeof buf);
  if (n > 0) {
    g_string_append_len (p->seen, buf, n);
    return (int)n;
  }
  if (n < 0 && errno == EAGAIN)
    return 0;
  return -1;
}

gboolean
at_port_wait (AtPort *p, gsize from, const char *needle, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  for (;;) {
    gint64 left;
    if (p->seen->len > from
        && memmem (p->seen->str + from, p->seen->len - from, needle, strlen (needle)) != NULL)
      return TRUE;
    left = (deadline - g_get_monotonic_time ()) / 1000;
    if (left <= 0 || read_some (p, (int)MIN (left, 100)) < 0)
      return FALSE;
  }
}

static gboolean
has (const char *s, gsize len, const char *needle)
{
  return memmem (s, len, needle, strlen (needle)) != NULL;
}

char *
at_port_cmd (AtPort *p, const char *cmd, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  gsize from = p->seen->len;
  g_autofree char *line = g_strconcat (cmd, "\r", NULL);

  at_port_send (p, line);
  for (;;) {
    const char *s = p->seen->str + from;
    gsize len = p->seen->len - from;
    gint64 left;

    if ((has (s, len, "OK\r\n") || has (s, len, "ERROR\r\n") || has (s, len, "+CME ERROR"))
        && len >= 2 && s[len - 2] == '\r' && s[len - 1] == '\n') {
      char *copy = g_malloc (len + 1);
      memcpy (copy, s, len);
      copy[len] = '\0';
      for (gsize i = 0; i < len; i++)
        if (copy[i] == '\0')
          copy[i] = '?'; /* line noise: keep it a C string */
      return copy;
    }
    left = (deadline - g_get_monotonic_time ()) / 1000;
    if (left <= 0 || read_some (p, (int)MIN (left, 100)) < 0)
      return NULL;
  }
}

gboolean
at_port_quiet (AtPort *p, guint ms)
{
  gsize before = p->seen->len;
  gint64 deadline = g_get_monotonic_time () + (gint64)ms * 1000;

  while (g_get_monotonic_time () < deadline)
    if (read_some (p, 20) != 0)
      break;
  return p->seen->len == before;
}

gboolean
at_port_hung_up (AtPort *p, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  while (g_get_monotonic_time () < deadline) {
    struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
    if (poll (&pfd, 1, 50) > 0 && (pfd.revents & (POLLHUP | POLLERR)))
      return TRUE;
    if (read_some (p, 0) < 0)
      return TRUE;
  }
  return FALSE;
}
