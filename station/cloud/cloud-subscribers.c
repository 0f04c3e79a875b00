/* station/cloud/cloud-subscribers.c - the Subscriber operations of the
 * SORACOM API: get/list with pagination and filters, tags, IMEI lock,
 * status changes, groups, registration.  Each mutation knows how to read
 * its effect back, so an uncertain attempt is checked before it is repeated. */
#define G_LOG_DOMAIN "station-cloud"

#include <string.h>

#include "station/cloud/cloud-client-private.h"

/* Bound on pages followed in one listing (100 per page: a million SIMs). */
#define MAX_PAGES 10000

GPtrArray *
cloud_client_list_pages (CloudClient *c, const char *operation, const char *path,
                         const char *member, CloudParseFunc parse, GDestroyNotify free_func,
                         guint max_results, const char *first_key, gboolean one_page,
                         char **next_key, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (free_func);
  g_autofree char *key = g_strdup (first_key);
  gboolean more = TRUE;

  if (next_key != NULL)
    *next_key = NULL;
  for (guint page = 0; more; page++) {
    g_autofree char *esc = key != NULL ? cloud_path_escape (key) : NULL;
    g_autofree char *page_path = NULL;
    CloudReply reply = { 0 };
    CloudCall call = { .operation = operation, .method = "GET" };
    JsonNode *list;
    JsonArray *items;

    if (page >= MAX_PAGES) {
      g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
                   "SORACOM API GET %s: more than %u pages; stopped", path, MAX_PAGES);
      return NULL;
    }
    page_path = esc != NULL ? g_strdup_printf ("%s%clast_evaluated_key=%s", path,
                                               strchr (path, '?') ? '&' : '?', esc)
                            : g_strdup (path);
    call.path = page_path;
    if (!cloud_client_call (c, &call, &reply, cancellable, error))
      return NULL;

    list = reply.json;
    if (list != NULL && member != NULL && JSON_NODE_HOLDS_OBJECT (list))
      list = json_object_get_member (json_node_get_object (list), member);
    if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list)) {
      g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
                   "SORACOM API GET %s: expected a list%s%s", page_path, member ? " in " : "",
                   member ? member : "");
      cloud_reply_clear (&reply);
      return NULL;
    }
    items = json_node_get_array (list);
    for (guint i = 0; i < json_array_get_length (items); i++) {
      gpointer item = parse (json_array_get_element (items, i), error);

      if (item == NULL) {
        g_prefix_error (error, "SORACOM API GET %s: item %u: ", page_path, i);
        cloud_reply_clear (&reply);
        return NULL;
      }
      g_ptr_array_add (all, item);
    }

    more = reply.next_key != NULL;
    if (more && key != NULL && strcmp (reply.next_key, key) == 0) {
      g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
                   "SORACOM API GET %s: x-soracom-next-key repeats the last key", page_path);
      cloud_reply_clear (&reply);
      return NULL;
    }
    g_free (key);
    key = g_steal_pointer (&reply.next_key);
    cloud_reply_clear (&reply);
    if (max_results > 0 && all->len >= max_results) {
      g_ptr_array_set_size (all, max_results);
      break;
    }
    if (one_page)
      break;
  }
  if (next_key != NULL)
    *next_key = g_steal_pointer (&key);
  return g_steal_pointer (&all);
}

static void
query_add (GString *q, const char *name, const char *value)
{
  g_autofree char *esc = NULL;

  if (value == NULL)
    return;
  esc = cloud_path_escape (value);
  g_string_append_printf (q, "%c%s=%s", strchr (q->str, '?') ? '&' : '?', name, esc);
}

static char *
subscribers_query (const CloudSubscriberFilter *f)
{
  GString *q = g_string_new ("/subscribers");
  g_autofree char *limit = NULL;

  if (f != NULL) {
    query_add (q, "tag_name", f->tag_name);
    query_add (q, "tag_value", f->tag_value);
    if (f->tag_name != NULL && f->tag_value_prefix)
      query_add (q, "tag_value_match_mode", "prefix");
    query_add (q, "status_filter", f->status_filter);
    query_add (q, "speed_class_filter", f->speed_class_filter);
    query_add (q, "serial_number_filter", f->serial_number_filter);
  }
  limit = g_strdup_printf ("%u", f != NULL && f->limit > 0 ? MIN (f->limit, 100) : 100);
  query_add (q, "limit", limit);
  return g_string_free (q, FALSE);
}

GPtrArray *
cloud_client_list_subscribers (CloudClient *c, const CloudSubscriberFilter *filter,
                               GCancellable *cancellable, GError **error)
{
  g_autofree char *path = subscribers_query (filter);

  return cloud_client_list_pages (
      c, "listSubscribers", path, NULL, (CloudParseFunc)cloud_subscriber_from_json,
      (GDestroyNotify)cloud_subscriber_free, filter != NULL ? filter->max_results : 0, NULL, FALSE,
      NULL, cancellable, error);
}

GPtrArray *
cloud_client_list_subscribers_page (CloudClient *c, const CloudSubscriberFilter *filter,
                                    const char *last_key, char **next_key,
                                    GCancellable *cancellable, GError **error)
{
  g_autofree char *path = subscribers_query (filter);

  return cloud_client_list_pages (
      c, "listSubscribers", path, NULL, (CloudParseFunc)cloud_subscriber_from_json,
      (GDestroyNotify)cloud_subscriber_free, 0, last_key, TRUE, next_key, cancellable, error);
}

CloudSubscriber *
cloud_client_get_subscriber (CloudClient *c, const char *imsi, GCancellable *cancellable,
                             GError **error)
{
  g_autofree char *esc = cloud_path_escape (imsi);
  g_autofree char *path = g_strdup_printf ("/subscribers/%s", esc);
  CloudCall call = { .operation = "getSubscriber", .method = "GET", .path = path };
  CloudReply reply = { 0 };
  CloudSubscriber *sub;

  if (!cloud_client_call (c, &call, &reply, cancellable, error))
    return NULL;
  sub = cloud_subscriber_from_json (reply.json, error);
  if (sub == NULL)
    g_prefix_error (error, "SORACOM API GET %s: ", path);
  cloud_reply_clear (&reply);
  return sub;
}

/* ---- mutations with read-back ----------------------------------------- */

typedef gboolean (*SubscriberDone) (const CloudSubscriber *sub, gconstpointer want);

typedef struct {
  const char *imsi;
  SubscriberDone done;
  gconstpointer want;
  gboolean absent_means_not_done; /* registration: 404 means "not yet" */
} ReadBack;

static gboolean
read_back_subscriber (CloudClient *c, gpointer data, gboolean *done, JsonNode **result,
                      GCancellable *cancellable, GError **error)
{
  ReadBack *rb = data;
  GError *local = NULL;
  g_autoptr (CloudSubscriber) sub = cloud_client_get_subscriber (c, rb->imsi, cancellable, &local);

  *done = FALSE;
  *result = NULL;
  if (sub == NULL) {
    if (rb->absent_means_not_done
        && g_error_matches (local, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_NOT_FOUND)) {
      g_error_free (local);
      return TRUE;
    }
    g_propagate_error (error, local);
    return FALSE;
  }
  *done = rb->done (sub, rb->want);
  if (*done)
    *result = json_node_copy (sub->raw);
  return TRUE;
}

/* @method /subscribers/{imsi}@suffix with @body (may be NULL); returns the
 * Subscriber the API answered with (or read back), or just success when
 * @out_sub is FALSE-y and the answer has no body (204). */
static JsonNode *
subscriber_mutation (CloudClient *c, const char *operation, const char *method, const char *imsi,
                     const char *suffix, JsonNode *body, SubscriberDone done, gconstpointer want,
                     gboolean absent_means_not_done, GCancellable *cancellable, GError **error)
{
  g_autofree char *esc = cloud_path_escape (imsi);
  g_autofree char *path = g_strdup_printf ("/subscribers/%s%s", esc, suffix);
  ReadBack rb = { imsi, done, want, absent_means_not_done };
  CloudCall call = {
    .operation = operation,
    .method = method,
    .path = path,
    .body = body,
    .mutating = TRUE,
    .read_back = done != NULL ? read_back_subscriber : NULL,
    .read_back_data = &rb,
  };
  CloudReply reply = { 0 };
  JsonNode *json;

  if (!cloud_client_call (c, &call, &reply, cancellable, error))
    return NULL;
  json = g_steal_pointer (&reply.json);
  cloud_reply_clear (&reply);
  return json != NULL ? json : json_node_new (JSON_NODE_NULL);
}

static CloudSubscriber *
subscriber_result (JsonNode *json, const char *method, const char *imsi, const char *suffix,
                   GError **error)
{
  CloudSubscriber *sub;

  if (json == NULL)
    return NULL;
  sub = cloud_subscriber_from_json (json, error);
  if (sub == NULL)
    g_prefix_error (error, "SORACOM API %s /subscribers/%s%s: ", method, imsi, suffix);
  json_node_unref (json);
  return sub;
}

static CloudSubscriber *
simple_mutation (CloudClient *c, const char *operation, const char *imsi, const char *suffix,
                 JsonNode *body, SubscriberDone done, gconstpointer want, GCancellable *cancellable,
                 GError **error)
{
  JsonNode *json = subscriber_mutation (c, operation, "POST", imsi, suffix, body, done, want, FALSE,
                                        cancellable, error);

  return subscriber_result (json, "POST", imsi, suffix, error);
}

static gboolean
status_is (const CloudSubscriber *sub, gconstpointer want)
{
  return sub->status_code == (CloudSimStatus)GPOINTER_TO_INT (want);
}

static gboolean
offline (const CloudSubscriber *sub, gconstpointer want)
{
  return !sub->online;
}

static gboolean
imei_locked_to (const CloudSubscriber *sub, gconstpointer want)
{
  return sub->imei_lock != NULL && (want == NULL || strcmp (sub->imei_lock, want) == 0);
}

static gboolean
imei_unlocked (const CloudSubscriber *sub, gconstpointer want)
{
  return sub->imei_lock == NULL;
}

static gboolean
in_group (const CloudSubscriber *sub, gconstpointer want)
{
  return g_strcmp0 (sub->group_id, want) == 0;
}

static gboolean
registered (const CloudSubscriber *sub, gconstpointer want)
{
  return TRUE;
}

typedef struct {
  const CloudTag *tags;
  gsize n;
} TagSet;

static gboolean
tags_present (const CloudSubscriber *sub, gconstpointer want)
{
  const TagSet *set = want;

  for (gsize i = 0; i < set->n; i++)
    if (g_strcmp0 (cloud_subscriber_get_tag (sub, set->tags[i].name), set->tags[i].value) != 0)
      return FALSE;
  return TRUE;
}

static gboolean
tag_absent (const CloudSubscriber *sub, gconstpointer want)
{
  return cloud_subscriber_get_tag (sub, want) == NULL;
}

static JsonNode *
tag_list_json (const CloudTag *tags, gsize n)
{
  JsonArray *a = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (gsize i = 0; i < n; i++) {
    JsonObject *o = json_object_new ();

    json_object_set_string_member (o, "tagName", tags[i].name);
    json_object_set_string_member (o, "tagValue", tags[i].value);
    json_array_add_object_element (a, o);
  }
  json_node_take_array (node, a);
  return node;
}

static JsonNode *
object_json (const char *name, const char *value)
{
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  if (name != NULL && value != NULL)
    json_object_set_string_member (o, name, value);
  json_node_take_object (node, o);
  return node;
}

CloudSubscriber *
cloud_client_put_subscriber_tags (CloudClient *c, const char *imsi, const CloudTag *tags,
                                  gsize n_tags, GCancellable *cancellable, GError **error)
{
  g_autoptr (JsonNode) body = tag_list_json (tags, n_tags);
  TagSet want = { tags, n_tags };
  JsonNode *json = subscriber_mutation (c, "putSubscriberTags", "PUT", imsi, "/tags", body,
                                        tags_present, &want, FALSE, cancellable, error);

  return subscriber_result (json, "PUT", imsi, "/tags", error);
}

gboolean
cloud_client_delete_subscriber_tag (CloudClient *c, const char *imsi, const char *tag_name,
                                    GCancellable *cancellable, GError **error)
{
  g_autofree char *esc = cloud_path_escape (tag_name);
  g_autofree char *suffix = g_strdup_printf ("/tags/%s", esc);
  JsonNode *json = subscriber_mutation (c, "deleteSubscriberTag", "DELETE", imsi, suffix, NULL,
                                        tag_absent, tag_name, FALSE, cancellable, error);

  if (json == NULL)
    return FALSE;
  json_node_unref (json);
  return TRUE;
}

CloudSubscriber *
cloud_client_set_imei_lock (CloudClient *c, const char *imsi, const char *imei,
                            GCancellable *cancellable, GError **error)
{
  g_autoptr (JsonNode) body = object_json ("imei", imei);

  return simple_mutation (c, "setImeiLock", imsi, "/set_imei_lock", body, imei_locked_to, imei,
                          cancellable, error);
}

CloudSubscriber *
cloud_client_unset_imei_lock (CloudClient *c, const char *imsi, GCancellable *cancellable,
                              GError **error)
{
  return simple_mutation (c, "unsetImeiLock", imsi, "/unset_imei_lock", NULL, imei_unlocked, NULL,
                          cancellable, error);
}

CloudSubscriber *
cloud_client_set_to_standby (CloudClient *c, const char *imsi, GCancellable *cancellable,
                             GError **error)
{
  return simple_mutation (c, "setSubscriberToStandby", imsi, "/set_to_standby", NULL, status_is,
                          GINT_TO_POINTER (CLOUD_SIM_STATUS_STANDBY), cancellable, error);
}

CloudSubscriber *
cloud_client_delete_session (CloudClient *c, const char *imsi, GCancellable *cancellable,
                             GError **error)
{
  return simple_mutation (c, "deleteSubscriberSession", imsi, "/delete_session", NULL, offline,
                          NULL, cancellable, error);
}

CloudSubscriber *
cloud_client_activate (CloudClient *c, const char *imsi, GCancellable *cancellable, GError **error)
{
  return simple_mutation (c, "activateSubscriber", imsi, "/activate", NULL, status_is,
                          GINT_TO_POINTER (CLOUD_SIM_STATUS_ACTIVE), cancellable, error);
}

CloudSubscriber *
cloud_client_deactivate (CloudClient *c, const char *imsi, GCancellable *cancellable,
                         GError **error)
{
  return simple_mutation (c, "deactivateSubscriber", imsi, "/deactivate", NULL, status_is,
                          GINT_TO_POINTER (CLOUD_SIM_STATUS_INACTIVE), cancellable, error);
}

CloudSubscriber *
cloud_client_suspend (CloudClient *c, const char *imsi, GCancellable *cancellable, GError **error)
{
  return simple_mutation (c, "suspendSubscriber", imsi, "/suspend", NULL, status_is,
                          GINT_TO_POINTER (CLOUD_SIM_STATUS_SUSPENDED), cancellable, error);
}

CloudSubscriber *
cloud_client_set_group (CloudClient *c, const char *imsi, const char *group_id,
                        GCancellable *cancellable, GError **error)
{
  g_autoptr (JsonNode) body = object_json ("groupId", group_id);

  return simple_mutation (c, "setGroup", imsi, "/set_group", body, in_group, group_id, cancellable,
                          error);
}

CloudSubscriber *
cloud_client_unset_group (CloudClient *c, const char *imsi, GCancellable *cancellable,
                          GError **error)
{
  return simple_mutation (c, "unsetGroup", imsi, "/unset_group", NULL, in_group, NULL, cancellable,
                          error);
}

CloudSubscriber *
cloud_client_register_subscriber (CloudClient *c, const char *imsi, const char *registration_secret,
                                  const char *group_id, const CloudTag *tags, gsize n_tags,
                                  GCancellable *cancellable, GError **error)
{
  g_autoptr (JsonNode) body = object_json ("registrationSecret", registration_secret);
  JsonObject *o = json_node_get_object (body);
  JsonNode *json;

  if (group_id != NULL)
    json_object_set_string_member (o, "groupId", group_id);
  if (n_tags > 0) {
    JsonObject *t = json_object_new ();

    for (gsize i = 0; i < n_tags; i++)
      json_object_set_string_member (t, tags[i].name, tags[i].value);
    json_object_set_object_member (o, "tags", t);
  }
  json = subscriber_mutation (c, "registerSubscriber", "POST", imsi, "/register", body, registered,
                              NULL, TRUE, cancellable, error);
  return subscriber_result (json, "POST", imsi, "/register", error);
}
