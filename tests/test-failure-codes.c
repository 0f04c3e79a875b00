/* tests/test-failure-codes.c - the one table of failure codes and steps
 * (station/pipeline/failure-codes.c): what the engine, the app and
 * station-cli provision read, and the generated docs/failure-codes.md. */
#include <string.h>

#include "station/pipeline/failure-codes.h"
#include "station/pipeline/line.h"
#include "station/station-error.h"
#include "tests/common/test-common.h"

/* Codes are unique, have words, and the unit's faults come first. */
static void
test_table (void)
{
  guint n = 0, failed = 0, errors = 0;
  const FailureCode *codes = failure_codes (&n);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (n, ==, 43);
  for (guint i = 0; i < n; i++) {
    g_assert_nonnull (codes[i].code);
    g_assert_true (g_regex_match_simple ("^[a-z]+(-[a-z]+)*$", codes[i].code, 0, 0));
    if (!g_hash_table_add (seen, (gpointer)codes[i].code))
      g_error ("failure code %s is twice in the table", codes[i].code);
    g_assert_nonnull (codes[i].words);
    g_assert_cmpuint (strlen (codes[i].words), >, 10);
    g_assert_true (failure_code_find (codes[i].code) == &codes[i]);
    if (codes[i].kind == FAILURE_KIND_FAILED) {
      g_assert_cmpuint (errors, ==, 0); /* no unit's fault after the station's */
      g_assert_cmpint (codes[i].exit_class, ==, STATION_EXIT_CHECK);
      failed++;
    } else {
      errors++;
    }
  }
  g_assert_cmpuint (failed, ==, 34);
  g_assert_cmpuint (errors, ==, 9);
  g_assert_null (failure_code_find (NULL));
  g_assert_null (failure_code_find ("no-such-code"));
  g_assert_cmpint (failure_code_find (FAIL_SIM_MISSING)->kind, ==, FAILURE_KIND_FAILED);
  g_assert_cmpint (failure_code_find (ERR_PORT_LOST)->kind, ==, FAILURE_KIND_ERROR);
  g_assert_cmpstr (failure_kind_name (FAILURE_KIND_FAILED), ==, "failed");
  g_assert_cmpstr (failure_kind_name (FAILURE_KIND_ERROR), ==, "error");
}

/* The exit code station-cli provision gives a unit's error (CONTRACT.md
 * section 2): API 4, store 5, label template 2, cancelled 1, else 3. */
static void
test_exit_class (void)
{
  static const struct {
    const char *code;
    int exit;
  } cases[] = {
    { ERR_API, STATION_EXIT_CLOUD },         { ERR_READBACK, STATION_EXIT_CLOUD },
    { ERR_STORE, STATION_EXIT_STORE },       { ERR_LABEL, STATION_EXIT_USAGE },
    { ERR_CANCELLED, STATION_EXIT_CHECK },   { ERR_FIXTURE, STATION_EXIT_DEVICE },
    { ERR_PORT_LOST, STATION_EXIT_DEVICE },  { ERR_REMOVED, STATION_EXIT_DEVICE },
    { ERR_PRINTER, STATION_EXIT_DEVICE },    { NULL, STATION_EXIT_CHECK },
    { "no-such-code", STATION_EXIT_DEVICE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (failure_code_exit_class (cases[i].code), ==, cases[i].exit);
}

/* The step table names the engine's steps, in the engine's order. */
static void
test_steps (void)
{
  guint n = 0, n_engine = 0;
  const StepWords *steps = pipeline_steps (&n);
  const char *const *engine = station_line_step_names (&n_engine);

  g_assert_cmpuint (n, ==, n_engine);
  for (guint i = 0; i < n; i++) {
    g_assert_cmpstr (steps[i].name, ==, engine[i]);
    g_assert_nonnull (steps[i].words);
    g_assert_true (pipeline_step_find (engine[i]) == &steps[i]);
  }
  g_assert_null (pipeline_step_find ("no_such_step"));
  g_assert_null (pipeline_step_find (NULL));
}

/* docs/failure-codes.md is what the table generates: regenerate it with
 * `meson compile -C build failure-codes-doc` after changing the table. */
static void
test_doc_fresh (void)
{
  const char *root = g_getenv ("SOURCE_ROOT");
  g_autofree char *path = g_build_filename (root ? root : ".", "docs", "failure-codes.md", NULL);
  g_autofree char *committed = NULL;
  g_autofree char *generated = failure_codes_markdown ();
  guint n = 0;
  const FailureCode *codes = failure_codes (&n);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < n; i++) {
    g_autofree char *cell = g_strdup_printf ("| `%s` | %d | %s |", codes[i].code,
                                             codes[i].exit_class, codes[i].words);
    g_assert_nonnull (strstr (generated, cell));
  }
  if (!g_file_get_contents (path, &committed, NULL, &error))
    g_error ("%s: %s (generate it: meson compile -C build failure-codes-doc)", path,
             error->message);
  if (strcmp (committed, generated) != 0)
    g_error ("%s is stale: regenerate it with `meson compile -C build failure-codes-doc` and "
             "commit it",
             path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/failure-codes/table", test_table);
  g_test_add_func ("/failure-codes/exit-class", test_exit_class);
  g_test_add_func ("/failure-codes/steps", test_steps);
  g_test_add_func ("/failure-codes/doc-fresh", test_doc_fresh);
  return g_test_run ();
}
