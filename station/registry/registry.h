/* station/registry/registry.h - the Beam registration receiver
 * (CONTRACT.md section 4): what it checks, its configuration (PSK file,
 * listen address), and the RegistryServer that serves it over HTTP
 * (libsoup SoupServer on its own thread and GMainContext).
 *
 *   POST /<device_id>/register      any body (bounded), Beam headers:
 *     200 {"result":"recorded"}       recorded (device_id, imsi, imei, ts, remote)
 *     403 {"error":"<reason>"}        bad/missing signature, version, stale,
 *                                     future or replayed: nothing recorded
 *     403 {"error":"<reason>"}        malformed request (device ID, IMSI)
 *     413 {"error":"<reason>"}        body larger than the limit
 *   GET /registrations/<device_id>  with "Authorization: Bearer <token>":
 *     200 [{"device_id","imsi","imei","timestamp","remote","received_at"}, ...]
 *     401/403 without or with a wrong token, 404 when no token is configured
 */
#pragma once

#include <glib.h>

#include "station/store/store.h"

G_BEGIN_DECLS

#define REGISTRY_ERROR (station_registry_error_quark ())
GQuark station_registry_error_quark (void);

typedef enum {
  REGISTRY_ERROR_PSK,    /* PSK file missing, empty or readable by others: exit 2 */
  REGISTRY_ERROR_LISTEN, /* bad --listen value: exit 2 */
  REGISTRY_ERROR_BIND,   /* cannot listen (address in use, not local): exit 3 */
} RegistryError;

#define REGISTRY_MAX_SKEW_MS  (5 * 60 * 1000)
#define REGISTRY_MAX_BODY     (64 * 1024)
#define REGISTRY_MAX_PSK_SIZE 4096
/* Connections open at once, at most (see registry-listener.h for the default,
 * which also depends on RLIMIT_NOFILE); more wait in the listen backlog. */
#define REGISTRY_MAX_CONNECTIONS 512
/* A connection must deliver a complete request (request line, headers and
 * body) within this long of being accepted or of its previous answer, else
 * it is closed unanswered; the deadline is total: progress does not extend
 * it. */
#define REGISTRY_REQUEST_TIMEOUT_MS (10 * 1000)

/* registry_psk_load: the PSK in @path without one trailing newline ("\n"
 * or "\r\n").  Refused (REGISTRY_ERROR_PSK, message naming the file and the
 * fix) when the file is not a regular file, is readable or writable by group
 * or others, is empty or larger than REGISTRY_MAX_PSK_SIZE.  Returns the
 * bytes (NUL-terminated for convenience); free with g_bytes_unref(). */
GBytes *registry_psk_load (const char *path, GError **error);

/* registry_parse_listen: "HOST:PORT" (HOST an IPv4 or IPv6 address, the
 * latter in brackets, or "localhost"; PORT 0-65535, 0 = any free port).
 * Returns the host as an address string and the port. */
gboolean registry_parse_listen (const char *text, char **host, guint *port, GError **error);

/* The Beam headers of one request (NULL when absent) and its path. */
typedef struct {
  const char *path; /* "/<device_id>/register" */
  const char *imsi;
  const char *imei;
  const char *msisdn;
  const char *sim_id;
  const char *timestamp;
  const char *signature;
  const char *signature_version;
} RegistryRequest;

/* What registry_verify() decided. */
typedef struct {
  guint status;       /* 200 or 403 (413 for an oversize body) */
  const char *reason; /* static text for the JSON error and the log */
  char *device_id;    /* canonical device ID when the path held one */
  gint64 timestamp;   /* ms, when parsed */
} RegistryVerdict;

/* registry_verify: checks @req against section 4 with @psk at @now_ms:
 * path and device ID (403), signature version, headers, signature,
 * timestamp within @max_skew_ms either way (403), IMSI/IMEI digits (403: CONTRACT §4 records
 * nothing and answers 403 to all but a valid request). A 200 verdict still has to be recorded (a
 * replay is refused there). Pure: no I/O.  Free @verdict's members with registry_verdict_clear().
 */
void registry_verify (const RegistryRequest *req, GBytes *psk, gint64 now_ms, gint64 max_skew_ms,
                      RegistryVerdict *verdict);
void registry_verdict_clear (RegistryVerdict *verdict);

/* registry_log_escape: @text with every byte outside printable ASCII
 * (0x20-0x7e) written as \xNN and a backslash as \\, so a
 * log line holds exactly one line of plain text whatever a peer sent.
 * Free with g_free(). */
char *registry_log_escape (const char *text);

/* One log line per request, e.g. "127.0.0.1 POST DEV-1 200 recorded"
 * (remote, method, device ID or, when there is none, the request path,
 * status, reason; every field escaped with registry_log_escape()).  Accept
 * events are lines "- - - 0 accept paused: ..." / "... accept resumed: ...". */
typedef void (*RegistryLogFunc) (const char *line, gpointer user_data);

typedef struct {
  GBytes *psk;              /* required */
  const char *token;        /* bearer token for GET /registrations; NULL disables it */
  gsize max_body;           /* 0: REGISTRY_MAX_BODY */
  gint64 max_skew_ms;       /* 0: REGISTRY_MAX_SKEW_MS */
  guint max_connections;    /* 0: half of RLIMIT_NOFILE, at most REGISTRY_MAX_CONNECTIONS */
  guint request_timeout_ms; /* 0: REGISTRY_REQUEST_TIMEOUT_MS */
  GBytes *events_secret;    /* POST /events (registry-events.h); NULL: answered 404 */
  RegistryLogFunc log;      /* NULL: g_message() */
  gpointer log_data;
} RegistryOptions;

typedef struct _RegistryServer RegistryServer;

/* registry_server_new: a receiver recording into @store (borrowed; must
 * outlive the server).  The options are copied. */
RegistryServer *registry_server_new (Store *store, const RegistryOptions *options);

/* registry_server_start: listens on @host (an address) : @port (0 = any)
 * and serves on a thread of its own (its own GMainContext and store
 * connection).  Returns once listening, or FALSE with REGISTRY_ERROR_BIND. */
gboolean registry_server_start (RegistryServer *server, const char *host, guint port,
                                GError **error);

/* registry_server_get_port: the bound port (after a successful start). */
guint registry_server_get_port (RegistryServer *server);

/* registry_server_get_url: "http://HOST:PORT/"; free with g_free(). */
char *registry_server_get_url (RegistryServer *server);

/* registry_server_get_count: requests answered so far (any status). */
guint registry_server_get_count (RegistryServer *server);

/* registry_server_stop: stops listening, finishes the thread; idempotent. */
void registry_server_stop (RegistryServer *server);

/* registry_server_free: stops when running and frees; NULL is ignored. */
void registry_server_free (RegistryServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RegistryServer, registry_server_free)

G_END_DECLS
