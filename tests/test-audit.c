/* tests/test-audit.c - the audit trail (store v3): entries chained by
 * SHA-256, append-only through the station, every batch action, unit end,
 * reprint and login recorded with its operator; store_audit_verify()
 * finding an entry edited, inserted or deleted directly with SQLite; the
 * migration from the frozen version-2 schema; operators' roles and PINs;
 * a batch's API endpoint. */
#include <string.h>

#include "station/station-error.h"
#include "station/store/store-db.h"
#include "station/store/store.h"
#include "tests/common/test-common.h"

typedef struct {
  char *dir;
  char *path;
  Store *store;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = tc_tmpdir ();
  f->path = g_build_filename (f->dir, "station.db", NULL);
  f->store = store_open (f->path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  store_set_actor (f->store, "alice", "ST-1");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  store_close (f->store);
  tc_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* Five entries a-e appended by the station. */
static void
append_five (Fixture *f)
{
  static const char *const subjects[] = { "a", "b", "c", "d", "e" };
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (subjects); i++) {
    g_autofree char *details = store_audit_details ("n", subjects[i], NULL);

    g_assert_true (store_audit_append (f->store, "test.step", subjects[i], details, &error));
    g_assert_no_error (error);
  }
}

/* A raw connection that has dropped the append-only triggers: what
 * someone editing the file with sqlite3 can do. */
static StoreDb *
tamper_open (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  StoreDb *raw = store_db_open (f->path, STORE_DB_READ_WRITE, 1000, &error);

  g_assert_no_error (error);
  g_assert_true (
      store_db_exec (raw, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;", &error));
  g_assert_no_error (error);
  return raw;
}

static void
tamper (Fixture *f, const char *sql)
{
  g_autoptr (GError) error = NULL;
  StoreDb *raw = tamper_open (f);

  g_assert_true (store_db_exec (raw, sql, &error));
  g_assert_no_error (error);
  store_db_close (raw);
}

/* Verify fails at @bad_id with a message containing @word. */
static void
assert_broken (Fixture *f, gint64 bad_id, const char *word)
{
  g_autoptr (GError) error = NULL;
  StoreAuditSummary sum = { 0 };
  g_autofree char *at = g_strdup_printf ("entry %" G_GINT64_FORMAT ":", bad_id);

  g_assert_false (store_audit_verify (f->store, &sum, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_TAMPERED);
  g_assert_cmpint (sum.bad_id, ==, bad_id);
  g_assert_nonnull (strstr (error->message, at));
  g_assert_nonnull (strstr (error->message, word));
  g_assert_cmpint (station_exit_code_for_error (error), ==, STATION_EXIT_CHECK);
  store_audit_summary_clear (&sum);
}

static void
test_chain_verifies (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  StoreAuditSummary sum = { 0 };

  g_assert_true (store_audit_verify (f->store, &sum, &error));
  g_assert_cmpuint (sum.entries, ==, 0);
  g_assert_cmpstr (sum.last_hash, ==, STORE_AUDIT_GENESIS);
  store_audit_summary_clear (&sum);

  append_five (f);
  list = store_audit_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 5);
  for (guint i = 0; i < list->len; i++) {
    StoreAuditEntry *e = g_ptr_array_index (list, i);
    g_autofree char *want = NULL;

    g_assert_cmpint (e->id, ==, i + 1);
    g_assert_cmpstr (e->operator_name, ==, "alice");
    g_assert_cmpstr (e->station, ==, "ST-1");
    want = store_audit_entry_hash (
        e,
        i == 0 ? STORE_AUDIT_GENESIS : ((StoreAuditEntry *)g_ptr_array_index (list, i - 1))->hash);
    g_assert_cmpstr (e->hash, ==, want);
    g_assert_cmpuint (strlen (e->hash), ==, 64);
  }
  g_assert_cmpstr (((StoreAuditEntry *)list->pdata[1])->details, ==, "{\"n\":\"b\"}");
  g_assert_true (store_audit_verify (f->store, &sum, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sum.entries, ==, 5);
  g_assert_cmpint (sum.first_id, ==, 1);
  g_assert_cmpint (sum.last_id, ==, 5);
  g_assert_cmpstr (sum.last_hash, ==, ((StoreAuditEntry *)list->pdata[4])->hash);
  store_audit_summary_clear (&sum);
}

/* UPDATE and DELETE through the station's own connection are refused by
 * the triggers, and the chain is unchanged. */
static void
test_append_only (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  StoreDb *db = store_get_db (f->store, &error);
  StoreAuditSummary sum = { 0 };

  append_five (f);
  g_assert_false (store_db_exec (db, "UPDATE audit SET subject = 'x' WHERE id = 2", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "append-only"));
  g_clear_error (&error);
  g_assert_false (store_db_exec (db, "DELETE FROM audit WHERE id = 5", &error));
  g_assert_nonnull (strstr (error->message, "append-only"));
  g_clear_error (&error);
  g_assert_true (store_audit_verify (f->store, &sum, &error));
  g_assert_cmpuint (sum.entries, ==, 5);
  store_audit_summary_clear (&sum);
}

static void
test_edited (Fixture *f, gconstpointer data)
{
  append_five (f);
  tamper (f, "UPDATE audit SET details = '{\"n\":\"changed\"}' WHERE id = 3");
  assert_broken (f, 3, "edited");
}

static void
test_edited_operator (Fixture *f, gconstpointer data)
{
  append_five (f);
  tamper (f, "UPDATE audit SET operator = 'mallory' WHERE id = 2");
  assert_broken (f, 2, "edited");
}

static void
test_deleted_middle (Fixture *f, gconstpointer data)
{
  append_five (f);
  tamper (f, "DELETE FROM audit WHERE id = 2");
  assert_broken (f, 3, "deleted");
}

static void
test_deleted_first (Fixture *f, gconstpointer data)
{
  append_five (f);
  tamper (f, "DELETE FROM audit WHERE id = 1");
  assert_broken (f, 2, "deleted");
}

static void
test_deleted_tail (Fixture *f, gconstpointer data)
{
  append_five (f);
  tamper (f, "DELETE FROM audit WHERE id >= 4");
  assert_broken (f, 4, "deleted");
}

/* An entry forged with a correct hash of its own content but chained to
 * an earlier entry (an insertion after entry 2, appended at the end). */
static void
test_inserted (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  StoreAuditEntry forged = { 0 };
  g_autofree char *hash = NULL, *sql = NULL;
  StoreDb *raw;

  append_five (f);
  list = store_audit_list (f->store, &error);
  g_assert_no_error (error);
  forged.id = 6;
  forged.at = 1;
  forged.operator_name = "alice";
  forged.station = "ST-1";
  forged.action = "test.step";
  forged.subject = "forged";
  forged.details = "{}";
  hash = store_audit_entry_hash (&forged, ((StoreAuditEntry *)list->pdata[1])->hash);
  sql = g_strdup_printf ("INSERT INTO audit (id, at, operator, station, action, subject, details, "
                         "prev_hash, hash) VALUES (6, 1, 'alice', 'ST-1', 'test.step', 'forged', "
                         "'{}', '%s', '%s')",
                         ((StoreAuditEntry *)list->pdata[1])->hash, hash);
  raw = tamper_open (f);
  g_assert_true (store_db_exec (raw, sql, &error));
  g_assert_no_error (error);
  store_db_close (raw);
  assert_broken (f, 6, "inserted");
}

/* An inserted row whose hash was not computed (copied from another row). */
static void
test_inserted_bad_hash (Fixture *f, gconstpointer data)
{
  append_five (f);
  tamper (f, "INSERT INTO audit (id, at, action, details, prev_hash, hash) SELECT 6, at, action, "
             "details, hash, 'x' || substr (hash, 2) FROM audit WHERE id = 5");
  assert_broken (f, 6, "inserted");
}

/* Batch import, unit end, reprint and login each append their entry with
 * the store's actor; the unit records its operator. */
static void
test_actions_recorded (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreBatch) batch = store_batch_new ("B-1", "csv");
  g_autoptr (GPtrArray) sims = g_ptr_array_new_with_free_func ((GDestroyNotify)store_sim_free);
  g_autoptr (StoreUnit) unit = NULL, got = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *who = NULL;
  StoreLabel label = { 0 };
  StoreAuditSummary sum = { 0 };
  static const char *const actions[]
      = { "operator.add", "batch.import", "unit.end", "label.reprint", "operator.login" };

  g_assert_true (store_operator_add (f->store, "alice", NULL, STORE_ROLE_SUPERVISOR, "BADGE-A",
                                     "1234", &error));
  g_assert_no_error (error);
  g_ptr_array_add (sims, store_sim_new ("440100000000001", NULL, NULL, NULL));
  batch->api_url = g_strdup ("https://api.soracom.io/v1");
  g_assert_true (store_batch_import (f->store, batch, sims, &error));
  g_assert_no_error (error);
  unit = store_unit_create (f->store, "dev-1", "B-1", "ST-1", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (unit->operator_name, ==, "alice");
  g_assert_true (
      store_unit_finish (f->store, "DEV-1", STORE_UNIT_FAILED, "selftest", "ST-1", &error));
  g_assert_no_error (error);
  label.device_id = "DEV-1";
  label.payload = "DEV DEV-1 IMSI 440100000000001";
  g_assert_true (store_label_add (f->store, &label, &error)); /* first print: not audited */
  label.reprint_reason = "torn";
  g_assert_true (store_label_add (f->store, &label, &error));
  g_assert_no_error (error);
  store_set_actor (f->store, NULL, "ST-1");
  g_assert_true (store_operator_login (f->store, "BADGE-A", "1234", &who, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (who, ==, "alice");

  list = store_audit_list (f->store, &error);
  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (actions));
  for (guint i = 0; i < list->len; i++) {
    StoreAuditEntry *e = g_ptr_array_index (list, i);

    g_assert_cmpstr (e->action, ==, actions[i]);
    g_assert_cmpstr (e->operator_name, ==, "alice");
  }
  g_assert_cmpstr (((StoreAuditEntry *)list->pdata[1])->subject, ==, "B-1");
  g_assert_nonnull (strstr (((StoreAuditEntry *)list->pdata[1])->details, "api.soracom.io"));
  g_assert_cmpstr (((StoreAuditEntry *)list->pdata[2])->subject, ==, "DEV-1");
  g_assert_cmpstr (((StoreAuditEntry *)list->pdata[2])->details, ==,
                   "{\"result\":\"failed\",\"failure_code\":\"selftest\"}");
  g_assert_cmpstr (((StoreAuditEntry *)list->pdata[3])->details, ==,
                   "{\"reason\":\"torn\",\"printer\":null}");
  got = store_unit_get (f->store, "DEV-1", &error);
  g_assert_cmpstr (got->operator_name, ==, "alice");
  g_assert_true (store_audit_verify (f->store, &sum, &error));
  g_assert_cmpuint (sum.entries, ==, G_N_ELEMENTS (actions));
  store_audit_summary_clear (&sum);
}

/* A failed write leaves no audit entry either: the entry commits with
 * the change it records (a batch whose SIM conflicts). */
static void
test_entry_rolls_back (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreBatch) a = store_batch_new ("B-1", "csv"), b = store_batch_new ("B-2", "csv");
  g_autoptr (GPtrArray) sims = g_ptr_array_new_with_free_func ((GDestroyNotify)store_sim_free);
  g_autoptr (GPtrArray) list = NULL;

  g_ptr_array_add (sims, store_sim_new ("440100000000001", NULL, NULL, NULL));
  g_assert_true (store_batch_import (f->store, a, sims, &error));
  g_assert_false (store_batch_import (f->store, b, sims, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_CONFLICT);
  list = store_audit_list (f->store, NULL);
  g_assert_cmpuint (list->len, ==, 1);
}

static void
test_roles_and_pins (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *who = NULL, *dump = NULL;
  g_autoptr (GPtrArray) list = NULL;
  StoreDb *db = store_get_db (f->store, NULL);
  StoreStmt *st;
  StoreRole role;

  /* no supervisor yet: no roles in force, and the first must be one */
  g_assert_true (store_operator_require (f->store, NULL, STORE_ROLE_SUPERVISOR, "scrap", &error));
  g_assert_false (
      store_operator_add (f->store, "tom", NULL, STORE_ROLE_TECHNICIAN, "BADGE-T", "4321", &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_DENIED);
  g_clear_error (&error);
  g_assert_true (
      store_operator_add (f->store, "sue", NULL, STORE_ROLE_SUPERVISOR, "BADGE-S", "9876", &error));
  g_assert_no_error (error);

  /* a technician may not add operators nor do supervisor actions */
  store_set_actor (f->store, "sue", "ST-1");
  g_assert_true (
      store_operator_add (f->store, "tom", NULL, STORE_ROLE_TECHNICIAN, "BADGE-T", "4321", &error));
  store_set_actor (f->store, "tom", "ST-1");
  g_assert_false (
      store_operator_add (f->store, "eve", NULL, STORE_ROLE_SUPERVISOR, NULL, NULL, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_DENIED);
  g_assert_nonnull (strstr (error->message, "tom is a technician"));
  g_clear_error (&error);
  g_assert_false (
      store_operator_require (f->store, "tom", STORE_ROLE_SUPERVISOR, "changing a recipe", &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_DENIED);
  g_assert_nonnull (strstr (error->message, "changing a recipe needs a supervisor"));
  g_clear_error (&error);
  g_assert_false (store_operator_require (f->store, NULL, STORE_ROLE_SUPERVISOR, "scrap", &error));
  g_assert_nonnull (strstr (error->message, "--operator"));
  g_clear_error (&error);
  g_assert_true (store_operator_require (f->store, "sue", STORE_ROLE_SUPERVISOR, "scrap", &error));
  g_assert_true (store_operator_require (f->store, "tom", STORE_ROLE_TECHNICIAN, "run", &error));
  g_assert_true (store_operator_get_role (f->store, "tom", &role, &error));
  g_assert_cmpint (role, ==, STORE_ROLE_TECHNICIAN);

  /* a badge is one operator's; a PIN is digits */
  store_set_actor (f->store, "sue", "ST-1");
  g_assert_false (
      store_operator_add (f->store, "ann", NULL, STORE_ROLE_TECHNICIAN, "BADGE-T", NULL, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_false (
      store_operator_add (f->store, "ann", NULL, STORE_ROLE_TECHNICIAN, NULL, "12a4", &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* login: right PIN, wrong PIN, unknown badge (the same message) */
  g_assert_false (store_operator_login (f->store, "BADGE-T", "0000", &who, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_DENIED);
  g_assert_null (who);
  g_clear_error (&error);
  g_assert_false (store_operator_login (f->store, "NO-SUCH", "4321", &who, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_DENIED);
  g_clear_error (&error);
  g_assert_true (store_operator_login (f->store, "BADGE-T", "4321", &who, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (who, ==, "tom");
  list = store_audit_list (f->store, NULL);
  g_assert_cmpstr (((StoreAuditEntry *)list->pdata[list->len - 1])->operator_name, ==, "tom");
  g_assert_cmpstr (((StoreAuditEntry *)list->pdata[list->len - 2])->details, ==,
                   "{\"result\":\"refused\",\"badge\":\"NO-SUCH\"}");

  /* the PIN is nowhere in the file's operators table: salted hashes only */
  st = store_db_prepare (db, "SELECT group_concat (pin_salt || pin_hash, ',') FROM operators",
                         &error);
  g_assert_cmpint (store_stmt_step (st, &error), ==, STORE_STEP_ROW);
  dump = store_stmt_dup_text (st, 0);
  store_stmt_reset (st);
  /* every row: hex salt + hex hash of full length (a PIN kept as it was
   * typed would be 4 digits); not a substring search, which random hex
   * digits can match by chance */
  {
    g_auto (GStrv) rows = g_strsplit (dump, ",", -1);
    g_assert_cmpuint (g_strv_length (rows), >=, 2);
    for (guint i = 0; rows[i] != NULL; i++) {
      g_assert_cmpuint (strlen (rows[i]), >=, 32 + 64); /* salt, SHA-256 */
      for (const char *c = rows[i]; *c != '\0'; c++)
        g_assert_true (g_ascii_isxdigit (*c));
      g_assert_cmpstr (rows[i] + strlen (rows[i]) - 4, !=, "4321");
    }
  }
}

/* A batch records the endpoint it was imported against; another endpoint
 * is refused (a usage error, exit 2) and a batch without one is not. */
static void
test_batch_endpoint (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreBatch) a = store_batch_new ("B-1", "csv"), b = store_batch_new ("B-2", "csv");
  g_autoptr (StoreBatch) got = NULL;

  a->api_url = g_strdup ("https://api-sandbox.soracom.io/v1");
  g_assert_true (store_batch_import (f->store, a, NULL, &error));
  g_assert_true (store_batch_import (f->store, b, NULL, &error));
  got = store_batch_get (f->store, "B-1", &error);
  g_assert_cmpstr (got->api_url, ==, "https://api-sandbox.soracom.io/v1");
  g_assert_true (
      store_batch_check_api_url (f->store, "B-1", "https://api-sandbox.soracom.io/v1/", &error));
  g_assert_false (store_batch_check_api_url (f->store, "B-1", "https://api.soracom.io/v1", &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID);
  g_assert_cmpint (station_exit_code_for_error (error), ==, STATION_EXIT_USAGE);
  g_assert_nonnull (strstr (error->message, "SANDBOX"));
  g_assert_nonnull (strstr (error->message, "PRODUCTION"));
  g_clear_error (&error);
  g_assert_true (store_batch_check_api_url (f->store, "B-2", "https://api.soracom.io/v1", &error));
  g_assert_false (store_batch_check_api_url (f->store, "B-9", "https://api.soracom.io/v1", &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);

  g_assert_cmpstr (store_api_url_kind ("https://api.soracom.io/v1"), ==, "PRODUCTION");
  g_assert_cmpstr (store_api_url_kind ("https://g.api.soracom.io/v1"), ==, "PRODUCTION");
  g_assert_cmpstr (store_api_url_kind ("https://api-sandbox.soracom.io/v1"), ==, "SANDBOX");
  g_assert_cmpstr (store_api_url_kind ("http://127.0.0.1:8080/v1/sandbox"), ==, "SANDBOX");
  g_assert_cmpstr (store_api_url_kind ("http://127.0.0.1:8080/v1"), ==, "TEST");
  g_assert_cmpstr (store_api_url_kind ("https://api.soracom.io.evil.example/v1"), ==, "TEST");
}

/* A version-2 store from the frozen schema migrates to the current
 * version with its data, the same schema as a fresh store, and a working
 * audit trail. */
static void
test_migrate_from_v2 (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autofree char *fresh_path = g_build_filename (dir, "fresh.db", NULL);
  g_autofree char *sql_path = tc_data_path ("store", "schema-v2.sql", NULL);
  g_autofree char *sql = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = NULL, fresh = NULL;
  g_autoptr (StoreBatch) batch = NULL;
  StoreAuditSummary sum = { 0 };
  StoreDb *raw;
  gint64 n = 0;

  g_assert_true (g_file_get_contents (sql_path, &sql, NULL, &error));
  raw = store_db_open (path, STORE_DB_READ_WRITE, 1000, &error);
  g_assert_no_error (error);
  g_assert_true (store_db_exec (raw, sql, &error));
  g_assert_true (store_db_exec (raw,
                                "INSERT INTO batches (id, created_at, source, group_id) VALUES "
                                "('OLD-2', 1700000000000, 'csv', 'g-1');"
                                "INSERT INTO operators (name, created_at, last_seen_at) VALUES "
                                "('bob', 1, 1);"
                                "PRAGMA user_version = 2",
                                &error));
  g_assert_no_error (error);
  store_db_close (raw);

  store = store_open (path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (store_db_get_int (store_get_db (store, NULL), "PRAGMA user_version", &n, NULL));
  g_assert_cmpint (n, ==, STORE_SCHEMA_VERSION);
  batch = store_batch_get (store, "OLD-2", &error);
  g_assert_no_error (error);
  g_assert_null (batch->api_url);
  g_assert_true (store_db_get_int (store_get_db (store, NULL),
                                   "SELECT count(*) FROM operators WHERE name = 'bob' AND role = "
                                   "'technician'",
                                   &n, NULL));
  g_assert_cmpint (n, ==, 1);
  g_assert_true (store_audit_append (store, "test.step", NULL, NULL, &error));
  g_assert_true (store_audit_verify (store, &sum, &error));
  g_assert_cmpuint (sum.entries, ==, 1);
  store_audit_summary_clear (&sum);

  fresh = store_open (fresh_path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  {
    const char *q = "SELECT group_concat (type || ' ' || name || ': ' || coalesce (sql, ''), "
                    "char (10)) FROM (SELECT * FROM sqlite_master ORDER BY type, name)";
    StoreStmt *a = store_db_prepare (store_get_db (store, NULL), q, &error);
    g_autofree char *ta = NULL, *tb = NULL;
    StoreStmt *b;

    g_assert_cmpint (store_stmt_step (a, &error), ==, STORE_STEP_ROW);
    ta = store_stmt_dup_text (a, 0);
    store_stmt_reset (a);
    b = store_db_prepare (store_get_db (fresh, NULL), q, &error);
    g_assert_cmpint (store_stmt_step (b, &error), ==, STORE_STEP_ROW);
    tb = store_stmt_dup_text (b, 0);
    store_stmt_reset (b);
    g_assert_cmpstr (ta, ==, tb);
    g_assert_nonnull (strstr (ta, "audit_no_delete"));
  }
  tc_rm_rf (dir);
}

#define ADD(name, fn)                                                                              \
  g_test_add ("/audit/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  ADD ("chain-verifies", test_chain_verifies);
  ADD ("append-only", test_append_only);
  ADD ("edited", test_edited);
  ADD ("edited-operator", test_edited_operator);
  ADD ("deleted-middle", test_deleted_middle);
  ADD ("deleted-first", test_deleted_first);
  ADD ("deleted-tail", test_deleted_tail);
  ADD ("inserted", test_inserted);
  ADD ("inserted-bad-hash", test_inserted_bad_hash);
  ADD ("actions-recorded", test_actions_recorded);
  ADD ("entry-rolls-back", test_entry_rolls_back);
  ADD ("roles-and-pins", test_roles_and_pins);
  ADD ("batch-endpoint", test_batch_endpoint);
  g_test_add_func ("/audit/migrate-from-v2", test_migrate_from_v2);
  return g_test_run ();
}
