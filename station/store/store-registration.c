/* station/store/store-registration.c - Beam registration records. */
#define G_LOG_DOMAIN "station-store"

#include "station/store/store-private.h"

void
store_registration_free (StoreRegistration *reg)
{
  if (reg == NULL)
    return;
  g_free (reg->device_id);
  g_free (reg->imsi);
  g_free (reg->imei);
  g_free (reg->signature);
  g_free (reg->remote);
  g_free (reg);
}

/* TRUE when a record with the same key (or signature) exists. */
static gboolean
is_replay (StoreDb *db, const char *id, const StoreRegistration *reg, gboolean *replay,
           GError **error)
{
  StoreStmt *st = store_db_prepare (db,
                                    "SELECT 1 FROM registrations WHERE (device_id = ?1 AND "
                                    "imsi = ?2 AND ts = ?3) OR signature = ?4",
                                    error);
  StoreStep r;

  if (st == NULL)
    return FALSE;
  store_stmt_bind_text (st, 1, id);
  store_stmt_bind_text (st, 2, reg->imsi);
  store_stmt_bind_int (st, 3, reg->timestamp);
  store_stmt_bind_text (st, 4, reg->signature);
  r = store_stmt_step (st, error);
  store_stmt_reset (st);
  *replay = r == STORE_STEP_ROW;
  return r != STORE_STEP_ERROR;
}

gboolean
store_registration_add (Store *store, const StoreRegistration *reg, GError **error)
{
  g_autofree char *id = store_device_id_canonical (reg->device_id, error);
  StoreDb *db;
  StoreStmt *st;
  gboolean ok = FALSE, replay = FALSE;

  if (id == NULL)
    return FALSE;
  if (reg->imsi == NULL || *reg->imsi == '\0') {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID, "a registration needs an IMSI");
    return FALSE;
  }
  db = store_write_begin (store, error);
  if (db == NULL)
    return FALSE;
  if (!is_replay (db, id, reg, &replay, error))
    goto out;
  if (replay) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_EXISTS,
                 "registration of %s (IMSI %s, timestamp %" G_GINT64_FORMAT
                 ") was already recorded: a replay",
                 id, reg->imsi, reg->timestamp);
    goto out;
  }
  st = store_db_prepare (db,
                         "INSERT INTO registrations (device_id, imsi, imei, ts, signature, remote, "
                         "received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                         error);
  if (st == NULL)
    goto out;
  store_stmt_bind_text (st, 1, id);
  store_stmt_bind_text (st, 2, reg->imsi);
  store_stmt_bind_text (st, 3, reg->imei);
  store_stmt_bind_int (st, 4, reg->timestamp);
  store_stmt_bind_text (st, 5, reg->signature);
  store_stmt_bind_text (st, 6, reg->remote);
  store_stmt_bind_int (st, 7, reg->received_at ? reg->received_at : store_now_ms ());
  ok = store_stmt_run (st, error);

out:
  return store_write_end (db, ok, error);
}

#define REG_COLUMNS "id, device_id, imsi, imei, ts, signature, remote, received_at"

static StoreRegistration *
reg_from_row (StoreStmt *st)
{
  StoreRegistration *r = g_new0 (StoreRegistration, 1);

  r->id = store_stmt_get_int (st, 0);
  r->device_id = store_stmt_dup_text (st, 1);
  r->imsi = store_stmt_dup_text (st, 2);
  r->imei = store_stmt_dup_text (st, 3);
  r->timestamp = store_stmt_get_int (st, 4);
  r->signature = store_stmt_dup_text (st, 5);
  r->remote = store_stmt_dup_text (st, 6);
  r->received_at = store_stmt_get_int (st, 7);
  return r;
}

static GPtrArray *
reg_query (Store *store, const char *sql, const char *key, const char *imsi, gint64 since,
           GError **error)
{
  g_autoptr (GPtrArray) list
      = g_ptr_array_new_with_free_func ((GDestroyNotify)store_registration_free);
  StoreDb *db = store_get_db (store, error);
  StoreStmt *st;
  StoreStep r;

  if (db == NULL)
    return NULL;
  st = store_db_prepare (db, sql, error);
  if (st == NULL)
    return NULL;
  store_stmt_bind_text (st, 1, key);
  store_stmt_bind_text (st, 2, imsi);
  store_stmt_bind_int (st, 3, since);
  while ((r = store_stmt_step (st, error)) == STORE_STEP_ROW)
    g_ptr_array_add (list, reg_from_row (st));
  store_stmt_reset (st);
  return r == STORE_STEP_ERROR ? NULL : g_steal_pointer (&list);
}

GPtrArray *
store_registration_list_by_device (Store *store, const char *device_id, GError **error)
{
  g_autofree char *id = store_device_id_canonical (device_id, error);

  if (id == NULL)
    return NULL;
  return reg_query (store,
                    "SELECT " REG_COLUMNS " FROM registrations WHERE device_id = ?1 "
                    "AND ?2 IS NULL AND ?3 = 0 ORDER BY ts, id",
                    id, NULL, 0, error);
}

GPtrArray *
store_registration_list_by_imsi (Store *store, const char *imsi, GError **error)
{
  return reg_query (store,
                    "SELECT " REG_COLUMNS " FROM registrations WHERE imsi = ?1 "
                    "AND ?2 IS NULL AND ?3 = 0 ORDER BY ts, id",
                    imsi, NULL, 0, error);
}

StoreRegistration *
store_registration_latest (Store *store, const char *device_id, const char *imsi, gint64 since_ms,
                           GError **error)
{
  g_autofree char *id = store_device_id_canonical (device_id, error);
  g_autoptr (GPtrArray) list = NULL;

  if (id == NULL)
    return NULL;
  list = reg_query (store,
                    "SELECT " REG_COLUMNS " FROM registrations WHERE device_id = ?1 "
                    "AND (?2 IS NULL OR imsi = ?2) AND ts >= ?3 ORDER BY ts DESC, id DESC LIMIT 1",
                    id, imsi, since_ms, error);
  if (list == NULL)
    return NULL;
  if (list->len == 0) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND,
                 "no Beam registration of %s%s%s yet", id, imsi ? " with IMSI " : "",
                 imsi ? imsi : "");
    return NULL;
  }
  return g_ptr_array_steal_index (list, 0);
}
