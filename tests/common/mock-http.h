/* tests/common/mock-http.h - a scripted loopback HTTP server for client
 * tests: libsoup-3 SoupServer on 127.0.0.1 (port 0) in its own thread.
 *
 * Each request is recorded (method, raw percent-encoded path, query,
 * headers, body), then answered by the next scripted reply (which may name
 * the method and path it expects; a mismatch is answered 599 and recorded),
 * or, when the script is empty, by the handler (or 599 without one).  A
 * reply may be delayed to make the client time out. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MockHttp MockHttp;

typedef struct {
  char *method;
  char *path;          /* as on the wire (percent-encoded), without the query */
  char *query;         /* raw query, or NULL */
  GHashTable *headers; /* lower-case name -> value */
  char *body;          /* NUL-terminated copy ("" when none) */
  guint remote_port;   /* the client's port: equal ports mean a reused connection */
} MockHttpRequest;

typedef struct {
  guint status;
  char *body;    /* may be NULL */
  GStrv headers; /* "Name: value", may be NULL */
  guint delay_ms;
} MockHttpReply;

/* A dynamic answer for @req (run in the server thread); return a reply made
 * with mock_http_reply_new(). */
typedef MockHttpReply *(*MockHttpHandler) (const MockHttpRequest *req, gpointer user_data);

MockHttp *mock_http_new (void);
void mock_http_free (MockHttp *m);

/* mock_http_url: "http://127.0.0.1:PORT/v1" (owned by @m). */
const char *mock_http_url (MockHttp *m);

/* mock_http_reply_new: a reply; @... are "Name: value" header lines, NULL-terminated. */
MockHttpReply *mock_http_reply_new (guint status, const char *body, guint delay_ms,
                                    ...) G_GNUC_NULL_TERMINATED;
void mock_http_reply_free (MockHttpReply *reply);

/* mock_http_push: appends a scripted reply for a request with @method and
 * @path (without query; NULL: any).  @... are header lines, NULL-terminated. */
void mock_http_push (MockHttp *m, const char *method, const char *path, guint status,
                     const char *body, guint delay_ms, ...) G_GNUC_NULL_TERMINATED;

void mock_http_set_handler (MockHttp *m, MockHttpHandler handler, gpointer user_data);

/* mock_http_count: requests received so far. */
guint mock_http_count (MockHttp *m);
/* mock_http_count_matching: requests with @method (NULL: any) and @path. */
guint mock_http_count_matching (MockHttp *m, const char *method, const char *path);
/* mock_http_request: the @i-th request (borrowed, valid until mock_http_free). */
const MockHttpRequest *mock_http_request (MockHttp *m, guint i);
/* mock_http_wait_count: waits (bounded by @timeout_ms) until @n requests came. */
gboolean mock_http_wait_count (MockHttp *m, guint n, guint timeout_ms);
/* mock_http_pending: scripted replies not yet used. */
guint mock_http_pending (MockHttp *m);
/* mock_http_mismatches: what went against the script, "" when nothing (owned by @m). */
const char *mock_http_mismatches (MockHttp *m);

G_END_DECLS
