/* station/store/store-batch.c - batches and their expected SIMs. */
#define G_LOG_DOMAIN "station-store"

#include "station/store/store-private.h"

#include <string.h>

StoreBatch *
store_batch_new (const char *id, const char *source)
{
  StoreBatch *b = g_new0 (StoreBatch, 1);

  b->id = g_strdup (id);
  b->source = g_strdup (source);
  return b;
}

void
store_batch_free (StoreBatch *batch)
{
  if (batch == NULL)
    return;
  g_free (batch->id);
  g_free (batch->source);
  g_free (batch->order_id);
  g_free (batch->recipe_name);
  g_free (batch->recipe_sha256);
  g_free (batch->station);
  g_free (batch->operator_name);
  g_free (batch->note);
  g_free (batch->api_url);
  g_free (batch);
}

StoreSim *
store_sim_new (const char *imsi, const char *iccid, const char *serial_number, const char *msisdn)
{
  StoreSim *s = g_new0 (StoreSim, 1);

  s->imsi = g_strdup (imsi);
  s->iccid = g_strdup (iccid);
  s->serial_number = g_strdup (serial_number);
  s->msisdn = g_strdup (msisdn);
  return s;
}

void
store_sim_free (StoreSim *sim)
{
  if (sim == NULL)
    return;
  g_free (sim->imsi);
  g_free (sim->iccid);
  g_free (sim->serial_number);
  g_free (sim->msisdn);
  g_free (sim->batch_id);
  g_free (sim);
}

/* Names the batch that already expects @value in @column (imsi or iccid),
 * as a CONFLICT error; TRUE when none does. */
static gboolean
check_sim_free (StoreDb *db, const char *sql, const char *what, const StoreSim *sim,
                const char *value, GError **error)
{
  StoreStmt *st;
  StoreStep r;
  gboolean ok = TRUE;

  if (value == NULL)
    return TRUE;
  st = store_db_prepare (db, sql, error);
  if (st == NULL)
    return FALSE;
  store_stmt_bind_text (st, 1, value);
  r = store_stmt_step (st, error);
  if (r == STORE_STEP_ROW) {
    g_autofree char *other = store_stmt_dup_text (st, 0);
    g_autofree char *where = sim->line ? g_strdup_printf (" (line %u)", sim->line) : g_strdup ("");

    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CONFLICT,
                 "%s %s%s is already expected in batch %s; a SIM belongs to one batch", what, value,
                 where, other);
    ok = FALSE;
  } else if (r == STORE_STEP_ERROR) {
    ok = FALSE;
  }
  store_stmt_reset (st);
  return ok;
}

static gboolean
insert_sims (StoreDb *db, const char *batch_id, GPtrArray *sims, GError **error)
{
  for (guint i = 0; sims != NULL && i < sims->len; i++) {
    const StoreSim *sim = sims->pdata[i];
    StoreStmt *st;

    if (!check_sim_free (db, "SELECT batch_id FROM batch_sims WHERE imsi = ?1", "IMSI", sim,
                         sim->imsi, error)
        || !check_sim_free (db, "SELECT batch_id FROM batch_sims WHERE iccid = ?1", "ICCID", sim,
                            sim->iccid, error))
      return FALSE;
    st = store_db_prepare (db,
                           "INSERT INTO batch_sims (imsi, iccid, serial_number, msisdn, "
                           "batch_id, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           error);
    if (st == NULL)
      return FALSE;
    store_stmt_bind_text (st, 1, sim->imsi);
    store_stmt_bind_text (st, 2, sim->iccid);
    store_stmt_bind_text (st, 3, sim->serial_number);
    store_stmt_bind_text (st, 4, sim->msisdn);
    store_stmt_bind_text (st, 5, batch_id);
    if (sim->line)
      store_stmt_bind_int (st, 6, sim->line);
    if (!store_stmt_run (st, error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
batch_exists (StoreDb *db, const char *batch_id, gboolean *exists, GError **error)
{
  StoreStmt *st = store_db_prepare (db, "SELECT 1 FROM batches WHERE id = ?1", error);
  StoreStep r;

  if (st == NULL)
    return FALSE;
  store_stmt_bind_text (st, 1, batch_id);
  r = store_stmt_step (st, error);
  store_stmt_reset (st);
  *exists = r == STORE_STEP_ROW;
  return r != STORE_STEP_ERROR;
}

gboolean
store_batch_import (Store *store, const StoreBatch *batch, GPtrArray *sims, GError **error)
{
  StoreDb *db;
  StoreStmt *st;
  gboolean ok = FALSE, exists = FALSE;
  g_autofree char *actor = store_dup_operator (store), *station = store_dup_station (store);
  g_autofree char *details = NULL, *count = NULL;

  g_return_val_if_fail (batch != NULL && batch->id != NULL && batch->source != NULL, FALSE);
  if (*batch->id == '\0') {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID, "a batch ID cannot be empty");
    return FALSE;
  }
  db = store_write_begin (store, error);
  if (db == NULL)
    return FALSE;
  if (!batch_exists (db, batch->id, &exists, error))
    goto out;
  if (exists) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_EXISTS,
                 "batch %s already exists; choose another batch ID", batch->id);
    goto out;
  }
  st = store_db_prepare (db,
                         "INSERT INTO batches (id, created_at, source, order_id, recipe_name, "
                         "recipe_sha256, station, operator, note, api_url) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                         error);
  if (st == NULL)
    goto out;
  store_stmt_bind_text (st, 1, batch->id);
  store_stmt_bind_int (st, 2, batch->created_at ? batch->created_at : store_now_ms ());
  store_stmt_bind_text (st, 3, batch->source);
  store_stmt_bind_text (st, 4, batch->order_id);
  store_stmt_bind_text (st, 5, batch->recipe_name);
  store_stmt_bind_text (st, 6, batch->recipe_sha256);
  store_stmt_bind_text (st, 7, batch->station ? batch->station : station);
  store_stmt_bind_text (st, 8, batch->operator_name ? batch->operator_name : actor);
  store_stmt_bind_text (st, 9, batch->note);
  store_stmt_bind_text (st, 10, batch->api_url);
  if (!store_stmt_run (st, error))
    goto out;
  if (!insert_sims (db, batch->id, sims, error))
    goto out;
  count = g_strdup_printf ("%u", sims ? sims->len : 0);
  details = store_audit_details ("source", batch->source, "order_id", batch->order_id, "api_url",
                                 batch->api_url, "sims", count, NULL);
  ok = store_audit_append_db (store, db, "batch.import", batch->id, details, error);

out:
  return store_write_end (db, ok, error);
}

gboolean
store_batch_add_sims (Store *store, const char *batch_id, GPtrArray *sims, GError **error)
{
  StoreDb *db = store_write_begin (store, error);
  gboolean ok = FALSE, exists = FALSE;

  if (db == NULL)
    return FALSE;
  if (!batch_exists (db, batch_id, &exists, error))
    goto out;
  if (!exists) {
    store_set_not_found (error, "batch", batch_id);
    goto out;
  }
  ok = insert_sims (db, batch_id, sims, error);

out:
  return store_write_end (db, ok, error);
}

#define BATCH_COLUMNS                                                                              \
  "id, source, order_id, recipe_name, recipe_sha256, station, operator, note, created_at, api_url"

static StoreBatch *
batch_from_row (StoreStmt *st)
{
  StoreBatch *b = g_new0 (StoreBatch, 1);

  b->id = store_stmt_dup_text (st, 0);
  b->source = store_stmt_dup_text (st, 1);
  b->order_id = store_stmt_dup_text (st, 2);
  b->recipe_name = store_stmt_dup_text (st, 3);
  b->recipe_sha256 = store_stmt_dup_text (st, 4);
  b->station = store_stmt_dup_text (st, 5);
  b->operator_name = store_stmt_dup_text (st, 6);
  b->note = store_stmt_dup_text (st, 7);
  b->created_at = store_stmt_get_int (st, 8);
  b->api_url = store_stmt_dup_text (st, 9);
  return b;
}

StoreBatch *
store_batch_get (Store *store, const char *batch_id, GError **error)
{
  StoreDb *db = store_get_db (store, error);
  StoreStmt *st;
  StoreBatch *b = NULL;
  StoreStep r;

  if (db == NULL)
    return NULL;
  st = store_db_prepare (db, "SELECT " BATCH_COLUMNS " FROM batches WHERE id = ?1", error);
  if (st == NULL)
    return NULL;
  store_stmt_bind_text (st, 1, batch_id);
  r = store_stmt_step (st, error);
  if (r == STORE_STEP_ROW)
    b = batch_from_row (st);
  else if (r == STORE_STEP_DONE)
    store_set_not_found (error, "batch", batch_id);
  store_stmt_reset (st);
  return b;
}

GPtrArray *
store_batch_list (Store *store, GError **error)
{
  StoreDb *db = store_get_db (store, error);
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)store_batch_free);
  StoreStmt *st;
  StoreStep r;

  if (db == NULL)
    return NULL;
  st = store_db_prepare (db, "SELECT " BATCH_COLUMNS " FROM batches ORDER BY created_at, id",
                         error);
  if (st == NULL)
    return NULL;
  while ((r = store_stmt_step (st, error)) == STORE_STEP_ROW)
    g_ptr_array_add (list, batch_from_row (st));
  store_stmt_reset (st);
  return r == STORE_STEP_ERROR ? NULL : g_steal_pointer (&list);
}

#define SIM_COLUMNS "imsi, iccid, serial_number, msisdn, batch_id, line"

static StoreSim *
sim_from_row (StoreStmt *st)
{
  g_autofree char *imsi = store_stmt_dup_text (st, 0);
  g_autofree char *iccid = store_stmt_dup_text (st, 1);
  g_autofree char *serial = store_stmt_dup_text (st, 2);
  g_autofree char *msisdn = store_stmt_dup_text (st, 3);
  StoreSim *s = store_sim_new (imsi, iccid, serial, msisdn);

  s->batch_id = store_stmt_dup_text (st, 4);
  s->line = (guint)store_stmt_get_int (st, 5);
  return s;
}

GPtrArray *
store_batch_get_sims (Store *store, const char *batch_id, GError **error)
{
  g_autoptr (StoreBatch) batch = store_batch_get (store, batch_id, error);
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)store_sim_free);
  StoreDb *db;
  StoreStmt *st;
  StoreStep r;

  if (batch == NULL)
    return NULL;
  db = store_get_db (store, error);
  st = db ? store_db_prepare (
           db, "SELECT " SIM_COLUMNS " FROM batch_sims WHERE batch_id = ?1 ORDER BY rowid", error)
          : NULL;
  if (st == NULL)
    return NULL;
  store_stmt_bind_text (st, 1, batch_id);
  while ((r = store_stmt_step (st, error)) == STORE_STEP_ROW)
    g_ptr_array_add (list, sim_from_row (st));
  store_stmt_reset (st);
  return r == STORE_STEP_ERROR ? NULL : g_steal_pointer (&list);
}

StoreSim *
store_sim_find (Store *store, const char *imsi, GError **error)
{
  StoreDb *db = store_get_db (store, error);
  StoreStmt *st;
  StoreSim *sim = NULL;
  StoreStep r;

  if (db == NULL)
    return NULL;
  st = store_db_prepare (db, "SELECT " SIM_COLUMNS " FROM batch_sims WHERE imsi = ?1", error);
  if (st == NULL)
    return NULL;
  store_stmt_bind_text (st, 1, imsi);
  r = store_stmt_step (st, error);
  if (r == STORE_STEP_ROW)
    sim = sim_from_row (st);
  else if (r == STORE_STEP_DONE)
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND,
                 "IMSI %s: not in the SIM list of any batch", imsi);
  store_stmt_reset (st);
  return sim;
}

GPtrArray *
store_batch_recipe_hashes (Store *store, const char *batch_id, GError **error)
{
  g_autoptr (GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);
  StoreDb *db = store_get_db (store, error);
  StoreStmt *st;
  StoreStep r;

  st = db ? store_db_prepare (db,
                              "SELECT DISTINCT recipe_sha256 FROM units "
                              "WHERE batch_id = ?1 AND recipe_sha256 IS NOT NULL ORDER BY 1",
                              error)
          : NULL;
  if (st == NULL)
    return NULL;
  store_stmt_bind_text (st, 1, batch_id);
  while ((r = store_stmt_step (st, error)) == STORE_STEP_ROW)
    g_ptr_array_add (hashes, store_stmt_dup_text (st, 0));
  store_stmt_reset (st);
  if (r == STORE_STEP_ERROR)
    return NULL;
  return g_steal_pointer (&hashes);
}

gboolean
store_batch_count (Store *store, const char *batch_id, StoreBatchCounts *counts, GError **error)
{
  g_autoptr (StoreBatch) batch = store_batch_get (store, batch_id, error);
  StoreDb *db;
  StoreStmt *st;
  StoreStep r;
  gint64 sims = 0;

  memset (counts, 0, sizeof *counts);
  if (batch == NULL)
    return FALSE;
  db = store_get_db (store, error);
  st = db ? store_db_prepare (db, "SELECT count(*) FROM batch_sims WHERE batch_id = ?1", error)
          : NULL;
  if (st == NULL)
    return FALSE;
  store_stmt_bind_text (st, 1, batch_id);
  r = store_stmt_step (st, error);
  if (r == STORE_STEP_ROW)
    sims = store_stmt_get_int (st, 0);
  store_stmt_reset (st);
  if (r == STORE_STEP_ERROR)
    return FALSE;
  counts->sims = (guint64)sims;

  st = store_db_prepare (db,
                         "SELECT CASE WHEN scrapped_at IS NULL THEN state ELSE 'scrapped' END, "
                         "count(*) FROM units WHERE batch_id = ?1 GROUP BY 1",
                         error);
  if (st == NULL)
    return FALSE;
  store_stmt_bind_text (st, 1, batch_id);
  while ((r = store_stmt_step (st, error)) == STORE_STEP_ROW) {
    g_autofree char *state = store_stmt_dup_text (st, 0);
    guint64 n = (guint64)store_stmt_get_int (st, 1);

    counts->units += n;
    if (g_strcmp0 (state, "new") == 0)
      counts->new_ = n;
    else if (g_strcmp0 (state, "running") == 0)
      counts->running = n;
    else if (g_strcmp0 (state, "passed") == 0)
      counts->passed = n;
    else if (g_strcmp0 (state, "failed") == 0)
      counts->failed = n;
    else if (g_strcmp0 (state, "error") == 0)
      counts->error = n;
    else if (g_strcmp0 (state, "scrapped") == 0)
      counts->scrapped = n;
  }
  store_stmt_reset (st);
  return r != STORE_STEP_ERROR;
}

const char *
store_api_url_kind (const char *api_url)
{
  g_autofree char *lower = g_ascii_strdown (api_url ? api_url : "", -1);
  const char *host = strstr (lower, "://");
  gsize n;

  if (strstr (lower, "://api-sandbox.") != NULL || strstr (lower, "/sandbox") != NULL)
    return "SANDBOX";
  host = host ? host + 3 : lower;
  n = strcspn (host, ":/");
  if ((n == 14 && strncmp (host, "api.soracom.io", n) == 0)
      || (n > 15 && strncmp (host + n - 15, ".api.soracom.io", 15) == 0))
    return "PRODUCTION";
  return "TEST";
}

static char *
url_trimmed (const char *url)
{
  char *out = g_strdup (url ? url : "");
  gsize n = strlen (out);

  while (n > 0 && out[n - 1] == '/')
    out[--n] = '\0';
  return out;
}

gboolean
store_batch_check_api_url (Store *store, const char *batch_id, const char *api_url, GError **error)
{
  g_autoptr (StoreBatch) batch = store_batch_get (store, batch_id, error);
  g_autofree char *want = NULL, *have = NULL;

  if (batch == NULL)
    return FALSE;
  if (batch->api_url == NULL || api_url == NULL)
    return TRUE;
  want = url_trimmed (batch->api_url);
  have = url_trimmed (api_url);
  if (g_strcmp0 (want, have) == 0)
    return TRUE;
  g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID,
               "batch %s was imported against the %s API %s, not %s (%s): one batch never mixes "
               "endpoints; run it with --api-url %s%s",
               batch_id, store_api_url_kind (want), want, have, store_api_url_kind (have), want,
               strcmp (store_api_url_kind (want), "SANDBOX") == 0 ? "" : " (without --sandbox)");
  return FALSE;
}
