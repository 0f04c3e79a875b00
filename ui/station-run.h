/* ui/station-run.h - the app's logic, outside the widgets: the production
 * line of the options (opened in a worker thread), the engine running on it
 * in a worker thread of its own, its events carried to the main context and
 * folded into the slot and finished-unit models, counts and a status line;
 * and lookups of scanned codes in worker threads.  Nothing here blocks the
 * main loop.  Everything but the worker threads runs in the main thread. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "station/config.h"
#include "station/pipeline/line.h"
#include "ui/station-models.h"

G_BEGIN_DECLS

typedef enum {
  STATION_NOTICE_INFO,
  STATION_NOTICE_WARNING, /* printer out of paper, a slot stopped, ... */
  STATION_NOTICE_ERROR,   /* the line cannot be opened or the run failed */
} StationNoticeLevel;

/* The options of station-gtk. */
typedef struct {
  StationLineOptions line; /* batch_id and fixture_uri NULL: scanning only */
  guint slots;             /* 0: all of the fixture's */
  guint count;             /* stop after N units (0: until the fixture has no more) */
  guint poll_ms;           /* engine poll interval (0: its default) */
} StationRunOptions;

#define STATION_TYPE_RUN (station_run_get_type ())
G_DECLARE_FINAL_TYPE (StationRun, station_run, STATION, RUN, GObject)

/* station_run_new: takes @config; copies @options (its strings too; the
 * line options' operator and print recorder are the run's own). */
StationRun *station_run_new (StationConfig *config, const StationRunOptions *options);

/* station_run_can_provision: a batch and a fixture were given. */
gboolean station_run_can_provision (StationRun *run);
/* station_run_is_busy: opening the line or running the engine. */
gboolean station_run_is_busy (StationRun *run);
gboolean station_run_is_running (StationRun *run); /* the engine runs */
gboolean station_run_is_stopping (StationRun *run);
const char *station_run_get_batch (StationRun *run); /* NULL in scanning-only mode */
const char *station_run_get_status (StationRun *run);
/* station_run_get_api_url: the SORACOM API the run works against (may be
 * NULL); the window's title names its kind (production or sandbox). */
const char *station_run_get_api_url (StationRun *run);
/* station_run_get_config: the run's configuration (owned by the run); the
 * login sets [station] operator in it before the line opens. */
StationConfig *station_run_get_config (StationRun *run);

/* station_run_get_slots / _units: StationSlot items (one per slot, known
 * once the line is open) and StationUnitRow items, newest first. */
GListModel *station_run_get_slots (StationRun *run);
GListModel *station_run_get_units (StationRun *run);

void station_run_get_counts (StationRun *run, guint *passed, guint *failed, guint *errors,
                             guint *api_calls);

/* station_run_prepare: opens the line in a worker thread (so the slots
 * show) without starting; nothing when open, busy or scanning-only. */
void station_run_prepare (StationRun *run);

/* station_run_start: opens the line if needed, then runs the engine until
 * the fixture has no more units (or --count), in a worker thread; when
 * already opening, starts once open.  Nothing when running. */
void station_run_start (StationRun *run);

/* station_run_stop: cancels the run; each slot finishes (or rolls back)
 * its current step, then "finished" is emitted. */
void station_run_stop (StationRun *run);

/* station_run_lookup_async: the record of the unit @code names (a label
 * payload, device ID, IMSI, IMEI or ICCID) with the SIM's status from the
 * API when reachable, read in a worker thread; finish gives the JSON of
 * `station-cli lookup` (unit_lookup_record()). */
void station_run_lookup_async (StationRun *run, const char *code, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
JsonNode *station_run_lookup_finish (StationRun *run, GAsyncResult *result, GError **error);

/* station_run_done_text: the banner of a batch that is done, from the
 * batch's counts in the store ("nothing left to provision" when the run
 * finished no unit).  Free with g_free(). */
char *station_run_done_text (StationRun *run, guint units_this_run);

/* The batch header: units done (passed + failed) of the batch's total
 * (its expected SIMs, or --count), units per hour of this session and the
 * estimated seconds left (-1: unknown yet). */
typedef struct {
  guint done;
  guint total; /* 0: unknown until the line is open */
  double per_hour;
  gint64 eta_s;
} StationProgress;

/* station_run_get_progress: the progress at @now (monotonic µs). */
void station_run_get_progress (StationRun *run, gint64 now, StationProgress *progress);

/* station_run_get_interrupted: "TRK-000123 (slot 2)" for each unit the
 * last stop left half done (they resume when put in again); NULL-terminated,
 * owned by the run, valid until the next start. */
const char *const *station_run_get_interrupted (StationRun *run);

/* station_run_can_reprint: the line is open with a printer and template. */
gboolean station_run_can_reprint (StationRun *run);

/* station_run_reprint_async: prints the label of @device_id again for
 * @reason through the line's print queue and records it (label_reprint())
 * in a worker thread; finish gives the label's payload. */
void station_run_reprint_async (StationRun *run, const char *device_id, const char *reason,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
char *station_run_reprint_finish (StationRun *run, GAsyncResult *result, GError **error);

/* station_run_sounds_enabled: the [ui] sounds setting of the config
 * (default on; "false", "off", "no" or "0" turn them off). */
gboolean station_run_sounds_enabled (StationRun *run);

/* station_run_label_mismatch: when @code is a label payload whose IMSI or
 * ICCID disagrees with @record (the unit it names), the warning the
 * technician must see (translated); NULL when they agree or @code is not
 * a label.  Free with g_free(). */
char *station_run_label_mismatch (const char *code, JsonObject *record);

/* station_run_notice_words: an engine notice about slot @slot (a slot
 * that stops, an unreadable device ID) in words, the engine's detail in
 * brackets; other notices as they are.  Free with g_free(). */
char *station_run_notice_words (guint slot, const char *message);

/* Signals:
 *   "changed" ()                     status, busy/stopping or counts changed
 *   "notice" (guint level, gchararray message)
 *   "finished" (gboolean completed)  a run ended: TRUE when the fixture had
 *                                    no more units, FALSE when stopped or failed */

G_END_DECLS
