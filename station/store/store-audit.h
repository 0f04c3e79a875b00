/* station/store/store-audit.h - the audit trail: append-only entries (time,
 * operator, station, action, subject, details JSON) chained by SHA-256.
 *
 * Each entry's hash is the lowercase hex SHA-256 of its content (id, time,
 * operator, station, action, subject, details, each length-prefixed) and
 * the previous entry's hash (64 zeros for the first), so an entry edited,
 * inserted or deleted outside the station breaks the chain at that point.
 * The store's triggers refuse UPDATE and DELETE on the table.
 *
 * Actions the station writes: "batch.import", "batch.cloud-setup",
 * "unit.end" (details: result, failure_code), "unit.scrap" (details:
 * reason, state, failure_code), "label.reprint" (details: reason),
 * "operator.login", "operator.add". */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _Store Store;
typedef struct _StoreDb StoreDb;

#define STORE_AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct {
  gint64 id;
  gint64 at; /* UTC ms */
  char *operator_name;
  char *station;
  char *action;
  char *subject;
  char *details; /* a JSON object */
  char *prev_hash;
  char *hash;
} StoreAuditEntry;

void store_audit_entry_free (StoreAuditEntry *entry);

/* store_audit_entry_hash: the hash @entry must carry after @prev_hash
 * (its own hash and prev_hash fields are not read).  Free with g_free(). */
char *store_audit_entry_hash (const StoreAuditEntry *entry, const char *prev_hash);

/* store_audit_details: a JSON object (text) of the string pairs @key,
 * value, ..., NULL; a NULL value is JSON null.  Free with g_free(). */
char *store_audit_details (const char *key, ...) G_GNUC_NULL_TERMINATED;

/* store_audit_append: appends one entry by the store's actor
 * (store_set_actor()) in its own transaction (or in the caller's, when one
 * is open on this thread).  @subject may be NULL; @details is a JSON object
 * text or NULL ("{}").  FALSE with a STATION_STORE_ERROR when it cannot be
 * written (nothing is written then). */
gboolean store_audit_append (Store *store, const char *action, const char *subject,
                             const char *details, GError **error);

/* store_audit_append_db: the same inside a transaction already open on
 * @db (the store's own writers: the entry commits or rolls back with the
 * change it records). */
gboolean store_audit_append_db (Store *store, StoreDb *db, const char *action, const char *subject,
                                const char *details, GError **error);

/* store_audit_list: every entry (StoreAuditEntry *), oldest first. */
GPtrArray *store_audit_list (Store *store, GError **error);

typedef struct {
  guint64 entries; /* entries that verified */
  gint64 first_id; /* 0 when the trail is empty */
  gint64 last_id;
  char *last_hash; /* the chain head (STORE_AUDIT_GENESIS when empty) */
  gint64 bad_id;   /* on failure: the entry at which the chain breaks */
} StoreAuditSummary;

void store_audit_summary_clear (StoreAuditSummary *summary);

/* store_audit_verify: walks the whole chain in id order.  TRUE with
 * @summary filled when every entry verifies.  Otherwise FALSE with
 * STORE_ERROR_TAMPERED naming the first broken entry and what happened to
 * it (edited: its hash does not match its content; inserted: it does not
 * follow its predecessor; deleted: ids missing, or the last entries gone),
 * and @summary->bad_id set; other store errors as usual. */
gboolean store_audit_verify (Store *store, StoreAuditSummary *summary, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreAuditEntry, store_audit_entry_free)

G_END_DECLS
