/* station/pipeline/engine.h - the provisioning engine: N slots, each a
 * worker thread that takes the units the fixture presents and runs them
 * through the pipeline of DESIGN.md (scan ... release), journaled in the
 * store before and after every step so that a crash, a pulled cable or a
 * restart resumes without doing anything twice.
 *
 * The engine owns nothing it is given: the store, the API client, the
 * fixture and the print queue are shared by all slots (each of them is
 * thread-safe) and outlive it.  Progress reaches the caller as events in
 * the main context of its choice (EngineOptions.context), by default the
 * thread-default main context of the thread that calls engine_run(). */
#pragma once

#include <gio/gio.h>

#include "drivers/fixture/fixture.h"
#include "drivers/printer/print-queue.h"
#include "labels/label-template.h"
#include "station/cloud/cloud-client.h"
#include "station/pipeline/recipe.h"
#include "station/store/store.h"

G_BEGIN_DECLS

#define ENGINE_ERROR (engine_error_quark ())
GQuark engine_error_quark (void);

typedef enum {
  ENGINE_ERROR_SETUP,     /* the batch, recipe or fixture does not allow a run */
  ENGINE_ERROR_CANCELLED, /* stopped by the operator */
  ENGINE_ERROR_LINE_DOWN, /* the store could not be written: the run stopped, units
                             stay in their slots for the next run */
} EngineError;

/* How a unit ended (CONTRACT.md section 2 "provision"). */
typedef enum {
  ENGINE_RESULT_PASSED,
  ENGINE_RESULT_FAILED, /* the unit is at fault: failure_code says why */
  ENGINE_RESULT_ERROR,  /* the station could not finish; the unit resumes later */
} EngineResult;

const char *engine_result_name (EngineResult result);

typedef enum {
  ENGINE_EVENT_UNIT_STARTED,  /* device_id entered slot */
  ENGINE_EVENT_STEP_STARTED,  /* step */
  ENGINE_EVENT_STEP_FINISHED, /* step, result, failure_code, message (detail) */
  ENGINE_EVENT_STEP_SKIPPED,  /* step was already done (resume) */
  ENGINE_EVENT_UNIT_FINISHED, /* result, failure_code, message, identities */
  ENGINE_EVENT_SLOT_IDLE,     /* the slot stopped taking units */
  ENGINE_EVENT_NOTICE,        /* message for the operator (printer out of paper, ...) */
} EngineEventKind;

typedef struct {
  EngineEventKind kind;
  guint slot;
  const char *device_id;
  const char *imsi;
  const char *imei;
  const char *iccid;
  const char *step;
  EngineResult result;
  const char *failure_code;
  const char *message;
  gint64 elapsed_ms;   /* of the step or the unit */
  guint api_calls;     /* UNIT_FINISHED: API calls made for the unit in this run */
  gint64 real_time_us; /* when the engine emitted it (g_get_real_time ()) */
  /* UNIT_FINISHED with EngineOptions.batch_counts: the batch's counts as
   * the store had them right after the unit's end (have_batch_counts) */
  gboolean have_batch_counts;
  StoreBatchCounts batch_counts;
} EngineEvent;

/* engine_event_copy: a deep copy of @event (its strings too) that outlives
 * the event handler; free with engine_event_free(). */
EngineEvent *engine_event_copy (const EngineEvent *event);
void engine_event_free (EngineEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EngineEvent, engine_event_free)

/* Called in EngineOptions.context (in order); @event is borrowed: keep it
 * with engine_event_copy(). */
typedef void (*EngineEventFunc) (const EngineEvent *event, gpointer user_data);

typedef struct {
  Store *store;
  CloudClient *cloud;
  Fixture *fixture;
  PrintQueue *print_queue;       /* NULL when the recipe prints no label */
  LabelTemplate *label_template; /* likewise */
  const char *printer_uri;       /* recorded with each label */
  const Recipe *recipe;
  const char *batch_id;
  const char *station;
  const char *label_mark; /* "SANDBOX" against the API sandbox (labels/label.h), else NULL */
  guint slots;            /* 0: all of the fixture's slots */
  guint count;            /* stop after this many units (0: until no more units) */
  guint poll_ms;          /* pause between polls of the store / API (default 500) */
  guint boot_timeout_ms;  /* modem answers AT after power on (default: the recipe's) */
  guint baud;             /* of the units' modem ports (default 115200) */
  EngineEventFunc on_event;
  gpointer user_data;    /* outlives the last event: when @context is not
                            engine_run()'s, events may still be pending there
                            when it returns (they stay in order) */
  GMainContext *context; /* where on_event runs (NULL: the thread-default
                            main context of engine_run()'s thread) */
  gboolean batch_counts; /* UNIT_FINISHED events carry the batch's counts */
} EngineOptions;

typedef struct {
  guint units;
  guint passed;
  guint failed;
  guint error;
  guint resumed;   /* units of the batch an earlier run left unfinished (running or error) */
  guint api_calls; /* made by the slots (authentication excluded) */
  gint64 elapsed_ms;
} EngineSummary;

typedef struct _Engine Engine;

/* engine_new: checks that the batch exists and has SIMs, the slot count
 * fits the fixture; NULL with ENGINE_ERROR_SETUP otherwise. */
Engine *engine_new (const EngineOptions *options, GError **error);
void engine_free (Engine *engine);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Engine, engine_free)

/* engine_run: runs the slots until --count units are done, the fixture has
 * no more units, or @cancellable fires (each slot then finishes or rolls
 * back its current step and leaves the store consistent).  Blocks,
 * dispatching events in the calling thread's thread-default main context.
 * FALSE with ENGINE_ERROR_CANCELLED when cancelled; @summary is filled
 * either way. */
gboolean engine_run (Engine *engine, GCancellable *cancellable, EngineSummary *summary,
                     GError **error);

G_END_DECLS
