/* tests/test-label-template.c - label templates: the shipped ones load and
 * are found by name, the search path and its overrides, and every broken
 * template in tests/data/labels/bad/ is refused with the error its first
 * line ("# expect: CODE text") names. */
#include <string.h>

#include "labels/label-template.h"
#include "tests/common/test-common.h"

static void
test_shipped (void)
{
  static const struct {
    const char *name;
    int dpi;
    double w, h;
    LabelElementType symbol;
  } shipped[] = {
    { "50x30", 203, 50, 30, LABEL_ELEMENT_DATAMATRIX },
    { "62x29", 300, 62, 29, LABEL_ELEMENT_QR },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (shipped); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (LabelTemplate) t = label_template_find (shipped[i].name, NULL, &error);
    gboolean has_symbol = FALSE, has_code128 = FALSE, has_device_text = FALSE;

    g_assert_no_error (error);
    g_assert_cmpstr (t->name, ==, shipped[i].name);
    g_assert_cmpint (t->dpi, ==, shipped[i].dpi);
    g_assert_cmpfloat_with_epsilon (t->width_mm, shipped[i].w, 1e-9);
    g_assert_cmpfloat_with_epsilon (t->height_mm, shipped[i].h, 1e-9);
    {
      g_autofree char *file = g_strconcat ("/", shipped[i].name, LABEL_TEMPLATE_SUFFIX, NULL);
      g_assert_true (g_str_has_suffix (t->path, file));
    }
    for (guint k = 0; k < t->elements->len; k++) {
      const LabelElement *e = t->elements->pdata[k];
      has_symbol = has_symbol || e->type == shipped[i].symbol;
      has_code128 = has_code128
                    || (e->type == LABEL_ELEMENT_CODE128 && strcmp (e->text, "${device_id}") == 0);
      has_device_text
          = has_device_text
            || (e->type == LABEL_ELEMENT_TEXT && strstr (e->text, "${device_id}") != NULL);
    }
    /* CONTRACT.md 3: a 2D symbol, a Code 128 of the device ID, readable text */
    g_assert_true (has_symbol);
    g_assert_true (has_code128);
    g_assert_true (has_device_text);
  }
}

static void
test_default_and_list (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LabelTemplate) t = label_template_find (NULL, NULL, &error);
  g_auto (GStrv) names = label_template_list (NULL);

  g_assert_no_error (error);
  g_assert_cmpstr (t->name, ==, LABEL_TEMPLATE_DEFAULT);
  g_assert_true (g_strv_contains ((const char *const *)names, "50x30"));
  g_assert_true (g_strv_contains ((const char *const *)names, "62x29"));
}

static void
test_search_path (void)
{
  g_autofree char *data_dir = tc_data_path ("labels", NULL);
  g_autofree char *file = tc_data_path ("labels", "long-id-100x40.label", NULL);
  g_autofree char *tmp = tc_tmpdir ();
  g_autofree char *copy = g_build_filename (tmp, "50x30.label", NULL);
  g_autofree char *src = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LabelTemplate) by_env = NULL;
  g_autoptr (LabelTemplate) by_path = NULL;
  g_autoptr (LabelTemplate) by_extra = NULL;
  g_autoptr (LabelTemplate) missing = NULL;
  g_auto (GStrv) dirs = NULL;

  /* not found: the message lists where it looked */
  missing = label_template_find ("long-id-100x40", NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, LABEL_ERROR, LABEL_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "labels/templates"));
  g_clear_error (&error);

  /* $STATION_LABEL_TEMPLATES */
  g_setenv (LABEL_TEMPLATES_ENV, data_dir, TRUE);
  by_env = label_template_find ("long-id-100x40", NULL, &error);
  g_unsetenv (LABEL_TEMPLATES_ENV);
  g_assert_no_error (error);
  g_assert_cmpstr (by_env->name, ==, "long-id-100x40");

  /* a path */
  by_path = label_template_find (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_path->path, ==, file);

  /* the configuration's folder comes first: a "50x30.label" there (here a
   * renamed copy of another template) shadows the shipped one */
  g_assert_true (g_file_get_contents (by_env->path, &src, NULL, NULL));
  {
    g_autofree char *renamed = NULL;
    GString *s = g_string_new (src);
    g_string_replace (s, "name=long-id-100x40", "name=local-50x30", 1);
    renamed = g_string_free (s, FALSE);
    g_assert_true (g_file_set_contents (copy, renamed, -1, NULL));
  }
  by_extra = label_template_find ("50x30", tmp, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_extra->name, ==, "local-50x30");

  dirs = label_template_search_path (tmp);
  g_assert_cmpstr (dirs[0], ==, tmp);
  g_assert_true (g_str_has_suffix (dirs[g_strv_length (dirs) - 1], "labels/templates"));
}

static void
test_bad_templates (void)
{
  g_autofree char *dir = tc_data_path ("labels", "bad", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint count = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL) {
    g_autofree char *path = g_build_filename (dir, name, NULL);
    g_autofree char *text = NULL;
    g_autoptr (GError) error = NULL;
    g_autoptr (LabelTemplate) t = NULL;
    g_auto (GStrv) expect = NULL;
    const char *nl;
    int code = -1;

    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    g_assert_true (g_str_has_prefix (text, "# expect: "));
    nl = strchr (text, '\n');
    {
      g_autofree char *line = g_strndup (text + 10, nl - text - 10);
      expect = g_strsplit (line, " ", 2);
    }
    if (strcmp (expect[0], "FIELD") == 0)
      code = LABEL_ERROR_FIELD;
    else if (strcmp (expect[0], "FIT") == 0)
      code = LABEL_ERROR_FIT;
    else if (strcmp (expect[0], "TEMPLATE") == 0)
      code = LABEL_ERROR_TEMPLATE;
    g_assert_cmpint (code, >=, 0);

    g_test_message ("%s", name);
    t = label_template_load (path, &error);
    g_assert_null (t);
    g_assert_error (error, LABEL_ERROR, code);
    g_assert_true (g_str_has_prefix (error->message, path));
    if (expect[1] != NULL && strstr (error->message, expect[1]) == NULL)
      g_error ("%s: \"%s\" does not contain \"%s\"", name, error->message, expect[1]);
    count++;
  }
  g_assert_cmpuint (count, >=, 10);
}

static void
test_fields_list (void)
{
  const char *const *f = label_template_fields ();
  const char *expect[] = { "device_id", "imsi", "iccid", "imei", "batch", "station", "date" };

  for (gsize i = 0; i < G_N_ELEMENTS (expect); i++)
    g_assert_true (g_strv_contains (f, expect[i]));
  g_assert_true (label_template_dpi_valid (203));
  g_assert_true (label_template_dpi_valid (300));
  g_assert_true (label_template_dpi_valid (600));
  g_assert_false (label_template_dpi_valid (200));
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/label-template/shipped", test_shipped);
  g_test_add_func ("/label-template/default-and-list", test_default_and_list);
  g_test_add_func ("/label-template/search-path", test_search_path);
  g_test_add_func ("/label-template/bad", test_bad_templates);
  g_test_add_func ("/label-template/fields", test_fields_list);
  return g_test_run ();
}
