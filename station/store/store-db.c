/* station/store/store-db.c - the SQLite wrapper (the one file of station/
 * that includes sqlite3.h). */
#define G_LOG_DOMAIN "station-store"

#include "station/store/store-db.h"

#include <errno.h>
#include <sqlite3.h>
#include <string.h>

#include "station/store/store.h"

struct _StoreStmt {
  StoreDb *db;
  sqlite3_stmt *stmt;
};

struct _StoreDb {
  sqlite3 *handle;
  char *path;
  GHashTable *stmts; /* SQL text -> StoreStmt */
  guint depth;       /* open transaction levels */
};

/* Maps a SQLite result code to a store error with a message naming the
 * file and saying what to do. */
static void
set_sqlite_error (StoreDb *db, int rc, const char *what, GError **error)
{
  const char *msg = db->handle ? sqlite3_errmsg (db->handle) : sqlite3_errstr (rc);
  int primary = rc & 0xff;
  int sys = db->handle ? sqlite3_system_errno (db->handle) : 0;

  /* a write that failed (SQLite reports a write refused for want of space,
   * a quota or a file size limit as SQLITE_IOERR_WRITE, its errno often
   * lost by then) is taken for a full disk: the likely cause, and the
   * advice is the same */
  if (rc == SQLITE_IOERR_WRITE
      || (primary == SQLITE_IOERR && (sys == ENOSPC || sys == EDQUOT || sys == EFBIG)))
    primary = SQLITE_FULL;

  switch (primary) {
  case SQLITE_FULL:
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_FULL,
                 "%s: the disk is full or refuses writes (%s%s%s); free space and retry, "
                 "nothing was written",
                 db->path, msg, sys != 0 ? ": " : "", sys != 0 ? g_strerror (sys) : "");
    break;
  case SQLITE_READONLY:
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_READONLY,
                 "%s: the store is read-only (%s); check the permissions of the file and its "
                 "folder, nothing was written",
                 db->path, msg);
    break;
  case SQLITE_NOTADB:
  case SQLITE_CORRUPT:
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CORRUPT,
                 "%s: not a station store or damaged (%s); restore it from a backup or give "
                 "another --db",
                 db->path, msg);
    break;
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_BUSY,
                 "%s: another process kept the store locked (%s); retry, or stop the other "
                 "program",
                 db->path, msg);
    break;
  case SQLITE_CANTOPEN:
  case SQLITE_PERM:
  case SQLITE_AUTH:
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_OPEN,
                 "%s: cannot open the store (%s); check the path and its permissions", db->path,
                 msg);
    break;
  case SQLITE_CONSTRAINT:
    /* a duplicate key is "exists"; a CHECK, NOT NULL or foreign key is a
     * value the store refuses */
    g_set_error (error, STATION_STORE_ERROR,
                 (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
                     ? STORE_ERROR_EXISTS
                     : STORE_ERROR_INVALID,
                 "%s: %s refused: %s", db->path, what, msg);
    break;
  case SQLITE_IOERR:
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_FAILED,
                 "%s: input/output error while %s (%s); check the disk", db->path, what, msg);
    break;
  default:
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_FAILED, "%s: %s failed: %s", db->path,
                 what, msg);
    break;
  }
}

static void
stmt_free (gpointer data)
{
  StoreStmt *s = data;

  sqlite3_finalize (s->stmt);
  g_free (s);
}

const char *
store_db_library_version (void)
{
  return sqlite3_libversion ();
}

StoreDb *
store_db_open (const char *path, StoreDbFlags flags, guint busy_timeout_ms, GError **error)
{
  StoreDb *db = g_new0 (StoreDb, 1);
  gboolean ro = (flags & STORE_DB_READ_ONLY) != 0;
  int oflags = SQLITE_OPEN_NOMUTEX
               | (ro ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  int rc;

  db->path = g_strdup (path);
  db->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, stmt_free);

  rc = sqlite3_open_v2 (path, &db->handle, oflags, NULL);
  if (rc != SQLITE_OK) {
    set_sqlite_error (db, rc, "opening", error);
    goto fail;
  }
  sqlite3_extended_result_codes (db->handle, 1);
  sqlite3_busy_timeout (db->handle, (int)busy_timeout_ms);

  /* The first read of the file: a file that is not a database fails here. */
  if (!store_db_exec (db, "SELECT count(*) FROM sqlite_master", error))
    goto fail;
  if (!ro && sqlite3_db_readonly (db->handle, "main") == 1) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_READONLY,
                 "%s: the store is read-only; check the permissions of the file and its folder",
                 path);
    goto fail;
  }
  if (!store_db_exec (db, "PRAGMA foreign_keys = ON", error))
    goto fail;
  if (!ro) {
    /* WAL lets readers run beside the one writer; FULL makes each commit
     * durable before the station acts on it (the step journal). */
    if (!store_db_exec (db, "PRAGMA journal_mode = WAL", error))
      goto fail;
    if (!store_db_exec (db, "PRAGMA synchronous = FULL", error))
      goto fail;
  }
  return db;

fail:
  store_db_close (db);
  return NULL;
}

void
store_db_close (StoreDb *db)
{
  if (db == NULL)
    return;
  g_hash_table_destroy (db->stmts);
  if (db->handle != NULL) {
    int rc = sqlite3_close (db->handle);
    if (rc != SQLITE_OK)
      g_warning ("%s: close: %s", db->path, sqlite3_errstr (rc));
  }
  g_free (db->path);
  g_free (db);
}

const char *
store_db_get_path (StoreDb *db)
{
  return db->path;
}

gboolean
store_db_exec (StoreDb *db, const char *sql, GError **error)
{
  char *msg = NULL;
  int rc = sqlite3_exec (db->handle, sql, NULL, NULL, &msg);

  if (rc != SQLITE_OK) {
    set_sqlite_error (db, rc, "executing SQL", error);
    sqlite3_free (msg);
    return FALSE;
  }
  return TRUE;
}

gboolean
store_db_get_int (StoreDb *db, const char *sql, gint64 *out, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  rc = sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK) {
    set_sqlite_error (db, rc, "preparing a query", error);
    goto out;
  }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW) {
    *out = sqlite3_column_int64 (stmt, 0);
    ok = TRUE;
  } else if (rc == SQLITE_DONE) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_FAILED, "%s: '%s' returned no row",
                 db->path, sql);
  } else {
    set_sqlite_error (db, rc, "reading", error);
  }

out:
  sqlite3_finalize (stmt);
  return ok;
}

StoreStmt *
store_db_prepare (StoreDb *db, const char *sql, GError **error)
{
  StoreStmt *s = g_hash_table_lookup (db->stmts, sql);
  int rc;

  if (s != NULL) {
    sqlite3_reset (s->stmt);
    sqlite3_clear_bindings (s->stmt);
    return s;
  }
  s = g_new0 (StoreStmt, 1);
  s->db = db;
  rc = sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->stmt, NULL);
  if (rc != SQLITE_OK) {
    set_sqlite_error (db, rc, "preparing a statement", error);
    sqlite3_finalize (s->stmt);
    g_free (s);
    return NULL;
  }
  /* keyed by the statement's own copy of the text */
  g_hash_table_insert (db->stmts, (gpointer)sqlite3_sql (s->stmt), s);
  return s;
}

void
store_stmt_bind_text (StoreStmt *stmt, int index, const char *value)
{
  if (value == NULL)
    sqlite3_bind_null (stmt->stmt, index);
  else
    sqlite3_bind_text (stmt->stmt, index, value, -1, SQLITE_TRANSIENT);
}

void
store_stmt_bind_int (StoreStmt *stmt, int index, gint64 value)
{
  sqlite3_bind_int64 (stmt->stmt, index, value);
}

void
store_stmt_bind_null (StoreStmt *stmt, int index)
{
  sqlite3_bind_null (stmt->stmt, index);
}

StoreStep
store_stmt_step (StoreStmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt->stmt);

  if (rc == SQLITE_ROW)
    return STORE_STEP_ROW;
  if (rc == SQLITE_DONE)
    return STORE_STEP_DONE;
  set_sqlite_error (stmt->db, rc, "writing", error);
  sqlite3_reset (stmt->stmt);
  return STORE_STEP_ERROR;
}

gboolean
store_stmt_run (StoreStmt *stmt, GError **error)
{
  StoreStep r;
  guint rows = 0;

  /* a write statement returns no row; the bound keeps a misuse finite */
  while ((r = store_stmt_step (stmt, error)) == STORE_STEP_ROW && rows < 1000000)
    rows++;
  store_stmt_reset (stmt);
  return r != STORE_STEP_ERROR;
}

char *
store_stmt_dup_text (StoreStmt *stmt, int column)
{
  const unsigned char *t = sqlite3_column_text (stmt->stmt, column);

  return t ? g_strdup ((const char *)t) : NULL;
}

gint64
store_stmt_get_int (StoreStmt *stmt, int column)
{
  return sqlite3_column_int64 (stmt->stmt, column);
}

gboolean
store_stmt_is_null (StoreStmt *stmt, int column)
{
  return sqlite3_column_type (stmt->stmt, column) == SQLITE_NULL;
}

void
store_stmt_reset (StoreStmt *stmt)
{
  if (stmt == NULL)
    return;
  sqlite3_reset (stmt->stmt);
  sqlite3_clear_bindings (stmt->stmt);
}

gint64
store_db_changes (StoreDb *db)
{
  return sqlite3_changes64 (db->handle);
}

gint64
store_db_last_insert_rowid (StoreDb *db)
{
  return sqlite3_last_insert_rowid (db->handle);
}

gboolean
store_db_in_transaction (StoreDb *db)
{
  return sqlite3_get_autocommit (db->handle) == 0;
}

gboolean
store_db_begin (StoreDb *db, GError **error)
{
  g_autofree char *sql = NULL;

  if (db->depth == 0 && store_db_in_transaction (db)) {
    /* a statement failure may have left a transaction open: finish it */
    store_db_exec (db, "ROLLBACK", NULL);
  }
  if (db->depth == 0)
    sql = g_strdup ("BEGIN IMMEDIATE");
  else
    sql = g_strdup_printf ("SAVEPOINT sp%u", db->depth);
  if (!store_db_exec (db, sql, error))
    return FALSE;
  db->depth++;
  return TRUE;
}

gboolean
store_db_commit (StoreDb *db, GError **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (db->depth > 0, FALSE);
  if (db->depth == 1)
    sql = g_strdup ("COMMIT");
  else
    sql = g_strdup_printf ("RELEASE sp%u", db->depth - 1);
  if (!store_db_exec (db, sql, error)) {
    /* COMMIT may fail with a full disk: undo the whole level */
    store_db_rollback (db);
    return FALSE;
  }
  db->depth--;
  return TRUE;
}

void
store_db_rollback (StoreDb *db)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;

  g_return_if_fail (db->depth > 0);
  if (db->depth == 1) {
    /* SQLite may already have rolled back by itself (e.g. SQLITE_FULL) */
    if (store_db_in_transaction (db) && !store_db_exec (db, "ROLLBACK", &error))
      g_warning ("%s", error->message);
  } else {
    sql = g_strdup_printf ("ROLLBACK TO sp%u; RELEASE sp%u", db->depth - 1, db->depth - 1);
    if (store_db_in_transaction (db) && !store_db_exec (db, sql, &error))
      g_warning ("%s", error->message);
  }
  db->depth--;
}

gboolean
store_db_get_user_version (StoreDb *db, gint64 *version, GError **error)
{
  return store_db_get_int (db, "PRAGMA user_version", version, error);
}

gboolean
store_db_set_user_version (StoreDb *db, gint64 version, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, version);

  return store_db_exec (db, sql, error);
}
