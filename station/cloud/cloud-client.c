/* station/cloud/cloud-client.c - the call engine of the SORACOM API client:
 * authentication and token cache, the shared rate budget, retries with
 * backoff, the time budget, read-back of uncertain mutations, error mapping
 * and the observer.  The operations are in cloud-subscribers.c and
 * cloud-orders.c. */
#define G_LOG_DOMAIN "station-cloud"

#include "station/cloud/cloud-client.h"

#include <string.h>

#include "station/cloud/cloud-client-private.h"
#include "station/cloud/cloud-http.h"
#include "station/secret.h"

#define USER_AGENT                                                                                 \
  "soracom-provisioning-station/"                                                                  \
  "0.1"

struct _CloudClient {
  char *base_url;
  char *lang;
  CloudClientOptions opts; /* base_url and lang point at the copies above */
  CloudHttp *http;

  GMutex auth_lock; /* held across POST /auth: one thread authenticates */

  GMutex lock; /* everything below */
  CloudCredentials *creds;
  char *api_key;
  char *token;
  char *operator_id;
  gint64 token_expires_at; /* opts.clock time */
  guint token_generation;
  CloudCallObserver observer;
  gpointer observer_data;
  double bucket_tokens;
  gint64 bucket_at;     /* monotonic µs of the last refill */
  gint64 blocked_until; /* monotonic µs: a 429 asked everyone to wait */
};

void
cloud_client_options_init (CloudClientOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->base_url = CLOUD_API_URL_JAPAN;
  opts->token_timeout_s = 86400;
  opts->rate_per_s = 5.0;
  opts->rate_burst = 16;
  opts->max_attempts = 5;
  opts->backoff_initial_ms = 1000;
  opts->backoff_max_ms = 30000;
  opts->budget_ms = 120000;
  opts->connect_timeout_ms = 10000;
  opts->timeout_ms = 30000;
  opts->lang = "en";
}

static gint64
client_clock (CloudClient *c)
{
  return c->opts.clock != NULL ? c->opts.clock () : g_get_monotonic_time ();
}

CloudClient *
cloud_client_new (const CloudClientOptions *opts, const CloudCredentials *creds, GError **error)
{
  CloudClientOptions defaults;
  g_autoptr (GUri) uri = NULL;
  CloudClient *c;
  const char *scheme;

  if (opts == NULL) {
    cloud_client_options_init (&defaults);
    opts = &defaults;
  }
  uri = g_uri_parse (opts->base_url != NULL ? opts->base_url : "", G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL
      || (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0)) {
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_URL,
                 "SORACOM API URL \"%s\": not an http(s) URL (e.g. %s)",
                 opts->base_url ? opts->base_url : "", CLOUD_API_URL_JAPAN);
    return NULL;
  }
  if (g_strcmp0 (scheme, "http") == 0 && !cloud_http_url_is_loopback (opts->base_url)) {
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_URL,
                 "SORACOM API URL %s: plain http is only allowed to a loopback address; "
                 "use https",
                 opts->base_url);
    return NULL;
  }

  c = g_new0 (CloudClient, 1);
  c->base_url = g_strdup (opts->base_url);
  while (g_str_has_suffix (c->base_url, "/"))
    c->base_url[strlen (c->base_url) - 1] = '\0';
  c->lang = g_strdup (opts->lang);
  c->opts = *opts;
  c->opts.base_url = c->base_url;
  c->opts.lang = c->lang;
  if (c->opts.max_attempts == 0)
    c->opts.max_attempts = 1;
  if (c->opts.rate_burst == 0)
    c->opts.rate_burst = 1;
  if (c->opts.token_timeout_s == 0)
    c->opts.token_timeout_s = 86400;
  c->http = cloud_http_new ();
  g_mutex_init (&c->lock);
  g_mutex_init (&c->auth_lock);
  c->creds = creds != NULL ? cloud_credentials_copy (creds) : NULL;
  c->bucket_tokens = c->opts.rate_burst;
  c->bucket_at = g_get_monotonic_time ();
  return c;
}

void
cloud_client_free (CloudClient *c)
{
  if (c == NULL)
    return;
  cloud_http_free (c->http);
  cloud_credentials_free (c->creds);
  station_secret_free (c->api_key);
  station_secret_free (c->token);
  g_free (c->operator_id);
  g_free (c->base_url);
  g_free (c->lang);
  g_mutex_clear (&c->lock);
  g_mutex_clear (&c->auth_lock);
  g_free (c);
}

const char *
cloud_client_get_base_url (CloudClient *c)
{
  return c->base_url;
}

void
cloud_client_set_observer (CloudClient *c, CloudCallObserver observer, gpointer user_data)
{
  g_mutex_lock (&c->lock);
  c->observer = observer;
  c->observer_data = user_data;
  g_mutex_unlock (&c->lock);
}

char *
cloud_client_dup_operator_id (CloudClient *c)
{
  char *id;

  g_mutex_lock (&c->lock);
  id = g_strdup (c->operator_id);
  g_mutex_unlock (&c->lock);
  return id;
}

void
cloud_reply_clear (CloudReply *reply)
{
  g_clear_pointer (&reply->json, json_node_unref);
  g_clear_pointer (&reply->next_key, g_free);
  reply->status = 0;
}

char *
cloud_path_escape (const char *s)
{
  return g_uri_escape_string (s, NULL, FALSE);
}

JsonNode *
cloud_json_string_array (const char *const *strv)
{
  JsonArray *a = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (; strv != NULL && *strv != NULL; strv++)
    json_array_add_string_element (a, *strv);
  json_node_take_array (node, a);
  return node;
}

/* ---- waiting ---------------------------------------------------------- */

/* Waits @us (bounded), returning early (FALSE) when @cancellable fires. */
static gboolean
wait_cancellable (gint64 us, GCancellable *cancellable)
{
  GPollFD pfd;
  gint64 end = g_get_monotonic_time () + us;
  gint64 left;

  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &pfd)) {
    while ((left = end - g_get_monotonic_time ()) > 0 && !g_cancellable_is_cancelled (cancellable))
      g_poll (&pfd, 1, (gint)MIN ((left + 999) / 1000, G_MAXINT));
    g_cancellable_release_fd (cancellable);
  } else {
    while ((left = end - g_get_monotonic_time ()) > 0 && !g_cancellable_is_cancelled (cancellable))
      g_usleep ((gulong)MIN (left, 50000));
  }
  return !g_cancellable_is_cancelled (cancellable);
}

/* Takes one call from the token bucket shared by all threads; returns how
 * long (µs) the caller must wait before sending. */
static gint64
bucket_reserve (CloudClient *c)
{
  gint64 now = g_get_monotonic_time ();
  gint64 wait = 0;

  g_mutex_lock (&c->lock);
  if (c->opts.rate_per_s > 0) {
    double refill = (double)(now - c->bucket_at) * c->opts.rate_per_s / G_USEC_PER_SEC;

    c->bucket_tokens = MIN ((double)c->opts.rate_burst, c->bucket_tokens + refill);
    c->bucket_at = now;
    c->bucket_tokens -= 1.0;
    if (c->bucket_tokens < 0)
      wait = (gint64)(-c->bucket_tokens * G_USEC_PER_SEC / c->opts.rate_per_s);
  }
  if (c->blocked_until > now + wait)
    wait = c->blocked_until - now;
  g_mutex_unlock (&c->lock);
  return wait;
}

static void
bucket_block (CloudClient *c, gint64 until)
{
  g_mutex_lock (&c->lock);
  c->blocked_until = MAX (c->blocked_until, until);
  g_mutex_unlock (&c->lock);
}

/* Jittered exponential backoff: between half and all of min(max, initial·2^n). */
static gint64
backoff_us (CloudClient *c, guint n)
{
  double base = c->opts.backoff_initial_ms;

  for (guint i = 0; i < n && base < c->opts.backoff_max_ms; i++)
    base *= 2;
  base = MIN (base, (double)c->opts.backoff_max_ms);
  return (gint64)(base * g_random_double_range (0.5, 1.0) * 1000);
}

#define RATE_LIMIT_MIN_WAIT_US (100 * 1000)

/* The wait a 429 asks for, in µs, or -1 when it names none. */
static gint64
rate_limit_wait_us (GHashTable *headers)
{
  const char *names[] = { "x-soracom-ratelimit-seconds-before-refresh", "retry-after" };

  for (gsize i = 0; headers != NULL && i < G_N_ELEMENTS (names); i++) {
    const char *v = g_hash_table_lookup (headers, names[i]);
    char *end = NULL;
    double s;

    if (v == NULL)
      continue;
    s = g_ascii_strtod (v, &end);
    if (end != v && *end == '\0' && s >= 0 && s < 86400)
      return (gint64)(s * G_USEC_PER_SEC);
  }
  return -1;
}

static void
notify (CloudClient *c, const CloudCall *call, guint status, gint64 us, guint retry,
        const char *api_code, const char *why)
{
  CloudCallObserver observer;
  gpointer data;
  CloudCallRecord rec = {
    .operation = call->operation,
    .method = call->method,
    .path = call->path,
    .status = status,
    .ms = us / 1000,
    .retry = retry,
    .api_code = api_code,
    .error = why,
  };

  g_debug ("%s %s -> %u%s%s (%" G_GINT64_FORMAT " ms, retry %u)", call->method, call->path, status,
           why ? ": " : "", why ? why : "", rec.ms, retry);
  g_mutex_lock (&c->lock);
  observer = c->observer;
  data = c->observer_data;
  g_mutex_unlock (&c->lock);
  if (observer != NULL)
    observer (&rec, data);
}

/* ---- token ------------------------------------------------------------ */

typedef char *CloudSecretString;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (CloudSecretString, station_secret_free, NULL)

static gint64
token_lifetime_us (guint timeout_s)
{
  gint64 t = (gint64)timeout_s * G_USEC_PER_SEC;

  return t - MIN ((gint64)300 * G_USEC_PER_SEC, t / 10);
}

static void
store_session_locked (CloudClient *c, const char *api_key, const char *token,
                      const char *operator_id, gint64 expires_at)
{
  station_secret_free (c->api_key);
  station_secret_free (c->token);
  c->api_key = g_strdup (api_key);
  c->token = g_strdup (token);
  if (operator_id != NULL) {
    g_free (c->operator_id);
    c->operator_id = g_strdup (operator_id);
  }
  c->token_expires_at = expires_at;
  c->token_generation++;
}

/* POST /auth with the client's credentials; caller holds auth_lock. */
static gboolean
authenticate_locked (CloudClient *c, GCancellable *cancellable, GError **error)
{
  g_autoptr (CloudCredentials) creds = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  CloudReply reply = { 0 };
  CloudCall call = { .operation = "auth", .method = "POST", .path = "/auth", .no_auth = TRUE };
  JsonObject *obj;
  const char *api_key, *token;
  gint64 t0;
  gboolean ok = FALSE;

  g_mutex_lock (&c->lock);
  creds = c->creds != NULL ? cloud_credentials_copy (c->creds) : NULL;
  g_mutex_unlock (&c->lock);

  json_builder_begin_object (b);
  if (creds != NULL && creds->auth_key_id != NULL && creds->auth_key != NULL) {
    json_builder_set_member_name (b, "authKeyId");
    json_builder_add_string_value (b, creds->auth_key_id);
    json_builder_set_member_name (b, "authKey");
    json_builder_add_string_value (b, creds->auth_key);
  } else if (creds != NULL && creds->email != NULL && creds->password != NULL) {
    json_builder_set_member_name (b, "email");
    json_builder_add_string_value (b, creds->email);
    json_builder_set_member_name (b, "password");
    json_builder_add_string_value (b, creds->password);
  } else {
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_NO_CREDENTIALS,
                 "SORACOM API: no auth key (set [soracom] auth_key_id and auth_key, or "
                 "SORACOM_AUTH_KEY_ID and SORACOM_AUTH_KEY, or store it in the keyring)");
    return FALSE;
  }
  json_builder_set_member_name (b, "tokenTimeoutSeconds");
  json_builder_add_int_value (b, c->opts.token_timeout_s);
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  call.body = body;

  t0 = client_clock (c);
  if (!cloud_client_call (c, &call, &reply, cancellable, error))
    goto out;
  obj = reply.json != NULL && JSON_NODE_HOLDS_OBJECT (reply.json)
            ? json_node_get_object (reply.json)
            : NULL;
  api_key = obj != NULL ? cloud_json_member_string (obj, "apiKey") : NULL;
  token = obj != NULL ? cloud_json_member_string (obj, "token") : NULL;
  if (api_key == NULL || token == NULL || *api_key == '\0' || *token == '\0') {
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
                 "SORACOM API POST /auth: the answer has no apiKey/token");
    goto out;
  }
  g_mutex_lock (&c->lock);
  store_session_locked (c, api_key, token, cloud_json_member_string (obj, "operatorId"),
                        t0 + token_lifetime_us (c->opts.token_timeout_s));
  g_mutex_unlock (&c->lock);
  g_debug ("authenticated (token valid for %u s)", c->opts.token_timeout_s);
  ok = TRUE;

out:
  cloud_reply_clear (&reply);
  return ok;
}

/* Copies a valid API key and token, authenticating first when needed. */
static gboolean
ensure_token (CloudClient *c, char **api_key, char **token, guint *generation,
              GCancellable *cancellable, GError **error)
{
  gboolean ok = TRUE;

  for (int round = 0; round < 2; round++) {
    g_mutex_lock (&c->lock);
    if (c->token != NULL && client_clock (c) < c->token_expires_at) {
      *api_key = g_strdup (c->api_key);
      *token = g_strdup (c->token);
      *generation = c->token_generation;
      g_mutex_unlock (&c->lock);
      return TRUE;
    }
    g_mutex_unlock (&c->lock);
    if (round == 1)
      break;
    g_mutex_lock (&c->auth_lock);
    g_mutex_lock (&c->lock);
    /* another thread may have renewed it while this one waited */
    ok = c->token != NULL && client_clock (c) < c->token_expires_at;
    g_mutex_unlock (&c->lock);
    if (!ok)
      ok = authenticate_locked (c, cancellable, error);
    g_mutex_unlock (&c->auth_lock);
    if (!ok)
      return FALSE;
  }
  g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_AUTH,
               "SORACOM API: the new token expired at once (check [soracom] token_timeout_s)");
  return FALSE;
}

/* Forgets the token of @generation (refused with 401) unless renewed since. */
static void
invalidate_token (CloudClient *c, guint generation)
{
  g_mutex_lock (&c->lock);
  if (c->token_generation == generation)
    c->token_expires_at = G_MININT64;
  g_mutex_unlock (&c->lock);
}

gboolean
cloud_client_authenticate (CloudClient *c, GCancellable *cancellable, GError **error)
{
  gboolean ok;

  g_mutex_lock (&c->auth_lock);
  ok = authenticate_locked (c, cancellable, error);
  g_mutex_unlock (&c->auth_lock);
  return ok;
}

void
cloud_client_set_session (CloudClient *c, const char *api_key, const char *token,
                          const char *operator_id, const CloudCredentials *creds)
{
  g_mutex_lock (&c->lock);
  store_session_locked (c, api_key, token, operator_id,
                        client_clock (c) + token_lifetime_us (c->opts.token_timeout_s));
  if (creds != NULL) {
    cloud_credentials_free (c->creds);
    c->creds = cloud_credentials_copy (creds);
  }
  g_mutex_unlock (&c->lock);
}

/* ---- one attempt ------------------------------------------------------ */

typedef enum {
  ATTEMPT_OK,     /* 2xx: @reply filled */
  ATTEMPT_FAIL,   /* final: @error */
  ATTEMPT_RETRY,  /* worth another attempt: @error says why this one failed */
  ATTEMPT_RENEW,  /* 401 on a token: renew and repeat */
  ATTEMPT_BUDGET, /* the budget ends before the attempt could be made */
} AttemptResult;

typedef struct {
  gboolean uncertain;    /* the server may have acted on the request */
  gint64 server_wait;    /* µs a 429 asked for, or -1 */
  gboolean rate_limited; /* a 429: the request was refused before any work */
  guint generation;      /* token generation used */
} AttemptInfo;

static AttemptResult
attempt_once (CloudClient *c, const CloudCall *call, const char *url, const char *body,
              gint64 deadline, guint exchange, CloudReply *reply, AttemptInfo *info,
              GCancellable *cancellable, GError **error)
{
  g_auto (CloudSecretString) api_key = NULL;
  g_auto (CloudSecretString) token = NULL;
  g_autoptr (GPtrArray) headers
      = g_ptr_array_new_with_free_func ((GDestroyNotify)station_secret_free);
  g_autoptr (JsonParser) parser = NULL;
  CloudHttpResponse resp = { 0 };
  CloudHttpRequest req = { 0 };
  GError *local = NULL;
  AttemptResult result = ATTEMPT_FAIL;
  gint64 wait, remaining_ms;
  gsize len = 0;
  const char *data;

  info->uncertain = FALSE;
  info->server_wait = -1;
  if (!call->no_auth && !ensure_token (c, &api_key, &token, &info->generation, cancellable, error))
    return ATTEMPT_FAIL;

  wait = bucket_reserve (c);
  if (g_get_monotonic_time () + wait >= deadline)
    return ATTEMPT_BUDGET;
  if (wait > 0 && !wait_cancellable (wait, cancellable)) {
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_CANCELLED,
                 "SORACOM API %s %s: cancelled", call->method, call->path);
    return ATTEMPT_FAIL;
  }
  remaining_ms = (deadline - g_get_monotonic_time ()) / 1000;
  if (remaining_ms <= 0)
    return ATTEMPT_BUDGET;

  g_ptr_array_add (headers, g_strdup ("Accept: application/json"));
  g_ptr_array_add (headers, g_strdup ("User-Agent: " USER_AGENT));
  if (c->lang != NULL && *c->lang != '\0')
    g_ptr_array_add (headers, g_strdup_printf ("X-Soracom-Lang: %s", c->lang));
  if (body != NULL)
    g_ptr_array_add (headers, g_strdup ("Content-Type: application/json"));
  if (api_key != NULL) {
    g_ptr_array_add (headers, g_strdup_printf ("X-Soracom-API-Key: %s", api_key));
    g_ptr_array_add (headers, g_strdup_printf ("X-Soracom-Token: %s", token));
  }
  g_ptr_array_add (headers, NULL);

  req.method = call->method;
  req.url = url;
  req.headers = (const char *const *)headers->pdata;
  req.body = body;
  req.body_len = body != NULL ? strlen (body) : 0;
  req.connect_timeout_ms = (guint)MIN ((gint64)c->opts.connect_timeout_ms, remaining_ms);
  req.timeout_ms = (guint)MIN ((gint64)c->opts.timeout_ms, remaining_ms);
  req.fresh_connection = call->mutating;

  if (!cloud_http_perform (c->http, &req, &resp, cancellable, &local)) {
    notify (c, call, 0, resp.elapsed_us, exchange, NULL, local->message);
    g_prefix_error (&local, "SORACOM API %s %s: ", call->method, call->path);
    info->uncertain = resp.maybe_sent;
    result = (local->code == STATION_CLOUD_ERROR_TIMEOUT
              || local->code == STATION_CLOUD_ERROR_TRANSPORT)
                 ? ATTEMPT_RETRY
                 : ATTEMPT_FAIL;
    g_propagate_error (error, local);
    goto out;
  }

  if (resp.status >= 200 && resp.status < 300) {
    const char *next = g_hash_table_lookup (resp.headers, "x-soracom-next-key");

    notify (c, call, resp.status, resp.elapsed_us, exchange, NULL, NULL);
    data = g_bytes_get_data (resp.body, &len);
    while (len > 0 && g_ascii_isspace (data[len - 1]))
      len--;
    if (len > 0) {
      parser = json_parser_new ();
      if (!json_parser_load_from_data (parser, data, (gssize)len, &local)) {
        g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
                     "SORACOM API %s %s: HTTP %u with a body that is not JSON (%s)", call->method,
                     call->path, resp.status, local->message);
        g_error_free (local);
        goto out;
      }
      reply->json = json_parser_steal_root (parser);
    }
    reply->status = resp.status;
    reply->next_key = next != NULL && *next != '\0' ? g_strdup (next) : NULL;
    result = ATTEMPT_OK;
    goto out;
  }

  local = cloud_api_error_new (call->method, call->path, resp.status, resp.body,
                               call->no_auth && g_str_has_prefix (call->path, "/auth"));
  notify (c, call, resp.status, resp.elapsed_us, exchange, station_cloud_error_get_api_code (local),
          NULL);
  if (resp.status == 401 && !call->no_auth) {
    result = ATTEMPT_RENEW;
  } else if (resp.status == 429) {
    info->server_wait = rate_limit_wait_us (resp.headers);
    info->rate_limited = TRUE;
    result = ATTEMPT_RETRY;
  } else if (resp.status >= 500) {
    info->uncertain = TRUE;
    result = ATTEMPT_RETRY;
  }
  g_propagate_error (error, local);

out:
  cloud_http_response_clear (&resp);
  return result;
}

/* ---- the call --------------------------------------------------------- */

static GError *
budget_error (CloudClient *c, const CloudCall *call, gint64 start, const GError *last)
{
  GError *e = g_error_new (STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BUDGET_EXHAUSTED,
                           "SORACOM API %s %s: gave up after %.1f s (call budget %u ms); last: %s",
                           call->method, call->path,
                           (double)(g_get_monotonic_time () - start) / G_USEC_PER_SEC,
                           c->opts.budget_ms, last != NULL ? last->message : "no answer yet");

  station_cloud_error_set_details (e, station_cloud_error_get_http_status (last),
                                   station_cloud_error_get_api_code (last));
  return e;
}

/* A copy of @e (same code and details) with "(<note>)" appended. */
static GError *G_GNUC_PRINTF (2, 3) rewrap (const GError *e, const char *fmt, ...)
{
  g_autofree char *note = NULL;
  va_list ap;
  GError *out;

  va_start (ap, fmt);
  note = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  out = g_error_new (STATION_CLOUD_ERROR, e->code, "%s (%s)", e->message, note);
  station_cloud_error_set_details (out, station_cloud_error_get_http_status (e),
                                   station_cloud_error_get_api_code (e));
  return out;
}

gboolean
cloud_client_call (CloudClient *c, const CloudCall *call, CloudReply *reply,
                   GCancellable *cancellable, GError **error)
{
  g_autofree char *url = g_strconcat (c->base_url, call->path, NULL);
  g_auto (CloudSecretString) body = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + (gint64)c->opts.budget_ms * 1000;
  GError *last = NULL;
  guint attempts = 0, limited = 0, exchange = 0;
  gboolean renewed = FALSE, need_read_back = FALSE, ok = FALSE;

  memset (reply, 0, sizeof *reply);
  if (call->body != NULL)
    body = json_to_string (call->body, FALSE);

  /* bounded: each round uses an attempt, except one 401 renewal */
  while (TRUE) {
    AttemptInfo info = { 0 };
    AttemptResult r;
    gint64 delay;

    if (need_read_back) {
      gboolean done = FALSE;
      JsonNode *result = NULL;
      GError *local = NULL;

      need_read_back = FALSE;
      if (!call->read_back (c, call->read_back_data, &done, &result, cancellable, &local)) {
        g_propagate_error (
            error, rewrap (local, "reading back after an uncertain attempt (%s)", last->message));
        g_error_free (local);
        goto out;
      }
      if (done) {
        g_debug ("%s %s: read back, it had taken effect", call->method, call->path);
        reply->status = 200;
        reply->json = result;
        ok = TRUE;
        goto out;
      }
      g_debug ("%s %s: read back, it had not taken effect: repeating", call->method, call->path);
    }

    g_clear_error (&last);
    r = attempt_once (c, call, url, body, deadline, exchange++, reply, &info, cancellable, &last);
    switch (r) {
    case ATTEMPT_OK:
      ok = TRUE;
      goto out;
    case ATTEMPT_FAIL:
      g_propagate_error (error, g_steal_pointer (&last));
      goto out;
    case ATTEMPT_BUDGET:
      g_propagate_error (error, budget_error (c, call, start, last));
      goto out;
    case ATTEMPT_RENEW:
      if (!renewed) {
        renewed = TRUE;
        invalidate_token (c, info.generation);
        continue;
      }
      g_propagate_error (error, g_steal_pointer (&last));
      goto out;
    case ATTEMPT_RETRY:
      break;
    }

    if (info.uncertain && call->mutating) {
      if (call->read_back == NULL) {
        g_propagate_error (
            error, rewrap (last, "the call may have taken effect: check before repeating it"));
        goto out;
      }
      need_read_back = TRUE;
    }
    /* a 429 refused the request before any work: a storm of them slows the
     * call down (every thread waits) but only the budget ends it; other
     * failures use up the attempts */
    if (info.rate_limited) {
      limited++;
    } else if (++attempts >= c->opts.max_attempts) {
      g_propagate_error (error, rewrap (last, "after %u attempts", attempts + limited));
      goto out;
    }
    if (info.server_wait >= 0) {
      /* wait what the server says (everyone waits: the bucket is blocked),
       * at least RATE_LIMIT_MIN_WAIT_US: a storm of 429s saying "0" would
       * otherwise be asked again at once until the budget ran out */
      info.server_wait = MAX (info.server_wait, RATE_LIMIT_MIN_WAIT_US);
      delay = info.server_wait
              + g_random_int_range (0, 1 + (gint32)MIN (250000, info.server_wait / 10));
      if (g_get_monotonic_time () + delay >= deadline) {
        g_propagate_error (error, budget_error (c, call, start, last));
        goto out;
      }
      bucket_block (c, g_get_monotonic_time () + delay);
      continue;
    }
    delay = backoff_us (c, attempts + limited - 1);
    if (g_get_monotonic_time () + delay >= deadline) {
      g_propagate_error (error, budget_error (c, call, start, last));
      goto out;
    }
    if (!wait_cancellable (delay, cancellable)) {
      g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_CANCELLED,
                   "SORACOM API %s %s: cancelled", call->method, call->path);
      goto out;
    }
  }

out:
  g_clear_error (&last);
  if (!ok)
    cloud_reply_clear (reply);
  return ok;
}
