/* station/cloud-setup.c - the batch's SIM group and event handlers. */
#define G_LOG_DOMAIN "station-cloud-setup"

#include "station/cloud-setup.h"

#include <string.h>

#include "station/cloud/cloud-event-handlers.h"
#include "station/cloud/cloud-groups.h"
#include "station/registry/registry-events.h"
#include "station/station-error.h"

static const char *const kind_words[CLOUD_SETUP_N_HANDLERS] = {
  "first-use",
  "daily-limit",
  "imei-mismatch",
};
static const char *const kind_events[CLOUD_SETUP_N_HANDLERS] = {
  "first_use",
  "daily_limit",
  "imei_mismatch",
};

char *
cloud_setup_handler_name (const char *group_id, CloudSetupHandler kind)
{
  return g_strdup_printf ("station-%s-%s", kind_words[kind], group_id);
}

char *
cloud_setup_events_url (const char *events_url, CloudSetupHandler kind)
{
  /* ${imsi} only: the variable every rule's web request carries; an
   * unknown variable would reach the URL raw */
  return g_strdup_printf ("%s?event=%s&imsi=${imsi}", events_url, kind_events[kind]);
}

/* ---- summary ------------------------------------------------------------- */

typedef struct {
  JsonBuilder *b;
  guint created, updated, unchanged;
} Summary;

static void
count (Summary *s, const char *action)
{
  if (strcmp (action, "created") == 0)
    s->created++;
  else if (strcmp (action, "unchanged") == 0)
    s->unchanged++;
  else
    s->updated++;
}

/* ---- the group ------------------------------------------------------------ */

static gboolean
tags_match (const CloudGroup *g, const Recipe *r)
{
  for (guint i = 0; i < r->group_tag_names->len; i++)
    if (g_strcmp0 (g_hash_table_lookup (g->tags, g_ptr_array_index (r->group_tag_names, i)),
                   g_ptr_array_index (r->group_tag_values, i))
        != 0)
      return FALSE;
  return TRUE;
}

static CloudTag *
recipe_tags (const Recipe *r)
{
  CloudTag *tags = g_new0 (CloudTag, r->group_tag_names->len + 1);

  for (guint i = 0; i < r->group_tag_names->len; i++) {
    tags[i].name = g_ptr_array_index (r->group_tag_names, i);
    tags[i].value = g_ptr_array_index (r->group_tag_values, i);
  }
  return tags;
}

/* The group of the recipe, found, created or updated; its part of the
 * summary is added as member "group". */
static CloudGroup *
setup_group (Summary *s, CloudClient *cloud, const Recipe *r, const char *batch_id,
             GCancellable *cancellable, GError **error)
{
  g_autofree char *name = recipe_cloud_group_name (r, batch_id);
  g_autofree CloudTag *tags = recipe_tags (r);
  g_autoptr (CloudGroup) g = NULL;
  g_autoptr (GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
  const char *action = "unchanged";

  if (r->group_id != NULL) {
    GError *local = NULL;

    g = cloud_client_get_group (cloud, r->group_id, cancellable, &local);
    if (g == NULL) {
      if (g_error_matches (local, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_NOT_FOUND))
        g_prefix_error (&local,
                        "the recipe's [cloud] group_id %s does not exist (fix group_id, or give "
                        "group_name to have the group created): ",
                        r->group_id);
      g_propagate_error (error, local);
      return NULL;
    }
  } else {
    if (!cloud_client_find_group_by_name (cloud, name, &g, cancellable, error))
      return NULL;
    if (g == NULL) {
      g = cloud_client_create_group (cloud, name, tags, r->group_tag_names->len, cancellable,
                                     error);
      if (g == NULL)
        return NULL;
      action = "created";
    }
  }
  if (!tags_match (g, r)) {
    CloudGroup *after = cloud_client_put_group_tags (cloud, g->group_id, tags,
                                                     r->group_tag_names->len, cancellable, error);
    if (after == NULL)
      return NULL;
    cloud_group_free (g);
    g = after;
    if (!tags_match (g, r)) {
      g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
                   "group %s: its tags read back different from the recipe's group_tag.*",
                   g->group_id);
      return NULL;
    }
    g_ptr_array_add (changes, g_strdup ("tags"));
  }
  if (r->vpg_id != NULL) {
    JsonNode *have = cloud_group_get_config (g, "SoracomAir", "vpgId");

    if (have == NULL || !JSON_NODE_HOLDS_VALUE (have)
        || g_strcmp0 (json_node_get_string (have), r->vpg_id) != 0) {
      g_autoptr (JsonNode) value = json_node_new (JSON_NODE_VALUE);
      CloudConfigParam p = { "vpgId", value };
      CloudGroup *after;

      json_node_set_string (value, r->vpg_id);
      after = cloud_client_put_group_configuration (cloud, g->group_id, "SoracomAir", &p, 1,
                                                    cancellable, error);
      if (after == NULL)
        return NULL;
      cloud_group_free (g);
      g = after;
      g_ptr_array_add (changes, g_strdup ("SoracomAir.vpgId"));
    }
  }
  if (changes->len > 0 && strcmp (action, "unchanged") == 0)
    action = "updated";
  count (s, action);

  json_builder_set_member_name (s->b, "group");
  json_builder_begin_object (s->b);
  json_builder_set_member_name (s->b, "id");
  json_builder_add_string_value (s->b, g->group_id);
  json_builder_set_member_name (s->b, "name");
  if (cloud_group_get_name (g) != NULL)
    json_builder_add_string_value (s->b, cloud_group_get_name (g));
  else
    json_builder_add_null_value (s->b);
  json_builder_set_member_name (s->b, "action");
  json_builder_add_string_value (s->b, action);
  json_builder_set_member_name (s->b, "changes");
  json_builder_begin_array (s->b);
  for (guint i = 0; i < changes->len; i++)
    json_builder_add_string_value (s->b, g_ptr_array_index (changes, i));
  json_builder_end_array (s->b);
  json_builder_end_object (s->b);
  return g_steal_pointer (&g);
}

static gboolean
setup_gate (Summary *s, CloudClient *cloud, const Recipe *r, GCancellable *cancellable,
            GError **error)
{
  gboolean opened = FALSE;
  const char *action = "unchanged";

  if (r->gate < 0)
    return TRUE;
  if (!cloud_client_get_gate_opened (cloud, r->vpg_id, &opened, cancellable, error))
    return FALSE;
  if (opened != (r->gate == 1)) {
    if (!cloud_client_set_gate (cloud, r->vpg_id, r->gate == 1, cancellable, error))
      return FALSE;
    action = "updated";
  }
  count (s, action);
  json_builder_set_member_name (s->b, "gate");
  json_builder_begin_object (s->b);
  json_builder_set_member_name (s->b, "vpg_id");
  json_builder_add_string_value (s->b, r->vpg_id);
  json_builder_set_member_name (s->b, "opened");
  json_builder_add_boolean_value (s->b, r->gate == 1);
  json_builder_set_member_name (s->b, "action");
  json_builder_add_string_value (s->b, action);
  json_builder_end_object (s->b);
  return TRUE;
}

/* ---- the event handlers ---------------------------------------------------- */

static void
add_web_request (CloudEventHandler *h, const Recipe *r, CloudSetupHandler kind, const char *secret)
{
  CloudEventConfig *a = cloud_event_handler_add_action (h, "ExecuteWebRequestAction");
  g_autofree char *url = cloud_setup_events_url (r->events_url, kind);
  g_autofree char *body
      = g_strdup_printf ("{\"event\":\"%s\",\"imsi\":\"${imsi}\"}", kind_events[kind]);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) headers = NULL;
  g_autofree char *headers_text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, REGISTRY_EVENTS_SECRET_HEADER);
  json_builder_add_string_value (b, secret);
  json_builder_end_object (b);
  headers = json_builder_get_root (b);
  headers_text = json_to_string (headers, FALSE);

  cloud_event_config_set (a, "executionDateTimeConst", "IMMEDIATELY");
  cloud_event_config_set (a, "url", url);
  cloud_event_config_set (a, "httpMethod", "POST");
  cloud_event_config_set (a, "contentType", "application/json");
  cloud_event_config_set (a, "headers", headers_text);
  cloud_event_config_set (a, "body", body);
}

/* The handler of @kind the recipe wants for group @group_id, or NULL when
 * it wants none. */
static CloudEventHandler *
wanted_handler (const Recipe *r, const char *group_id, CloudSetupHandler kind, const char *secret)
{
  static const char *const rules[CLOUD_SETUP_N_HANDLERS] = {
    "SubscriberFirstTrafficRule",
    "SubscriberDailyTrafficRule",
    "SubscriberImeiMismatchedRule",
  };
  g_autofree char *name = cloud_setup_handler_name (group_id, kind);
  g_autoptr (CloudEventHandler) h = NULL;

  if (kind != CLOUD_SETUP_DAILY_LIMIT && r->events_url == NULL)
    return NULL;
  if (kind == CLOUD_SETUP_DAILY_LIMIT && r->daily_limit_mib == 0)
    return NULL;
  h = cloud_event_handler_new (name, rules[kind]);
  h->target_group_id = g_strdup (group_id);
  h->description
      = g_strdup_printf ("Managed by station-cli batch cloud-setup (%s).", kind_words[kind]);
  switch (kind) {
  case CLOUD_SETUP_FIRST_USE:
    /* the spec allows only NEVER for this rule */
    cloud_event_config_set (&h->rule, "inactiveTimeoutDateConst", "NEVER");
    add_web_request (h, r, kind, secret);
    break;
  case CLOUD_SETUP_DAILY_LIMIT: {
    g_autofree char *mib = g_strdup_printf ("%u", r->daily_limit_mib);
    CloudEventConfig *a;

    cloud_event_config_set (&h->rule, "limitTotalTrafficMegaByte", mib);
    cloud_event_config_set (&h->rule, "inactiveTimeoutDateConst", "BEGINNING_OF_NEXT_DAY");
    if (strcmp (r->over_limit_action, "suspend") == 0) {
      a = cloud_event_handler_add_action (h, "SuspendAction");
    } else {
      a = cloud_event_handler_add_action (h, "ChangeSpeedClassAction");
      cloud_event_config_set (a, "speedClass", r->over_limit_action);
    }
    cloud_event_config_set (a, "executionDateTimeConst", "IMMEDIATELY");
    if (r->events_url != NULL)
      add_web_request (h, r, kind, secret);
    break;
  }
  case CLOUD_SETUP_IMEI_MISMATCH:
    cloud_event_config_set (&h->rule, "inactiveTimeoutDateConst", "BEGINNING_OF_NEXT_DAY");
    add_web_request (h, r, kind, secret);
    break;
  default:
    g_assert_not_reached ();
  }
  return g_steal_pointer (&h);
}

static gboolean
setup_handler (Summary *s, CloudClient *cloud, GPtrArray *existing, const Recipe *r,
               const char *group_id, CloudSetupHandler kind, const char *secret,
               GCancellable *cancellable, GError **error)
{
  g_autofree char *name = cloud_setup_handler_name (group_id, kind);
  g_autoptr (CloudEventHandler) want = wanted_handler (r, group_id, kind, secret);
  g_autoptr (CloudEventHandler) done = NULL;
  CloudEventHandler *have = NULL;
  g_autofree char *why = NULL;
  const char *action = "unchanged";

  for (guint i = 0; i < existing->len; i++) {
    CloudEventHandler *h = g_ptr_array_index (existing, i);

    if (g_strcmp0 (h->name, name) != 0)
      continue;
    if (have != NULL) {
      g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_REQUEST,
                   "two event handlers are named %s (%s and %s): delete one in the SORACOM "
                   "console and run cloud-setup again",
                   name, have->handler_id, h->handler_id);
      return FALSE;
    }
    have = h;
  }
  if (want == NULL && have == NULL)
    return TRUE;
  if (want == NULL) {
    /* no longer wanted: kept, but inactive */
    if (g_strcmp0 (have->status, "inactive") == 0) {
      action = "unchanged";
    } else {
      g_autoptr (CloudEventHandler) off = cloud_event_handler_from_json (have->raw, error);

      if (off == NULL)
        return FALSE;
      g_free (off->status);
      off->status = g_strdup ("inactive");
      done = cloud_client_update_event_handler (cloud, have->handler_id, off, cancellable, error);
      if (done == NULL)
        return FALSE;
      action = "deactivated";
    }
  } else if (have == NULL) {
    done = cloud_client_create_event_handler (cloud, want, cancellable, error);
    if (done == NULL)
      return FALSE;
    if (!cloud_event_handler_equal (want, done, &why)) {
      g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE,
                   "event handler %s reads back different after its creation: %s", name, why);
      return FALSE;
    }
    action = "created";
  } else if (!cloud_event_handler_equal (want, have, &why)) {
    g_debug ("event handler %s differs: %s", name, why);
    done = cloud_client_update_event_handler (cloud, have->handler_id, want, cancellable, error);
    if (done == NULL)
      return FALSE;
    action = "updated";
  }
  count (s, action);
  json_builder_begin_object (s->b);
  json_builder_set_member_name (s->b, "kind");
  json_builder_add_string_value (s->b, kind_events[kind]);
  json_builder_set_member_name (s->b, "name");
  json_builder_add_string_value (s->b, name);
  json_builder_set_member_name (s->b, "id");
  json_builder_add_string_value (s->b, done ? done->handler_id : have->handler_id);
  json_builder_set_member_name (s->b, "rule");
  json_builder_add_string_value (s->b, done ? done->rule.type : have->rule.type);
  json_builder_set_member_name (s->b, "action");
  json_builder_add_string_value (s->b, action);
  if (why != NULL && strcmp (action, "updated") == 0) {
    json_builder_set_member_name (s->b, "difference");
    json_builder_add_string_value (s->b, why);
  }
  json_builder_end_object (s->b);
  return TRUE;
}

/* The secret as header text: printable ASCII only. */
static char *
secret_text (GBytes *secret, GError **error)
{
  gsize n = 0;
  const char *data = secret ? g_bytes_get_data (secret, &n) : NULL;

  for (gsize i = 0; i < n; i++)
    if (data[i] < 0x21 || data[i] > 0x7e) {
      g_set_error (error, STATION_ERROR, STATION_ERROR_CONFIG,
                   "the events secret must be printable ASCII without spaces (it is sent as an "
                   "HTTP header value): write e.g. the output of 'openssl rand -hex 32' to the "
                   "file");
      return NULL;
    }
  return g_strndup (data, n);
}

JsonNode *
cloud_setup_run (Store *store, CloudClient *cloud, const Recipe *r, const char *batch_id,
                 GBytes *secret, GCancellable *cancellable, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (StoreBatch) batch = NULL;
  g_autoptr (CloudGroup) g = NULL;
  g_autoptr (GPtrArray) existing = NULL;
  g_autofree char *secret_str = NULL;
  Summary s = { b, 0, 0, 0 };

  if (r->group_id == NULL && r->group_name == NULL) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "recipe %s names no SIM group: give [cloud] group_name (created when absent) or "
                 "group_id",
                 r->name);
    return NULL;
  }
  if (r->events_url != NULL) {
    if (secret == NULL) {
      g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                   "recipe %s has events_url but no events secret was loaded", r->name);
      return NULL;
    }
    secret_str = secret_text (secret, error);
    if (secret_str == NULL)
      return NULL;
  }
  batch = store_batch_get (store, batch_id, error);
  if (batch == NULL)
    return NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "batch");
  json_builder_add_string_value (b, batch_id);
  g = setup_group (&s, cloud, r, batch_id, cancellable, error);
  if (g == NULL)
    return NULL;
  if (!setup_gate (&s, cloud, r, cancellable, error))
    return NULL;
  existing = cloud_client_list_event_handlers (cloud, cancellable, error);
  if (existing == NULL)
    return NULL;
  json_builder_set_member_name (b, "event_handlers");
  json_builder_begin_array (b);
  for (int k = 0; k < CLOUD_SETUP_N_HANDLERS; k++)
    if (!setup_handler (&s, cloud, existing, r, g->group_id, (CloudSetupHandler)k, secret_str,
                        cancellable, error))
      return NULL;
  json_builder_end_array (b);
  if (!store_batch_set_group_id (store, batch_id, g->group_id, error))
    return NULL;
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, s.created);
  json_builder_set_member_name (b, "updated");
  json_builder_add_int_value (b, s.updated);
  json_builder_set_member_name (b, "unchanged");
  json_builder_add_int_value (b, s.unchanged);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
cloud_setup_batch_group (Store *store, const Recipe *r, const char *batch_id, char **group_id,
                         GError **error)
{
  *group_id = NULL;
  if (r->group_id != NULL) {
    *group_id = g_strdup (r->group_id);
    return TRUE;
  }
  return store_batch_get_group_id (store, batch_id, group_id, error);
}

gboolean
cloud_setup_check_group (Store *store, CloudClient *cloud, const Recipe *r, const char *batch_id,
                         GCancellable *cancellable, GError **error)
{
  g_autofree char *group_id = NULL;
  g_autoptr (CloudGroup) g = NULL;
  GError *local = NULL;

  if (!cloud_setup_batch_group (store, r, batch_id, &group_id, error))
    return FALSE;
  if (group_id == NULL)
    return TRUE;
  g = cloud_client_get_group (cloud, group_id, cancellable, &local);
  if (g != NULL)
    return TRUE;
  if (g_error_matches (local, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_NOT_FOUND)) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_CHECK_FAILED,
                 "batch %s: SIM group %s does not exist (%s); run 'station-cli batch "
                 "cloud-setup --batch %s' or fix the recipe's [cloud] group_id",
                 batch_id, group_id, local->message, batch_id);
    g_error_free (local);
    return FALSE;
  }
  g_propagate_error (error, local);
  return FALSE;
}
