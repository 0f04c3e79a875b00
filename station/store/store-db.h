/* station/store/store-db.h - the thin SQLite wrapper of the store: one
 * connection (StoreDb) with cached prepared statements (StoreStmt) and
 * transactions.  The only file of station/ that includes sqlite3.h is
 * store-db.c; every other store file works through this API.
 *
 * A StoreDb belongs to the thread that opened it (DESIGN.md "Concurrency":
 * one connection per thread).  Errors are STATION_STORE_ERROR with messages
 * naming the database file. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _StoreDb StoreDb;
typedef struct _StoreStmt StoreStmt;

typedef enum {
  STORE_DB_READ_WRITE = 0,
  STORE_DB_READ_ONLY = 1 << 0, /* open without write access */
} StoreDbFlags;

typedef enum {
  STORE_STEP_ERROR = -1,
  STORE_STEP_DONE = 0,
  STORE_STEP_ROW = 1,
} StoreStep;

/* store_db_open: opens (creating when needed and not read-only) the SQLite
 * file @path with foreign keys on, WAL journal, synchronous=FULL and a busy
 * timeout of @busy_timeout_ms.  Fails with STORE_ERROR_CORRUPT when the file
 * is not a database, STORE_ERROR_READONLY when a read-write open finds the
 * file read-only, STORE_ERROR_OPEN when it cannot be opened at all. */
StoreDb *store_db_open (const char *path, StoreDbFlags flags, guint busy_timeout_ms,
                        GError **error);

/* store_db_close: finalizes cached statements and closes; NULL is ignored. */
void store_db_close (StoreDb *db);

const char *store_db_get_path (StoreDb *db);

/* store_db_exec: runs one or more SQL statements without results. */
gboolean store_db_exec (StoreDb *db, const char *sql, GError **error);

/* store_db_get_int: the first column of the first row of @sql (no
 * parameters) in @out; FALSE with @error when it fails or returns no row. */
gboolean store_db_get_int (StoreDb *db, const char *sql, gint64 *out, GError **error);

/* store_db_prepare: the cached statement for @sql (keyed by the text), reset
 * and with bindings cleared.  Borrowed: call store_stmt_reset() when done
 * with it (before preparing the same text again). */
StoreStmt *store_db_prepare (StoreDb *db, const char *sql, GError **error);

/* Bindings, 1-based.  A NULL text binds SQL NULL. */
void store_stmt_bind_text (StoreStmt *stmt, int index, const char *value);
void store_stmt_bind_int (StoreStmt *stmt, int index, gint64 value);
void store_stmt_bind_null (StoreStmt *stmt, int index);

/* store_stmt_step: STORE_STEP_ROW, STORE_STEP_DONE, or STORE_STEP_ERROR with
 * @error set (full disk, read-only, constraint, busy past the timeout...). */
StoreStep store_stmt_step (StoreStmt *stmt, GError **error);

/* store_stmt_run: steps a statement that returns no row to completion and
 * resets it. */
gboolean store_stmt_run (StoreStmt *stmt, GError **error);

/* Columns of the current row, 0-based; text is copied (NULL for SQL NULL). */
char *store_stmt_dup_text (StoreStmt *stmt, int column);
gint64 store_stmt_get_int (StoreStmt *stmt, int column);
gboolean store_stmt_is_null (StoreStmt *stmt, int column);

/* store_stmt_reset: makes the statement reusable (idempotent). */
void store_stmt_reset (StoreStmt *stmt);

/* Rows changed by the last write, rowid of the last insert. */
gint64 store_db_changes (StoreDb *db);
gint64 store_db_last_insert_rowid (StoreDb *db);

/* store_db_in_transaction: TRUE while a transaction is open. */
gboolean store_db_in_transaction (StoreDb *db);

/* Transactions nest: the outermost is BEGIN IMMEDIATE (takes the write lock
 * at once, so the busy timeout applies and no reader-to-writer upgrade can
 * deadlock), inner ones are savepoints.  store_db_rollback undoes the
 * innermost level; it never fails (errors are logged). */
gboolean store_db_begin (StoreDb *db, GError **error);
gboolean store_db_commit (StoreDb *db, GError **error);
void store_db_rollback (StoreDb *db);

/* PRAGMA user_version. */
gboolean store_db_get_user_version (StoreDb *db, gint64 *version, GError **error);
gboolean store_db_set_user_version (StoreDb *db, gint64 version, GError **error);

/* store_db_library_version: the SQLite library version string. */
const char *store_db_library_version (void);

G_END_DECLS
