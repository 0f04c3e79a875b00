/* tests/test-store.c - the store file itself: creation and migrations,
 * newer/foreign/corrupt/read-only files, a full disk (PRAGMA
 * max_page_count), the busy timeout and concurrent writers (threads and
 * processes). */
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "station/station-error.h"
#include "station/store/store-db.h"
#include "station/store/store.h"
#include "tests/common/test-common.h"

static char *
tmp_db (void)
{
  g_autofree char *dir = tc_tmpdir ();

  return g_build_filename (dir, "station.db", NULL);
}

static gint64
db_int (StoreDb *db, const char *sql)
{
  g_autoptr (GError) error = NULL;
  gint64 v = -1;

  g_assert_true (store_db_get_int (db, sql, &v, &error));
  g_assert_no_error (error);
  return v;
}

/* The schema as text (tables, indexes and their SQL, sorted). */
static char *
schema_text (StoreDb *db)
{
  GString *s = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  StoreStmt *st = store_db_prepare (
      db, "SELECT type, name, coalesce (sql, '') FROM sqlite_master ORDER BY type, name", &error);

  g_assert_no_error (error);
  while (store_stmt_step (st, &error) == STORE_STEP_ROW) {
    g_autofree char *type = store_stmt_dup_text (st, 0);
    g_autofree char *name = store_stmt_dup_text (st, 1);
    g_autofree char *sql = store_stmt_dup_text (st, 2);
    g_string_append_printf (s, "%s %s: %s\n", type, name, sql);
  }
  g_assert_no_error (error);
  store_stmt_reset (st);
  return g_string_free (s, FALSE);
}

static void
test_fresh (void)
{
  g_autofree char *path = tmp_db ();
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = store_open (path, STORE_OPEN_DEFAULT, &error);
  StoreDb *db;
  g_autofree char *mode = NULL;

  g_assert_no_error (error);
  db = store_get_db (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (db_int (db, "PRAGMA user_version"), ==, STORE_SCHEMA_VERSION);
  g_assert_cmpint (db_int (db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (db_int (db, "PRAGMA synchronous"), ==, 2); /* FULL */
  g_assert_cmpint (db_int (db, "PRAGMA busy_timeout"), ==, STORE_DEFAULT_BUSY_TIMEOUT_MS);
  g_assert_cmpint (db_int (db, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = "
                               "'wal'"),
                   ==, 1);
  g_assert_cmpint (db_int (db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"), >=, 10);
  g_assert_cmpstr (store_get_path (store), ==, path);

  /* opening again is a no-op migration */
  store_close (g_steal_pointer (&store));
  store = store_open (path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
}

/* A version-1 store made from the frozen schema file, with data in it,
 * opens (migrating to the current version) with its data intact and the
 * same schema as a fresh store. */
static void
test_migrate_from_v1 (void)
{
  g_autofree char *path = tmp_db ();
  g_autofree char *fresh_path = tmp_db ();
  g_autofree char *sql_path = tc_data_path ("store", "schema-v1.sql", NULL);
  g_autofree char *sql = NULL;
  g_autofree char *old_schema = NULL, *new_schema = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = NULL, fresh = NULL;
  g_autoptr (StoreBatch) batch = NULL;
  StoreDb *raw;

  g_file_get_contents (sql_path, &sql, NULL, &error);
  g_assert_no_error (error);
  raw = store_db_open (path, STORE_DB_READ_WRITE, 1000, &error);
  g_assert_no_error (error);
  g_assert_true (store_db_exec (raw, sql, &error));
  g_assert_true (store_db_exec (raw,
                                "INSERT INTO batches (id, created_at, source) VALUES "
                                "('OLD-1', 1700000000000, 'csv');"
                                "PRAGMA user_version = 1",
                                &error));
  g_assert_no_error (error);
  store_db_close (raw);

  store = store_open (path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (db_int (store_get_db (store, NULL), "PRAGMA user_version"), ==,
                   STORE_SCHEMA_VERSION);
  batch = store_batch_get (store, "OLD-1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (batch->created_at, ==, 1700000000000);

  fresh = store_open (fresh_path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  old_schema = schema_text (store_get_db (store, NULL));
  new_schema = schema_text (store_get_db (fresh, NULL));
  g_assert_cmpstr (old_schema, ==, new_schema);
}

static void
test_newer_version (void)
{
  g_autofree char *path = tmp_db ();
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = NULL;
  StoreDb *raw = store_db_open (path, STORE_DB_READ_WRITE, 1000, &error);

  g_assert_no_error (error);
  g_assert_true (store_db_set_user_version (raw, STORE_SCHEMA_VERSION + 1, &error));
  store_db_close (raw);

  store = store_open (path, STORE_OPEN_DEFAULT, &error);
  g_assert_null (store);
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "newer"));
  g_assert_cmpint (station_exit_code_for_error (error), ==, 5);
}

static void
test_foreign_database (void)
{
  g_autofree char *path = tmp_db ();
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = NULL;
  StoreDb *raw = store_db_open (path, STORE_DB_READ_WRITE, 1000, &error);

  g_assert_no_error (error);
  g_assert_true (store_db_exec (raw, "CREATE TABLE photos (id INTEGER)", &error));
  store_db_close (raw);

  store = store_open (path, STORE_OPEN_DEFAULT, &error);
  g_assert_null (store);
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "not a station store"));
}

static void
test_corrupt_file (void)
{
  g_autofree char *path = tmp_db ();
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = NULL;
  g_autoptr (GString) junk = g_string_new (NULL);

  for (int i = 0; i < 4096; i++)
    g_string_append_c (junk, (char)('A' + i % 26));
  g_assert_true (g_file_set_contents (path, junk->str, (gssize)junk->len, NULL));
  store = store_open (path, STORE_OPEN_DEFAULT, &error);
  g_assert_null (store);
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_cmpint (station_exit_code_for_error (error), ==, 5);
  g_test_message ("%s", error->message);
}

static void
test_read_only (void)
{
  g_autofree char *path = tmp_db ();
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = store_open (path, STORE_OPEN_DEFAULT, &error);
  g_autoptr (Store) ro = NULL;
  g_autoptr (StoreBatch) batch = store_batch_new ("B-RO", "manual");
  g_autoptr (GPtrArray) list = NULL;

  g_assert_no_error (error);
  g_assert_true (store_batch_import (store, batch, NULL, &error));
  g_clear_pointer (&store, store_close);

  /* a read-only store reads, and refuses every write clearly */
  ro = store_open (path, STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  list = store_batch_list (ro, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_free (batch->id);
  batch->id = g_strdup ("B-RO-2");
  g_assert_false (store_batch_import (ro, batch, NULL, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_READONLY);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_cmpint (station_exit_code_for_error (error), ==, 5);
  g_clear_error (&error);
  g_clear_pointer (&ro, store_close);

  /* a file without write permission: root ignores permissions */
  if (geteuid () == 0) {
    g_test_message ("running as root: file permissions cannot make the store read-only");
    return;
  }
  g_assert_cmpint (g_chmod (path, 0444), ==, 0);
  store = store_open (path, STORE_OPEN_DEFAULT, &error);
  g_assert_null (store);
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_READONLY);
  g_assert_nonnull (strstr (error->message, path));
}

static GPtrArray *
make_sims (guint first, guint count)
{
  GPtrArray *sims = g_ptr_array_new_with_free_func ((GDestroyNotify)store_sim_free);

  for (guint i = 0; i < count; i++) {
    g_autofree char *imsi = g_strdup_printf ("44010%010u", first + i);
    g_autofree char *serial
        = g_strdup_printf ("SERIAL-NUMBER-%08u-PADDING-TO-FILL-PAGES", first + i);
    g_ptr_array_add (sims, store_sim_new (imsi, NULL, serial, NULL));
  }
  return sims;
}

static void
test_disk_full (void)
{
  g_autofree char *path = tmp_db ();
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = store_open (path, STORE_OPEN_DEFAULT, &error);
  g_autoptr (StoreBatch) batch = store_batch_new ("B-FULL", "csv");
  g_autoptr (GPtrArray) sims = make_sims (1, 5000);
  g_autoptr (GPtrArray) batches = NULL;
  g_autofree char *limit = NULL;
  StoreDb *db = store_get_db (store, &error);
  gint64 pages;

  g_assert_no_error (error);
  pages = db_int (db, "PRAGMA page_count");
  limit = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages + 2);
  g_assert_true (store_db_exec (db, limit, &error));

  g_assert_false (store_batch_import (store, batch, sims, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "full"));
  g_assert_cmpint (station_exit_code_for_error (error), ==, 5);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* nothing half-written */
  g_assert_cmpint (db_int (db, "SELECT count(*) FROM batch_sims"), ==, 0);
  batches = store_batch_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batches->len, ==, 0);

  /* with room again, the same import succeeds */
  g_assert_true (store_db_exec (db, "PRAGMA max_page_count = 1000000", &error));
  g_assert_true (store_batch_import (store, batch, sims, &error));
  g_assert_no_error (error);
  g_assert_cmpint (db_int (db, "SELECT count(*) FROM batch_sims"), ==, 5000);
}

/* Another connection holding the write lock: a writer waits for the busy
 * timeout, then fails clearly; once the lock is gone it succeeds. */
static void
test_busy_timeout (void)
{
  g_autofree char *path = tmp_db ();
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = store_open (path, STORE_OPEN_DEFAULT, &error);
  g_autoptr (StoreBatch) batch = store_batch_new ("B-BUSY", "manual");
  StoreDb *other;
  gint64 t0, waited;

  g_assert_no_error (error);
  other = store_db_open (path, STORE_DB_READ_WRITE, 1000, &error);
  g_assert_no_error (error);
  g_assert_true (store_db_begin (other, &error));

  store_set_busy_timeout (store, 300);
  store_release_thread (store); /* reopen with the new timeout */
  t0 = g_get_monotonic_time ();
  g_assert_false (store_batch_import (store, batch, NULL, &error));
  waited = (g_get_monotonic_time () - t0) / 1000;
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_cmpint (waited, >=, 250);
  g_clear_error (&error);

  g_assert_true (store_db_commit (other, &error));
  store_db_close (other);
  g_assert_true (store_batch_import (store, batch, NULL, &error));
  g_assert_no_error (error);
}

typedef struct {
  Store *store;
  const char *batch;
  guint index;
  guint count;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;

  for (guint i = 0; i < w->count; i++) {
    g_autoptr (GError) error = NULL;
    g_autofree char *dev = g_strdup_printf ("%s-T%u-%04u", w->batch, w->index, i);
    g_autoptr (StoreUnit) unit
        = store_unit_create (w->store, dev, w->batch, "st-1", (int)w->index, NULL, &error);
    guint attempt = 0;

    g_assert_no_error (error);
    g_assert_true (store_journal_intent (w->store, dev, "scan", NULL, &attempt, &error));
    g_assert_true (store_journal_done (w->store, dev, "scan", attempt, NULL, &error));
    g_assert_no_error (error);
  }
  store_release_thread (w->store);
  return NULL;
}

static guint64
count_units (Store *store, const char *batch)
{
  g_autoptr (GError) error = NULL;
  StoreBatchCounts c;

  g_assert_true (store_batch_count (store, batch, &c, &error));
  g_assert_no_error (error);
  return c.units;
}

static void
test_concurrent_threads (void)
{
  g_autofree char *path = tmp_db ();
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = store_open (path, STORE_OPEN_DEFAULT, &error);
  g_autoptr (StoreBatch) batch = store_batch_new ("B-THR", "manual");
  Writer w[4];
  GThread *t[4];

  g_assert_no_error (error);
  g_assert_true (store_batch_import (store, batch, NULL, &error));
  for (guint i = 0; i < G_N_ELEMENTS (w); i++) {
    w[i] = (Writer){ store, "B-THR", i, 100 };
    t[i] = g_thread_new ("writer", writer_thread, &w[i]);
  }
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    g_thread_join (t[i]);
  g_assert_cmpuint (count_units (store, "B-THR"), ==, 400);
  g_assert_cmpint (db_int (store_get_db (store, NULL), "SELECT count(*) FROM steps"), ==, 400);
}

/* A child process and a thread of this one write to the same file at the
 * same time: every write of both lands. */
static void
test_concurrent_processes (void)
{
  const char *env_path = g_getenv ("STORE_TEST_DB");

  if (g_test_subprocess ()) {
    g_autoptr (GError) error = NULL;
    g_autoptr (Store) store = store_open (env_path, STORE_OPEN_DEFAULT, &error);
    Writer w = { store, "B-CHILD", 9, 150 };

    g_assert_no_error (error);
    writer_thread (&w);
    return;
  }
  {
    g_autofree char *path = tmp_db ();
    g_autoptr (GError) error = NULL;
    g_autoptr (Store) store = store_open (path, STORE_OPEN_DEFAULT, &error);
    g_autoptr (StoreBatch) b1 = store_batch_new ("B-PARENT", "manual");
    g_autoptr (StoreBatch) b2 = store_batch_new ("B-CHILD", "manual");
    Writer w = { store, "B-PARENT", 1, 150 };
    GThread *t;

    g_assert_no_error (error);
    g_assert_true (store_batch_import (store, b1, NULL, &error));
    g_assert_true (store_batch_import (store, b2, NULL, &error));
    g_setenv ("STORE_TEST_DB", path, TRUE);
    t = g_thread_new ("writer", writer_thread, &w);
    g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_thread_join (t);
    g_test_trap_assert_passed ();
    g_assert_cmpuint (count_units (store, "B-PARENT"), ==, 150);
    g_assert_cmpuint (count_units (store, "B-CHILD"), ==, 150);
  }
}

static void
test_path_from_config (void)
{
  g_autoptr (StationConfig) cfg = station_config_new ();
  g_autofree char *def = store_path_from_config (cfg);
  g_autofree char *set = NULL;

  g_assert_true (g_str_has_suffix (def, "/soracom-station/station.db"));
  station_config_set_string (cfg, "station", "db", "/tmp/x.db");
  set = store_path_from_config (cfg);
  g_assert_cmpstr (set, ==, "/tmp/x.db");
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/store/open/fresh", test_fresh);
  g_test_add_func ("/store/open/migrate-from-v1", test_migrate_from_v1);
  g_test_add_func ("/store/open/newer-version", test_newer_version);
  g_test_add_func ("/store/open/foreign-database", test_foreign_database);
  g_test_add_func ("/store/open/corrupt-file", test_corrupt_file);
  g_test_add_func ("/store/open/read-only", test_read_only);
  g_test_add_func ("/store/open/path-from-config", test_path_from_config);
  g_test_add_func ("/store/write/disk-full", test_disk_full);
  g_test_add_func ("/store/write/busy-timeout", test_busy_timeout);
  g_test_add_func ("/store/write/concurrent-threads", test_concurrent_threads);
  g_test_add_func ("/store/write/concurrent-processes", test_concurrent_processes);
  return g_test_run ();
}
