/* station/cloud/cloud-http.h - the one libcurl wrapper of station/: blocking
 * HTTP(S) exchanges over a pool of keep-alive easy handles.
 *
 * A CloudHttp is shared by threads: each exchange takes an idle handle from
 * the pool (or makes one) and gives it back afterwards, so connections are
 * reused and no handle is ever used by two threads at once.  TLS peer and
 * host verification are always on (libcurl's defaults, never turned off);
 * redirects are not followed; only http and https are spoken. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _CloudHttp CloudHttp;

typedef struct {
  const char *method;         /* "GET", "POST", "PUT", "DELETE" */
  const char *url;            /* absolute */
  const char *const *headers; /* "Name: value" lines, NULL-terminated, may be NULL */
  const char *body;           /* may be NULL (no body) */
  gsize body_len;
  guint connect_timeout_ms; /* 0: libcurl's default */
  guint timeout_ms;         /* whole exchange; 0: none */
  /* a new connection, closed afterwards: libcurl re-sends a request on its
   * own when a reused connection dies before any answer, which would carry
   * out a mutation twice behind the caller's back */
  gboolean fresh_connection;
} CloudHttpRequest;

typedef struct {
  guint status;        /* HTTP status; 0 when no response was received */
  GBytes *body;        /* never NULL after a successful exchange */
  GHashTable *headers; /* lower-case name -> value (last one wins) */
  gboolean maybe_sent; /* on failure: the request may have reached the server */
  gint64 elapsed_us;
} CloudHttpResponse;

/* cloud_http_new: an empty pool.  Free with cloud_http_free() once no thread
 * uses it. */
CloudHttp *cloud_http_new (void);
void cloud_http_free (CloudHttp *http);

/* cloud_http_perform: sends @req and waits for the whole response.  TRUE
 * when a response arrived, whatever its status (stored in @resp, which the
 * caller clears with cloud_http_response_clear()).  FALSE with @error in
 * STATION_CLOUD_ERROR: TIMEOUT, TRANSPORT or CANCELLED; @resp->maybe_sent
 * then tells whether the server may have acted on the request. */
gboolean cloud_http_perform (CloudHttp *http, const CloudHttpRequest *req, CloudHttpResponse *resp,
                             GCancellable *cancellable, GError **error);

void cloud_http_response_clear (CloudHttpResponse *resp);

/* cloud_http_url_is_loopback: TRUE when @url's host is 127.0.0.0/8,
 * localhost or [::1]. */
gboolean cloud_http_url_is_loopback (const char *url);

G_END_DECLS
