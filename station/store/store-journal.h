/* station/store/store-journal.h - the step journal of each unit: the engine
 * writes an intent before it acts and done/failed after, so that after a
 * crash it can read back where each step stood and resume without doing
 * anything twice (DESIGN.md "The pipeline of one unit"). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _Store Store;

typedef enum {
  STORE_JOURNAL_INTENT, /* about to act: the outcome is unknown until done/failed */
  STORE_JOURNAL_DONE,
  STORE_JOURNAL_FAILED,
} StoreJournalState;

typedef struct {
  char *device_id;
  char *step;    /* "scan", "identify", "imei_lock", ... */
  guint attempt; /* 1, 2, ... per unit and step */
  StoreJournalState state;
  char *failure_code; /* when failed */
  char *detail;       /* free text (what was done / read back) */
  gint64 started_at;
  gint64 ended_at; /* 0 while intent */
} StoreJournalEntry;

const char *store_journal_state_to_string (StoreJournalState state);
void store_journal_entry_free (StoreJournalEntry *entry);

/* store_journal_intent: records (durably, before returning) that @step of
 * unit @device_id is about to run; returns its attempt number in @attempt
 * (one more than the last attempt of the step).  STORE_ERROR_NOT_FOUND when
 * the unit does not exist. */
gboolean store_journal_intent (Store *store, const char *device_id, const char *step,
                               const char *detail, guint *attempt, GError **error);

/* store_journal_done / store_journal_failed: closes the attempt opened by
 * store_journal_intent().  @detail (may be NULL) replaces the intent's
 * detail when given.  STORE_ERROR_NOT_FOUND when there is no such attempt,
 * STORE_ERROR_INVALID when it was already closed. */
gboolean store_journal_done (Store *store, const char *device_id, const char *step, guint attempt,
                             const char *detail, GError **error);
gboolean store_journal_failed (Store *store, const char *device_id, const char *step, guint attempt,
                               const char *failure_code, const char *detail, GError **error);

/* store_journal_list: every attempt of every step of the unit
 * (StoreJournalEntry *), in the order they started. */
GPtrArray *store_journal_list (Store *store, const char *device_id, GError **error);

/* store_journal_last: the last attempt of each step of the unit, in the
 * order the steps were first started: what a resume reads. */
GPtrArray *store_journal_last (Store *store, const char *device_id, GError **error);

/* store_journal_get: the last attempt of @step, or NULL with
 * STORE_ERROR_NOT_FOUND when the step never started. */
StoreJournalEntry *store_journal_get (Store *store, const char *device_id, const char *step,
                                      GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreJournalEntry, store_journal_entry_free)

G_END_DECLS
