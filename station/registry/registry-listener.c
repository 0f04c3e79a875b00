/* station/registry/registry-listener.c - the receiver's accept loop: own
 * listening socket (backlog SOMAXCONN), connection cap, per-request
 * deadline, accept paused and resumed on EMFILE and the like. */
#define G_LOG_DOMAIN "station-registry"

#include "station/registry/registry-listener.h"

#include <sys/resource.h>
#include <sys/socket.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "station/registry/registry.h"

/* After an accept failure (EMFILE, ENFILE, ENOBUFS...), accepting is
 * retried this often, or at once when a connection closes. */
#define ACCEPT_RETRY_MS 100
/* Connections accepted per wake-up, so one burst cannot starve requests. */
#define ACCEPT_BATCH 64

typedef struct {
  RegistryListener *listener;
  GSocketConnection *conn; /* weak: soup owns it */
  char *key;               /* "address|port" of the peer */
  GSource *deadline;
  gint64 since; /* monotonic time the connection last became idle */
  gboolean busy;
  gboolean evicted; /* shut down to make room for a waiting connection */
} Conn;

struct _RegistryListener {
  GMainContext *context;
  GSocket *socket;
  guint port;
  guint max_connections;
  guint request_timeout_ms;
  RegistryListenerAcceptFunc accept;
  RegistryListenerNoteFunc note;
  gpointer data;

  GSource *accept_source; /* NULL while paused */
  GSource *retry_source;  /* pending retry after an accept failure */
  gboolean failing;       /* the last accept failed (noted once) */
  gboolean capped;        /* paused at the connection cap (noted once) */
  GHashTable *conns;      /* key -> Conn */
  guint evicting;         /* evicted connections not yet gone */
  guint peak;             /* most connections open since the last idle */
};

static void resume_accept (RegistryListener *l);

static void note (RegistryListener *l, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
note (RegistryListener *l, const char *fmt, ...)
{
  g_autofree char *text = NULL;
  va_list ap;

  va_start (ap, fmt);
  text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (l->note != NULL)
    l->note (text, l->data);
  else
    g_message ("%s", text);
}

guint
registry_listener_max_connections_default (void)
{
  struct rlimit rl;
  guint64 half = REGISTRY_MAX_CONNECTIONS;

  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
    half = (guint64)rl.rlim_cur / 2;
  return (guint)CLAMP (half, 1, REGISTRY_MAX_CONNECTIONS);
}

static char *
peer_key (GSocketAddress *addr)
{
  g_autofree char *ip = NULL;

  if (addr == NULL || !G_IS_INET_SOCKET_ADDRESS (addr))
    return NULL;
  ip = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (addr)));
  return g_strdup_printf ("%s|%u", ip,
                          (guint)g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (addr)));
}

static void
conn_free (Conn *c)
{
  if (c->deadline != NULL) {
    g_source_destroy (c->deadline);
    g_source_unref (c->deadline);
  }
  g_free (c->key);
  g_free (c);
}

/* The deadline passed with no complete request: shut the socket down, so
 * the HTTP layer reads end-of-stream and drops the connection. */
static gboolean
on_deadline (gpointer data)
{
  Conn *c = data;

  g_clear_pointer (&c->deadline, g_source_unref);
  if (!c->busy)
    g_socket_shutdown (g_socket_connection_get_socket (c->conn), TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
conn_arm (Conn *c)
{
  if (c->deadline != NULL) {
    g_source_destroy (c->deadline);
    g_clear_pointer (&c->deadline, g_source_unref);
  }
  c->since = g_get_monotonic_time ();
  c->deadline = g_timeout_source_new (c->listener->request_timeout_ms);
  g_source_set_callback (c->deadline, on_deadline, c, NULL);
  g_source_attach (c->deadline, c->listener->context);
}

/* The HTTP layer let go of the connection: one slot is free again. */
static void
on_conn_gone (gpointer data, GObject *where)
{
  Conn *c = data;
  RegistryListener *l = c->listener;

  if (c->evicted && l->evicting > 0)
    l->evicting--;
  g_hash_table_remove (l->conns, c->key); /* frees c */
  /* noted once per flood: at the cap, evictions free one slot at a time */
  if (l->capped && g_hash_table_size (l->conns) <= l->max_connections / 2) {
    l->capped = FALSE;
    note (l, "below the cap again: %u connections open", g_hash_table_size (l->conns));
  }
  resume_accept (l);
  if (g_hash_table_size (l->conns) == 0 && l->peak > ACCEPT_BATCH) {
    /* a flood is over: give its memory back to the system */
    l->peak = 0;
#if defined(__GLIBC__)
    malloc_trim (0);
#endif
  }
}

static void
stop_accept (RegistryListener *l)
{
  if (l->accept_source == NULL)
    return;
  g_source_destroy (l->accept_source);
  g_clear_pointer (&l->accept_source, g_source_unref);
}

static gboolean
on_retry (gpointer data)
{
  RegistryListener *l = data;

  g_clear_pointer (&l->retry_source, g_source_unref);
  resume_accept (l);
  return G_SOURCE_REMOVE;
}

static void
take (RegistryListener *l, GSocket *sock)
{
  g_autoptr (GSocketConnection) conn = g_socket_connection_factory_create_connection (sock);
  g_autoptr (GSocketAddress) remote = g_socket_get_remote_address (sock, NULL);
  Conn *c;
  char *key = peer_key (remote);

  if (key == NULL || g_hash_table_contains (l->conns, key)) {
    g_free (key);
    g_socket_close (sock, NULL);
    return;
  }
  c = g_new0 (Conn, 1);
  c->listener = l;
  c->conn = conn;
  c->key = key;
  g_hash_table_insert (l->conns, c->key, c);
  l->peak = MAX (l->peak, g_hash_table_size (l->conns));
  g_object_weak_ref (G_OBJECT (conn), on_conn_gone, c);
  conn_arm (c);
  l->accept (conn, l->data);
  /* our reference goes here: the HTTP layer holds its own */
}

/* At the cap with a connection waiting: shut down the connection that has
 * waited longest for its request (one at a time), so a flood of half-open
 * connections is worked through at the speed of accept, not of the request
 * timeout.  A connection handling a complete request is never evicted.
 * FALSE when there is none to evict. */
static gboolean
evict_oldest (RegistryListener *l)
{
  GHashTableIter it;
  gpointer value;
  Conn *oldest = NULL;

  if (l->evicting > 0)
    return TRUE; /* one is on its way out: its slot comes next */
  g_hash_table_iter_init (&it, l->conns);
  while (g_hash_table_iter_next (&it, NULL, &value)) {
    Conn *c = value;

    if (!c->busy && !c->evicted && (oldest == NULL || c->since < oldest->since))
      oldest = c;
  }
  if (oldest == NULL)
    return FALSE;
  oldest->evicted = TRUE;
  l->evicting++;
  g_socket_shutdown (g_socket_connection_get_socket (oldest->conn), TRUE, TRUE, NULL);
  return TRUE;
}

static gboolean
on_incoming (GSocket *socket, GIOCondition condition, gpointer data)
{
  RegistryListener *l = data;

  for (guint i = 0; i < ACCEPT_BATCH; i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (GSocket) sock = NULL;

    if (g_hash_table_size (l->conns) >= l->max_connections) {
      if (!l->capped)
        note (l,
              "accept paused: %u connections open (the cap; [registry] max_connections); "
              "the longest waiting for its request make room one at a time",
              g_hash_table_size (l->conns));
      l->capped = TRUE;
      evict_oldest (l);
      stop_accept (l);
      return G_SOURCE_REMOVE;
    }
    sock = g_socket_accept (l->socket, NULL, &error);
    if (sock == NULL) {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      /* EMFILE, ENFILE, ENOBUFS...: the pending connection stays queued;
       * try again shortly or when a connection closes */
      if (!l->failing)
        note (l, "accept paused: %s (retrying every %u ms and whenever a connection closes)",
              error->message, ACCEPT_RETRY_MS);
      l->failing = TRUE;
      stop_accept (l);
      if (l->retry_source == NULL) {
        l->retry_source = g_timeout_source_new (ACCEPT_RETRY_MS);
        g_source_set_callback (l->retry_source, on_retry, l, NULL);
        g_source_attach (l->retry_source, l->context);
      }
      return G_SOURCE_REMOVE;
    }
    if (l->failing) {
      l->failing = FALSE;
      note (l, "accept resumed: %u connections open", g_hash_table_size (l->conns));
    }
    take (l, sock);
  }
  return G_SOURCE_CONTINUE;
}

static void
resume_accept (RegistryListener *l)
{
  if (l->accept_source != NULL || l->socket == NULL)
    return;
  if (l->retry_source != NULL) {
    g_source_destroy (l->retry_source);
    g_clear_pointer (&l->retry_source, g_source_unref);
  }
  l->accept_source = g_socket_create_source (l->socket, G_IO_IN, NULL);
  g_source_set_callback (l->accept_source, G_SOURCE_FUNC (on_incoming), l, NULL);
  g_source_attach (l->accept_source, l->context);
}

RegistryListener *
registry_listener_new (GMainContext *context, GSocketAddress *addr, guint max_connections,
                       guint request_timeout_ms, RegistryListenerAcceptFunc accept,
                       RegistryListenerNoteFunc note_func, gpointer data, GError **error)
{
  RegistryListener *l = g_new0 (RegistryListener, 1);
  g_autoptr (GSocketAddress) local = NULL;

  l->context = context;
  l->max_connections = max_connections ? max_connections : 1;
  l->request_timeout_ms = request_timeout_ms ? request_timeout_ms : REGISTRY_REQUEST_TIMEOUT_MS;
  l->accept = accept;
  l->note = note_func;
  l->data = data;
  l->conns = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)conn_free);
  l->socket = g_socket_new (g_socket_address_get_family (addr), G_SOCKET_TYPE_STREAM,
                            G_SOCKET_PROTOCOL_TCP, error);
  if (l->socket == NULL)
    goto fail;
  g_socket_set_blocking (l->socket, FALSE);
  g_socket_set_listen_backlog (l->socket, SOMAXCONN);
  if (!g_socket_bind (l->socket, addr, TRUE, error) || !g_socket_listen (l->socket, error))
    goto fail;
  local = g_socket_get_local_address (l->socket, error);
  if (local == NULL)
    goto fail;
  l->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  resume_accept (l);
  return l;

fail:
  registry_listener_free (l);
  return NULL;
}

guint
registry_listener_get_port (RegistryListener *l)
{
  return l->port;
}

guint
registry_listener_get_open (RegistryListener *l)
{
  return g_hash_table_size (l->conns);
}

void
registry_listener_request_busy (RegistryListener *l, GSocketAddress *remote, gboolean busy)
{
  g_autofree char *key = peer_key (remote);
  Conn *c = key ? g_hash_table_lookup (l->conns, key) : NULL;

  if (c == NULL)
    return;
  c->busy = busy;
  if (busy) {
    if (c->deadline != NULL) {
      g_source_destroy (c->deadline);
      g_clear_pointer (&c->deadline, g_source_unref);
    }
  } else
    conn_arm (c);
}

void
registry_listener_free (RegistryListener *l)
{
  GHashTableIter it;
  gpointer value;

  if (l == NULL)
    return;
  stop_accept (l);
  if (l->retry_source != NULL) {
    g_source_destroy (l->retry_source);
    g_clear_pointer (&l->retry_source, g_source_unref);
  }
  g_hash_table_iter_init (&it, l->conns);
  while (g_hash_table_iter_next (&it, NULL, &value)) {
    Conn *c = value;

    g_object_weak_unref (G_OBJECT (c->conn), on_conn_gone, c);
  }
  g_hash_table_destroy (l->conns);
  if (l->socket != NULL)
    g_socket_close (l->socket, NULL);
  g_clear_object (&l->socket);
  g_free (l);
}
