/* tests/test-store-scrap.c - scrapping a unit (store v4): who, when and
 * why recorded with a "unit.scrap" audit entry in the same transaction;
 * refused twice (naming when and by whom), while running, without a
 * reason, for a technician once roles are in force; counted apart from
 * the states; and the migration from the frozen version-3 schema. */
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
  g_autofree char *csv = tc_data_path ("store", "csv", "ok-basic.csv", NULL);
  g_autoptr (GPtrArray) sims = store_sim_csv_load (csv, &error);
  g_autoptr (StoreBatch) batch = store_batch_new ("B1", "csv");

  g_assert_no_error (error);
  f->dir = tc_tmpdir ();
  f->path = g_build_filename (f->dir, "station.db", NULL);
  f->store = store_open (f->path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  store_set_actor (f->store, "sue", "ST-1");
  g_assert_true (store_batch_import (f->store, batch, sims, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  store_close (f->store);
  tc_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* Unit @id of batch B1 in @state (finished as the engine finishes it,
 * running ones left in slot 2 when @in_slot). */
static void
add_unit (Fixture *f, const char *id, StoreUnitState state, gboolean in_slot)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreUnit) u = store_unit_create (f->store, id, "B1", "ST-1", 2, NULL, &error);

  g_assert_no_error (error);
  if (state == STORE_UNIT_RUNNING) {
    g_assert_true (store_unit_set_state (f->store, id, state, NULL, &error));
    if (!in_slot)
      g_assert_true (store_unit_set_slot (f->store, id, NULL, -1, &error));
  } else if (state != STORE_UNIT_NEW) {
    g_assert_true (store_unit_finish (f->store, id, state,
                                      state == STORE_UNIT_PASSED ? NULL : "selftest-failed", "ST-1",
                                      &error));
  }
  g_assert_no_error (error);
}

static guint
audit_count (Fixture *f, const char *action)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = store_audit_list (f->store, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    n += g_strcmp0 (((StoreAuditEntry *)list->pdata[i])->action, action) == 0;
  return n;
}

/* A passed unit scrapped: who, when, why; its state and failure code kept;
 * counted as scrapped, not passed; the audit entry in the chain. */
static void
test_scrap (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreUnit) u = NULL, again = NULL;
  g_autoptr (GPtrArray) list = NULL;
  StoreAuditEntry *last;
  StoreAuditSummary sum = { 0 };
  StoreBatchCounts c;
  gint64 before = store_now_ms ();

  add_unit (f, "TRK-1", STORE_UNIT_PASSED, FALSE);
  add_unit (f, "TRK-2", STORE_UNIT_FAILED, FALSE);
  add_unit (f, "TRK-3", STORE_UNIT_PASSED, FALSE);
  u = store_unit_scrap (f->store, "trk-1", "  cracked case  ", &error);
  g_assert_no_error (error);
  g_assert_nonnull (u);
  g_assert_cmpstr (u->device_id, ==, "TRK-1");
  g_assert_cmpint (u->scrapped_at, >=, before);
  g_assert_cmpint (u->scrapped_at, <=, store_now_ms ());
  g_assert_cmpstr (u->scrapped_by, ==, "sue");
  g_assert_cmpstr (u->scrap_reason, ==, "cracked case");
  g_assert_cmpint (u->state, ==, STORE_UNIT_PASSED);
  g_assert_null (u->failure_code);

  /* as read again, and the others untouched */
  again = store_unit_get (f->store, "TRK-3", &error);
  g_assert_cmpint (again->scrapped_at, ==, 0);
  g_assert_null (again->scrapped_by);
  g_assert_null (again->scrap_reason);
  g_clear_pointer (&again, store_unit_free);
  again = store_unit_scrap (f->store, "TRK-2", "failed self-test twice", &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->state, ==, STORE_UNIT_FAILED);
  g_assert_cmpstr (again->failure_code, ==, "selftest-failed");

  /* each unit once: the scrapped ones apart from passed and failed */
  g_assert_true (store_batch_count (f->store, "B1", &c, &error));
  g_assert_cmpuint (c.units, ==, 3);
  g_assert_cmpuint (c.passed, ==, 1);
  g_assert_cmpuint (c.failed, ==, 0);
  g_assert_cmpuint (c.scrapped, ==, 2);

  list = store_audit_list (f->store, &error);
  g_assert_no_error (error);
  last = list->pdata[list->len - 1];
  g_assert_cmpstr (last->action, ==, "unit.scrap");
  g_assert_cmpstr (last->subject, ==, "TRK-2");
  g_assert_cmpstr (last->operator_name, ==, "sue");
  g_assert_cmpstr (last->station, ==, "ST-1");
  g_assert_nonnull (strstr (last->details, "\"reason\":\"failed self-test twice\""));
  g_assert_nonnull (strstr (last->details, "\"state\":\"failed\""));
  g_assert_cmpuint (audit_count (f, "unit.scrap"), ==, 2);
  g_assert_true (store_audit_verify (f->store, &sum, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sum.entries, ==, list->len);
  store_audit_summary_clear (&sum);
}

/* A second scrap is refused naming when and by whom; the first stays. */
static void
test_twice_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreUnit) u = NULL, again = NULL, now = NULL;

  add_unit (f, "TRK-1", STORE_UNIT_PASSED, FALSE);
  u = store_unit_scrap (f->store, "TRK-1", "cracked case", &error);
  g_assert_no_error (error);
  store_set_actor (f->store, "ann", "ST-2");
  again = store_unit_scrap (f->store, "TRK-1", "bent antenna", &error);
  g_assert_null (again);
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_CONFLICT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "TRK-1 was already scrapped on "));
  g_assert_nonnull (strstr (error->message, "by sue (reason: cracked case)"));
  g_assert_cmpint (station_exit_code_for_error (error), ==, STATION_EXIT_CHECK);
  g_clear_error (&error);

  now = store_unit_get (f->store, "TRK-1", &error);
  g_assert_cmpint (now->scrapped_at, ==, u->scrapped_at);
  g_assert_cmpstr (now->scrapped_by, ==, "sue");
  g_assert_cmpstr (now->scrap_reason, ==, "cracked case");
  g_assert_cmpuint (audit_count (f, "unit.scrap"), ==, 1);
}

/* A running unit (in a slot, or interrupted) is refused; nothing written. */
static void
test_running_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreUnit) u = NULL, now = NULL;

  add_unit (f, "RUN-1", STORE_UNIT_RUNNING, TRUE);
  add_unit (f, "RUN-2", STORE_UNIT_RUNNING, FALSE);
  u = store_unit_scrap (f->store, "RUN-1", "dropped", &error);
  g_assert_null (u);
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "RUN-1 is running in slot 2 of station ST-1"));
  g_clear_error (&error);
  u = store_unit_scrap (f->store, "RUN-2", "dropped", &error);
  g_assert_null (u);
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "provision --resume"));
  g_clear_error (&error);

  now = store_unit_get (f->store, "RUN-1", &error);
  g_assert_cmpint (now->scrapped_at, ==, 0);
  g_assert_cmpint (now->state, ==, STORE_UNIT_RUNNING);
  g_assert_cmpuint (audit_count (f, "unit.scrap"), ==, 0);

  /* a unit only scanned (state new) is not running: it can be scrapped */
  add_unit (f, "NEW-1", STORE_UNIT_NEW, FALSE);
  g_clear_pointer (&u, store_unit_free);
  u = store_unit_scrap (f->store, "NEW-1", "arrived broken", &error);
  g_assert_no_error (error);
  g_assert_cmpint (u->state, ==, STORE_UNIT_NEW);
}

/* Reasons and device IDs the store refuses, and a unit it does not know. */
static void
test_bad_input (Fixture *f, gconstpointer data)
{
  g_autofree char *long_reason = g_strnfill (501, 'x');
  g_autofree char *max_reason = g_strnfill (500, 'y');
  const char *bad[] = { NULL, "", "   ", "two\nlines", "tab\there", long_reason };
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreUnit) u = NULL;

  add_unit (f, "TRK-1", STORE_UNIT_PASSED, FALSE);
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_assert_null (store_unit_scrap (f->store, "TRK-1", bad[i], &error));
    g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID);
    g_assert_cmpint (station_exit_code_for_error (error), ==, STATION_EXIT_USAGE);
    g_test_message ("reason %zu: %s", i, error->message);
    g_clear_error (&error);
  }
  g_assert_null (store_unit_scrap (f->store, "TRK-404", "lost", &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (store_unit_scrap (f->store, "TRK_1", "lost", &error));
  g_assert_nonnull (strstr (error->message, "'_'"));
  g_assert_cmpint (station_exit_code_for_error (error), ==, STATION_EXIT_USAGE);
  g_clear_error (&error);
  g_assert_cmpuint (audit_count (f, "unit.scrap"), ==, 0);

  /* the longest reason allowed goes through */
  u = store_unit_scrap (f->store, "TRK-1", max_reason, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (u->scrap_reason, ==, max_reason);
}

/* Once the store has a supervisor, only a supervisor scraps. */
static void
test_roles (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreUnit) u = NULL;

  add_unit (f, "TRK-1", STORE_UNIT_PASSED, FALSE);
  g_assert_true (
      store_operator_add (f->store, "sue", NULL, STORE_ROLE_SUPERVISOR, NULL, NULL, &error));
  g_assert_true (
      store_operator_add (f->store, "tom", NULL, STORE_ROLE_TECHNICIAN, NULL, NULL, &error));
  g_assert_no_error (error);

  store_set_actor (f->store, "tom", "ST-1");
  g_assert_null (store_unit_scrap (f->store, "TRK-1", "cracked case", &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_DENIED);
  g_assert_nonnull (strstr (error->message, "scrapping a unit needs a supervisor; tom is a "
                                            "technician"));
  g_clear_error (&error);
  store_set_actor (f->store, NULL, "ST-1");
  g_assert_null (store_unit_scrap (f->store, "TRK-1", "cracked case", &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_DENIED);
  g_clear_error (&error);
  g_assert_cmpuint (audit_count (f, "unit.scrap"), ==, 0);

  store_set_actor (f->store, "sue", "ST-1");
  u = store_unit_scrap (f->store, "TRK-1", "cracked case", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (u->scrapped_by, ==, "sue");
}

/* The schema as text (every object and its SQL, sorted). */
static char *
schema_text (Store *store)
{
  g_autoptr (GError) error = NULL;
  const char *q = "SELECT group_concat (type || ' ' || name || ': ' || coalesce (sql, ''), "
                  "char (10)) FROM (SELECT * FROM sqlite_master ORDER BY type, name)";
  StoreStmt *st = store_db_prepare (store_get_db (store, NULL), q, &error);
  char *text;

  g_assert_no_error (error);
  g_assert_cmpint (store_stmt_step (st, &error), ==, STORE_STEP_ROW);
  text = store_stmt_dup_text (st, 0);
  store_stmt_reset (st);
  return text;
}

/* A version-3 store from the frozen schema, with a batch, a passed unit,
 * an operator and an audit entry, migrates to version 4 with its data and
 * chain intact, the same schema as a fresh store; its unit can then be
 * scrapped. */
static void
test_migrate_from_v3 (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autofree char *fresh_path = g_build_filename (dir, "fresh.db", NULL);
  g_autofree char *sql_path = tc_data_path ("store", "schema-v3.sql", NULL);
  g_autofree char *sql = NULL, *old_schema = NULL, *new_schema = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = NULL, fresh = NULL;
  g_autoptr (StoreUnit) u = NULL, scrapped = NULL;
  StoreAuditSummary sum = { 0 };
  StoreDb *raw;
  gint64 n = 0;

  g_assert_true (g_file_get_contents (sql_path, &sql, NULL, &error));
  raw = store_db_open (path, STORE_DB_READ_WRITE, 1000, &error);
  g_assert_no_error (error);
  g_assert_true (store_db_exec (raw, sql, &error));
  g_assert_true (
      store_db_exec (raw,
                     "INSERT INTO batches (id, created_at, source, api_url) VALUES "
                     "('OLD-3', 1700000000000, 'csv', 'https://api.soracom.io/v1');"
                     "INSERT INTO operators (name, created_at, last_seen_at, role) VALUES "
                     "('bob', 1, 1, 'supervisor');"
                     "INSERT INTO units (device_id, batch_id, imsi, state, created_at, "
                     "updated_at, operator) VALUES ('OLD-U1', 'OLD-3', '440100000000001', "
                     "'passed', 1700000000001, 1700000000002, 'bob');"
                     "PRAGMA user_version = 3",
                     &error));
  g_assert_no_error (error);
  /* the v3 chain's first entry, hashed as the station hashes it */
  {
    StoreAuditEntry e = { .id = 1,
                          .at = 1700000000003,
                          .operator_name = "bob",
                          .station = "ST-1",
                          .action = "batch.import",
                          .subject = "OLD-3",
                          .details = "{}" };
    g_autofree char *hash = store_audit_entry_hash (&e, STORE_AUDIT_GENESIS);
    g_autofree char *insert
        = g_strdup_printf ("INSERT INTO audit (id, at, operator, station, action, subject, "
                           "details, prev_hash, hash) VALUES (1, 1700000000003, 'bob', 'ST-1', "
                           "'batch.import', 'OLD-3', '{}', '%s', '%s')",
                           STORE_AUDIT_GENESIS, hash);

    g_assert_true (store_db_exec (raw, insert, &error));
    g_assert_no_error (error);
  }
  store_db_close (raw);

  store = store_open (path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (store_db_get_int (store_get_db (store, NULL), "PRAGMA user_version", &n, NULL));
  g_assert_cmpint (n, ==, STORE_SCHEMA_VERSION);
  g_assert_cmpint (STORE_SCHEMA_VERSION, ==, 4);

  u = store_unit_get (store, "OLD-U1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (u->batch_id, ==, "OLD-3");
  g_assert_cmpstr (u->imsi, ==, "440100000000001");
  g_assert_cmpint (u->state, ==, STORE_UNIT_PASSED);
  g_assert_cmpint (u->created_at, ==, 1700000000001);
  g_assert_cmpstr (u->operator_name, ==, "bob");
  g_assert_cmpint (u->scrapped_at, ==, 0);
  g_assert_null (u->scrapped_by);

  fresh = store_open (fresh_path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  old_schema = schema_text (store);
  new_schema = schema_text (fresh);
  g_assert_cmpstr (old_schema, ==, new_schema);
  g_assert_nonnull (strstr (old_schema, "scrap_reason"));

  store_set_actor (store, "bob", "ST-9");
  scrapped = store_unit_scrap (store, "OLD-U1", "water damage", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scrapped->scrapped_by, ==, "bob");
  g_assert_true (store_audit_verify (store, &sum, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sum.entries, ==, 2);
  g_assert_cmpint (sum.first_id, ==, 1);
  store_audit_summary_clear (&sum);
  tc_rm_rf (dir);
}

#define ADD(name, fn)                                                                              \
  g_test_add ("/store-scrap/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  ADD ("scrap", test_scrap);
  ADD ("twice-refused", test_twice_refused);
  ADD ("running-refused", test_running_refused);
  ADD ("bad-input", test_bad_input);
  ADD ("roles", test_roles);
  g_test_add_func ("/store-scrap/migrate-from-v3", test_migrate_from_v3);
  return g_test_run ();
}
