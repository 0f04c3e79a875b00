/* tests/test-emulator-groups.c - the emulator's SIM groups (createGroup,
 * listGroups with tag filter and paging, getGroup, putGroupTags,
 * deleteGroupTag, putConfigurationParameters, deleteConfigurationParameter,
 * deleteGroup, listSubscribersInGroup), set_group / unset_group against
 * existing groups, updateSpeedClass, and groups in the state file. */
#define G_LOG_DOMAIN "test-emulator"

#include <string.h>

#include "tests/common/test-common.h"
#include "tests/emulator-client.h"

/* POST /v1/groups with tags {name: @name, batch: @batch}; returns the ID. */
static char *
create_group (Emu *e, const char *name, const char *batch)
{
  g_autofree char *body
      = g_strdup_printf ("{\"tags\":{\"name\":\"%s\",\"batch\":\"%s\"}}", name, batch);
  g_autoptr (Reply) r = ec_call (e, "POST", "/v1/groups", body, NULL);
  JsonObject *tags;

  g_assert_cmpuint (r->status, ==, 201);
  tags = json_object_get_object_member (reply_object (r), "tags");
  g_assert_cmpstr (json_object_get_string_member (tags, "name"), ==, name);
  g_assert_cmpstr (reply_str (r, "operatorId"), ==, "OP0012345678");
  g_assert_true (json_object_has_member (reply_object (r), "createdTime"));
  return g_strdup (reply_str (r, "groupId"));
}

static const char *
group_tag (Reply *r, const char *name)
{
  JsonObject *tags = json_object_get_object_member (reply_object (r), "tags");

  return json_object_get_string_member_with_default (tags, name, NULL);
}

static void
test_crud (void)
{
  Emu *e = ec_start (NULL);
  g_autofree char *id = NULL;
  g_autoptr (Reply) r = NULL;
  JsonObject *air;

  ec_auth (e);
  id = create_group (e, "batch-A", "A");
  r = ec_callf (e, "GET", NULL, "/v1/groups/%s", id);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (reply_str (r, "groupId"), ==, id);
  g_assert_cmpstr (group_tag (r, "batch"), ==, "A");
  g_clear_pointer (&r, reply_free);

  /* tags: put merges, delete removes, a missing tag is 404 */
  r = ec_callf (e, "PUT",
                "[{\"tagName\":\"line\",\"tagValue\":\"L2\"},"
                "{\"tagName\":\"batch\",\"tagValue\":\"A2\"}]",
                "/v1/groups/%s/tags", id);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (group_tag (r, "line"), ==, "L2");
  g_assert_cmpstr (group_tag (r, "batch"), ==, "A2");
  g_assert_cmpstr (group_tag (r, "name"), ==, "batch-A");
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "DELETE", NULL, "/v1/groups/%s/tags/line", id);
  g_assert_cmpuint (r->status, ==, 204);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "DELETE", NULL, "/v1/groups/%s/tags/line", id);
  g_assert_cmpuint (r->status, ==, 404);
  g_clear_pointer (&r, reply_free);

  /* configuration per namespace: set, overwrite one key, read back, delete */
  r = ec_callf (e, "PUT",
                "[{\"key\":\"vpgId\",\"value\":\"vpg-1\"},"
                "{\"key\":\"metadata\",\"value\":{\"enabled\":true,\"readonly\":true}}]",
                "/v1/groups/%s/configuration/SoracomAir", id);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "PUT", "[{\"key\":\"vpgId\",\"value\":\"vpg-2\"}]",
                "/v1/groups/%s/configuration/SoracomAir", id);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/groups/%s", id);
  air = json_object_get_object_member (
      json_object_get_object_member (reply_object (r), "configuration"), "SoracomAir");
  g_assert_cmpstr (json_object_get_string_member (air, "vpgId"), ==, "vpg-2");
  g_assert_true (
      json_object_get_boolean_member (json_object_get_object_member (air, "metadata"), "readonly"));
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "DELETE", NULL, "/v1/groups/%s/configuration/SoracomAir/vpgId", id);
  g_assert_cmpuint (r->status, ==, 204);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/groups/%s", id);
  air = json_object_get_object_member (
      json_object_get_object_member (reply_object (r), "configuration"), "SoracomAir");
  g_assert_false (json_object_has_member (air, "vpgId"));
  g_assert_true (json_object_has_member (air, "metadata"));
  g_clear_pointer (&r, reply_free);

  /* delete: 204, then the group is gone (404 everywhere) */
  r = ec_callf (e, "DELETE", NULL, "/v1/groups/%s", id);
  g_assert_cmpuint (r->status, ==, 204);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/groups/%s", id);
  g_assert_cmpuint (r->status, ==, 404);
  g_assert_nonnull (reply_error_code (r));
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/_emulator/state", NULL, NULL);
  g_assert_cmpuint (
      json_array_get_length (json_object_get_array_member (reply_object (r), "groups")), ==, 0);
  g_assert_true (json_object_has_member (
      json_object_get_object_member (json_object_get_object_member (reply_object (r), "calls"),
                                     "createGroup"),
      id));
  ec_stop (e);
}

static void
test_errors (void)
{
  Emu *e = ec_start (NULL);
  g_autofree char *id = NULL;
  g_autofree char *imsi = ec_seed_imsi (e, 0);
  static const struct {
    const char *method, *path_fmt, *body; /* @ stands for the group ID, ! for the IMSI */
    guint status;
  } cases[] = {
    { "GET", "/v1/groups/no-such-group", NULL, 404 },
    { "DELETE", "/v1/groups/no-such-group", NULL, 404 },
    { "PUT", "/v1/groups/no-such-group/tags", "[]", 404 },
    { "GET", "/v1/groups/no-such-group/subscribers", NULL, 404 },
    { "PUT", "/v1/groups/no-such-group/configuration/SoracomAir", "[]", 404 },
    { "POST", "/v1/groups", NULL, 400 },
    { "POST", "/v1/groups", "[]", 400 },
    { "POST", "/v1/groups", "{\"tags\":{\"name\":5}}", 400 },
    { "POST", "/v1/groups", "{\"configuration\":{\"SoracomNothing\":{}}}", 400 },
    { "POST", "/v1/groups", "{\"configuration\":{\"SoracomAir\":[]}}", 400 },
    { "PUT", "/v1/groups/@/tags", "{\"tagName\":\"a\",\"tagValue\":\"b\"}", 400 },
    { "PUT", "/v1/groups/@/tags", "[{\"tagName\":\"a\"}]", 400 },
    { "PUT", "/v1/groups/@/configuration/SoracomNothing", "[]", 400 },
    { "PUT", "/v1/groups/@/configuration/SoracomAir", "{\"key\":\"a\",\"value\":1}", 400 },
    { "PUT", "/v1/groups/@/configuration/SoracomAir", "[{\"key\":\"a\"}]", 400 },
    { "PUT", "/v1/groups/@/configuration/SoracomAir", "[{\"key\":7,\"value\":1}]", 400 },
    { "DELETE", "/v1/groups/@/configuration/SoracomAir/none", NULL, 404 },
    { "GET", "/v1/groups?limit=0", NULL, 400 },
    { "GET", "/v1/groups?tag_name=name", NULL, 400 },
    { "GET", "/v1/groups?tag_name=name&tag_value=x&tag_value_match_mode=fuzzy", NULL, 400 },
    { "PUT", "/v1/groups", NULL, 405 },
    { "POST", "/v1/groups/@", NULL, 405 },
    { "GET", "/v1/groups/@/nothing", NULL, 404 },
    { "POST", "/v1/subscribers/!/set_group", "{\"groupId\":\"no-such-group\"}", 404 },
    { "POST", "/v1/subscribers/!/update_speed_class", NULL, 400 },
    { "POST", "/v1/subscribers/!/update_speed_class", "{}", 400 },
    { "POST", "/v1/subscribers/!/update_speed_class", "{\"speedClass\":\"s1.turbo\"}", 400 },
    { "POST", "/v1/subscribers/!/update_speed_class", "{\"speedClass\":\"u1.slow\"}", 400 },
    { "POST", "/v1/subscribers/!/update_speed_class", "{\"speedClass\":\"s1.8xfast\"}", 400 },
    { "POST", "/v1/subscribers/999999999999999/update_speed_class", "{\"speedClass\":\"s1.slow\"}",
      404 },
  };

  ec_auth (e);
  id = create_group (e, "errors", "E");
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GString) path = g_string_new (cases[i].path_fmt);
    g_autoptr (Reply) r = NULL;
    g_string_replace (path, "@", id, 0);
    g_string_replace (path, "!", imsi, 0);
    r = ec_call (e, cases[i].method, path->str, cases[i].body, NULL);
    if (r->status != cases[i].status)
      g_error ("%s %s %s: %u, expected %u: %.*s", cases[i].method, path->str,
               cases[i].body ? cases[i].body : "", r->status, cases[i].status, (int)r->len,
               r->body);
    g_assert_nonnull (reply_error_code (r));
  }
  ec_stop (e);
}

static void
test_list_paging (void)
{
  Emu *e = ec_start (NULL);
  g_autoptr (GHashTable) made = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *key = NULL;
  g_autoptr (Reply) r = NULL;
  guint pages = 0;

  ec_auth (e);
  for (guint i = 0; i < 5; i++) {
    g_autofree char *name = g_strdup_printf ("batch-%u", i);
    g_hash_table_add (made, create_group (e, name, i < 3 ? "B-one" : "C-two"));
  }
  /* all five in pages of two, each once, three pages */
  for (; pages < 10; pages++) {
    JsonArray *a;
    const char *next;
    g_clear_pointer (&r, reply_free);
    r = ec_callf (e, "GET", NULL, "/v1/groups?limit=2%s%s", key ? "&last_evaluated_key=" : "",
                  key ? key : "");
    g_assert_cmpuint (r->status, ==, 200);
    a = reply_array (r);
    g_assert_cmpuint (json_array_get_length (a), <=, 2);
    for (guint i = 0; i < json_array_get_length (a); i++) {
      const char *id
          = json_object_get_string_member (json_array_get_object_element (a, i), "groupId");
      g_assert_true (g_hash_table_contains (made, id));
      g_assert_true (g_hash_table_add (seen, g_strdup (id)));
    }
    next = soup_message_headers_get_one (r->headers, "x-soracom-next-key");
    if (next == NULL)
      break;
    g_free (key);
    key = g_strdup (next);
  }
  g_assert_cmpuint (pages, ==, 2);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 5);
  g_clear_pointer (&r, reply_free);
  /* tag filters: exact and prefix */
  r = ec_call (e, "GET", "/v1/groups?tag_name=batch&tag_value=B-one", NULL, NULL);
  g_assert_cmpuint (json_array_get_length (reply_array (r)), ==, 3);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/v1/groups?tag_name=batch&tag_value=C-&tag_value_match_mode=prefix", NULL,
               NULL);
  g_assert_cmpuint (json_array_get_length (reply_array (r)), ==, 2);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/v1/groups?tag_name=batch&tag_value=C-", NULL, NULL);
  g_assert_cmpuint (json_array_get_length (reply_array (r)), ==, 0);
  ec_stop (e);
}

static void
test_members (void)
{
  Emu *e = ec_start (NULL);
  g_autofree char *a = ec_seed_imsi (e, 0);
  g_autofree char *b = ec_seed_imsi (e, 1);
  g_autofree char *c = ec_seed_imsi (e, 2);
  g_autofree char *id = NULL;
  g_autofree char *body = NULL;
  g_autoptr (Reply) r = NULL;
  JsonObject *sim, *profile;

  ec_auth (e);
  id = create_group (e, "members", "M");
  body = g_strdup_printf ("{\"groupId\":\"%s\"}", id);
  r = ec_callf (e, "POST", body, "/v1/subscribers/%s/set_group", a);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (reply_str (r, "groupId"), ==, id);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "POST", body, "/v1/subscribers/%s/set_group", c);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);

  /* the group's SIMs, as Sim objects, one page each; b is not in it */
  r = ec_callf (e, "GET", NULL, "/v1/groups/%s/subscribers?limit=1", id);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (reply_array (r)), ==, 1);
  sim = json_array_get_object_element (reply_array (r), 0);
  g_assert_cmpstr (json_object_get_string_member (sim, "groupId"), ==, id);
  profile = json_object_get_object_member (json_object_get_object_member (sim, "profiles"),
                                           json_object_get_string_member (sim, "activeProfileId"));
  g_assert_cmpstr (json_object_get_string_member (profile, "primaryImsi"), ==, a);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "x-soracom-next-key"), ==, a);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/groups/%s/subscribers?limit=1&last_evaluated_key=%s", id, a);
  g_assert_cmpuint (json_array_get_length (reply_array (r)), ==, 1);
  profile = json_object_get_object_member (
      json_object_get_object_member (json_array_get_object_element (reply_array (r), 0),
                                     "profiles"),
      json_object_get_string_member (json_array_get_object_element (reply_array (r), 0),
                                     "activeProfileId"));
  g_assert_cmpstr (json_object_get_string_member (profile, "primaryImsi"), ==, c);
  g_assert_null (soup_message_headers_get_one (r->headers, "x-soracom-next-key"));
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/subscribers/%s", b);
  g_assert_null (reply_str (r, "groupId"));
  g_clear_pointer (&r, reply_free);

  /* a group with SIMs is not deleted; after unset_group it is */
  r = ec_callf (e, "DELETE", NULL, "/v1/groups/%s", id);
  g_assert_cmpuint (r->status, ==, 400);
  g_assert_nonnull (reply_error_code (r));
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "POST", NULL, "/v1/subscribers/%s/unset_group", a);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_null (reply_str (r, "groupId"));
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "POST", NULL, "/v1/subscribers/%s/unset_group", c);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/groups/%s/subscribers", id);
  g_assert_cmpuint (json_array_get_length (reply_array (r)), ==, 0);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "DELETE", NULL, "/v1/groups/%s", id);
  g_assert_cmpuint (r->status, ==, 204);
  ec_stop (e);
}

static void
test_speed_class (void)
{
  Emu *e = ec_start (NULL);
  g_autofree char *a = ec_seed_imsi (e, 0);
  g_autofree char *du
      = ec_insert (e, 7, ",\"subscription\":\"plan-DU\",\"speedClass\":\"u1.standard\"");
  g_autoptr (Reply) r = NULL;

  ec_auth (e);
  r = ec_callf (e, "POST", "{\"speedClass\":\"s1.slow\"}", "/v1/subscribers/%s/update_speed_class",
                a);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (reply_str (r, "speedClass"), ==, "s1.slow");
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/subscribers?speed_class_filter=s1.slow");
  g_assert_cmpuint (json_array_get_length (reply_array (r)), ==, 1);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "POST", "{\"speedClass\":\"u1.slow\"}", "/v1/subscribers/%s/update_speed_class",
                du);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (reply_str (r, "speedClass"), ==, "u1.slow");
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "POST", "{\"speedClass\":\"s1.slow\"}", "/v1/subscribers/%s/update_speed_class",
                du);
  g_assert_cmpuint (r->status, ==, 400);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/_emulator/state", NULL, NULL);
  g_assert_cmpint (
      json_object_get_int_member (
          json_object_get_object_member (json_object_get_object_member (reply_object (r), "calls"),
                                         "updateSpeedClass"),
          a),
      ==, 1);
  ec_stop (e);
}

static void
test_state_file (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "emu.json", NULL);
  const char *args[] = { "--state", path, NULL };
  Emu *e = ec_start (args);
  g_autofree char *a = ec_seed_imsi (e, 0);
  g_autofree char *id = NULL;
  g_autofree char *body = NULL;
  g_autoptr (Reply) r = NULL;

  ec_auth (e);
  id = create_group (e, "kept", "K");
  r = ec_callf (e, "PUT", "[{\"key\":\"vpgId\",\"value\":\"vpg-9\"}]",
                "/v1/groups/%s/configuration/SoracomAir", id);
  g_clear_pointer (&r, reply_free);
  body = g_strdup_printf ("{\"groupId\":\"%s\"}", id);
  r = ec_callf (e, "POST", body, "/v1/subscribers/%s/set_group", a);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  ec_stop (e);

  e = ec_start (args);
  ec_auth (e);
  r = ec_callf (e, "GET", NULL, "/v1/groups/%s", id);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (group_tag (r, "name"), ==, "kept");
  g_assert_cmpstr (
      json_object_get_string_member (
          json_object_get_object_member (
              json_object_get_object_member (reply_object (r), "configuration"), "SoracomAir"),
          "vpgId"),
      ==, "vpg-9");
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/groups/%s/subscribers", id);
  g_assert_cmpuint (json_array_get_length (reply_array (r)), ==, 1);
  g_clear_pointer (&r, reply_free);
  /* reset forgets groups */
  r = ec_call (e, "POST", "/_emulator/reset", NULL, NULL);
  g_clear_pointer (&r, reply_free);
  ec_auth (e);
  r = ec_callf (e, "GET", NULL, "/v1/groups/%s", id);
  g_assert_cmpuint (r->status, ==, 404);
  ec_stop (e);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/emulator-groups/crud", test_crud);
  g_test_add_func ("/emulator-groups/errors", test_errors);
  g_test_add_func ("/emulator-groups/list-paging", test_list_paging);
  g_test_add_func ("/emulator-groups/members", test_members);
  g_test_add_func ("/emulator-groups/speed-class", test_speed_class);
  g_test_add_func ("/emulator-groups/state-file", test_state_file);
  return g_test_run ();
}
