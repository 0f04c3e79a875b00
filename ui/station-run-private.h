/* ui/station-run-private.h - the run's state, shared by station-run.c (the
 * line, the engine and its events) and station-run-scan.c (lookups,
 * reprints, a scanned label checked against its record, notices and
 * settings in words). */
#pragma once

#include "ui/station-run.h"

G_BEGIN_DECLS

/* A pointer to the run that outlives it, for the printer thread's notices
 * (the print queue may report while the run is being finalized).  ->run is
 * only read and cleared in the main thread. */
typedef struct {
  StationRun *run;
} RunLink;

struct _StationRun {
  GObject parent_instance;

  StationConfig *config;
  StationRunOptions options; /* strings owned (opts_strings) */
  GPtrArray *opts_strings;
  char *api_url;
  RunLink *link;

  StationLine *line;               /* touched by the worker thread only while busy */
  GCancellable *close_cancellable; /* the line's lifetime */
  GCancellable *run_cancellable;   /* the current run */

  gboolean busy;
  gboolean running;
  gboolean stopping;
  gboolean start_pending;
  char *status;

  GListStore *slots; /* StationSlot */
  GListStore *units; /* StationUnitRow, newest first */
  const char *const *step_names;
  guint step_count;
  guint passed, failed, errors, api_calls;
  guint *step_limits_ms;         /* per step index (from 1), from the recipe once open */
  StoreBatchCounts batch_counts; /* the batch in the store, read by the workers */
  gboolean have_batch_counts;
  gint64 session_started; /* monotonic µs of the first unit of this session, 0 before */
  guint session_units;    /* units finished in this session */
  guint run_units;        /* units finished in the current (or last) run */
  gboolean stop_requested;
  GPtrArray *interrupted; /* "device (slot N)" left to resume by the last stop */
};

G_END_DECLS
