/* station/cloud/cloud-client.h - the SORACOM API client (docs/cloud-client.md).
 *
 * One CloudClient per station, shared by the worker threads of the slots:
 * every function here is thread-safe, blocking, and bounded by the client's
 * timeouts and per-call time budget; a GCancellable stops it early.  The
 * client authenticates (POST /auth) on first use, keeps the API key and token
 * in memory only until shortly before tokenTimeoutSeconds runs out, renews
 * them once on a 401, paces all threads through one token bucket, and retries
 * 429, 5xx and connection failures with jittered exponential backoff (on 429
 * it waits what X-Soracom-Ratelimit-Seconds-Before-Refresh or Retry-After
 * says).  A mutating call whose outcome is unknown (timeout, dropped
 * connection, 5xx) is re-read with GET before it is repeated.  Errors are
 * STATION_CLOUD_ERROR (cloud-error.h).  Request and response fields are named
 * as in ../shared/reference/soracom/soracom-api.en.yaml. */
#pragma once

#include <gio/gio.h>

#include "station/cloud/cloud-error.h"
#include "station/cloud/cloud-subscriber.h"
#include "station/config.h"

G_BEGIN_DECLS

#define CLOUD_API_URL_JAPAN   "https://api.soracom.io/v1"
#define CLOUD_API_URL_GLOBAL  "https://g.api.soracom.io/v1"
#define CLOUD_API_URL_SANDBOX "https://api-sandbox.soracom.io/v1"

typedef struct _CloudClient CloudClient;

/* ---- credentials ------------------------------------------------------ */

typedef struct {
  char *auth_key_id; /* AuthKey pair ... */
  char *auth_key;
  char *email; /* ... or an operator's email/password (sandbox operators) */
  char *password;
  const char *source; /* "config", "environment", "keyring", "sandbox" or "caller" */
} CloudCredentials;

/* cloud_credentials_new: an AuthKey pair given by the caller (copied). */
CloudCredentials *cloud_credentials_new (const char *auth_key_id, const char *auth_key);
CloudCredentials *cloud_credentials_copy (const CloudCredentials *creds);
void cloud_credentials_free (CloudCredentials *creds);

/* cloud_credentials_resolve: the AuthKey to use.  The first source that
 * names an auth key ID wins: [soracom] auth_key_id of @config (may be NULL),
 * then SORACOM_AUTH_KEY_ID; its key comes from the same source ([soracom]
 * auth_key, SORACOM_AUTH_KEY) or else from the keyring by that ID.  With no ID
 * anywhere, the keyring's service=soracom item is used.  [soracom] keyring =
 * false keeps the keyring out.  NULL with STATION_CLOUD_ERROR_NO_CREDENTIALS
 * when nothing is found. */
CloudCredentials *cloud_credentials_resolve (StationConfig *config, GCancellable *cancellable,
                                             GError **error);

/* ---- client ----------------------------------------------------------- */

typedef struct {
  const char *base_url;  /* e.g. CLOUD_API_URL_JAPAN or http://127.0.0.1:PORT/v1 */
  guint token_timeout_s; /* tokenTimeoutSeconds sent to /auth (default 86400) */
  double rate_per_s;     /* calls per second for all threads together (default 5; 0: no limit) */
  guint rate_burst;      /* calls allowed at once (default 16: one per slot of a large fixture) */
  guint max_attempts;    /* HTTP attempts per call, 401 renewal aside (default 5) */
  guint backoff_initial_ms; /* first retry delay before jitter (default 1000) */
  guint backoff_max_ms;     /* cap of the retry delay (default 30000) */
  guint budget_ms;          /* total time for one call, retries included (default 120000) */
  guint connect_timeout_ms; /* default 10000 */
  guint timeout_ms;         /* one HTTP exchange (default 30000) */
  const char *lang;         /* X-Soracom-Lang for error messages: "en" (default) or "ja" */
  gint64 (*clock) (void);   /* monotonic µs for token expiry (tests); NULL: g_get_monotonic_time */
} CloudClientOptions;

/* cloud_client_options_init: fills @opts with the defaults above. */
void cloud_client_options_init (CloudClientOptions *opts);

/* One HTTP exchange as the observer sees it: never keys, tokens or bodies. */
typedef struct {
  const char *operation; /* operationId of the yaml ("setImeiLock", "auth", ...) */
  const char *method;
  const char *path; /* below the base URL, percent-encoded, with the query */
  guint status;     /* HTTP status; 0 when no response came */
  gint64 ms;
  guint retry;          /* 0 for the first attempt of the call */
  const char *api_code; /* SORACOM error code of an error body, or NULL */
  const char *error;    /* why no response came, or NULL */
} CloudCallRecord;

/* Called synchronously in the thread that made the call (so a slot can file
 * the record with its unit), once per HTTP exchange, /auth included. */
typedef void (*CloudCallObserver) (const CloudCallRecord *record, gpointer user_data);

/* cloud_client_new: a client for @opts->base_url with @creds (copied; may be
 * NULL for calls that need none, e.g. sandbox init).  NULL with
 * STATION_CLOUD_ERROR_BAD_URL when the URL is not http(s), or is plain http
 * to a host other than loopback (keys would travel in clear). */
CloudClient *cloud_client_new (const CloudClientOptions *opts, const CloudCredentials *creds,
                               GError **error);

/* cloud_client_new_from_config: options from [soracom] of @config (may be
 * NULL: defaults), the base URL @api_url (NULL: [soracom] api_url or
 * CLOUD_API_URL_JAPAN), credentials by cloud_credentials_resolve(). */
CloudClient *cloud_client_new_from_config (StationConfig *config, const char *api_url,
                                           GCancellable *cancellable, GError **error);

void cloud_client_free (CloudClient *client);

const char *cloud_client_get_base_url (CloudClient *client);

/* cloud_client_set_observer: replaces the observer (NULL to remove). */
void cloud_client_set_observer (CloudClient *client, CloudCallObserver observer,
                                gpointer user_data);

/* cloud_client_authenticate: POST /auth now, replacing any cached token. */
gboolean cloud_client_authenticate (CloudClient *client, GCancellable *cancellable, GError **error);

/* cloud_client_dup_operator_id: the operatorId of the last /auth, or NULL. */
char *cloud_client_dup_operator_id (CloudClient *client);

/* ---- subscribers (cloud-subscribers.c) -------------------------------- */

typedef struct {
  const char *name;
  const char *value;
} CloudTag;

typedef struct {
  const char *tag_name;      /* tag_name (exact) */
  const char *tag_value;     /* tag_value, required with tag_name */
  gboolean tag_value_prefix; /* tag_value_match_mode=prefix instead of exact */
  const char *status_filter; /* e.g. "ready|active" */
  const char *speed_class_filter;
  const char *serial_number_filter;
  guint limit;       /* page size 1..100 (0: 100) */
  guint max_results; /* stop after this many (0: all) */
} CloudSubscriberFilter;

/* cloud_client_get_subscriber: GET /subscribers/{imsi}.  NOT_FOUND when the
 * operator has no such SIM. */
CloudSubscriber *cloud_client_get_subscriber (CloudClient *client, const char *imsi,
                                              GCancellable *cancellable, GError **error);

/* cloud_client_list_subscribers: GET /subscribers, every page (following
 * x-soracom-next-key until it is absent, short or empty pages included).
 * @filter may be NULL.  A GPtrArray of CloudSubscriber (owns them). */
GPtrArray *cloud_client_list_subscribers (CloudClient *client, const CloudSubscriberFilter *filter,
                                          GCancellable *cancellable, GError **error);

/* cloud_client_list_subscribers_page: one page after @last_key (NULL: the
 * first); *@next_key gets the next key or NULL on the last page. */
GPtrArray *cloud_client_list_subscribers_page (CloudClient *client,
                                               const CloudSubscriberFilter *filter,
                                               const char *last_key, char **next_key,
                                               GCancellable *cancellable, GError **error);

/* The mutating calls return the Subscriber after the change (as the API
 * answered it, or as read back after an uncertain attempt). */

/* PUT /subscribers/{imsi}/tags with [{"tagName","tagValue"}...]. */
CloudSubscriber *cloud_client_put_subscriber_tags (CloudClient *client, const char *imsi,
                                                   const CloudTag *tags, gsize n_tags,
                                                   GCancellable *cancellable, GError **error);

/* DELETE /subscribers/{imsi}/tags/{tag_name} (name percent-encoded). */
gboolean cloud_client_delete_subscriber_tag (CloudClient *client, const char *imsi,
                                             const char *tag_name, GCancellable *cancellable,
                                             GError **error);

/* POST /subscribers/{imsi}/set_imei_lock {"imei": @imei}; @imei NULL locks
 * to the IMEI of the current session (body {}). */
CloudSubscriber *cloud_client_set_imei_lock (CloudClient *client, const char *imsi,
                                             const char *imei, GCancellable *cancellable,
                                             GError **error);

/* POST /subscribers/{imsi}/{unset_imei_lock, set_to_standby, delete_session,
 * activate, deactivate, suspend, unset_group}. */
CloudSubscriber *cloud_client_unset_imei_lock (CloudClient *client, const char *imsi,
                                               GCancellable *cancellable, GError **error);
CloudSubscriber *cloud_client_set_to_standby (CloudClient *client, const char *imsi,
                                              GCancellable *cancellable, GError **error);
CloudSubscriber *cloud_client_delete_session (CloudClient *client, const char *imsi,
                                              GCancellable *cancellable, GError **error);
CloudSubscriber *cloud_client_activate (CloudClient *client, const char *imsi,
                                        GCancellable *cancellable, GError **error);
CloudSubscriber *cloud_client_deactivate (CloudClient *client, const char *imsi,
                                          GCancellable *cancellable, GError **error);
CloudSubscriber *cloud_client_suspend (CloudClient *client, const char *imsi,
                                       GCancellable *cancellable, GError **error);
CloudSubscriber *cloud_client_unset_group (CloudClient *client, const char *imsi,
                                           GCancellable *cancellable, GError **error);

/* POST /subscribers/{imsi}/set_group {"groupId": @group_id}. */
CloudSubscriber *cloud_client_set_group (CloudClient *client, const char *imsi,
                                         const char *group_id, GCancellable *cancellable,
                                         GError **error);

/* POST /subscribers/{imsi}/register {"registrationSecret", "groupId"?,
 * "tags"?} (a SIM that is not yet the operator's, e.g. sandbox-created). */
CloudSubscriber *cloud_client_register_subscriber (CloudClient *client, const char *imsi,
                                                   const char *registration_secret,
                                                   const char *group_id, const CloudTag *tags,
                                                   gsize n_tags, GCancellable *cancellable,
                                                   GError **error);

/* ---- orders and sandbox (cloud-orders.c) ------------------------------ */

typedef struct {
  const char *product_code;
  guint quantity;
} CloudOrderItem;

/* POST /orders (createQuotation) {"orderItemList":[{"productCode",
 * "quantity"}], "shippingAddressId", "preferredDeliveryDate"?}. */
CloudOrder *cloud_client_create_quotation (CloudClient *client, const CloudOrderItem *items,
                                           gsize n_items, const char *shipping_address_id,
                                           const char *preferred_delivery_date,
                                           GCancellable *cancellable, GError **error);

/* PUT /orders/{order_id}/confirm. */
CloudOrder *cloud_client_confirm_order (CloudClient *client, const char *order_id,
                                        GCancellable *cancellable, GError **error);

/* GET /orders/{order_id}. */
CloudOrder *cloud_client_get_order (CloudClient *client, const char *order_id,
                                    GCancellable *cancellable, GError **error);

/* GET /orders: a GPtrArray of CloudOrder (orderList). */
GPtrArray *cloud_client_list_orders (CloudClient *client, GCancellable *cancellable,
                                     GError **error);

/* GET /orders/{order_id}/subscribers, every page: CloudOrderedSubscriber. */
GPtrArray *cloud_client_list_ordered_subscribers (CloudClient *client, const char *order_id,
                                                  GCancellable *cancellable, GError **error);

/* POST /orders/{order_id}/subscribers/register (registerOrderedSim).  Not
 * repeated after an uncertain attempt: the error says to check the SIMs. */
gboolean cloud_client_register_ordered_sim (CloudClient *client, const char *order_id,
                                            GCancellable *cancellable, GError **error);

/* POST /sandbox/init {"email","password","authKeyId","authKey",
 * "coverageTypes"?}: creates a sandbox operator and makes its API key and
 * token (and email/password, for renewals) the client's session.
 * *@operator_id (may be NULL) gets its operatorId. */
gboolean cloud_client_sandbox_init (CloudClient *client, const char *email, const char *password,
                                    const char *auth_key_id, const char *auth_key,
                                    const char *const *coverage_types, char **operator_id,
                                    GCancellable *cancellable, GError **error);

/* POST /sandbox/subscribers/create {"subscription"?, "bundles"?}. */
CloudSandboxSubscriber *cloud_client_sandbox_create_subscriber (CloudClient *client,
                                                                const char *subscription,
                                                                const char *const *bundles,
                                                                GCancellable *cancellable,
                                                                GError **error);

/* POST /sandbox/orders/ship {"orderId","operatorId"}. */
gboolean cloud_client_sandbox_ship_order (CloudClient *client, const char *order_id,
                                          const char *operator_id, GCancellable *cancellable,
                                          GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CloudClient, cloud_client_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CloudCredentials, cloud_credentials_free)

G_END_DECLS
