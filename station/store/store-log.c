/* station/store/store-log.c - API-call log, AT transcript, labels. */
#define G_LOG_DOMAIN "station-store"

#include "station/store/store-private.h"

void
store_api_call_free (StoreApiCall *call)
{
  if (call == NULL)
    return;
  g_free (call->device_id);
  g_free (call->batch_id);
  g_free (call->method);
  g_free (call->path);
  g_free (call);
}

void
store_at_line_free (StoreAtLine *line)
{
  if (line == NULL)
    return;
  g_free (line->line);
  g_free (line);
}

void
store_label_free (StoreLabel *label)
{
  if (label == NULL)
    return;
  g_free (label->device_id);
  g_free (label->payload);
  g_free (label->printer);
  g_free (label->format);
  g_free (label->reprint_reason);
  g_free (label);
}

/* The row id of unit @device_id (any case) with a canonical copy in
 * @canon; 0 with @error when malformed or not found. */
static gint64
unit_id_of (StoreDb *db, const char *device_id, char **canon, GError **error)
{
  *canon = store_device_id_canonical (device_id, error);
  if (*canon == NULL)
    return 0;
  return store_unit_rowid (db, *canon, error);
}

gboolean
store_api_call_add (Store *store, const StoreApiCall *call, GError **error)
{
  g_autofree char *id = NULL;
  StoreDb *db;
  StoreStmt *st;
  gint64 unit = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (call->method != NULL && call->path != NULL, FALSE);
  db = store_write_begin (store, error);
  if (db == NULL)
    return FALSE;
  if (call->device_id != NULL && (unit = unit_id_of (db, call->device_id, &id, error)) == 0)
    goto out;
  if (call->batch_id != NULL) {
    g_autoptr (StoreBatch) b = store_batch_get (store, call->batch_id, error);
    if (b == NULL)
      goto out;
  }
  st = store_db_prepare (db,
                         "INSERT INTO api_calls (unit_id, batch_id, method, path, status, "
                         "duration_ms, retries, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                         error);
  if (st == NULL)
    goto out;
  if (unit != 0)
    store_stmt_bind_int (st, 1, unit);
  store_stmt_bind_text (st, 2, call->batch_id);
  store_stmt_bind_text (st, 3, call->method);
  store_stmt_bind_text (st, 4, call->path);
  store_stmt_bind_int (st, 5, call->status);
  store_stmt_bind_int (st, 6, call->duration_ms);
  store_stmt_bind_int (st, 7, call->retries);
  store_stmt_bind_int (st, 8, call->at ? call->at : store_now_ms ());
  ok = store_stmt_run (st, error);

out:
  return store_write_end (db, ok, error);
}

/* Runs @sql with ?1 = the unit's row id, calling @row for each result. */
static GPtrArray *
list_for_unit (Store *store, const char *device_id, const char *sql,
               gpointer (*row) (StoreStmt *st, const char *device_id), GDestroyNotify free_func,
               GError **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (free_func);
  g_autofree char *id = NULL;
  StoreDb *db = store_get_db (store, error);
  StoreStmt *st;
  gint64 unit;
  StoreStep r;

  if (db == NULL || (unit = unit_id_of (db, device_id, &id, error)) == 0)
    return NULL;
  st = store_db_prepare (db, sql, error);
  if (st == NULL)
    return NULL;
  store_stmt_bind_int (st, 1, unit);
  while ((r = store_stmt_step (st, error)) == STORE_STEP_ROW)
    g_ptr_array_add (list, row (st, id));
  store_stmt_reset (st);
  return r == STORE_STEP_ERROR ? NULL : g_steal_pointer (&list);
}

static gpointer
api_call_row (StoreStmt *st, const char *device_id)
{
  StoreApiCall *c = g_new0 (StoreApiCall, 1);

  c->device_id = g_strdup (device_id);
  c->batch_id = store_stmt_dup_text (st, 0);
  c->method = store_stmt_dup_text (st, 1);
  c->path = store_stmt_dup_text (st, 2);
  c->status = (int)store_stmt_get_int (st, 3);
  c->duration_ms = store_stmt_get_int (st, 4);
  c->retries = (guint)store_stmt_get_int (st, 5);
  c->at = store_stmt_get_int (st, 6);
  return c;
}

GPtrArray *
store_api_call_list (Store *store, const char *device_id, GError **error)
{
  return list_for_unit (store, device_id,
                        "SELECT batch_id, method, path, status, duration_ms, retries, at "
                        "FROM api_calls WHERE unit_id = ?1 ORDER BY id",
                        api_call_row, (GDestroyNotify)store_api_call_free, error);
}

gboolean
store_at_lines_add (Store *store, const char *device_id, GPtrArray *lines, GError **error)
{
  g_autofree char *id = NULL;
  StoreDb *db = store_write_begin (store, error);
  gint64 unit, now = store_now_ms ();
  gboolean ok = FALSE;

  if (db == NULL)
    return FALSE;
  unit = unit_id_of (db, device_id, &id, error);
  if (unit == 0)
    goto out;
  for (guint i = 0; i < lines->len; i++) {
    const StoreAtLine *l = lines->pdata[i];
    StoreStmt *st = store_db_prepare (
        db, "INSERT INTO at_lines (unit_id, direction, line, at) VALUES (?1, ?2, ?3, ?4)", error);

    if (st == NULL)
      goto out;
    store_stmt_bind_int (st, 1, unit);
    store_stmt_bind_text (st, 2, l->direction == STORE_AT_TX ? "tx" : "rx");
    store_stmt_bind_text (st, 3, l->line ? l->line : "");
    store_stmt_bind_int (st, 4, l->at ? l->at : now);
    if (!store_stmt_run (st, error))
      goto out;
  }
  ok = TRUE;

out:
  return store_write_end (db, ok, error);
}

gboolean
store_at_line_add (Store *store, const char *device_id, StoreAtDirection direction,
                   const char *line, gint64 at, GError **error)
{
  StoreAtLine l = { .direction = direction, .line = (char *)line, .at = at };
  g_autoptr (GPtrArray) one = g_ptr_array_new ();

  g_ptr_array_add (one, &l);
  return store_at_lines_add (store, device_id, one, error);
}

static gpointer
at_line_row (StoreStmt *st, const char *device_id)
{
  StoreAtLine *l = g_new0 (StoreAtLine, 1);
  g_autofree char *dir = store_stmt_dup_text (st, 0);

  l->direction = g_strcmp0 (dir, "tx") == 0 ? STORE_AT_TX : STORE_AT_RX;
  l->line = store_stmt_dup_text (st, 1);
  l->at = store_stmt_get_int (st, 2);
  return l;
}

GPtrArray *
store_at_line_list (Store *store, const char *device_id, GError **error)
{
  return list_for_unit (store, device_id,
                        "SELECT direction, line, at FROM at_lines WHERE unit_id = ?1 ORDER BY id",
                        at_line_row, (GDestroyNotify)store_at_line_free, error);
}

gboolean
store_label_add (Store *store, const StoreLabel *label, GError **error)
{
  g_autofree char *id = NULL;
  StoreDb *db;
  StoreStmt *st;
  gint64 unit, printed = 0;
  gboolean ok = FALSE;
  StoreStep r;

  g_return_val_if_fail (label->payload != NULL, FALSE);
  db = store_write_begin (store, error);
  if (db == NULL)
    return FALSE;
  unit = unit_id_of (db, label->device_id, &id, error);
  if (unit == 0)
    goto out;
  st = store_db_prepare (db, "SELECT count(*) FROM labels WHERE unit_id = ?1", error);
  if (st == NULL)
    goto out;
  store_stmt_bind_int (st, 1, unit);
  r = store_stmt_step (st, error);
  if (r == STORE_STEP_ROW)
    printed = store_stmt_get_int (st, 0);
  store_stmt_reset (st);
  if (r == STORE_STEP_ERROR)
    goto out;
  if (printed > 0 && (label->reprint_reason == NULL || *label->reprint_reason == '\0')) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID,
                 "unit %s already has %" G_GINT64_FORMAT " label(s); a reprint needs a reason", id,
                 printed);
    goto out;
  }
  st = store_db_prepare (db,
                         "INSERT INTO labels (unit_id, payload, printer, format, reprint_reason, "
                         "printed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         error);
  if (st == NULL)
    goto out;
  store_stmt_bind_int (st, 1, unit);
  store_stmt_bind_text (st, 2, label->payload);
  store_stmt_bind_text (st, 3, label->printer);
  store_stmt_bind_text (st, 4, label->format);
  store_stmt_bind_text (st, 5, printed > 0 ? label->reprint_reason : NULL);
  store_stmt_bind_int (st, 6, label->printed_at ? label->printed_at : store_now_ms ());
  if (!store_stmt_run (st, error))
    goto out;
  if (printed > 0) { /* a reprint is audited with it */
    g_autofree char *details
        = store_audit_details ("reason", label->reprint_reason, "printer", label->printer, NULL);

    if (!store_audit_append_db (store, db, "label.reprint", id, details, error))
      goto out;
  }
  ok = TRUE;

out:
  return store_write_end (db, ok, error);
}

static gpointer
label_row (StoreStmt *st, const char *device_id)
{
  StoreLabel *l = g_new0 (StoreLabel, 1);

  l->device_id = g_strdup (device_id);
  l->id = store_stmt_get_int (st, 0);
  l->payload = store_stmt_dup_text (st, 1);
  l->printer = store_stmt_dup_text (st, 2);
  l->format = store_stmt_dup_text (st, 3);
  l->reprint_reason = store_stmt_dup_text (st, 4);
  l->printed_at = store_stmt_get_int (st, 5);
  return l;
}

GPtrArray *
store_label_list (Store *store, const char *device_id, GError **error)
{
  return list_for_unit (store, device_id,
                        "SELECT id, payload, printer, format, reprint_reason, printed_at "
                        "FROM labels WHERE unit_id = ?1 ORDER BY id",
                        label_row, (GDestroyNotify)store_label_free, error);
}
