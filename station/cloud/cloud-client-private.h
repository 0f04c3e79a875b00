/* station/cloud/cloud-client-private.h - the call engine shared by the
 * operation files (cloud-subscribers.c, cloud-orders.c).  Not for use
 * outside station/cloud/. */
#pragma once

#include <json-glib/json-glib.h>

#include "station/cloud/cloud-client.h"

G_BEGIN_DECLS

/* A read-back after an uncertain mutating attempt: sets *@done when the
 * wanted state is already there (then *@result is the object to return,
 * owned by the caller).  FALSE with @error when the read itself failed. */
typedef gboolean (*CloudReadBack) (CloudClient *client, gpointer data, gboolean *done,
                                   JsonNode **result, GCancellable *cancellable, GError **error);

typedef struct {
  const char *operation; /* operationId */
  const char *method;
  const char *path;        /* percent-encoded, below the base URL, with query */
  JsonNode *body;          /* NULL: no body */
  gboolean mutating;       /* an uncertain attempt must not simply be repeated */
  CloudReadBack read_back; /* how to learn whether it took effect (NULL: fail instead) */
  gpointer read_back_data;
  gboolean no_auth; /* /auth, /sandbox/init: no key or token headers */
} CloudCall;

typedef struct {
  guint status;
  JsonNode *json; /* NULL when the body was empty */
  char *next_key; /* x-soracom-next-key, or NULL */
} CloudReply;

void cloud_reply_clear (CloudReply *reply);

/* cloud_client_call: runs @call with auth, pacing, retries and budget.  TRUE
 * with @reply on a 2xx answer (or a successful read-back). */
gboolean cloud_client_call (CloudClient *client, const CloudCall *call, CloudReply *reply,
                            GCancellable *cancellable, GError **error);

/* cloud_client_set_session: installs an API key and token obtained outside
 * /auth (sandbox init), and @creds (may be NULL) for later renewals. */
void cloud_client_set_session (CloudClient *client, const char *api_key, const char *token,
                               const char *operator_id, const CloudCredentials *creds);

/* cloud_path_escape: @s percent-encoded for one path segment or query value
 * (everything but A-Z a-z 0-9 - . _ ~). */
char *cloud_path_escape (const char *s);

/* cloud_json_member_string: the string member @name of @obj, or NULL
 * (absent, null or not a string). */
const char *cloud_json_member_string (JsonObject *obj, const char *name);

/* cloud_api_error_new: the error for an HTTP @status answer with @body
 * (may be NULL) to @method @path; @is_auth: the call was POST /auth. */
GError *cloud_api_error_new (const char *method, const char *path, guint status, GBytes *body,
                             gboolean is_auth);

/* cloud_json_string_array: a JSON array node of @strv (NULL-terminated). */
JsonNode *cloud_json_string_array (const char *const *strv);

/* Parses one element of a list answer. */
typedef gpointer (*CloudParseFunc) (JsonNode *node, GError **error);

/* cloud_client_list_pages: GET @path (with its query, without
 * last_evaluated_key) page by page, following x-soracom-next-key until it
 * is absent (short or empty pages included).  The answer is a JSON array, or
 * an object whose @member is the array.  Stops after @max_results (0: all).
 * @first_key: start after it (NULL: from the start); @one_page: stop after
 * one page, storing the next key in *@next_key.  A GPtrArray freeing its
 * elements with @free_func. */
GPtrArray *cloud_client_list_pages (CloudClient *client, const char *operation, const char *path,
                                    const char *member, CloudParseFunc parse,
                                    GDestroyNotify free_func, guint max_results,
                                    const char *first_key, gboolean one_page, char **next_key,
                                    GCancellable *cancellable, GError **error);

G_END_DECLS
