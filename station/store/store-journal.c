/* station/store/store-journal.c - the step journal. */
#define G_LOG_DOMAIN "station-store"

#include "station/store/store-private.h"

#include <string.h>

static const char *const journal_states[] = {
  [STORE_JOURNAL_INTENT] = "intent",
  [STORE_JOURNAL_DONE] = "done",
  [STORE_JOURNAL_FAILED] = "failed",
};

const char *
store_journal_state_to_string (StoreJournalState state)
{
  g_return_val_if_fail ((guint)state < G_N_ELEMENTS (journal_states), "intent");
  return journal_states[state];
}

void
store_journal_entry_free (StoreJournalEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->device_id);
  g_free (entry->step);
  g_free (entry->failure_code);
  g_free (entry->detail);
  g_free (entry);
}

static gboolean
check_step_name (const char *step, GError **error)
{
  if (step == NULL || *step == '\0' || strlen (step) > 64) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID,
                 "a journal step needs a name of 1-64 characters");
    return FALSE;
  }
  return TRUE;
}

gboolean
store_journal_intent (Store *store, const char *device_id, const char *step, const char *detail,
                      guint *attempt, GError **error)
{
  g_autofree char *id = store_device_id_canonical (device_id, error);
  StoreDb *db;
  StoreStmt *st;
  gint64 unit, next = 1;
  gboolean ok = FALSE;
  StoreStep r;

  if (id == NULL || !check_step_name (step, error))
    return FALSE;
  db = store_write_begin (store, error);
  if (db == NULL)
    return FALSE;
  unit = store_unit_rowid (db, id, error);
  if (unit == 0)
    goto out;
  st = store_db_prepare (
      db, "SELECT coalesce (max (attempt), 0) + 1 FROM steps WHERE unit_id = ?1 AND step = ?2",
      error);
  if (st == NULL)
    goto out;
  store_stmt_bind_int (st, 1, unit);
  store_stmt_bind_text (st, 2, step);
  r = store_stmt_step (st, error);
  if (r == STORE_STEP_ROW)
    next = store_stmt_get_int (st, 0);
  store_stmt_reset (st);
  if (r != STORE_STEP_ROW)
    goto out;
  st = store_db_prepare (db,
                         "INSERT INTO steps (unit_id, step, attempt, state, detail, started_at) "
                         "VALUES (?1, ?2, ?3, 'intent', ?4, ?5)",
                         error);
  if (st == NULL)
    goto out;
  store_stmt_bind_int (st, 1, unit);
  store_stmt_bind_text (st, 2, step);
  store_stmt_bind_int (st, 3, next);
  store_stmt_bind_text (st, 4, detail);
  store_stmt_bind_int (st, 5, store_now_ms ());
  ok = store_stmt_run (st, error);

out:
  if (!store_write_end (db, ok, error))
    return FALSE;
  if (attempt)
    *attempt = (guint)next;
  return TRUE;
}

static gboolean
journal_close (Store *store, const char *device_id, const char *step, guint attempt,
               StoreJournalState state, const char *failure_code, const char *detail,
               GError **error)
{
  g_autofree char *id = store_device_id_canonical (device_id, error);
  StoreDb *db;
  StoreStmt *st;
  gint64 unit;
  gboolean ok = FALSE;
  StoreStep r;
  g_autofree char *current = NULL;

  if (id == NULL || !check_step_name (step, error))
    return FALSE;
  db = store_write_begin (store, error);
  if (db == NULL)
    return FALSE;
  unit = store_unit_rowid (db, id, error);
  if (unit == 0)
    goto out;
  st = store_db_prepare (
      db, "SELECT state FROM steps WHERE unit_id = ?1 AND step = ?2 AND attempt = ?3", error);
  if (st == NULL)
    goto out;
  store_stmt_bind_int (st, 1, unit);
  store_stmt_bind_text (st, 2, step);
  store_stmt_bind_int (st, 3, attempt);
  r = store_stmt_step (st, error);
  if (r == STORE_STEP_ROW)
    current = store_stmt_dup_text (st, 0);
  store_stmt_reset (st);
  if (r == STORE_STEP_ERROR)
    goto out;
  if (current == NULL) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND,
                 "unit %s: step %s attempt %u was never started", id, step, attempt);
    goto out;
  }
  if (g_strcmp0 (current, "intent") != 0) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID,
                 "unit %s: step %s attempt %u is already %s", id, step, attempt, current);
    goto out;
  }
  st = store_db_prepare (db,
                         "UPDATE steps SET state = ?4, failure_code = ?5, "
                         "detail = coalesce (?6, detail), ended_at = ?7 "
                         "WHERE unit_id = ?1 AND step = ?2 AND attempt = ?3",
                         error);
  if (st == NULL)
    goto out;
  store_stmt_bind_int (st, 1, unit);
  store_stmt_bind_text (st, 2, step);
  store_stmt_bind_int (st, 3, attempt);
  store_stmt_bind_text (st, 4, store_journal_state_to_string (state));
  store_stmt_bind_text (st, 5, failure_code);
  store_stmt_bind_text (st, 6, detail);
  store_stmt_bind_int (st, 7, store_now_ms ());
  ok = store_stmt_run (st, error);

out:
  return store_write_end (db, ok, error);
}

gboolean
store_journal_done (Store *store, const char *device_id, const char *step, guint attempt,
                    const char *detail, GError **error)
{
  return journal_close (store, device_id, step, attempt, STORE_JOURNAL_DONE, NULL, detail, error);
}

gboolean
store_journal_failed (Store *store, const char *device_id, const char *step, guint attempt,
                      const char *failure_code, const char *detail, GError **error)
{
  return journal_close (store, device_id, step, attempt, STORE_JOURNAL_FAILED, failure_code, detail,
                        error);
}

static StoreJournalEntry *
entry_from_row (StoreStmt *st, const char *device_id)
{
  StoreJournalEntry *e = g_new0 (StoreJournalEntry, 1);
  g_autofree char *state = store_stmt_dup_text (st, 2);

  e->device_id = g_strdup (device_id);
  e->step = store_stmt_dup_text (st, 0);
  e->attempt = (guint)store_stmt_get_int (st, 1);
  e->state = g_strcmp0 (state, "done") == 0     ? STORE_JOURNAL_DONE
             : g_strcmp0 (state, "failed") == 0 ? STORE_JOURNAL_FAILED
                                                : STORE_JOURNAL_INTENT;
  e->failure_code = store_stmt_dup_text (st, 3);
  e->detail = store_stmt_dup_text (st, 4);
  e->started_at = store_stmt_get_int (st, 5);
  e->ended_at = store_stmt_is_null (st, 6) ? 0 : store_stmt_get_int (st, 6);
  return e;
}

#define STEP_COLUMNS                                                                               \
  "s.step, s.attempt, s.state, s.failure_code, s.detail, s.started_at, s.ended_at"

static GPtrArray *
journal_query (Store *store, const char *device_id, const char *sql, const char *step,
               GError **error)
{
  g_autofree char *id = store_device_id_canonical (device_id, error);
  g_autoptr (GPtrArray) list
      = g_ptr_array_new_with_free_func ((GDestroyNotify)store_journal_entry_free);
  StoreDb *db;
  StoreStmt *st;
  gint64 unit;
  StoreStep r;

  if (id == NULL)
    return NULL;
  db = store_get_db (store, error);
  if (db == NULL)
    return NULL;
  unit = store_unit_rowid (db, id, error);
  if (unit == 0)
    return NULL;
  st = store_db_prepare (db, sql, error);
  if (st == NULL)
    return NULL;
  store_stmt_bind_int (st, 1, unit);
  if (step != NULL)
    store_stmt_bind_text (st, 2, step);
  while ((r = store_stmt_step (st, error)) == STORE_STEP_ROW)
    g_ptr_array_add (list, entry_from_row (st, id));
  store_stmt_reset (st);
  return r == STORE_STEP_ERROR ? NULL : g_steal_pointer (&list);
}

GPtrArray *
store_journal_list (Store *store, const char *device_id, GError **error)
{
  return journal_query (store, device_id,
                        "SELECT " STEP_COLUMNS " FROM steps s WHERE s.unit_id = ?1 ORDER BY s.id",
                        NULL, error);
}

GPtrArray *
store_journal_last (Store *store, const char *device_id, GError **error)
{
  return journal_query (store, device_id,
                        "SELECT " STEP_COLUMNS " FROM steps s WHERE s.unit_id = ?1 "
                        "AND s.attempt = (SELECT max (attempt) FROM steps t "
                        "WHERE t.unit_id = s.unit_id AND t.step = s.step) "
                        "ORDER BY (SELECT min (id) FROM steps t "
                        "WHERE t.unit_id = s.unit_id AND t.step = s.step)",
                        NULL, error);
}

StoreJournalEntry *
store_journal_get (Store *store, const char *device_id, const char *step, GError **error)
{
  g_autoptr (GPtrArray) list
      = journal_query (store, device_id,
                       "SELECT " STEP_COLUMNS " FROM steps s WHERE s.unit_id = ?1 "
                       "AND s.step = ?2 ORDER BY s.attempt DESC LIMIT 1",
                       step, error);

  if (list == NULL)
    return NULL;
  if (list->len == 0) {
    g_autofree char *id = store_device_id_canonical (device_id, NULL);

    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND,
                 "unit %s: step %s never started", id, step);
    return NULL;
  }
  return g_ptr_array_steal_index (list, 0);
}
