/* station/store/store-site.c - operators and stations. */
#define G_LOG_DOMAIN "station-store"

#include "station/store/store-private.h"

void
store_site_free (StoreSite *site)
{
  if (site == NULL)
    return;
  g_free (site->name);
  g_free (site->detail);
  g_free (site);
}

static gboolean
touch (Store *store, const char *sql, const char *name, const char *detail, GError **error)
{
  StoreDb *db;
  StoreStmt *st;
  gboolean ok = FALSE;

  if (name == NULL || *name == '\0') {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID, "a name cannot be empty");
    return FALSE;
  }
  db = store_write_begin (store, error);
  if (db == NULL)
    return FALSE;
  st = store_db_prepare (db, sql, error);
  if (st != NULL) {
    store_stmt_bind_text (st, 1, name);
    store_stmt_bind_text (st, 2, detail);
    store_stmt_bind_int (st, 3, store_now_ms ());
    ok = store_stmt_run (st, error);
  }
  return store_write_end (db, ok, error);
}

gboolean
store_station_touch (Store *store, const char *name, const char *hostname, GError **error)
{
  return touch (store,
                "INSERT INTO stations (name, hostname, created_at, last_seen_at) "
                "VALUES (?1, ?2, ?3, ?3) ON CONFLICT (name) DO UPDATE SET "
                "hostname = coalesce (?2, hostname), last_seen_at = ?3",
                name, hostname, error);
}

gboolean
store_operator_touch (Store *store, const char *name, const char *display_name, GError **error)
{
  return touch (store,
                "INSERT INTO operators (name, display_name, created_at, last_seen_at) "
                "VALUES (?1, ?2, ?3, ?3) ON CONFLICT (name) DO UPDATE SET "
                "display_name = coalesce (?2, display_name), last_seen_at = ?3",
                name, display_name, error);
}

static GPtrArray *
list (Store *store, const char *sql, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)store_site_free);
  StoreDb *db = store_get_db (store, error);
  StoreStmt *st;
  StoreStep r;

  if (db == NULL)
    return NULL;
  st = store_db_prepare (db, sql, error);
  if (st == NULL)
    return NULL;
  while ((r = store_stmt_step (st, error)) == STORE_STEP_ROW) {
    StoreSite *s = g_new0 (StoreSite, 1);

    s->name = store_stmt_dup_text (st, 0);
    s->detail = store_stmt_dup_text (st, 1);
    s->created_at = store_stmt_get_int (st, 2);
    s->last_seen_at = store_stmt_get_int (st, 3);
    g_ptr_array_add (out, s);
  }
  store_stmt_reset (st);
  return r == STORE_STEP_ERROR ? NULL : g_steal_pointer (&out);
}

GPtrArray *
store_station_list (Store *store, GError **error)
{
  return list (store, "SELECT name, hostname, created_at, last_seen_at FROM stations ORDER BY name",
               error);
}

GPtrArray *
store_operator_list (Store *store, GError **error)
{
  return list (store,
               "SELECT name, display_name, created_at, last_seen_at FROM operators ORDER BY name",
               error);
}
