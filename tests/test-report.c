/* tests/test-report.c - station-cli report: CSV, JSON and PDF of a batch
 * seeded through the store API. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "labels/label-template.h"
#include "station/label-reprint.h"
#include "station/report/report.h"
#include "station/store/store.h"
#include "tests/common/test-common.h"

typedef struct {
  char *dir;
  char *db;
  char *exe;
} Fixture;

/* IMSIs 440100000000001.. with Luhn-valid ICCIDs are in ok-basic.csv */
static void
seed (Fixture *f, guint extra_units)
{
  g_autofree char *csv = tc_data_path ("store", "csv", "ok-basic.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = store_open (f->db, STORE_OPEN_DEFAULT, &error);
  g_autoptr (StoreBatch) batch = store_batch_new ("LOT-7", "csv");
  g_autoptr (GPtrArray) sims = store_sim_csv_load (csv, &error);
  g_autoptr (StoreUnit) a = NULL, b = NULL;
  StoreLabel label = { 0 };

  g_assert_no_error (error);
  g_assert_true (store_batch_import (store, batch, sims, &error));
  a = store_unit_create (store, "TRK-1", "LOT-7", "st1", 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (store_unit_claim (store, "TRK-1", "490154203237518", "440100000000001",
                                   "8981100000000000010", &error));
  g_assert_true (store_unit_set_state (store, "TRK-1", STORE_UNIT_PASSED, NULL, &error));
  label.device_id = "TRK-1";
  label.payload = "DEV TRK-1 IMSI 440100000000001 ICCID 8981100000000000010";
  label.printer = "file:/tmp";
  label.format = "png";
  g_assert_true (store_label_add (store, &label, &error));
  b = store_unit_create (store, "TRK-2,\"x\"", "LOT-7", "st1", 2, NULL, &error);
  g_assert_null (b); /* a device ID with a comma is refused before any report */
  g_clear_error (&error);
  b = store_unit_create (store, "TRK-2", "LOT-7", "st1", 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (store_unit_set_state (store, "TRK-2", STORE_UNIT_FAILED, "sim-missing", &error));
  for (guint i = 0; i < extra_units; i++) {
    g_autofree char *id = g_strdup_printf ("BULK-%04u", i);
    g_autoptr (StoreUnit) u = store_unit_create (store, id, "LOT-7", "st1", 1, NULL, &error);
    g_assert_no_error (error);
  }
}

static void
set_up (Fixture *f, gconstpointer data)
{
  f->dir = tc_tmpdir ();
  f->db = g_build_filename (f->dir, "station.db", NULL);
  f->exe = tc_build_path ("station/station-cli");
}

static void
tear_down (Fixture *f, gconstpointer data)
{
  g_free (f->dir);
  g_free (f->db);
  g_free (f->exe);
}

static int
report (Fixture *f, const char *format, const char *out, char **err)
{
  const char *argv[] = { f->exe,     "--db", f->db,   "report", "--batch", "LOT-7",
                         "--format", format, "--out", out,      NULL };
  g_autofree char *stdout_text = NULL;
  int rc = tc_run (argv, &stdout_text, err, 30000);

  g_assert_cmpstr (stdout_text, ==, "");
  return rc;
}

static void
test_csv (Fixture *f, gconstpointer data)
{
  g_autofree char *out = g_build_filename (f->dir, "r.csv", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  seed (f, 0);
  g_assert_cmpint (report (f, "csv", out, NULL), ==, 0);
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  lines = g_strsplit (text, "\r\n", -1);
  g_assert_cmpstr (lines[0], ==,
                   "device_id,batch,state,failure_code,imei,imsi,iccid,label_payload,"
                   "label_printed_at,label_prints,station,updated_at,scrapped_at,scrapped_by,"
                   "scrap_reason");
  g_assert_true (g_str_has_prefix (lines[1], "TRK-1,LOT-7,passed,,490154203237518,"
                                             "440100000000001,8981100000000000010,"
                                             "DEV TRK-1 IMSI 440100000000001 ICCID "
                                             "8981100000000000010,"));
  g_assert_true (g_str_has_prefix (lines[2], "TRK-2,LOT-7,failed,sim-missing,,,,,,0,st1,"));
  g_assert_cmpstr (lines[3], ==, "");
  g_assert_null (lines[4]);
}

static void
test_json (Fixture *f, gconstpointer data)
{
  g_autofree char *out = g_build_filename (f->dir, "r.json", NULL);
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *o, *counts, *u0;

  seed (f, 0);
  g_assert_cmpint (report (f, "JSON", out, NULL), ==, 0);
  json_parser_load_from_file (p, out, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (p));
  g_assert_cmpstr (json_object_get_string_member (o, "batch"), ==, "LOT-7");
  counts = json_object_get_object_member (o, "counts");
  g_assert_cmpint (json_object_get_int_member (counts, "sims"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (counts, "units"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (counts, "passed"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (counts, "failed"), ==, 1);
  /* 5 SIMs expected, one bound to TRK-1: 4 not used */
  g_assert_cmpint (json_object_get_int_member (counts, "unused_sims"), ==, 4);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "unused_sims")), ==, 4);
  u0 = json_array_get_object_element (json_object_get_array_member (o, "units"), 0);
  g_assert_cmpstr (json_object_get_string_member (u0, "device_id"), ==, "TRK-1");
  g_assert_cmpint (json_object_get_int_member (u0, "label_prints"), ==, 1);
}

static char *
run_capture (const char *const *argv)
{
  char *out = NULL;

  g_assert_cmpint (tc_run (argv, &out, NULL, 30000), ==, 0);
  return out;
}

static void
test_pdf (Fixture *f, gconstpointer data)
{
  g_autofree char *out = g_build_filename (f->dir, "r.pdf", NULL);
  g_autofree char *text = NULL, *info = NULL;
  const char *totext[] = { "/usr/bin/pdftotext", "-layout", out, "-", NULL };
  const char *pdfinfo[] = { "/usr/bin/pdfinfo", out, NULL };

  seed (f, 120); /* 122 units: more than one page */
  g_assert_cmpint (report (f, "pdf", out, NULL), ==, 0);
  text = run_capture (totext);
  g_assert_nonnull (strstr (text, "Batch report"));
  g_assert_nonnull (strstr (text, "TRK-1"));
  g_assert_nonnull (strstr (text, "failed: sim-missing"));
  g_assert_nonnull (strstr (text, "BULK-0119"));
  g_assert_nonnull (strstr (text, "page 1 / 3"));
  info = run_capture (pdfinfo);
  g_assert_nonnull (strstr (info, "Pages:           3"));
  g_assert_nonnull (strstr (info, "595.28 x 841.89 pts (A4)"));
}

static void
test_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *out = g_build_filename (f->dir, "r.txt", NULL);
  g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL;
  const char *unknown[] = { f->exe,     "--db", f->db,   "report", "--batch", "NOPE",
                            "--format", "csv",  "--out", out,      NULL };
  g_autofree char *e4 = NULL;

  seed (f, 0);
  g_assert_cmpint (report (f, "xlsx", out, &e1), ==, 2);
  g_assert_nonnull (strstr (e1, "'xlsx' is not one of csv, json, pdf"));
  g_assert_cmpint (report (f, "csv", "/nonexistent/dir/r.csv", &e2), ==, 5);
  g_assert_true (g_str_has_prefix (e2, "station-cli: report: "));
  g_assert_cmpint (tc_run (unknown, NULL, &e3, 30000), ==, 1);
  g_assert_nonnull (strstr (e3, "NOPE"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  {
    const char *bad_id[] = { f->exe,     "--db", f->db,   "report", "--batch", "LOT_7",
                             "--format", "csv",  "--out", out,      NULL };
    g_assert_cmpint (tc_run (bad_id, NULL, &e4, 30000), ==, 2);
  }
}

/* A label printed again: refused without a reason or without a first
 * label (nothing printed, nothing stored); with a reason it goes through
 * the print queue, is stored with its reason and the report counts it. */
static void
test_reprints (Fixture *f, gconstpointer data)
{
  g_autofree char *labels = g_build_filename (f->dir, "labels", NULL);
  g_autofree char *uri = g_strdup_printf ("file:%s", labels);
  g_autofree char *payload = NULL, *json = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = NULL;
  g_autoptr (PrintQueue) queue = NULL;
  g_autoptr (LabelTemplate) tmpl = label_template_find (NULL, NULL, &error);
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (Report) r = NULL;
  g_autoptr (GDir) dir = NULL;
  Printer *printer;
  guint files = 0;

  g_assert_no_error (error);
  seed (f, 0);
  g_mkdir (labels, 0755);
  store = store_open (f->db, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  printer = printer_open (uri, &error);
  g_assert_no_error (error);
  queue = print_queue_new (printer, NULL, NULL, NULL);

  g_assert_false (label_reprint (store, queue, tmpl, uri, "TRK-1", "  ", NULL, NULL, &error));
  g_assert_error (error, LABEL_REPRINT_ERROR, LABEL_REPRINT_ERROR_REASON);
  g_clear_error (&error);
  g_assert_false (
      label_reprint (store, queue, tmpl, uri, "TRK-2", "label torn", NULL, NULL, &error));
  g_assert_error (error, LABEL_REPRINT_ERROR, LABEL_REPRINT_ERROR_NO_LABEL);
  g_clear_error (&error);
  g_assert_false (
      label_reprint (store, queue, tmpl, uri, "TRK-9", "label torn", NULL, NULL, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  dir = g_dir_open (labels, 0, NULL);
  g_assert_null (g_dir_read_name (dir)); /* nothing printed */
  g_clear_pointer (&dir, g_dir_close);

  g_assert_true (
      label_reprint (store, queue, tmpl, uri, "TRK-1", " label torn ", &payload, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (payload, ==, "DEV TRK-1 IMSI 440100000000001 ICCID 8981100000000000010");
  g_assert_true (label_reprint (store, queue, tmpl, uri, "TRK-1", "smudged", NULL, NULL, &error));
  dir = g_dir_open (labels, 0, NULL);
  while (g_dir_read_name (dir) != NULL)
    files++;
  g_assert_cmpuint (files, ==, 2);
  rows = store_label_list (store, "TRK-1", &error);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpstr (((StoreLabel *)rows->pdata[1])->reprint_reason, ==, "label torn");
  g_assert_cmpstr (((StoreLabel *)rows->pdata[2])->reprint_reason, ==, "smudged");

  r = report_collect (store, "LOT-7", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->reprints, ==, 2);
  g_assert_cmpuint (((ReportRow *)r->rows->pdata[0])->label_prints, ==, 3);
  g_assert_cmpuint (((ReportRow *)r->rows->pdata[0])->label_reprints, ==, 2);
  g_assert_cmpuint (((ReportRow *)r->rows->pdata[1])->label_reprints, ==, 0);
  json = report_to_json (r);
  g_assert_nonnull (strstr (json, "\"reprints\" : 2"));
  g_assert_nonnull (strstr (json, "\"label_reprints\" : 2"));
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add ("/report/csv", Fixture, NULL, set_up, test_csv, tear_down);
  g_test_add ("/report/json", Fixture, NULL, set_up, test_json, tear_down);
  g_test_add ("/report/pdf", Fixture, NULL, set_up, test_pdf, tear_down);
  g_test_add ("/report/errors", Fixture, NULL, set_up, test_errors, tear_down);
  g_test_add ("/report/reprints", Fixture, NULL, set_up, test_reprints, tear_down);
  return g_test_run ();
}
