/* station/store/store-cloud.h - what the store keeps of the batch's cloud
 * side (issue 13): the batch's SIM group, SIM events delivered by SORACOM
 * event handlers (first use, daily limit, IMEI mismatch), and a unit's
 * first use in the field. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _Store Store;

typedef enum {
  STORE_SIM_EVENT_FIRST_USE,     /* SubscriberFirstTrafficRule */
  STORE_SIM_EVENT_DAILY_LIMIT,   /* SubscriberDailyTrafficRule */
  STORE_SIM_EVENT_IMEI_MISMATCH, /* SubscriberImeiMismatchedRule */
} StoreSimEventKind;

/* store_sim_event_kind_to_string: "first_use", "daily_limit",
 * "imei_mismatch".  _from_string: FALSE for any other text. */
const char *store_sim_event_kind_to_string (StoreSimEventKind kind);
gboolean store_sim_event_kind_from_string (const char *text, StoreSimEventKind *kind);

typedef struct {
  gint64 id;
  char *imsi;
  StoreSimEventKind kind;
  char *day;    /* UTC date of @at, "YYYY-MM-DD" */
  gint64 at;    /* ms */
  char *imei;   /* may be NULL */
  char *remote; /* who delivered it, may be NULL */
  gint64 received_at;
  char *device_id; /* of the unit holding the IMSI when read; NULL when none */
} StoreSimEvent;

void store_sim_event_free (StoreSimEvent *event);

/* store_sim_event_add: records an event of @kind for @imsi (15 digits) at
 * @at_ms (0: now), with @imei and @remote (may be NULL).  One event per
 * IMSI, kind and UTC day: a duplicate sets *@recorded FALSE and writes
 * nothing (no error).  A first_use event also sets the first-use time of
 * the unit holding @imsi when that unit is provisioned (state passed: the
 * traffic of a unit still on the line is not a use in the field).  STORE_ERROR_INVALID
 * for a malformed IMSI. */
gboolean store_sim_event_add (Store *store, const char *imsi, StoreSimEventKind kind, gint64 at_ms,
                              const char *imei, const char *remote, gboolean *recorded,
                              GError **error);

/* store_sim_event_list_by_imsi: the events of @imsi (StoreSimEvent *),
 * oldest first; empty when none. */
GPtrArray *store_sim_event_list_by_imsi (Store *store, const char *imsi, GError **error);

/* store_sim_event_list_by_batch: the events of the IMSIs of the units of
 * @batch_id (NULL: every event), oldest first. */
GPtrArray *store_sim_event_list_by_batch (Store *store, const char *batch_id, GError **error);

/* store_unit_note_first_use: sets the first-use time of the unit holding
 * @imsi to @at_ms when it has none or a later one (the first time seen is
 * kept).  *@updated (may be NULL) tells whether it changed; no unit with
 * that IMSI is not an error (nothing changes). */
gboolean store_unit_note_first_use (Store *store, const char *imsi, gint64 at_ms, gboolean *updated,
                                    GError **error);

/* store_unit_get_first_use: the first-use time (ms) of the unit holding
 * @imsi, 0 when not known. */
gboolean store_unit_get_first_use (Store *store, const char *imsi, gint64 *at_ms, GError **error);

/* store_batch_set_group_id: records the SIM group of @batch_id (NULL
 * clears).  STORE_ERROR_NOT_FOUND when no such batch. */
gboolean store_batch_set_group_id (Store *store, const char *batch_id, const char *group_id,
                                   GError **error);

/* store_batch_get_group_id: the recorded group (NULL in *@group_id when
 * none; free with g_free()).  STORE_ERROR_NOT_FOUND when no such batch. */
gboolean store_batch_get_group_id (Store *store, const char *batch_id, char **group_id,
                                   GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreSimEvent, store_sim_event_free)

G_END_DECLS
