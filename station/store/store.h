/* station/store/store.h - the station's local store (SQLite): batches and
 * their expected SIMs, units, the step journal, API-call and AT logs, labels,
 * Beam registrations, operators and stations.
 *
 * One Store is shared by every thread of a process; each thread that calls
 * a store function gets its own SQLite connection (opened on first use,
 * closed by store_release_thread() or store_close()).  Every write runs in a
 * transaction: a failure (disk full, read-only file, constraint) leaves
 * nothing half-written.  Times are UTC milliseconds since the epoch.
 *
 * The objects are split by file: store-batch.h, store-unit.h,
 * store-journal.h, store-log.h, store-registration.h, store-site.h;
 * including store.h gives all of them. */
#pragma once

#include <glib.h>

#include "station/config.h"

G_BEGIN_DECLS

#define STATION_STORE_ERROR (station_store_error_quark ())
GQuark station_store_error_quark (void);

typedef enum {
  STORE_ERROR_FAILED,    /* any other SQLite failure: exit 5 */
  STORE_ERROR_OPEN,      /* the file or its folder cannot be opened: exit 5 */
  STORE_ERROR_CORRUPT,   /* the file is not a SQLite database or is damaged: exit 5 */
  STORE_ERROR_READONLY,  /* the file (or its folder) is read-only: exit 5 */
  STORE_ERROR_FULL,      /* the disk (or the size limit) is full: exit 5 */
  STORE_ERROR_BUSY,      /* another process held the store past the busy timeout: exit 5 */
  STORE_ERROR_TOO_NEW,   /* written by a newer program (schema version): exit 5 */
  STORE_ERROR_NOT_FOUND, /* no such batch / unit / record: exit 1 */
  STORE_ERROR_EXISTS,    /* the record already exists (batch, unit, registration): exit 1 */
  STORE_ERROR_CONFLICT,  /* an identity is already bound to another unit or batch: exit 1 */
  STORE_ERROR_INVALID,   /* a value the store refuses (bad state, bad identity): exit 2 */
  STORE_ERROR_CSV,       /* an input file (SIM list) is malformed: exit 2 */
  STORE_ERROR_TAMPERED,  /* the audit chain does not verify (edited, inserted, deleted): exit 1 */
  STORE_ERROR_DENIED,    /* the operator's role or PIN does not allow it: exit 1 */
} StoreError;

/* The schema version this program writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 4

#define STORE_DEFAULT_BUSY_TIMEOUT_MS 10000

typedef struct _Store Store;
typedef struct _StoreDb StoreDb;

typedef enum {
  STORE_OPEN_DEFAULT = 0,
  STORE_OPEN_READ_ONLY = 1 << 0, /* no writes, no migration (lookup, reports) */
} StoreOpenFlags;

/* store_open: opens the store at @path (created and migrated to
 * STORE_SCHEMA_VERSION when needed; its folder is created too).  The
 * calling thread's connection is opened at once so that every problem of
 * the file shows here: STORE_ERROR_CORRUPT (not a database), _READONLY,
 * _TOO_NEW (user_version above STORE_SCHEMA_VERSION), _OPEN.  Free with
 * store_close(). */
Store *store_open (const char *path, StoreOpenFlags flags, GError **error);

/* store_open_from_config: store_open() of store_path_from_config(), with
 * the actor (store_set_actor()) from [station] operator and [station] name
 * (default: the host name). */
Store *store_open_from_config (StationConfig *config, StoreOpenFlags flags, GError **error);

/* store_path_from_config: [station] db (set by --db), else
 * $XDG_DATA_HOME/soracom-station/station.db.  Free with g_free(). */
char *store_path_from_config (StationConfig *config);

/* store_close: closes every connection of every thread.  No other thread may
 * be using the store any more.  NULL is ignored. */
void store_close (Store *store);

const char *store_get_path (Store *store);

/* store_set_busy_timeout: for connections opened after the call. */
void store_set_busy_timeout (Store *store, guint ms);

/* store_get_db: the calling thread's connection (opened on first use).
 * For the store's own files and for tests; NULL with @error on failure. */
StoreDb *store_get_db (Store *store, GError **error);

/* store_release_thread: closes the calling thread's connection (a worker
 * thread calls it before it ends).  Harmless when it has none. */
void store_release_thread (Store *store);

/* store_begin / store_commit / store_rollback: groups several store calls
 * of the calling thread into one transaction (bulk imports); the calls
 * inside use savepoints.  Every begin is matched by one commit or rollback. */
gboolean store_begin (Store *store, GError **error);
gboolean store_commit (Store *store, GError **error);
void store_rollback (Store *store);

/* store_check_writable: commits one real write (the schema version page
 * rewritten unchanged) on the calling thread's connection, so a store that
 * opens but cannot be written (read-only, full disk, file size limit,
 * locked by another writer) is found before any work starts.  FALSE with
 * the STATION_STORE_ERROR of the failed write. */
gboolean store_check_writable (Store *store, GError **error);

/* store_set_actor: who works through @store from now on: the operator
 * (may be NULL: not known) and the station name (may be NULL).  Audit
 * entries and units written afterwards record them (store-audit.h). */
void store_set_actor (Store *store, const char *operator_name, const char *station);

/* store_dup_operator / store_dup_station: the actor set by
 * store_set_actor(), or NULL.  Free with g_free(). */
char *store_dup_operator (Store *store);
char *store_dup_station (Store *store);

/* store_now_ms: the current UTC time in milliseconds. */
gint64 store_now_ms (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Store, store_close)

G_END_DECLS

#include "station/store/store-audit.h"
#include "station/store/store-batch.h"
#include "station/store/store-cloud.h"
#include "station/store/store-journal.h"
#include "station/store/store-log.h"
#include "station/store/store-operator.h"
#include "station/store/store-registration.h"
#include "station/store/store-site.h"
#include "station/store/store-unit.h"
