/* station/store/store-unit.c - units, identity claims and lookup. */
#define G_LOG_DOMAIN "station-store"

#include <string.h>

#include "drivers/identity.h"
#include "station/store/store-private.h"

static const char *const state_names[] = {
  [STORE_UNIT_NEW] = "new",       [STORE_UNIT_RUNNING] = "running", [STORE_UNIT_PASSED] = "passed",
  [STORE_UNIT_FAILED] = "failed", [STORE_UNIT_ERROR] = "error",
};

static const char *const key_names[] = {
  [STORE_KEY_DEVICE_ID] = "device_id", [STORE_KEY_IMSI] = "imsi",   [STORE_KEY_IMEI] = "imei",
  [STORE_KEY_ICCID] = "iccid",         [STORE_KEY_LABEL] = "label",
};

const char *
store_unit_state_to_string (StoreUnitState state)
{
  g_return_val_if_fail ((guint)state < G_N_ELEMENTS (state_names), "error");
  return state_names[state];
}

gboolean
store_unit_state_from_string (const char *text, StoreUnitState *state)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++) {
    if (g_strcmp0 (text, state_names[i]) == 0) {
      *state = (StoreUnitState)i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *
store_key_to_string (StoreKey key)
{
  g_return_val_if_fail ((guint)key < G_N_ELEMENTS (key_names), "?");
  return key_names[key];
}

void
store_unit_free (StoreUnit *unit)
{
  if (unit == NULL)
    return;
  g_free (unit->device_id);
  g_free (unit->batch_id);
  g_free (unit->imei);
  g_free (unit->imsi);
  g_free (unit->iccid);
  g_free (unit->failure_code);
  g_free (unit->station);
  g_free (unit->recipe_sha256);
  g_free (unit->operator_name);
  g_free (unit->scrapped_by);
  g_free (unit->scrap_reason);
  g_free (unit);
}

#define UNIT_COLUMNS                                                                               \
  "id, device_id, batch_id, imei, imsi, iccid, state, failure_code, slot, station, "               \
  "recipe_sha256, created_at, updated_at, operator, scrapped_at, scrapped_by, scrap_reason"

static StoreUnit *
unit_from_row (StoreStmt *st)
{
  StoreUnit *u = g_new0 (StoreUnit, 1);
  g_autofree char *state = store_stmt_dup_text (st, 6);

  u->id = store_stmt_get_int (st, 0);
  u->device_id = store_stmt_dup_text (st, 1);
  u->batch_id = store_stmt_dup_text (st, 2);
  u->imei = store_stmt_dup_text (st, 3);
  u->imsi = store_stmt_dup_text (st, 4);
  u->iccid = store_stmt_dup_text (st, 5);
  if (!store_unit_state_from_string (state, &u->state))
    u->state = STORE_UNIT_ERROR;
  u->failure_code = store_stmt_dup_text (st, 7);
  u->slot = store_stmt_is_null (st, 8) ? -1 : (int)store_stmt_get_int (st, 8);
  u->station = store_stmt_dup_text (st, 9);
  u->recipe_sha256 = store_stmt_dup_text (st, 10);
  u->created_at = store_stmt_get_int (st, 11);
  u->updated_at = store_stmt_get_int (st, 12);
  u->operator_name = store_stmt_dup_text (st, 13);
  u->scrapped_at = store_stmt_is_null (st, 14) ? 0 : store_stmt_get_int (st, 14);
  u->scrapped_by = store_stmt_dup_text (st, 15);
  u->scrap_reason = store_stmt_dup_text (st, 16);
  return u;
}

/* The unit whose @column equals @value, NULL without error when none. */
static StoreUnit *
unit_by (StoreDb *db, StoreKey key, const char *value, GError **error)
{
  static const char *const sql[] = {
    [STORE_KEY_DEVICE_ID] = "SELECT " UNIT_COLUMNS " FROM units WHERE device_id = ?1",
    [STORE_KEY_IMSI] = "SELECT " UNIT_COLUMNS " FROM units WHERE imsi = ?1",
    [STORE_KEY_IMEI] = "SELECT " UNIT_COLUMNS " FROM units WHERE imei = ?1",
    [STORE_KEY_ICCID] = "SELECT " UNIT_COLUMNS " FROM units WHERE iccid = ?1",
  };
  StoreStmt *st;
  StoreUnit *u = NULL;

  g_return_val_if_fail (key < STORE_KEY_LABEL, NULL);
  st = store_db_prepare (db, sql[key], error);
  if (st == NULL)
    return NULL;
  store_stmt_bind_text (st, 1, value);
  if (store_stmt_step (st, error) == STORE_STEP_ROW)
    u = unit_from_row (st);
  store_stmt_reset (st);
  return u;
}

StoreUnit *
store_unit_create (Store *store, const char *device_id, const char *batch_id, const char *station,
                   int slot, const char *recipe_sha256, GError **error)
{
  g_autofree char *id = store_device_id_canonical (device_id, error);
  g_autoptr (GError) local = NULL;
  StoreUnit *existing;
  StoreStmt *st;
  StoreDb *db;
  gboolean ok = FALSE;
  gint64 now = store_now_ms ();
  g_autofree char *actor = store_dup_operator (store);

  if (id == NULL)
    return NULL;
  db = store_write_begin (store, error);
  if (db == NULL)
    return NULL;
  existing = unit_by (db, STORE_KEY_DEVICE_ID, id, &local);
  if (existing != NULL) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_EXISTS,
                 "device %s is already in batch %s (state %s); resume it or scan another unit", id,
                 existing->batch_id, store_unit_state_to_string (existing->state));
    store_unit_free (existing);
    goto out;
  }
  if (local != NULL) {
    g_propagate_error (error, g_steal_pointer (&local));
    goto out;
  }
  st = store_db_prepare (db, "SELECT 1 FROM batches WHERE id = ?1", error);
  if (st == NULL)
    goto out;
  store_stmt_bind_text (st, 1, batch_id);
  if (store_stmt_step (st, &local) != STORE_STEP_ROW) {
    store_stmt_reset (st);
    if (local != NULL)
      g_propagate_error (error, g_steal_pointer (&local));
    else
      store_set_not_found (error, "batch", batch_id);
    goto out;
  }
  store_stmt_reset (st);

  st = store_db_prepare (db,
                         "INSERT INTO units (device_id, batch_id, state, slot, station, "
                         "recipe_sha256, created_at, updated_at, operator) "
                         "VALUES (?1, ?2, 'new', ?3, ?4, ?5, ?6, ?6, ?7)",
                         error);
  if (st == NULL)
    goto out;
  store_stmt_bind_text (st, 1, id);
  store_stmt_bind_text (st, 2, batch_id);
  if (slot >= 0)
    store_stmt_bind_int (st, 3, slot);
  store_stmt_bind_text (st, 4, station);
  store_stmt_bind_text (st, 5, recipe_sha256);
  store_stmt_bind_int (st, 6, now);
  store_stmt_bind_text (st, 7, actor);
  ok = store_stmt_run (st, error);

out:
  if (!store_write_end (db, ok, error))
    return NULL;
  return store_unit_get (store, id, error);
}

StoreUnit *
store_unit_find (Store *store, StoreKey key, const char *value, GError **error)
{
  g_autofree char *canon = NULL;
  g_autoptr (GError) local = NULL;
  StoreDb *db;
  StoreUnit *u;

  g_return_val_if_fail (value != NULL, NULL);
  if (key == STORE_KEY_DEVICE_ID) {
    canon = store_device_id_canonical (value, error);
    if (canon == NULL)
      return NULL;
    value = canon;
  }
  db = store_get_db (store, error);
  if (db == NULL)
    return NULL;
  u = unit_by (db, key, value, &local);
  if (u == NULL) {
    if (local != NULL)
      g_propagate_error (error, g_steal_pointer (&local));
    else if (key == STORE_KEY_DEVICE_ID)
      store_set_not_found (error, "unit", value);
    else
      g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND, "%s %s: no unit in the store",
                   key == STORE_KEY_IMSI   ? "IMSI"
                   : key == STORE_KEY_IMEI ? "IMEI"
                                           : "ICCID",
                   value);
  }
  return u;
}

StoreUnit *
store_unit_get (Store *store, const char *device_id, GError **error)
{
  return store_unit_find (store, STORE_KEY_DEVICE_ID, device_id, error);
}

/* Runs one UPDATE of unit @device_id: ?1 device ID, ?2 and ?3 @text1 and
 * @text2, ?4 @num (NULL when @num_null), ?5 now.  Every statement names
 * ?1..?5 (a "?N IS NULL" guard for one it does not use) so that each
 * binding has its place. */
static gboolean
update_unit (Store *store, const char *device_id, const char *sql, const char *text1,
             const char *text2, gint64 num, gboolean num_null, GError **error)
{
  g_autofree char *id = store_device_id_canonical (device_id, error);
  StoreDb *db;
  StoreStmt *st;
  gboolean ok = FALSE;

  if (id == NULL)
    return FALSE;
  db = store_write_begin (store, error);
  if (db == NULL)
    return FALSE;
  st = store_db_prepare (db, sql, error);
  if (st == NULL)
    goto out;
  store_stmt_bind_text (st, 1, id);
  store_stmt_bind_text (st, 2, text1);
  store_stmt_bind_text (st, 3, text2);
  if (!num_null)
    store_stmt_bind_int (st, 4, num);
  store_stmt_bind_int (st, 5, store_now_ms ());
  if (!store_stmt_run (st, error))
    goto out;
  if (store_db_changes (db) != 1) {
    store_set_not_found (error, "unit", id);
    goto out;
  }
  ok = TRUE;

out:
  return store_write_end (db, ok, error);
}

gboolean
store_unit_set_state (Store *store, const char *device_id, StoreUnitState state,
                      const char *failure_code, GError **error)
{
  return update_unit (store, device_id,
                      "UPDATE units SET state = ?2, failure_code = ?3, updated_at = ?5 "
                      "WHERE device_id = ?1 AND ?4 IS NULL",
                      store_unit_state_to_string (state), failure_code, 0, TRUE, error);
}

gboolean
store_unit_set_slot (Store *store, const char *device_id, const char *station, int slot,
                     GError **error)
{
  return update_unit (store, device_id,
                      "UPDATE units SET station = ?2, slot = ?4, updated_at = ?5 "
                      "WHERE device_id = ?1 AND ?3 IS NULL",
                      station, NULL, slot, slot < 0, error);
}

gboolean
store_unit_finish (Store *store, const char *device_id, StoreUnitState state,
                   const char *failure_code, const char *station, GError **error)
{
  g_autofree char *id = store_device_id_canonical (device_id, error);
  g_autofree char *actor = NULL, *details = NULL;
  StoreDb *db;
  StoreStmt *st;
  gboolean ok = FALSE;

  if (id == NULL)
    return FALSE;
  db = store_write_begin (store, error);
  if (db == NULL)
    return FALSE;
  st = store_db_prepare (db,
                         "UPDATE units SET state = ?2, failure_code = ?3, station = ?4, "
                         "slot = NULL, updated_at = ?5, operator = coalesce (?6, operator) "
                         "WHERE device_id = ?1",
                         error);
  if (st == NULL)
    goto out;
  store_stmt_bind_text (st, 1, id);
  store_stmt_bind_text (st, 2, store_unit_state_to_string (state));
  store_stmt_bind_text (st, 3, failure_code);
  store_stmt_bind_text (st, 4, station);
  store_stmt_bind_int (st, 5, store_now_ms ());
  actor = store_dup_operator (store);
  store_stmt_bind_text (st, 6, actor);
  if (!store_stmt_run (st, error))
    goto out;
  if (store_db_changes (db) != 1) {
    store_set_not_found (error, "unit", id);
    goto out;
  }
  /* the end of a unit (passed, failed, error) is audited with it */
  if (state == STORE_UNIT_PASSED || state == STORE_UNIT_FAILED || state == STORE_UNIT_ERROR) {
    details = store_audit_details ("result", store_unit_state_to_string (state), "failure_code",
                                   failure_code, NULL);
    if (!store_audit_append_db (store, db, "unit.end", id, details, error))
      goto out;
  }
  ok = TRUE;

out:
  return store_write_end (db, ok, error);
}

#define SCRAP_REASON_MAX 500

/* The reason of a scrap without its surrounding spaces, or NULL with
 * STORE_ERROR_INVALID saying what is wrong with it. */
static char *
scrap_reason_check (const char *reason, GError **error)
{
  g_autofree char *text = g_strstrip (g_strdup (reason != NULL ? reason : ""));

  if (*text == '\0') {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID,
                 "a scrap needs a reason (what is wrong with the unit), e.g. --reason \"cracked "
                 "case\"");
    return NULL;
  }
  if (!g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > SCRAP_REASON_MAX) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID,
                 "the scrap reason must be UTF-8 text of at most %d characters; shorten it",
                 SCRAP_REASON_MAX);
    return NULL;
  }
  for (const char *p = text; *p; p++) {
    if ((guchar)*p < 0x20 || *p == 0x7f) {
      g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID,
                   "the scrap reason holds a control character (code %d); give one line of "
                   "text",
                   (guchar)*p);
      return NULL;
    }
  }
  return g_steal_pointer (&text);
}

/* "2026-11-26T14:33:09Z" for UTC milliseconds. */
static char *
format_utc (gint64 ms)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (ms / 1000);

  return t != NULL ? g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("?");
}

/* FALSE with a CONFLICT error when @unit cannot be scrapped now. */
static gboolean
check_scrappable (const StoreUnit *unit, GError **error)
{
  if (unit->scrapped_at != 0) {
    g_autofree char *when = format_utc (unit->scrapped_at);

    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CONFLICT,
                 "unit %s was already scrapped on %s by %s (reason: %s); nothing changed",
                 unit->device_id, when,
                 unit->scrapped_by ? unit->scrapped_by : "an unknown operator",
                 unit->scrap_reason ? unit->scrap_reason : "none given");
    return FALSE;
  }
  if (unit->state == STORE_UNIT_RUNNING) {
    if (unit->slot >= 0)
      g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CONFLICT,
                   "unit %s is running in slot %d of station %s; let its run end (or, if that "
                   "station stopped, resume it with provision --resume), then scrap it",
                   unit->device_id, unit->slot, unit->station ? unit->station : "?");
    else
      g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CONFLICT,
                   "unit %s is running (a run was interrupted); finish it with provision "
                   "--resume, then scrap it",
                   unit->device_id);
    return FALSE;
  }
  return TRUE;
}

StoreUnit *
store_unit_scrap (Store *store, const char *device_id, const char *reason, GError **error)
{
  g_autofree char *id = store_device_id_canonical (device_id, error);
  g_autofree char *why = NULL, *actor = NULL, *details = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (StoreUnit) unit = NULL;
  StoreDb *db;
  StoreStmt *st;
  gboolean ok = FALSE;

  if (id == NULL)
    return NULL;
  why = scrap_reason_check (reason, error);
  if (why == NULL)
    return NULL;
  actor = store_dup_operator (store);
  db = store_write_begin (store, error);
  if (db == NULL)
    return NULL;
  /* the role and the unit are read under the write lock: nothing changes
   * between the checks and the write */
  if (!store_operator_require (store, actor, STORE_ROLE_SUPERVISOR, "scrapping a unit", error))
    goto out;
  unit = unit_by (db, STORE_KEY_DEVICE_ID, id, &local);
  if (unit == NULL) {
    if (local != NULL)
      g_propagate_error (error, g_steal_pointer (&local));
    else
      store_set_not_found (error, "unit", id);
    goto out;
  }
  if (!check_scrappable (unit, error))
    goto out;
  st = store_db_prepare (db,
                         "UPDATE units SET scrapped_at = ?2, scrapped_by = ?3, scrap_reason = ?4, "
                         "updated_at = ?2 WHERE device_id = ?1 AND scrapped_at IS NULL",
                         error);
  if (st == NULL)
    goto out;
  store_stmt_bind_text (st, 1, id);
  store_stmt_bind_int (st, 2, store_now_ms ());
  store_stmt_bind_text (st, 3, actor);
  store_stmt_bind_text (st, 4, why);
  if (!store_stmt_run (st, error))
    goto out;
  details = store_audit_details ("reason", why, "state", store_unit_state_to_string (unit->state),
                                 "failure_code", unit->failure_code, NULL);
  ok = store_audit_append_db (store, db, "unit.scrap", id, details, error);

out:
  if (!store_write_end (db, ok, error))
    return NULL;
  return store_unit_get (store, id, error);
}

/* FALSE with a CONFLICT error when @value (of @key) belongs to a unit other
 * than @device_id. */
static gboolean
check_claim (StoreDb *db, StoreKey key, const char *what, const char *value, const char *device_id,
             GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (StoreUnit) other = NULL;

  if (value == NULL)
    return TRUE;
  other = unit_by (db, key, value, &local);
  if (local != NULL) {
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  if (other != NULL && g_strcmp0 (other->device_id, device_id) != 0) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CONFLICT,
                 "%s %s is already bound to unit %s (batch %s, state %s); a SIM or modem "
                 "cannot be in two units",
                 what, value, other->device_id, other->batch_id,
                 store_unit_state_to_string (other->state));
    return FALSE;
  }
  return TRUE;
}

gboolean
store_unit_claim (Store *store, const char *device_id, const char *imei, const char *imsi,
                  const char *iccid, GError **error)
{
  g_autofree char *id = store_device_id_canonical (device_id, error);
  StoreDb *db;
  StoreStmt *st;
  gboolean ok = FALSE;

  if (id == NULL)
    return FALSE;
  db = store_write_begin (store, error);
  if (db == NULL)
    return FALSE;
  if (store_unit_rowid (db, id, error) == 0)
    goto out;
  if (!check_claim (db, STORE_KEY_IMEI, "IMEI", imei, id, error)
      || !check_claim (db, STORE_KEY_IMSI, "IMSI", imsi, id, error)
      || !check_claim (db, STORE_KEY_ICCID, "ICCID", iccid, id, error))
    goto out;
  st = store_db_prepare (db,
                         "UPDATE units SET imei = coalesce (?2, imei), imsi = coalesce (?3, imsi), "
                         "iccid = coalesce (?4, iccid), updated_at = ?5 WHERE device_id = ?1",
                         error);
  if (st == NULL)
    goto out;
  store_stmt_bind_text (st, 1, id);
  store_stmt_bind_text (st, 2, imei);
  store_stmt_bind_text (st, 3, imsi);
  store_stmt_bind_text (st, 4, iccid);
  store_stmt_bind_int (st, 5, store_now_ms ());
  ok = store_stmt_run (st, error);

out:
  return store_write_end (db, ok, error);
}

GPtrArray *
store_unit_list_by_batch (Store *store, const char *batch_id, GError **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)store_unit_free);
  StoreDb *db = store_get_db (store, error);
  StoreStmt *st;
  StoreStep r;

  if (db == NULL)
    return NULL;
  st = store_db_prepare (db, "SELECT " UNIT_COLUMNS " FROM units WHERE batch_id = ?1 ORDER BY id",
                         error);
  if (st == NULL)
    return NULL;
  store_stmt_bind_text (st, 1, batch_id);
  while ((r = store_stmt_step (st, error)) == STORE_STEP_ROW)
    g_ptr_array_add (list, unit_from_row (st));
  store_stmt_reset (st);
  return r == STORE_STEP_ERROR ? NULL : g_steal_pointer (&list);
}

gboolean
store_label_payload_parse (const char *payload, char **device_id, char **imsi, GHashTable **extra,
                           GError **error)
{
  g_auto (GStrv) tokens = NULL;
  g_autoptr (GPtrArray) words = g_ptr_array_new ();
  g_autoptr (GHashTable) pairs = NULL;
  g_autofree char *dev = NULL;
  const char *imsi_value;

  *device_id = NULL;
  *imsi = NULL;
  if (extra)
    *extra = NULL;
  if (payload == NULL || strlen (payload) > 1024) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID,
                 "label payload missing or longer than 1024 characters");
    return FALSE;
  }
  tokens = g_strsplit_set (payload, " \t\r\n", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    if (*tokens[i] != '\0')
      g_ptr_array_add (words, tokens[i]);
  pairs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (words->len % 2 != 0) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID,
                 "label payload '%s': the key %s has no value", payload,
                 (const char *)words->pdata[words->len - 1]);
    return FALSE;
  }
  for (guint i = 0; i + 1 < words->len; i += 2)
    g_hash_table_replace (pairs, g_ascii_strup (words->pdata[i], -1),
                          g_strdup (words->pdata[i + 1]));
  if (!g_hash_table_contains (pairs, "DEV") || !g_hash_table_contains (pairs, "IMSI")) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID,
                 "label payload '%s': expected 'DEV <device id> IMSI <imsi> ...'", payload);
    return FALSE;
  }
  dev = store_device_id_canonical (g_hash_table_lookup (pairs, "DEV"), error);
  if (dev == NULL)
    return FALSE;
  imsi_value = g_hash_table_lookup (pairs, "IMSI");
  *imsi = g_strdup (imsi_value);
  *device_id = g_steal_pointer (&dev);
  if (extra) {
    g_hash_table_remove (pairs, "DEV");
    g_hash_table_remove (pairs, "IMSI");
    *extra = g_steal_pointer (&pairs);
  }
  return TRUE;
}

static gboolean
all_digits (const char *s, gsize *len)
{
  gsize n = 0;

  for (; s[n]; n++)
    if (!g_ascii_isdigit (s[n]))
      return FALSE;
  *len = n;
  return n > 0;
}

/* Probes @key for @value; TRUE when the probe ran (found or not). */
static gboolean
probe (StoreDb *db, StoreKey key, const char *value, StoreUnit **found, StoreKey *matched,
       GError **error)
{
  if (*found != NULL)
    return TRUE;
  *found = unit_by (db, key, value, error);
  if (*found != NULL && matched)
    *matched = key;
  return error == NULL || *error == NULL;
}

StoreUnit *
store_lookup (Store *store, const char *code, StoreKey *matched, GError **error)
{
  g_autofree char *text = g_strstrip (g_strdup (code ? code : ""));
  g_autofree char *canon = NULL;
  StoreUnit *found = NULL;
  StoreDb *db;
  gsize n = 0;
  g_autoptr (GError) local = NULL;

  if (*text == '\0') {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID, "nothing to look up");
    return NULL;
  }
  db = store_get_db (store, error);
  if (db == NULL)
    return NULL;

  if (g_ascii_strncasecmp (text, "DEV", 3) == 0 && g_ascii_isspace (text[3])) {
    g_autofree char *dev = NULL, *imsi = NULL;

    if (!store_label_payload_parse (text, &dev, &imsi, NULL, error))
      return NULL;
    if (probe (db, STORE_KEY_DEVICE_ID, dev, &found, matched, &local) && found == NULL)
      probe (db, STORE_KEY_IMSI, imsi, &found, matched, &local);
    if (found != NULL && matched)
      *matched = STORE_KEY_LABEL;
    if (found == NULL && local == NULL)
      g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND,
                   "label DEV %s IMSI %s: no such unit in the store", dev, imsi);
    goto out;
  }

  canon = identity_device_id_normalize (text, NULL);
  if (canon != NULL && !probe (db, STORE_KEY_DEVICE_ID, canon, &found, matched, &local))
    goto out;
  if (all_digits (text, &n)) {
    if (n == 15
        && (!probe (db, STORE_KEY_IMSI, text, &found, matched, &local)
            || !probe (db, STORE_KEY_IMEI, text, &found, matched, &local)))
      goto out;
    if (n >= 18 && n <= 20 && !probe (db, STORE_KEY_ICCID, text, &found, matched, &local))
      goto out;
  }
  if (found == NULL && local == NULL)
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND,
                 "%s: no unit with this device ID, IMSI, IMEI or ICCID", text);

out:
  if (local != NULL) {
    g_clear_pointer (&found, store_unit_free);
    g_propagate_error (error, g_steal_pointer (&local));
  }
  return found;
}
