/* station/pipeline/engine-private.h - what the engine's files share. */
#pragma once

#include "drivers/modem/modem.h"
#include "station/pipeline/engine.h"
#include "station/pipeline/failure-codes.h" /* FAIL_*, ERR_* */

G_BEGIN_DECLS

struct _Engine {
  EngineOptions opts;
  char *batch_id;
  char *station;
  GMainContext *context; /* engine_run()'s loop (its thread-default context) */
  GMainContext *target;  /* where events are delivered: opts.context or context */
  GCancellable *cancellable;

  GMutex lock;           /* guards the fields below */
  GHashTable *in_flight; /* device IDs being run by a slot of this process */
  guint started;         /* units taken (for --count) */
  EngineSummary summary;
  guint slots_running;
  GError *line_fault; /* why the whole line stopped (engine_line_down), or NULL */
};

/* engine_line_down: a fault no unit can get past (the store cannot be
 * written): remembers @why (the first one wins) and cancels the run, so
 * every slot stops after its current step and leaves its unit in place. */
void engine_line_down (Engine *e, const char *why);

/* engine_emit: counts a finished unit in the summary and queues @event
 * (copied) for EngineOptions.context. */
void engine_emit (Engine *engine, const EngineEvent *event);

/* engine_notice: tells the operator @message about @slot (a notice event:
 * the app's banner, the CLI's stderr). */
void engine_notice (Engine *engine, guint slot, const char *message);

/* engine_note_api_call: counts an API call for the summary. */
void engine_note_api_call (Engine *engine);

/* unit_run: the whole pipeline of the unit @device_id (canonical) that the
 * fixture presented in @slot; returns how it ended. */
EngineResult unit_run (Engine *engine, guint slot, const char *device_id);

G_END_DECLS
