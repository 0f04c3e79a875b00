/* tests/test-recipe-cloud.c - the recipe's [cloud] keys (batch
 * cloud-setup, the group step): every key read, every bad value refused
 * naming the key; cases in tests/data/recipes/cloud-cases.json. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "station/pipeline/recipe.h"
#include "tests/common/test-common.h"

static char *
tags_text (const Recipe *r)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < r->group_tag_names->len; i++)
    g_string_append_printf (s, "%s%s=%s", i ? "," : "",
                            (char *)g_ptr_array_index (r->group_tag_names, i),
                            (char *)g_ptr_array_index (r->group_tag_values, i));
  return g_string_free (s, FALSE);
}

static void
test_cases (void)
{
  g_autofree char *path = tc_data_path ("recipes", "cloud-cases.json", NULL);
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonArray *cases;

  json_parser_load_from_file (p, path, &error);
  g_assert_no_error (error);
  cases = json_object_get_array_member (json_node_get_object (json_parser_get_root (p)), "cases");
  g_assert_cmpuint (json_array_get_length (cases), >=, 15);
  for (guint i = 0; i < json_array_get_length (cases); i++) {
    JsonObject *c = json_array_get_object_element (cases, i);
    const char *name = json_object_get_string_member (c, "name");
    const char *text = json_object_get_string_member (c, "text");
    g_autoptr (Recipe) r = NULL;
    g_autofree char *tags = NULL, *for_b7 = NULL;
    JsonObject *e;

    g_test_message ("case: %s", name);
    r = recipe_load_data (text, strlen (text), "case.ini", &error);
    if (json_object_has_member (c, "error")) {
      const char *code = json_object_get_string_member (c, "code");
      int want = strcmp (code, "unknown") == 0 ? RECIPE_ERROR_UNKNOWN : RECIPE_ERROR_VALUE;

      g_assert_null (r);
      g_assert_error (error, RECIPE_ERROR, want);
      if (strstr (error->message, json_object_get_string_member (c, "error")) == NULL
          || strstr (error->message, "[cloud]") == NULL)
        g_error ("%s: '%s' lacks '%s'", name, error->message,
                 json_object_get_string_member (c, "error"));
      g_clear_error (&error);
      continue;
    }
    g_assert_no_error (error);
    e = json_object_get_object_member (c, "expect");
#define S(k) json_object_get_string_member_with_default (e, k, NULL)
    g_assert_cmpstr (r->group_id, ==, S ("group_id"));
    g_assert_cmpstr (r->group_name, ==, S ("group_name"));
    for_b7 = recipe_cloud_group_name (r, "B7");
    g_assert_cmpstr (for_b7, ==, S ("group_name_for_B7"));
    tags = tags_text (r);
    g_assert_cmpstr (tags, ==, S ("tags"));
    g_assert_cmpstr (r->vpg_id, ==, S ("vpg_id"));
    g_assert_cmpint (r->gate, ==, json_object_get_int_member (e, "gate"));
    g_assert_cmpuint (r->daily_limit_mib, ==, json_object_get_int_member (e, "daily_limit_mib"));
    g_assert_cmpstr (r->over_limit_action, ==, S ("over_limit_action"));
    g_assert_cmpstr (r->events_url, ==, S ("events_url"));
    g_assert_cmpstr (r->events_secret_file, ==, S ("events_secret_file"));
#undef S
  }
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/recipe-cloud/keys", test_cases);
  return g_test_run ();
}
