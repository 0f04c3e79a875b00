/* station/registry/registry-listener.h - the receiver's accept loop (GIO
 * only): a listening socket with the system's backlog (SOMAXCONN), a cap on
 * concurrent connections (at the cap, a waiting connection makes the one
 * that has waited longest for its request close), a deadline for each
 * request, and recovery from accept failures such as EMFILE (accepting
 * pauses and resumes instead of stopping for good).  Private to
 * station/registry. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _RegistryListener RegistryListener;

/* Called on the listener's context for each accepted connection; the
 * callee takes its own reference when it keeps @conn. */
typedef void (*RegistryListenerAcceptFunc) (GSocketConnection *conn, gpointer data);

/* Called for events worth a log line ("accept paused: ..."). */
typedef void (*RegistryListenerNoteFunc) (const char *note, gpointer data);

/* registry_listener_max_connections_default: the connection cap used when
 * none is configured: half the process's RLIMIT_NOFILE soft limit (the
 * rest stays for the store and the rest of the process), at most
 * REGISTRY_MAX_CONNECTIONS, at least 1. */
guint registry_listener_max_connections_default (void);

/* registry_listener_new: binds @addr (port 0: any free port), listens with
 * backlog SOMAXCONN and accepts on @context (borrowed) as long as fewer than
 * @max_connections accepted connections are open; at the cap, with a
 * connection waiting, the open connection that has waited longest for a
 * complete request is shut down (one at a time).  A connection that has
 * not delivered a complete request (headers and body) within
 * @request_timeout_ms of being accepted (or of its previous response) is
 * shut down; the deadline is total, bytes arriving do not extend it.
 * Returns NULL with @error (a GIOError) when the address cannot be bound. */
RegistryListener *registry_listener_new (GMainContext *context, GSocketAddress *addr,
                                         guint max_connections, guint request_timeout_ms,
                                         RegistryListenerAcceptFunc accept,
                                         RegistryListenerNoteFunc note, gpointer data,
                                         GError **error);

/* registry_listener_get_port: the bound port. */
guint registry_listener_get_port (RegistryListener *listener);

/* registry_listener_get_open: accepted connections still open. */
guint registry_listener_get_open (RegistryListener *listener);

/* registry_listener_request_busy: the connection whose peer is @remote is
 * handling a complete request (@busy TRUE: no deadline) or waits for the
 * next one (@busy FALSE: the deadline starts again).  Unknown peers are
 * ignored. */
void registry_listener_request_busy (RegistryListener *listener, GSocketAddress *remote,
                                     gboolean busy);

/* registry_listener_free: stops listening and forgets the connections
 * (they stay with whoever took them); NULL is ignored. */
void registry_listener_free (RegistryListener *listener);

G_END_DECLS
