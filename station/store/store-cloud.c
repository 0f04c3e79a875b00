/* station/store/store-cloud.c - the batch's group, SIM events and first
 * use (schema version 2). */
#define G_LOG_DOMAIN "station-store"

#include <string.h>

#include "drivers/identity.h"
#include "station/store/store-private.h"

static const char *const kind_names[] = { "first_use", "daily_limit", "imei_mismatch" };

const char *
store_sim_event_kind_to_string (StoreSimEventKind kind)
{
  return (guint)kind < G_N_ELEMENTS (kind_names) ? kind_names[kind] : "?";
}

gboolean
store_sim_event_kind_from_string (const char *text, StoreSimEventKind *kind)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (kind_names); i++)
    if (strcmp (text, kind_names[i]) == 0) {
      *kind = (StoreSimEventKind)i;
      return TRUE;
    }
  return FALSE;
}

void
store_sim_event_free (StoreSimEvent *e)
{
  if (e == NULL)
    return;
  g_free (e->imsi);
  g_free (e->day);
  g_free (e->imei);
  g_free (e->remote);
  g_free (e->device_id);
  g_free (e);
}

static char *
utc_day (gint64 ms)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (ms / 1000);

  return t != NULL ? g_date_time_format (t, "%Y-%m-%d") : g_strdup ("0000-00-00");
}

/* The first-use update inside an open transaction of @db. */
static gboolean
note_first_use (StoreDb *db, const char *imsi, gint64 at_ms, gboolean passed_only, GError **error)
{
  StoreStmt *st = store_db_prepare (db,
                                    "UPDATE units SET first_used_at = ?2 WHERE imsi = ?1 AND "
                                    "(first_used_at IS NULL OR first_used_at > ?2) AND "
                                    "(?3 = 0 OR state = 'passed')",
                                    error);

  if (st == NULL)
    return FALSE;
  store_stmt_bind_text (st, 1, imsi);
  store_stmt_bind_int (st, 2, at_ms);
  store_stmt_bind_int (st, 3, passed_only);
  return store_stmt_run (st, error);
}

gboolean
store_sim_event_add (Store *store, const char *imsi, StoreSimEventKind kind, gint64 at_ms,
                     const char *imei, const char *remote, gboolean *recorded, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *day = NULL;
  StoreDb *db;
  StoreStmt *st;
  gboolean ok = FALSE;

  *recorded = FALSE;
  if (imsi == NULL || !identity_imsi_check (imsi, &local)) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID, "SIM event: %s",
                 local ? local->message : "no IMSI");
    return FALSE;
  }
  if ((guint)kind >= G_N_ELEMENTS (kind_names)) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID, "SIM event: unknown kind %d",
                 (int)kind);
    return FALSE;
  }
  if (at_ms <= 0)
    at_ms = store_now_ms ();
  day = utc_day (at_ms);
  db = store_write_begin (store, error);
  if (db == NULL)
    return FALSE;
  st = store_db_prepare (db,
                         "INSERT OR IGNORE INTO sim_events (imsi, kind, day, at, imei, remote, "
                         "received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                         error);
  if (st == NULL)
    goto out;
  store_stmt_bind_text (st, 1, imsi);
  store_stmt_bind_text (st, 2, kind_names[kind]);
  store_stmt_bind_text (st, 3, day);
  store_stmt_bind_int (st, 4, at_ms);
  store_stmt_bind_text (st, 5, imei);
  store_stmt_bind_text (st, 6, remote);
  store_stmt_bind_int (st, 7, store_now_ms ());
  if (!store_stmt_run (st, error))
    goto out;
  *recorded = store_db_changes (db) > 0;
  /* factory test traffic of a unit being provisioned is not a first use */
  ok = !*recorded || kind != STORE_SIM_EVENT_FIRST_USE
       || note_first_use (db, imsi, at_ms, TRUE, error);

out:
  if (!ok)
    *recorded = FALSE;
  return store_write_end (db, ok, error);
}

#define EVENT_SELECT                                                                               \
  "SELECT e.id, e.imsi, e.kind, e.day, e.at, e.imei, e.remote, e.received_at, u.device_id "        \
  "FROM sim_events e LEFT JOIN units u ON u.imsi = e.imsi "

static GPtrArray *
event_query (Store *store, const char *sql, const char *key, GError **error)
{
  g_autoptr (GPtrArray) list
      = g_ptr_array_new_with_free_func ((GDestroyNotify)store_sim_event_free);
  StoreDb *db = store_get_db (store, error);
  StoreStmt *st;
  StoreStep r;

  if (db == NULL)
    return NULL;
  st = store_db_prepare (db, sql, error);
  if (st == NULL)
    return NULL;
  store_stmt_bind_text (st, 1, key);
  while ((r = store_stmt_step (st, error)) == STORE_STEP_ROW) {
    StoreSimEvent *e = g_new0 (StoreSimEvent, 1);
    g_autofree char *kind = store_stmt_dup_text (st, 2);

    e->id = store_stmt_get_int (st, 0);
    e->imsi = store_stmt_dup_text (st, 1);
    store_sim_event_kind_from_string (kind, &e->kind);
    e->day = store_stmt_dup_text (st, 3);
    e->at = store_stmt_get_int (st, 4);
    e->imei = store_stmt_dup_text (st, 5);
    e->remote = store_stmt_dup_text (st, 6);
    e->received_at = store_stmt_get_int (st, 7);
    e->device_id = store_stmt_dup_text (st, 8);
    g_ptr_array_add (list, e);
  }
  store_stmt_reset (st);
  return r == STORE_STEP_ERROR ? NULL : g_steal_pointer (&list);
}

GPtrArray *
store_sim_event_list_by_imsi (Store *store, const char *imsi, GError **error)
{
  return event_query (store, EVENT_SELECT "WHERE e.imsi = ?1 ORDER BY e.at, e.id", imsi, error);
}

GPtrArray *
store_sim_event_list_by_batch (Store *store, const char *batch_id, GError **error)
{
  return event_query (store, EVENT_SELECT "WHERE ?1 IS NULL OR u.batch_id = ?1 ORDER BY e.at, e.id",
                      batch_id, error);
}

gboolean
store_unit_note_first_use (Store *store, const char *imsi, gint64 at_ms, gboolean *updated,
                           GError **error)
{
  StoreDb *db = store_write_begin (store, error);
  gboolean ok;

  if (updated != NULL)
    *updated = FALSE;
  if (db == NULL)
    return FALSE;
  ok = note_first_use (db, imsi, at_ms, FALSE, error);
  if (ok && updated != NULL)
    *updated = store_db_changes (db) > 0;
  return store_write_end (db, ok, error);
}

gboolean
store_unit_get_first_use (Store *store, const char *imsi, gint64 *at_ms, GError **error)
{
  StoreDb *db = store_get_db (store, error);
  StoreStmt *st;
  StoreStep r;

  *at_ms = 0;
  if (db == NULL)
    return FALSE;
  st = store_db_prepare (db, "SELECT first_used_at FROM units WHERE imsi = ?1", error);
  if (st == NULL)
    return FALSE;
  store_stmt_bind_text (st, 1, imsi);
  r = store_stmt_step (st, error);
  if (r == STORE_STEP_ROW && !store_stmt_is_null (st, 0))
    *at_ms = store_stmt_get_int (st, 0);
  store_stmt_reset (st);
  return r != STORE_STEP_ERROR;
}

gboolean
store_batch_set_group_id (Store *store, const char *batch_id, const char *group_id, GError **error)
{
  StoreDb *db = store_write_begin (store, error);
  StoreStmt *st;
  gboolean ok = FALSE;

  if (db == NULL)
    return FALSE;
  st = store_db_prepare (db, "UPDATE batches SET group_id = ?2 WHERE id = ?1", error);
  if (st == NULL)
    goto out;
  store_stmt_bind_text (st, 1, batch_id);
  store_stmt_bind_text (st, 2, group_id);
  ok = store_stmt_run (st, error);
  if (ok && store_db_changes (db) == 0) {
    store_set_not_found (error, "batch", batch_id);
    ok = FALSE;
  }

out:
  return store_write_end (db, ok, error);
}

gboolean
store_batch_get_group_id (Store *store, const char *batch_id, char **group_id, GError **error)
{
  StoreDb *db = store_get_db (store, error);
  StoreStmt *st;
  StoreStep r;

  *group_id = NULL;
  if (db == NULL)
    return FALSE;
  st = store_db_prepare (db, "SELECT group_id FROM batches WHERE id = ?1", error);
  if (st == NULL)
    return FALSE;
  store_stmt_bind_text (st, 1, batch_id);
  r = store_stmt_step (st, error);
  if (r == STORE_STEP_ROW)
    *group_id = store_stmt_dup_text (st, 0);
  store_stmt_reset (st);
  if (r == STORE_STEP_DONE)
    store_set_not_found (error, "batch", batch_id);
  return r == STORE_STEP_ROW;
}
