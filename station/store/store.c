/* station/store/store.c - the Store object: per-thread connections,
 * opening and migrating, transactions, the error domain. */
#define G_LOG_DOMAIN "station-store"

#include "station/store/store-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "drivers/identity.h"

G_DEFINE_QUARK (station_store_error_quark, station_store_error)

struct _Store {
  char *path;
  StoreOpenFlags flags;
  guint busy_timeout_ms;
  GMutex lock;
  GHashTable *conns;   /* GThread * -> StoreDb * (each used by its thread only) */
  char *operator_name; /* store_set_actor(), under lock */
  char *station;
};

void
store_set_actor (Store *store, const char *operator_name, const char *station)
{
  g_mutex_lock (&store->lock);
  g_free (store->operator_name);
  store->operator_name = g_strdup (operator_name);
  g_free (store->station);
  store->station = g_strdup (station);
  g_mutex_unlock (&store->lock);
}

char *
store_dup_operator (Store *store)
{
  char *out;

  g_mutex_lock (&store->lock);
  out = g_strdup (store->operator_name);
  g_mutex_unlock (&store->lock);
  return out;
}

char *
store_dup_station (Store *store)
{
  char *out;

  g_mutex_lock (&store->lock);
  out = g_strdup (store->station);
  g_mutex_unlock (&store->lock);
  return out;
}

gint64
store_now_ms (void)
{
  return g_get_real_time () / 1000;
}

void
store_set_not_found (GError **error, const char *what, const char *key)
{
  g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND, "%s %s: not in the store", what,
               key);
}

char *
store_device_id_canonical (const char *device_id, GError **error)
{
  return identity_device_id_normalize (device_id, error);
}

char *
store_path_from_config (StationConfig *config)
{
  char *path = config ? station_config_get_string (config, "station", "db", NULL) : NULL;

  if (path != NULL && *path != '\0')
    return path;
  g_free (path);
  return g_build_filename (g_get_user_data_dir (), "soracom-station", "station.db", NULL);
}

static StoreDb *
open_connection (Store *store, GError **error)
{
  StoreDbFlags flags = (store->flags & STORE_OPEN_READ_ONLY) ? STORE_DB_READ_ONLY : 0;

  return store_db_open (store->path, flags, store->busy_timeout_ms, error);
}

Store *
store_open (const char *path, StoreOpenFlags flags, GError **error)
{
  Store *store;
  StoreDb *db;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!(flags & STORE_OPEN_READ_ONLY)) {
    dir = g_path_get_dirname (path);
    if (g_mkdir_with_parents (dir, 0700) != 0) {
      int e = errno;
      g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_OPEN,
                   "%s: cannot create the folder %s: %s", path, dir, g_strerror (e));
      return NULL;
    }
  }

  store = g_new0 (Store, 1);
  store->path = g_strdup (path);
  store->flags = flags;
  store->busy_timeout_ms = STORE_DEFAULT_BUSY_TIMEOUT_MS;
  g_mutex_init (&store->lock);
  store->conns = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)store_db_close);

  db = store_get_db (store, error);
  if (db == NULL)
    goto fail;
  if (!store_schema_check (db, (flags & STORE_OPEN_READ_ONLY) != 0, error))
    goto fail;
  return store;

fail:
  store_close (store);
  return NULL;
}

Store *
store_open_from_config (StationConfig *config, StoreOpenFlags flags, GError **error)
{
  g_autofree char *path = store_path_from_config (config);
  g_autofree char *operator_name = NULL, *station = NULL;
  Store *store = store_open (path, flags, error);

  if (store == NULL || config == NULL)
    return store;
  operator_name = station_config_get_string (config, "station", "operator", NULL);
  station = station_config_get_string (config, "station", "name", g_get_host_name ());
  store_set_actor (store, operator_name != NULL && *operator_name ? operator_name : NULL, station);
  return store;
}

void
store_close (Store *store)
{
  if (store == NULL)
    return;
  g_hash_table_destroy (store->conns);
  g_mutex_clear (&store->lock);
  g_free (store->operator_name);
  g_free (store->station);
  g_free (store->path);
  g_free (store);
}

const char *
store_get_path (Store *store)
{
  return store->path;
}

void
store_set_busy_timeout (Store *store, guint ms)
{
  g_mutex_lock (&store->lock);
  store->busy_timeout_ms = ms;
  g_mutex_unlock (&store->lock);
}

StoreDb *
store_get_db (Store *store, GError **error)
{
  GThread *self = g_thread_self ();
  StoreDb *db;

  g_mutex_lock (&store->lock);
  db = g_hash_table_lookup (store->conns, self);
  g_mutex_unlock (&store->lock);
  if (db != NULL)
    return db;

  /* opened outside the lock: opening may wait on another process */
  db = open_connection (store, error);
  if (db == NULL)
    return NULL;
  g_mutex_lock (&store->lock);
  g_hash_table_insert (store->conns, self, db);
  g_mutex_unlock (&store->lock);
  return db;
}

void
store_release_thread (Store *store)
{
  g_mutex_lock (&store->lock);
  g_hash_table_remove (store->conns, g_thread_self ());
  g_mutex_unlock (&store->lock);
}

gboolean
store_begin (Store *store, GError **error)
{
  StoreDb *db = store_get_db (store, error);

  return db != NULL && store_db_begin (db, error);
}

gboolean
store_commit (Store *store, GError **error)
{
  StoreDb *db = store_get_db (store, error);

  return db != NULL && store_db_commit (db, error);
}

void
store_rollback (Store *store)
{
  StoreDb *db = store_get_db (store, NULL);

  if (db != NULL)
    store_db_rollback (db);
}

gboolean
store_check_writable (Store *store, GError **error)
{
  StoreDb *db = store_write_begin (store, error);
  gint64 version = 0;
  gboolean ok;

  if (db == NULL)
    return FALSE;
  /* a commit that rewrites the header page with what it holds: a real
   * write to the file (WAL), nothing changed */
  ok = store_db_get_user_version (db, &version, error)
       && store_db_set_user_version (db, version, error);
  return store_write_end (db, ok, error);
}

StoreDb *
store_write_begin (Store *store, GError **error)
{
  StoreDb *db = store_get_db (store, error);

  if (db == NULL || !store_db_begin (db, error))
    return NULL;
  return db;
}

gboolean
store_write_end (StoreDb *db, gboolean ok, GError **error)
{
  if (!ok) {
    store_db_rollback (db);
    return FALSE;
  }
  return store_db_commit (db, error);
}

gint64
store_unit_rowid (StoreDb *db, const char *device_id, GError **error)
{
  StoreStmt *st = store_db_prepare (db, "SELECT id FROM units WHERE device_id = ?1", error);
  gint64 id = 0;
  StoreStep r;

  if (st == NULL)
    return 0;
  store_stmt_bind_text (st, 1, device_id);
  r = store_stmt_step (st, error);
  if (r == STORE_STEP_ROW)
    id = store_stmt_get_int (st, 0);
  else if (r == STORE_STEP_DONE)
    store_set_not_found (error, "unit", device_id);
  store_stmt_reset (st);
  return id;
}
