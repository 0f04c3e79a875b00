/* tests/test-cli-scrap.c - station-cli unit scrap as a process (issue 14):
 * a supervisor scraps a unit found by any code (JSON record, the SIM left
 * as it is), a technician or nobody is refused (exit 1), a missing reason
 * (2), an unknown code (1), a second scrap (1); lookup shows it, report
 * counts it apart, and audit verify still verifies. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "station/store/store.h"
#include "tests/common/test-common.h"

typedef struct {
  char *dir;
  char *db;
  char *exe;
} Fixture;

/* A batch B1 with a passed unit TRK-1 (IMEI, IMSI, ICCID) and a failed
 * TRK-2, written through the store API. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autofree char *csv = tc_data_path ("store", "csv", "ok-basic.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = NULL;
  g_autoptr (StoreUnit) a = NULL, b = NULL;
  g_autoptr (StoreBatch) batch = store_batch_new ("B1", "csv");
  g_autoptr (GPtrArray) sims = store_sim_csv_load (csv, &error);

  f->dir = tc_tmpdir ();
  f->db = g_build_filename (f->dir, "station.db", NULL);
  f->exe = tc_build_path ("station/station-cli");
  g_unsetenv ("SORACOM_AUTH_KEY_ID");
  g_unsetenv ("SORACOM_AUTH_KEY");
  g_assert_no_error (error);
  store = store_open (f->db, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (store_batch_import (store, batch, sims, &error));
  a = store_unit_create (store, "TRK-1", "B1", "st1", 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (store_unit_claim (store, "TRK-1", "490154203237518", "440100000000001",
                                   "8981100000000000010", &error));
  g_assert_true (store_unit_finish (store, "TRK-1", STORE_UNIT_PASSED, NULL, "st1", &error));
  b = store_unit_create (store, "TRK-2", "B1", "st1", 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (
      store_unit_finish (store, "TRK-2", STORE_UNIT_FAILED, "sim-missing", "st1", &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  tc_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->exe);
}

/* station-cli --db <db> ARGS; the exit code. */
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

/* One error line "station-cli: unit: ..." holding @needle, nothing else. */
static void
assert_error_line (const char *err, const char *needle)
{
  g_test_message ("%s", err);
  g_assert_true (g_str_has_prefix (err, "station-cli: unit: "));
  g_assert_nonnull (strchr (err, '\n'));
  g_assert_cmpstr (strchr (err, '\n') + 1, ==, "");
  g_assert_nonnull (strstr (err, needle));
}

/* Operators sue (supervisor) and tom (technician): roles in force. */
static void
add_operators (Fixture *f)
{
  g_autofree char *o1 = NULL, *e1 = NULL, *o2 = NULL, *e2 = NULL;

  g_assert_cmpint (cli (f, &o1, &e1, "operator", "add", "sue", "--role", "supervisor", NULL), ==,
                   0);
  g_assert_cmpint (cli (f, &o2, &e2, "--operator", "sue", "operator", "add", "tom", "--role",
                        "technician", NULL),
                   ==, 0);
}

/* lookup --offline of @code: its "scrapped" member (NULL when null). */
static JsonObject *
lookup_scrapped (Fixture *f, const char *code, JsonParser **keep)
{
  g_autofree char *out = NULL, *err = NULL;
  JsonObject *o;

  g_assert_cmpint (cli (f, &out, &err, "lookup", code, "--offline", NULL), ==, 0);
  o = tc_json_object (out, keep);
  g_assert_true (json_object_has_member (o, "scrapped"));
  return json_object_get_null_member (o, "scrapped")
             ? NULL
             : json_object_get_object_member (o, "scrapped");
}

/* A supervisor scraps TRK-1 by its IMSI: one JSON line (the record, the
 * SIM note), nothing on stderr; lookup shows it; audit verify still ok. */
static void
test_supervisor (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL, *vout = NULL, *verr = NULL;
  g_autoptr (JsonParser) p = NULL, lp = NULL, vp = NULL;
  JsonObject *o, *s, *v;

  add_operators (f);
  g_assert_cmpint (cli (f, &out, &err, "--operator", "sue", "unit", "scrap", "440100000000001",
                        "--reason", "cracked case", NULL),
                   ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_nonnull (strchr (out, '\n'));
  g_assert_cmpstr (strchr (out, '\n') + 1, ==, "");
  o = tc_json_object (out, &p);
  g_assert_cmpstr (json_object_get_string_member (o, "device_id"), ==, "TRK-1");
  g_assert_cmpstr (json_object_get_string_member (o, "matched"), ==, "imsi");
  g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "passed");
  g_assert_true (json_object_has_member (o, "steps"));
  g_assert_false (json_object_has_member (o, "sim"));
  g_assert_nonnull (strstr (json_object_get_string_member (o, "sim_note"),
                            "changes nothing in the SORACOM cloud"));
  s = json_object_get_object_member (o, "scrapped");
  g_assert_nonnull (s);
  g_assert_cmpstr (json_object_get_string_member (s, "by"), ==, "sue");
  g_assert_cmpstr (json_object_get_string_member (s, "reason"), ==, "cracked case");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (s, "at"), "Z"));

  s = lookup_scrapped (f, "TRK-1", &lp);
  g_assert_nonnull (s);
  g_assert_cmpstr (json_object_get_string_member (s, "by"), ==, "sue");
  g_assert_cmpstr (json_object_get_string_member (s, "reason"), ==, "cracked case");
  g_assert_null (lookup_scrapped (f, "TRK-2", &vp));
  g_clear_object (&vp);

  g_assert_cmpint (cli (f, &vout, &verr, "audit", "verify", NULL), ==, 0);
  v = tc_json_object (vout, &vp);
  g_assert_true (json_object_get_boolean_member (v, "ok"));
}

/* Every kind of code finds the unit it scraps (no roles: first store). */
static void
test_codes (Fixture *f, gconstpointer data)
{
  static const struct {
    const char *code, *matched;
  } rows[] = {
    { "trk-1", "device_id" },
    { "490154203237518", "imei" },
    { "8981100000000000010", "iccid" },
    { "DEV TRK-1 IMSI 440100000000001 ICCID 8981100000000000010", "label" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
    g_autoptr (JsonParser) p = NULL;
    g_autoptr (GError) error = NULL;
    g_autoptr (Store) store = NULL;
    JsonObject *o;

    /* a fresh store each time: the unit can be scrapped once */
    fixture_tear_down (f, NULL);
    fixture_set_up (f, NULL);
    g_assert_cmpint (
        cli (f, &out, &err, "unit", "scrap", rows[i].code, "--reason", "bent pins", NULL), ==, 0);
    o = tc_json_object (out, &p);
    g_assert_cmpstr (json_object_get_string_member (o, "device_id"), ==, "TRK-1");
    g_assert_cmpstr (json_object_get_string_member (o, "matched"), ==, rows[i].matched);
    /* no operator named, none in the store: recorded as unknown */
    g_assert_true (
        json_object_get_null_member (json_object_get_object_member (o, "scrapped"), "by"));
    /* the label payload scanned without quotes: several arguments */
    if (g_str_equal (rows[i].matched, "label")) {
      g_assert_cmpint (cli (f, &out2, &err2, "unit", "scrap", "DEV", "TRK-1", "IMSI",
                            "440100000000001", "--reason", "again", NULL),
                       ==, 1);
      assert_error_line (err2, "already scrapped");
    }
  }
}

/* A technician, an unknown operator or nobody, once the store has a
 * supervisor: exit 1 saying a supervisor must do it; nothing written. */
static void
test_technician_refused (Fixture *f, gconstpointer data)
{
  static const char *const who[] = { "tom", "zed", NULL };
  g_autoptr (JsonParser) p = NULL;

  add_operators (f);
  for (gsize i = 0; i < G_N_ELEMENTS (who); i++) {
    g_autofree char *out = NULL, *err = NULL;
    int rc = who[i]
                 ? cli (f, &out, &err, "--operator", who[i], "unit", "scrap", "TRK-1", "--reason",
                        "cracked case", NULL)
                 : cli (f, &out, &err, "unit", "scrap", "TRK-1", "--reason", "cracked case", NULL);

    g_assert_cmpint (rc, ==, 1);
    g_assert_cmpstr (out, ==, "");
    assert_error_line (err, "scrapping a unit needs a supervisor");
    g_assert_nonnull (strstr (err, "only a supervisor scraps units"));
    if (i == 0)
      g_assert_nonnull (strstr (err, "tom is a technician"));
  }
  g_assert_null (lookup_scrapped (f, "TRK-1", &p));
}

/* Usage errors (2), an unknown unit (1), a second scrap (1). */
static void
test_errors (Fixture *f, gconstpointer data)
{
  struct {
    const char *args[8];
    int exit;
    const char *needle;
  } rows[] = {
    { { "unit", "scrap", "TRK-1", NULL }, 2, "--reason TEXT is required" },
    { { "unit", "scrap", "TRK-1", "--reason", "   ", NULL }, 2, "--reason TEXT is required" },
    { { "unit", "scrap", "--reason", "x", NULL }, 2, "give the unit's code" },
    { { "unit", "scrap", "TRK_1", "--reason", "x", NULL }, 2, "'_'" },
    { { "unit", "scrap", "TRK-1", "--reason", "two\nlines", NULL }, 2, "control character" },
    { { "unit", "melt", "TRK-1", NULL }, 2, "expected 'unit scrap CODE --reason TEXT'" },
    { { "unit", "scrap", "TRK-404", "--reason", "x", NULL }, 1, "TRK-404" },
    { { "unit", "scrap", "440100000000099", "--reason", "x", NULL }, 1, "no unit" },
  };
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  g_autoptr (JsonParser) p = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    g_autoptr (GPtrArray) argv = g_ptr_array_new ();
    g_autofree char *o = NULL, *e = NULL;
    int rc;

    g_ptr_array_add (argv, f->exe);
    g_ptr_array_add (argv, "--db");
    g_ptr_array_add (argv, f->db);
    for (const char *const *a = rows[i].args; *a; a++)
      g_ptr_array_add (argv, (gpointer)*a);
    g_ptr_array_add (argv, NULL);
    rc = tc_run ((const char *const *)argv->pdata, &o, &e, 30000);
    g_test_message ("row %zu: exit %d", i, rc);
    g_assert_cmpint (rc, ==, rows[i].exit);
    g_assert_cmpstr (o, ==, "");
    assert_error_line (e, rows[i].needle);
  }
  g_assert_null (lookup_scrapped (f, "TRK-1", &p));

  /* twice: the second names when and by whom */
  g_assert_cmpint (cli (f, &out, &err, "--operator", "sue", "unit", "scrap", "TRK-2", "--reason",
                        "no SIM tray", NULL),
                   ==, 0);
  g_assert_cmpint (cli (f, &out2, &err2, "--operator", "ann", "unit", "scrap", "TRK-2", "--reason",
                        "again", NULL),
                   ==, 1);
  g_assert_cmpstr (out2, ==, "");
  assert_error_line (err2, "TRK-2 was already scrapped on ");
  g_assert_nonnull (strstr (err2, "by sue (reason: no SIM tray)"));
}

/* report counts a scrapped unit apart (not passed: not stock) in JSON,
 * CSV (trailing columns) and PDF. */
static void
test_report (Fixture *f, gconstpointer data)
{
  g_autofree char *json_path = g_build_filename (f->dir, "r.json", NULL);
  g_autofree char *csv_path = g_build_filename (f->dir, "r.csv", NULL);
  g_autofree char *pdf_path = g_build_filename (f->dir, "r.pdf", NULL);
  g_autofree char *out = NULL, *err = NULL, *csv = NULL, *pdf_text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) error = NULL;
  const char *totext[] = { "/usr/bin/pdftotext", "-layout", pdf_path, "-", NULL };
  JsonObject *o, *c, *u0, *u1;
  const char *formats[][2] = { { "json", json_path }, { "csv", csv_path }, { "pdf", pdf_path } };

  g_assert_cmpint (cli (f, &out, &err, "--operator", "sue", "unit", "scrap", "TRK-1", "--reason",
                        "cracked case", NULL),
                   ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++) {
    g_autofree char *o1 = NULL, *e1 = NULL;

    g_assert_cmpint (cli (f, &o1, &e1, "report", "--batch", "B1", "--format", formats[i][0],
                          "--out", formats[i][1], NULL),
                     ==, 0);
  }

  json_parser_load_from_file (p, json_path, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (p));
  c = json_object_get_object_member (o, "counts");
  g_assert_cmpint (json_object_get_int_member (c, "units"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (c, "passed"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (c, "failed"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (c, "scrapped"), ==, 1);
  u0 = json_array_get_object_element (json_object_get_array_member (o, "units"), 0);
  u1 = json_array_get_object_element (json_object_get_array_member (o, "units"), 1);
  g_assert_cmpstr (json_object_get_string_member (u0, "device_id"), ==, "TRK-1");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (u0, "scrapped"), "reason"), ==,
      "cracked case");
  g_assert_true (json_object_get_null_member (u1, "scrapped"));

  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpstr (lines[0], ==,
                   "device_id,batch,state,failure_code,imei,imsi,iccid,label_payload,"
                   "label_printed_at,label_prints,station,updated_at,scrapped_at,scrapped_by,"
                   "scrap_reason");
  g_assert_true (g_str_has_prefix (lines[1], "TRK-1,B1,passed,,490154203237518,"));
  g_assert_true (g_str_has_suffix (lines[1], "Z,sue,cracked case"));
  g_assert_true (g_str_has_suffix (lines[2], ",,,"));
  g_assert_true (g_str_has_prefix (lines[2], "TRK-2,B1,failed,sim-missing,"));

  g_assert_cmpint (tc_run (totext, &pdf_text, NULL, 30000), ==, 0);
  g_assert_nonnull (strstr (pdf_text, "passed 0, failed 1"));
  g_assert_nonnull (strstr (pdf_text, "scrapped 1"));
  g_assert_nonnull (strstr (pdf_text, "SCRAPPED (passed)"));
}

#define ADD(name, fn)                                                                              \
  g_test_add ("/cli-scrap/" name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  ADD ("supervisor", test_supervisor);
  ADD ("codes", test_codes);
  ADD ("technician-refused", test_technician_refused);
  ADD ("errors", test_errors);
  ADD ("report", test_report);
  return g_test_run ();
}
