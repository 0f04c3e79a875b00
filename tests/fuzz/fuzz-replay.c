/* tests/fuzz/fuzz-replay.c - the regression side of a fuzz harness: replays
 * every file of the directories named on the command line (the harness's
 * seed corpus and the inputs of crashes once found, tests/data/fuzz/NAME/)
 * through LLVMFuzzerTestOneInput, one TAP test case per directory (a
 * regressions directory exists once the harness found a crash).  Built
 * with any compiler and run in the default suites (./run test). */
#include "tests/common/test-common.h"
#include "tests/fuzz/fuzz.h"

static void
replay_dir (gconstpointer data)
{
  const char *dir = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc)g_strcmp0);
  /* an empty corpus would make this test pass without testing anything */
  g_assert_cmpuint (names->len, >, 0);
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);
    g_autofree char *contents = NULL;
    gsize len = 0;

    g_test_message ("%s", path);
    g_assert_true (g_file_get_contents (path, &contents, &len, &error));
    g_assert_no_error (error);
    g_assert_cmpint (LLVMFuzzerTestOneInput ((const uint8_t *)contents, len), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  for (int i = 1; i < argc; i++) {
    g_autofree char *base = g_path_get_basename (argv[i]);
    g_autofree char *parent = g_path_get_dirname (argv[i]);
    g_autofree char *harness = g_path_get_basename (parent);
    g_autofree char *test = g_strdup_printf ("/fuzz/%s/%s", harness, base);

    if (g_str_equal (base, "regressions") && !g_file_test (argv[i], G_FILE_TEST_IS_DIR))
      continue;
    g_test_add_data_func (test, argv[i], replay_dir);
  }
  return g_test_run ();
}
