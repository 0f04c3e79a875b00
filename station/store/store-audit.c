/* station/store/store-audit.c - the audit trail chained by SHA-256. */
#define G_LOG_DOMAIN "station-store"

#include "station/store/store-private.h"

#include <json-glib/json-glib.h>
#include <stdarg.h>

#define AUDIT_COLUMNS "id, at, operator, station, action, subject, details, prev_hash, hash"

void
store_audit_entry_free (StoreAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->operator_name);
  g_free (entry->station);
  g_free (entry->action);
  g_free (entry->subject);
  g_free (entry->details);
  g_free (entry->prev_hash);
  g_free (entry->hash);
  g_free (entry);
}

void
store_audit_summary_clear (StoreAuditSummary *summary)
{
  g_clear_pointer (&summary->last_hash, g_free);
}

char *
store_audit_details (const char *key, ...)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  va_list ap;

  json_builder_begin_object (b);
  va_start (ap, key);
  for (const char *k = key; k != NULL; k = va_arg (ap, const char *)) {
    const char *v = va_arg (ap, const char *);

    json_builder_set_member_name (b, k);
    if (v != NULL)
      json_builder_add_string_value (b, v);
    else
      json_builder_add_null_value (b);
  }
  va_end (ap);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* One field of the hashed text: "<length>:<bytes>", or "-" for NULL, so
 * that no two different entries hash the same text. */
static void
hash_field (GChecksum *sum, const char *value)
{
  g_autofree char *len = NULL;

  if (value == NULL) {
    g_checksum_update (sum, (const guchar *)"-;", 2);
    return;
  }
  len = g_strdup_printf ("%zu:", strlen (value));
  g_checksum_update (sum, (const guchar *)len, -1);
  g_checksum_update (sum, (const guchar *)value, -1);
  g_checksum_update (sum, (const guchar *)";", 1);
}

char *
store_audit_entry_hash (const StoreAuditEntry *e, const char *prev_hash)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, e->id);
  g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, e->at);

  hash_field (sum, "soracom-station-audit-1");
  hash_field (sum, id);
  hash_field (sum, at);
  hash_field (sum, e->operator_name);
  hash_field (sum, e->station);
  hash_field (sum, e->action);
  hash_field (sum, e->subject);
  hash_field (sum, e->details);
  hash_field (sum, prev_hash);
  return g_strdup (g_checksum_get_string (sum));
}

/* The id and hash of the last entry (0 and the genesis hash when none);
 * the sequence keeps ids of deleted tail entries from being reused. */
static gboolean
chain_head (StoreDb *db, gint64 *last_id, char **last_hash, GError **error)
{
  StoreStmt *st
      = store_db_prepare (db, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", error);
  StoreStep r;

  if (st == NULL)
    return FALSE;
  r = store_stmt_step (st, error);
  if (r == STORE_STEP_ROW) {
    *last_id = store_stmt_get_int (st, 0);
    *last_hash = store_stmt_dup_text (st, 1);
  } else {
    *last_id = 0;
    *last_hash = g_strdup (STORE_AUDIT_GENESIS);
  }
  store_stmt_reset (st);
  return r != STORE_STEP_ERROR;
}

/* The highest id ever given to an entry (AUTOINCREMENT), 0 when none. */
static gboolean
max_issued_id (StoreDb *db, gint64 *out, GError **error)
{
  StoreStmt *st
      = store_db_prepare (db, "SELECT seq FROM sqlite_sequence WHERE name = 'audit'", error);
  StoreStep r;

  if (st == NULL)
    return FALSE;
  *out = 0;
  r = store_stmt_step (st, error);
  if (r == STORE_STEP_ROW)
    *out = store_stmt_get_int (st, 0);
  store_stmt_reset (st);
  return r != STORE_STEP_ERROR;
}

gboolean
store_audit_append_db (Store *store, StoreDb *db, const char *action, const char *subject,
                       const char *details, GError **error)
{
  StoreAuditEntry e = { 0 };
  g_autofree char *prev = NULL, *hash = NULL;
  gint64 last_id = 0, issued = 0;
  StoreStmt *st;
  gboolean ok = FALSE;

  g_return_val_if_fail (action != NULL, FALSE);
  if (!chain_head (db, &last_id, &prev, error) || !max_issued_id (db, &issued, error))
    return FALSE;
  e.id = MAX (last_id, issued) + 1;
  e.at = store_now_ms ();
  e.operator_name = store_dup_operator (store);
  e.station = store_dup_station (store);
  e.action = (char *)action;
  e.subject = (char *)subject;
  e.details = (char *)(details != NULL ? details : "{}");
  hash = store_audit_entry_hash (&e, prev);
  st = store_db_prepare (db,
                         "INSERT INTO audit (" AUDIT_COLUMNS ") "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                         error);
  if (st == NULL)
    goto out;
  store_stmt_bind_int (st, 1, e.id);
  store_stmt_bind_int (st, 2, e.at);
  store_stmt_bind_text (st, 3, e.operator_name);
  store_stmt_bind_text (st, 4, e.station);
  store_stmt_bind_text (st, 5, e.action);
  store_stmt_bind_text (st, 6, e.subject);
  store_stmt_bind_text (st, 7, e.details);
  store_stmt_bind_text (st, 8, prev);
  store_stmt_bind_text (st, 9, hash);
  ok = store_stmt_run (st, error);

out:
  g_free (e.operator_name);
  g_free (e.station);
  return ok;
}

gboolean
store_audit_append (Store *store, const char *action, const char *subject, const char *details,
                    GError **error)
{
  StoreDb *db = store_write_begin (store, error);

  if (db == NULL)
    return FALSE;
  return store_write_end (db, store_audit_append_db (store, db, action, subject, details, error),
                          error);
}

static StoreAuditEntry *
entry_from_row (StoreStmt *st)
{
  StoreAuditEntry *e = g_new0 (StoreAuditEntry, 1);

  e->id = store_stmt_get_int (st, 0);
  e->at = store_stmt_get_int (st, 1);
  e->operator_name = store_stmt_dup_text (st, 2);
  e->station = store_stmt_dup_text (st, 3);
  e->action = store_stmt_dup_text (st, 4);
  e->subject = store_stmt_dup_text (st, 5);
  e->details = store_stmt_dup_text (st, 6);
  e->prev_hash = store_stmt_dup_text (st, 7);
  e->hash = store_stmt_dup_text (st, 8);
  return e;
}

GPtrArray *
store_audit_list (Store *store, GError **error)
{
  g_autoptr (GPtrArray) out
      = g_ptr_array_new_with_free_func ((GDestroyNotify)store_audit_entry_free);
  StoreDb *db = store_get_db (store, error);
  StoreStmt *st;
  StoreStep r;

  if (db == NULL)
    return NULL;
  st = store_db_prepare (db, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY id", error);
  if (st == NULL)
    return NULL;
  while ((r = store_stmt_step (st, error)) == STORE_STEP_ROW)
    g_ptr_array_add (out, entry_from_row (st));
  store_stmt_reset (st);
  return r == STORE_STEP_ERROR ? NULL : g_steal_pointer (&out);
}

static void set_broken (GError **error, StoreAuditSummary *summary, gint64 id, const char *fmt, ...)
    G_GNUC_PRINTF (4, 5);

static void
set_broken (GError **error, StoreAuditSummary *summary, gint64 id, const char *fmt, ...)
{
  g_autofree char *why = NULL;
  va_list ap;

  va_start (ap, fmt);
  why = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  summary->bad_id = id;
  g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_TAMPERED,
               "the audit trail is broken at entry %" G_GINT64_FORMAT ": %s; keep this store "
               "file as evidence and report it to a supervisor",
               id, why);
}

/* One entry against its predecessor (@prev_id, @prev_hash). */
static gboolean
verify_entry (const StoreAuditEntry *e, gint64 prev_id, const char *prev_hash,
              StoreAuditSummary *summary, GError **error)
{
  g_autofree char *want = NULL;

  if (e->id != prev_id + 1) {
    set_broken (error, summary, e->id,
                "entries %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " before it were deleted",
                prev_id + 1, e->id - 1);
    return FALSE;
  }
  want = store_audit_entry_hash (e, e->prev_hash);
  if (g_strcmp0 (want, e->hash) != 0) {
    set_broken (error, summary, e->id,
                "edited or inserted (action %s, subject %s): its content does not match its hash",
                e->action ? e->action : "(none)", e->subject ? e->subject : "(none)");
    return FALSE;
  }
  if (g_strcmp0 (e->prev_hash, prev_hash) != 0) {
    set_broken (error, summary, e->id,
                "inserted (action %s, subject %s): it does not follow entry %" G_GINT64_FORMAT,
                e->action ? e->action : "(none)", e->subject ? e->subject : "(none)", prev_id);
    return FALSE;
  }
  return TRUE;
}

gboolean
store_audit_verify (Store *store, StoreAuditSummary *summary, GError **error)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autofree char *prev_hash = g_strdup (STORE_AUDIT_GENESIS);
  gint64 prev_id = 0, issued = 0;
  StoreDb *db = store_get_db (store, error);

  memset (summary, 0, sizeof *summary);
  if (db == NULL)
    return FALSE;
  /* the sequence first: an entry appended meanwhile then only lengthens
   * the list, it never looks like a deleted one */
  if (!max_issued_id (db, &issued, error))
    return FALSE;
  entries = store_audit_list (store, error);
  if (entries == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++) {
    const StoreAuditEntry *e = g_ptr_array_index (entries, i);

    if (!verify_entry (e, prev_id, prev_hash, summary, error))
      return FALSE;
    g_free (prev_hash);
    prev_hash = g_strdup (e->hash);
    prev_id = e->id;
    summary->entries++;
  }
  if (issued > prev_id) {
    set_broken (error, summary, prev_id + 1,
                "the last entries (%" G_GINT64_FORMAT " to %" G_GINT64_FORMAT ") were deleted",
                prev_id + 1, issued);
    return FALSE;
  }
  summary->first_id = entries->len > 0 ? ((StoreAuditEntry *)entries->pdata[0])->id : 0;
  summary->last_id = prev_id;
  summary->last_hash = g_steal_pointer (&prev_hash);
  return TRUE;
}
