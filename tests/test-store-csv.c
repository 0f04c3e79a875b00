/* tests/test-store-csv.c - the expected-SIM CSV parser, table-driven from
 * tests/data/store/csv/cases.txt (one file per case). */
#include <string.h>

#include "station/store/store.h"
#include "tests/common/test-common.h"

static void
check_field (const char *what, const char *got, const char *expected, const char *file)
{
  if (strcmp (expected, "-") == 0)
    expected = NULL;
  if (g_strcmp0 (got, expected) != 0)
    g_error ("%s: %s is '%s', expected '%s'", file, what, got ? got : "(null)",
             expected ? expected : "(null)");
}

static void
run_case (const char *line)
{
  g_auto (GStrv) f = g_strsplit (line, "\t", -1);
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sims = NULL;
  guint n = g_strv_length (f);

  g_assert_cmpuint (n, >=, 3);
  path = tc_data_path ("store", "csv", f[0], NULL);
  sims = store_sim_csv_load (path, &error);
  g_test_message ("%s: %s", f[0], error ? error->message : "ok");
  if (strcmp (f[1], "ok") == 0) {
    const StoreSim *first;

    g_assert_cmpuint (n, ==, 7);
    g_assert_no_error (error);
    g_assert_nonnull (sims);
    g_assert_cmpuint (sims->len, ==, (guint)atoi (f[2]));
    first = sims->pdata[0];
    check_field ("imsi", first->imsi, f[3], f[0]);
    check_field ("iccid", first->iccid, f[4], f[0]);
    check_field ("serial_number", first->serial_number, f[5], f[0]);
    check_field ("msisdn", first->msisdn, f[6], f[0]);
    g_assert_cmpuint (first->line, >=, 2);
  } else {
    g_autofree char *want = g_strconcat (path, f[2], NULL);

    g_assert_cmpstr (f[1], ==, "error");
    g_assert_null (sims);
    g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_CSV);
    if (strstr (error->message, want) == NULL)
      g_error ("%s: message '%s' lacks '%s'", f[0], error->message, want);
  }
}

static void
test_cases (void)
{
  g_autofree char *path = tc_data_path ("store", "csv", "cases.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  guint cases = 0;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    if (lines[i][0] == '#' || lines[i][0] == '\0')
      continue;
    run_case (lines[i]);
    cases++;
  }
  g_assert_cmpuint (cases, >=, 18);
}

/* The lines of a multi-line quoted field still count, so errors after it
 * name the right line. */
static void
test_line_numbers_after_multiline_field (void)
{
  static const char text[] = "imsi,note\n440100000000001,\"a\nb\nc\"\n440100000000002,x\nbad,y\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sims = store_sim_csv_parse (text, sizeof text - 1, "mem.csv", &error);

  g_assert_null (sims);
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_CSV);
  g_assert_true (g_str_has_prefix (error->message, "mem.csv:6: "));
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sims = store_sim_csv_load ("/nonexistent/sims.csv", &error);

  g_assert_null (sims);
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_CSV);
  g_assert_nonnull (strstr (error->message, "/nonexistent/sims.csv"));
}

static void
test_field_too_long (void)
{
  g_autoptr (GString) text = g_string_new ("imsi,serial_number\n440100000000001,");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sims = NULL;

  for (int i = 0; i < 300; i++)
    g_string_append_c (text, 'x');
  g_string_append_c (text, '\n');
  sims = store_sim_csv_parse (text->str, text->len, "long.csv", &error);
  g_assert_null (sims);
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_CSV);
  g_assert_true (g_str_has_prefix (error->message, "long.csv:2: "));
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/store/csv/cases", test_cases);
  g_test_add_func ("/store/csv/line-numbers", test_line_numbers_after_multiline_field);
  g_test_add_func ("/store/csv/missing-file", test_missing_file);
  g_test_add_func ("/store/csv/field-too-long", test_field_too_long);
  return g_test_run ();
}
