/* tests/test-cli-records.c - station-cli batch import and lookup as a
 * process, against a store in a temporary directory. */
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>

#include "station/store/store.h"
#include "tests/common/test-common.h"

typedef struct {
  char *dir;
  char *db;
  char *exe;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = tc_tmpdir ();
  f->db = g_build_filename (f->dir, "station.db", NULL);
  f->exe = tc_build_path ("station/station-cli");
  /* no credentials may leak in from the machine running the tests */
  g_unsetenv ("SORACOM_AUTH_KEY_ID");
  g_unsetenv ("SORACOM_AUTH_KEY");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_free (f->dir);
  g_free (f->db);
  g_free (f->exe);
}

/* cli: runs station-cli --db <db> ARGS, returns the exit code. */
static int
cli (Fixture *f, char **out, char **err, ...)
{
  va_list ap;
  int rc;

  va_start (ap, err);
  rc = tc_cli_valist (f->db, out, err, ap);
  va_end (ap);
  return rc;
}

/* The endpoint banner an import prints first (issue 14), skipped when
 * present: the error line follows it. */
#define IMPORT_BANNER                                                                              \
  "station-cli: batch import: PRODUCTION API https://api.soracom.io/v1 (real SIMs, real "          \
  "charges)\n"

static void
assert_one_error_line (const char *err, const char *prefix)
{
  if (g_str_has_prefix (err, IMPORT_BANNER))
    err += strlen (IMPORT_BANNER);
  g_assert_true (g_str_has_prefix (err, prefix));
  g_assert_nonnull (strchr (err, '\n'));
  g_assert_cmpstr (strchr (err, '\n') + 1, ==, "");
}

static void
test_import_csv (Fixture *f, gconstpointer data)
{
  g_autofree char *csv = tc_data_path ("store", "csv", "ok-basic.csv", NULL);
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  g_autoptr (JsonParser) p = NULL;
  JsonObject *o;
  g_autoptr (Store) store = NULL;
  g_autoptr (GPtrArray) sims = NULL;

  g_assert_cmpint (
      cli (f, &out, &err, "batch", "import", "--batch", "B-2026.11", "--csv", csv, NULL), ==, 0);
  o = tc_json_object (out, &p);
  g_assert_cmpstr (json_object_get_string_member (o, "batch"), ==, "B-2026.11");
  g_assert_cmpstr (json_object_get_string_member (o, "source"), ==, "csv");
  g_assert_cmpint (json_object_get_int_member (o, "sims"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (o, "endpoint"), ==, "PRODUCTION");
  g_assert_cmpstr (err, ==, IMPORT_BANNER);

  store = store_open (f->db, STORE_OPEN_READ_ONLY, NULL);
  g_assert_nonnull (store);
  sims = store_batch_get_sims (store, "B-2026.11", NULL);
  g_assert_cmpuint (sims->len, ==, 5);

  /* the same batch again: refused, nothing changed */
  g_assert_cmpint (
      cli (f, &out2, &err2, "batch", "import", "--batch", "B-2026.11", "--csv", csv, NULL), ==, 1);
  g_assert_cmpstr (out2, ==, "");
  assert_one_error_line (err2, "station-cli: batch: ");
}

static void
test_import_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *bad = tc_data_path ("store", "csv", "err-dup-imsi.csv", NULL);
  g_autofree char *good = tc_data_path ("store", "csv", "ok-basic.csv", NULL);
  struct {
    const char *args[10];
    int exit;
    const char *needle;
  } rows[] = {
    { { "batch", "import", "--batch", "B_1", "--csv", good, NULL }, 2, "'_'" },
    { { "batch", "import", "--batch", "B1", "--csv", bad, NULL }, 2, "is already on line 2" },
    { { "batch", "import", "--batch", "B1", "--csv", "/nonexistent.csv", NULL },
      2,
      "/nonexistent.csv" },
    { { "batch", "import", "--batch", "B1", "--csv", good, "--order-id", "O1", NULL },
      2,
      "one of" },
    { { "batch", "frobnicate", NULL }, 2, "batch import" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    g_autoptr (GPtrArray) argv = g_ptr_array_new ();
    g_autofree char *out = NULL, *err = NULL;
    int rc;

    g_ptr_array_add (argv, f->exe);
    g_ptr_array_add (argv, "--db");
    g_ptr_array_add (argv, f->db);
    for (const char *const *a = rows[i].args; *a; a++)
      g_ptr_array_add (argv, (gpointer)*a);
    g_ptr_array_add (argv, NULL);
    rc = tc_run ((const char *const *)argv->pdata, &out, &err, 30000);
    g_test_message ("row %zu: exit %d: %s", i, rc, err);
    g_assert_cmpint (rc, ==, rows[i].exit);
    g_assert_cmpstr (out, ==, "");
    assert_one_error_line (err, "station-cli: batch: ");
    g_assert_nonnull (strstr (err, rows[i].needle));
  }
}

/* A provisioned-looking unit, made through the store API. */
static void
seed_unit (Fixture *f)
{
  g_autofree char *csv = tc_data_path ("store", "csv", "ok-basic.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = NULL;
  g_autoptr (StoreUnit) unit = NULL;
  g_autoptr (StoreBatch) batch = store_batch_new ("B1", "csv");
  g_autoptr (GPtrArray) sims = store_sim_csv_load (csv, &error);
  guint attempt;

  g_assert_no_error (error);
  store = store_open (f->db, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (store_batch_import (store, batch, sims, &error));
  unit = store_unit_create (store, "trk-000123", "B1", "st1", 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (store_unit_claim (store, "TRK-000123", "490154203237518", "440100000000001",
                                   "8981100000000000010", &error));
  g_assert_true (store_journal_intent (store, "TRK-000123", "identify", NULL, &attempt, &error));
  g_assert_true (store_journal_done (store, "TRK-000123", "identify", attempt, "ok", &error));
  g_assert_no_error (error);
}

static void
test_lookup_keys (Fixture *f, gconstpointer data)
{
  static const struct {
    const char *code;
    const char *matched;
  } rows[] = {
    { "TRK-000123", "device_id" },
    { "trk-000123", "device_id" },
    { "440100000000001", "imsi" },
    { "490154203237518", "imei" },
    { "8981100000000000010", "iccid" },
    { "DEV TRK-000123 IMSI 440100000000001 ICCID 8981100000000000010", "label" },
  };

  seed_unit (f);
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    g_autofree char *out = NULL, *err = NULL;
    g_autoptr (JsonParser) p = NULL;
    JsonObject *o, *step;

    g_assert_cmpint (cli (f, &out, &err, "lookup", rows[i].code, "--offline", NULL), ==, 0);
    o = tc_json_object (out, &p);
    g_assert_cmpstr (json_object_get_string_member (o, "matched"), ==, rows[i].matched);
    g_assert_cmpstr (json_object_get_string_member (o, "device_id"), ==, "TRK-000123");
    g_assert_cmpstr (json_object_get_string_member (o, "imsi"), ==, "440100000000001");
    g_assert_cmpstr (json_object_get_string_member (o, "batch"), ==, "B1");
    g_assert_cmpint (json_object_get_int_member (o, "slot"), ==, 2);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "steps")), ==, 1);
    step = json_array_get_object_element (json_object_get_array_member (o, "steps"), 0);
    g_assert_cmpstr (json_object_get_string_member (step, "step"), ==, "identify");
    g_assert_cmpstr (json_object_get_string_member (step, "state"), ==, "done");
    g_assert_true (json_object_get_null_member (o, "sim"));
    g_assert_cmpstr (json_object_get_string_member (o, "sim_error"), ==, "not asked (--offline)");
  }
}

static void
test_lookup_without_credentials (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (JsonParser) p = NULL;
  JsonObject *o;

  seed_unit (f);
  /* no credentials anywhere: the stored record is still shown */
  g_assert_cmpint (
      cli (f, &out, &err, "lookup", "TRK-000123", "--api-url", "http://127.0.0.1:9/v1", NULL), ==,
      0);
  o = tc_json_object (out, &p);
  g_assert_true (json_object_get_null_member (o, "sim"));
  g_assert_nonnull (json_object_get_string_member (o, "sim_error"));
}

static void
test_lookup_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL, *err3 = NULL;

  seed_unit (f);
  g_assert_cmpint (cli (f, &out, &err, "lookup", "TRK-999", "--offline", NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  assert_one_error_line (err, "station-cli: lookup: ");
  g_assert_nonnull (strstr (err, "TRK-999"));

  g_assert_cmpint (cli (f, &out2, &err2, "lookup", "TRK_000123", NULL), ==, 2);
  g_assert_cmpstr (out2, ==, "");
  g_assert_nonnull (strstr (err2, "'_'"));

  g_assert_cmpint (cli (f, NULL, &err3, "lookup", NULL), ==, 2);
}

static void
test_lookup_no_store (Fixture *f, gconstpointer data)
{
  g_autofree char *err = NULL;

  /* read-only lookup of a store that does not exist creates nothing */
  g_assert_cmpint (cli (f, NULL, &err, "lookup", "TRK-1", NULL), ==, 5);
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

/* "--" ends the options (issue 16): a device ID starting with '-' can be
 * looked up, and the "--" is not joined into the code. */
static void
test_lookup_dash_id (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = store_open (f->db, STORE_OPEN_DEFAULT, &error);
  g_autoptr (StoreUnit) unit = NULL;
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  g_autofree char *csv = tc_data_path ("store", "csv", "ok-basic.csv", NULL);
  g_autoptr (StoreBatch) batch = store_batch_new ("B1", "csv");
  g_autoptr (GPtrArray) sims = store_sim_csv_load (csv, &error);
  g_autoptr (JsonParser) p = NULL;
  JsonObject *o;

  g_assert_no_error (error);
  g_assert_true (store_batch_import (store, batch, sims, &error));
  unit = store_unit_create (store, "-abc", "B1", "st1", 1, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&store, store_close);
  g_assert_cmpint (cli (f, &out, &err, "lookup", "--offline", "--", "-ABC", NULL), ==, 0);
  o = tc_json_object (out, &p);
  g_assert_cmpstr (json_object_get_string_member (o, "device_id"), ==, "-ABC");
  g_assert_cmpstr (err, ==, "");
  /* without "--" the ID is an unknown option: a usage error, not a search */
  g_assert_cmpint (cli (f, &out2, &err2, "lookup", "--offline", "-ABC", NULL), ==, 2);
  assert_one_error_line (err2, "station-cli: lookup: ");
}

/* Global paths (issue 16): an empty --db/--config/--api-url is a usage
 * error; --db in a missing folder is a store error (exit 5) and creates
 * nothing; --csv on a FIFO is refused at once instead of blocking. */
static void
test_global_paths (Fixture *f, gconstpointer data)
{
  g_autofree char *good = tc_data_path ("store", "csv", "ok-basic.csv", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "no", "such", "station.db", NULL);
  g_autofree char *missing_dir = g_build_filename (f->dir, "no", NULL);
  g_autofree char *fifo = g_build_filename (f->dir, "sims.csv", NULL);
  const char *empty_db[] = { f->exe, "--db", "", "lookup", "X", NULL };
  const char *empty_config[] = { f->exe, "--config", "", "--db", f->db, "lookup", "X", NULL };
  const char *empty_api[] = { f->exe, "lookup", "X", "--api-url", "", NULL };
  const char *in_missing[]
      = { f->exe, "--db", missing, "batch", "import", "--batch", "B1", "--csv", good, NULL };
  const char *on_folder[] = { f->exe, "--db", f->dir, "lookup", "X", NULL };
  const struct {
    const char *const *argv;
    int exit;
    const char *needle;
  } rows[] = {
    { empty_db, 2, "--db needs a value" },
    { empty_config, 2, "--config needs a value" },
    { empty_api, 2, "--api-url needs a value" },
    { in_missing, 5, "does not exist; create it first" },
    { on_folder, 5, "is a folder" },
  };
  g_autofree char *out = NULL, *err = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    g_autofree char *o = NULL, *e = NULL;
    int rc = tc_run (rows[i].argv, &o, &e, 30000);

    g_test_message ("row %zu: exit %d: %s", i, rc, e);
    g_assert_cmpint (rc, ==, rows[i].exit);
    g_assert_cmpstr (o, ==, "");
    g_assert_true (g_str_has_prefix (e, "station-cli: "));
    g_assert_nonnull (strstr (e, rows[i].needle));
  }
  g_assert_false (g_file_test (missing_dir, G_FILE_TEST_EXISTS));

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (cli (f, &out, &err, "batch", "import", "--batch", "B1", "--csv", fifo, NULL), ==,
                   2);
  assert_one_error_line (err, "station-cli: batch: ");
  g_assert_nonnull (strstr (err, "not a regular file"));
  g_assert_cmpstr (out, ==, "");
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/cli-records/import-csv", test_import_csv);
  ADD ("/cli-records/import-errors", test_import_errors);
  ADD ("/cli-records/lookup-keys", test_lookup_keys);
  ADD ("/cli-records/lookup-without-credentials", test_lookup_without_credentials);
  ADD ("/cli-records/lookup-errors", test_lookup_errors);
  ADD ("/cli-records/lookup-no-store", test_lookup_no_store);
  ADD ("/cli-records/lookup-dash-id", test_lookup_dash_id);
  ADD ("/cli-records/global-paths", test_global_paths);
  return g_test_run ();
}
