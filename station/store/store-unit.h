/* station/store/store-unit.h - units (one device going through the
 * pipeline), the identities they claim, and lookup by any scanned code. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _Store Store;

typedef enum {
  STORE_UNIT_NEW,     /* scanned, nothing done yet */
  STORE_UNIT_RUNNING, /* in the pipeline (or interrupted: resume it) */
  STORE_UNIT_PASSED,
  STORE_UNIT_FAILED, /* the unit is at fault (failure_code says why) */
  STORE_UNIT_ERROR,  /* the station could not finish; the unit resumes later */
} StoreUnitState;

typedef struct {
  gint64 id;
  char *device_id; /* canonical (upper-case) */
  char *batch_id;
  char *imei; /* NULL until claimed */
  char *imsi;
  char *iccid;
  StoreUnitState state;
  char *failure_code;
  int slot; /* -1 when none */
  char *station;
  char *recipe_sha256;
  gint64 created_at;
  gint64 updated_at;
  char *operator_name; /* who ran it (the store's actor), NULL when not known */
  gint64 scrapped_at;  /* UTC ms when a supervisor scrapped it; 0: not scrapped */
  char *scrapped_by;   /* the operator who scrapped it (NULL when not known) */
  char *scrap_reason;  /* why (NULL when not scrapped) */
} StoreUnit;

/* How a code was matched by store_lookup(). */
typedef enum {
  STORE_KEY_DEVICE_ID,
  STORE_KEY_IMSI,
  STORE_KEY_IMEI,
  STORE_KEY_ICCID,
  STORE_KEY_LABEL, /* a label payload "DEV <id> IMSI <imsi> ..." */
} StoreKey;

const char *store_unit_state_to_string (StoreUnitState state);
gboolean store_unit_state_from_string (const char *text, StoreUnitState *state);
const char *store_key_to_string (StoreKey key);

void store_unit_free (StoreUnit *unit);

/* store_unit_create: a new unit @device_id (any case; stored upper-case)
 * in the existing batch @batch_id, state new.  @slot -1 for none; @station
 * and @recipe_sha256 may be NULL.  STORE_ERROR_EXISTS naming the batch and
 * state of the unit when the device ID is already in the store (this or
 * another batch); STORE_ERROR_NOT_FOUND when the batch does not exist;
 * IDENTITY_ERROR for a malformed device ID.  Free with store_unit_free(). */
StoreUnit *store_unit_create (Store *store, const char *device_id, const char *batch_id,
                              const char *station, int slot, const char *recipe_sha256,
                              GError **error);

/* store_unit_get: the unit, or NULL with STORE_ERROR_NOT_FOUND. */
StoreUnit *store_unit_get (Store *store, const char *device_id, GError **error);

/* store_unit_set_state: state and failure code (NULL clears it). */
gboolean store_unit_set_state (Store *store, const char *device_id, StoreUnitState state,
                               const char *failure_code, GError **error);

/* store_unit_set_slot: where the unit is (slot -1 and @station NULL: out). */
gboolean store_unit_set_slot (Store *store, const char *device_id, const char *station, int slot,
                              GError **error);

/* store_unit_finish: the end of a unit's run in one transaction: @state,
 * @failure_code (NULL clears it) and the slot left (slot NULL, station
 * @station), so that no reader sees a finished unit still in a slot.
 * Passed, failed and error append a "unit.end" audit entry in the same
 * transaction, and the unit records the store's actor as its operator. */
gboolean store_unit_finish (Store *store, const char *device_id, StoreUnitState state,
                            const char *failure_code, const char *station, GError **error);

/* store_unit_scrap: takes unit @device_id out of stock for good (damaged,
 * rejected): records now, the store's actor (the operator doing it) and
 * @reason (leading and trailing spaces dropped; 1 to 500 characters of
 * UTF-8 without control characters), and appends a "unit.scrap" audit
 * entry (details: reason, state) in the same transaction.  The unit's
 * state and failure code stay as the pipeline left them; nothing is asked
 * of the SORACOM API.  Errors: STORE_ERROR_INVALID for a bad reason,
 * STORE_ERROR_NOT_FOUND, STORE_ERROR_DENIED when the actor is not a
 * supervisor and the store has one (store_operator_require()),
 * STORE_ERROR_CONFLICT when the unit was already scrapped (naming when and
 * by whom) or is running (state running: in a slot, or interrupted and
 * waiting for provision --resume).  Nothing is written on any error.
 * Returns the unit as stored afterwards; free with store_unit_free(). */
StoreUnit *store_unit_scrap (Store *store, const char *device_id, const char *reason,
                             GError **error);

/* store_unit_claim: binds the identities read from the device (each may be
 * NULL: left as it is) to the unit.  An identity already bound to another
 * unit fails with STORE_ERROR_CONFLICT naming that unit and its batch, and
 * nothing is written.  The check and the write are one transaction under
 * the write lock, backed by UNIQUE constraints, so two stations or
 * processes cannot bind one identity twice. */
gboolean store_unit_claim (Store *store, const char *device_id, const char *imei, const char *imsi,
                           const char *iccid, GError **error);

/* store_unit_list_by_batch: the units of a batch (StoreUnit *) in creation
 * order. */
GPtrArray *store_unit_list_by_batch (Store *store, const char *batch_id, GError **error);

/* store_unit_find: the unit whose @key equals @value (one index probe;
 * device IDs compared without regard to case), or NULL with
 * STORE_ERROR_NOT_FOUND.  @key may not be STORE_KEY_LABEL. */
StoreUnit *store_unit_find (Store *store, StoreKey key, const char *value, GError **error);

/* store_lookup: the unit for a scanned @code: a label payload (CONTRACT.md
 * section 3), a device ID, IMSI, IMEI or ICCID.  @matched (may be NULL)
 * tells which.  NULL with STORE_ERROR_NOT_FOUND naming the code when no
 * unit matches, STORE_ERROR_INVALID for an empty or malformed payload. */
StoreUnit *store_lookup (Store *store, const char *code, StoreKey *matched, GError **error);

/* store_label_payload_parse: the device ID (canonical) and IMSI of a label
 * payload "DEV <id> IMSI <imsi>[ KEY value...]" (keys case-insensitive,
 * separated by one or more spaces).  Extra pairs are returned in @extra
 * (KEY upper-case -> value) when non-NULL.  FALSE with STORE_ERROR_INVALID
 * when DEV or IMSI is missing or a key has no value. */
gboolean store_label_payload_parse (const char *payload, char **device_id, char **imsi,
                                    GHashTable **extra, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreUnit, store_unit_free)

G_END_DECLS
