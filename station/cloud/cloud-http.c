/* station/cloud/cloud-http.c - libcurl behind cloud-http.h (the only file of
 * station/ that includes curl). */
#define G_LOG_DOMAIN "station-cloud"

#include "station/cloud/cloud-http.h"

#include <curl/curl.h>
#include <string.h>

#include "station/cloud/cloud-error.h"

/* A response larger than this is refused (the API's pages are far smaller). */
#define CLOUD_HTTP_MAX_BODY (16u * 1024u * 1024u)
/* Idle handles kept for reuse (one per worker thread is plenty). */
#define CLOUD_HTTP_MAX_IDLE 16

struct _CloudHttp {
  GMutex lock;
  GPtrArray *idle; /* CURL * */
};

typedef struct {
  GByteArray *body;
  GHashTable *headers;
  GCancellable *cancellable;
  gboolean too_large;
} Exchange;

static gsize curl_ready = 0;

static void
ensure_curl_global (void)
{
  if (g_once_init_enter (&curl_ready)) {
    CURLcode rc = curl_global_init (CURL_GLOBAL_DEFAULT);

    if (rc != CURLE_OK)
      g_critical ("curl_global_init: %s", curl_easy_strerror (rc));
    g_once_init_leave (&curl_ready, 1);
  }
}

CloudHttp *
cloud_http_new (void)
{
  CloudHttp *http = g_new0 (CloudHttp, 1);

  ensure_curl_global ();
  g_mutex_init (&http->lock);
  http->idle = g_ptr_array_new ();
  return http;
}

void
cloud_http_free (CloudHttp *http)
{
  if (http == NULL)
    return;
  for (guint i = 0; i < http->idle->len; i++)
    curl_easy_cleanup (g_ptr_array_index (http->idle, i));
  g_ptr_array_free (http->idle, TRUE);
  g_mutex_clear (&http->lock);
  g_free (http);
}

static CURL *
take_handle (CloudHttp *http)
{
  CURL *curl = NULL;

  g_mutex_lock (&http->lock);
  if (http->idle->len > 0)
    curl = g_ptr_array_steal_index_fast (http->idle, http->idle->len - 1);
  g_mutex_unlock (&http->lock);
  if (curl == NULL)
    curl = curl_easy_init ();
  else
    curl_easy_reset (curl); /* keeps the connection cache: keep-alive */
  return curl;
}

static void
give_back_handle (CloudHttp *http, CURL *curl)
{
  gboolean keep;

  g_mutex_lock (&http->lock);
  keep = http->idle->len < CLOUD_HTTP_MAX_IDLE;
  if (keep)
    g_ptr_array_add (http->idle, curl);
  g_mutex_unlock (&http->lock);
  if (!keep)
    curl_easy_cleanup (curl);
}

static size_t
on_body (char *data, size_t size, size_t nmemb, void *user)
{
  Exchange *ex = user;
  gsize n = size * nmemb;

  if (ex->body->len + n > CLOUD_HTTP_MAX_BODY) {
    ex->too_large = TRUE;
    return 0;
  }
  g_byte_array_append (ex->body, (const guint8 *)data, n);
  return n;
}

static size_t
on_header (char *data, size_t size, size_t nitems, void *user)
{
  Exchange *ex = user;
  gsize n = size * nitems;
  g_autofree char *line = g_strndup (data, n);
  char *colon;

  g_strchomp (line);
  if (g_str_has_prefix (line, "HTTP/")) {
    /* a new response (after 100 Continue or a retry on the same handle) */
    g_hash_table_remove_all (ex->headers);
    return n;
  }
  colon = strchr (line, ':');
  if (colon == NULL || colon == line)
    return n;
  *colon = '\0';
  g_hash_table_replace (ex->headers, g_ascii_strdown (line, -1), g_strdup (g_strstrip (colon + 1)));
  return n;
}

static int
on_progress (void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
  Exchange *ex = user;

  return g_cancellable_is_cancelled (ex->cancellable) ? 1 : 0;
}

gboolean
cloud_http_perform (CloudHttp *http, const CloudHttpRequest *req, CloudHttpResponse *resp,
                    GCancellable *cancellable, GError **error)
{
  Exchange ex = { 0 };
  struct curl_slist *headers = NULL;
  char errbuf[CURL_ERROR_SIZE] = "";
  gint64 start = g_get_monotonic_time ();
  CURL *curl;
  CURLcode rc;
  long status = 0, request_size = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (http != NULL && req != NULL && resp != NULL, FALSE);
  memset (resp, 0, sizeof *resp);

  if (g_cancellable_set_error_if_cancelled (cancellable, error)) {
    g_clear_error (error);
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_CANCELLED, "cancelled");
    return FALSE;
  }

  ex.body = g_byte_array_new ();
  ex.headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ex.cancellable = cancellable;

  curl = take_handle (http);
  if (curl == NULL) {
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_TRANSPORT,
                 "cannot create an HTTP handle (out of memory?)");
    goto out;
  }

  for (const char *const *h = req->headers; h != NULL && *h != NULL; h++)
    headers = curl_slist_append (headers, *h);
  headers = curl_slist_append (headers, "Expect:"); /* no 100-continue round trip */

  curl_easy_setopt (curl, CURLOPT_URL, req->url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt (curl, CURLOPT_NOPROXY, "127.0.0.1,localhost,::1");
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, req->method);
  if (g_strcmp0 (req->method, "GET") == 0)
    curl_easy_setopt (curl, CURLOPT_HTTPGET, 1L);
  if (req->body != NULL) {
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, req->body);
    curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
  } else if (g_strcmp0 (req->method, "POST") == 0 || g_strcmp0 (req->method, "PUT") == 0) {
    /* no body: no form-urlencoded Content-Type either */
    headers = curl_slist_append (headers, "Content-Type:");
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
  }
  curl_easy_setopt (curl, CURLOPT_FRESH_CONNECT, req->fresh_connection ? 1L : 0L);
  curl_easy_setopt (curl, CURLOPT_FORBID_REUSE, req->fresh_connection ? 1L : 0L);
  if (req->connect_timeout_ms > 0)
    curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, (long)req->connect_timeout_ms);
  if (req->timeout_ms > 0)
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long)req->timeout_ms);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &ex);

  rc = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo (curl, CURLINFO_REQUEST_SIZE, &request_size);
  resp->elapsed_us = g_get_monotonic_time () - start;

  if (rc != CURLE_OK) {
    const char *why = errbuf[0] != '\0' ? errbuf : curl_easy_strerror (rc);

    resp->maybe_sent = request_size > 0;
    if (rc == CURLE_ABORTED_BY_CALLBACK)
      g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_CANCELLED, "cancelled");
    else if (rc == CURLE_OPERATION_TIMEDOUT)
      g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_TIMEOUT,
                   "no complete answer in time (%s)", why);
    else if (ex.too_large)
      g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
                   "response larger than %u bytes", CLOUD_HTTP_MAX_BODY);
    else
      g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_TRANSPORT,
                   "%s (check the network and the API URL)", why);
    /* a failed connection may be half-open: do not reuse the handle */
    curl_easy_cleanup (curl);
    curl = NULL;
    goto out;
  }

  resp->status = (guint)status;
  resp->body = g_byte_array_free_to_bytes (g_steal_pointer (&ex.body));
  resp->headers = g_steal_pointer (&ex.headers);
  ok = TRUE;

out:
  if (curl != NULL)
    give_back_handle (http, curl);
  curl_slist_free_all (headers);
  if (ex.body != NULL)
    g_byte_array_unref (ex.body);
  if (ex.headers != NULL)
    g_hash_table_unref (ex.headers);
  return ok;
}

void
cloud_http_response_clear (CloudHttpResponse *resp)
{
  if (resp == NULL)
    return;
  g_clear_pointer (&resp->body, g_bytes_unref);
  g_clear_pointer (&resp->headers, g_hash_table_unref);
  resp->status = 0;
}

gboolean
cloud_http_url_is_loopback (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr (GInetAddress) addr = NULL;
  const char *host;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  addr = g_inet_address_new_from_string (host);
  return addr != NULL && g_inet_address_get_is_loopback (addr);
}
