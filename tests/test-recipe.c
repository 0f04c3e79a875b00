/* tests/test-recipe.c - recipe files (tests/data/recipes, recipes/). */
#include <string.h>

#include "station/pipeline/recipe.h"
#include "tests/common/test-common.h"

static Recipe *
load (const char *name, GError **error)
{
  g_autofree char *path = tc_data_path ("recipes", name, NULL);

  return recipe_load (path, error);
}

static void
test_defaults (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Recipe) r = load ("minimal.ini", &error);
  g_autofree char *path = tc_data_path ("recipes", "minimal.ini", NULL);
  g_autofree char *data = NULL;
  gsize len;
  g_autofree char *sha = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (r->name, ==, "meter");
  g_assert_cmpuint (r->version, ==, 7);
  g_assert_cmpuint (r->steps, ==,
                    RECIPE_STEP_REGISTER | RECIPE_STEP_SELFTEST | RECIPE_STEP_TAGS
                        | RECIPE_STEP_IMEI_LOCK | RECIPE_STEP_RADIO_OFF | RECIPE_STEP_STANDBY
                        | RECIPE_STEP_LABEL);
  g_assert_cmpuint (r->min_csq, ==, 5);
  g_assert_cmpuint (r->attach_timeout_ms, ==, 180000);
  g_assert_cmpuint (r->boot_timeout_ms, ==, 30000); /* the default */
  g_assert_cmpuint (r->tag_names->len, ==, 0);
  g_assert_null (r->group_id);
  g_assert_cmpstr (r->label_template, ==, "50x30");

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *)data, len);
  g_assert_cmpstr (r->sha256, ==, sha);
}

static void
test_values (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Recipe) r = load ("no-standby.ini", &error);

  g_assert_no_error (error);
  g_assert_false (r->steps & RECIPE_STEP_STANDBY);
  g_assert_false (r->steps & RECIPE_STEP_LABEL);
  g_assert_true (r->steps & RECIPE_STEP_IMEI_LOCK);
  g_assert_cmpuint (r->min_csq, ==, 12);
  g_assert_cmpuint (r->attach_timeout_ms, ==, 30000);
  g_assert_cmpuint (r->boot_timeout_ms, ==, 5000);
  g_assert_cmpuint (r->tag_names->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (r->tag_names, 1), ==, "lot");
  g_assert_cmpstr (g_ptr_array_index (r->tag_templates, 1), ==, "${batch}/${station}");
  g_assert_cmpstr (r->group_id, ==, "abc-123");
}

static void
test_shipped_default (void)
{
  const char *root = g_getenv ("SOURCE_ROOT");
  g_autofree char *path = g_build_filename (root ? root : ".", "recipes", "default.ini", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (Recipe) r = recipe_load (path, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (r->name, ==, "default");
  g_assert_true (r->steps & RECIPE_STEP_STANDBY);
  g_assert_true (r->steps & RECIPE_STEP_IMEI_LOCK);
  g_assert_cmpuint (r->tag_names->len, ==, 5);
}

static void
test_bad_files (void)
{
  static const struct {
    const char *file;
    int code;
    const char *needle;
  } rows[] = {
    { "bad-field.ini", RECIPE_ERROR_UNKNOWN, "${customer}" },
    { "bad-limit.ini", RECIPE_ERROR_VALUE, "min_csq" },
    { "bad-step.ini", RECIPE_ERROR_UNKNOWN, "reboot" },
    { "bad-group.ini", RECIPE_ERROR_UNKNOWN, "[printer]" },
    { "bad-version.ini", RECIPE_ERROR_VALUE, "version" },
    { "bad-bool.ini", RECIPE_ERROR_VALUE, "standby" },
    { "bad-syntax.ini", RECIPE_ERROR_SYNTAX, "bad-syntax.ini" },
    { "does-not-exist.ini", RECIPE_ERROR_READ, "does-not-exist.ini" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (Recipe) r = load (rows[i].file, &error);

    g_assert_null (r);
    g_assert_error (error, RECIPE_ERROR, rows[i].code);
    if (strstr (error->message, rows[i].needle) == NULL)
      g_error ("%s: message '%s' lacks '%s'", rows[i].file, error->message, rows[i].needle);
  }
}

static void
test_expand (void)
{
  g_autoptr (GHashTable) f = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  g_autofree char *a = NULL;
  char *b;

  g_hash_table_insert (f, "device_id", "TRK-1");
  g_hash_table_insert (f, "batch", "B7");
  a = recipe_expand ("${device_id}@${batch}-${device_id}", f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, "TRK-1@B7-TRK-1");

  b = recipe_expand ("${station}", f, &error);
  g_assert_null (b);
  g_assert_error (error, RECIPE_ERROR, RECIPE_ERROR_UNKNOWN);
  g_clear_error (&error);
  b = recipe_expand ("x${device_id", f, &error);
  g_assert_null (b);
  g_assert_error (error, RECIPE_ERROR, RECIPE_ERROR_VALUE);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/recipe/defaults", test_defaults);
  g_test_add_func ("/recipe/values", test_values);
  g_test_add_func ("/recipe/shipped-default", test_shipped_default);
  g_test_add_func ("/recipe/bad-files", test_bad_files);
  g_test_add_func ("/recipe/expand", test_expand);
  return g_test_run ();
}
