/* tests/test-cloud-objects.c - table tests of the issue-13 API object
 * parsers (Group, EventHandlerModel, AirStatsResponse) from
 * tests/data/cloud/{groups,event-handlers,air-stats}.json (spec examples),
 * and the event-handler comparison that makes cloud-setup idempotent. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "station/cloud/cloud-error.h"
#include "station/cloud/cloud-event-handlers.h"
#include "station/cloud/cloud-groups.h"
#include "station/cloud/cloud-stats.h"
#include "tests/common/test-common.h"

static JsonNode *
load (const char *name)
{
  g_autofree char *path = tc_data_path ("cloud", name, NULL);
  g_autoptr (JsonParser) p = json_parser_new ();
  GError *error = NULL;

  json_parser_load_from_file (p, path, &error);
  g_assert_no_error (error);
  return json_parser_steal_root (p);
}

static JsonArray *
cases_of (JsonNode *root, guint min)
{
  JsonArray *cases = json_object_get_array_member (json_node_get_object (root), "cases");

  g_assert_cmpuint (json_array_get_length (cases), >=, min);
  return cases;
}

static void
check_error (const char *name, gpointer parsed, GError *error, const char *want)
{
  g_test_message ("case: %s", name);
  g_assert_null (parsed);
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_RESPONSE);
  if (strstr (error->message, want) == NULL)
    g_error ("%s: \"%s\" does not contain \"%s\"", name, error->message, want);
}

static const char *
opt (JsonObject *o, const char *name)
{
  return json_object_get_string_member_with_default (o, name, NULL);
}

static void
test_groups (void)
{
  g_autoptr (JsonNode) root = load ("groups.json");
  JsonArray *cases = cases_of (root, 8);

  for (guint i = 0; i < json_array_get_length (cases); i++) {
    JsonObject *c = json_array_get_object_element (cases, i);
    const char *name = json_object_get_string_member (c, "name");
    GError *error = NULL;
    g_autoptr (CloudGroup) g = cloud_group_from_json (json_object_get_member (c, "input"), &error);
    JsonObject *e;
    JsonNode *vpg, *meta;

    if (json_object_has_member (c, "error")) {
      check_error (name, g, error, json_object_get_string_member (c, "error"));
      g_clear_error (&error);
      continue;
    }
    g_test_message ("case: %s", name);
    g_assert_no_error (error);
    e = json_object_get_object_member (c, "expect");
    g_assert_cmpstr (g->group_id, ==, opt (e, "groupId"));
    g_assert_cmpstr (g->operator_id, ==, opt (e, "operatorId"));
    g_assert_cmpstr (cloud_group_get_name (g), ==, opt (e, "name"));
    g_assert_cmpint (g->created_time, ==, json_object_get_int_member (e, "createdTime"));
    if (opt (e, "tag.product") != NULL)
      g_assert_cmpstr (g_hash_table_lookup (g->tags, "product"), ==, opt (e, "tag.product"));
    vpg = cloud_group_get_config (g, "SoracomAir", "vpgId");
    g_assert_cmpstr (vpg ? json_node_get_string (vpg) : NULL, ==, opt (e, "vpgId"));
    meta = cloud_group_get_config (g, "SoracomAir", "metadata");
    g_assert_cmpint (meta != NULL, ==, json_object_has_member (e, "airMetadataEnabled"));
  }
}

/* "rule.X" / "action1.X" in @e: the property X of the rule / first action. */
static void
check_properties (const CloudEventHandler *h, JsonObject *e)
{
  g_autoptr (GList) names = json_object_get_members (e);

  for (GList *l = names; l != NULL; l = l->next) {
    const char *key = l->data;
    const CloudEventConfig *cfg = NULL;
    const char *prop = NULL;

    if (g_str_has_prefix (key, "rule.")) {
      cfg = &h->rule;
      prop = key + strlen ("rule.");
    } else if (g_str_has_prefix (key, "action1.") && strcmp (key, "action1.type") != 0) {
      cfg = g_ptr_array_index (h->actions, 0);
      prop = key + strlen ("action1.");
    }
    if (cfg != NULL)
      g_assert_cmpstr (g_hash_table_lookup (cfg->properties, prop), ==, opt (e, key));
  }
}

static void
test_event_handlers (void)
{
  g_autoptr (JsonNode) root = load ("event-handlers.json");
  JsonArray *cases = cases_of (root, 10);

  for (guint i = 0; i < json_array_get_length (cases); i++) {
    JsonObject *c = json_array_get_object_element (cases, i);
    const char *name = json_object_get_string_member (c, "name");
    GError *error = NULL;
    g_autoptr (CloudEventHandler) h
        = cloud_event_handler_from_json (json_object_get_member (c, "input"), &error);
    g_autoptr (CloudEventHandler) again = NULL;
    g_autoptr (JsonNode) body = NULL;
    JsonObject *e;

    if (json_object_has_member (c, "error")) {
      check_error (name, h, error, json_object_get_string_member (c, "error"));
      g_clear_error (&error);
      continue;
    }
    g_test_message ("case: %s", name);
    g_assert_no_error (error);
    e = json_object_get_object_member (c, "expect");
    g_assert_cmpstr (h->handler_id, ==, opt (e, "handlerId"));
    g_assert_cmpstr (h->name, ==, opt (e, "name"));
    g_assert_cmpstr (h->status, ==, opt (e, "status"));
    g_assert_cmpstr (h->rule.type, ==, opt (e, "rule"));
    g_assert_cmpstr (h->target_imsi, ==, opt (e, "targetImsi"));
    g_assert_cmpstr (h->target_sim_id, ==, opt (e, "targetSimId"));
    g_assert_cmpstr (h->target_group_id, ==, opt (e, "targetGroupId"));
    g_assert_cmpuint (h->actions->len, ==, json_object_get_int_member (e, "actions"));
    g_assert_cmpstr (((CloudEventConfig *)g_ptr_array_index (h->actions, 0))->type, ==,
                     opt (e, "action1.type"));
    check_properties (h, e);

    /* what the station sends reads back equal (the round trip cloud-setup relies on) */
    body = cloud_event_handler_to_json (h);
    json_object_set_string_member (json_node_get_object (body), "handlerId", "rt");
    again = cloud_event_handler_from_json (body, &error);
    g_assert_no_error (error);
    g_assert_true (cloud_event_handler_equal (h, again, NULL));
  }
}

static CloudEventHandler *
sample (void)
{
  CloudEventHandler *h
      = cloud_event_handler_new ("station-daily-limit-g1", "SubscriberDailyTrafficRule");
  CloudEventConfig *a = cloud_event_handler_add_action (h, "ChangeSpeedClassAction");

  h->target_group_id = g_strdup ("g1");
  cloud_event_config_set (&h->rule, "limitTotalTrafficMegaByte", "100");
  cloud_event_config_set (&h->rule, "inactiveTimeoutDateConst", "BEGINNING_OF_NEXT_DAY");
  cloud_event_config_set (a, "speedClass", "s1.minimum");
  cloud_event_config_set (a, "executionDateTimeConst", "IMMEDIATELY");
  return h;
}

/* Each kind of difference is seen and named; properties are strings in the
 * request body (the spec's form). */
static void
test_handler_equal (void)
{
  g_autoptr (CloudEventHandler) a = sample ();
  g_autoptr (CloudEventHandler) b = sample ();
  g_autoptr (JsonNode) body = cloud_event_handler_to_json (a);
  JsonObject *rule = json_object_get_object_member (json_node_get_object (body), "ruleConfig");
  g_autofree char *why = NULL;

  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (rule, "properties"),
                                     "limitTotalTrafficMegaByte"),
      ==, "100");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "targetGroupId"), ==,
                   "g1");
  g_assert_false (json_object_has_member (json_node_get_object (body), "handlerId"));

  g_assert_true (cloud_event_handler_equal (a, b, &why));
  g_assert_null (why);
  cloud_event_config_set (&b->rule, "limitTotalTrafficMegaByte", "200");
  g_assert_false (cloud_event_handler_equal (a, b, &why));
  g_assert_nonnull (strstr (why, "limitTotalTrafficMegaByte is '200', wanted '100'"));
  g_clear_pointer (&why, g_free);
  cloud_event_config_set (&b->rule, "limitTotalTrafficMegaByte", "100");
  g_free (b->status);
  b->status = g_strdup ("inactive");
  g_assert_false (cloud_event_handler_equal (a, b, &why));
  g_assert_nonnull (strstr (why, "status"));
  g_clear_pointer (&why, g_free);
  g_free (b->status);
  b->status = g_strdup ("active");
  cloud_event_handler_add_action (b, "SuspendAction");
  g_assert_false (cloud_event_handler_equal (a, b, &why));
  g_assert_nonnull (strstr (why, "2 actions, wanted 1"));
}

static void
test_air_stats (void)
{
  g_autoptr (JsonNode) root = load ("air-stats.json");
  JsonArray *cases = cases_of (root, 6);

  for (guint i = 0; i < json_array_get_length (cases); i++) {
    JsonObject *c = json_array_get_object_element (cases, i);
    const char *name = json_object_get_string_member (c, "name");
    GError *error = NULL;
    g_autoptr (CloudAirStats) s
        = cloud_air_stats_from_json (json_object_get_member (c, "input"), &error);
    JsonObject *e;

    if (json_object_has_member (c, "error")) {
      check_error (name, s, error, json_object_get_string_member (c, "error"));
      g_clear_error (&error);
      continue;
    }
    g_test_message ("case: %s", name);
    g_assert_no_error (error);
    e = json_object_get_object_member (c, "expect");
    g_assert_cmpint (s->unixtime, ==, json_object_get_int_member (e, "unixtime"));
    g_assert_cmpstr (s->date, ==, opt (e, "date"));
    g_assert_cmpuint (s->upload_bytes, ==, json_object_get_int_member (e, "up"));
    g_assert_cmpuint (s->download_bytes, ==, json_object_get_int_member (e, "down"));
    g_assert_cmpuint (s->upload_packets, ==, json_object_get_int_member (e, "up_packets"));
    g_assert_cmpuint (s->download_packets, ==, json_object_get_int_member (e, "down_packets"));
  }
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/cloud-objects/groups", test_groups);
  g_test_add_func ("/cloud-objects/event-handlers", test_event_handlers);
  g_test_add_func ("/cloud-objects/event-handler-equal", test_handler_equal);
  g_test_add_func ("/cloud-objects/air-stats", test_air_stats);
  return g_test_run ();
}
