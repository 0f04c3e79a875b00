/* tests/test-cli-audit.c - station-cli as a process (issue 14): --operator
 * recorded with batch actions, audit verify against a store edited and
 * cut with SQLite directly (exit 1 naming the entry), the endpoint banner,
 * a batch refused against another endpoint (exit 2), and a technician
 * refused a supervisor's action (exit 1). */
#include <json-glib/json-glib.h>
#include <string.h>

#include "station/store/store-db.h"
#include "station/store/store.h"
#include "tests/common/test-common.h"

typedef struct {
  char *dir;
  char *db;
  char *exe;
  char *csv;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = tc_tmpdir ();
  f->db = g_build_filename (f->dir, "station.db", NULL);
  f->exe = tc_build_path ("station/station-cli");
  f->csv = tc_data_path ("store", "csv", "ok-basic.csv", NULL);
  g_unsetenv ("SORACOM_AUTH_KEY_ID");
  g_unsetenv ("SORACOM_AUTH_KEY");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  tc_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->exe);
  g_free (f->csv);
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

/* Batch import of B-1, B-2 or B-3, each from its own SIM list. */
static void
import (Fixture *f, const char *batch, const char *api_url)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *csv = tc_data_path ("store", "csv",
                                       g_str_equal (batch, "B-1")   ? "ok-basic.csv"
                                       : g_str_equal (batch, "B-2") ? "ok-imsi-only.csv"
                                                                    : "ok-spreadsheet.csv",
                                       NULL);

  g_assert_cmpint (cli (f, &out, &err, "--operator", "alice", "--api-url", api_url, "batch",
                        "import", "--batch", batch, "--csv", csv, NULL),
                   ==, 0);
}

static void
tamper (Fixture *f, const char *sql)
{
  g_autoptr (GError) error = NULL;
  StoreDb *raw = store_db_open (f->db, STORE_DB_READ_WRITE, 1000, &error);

  g_assert_no_error (error);
  g_assert_true (
      store_db_exec (raw, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete", &error));
  g_assert_true (store_db_exec (raw, sql, &error));
  g_assert_no_error (error);
  store_db_close (raw);
}

static void
test_operator_recorded_and_verify (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (Store) store = NULL;
  g_autoptr (StoreBatch) batch = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *o;

  import (f, "B-1", "http://127.0.0.1:9/v1");
  import (f, "B-2", "http://127.0.0.1:9/v1");
  import (f, "B-3", "http://127.0.0.1:9/v1");
  store = store_open (f->db, STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  batch = store_batch_get (store, "B-2", &error);
  g_assert_cmpstr (batch->operator_name, ==, "alice");
  g_assert_cmpstr (batch->api_url, ==, "http://127.0.0.1:9/v1");
  entries = store_audit_list (store, &error);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_cmpstr (((StoreAuditEntry *)entries->pdata[1])->operator_name, ==, "alice");
  g_assert_cmpstr (((StoreAuditEntry *)entries->pdata[1])->action, ==, "batch.import");
  g_clear_pointer (&store, store_close);

  g_assert_cmpint (cli (f, &out, &err, "audit", "verify", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (json_parser_load_from_data (p, out, -1, &error));
  o = json_node_get_object (json_parser_get_root (p));
  g_assert_cmpint (json_object_get_int_member (o, "entries"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (o, "last_id"), ==, 3);
  g_assert_cmpuint (strlen (json_object_get_string_member (o, "head")), ==, 64);
}

/* audit verify after a direct edit / delete: exit 1, nothing on stdout,
 * one error line naming the entry and what happened to it. */
static void
check_caught (Fixture *f, const char *sql, const char *entry, const char *what)
{
  g_autofree char *out = NULL, *err = NULL;

  import (f, "B-1", "http://127.0.0.1:9/v1");
  import (f, "B-2", "http://127.0.0.1:9/v1");
  import (f, "B-3", "http://127.0.0.1:9/v1");
  tamper (f, sql);
  g_assert_cmpint (cli (f, &out, &err, "audit", "verify", NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_prefix (err, "station-cli: audit: the audit trail is broken at "));
  g_assert_nonnull (strstr (err, entry));
  g_assert_nonnull (strstr (err, what));
  g_assert_cmpstr (strchr (err, '\n') + 1, ==, "");
}

static void
test_verify_edited (Fixture *f, gconstpointer data)
{
  check_caught (f, "UPDATE audit SET subject = 'B-X' WHERE id = 2", "entry 2:", "edited");
}

static void
test_verify_deleted (Fixture *f, gconstpointer data)
{
  check_caught (f, "DELETE FROM audit WHERE id = 2", "entry 3:", "deleted");
}

static void
test_verify_deleted_last (Fixture *f, gconstpointer data)
{
  check_caught (f, "DELETE FROM audit WHERE id = 3", "entry 3:", "deleted");
}

static void
test_verify_inserted (Fixture *f, gconstpointer data)
{
  check_caught (f,
                "INSERT INTO audit (id, at, action, details, prev_hash, hash) SELECT 4, at, "
                "action, details, prev_hash, 'x' || hash FROM audit WHERE id = 3",
                "entry 4:", "inserted");
}

/* The last entry deleted and the AUTOINCREMENT sequence turned back with
 * it (what someone who knows the store would do): the chain alone still
 * verifies, but a head kept from an earlier verify is missing (exit 1);
 * a malformed --head is a usage error. */
static void
test_verify_anchored_head (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL, *head = NULL, *second = NULL;
  g_autofree char *o2 = NULL, *e2 = NULL, *o3 = NULL, *e3 = NULL, *o4 = NULL, *e4 = NULL;
  g_autoptr (JsonParser) keep = NULL;

  import (f, "B-1", "http://127.0.0.1:9/v1");
  import (f, "B-2", "http://127.0.0.1:9/v1");
  g_assert_cmpint (cli (f, &out, &err, "audit", "verify", NULL), ==, 0);
  second = g_strdup (json_object_get_string_member (tc_json_object (out, &keep), "head"));
  import (f, "B-3", "http://127.0.0.1:9/v1");
  g_clear_object (&keep);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (f, &out, &err, "audit", "verify", NULL), ==, 0);
  head = g_strdup (json_object_get_string_member (tc_json_object (out, &keep), "head"));

  /* both heads are in the trail: ok */
  g_assert_cmpint (cli (f, &o2, &e2, "audit", "verify", "--head", second, NULL), ==, 0);
  tamper (f, "DELETE FROM audit WHERE id = 3; "
             "UPDATE sqlite_sequence SET seq = 2 WHERE name = 'audit'");
  /* the chain of the two entries left verifies by itself ... */
  g_assert_cmpint (cli (f, &o3, &e3, "audit", "verify", "--head", second, NULL), ==, 0);
  /* ... but the head kept after the third is gone */
  g_assert_cmpint (cli (f, &o4, &e4, "audit", "verify", "--head", head, NULL), ==, 1);
  g_assert_cmpstr (o4, ==, "");
  g_assert_nonnull (strstr (e4, "no longer holds the head"));
  g_clear_pointer (&o4, g_free);
  g_clear_pointer (&e4, g_free);
  g_assert_cmpint (cli (f, &o4, &e4, "audit", "verify", "--head", "abc", NULL), ==, 2);
  g_assert_nonnull (strstr (e4, "--head: expected the 64 hex digits"));
}

/* The banner names the endpoint; a batch imported against the sandbox is
 * refused against another endpoint before anything runs (exit 2). */
static void
test_endpoint_banner_and_refusal (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;

  g_assert_cmpint (
      cli (f, &out, &err, "--sandbox", "batch", "import", "--batch", "SB-1", "--csv", f->csv, NULL),
      ==, 0);
  g_assert_true (g_str_has_prefix (
      err, "station-cli: batch import: SANDBOX API https://api-sandbox.soracom.io/v1 "));
  g_assert_cmpint (cli (f, &out2, &err2, "provision", "--batch", "SB-1", "--fixture",
                        "sim:", "--api-url", "https://api.soracom.io/v1", NULL),
                   ==, 2);
  g_assert_cmpstr (out2, ==, "");
  g_assert_true (g_str_has_prefix (
      err2, "station-cli: provision: PRODUCTION API https://api.soracom.io/v1 (real SIMs"));
  g_assert_nonnull (strstr (err2, "station-cli: provision: batch SB-1 was imported against the "
                                  "SANDBOX API https://api-sandbox.soracom.io/v1"));
}

/* Roles: the first supervisor bootstraps the table; a technician is then
 * refused a supervisor's action with a clear message (exit 1). */
static void
test_technician_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *o1 = NULL, *e1 = NULL, *o2 = NULL, *e2 = NULL, *o3 = NULL, *e3 = NULL;
  g_autofree char *o4 = NULL, *e4 = NULL;

  g_assert_cmpint (cli (f, &o1, &e1, "operator", "add", "sue", "--role", "supervisor", NULL), ==,
                   0);
  g_assert_cmpint (cli (f, &o2, &e2, "--operator", "tom", "operator", "add", "ann", "--role",
                        "technician", NULL),
                   ==, 1);
  g_assert_nonnull (strstr (e2, "adding an operator needs a supervisor"));
  g_assert_cmpint (cli (f, &o3, &e3, "--operator", "sue", "operator", "add", "tom", "--role",
                        "technician", "--badge", "B-TOM", NULL),
                   ==, 0);
  import (f, "B-1", "http://127.0.0.1:9/v1");
  g_assert_cmpint (cli (f, &o4, &e4, "--operator", "tom", "--api-url", "http://127.0.0.1:9/v1",
                        "batch", "cloud-setup", "--batch", "B-1", NULL),
                   ==, 1);
  g_assert_cmpstr (o4, ==, "");
  g_assert_nonnull (strstr (e4, "station-cli: batch: batch cloud-setup (applies the recipe's "
                                "cloud settings) needs a supervisor; tom is a technician"));
}

#define ADD(name, fn)                                                                              \
  g_test_add ("/cli-audit/" name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  ADD ("operator-recorded-and-verify", test_operator_recorded_and_verify);
  ADD ("verify-edited", test_verify_edited);
  ADD ("verify-deleted", test_verify_deleted);
  ADD ("verify-deleted-last", test_verify_deleted_last);
  ADD ("verify-inserted", test_verify_inserted);
  ADD ("verify-anchored-head", test_verify_anchored_head);
  ADD ("endpoint-banner-and-refusal", test_endpoint_banner_and_refusal);
  ADD ("technician-refused", test_technician_refused);
  return g_test_run ();
}
