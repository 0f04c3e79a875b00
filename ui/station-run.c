/* ui/station-run.c - the line, the engine in a worker thread, its events
 * marshalled to the main context and folded into the models, the batch's
 * progress (lookups and reprints: station-run-scan.c). */
#define G_LOG_DOMAIN "station-ui"

#include <glib/gi18n.h>
#include <string.h>

#include "ui/station-run-private.h"

G_DEFINE_FINAL_TYPE (StationRun, station_run, G_TYPE_OBJECT)

enum { SIG_CHANGED, SIG_NOTICE, SIG_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
set_status (StationRun *self, const char *status)
{
  g_free (self->status);
  self->status = g_strdup (status);
  g_signal_emit (self, signals[SIG_CHANGED], 0);
}

static void
notice (StationRun *self, StationNoticeLevel level, const char *message)
{
  g_signal_emit (self, signals[SIG_NOTICE], 0, (guint)level, message);
}

/* ---- events from the worker threads --------------------------------------- */

static guint
step_index (StationRun *self, const char *step)
{
  for (guint i = 0; i < self->step_count; i++)
    if (g_strcmp0 (self->step_names[i], step) == 0)
      return i + 1;
  return 0;
}

static StationSlot *
slot_for (StationRun *self, guint number)
{
  if (number == 0 || number > g_list_model_get_n_items (G_LIST_MODEL (self->slots)))
    return NULL;
  /* borrowed: the store keeps its reference */
  StationSlot *slot = g_list_model_get_item (G_LIST_MODEL (self->slots), number - 1);
  g_object_unref (slot);
  return slot;
}

/* forget_unit: removes the finished-list row of @device_id, if any, and
 * takes it out of the counts. */
static void
forget_unit (StationRun *self, const char *device_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->units));

  for (guint i = 0; i < n; i++) {
    g_autoptr (StationUnitRow) old = g_list_model_get_item (G_LIST_MODEL (self->units), i);
    const char *result;

    if (g_strcmp0 (station_unit_row_get_device_id (old), device_id) != 0)
      continue;
    result = station_unit_row_get_result (old);
    if (g_strcmp0 (result, "passed") == 0)
      self->passed--;
    else if (g_strcmp0 (result, "failed") == 0)
      self->failed--;
    else
      self->errors--;
    g_list_store_remove (self->units, i);
    return;
  }
}

/* Called by the engine in the default (GTK) main context, in order (the
 * engine's options name it): folds one engine event into the models.  The
 * run outlives the events: the job's task holds it until its completion,
 * which reaches this context after the engine's last event. */
static void
on_engine_event (const EngineEvent *ev, gpointer data)
{
  StationRun *self = data;
  StationSlot *slot = slot_for (self, ev->slot);

  switch (ev->kind) {
  case ENGINE_EVENT_UNIT_STARTED:
    if (self->session_started == 0)
      self->session_started = g_get_monotonic_time ();
    if (slot != NULL)
      station_slot_unit_started (slot, ev->device_id);
    break;
  case ENGINE_EVENT_STEP_STARTED:
  case ENGINE_EVENT_STEP_SKIPPED:
    if (slot != NULL) {
      guint index = step_index (self, ev->step);
      guint limit
          = self->step_limits_ms != NULL && index > 0 && ev->kind == ENGINE_EVENT_STEP_STARTED
                ? self->step_limits_ms[index]
                : 0;

      station_slot_step_timed (slot, ev->step, index, limit, g_get_monotonic_time ());
    }
    break;
  case ENGINE_EVENT_STEP_FINISHED:
    break;
  case ENGINE_EVENT_UNIT_FINISHED: {
    g_autoptr (StationUnitRow) row = NULL;
    const char *result = engine_result_name (ev->result);
    gboolean interrupted
        = ev->result == ENGINE_RESULT_ERROR && g_strcmp0 (ev->failure_code, "cancelled") == 0;

    if (ev->have_batch_counts) {
      self->batch_counts = ev->batch_counts;
      self->have_batch_counts = TRUE;
    }
    self->session_units++;
    self->run_units++;
    if (interrupted && self->stop_requested)
      g_ptr_array_add (self->interrupted,
                       g_strdup_printf (_ ("%s (slot %u)"), ev->device_id, ev->slot));
    if (slot != NULL && interrupted)
      station_slot_unit_interrupted (slot, ev->device_id);
    else if (slot != NULL)
      station_slot_unit_finished (slot, ev->device_id, ev->result == ENGINE_RESULT_PASSED,
                                  ev->failure_code, ev->message);
    /* one row per unit: a unit finishing again (resumed after a stop or
     * an error) replaces its earlier row, and the counts follow */
    forget_unit (self, ev->device_id);
    if (ev->result == ENGINE_RESULT_PASSED)
      self->passed++;
    else if (ev->result == ENGINE_RESULT_FAILED)
      self->failed++;
    else
      self->errors++;
    self->api_calls += ev->api_calls;
    row = station_unit_row_new (ev->slot, ev->device_id, ev->imsi, result, ev->failure_code,
                                ev->message, ev->real_time_us);
    g_list_store_insert (self->units, 0, row);
    g_signal_emit (self, signals[SIG_CHANGED], 0);
    break;
  }
  case ENGINE_EVENT_SLOT_IDLE:
    if (slot != NULL)
      station_slot_idle (slot);
    break;
  case ENGINE_EVENT_NOTICE: {
    g_autofree char *words = station_run_notice_words (ev->slot, ev->message);

    notice (self, STATION_NOTICE_WARNING, words);
    break;
  }
  default:
    break;
  }
}

typedef struct {
  RunLink *link;
  char *message;
} LinkNotice;

static void
link_notice_free (gpointer data)
{
  LinkNotice *n = data;

  g_atomic_rc_box_release (n->link);
  g_free (n->message);
  g_free (n);
}

static gboolean
apply_link_notice (gpointer data)
{
  LinkNotice *n = data;

  if (n->link->run != NULL)
    notice (n->link->run, STATION_NOTICE_WARNING, n->message);
  return G_SOURCE_REMOVE;
}

/* The print queue's thread: a label that could not be printed is held
 * until the printer is fixed; the operator must know at once.  A printer
 * that went away is not told here: the label step waits for it and tells
 * the operator once (an engine notice), not at each attempt. */
static void
on_print_record (const PrintRecord *rec, gpointer data)
{
  RunLink *link = data;
  LinkNotice *n;

  if (rec->state != PRINT_JOB_HELD || rec->error == NULL || printer_error_is_gone (rec->error))
    return;
  n = g_new0 (LinkNotice, 1);
  n->link = g_atomic_rc_box_acquire (link);
  n->message = g_strdup_printf (_ ("Label for %s held: %s. Fix the printer; the unit resumes at "
                                   "the next start."),
                                rec->key, rec->error->message);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, apply_link_notice, n, link_notice_free);
}

/* ---- the worker ------------------------------------------------------------ */

typedef struct {
  StationRun *run;
  gboolean engine; /* run the engine once the line is open */
  GCancellable *cancellable;
  EngineSummary summary;
  StoreBatchCounts counts; /* the batch after the run */
  gboolean have_counts;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_object_unref (job->run);
  g_clear_object (&job->cancellable);
  g_free (job);
}

typedef struct {
  StationRun *run;
  guint slots;
  guint limits[16]; /* per step index */
  StoreBatchCounts counts;
  gboolean have_counts;
} Opened;

static gboolean
apply_opened (gpointer data)
{
  Opened *o = data;
  StationRun *self = o->run;

  if (self->step_limits_ms == NULL)
    self->step_limits_ms = g_new0 (guint, self->step_count + 1);
  for (guint i = 1; i <= self->step_count && i < G_N_ELEMENTS (o->limits); i++)
    self->step_limits_ms[i] = o->limits[i];
  if (o->have_counts) {
    self->batch_counts = o->counts;
    self->have_batch_counts = TRUE;
  }

  if (g_list_model_get_n_items (G_LIST_MODEL (self->slots)) != o->slots) {
    g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 1; i <= o->slots; i++)
      g_ptr_array_add (items, station_slot_new (i, self->step_count));
    g_list_store_splice (self->slots, 0, g_list_model_get_n_items (G_LIST_MODEL (self->slots)),
                         items->pdata, items->len);
  }
  if (self->running && !self->stopping)
    set_status (self, _ ("Provisioning…"));
  return G_SOURCE_REMOVE;
}

static void
opened_free (gpointer data)
{
  Opened *o = data;

  g_object_unref (o->run);
  g_free (o);
}

static gpointer
job_thread (gpointer data)
{
  g_autoptr (GTask) task = data;
  Job *job = g_task_get_task_data (task);
  StationRun *self = job->run;
  g_autoptr (GError) error = NULL;
  g_autoptr (Engine) engine = NULL;
  g_autoptr (GMainContext) context = NULL;
  EngineOptions eopts = { 0 };
  Opened *opened;

  if (self->line == NULL) {
    self->line
        = station_line_open (self->config, &self->options.line, self->close_cancellable, &error);
    if (self->line == NULL) {
      g_task_return_error (task, g_steal_pointer (&error));
      return NULL;
    }
  }
  opened = g_new0 (Opened, 1);
  opened->run = g_object_ref (self);
  opened->slots
      = self->options.slots > 0 ? self->options.slots : fixture_slot_count (self->line->fixture);
  {
    const Recipe *r = self->line->recipe;
    const struct {
      const char *step;
      guint ms;
    } limits[] = { { "insert_boot", r->boot_timeout_ms },    { "attach", r->attach_timeout_ms },
                   { "register", r->register_timeout_ms },   { "selftest", r->selftest_timeout_ms },
                   { "radio_off", r->radio_off_timeout_ms }, { "standby", r->standby_settle_ms } };

    for (gsize i = 0; i < G_N_ELEMENTS (limits); i++) {
      guint index = step_index (self, limits[i].step);

      if (index > 0 && index < G_N_ELEMENTS (opened->limits))
        opened->limits[index] = limits[i].ms;
    }
  }
  opened->have_counts
      = store_batch_count (self->line->store, self->line->batch_id, &opened->counts, NULL);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, apply_opened, opened, opened_free);
  if (!job->engine) {
    store_release_thread (self->line->store);
    g_task_return_boolean (task, TRUE);
    return NULL;
  }

  station_line_engine_options (self->line, &eopts);
  eopts.slots = self->options.slots;
  eopts.count = self->options.count;
  eopts.poll_ms = self->options.poll_ms;
  eopts.on_event = on_engine_event;
  eopts.user_data = self;
  eopts.context = g_main_context_default (); /* the GTK thread's */
  eopts.batch_counts = TRUE;
  engine = engine_new (&eopts, &error);
  if (engine == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return NULL;
  }
  /* engine_run waits in this thread's own context; its events go to the
   * GTK main context (eopts.context) */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  engine_run (engine, job->cancellable, &job->summary, &error);
  g_main_context_pop_thread_default (context);
  job->have_counts
      = store_batch_count (self->line->store, self->line->batch_id, &job->counts, NULL);
  store_release_thread (self->line->store); /* this thread's connection ends with it */
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
  return NULL;
}

static void start_job (StationRun *self, gboolean engine);

static void
job_done (GObject *source, GAsyncResult *result, gpointer data)
{
  StationRun *self = STATION_RUN (source);
  GTask *task = G_TASK (result);
  Job *job = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  gboolean ran = self->running, cancelled, completed;
  g_autofree char *status = NULL;

  completed = g_task_propagate_boolean (task, &error);
  cancelled = g_error_matches (error, ENGINE_ERROR, ENGINE_ERROR_CANCELLED);
  self->busy = self->running = self->stopping = FALSE;
  g_clear_object (&self->run_cancellable);

  if (completed && !ran) {
    /* the line is open */
    if (self->start_pending) {
      self->start_pending = FALSE;
      start_job (self, TRUE);
      return;
    }
    set_status (self, _ ("Ready: press Start"));
    return;
  }
  self->start_pending = FALSE;
  if (job->have_counts) {
    self->batch_counts = job->counts;
    self->have_batch_counts = TRUE;
  }
  if (completed) {
    status = station_run_done_text (self, self->run_units);
    set_status (self, status);
    notice (self, STATION_NOTICE_INFO, status);
  } else if (cancelled) {
    if (self->interrupted->len > 0) {
      g_autofree char *units = g_strjoinv (", ", (char **)self->interrupted->pdata);

      status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Stopped. Left to resume: %s. Put it in again and "
                                             "press Start.",
                                             "Stopped. Left to resume: %s. Put them in again and "
                                             "press Start.",
                                             self->interrupted->len),
                                units);
      set_status (self, status);
      notice (self, STATION_NOTICE_WARNING, status);
    } else {
      set_status (self, _ ("Stopped: no unit was left half done"));
    }
  } else {
    status = g_strdup_printf (_ ("Not running: %s"), error->message);
    set_status (self, status);
    /* a line that could not be opened stays NULL: the next start tries again */
    notice (self, STATION_NOTICE_ERROR, error->message);
  }
  g_signal_emit (self, signals[SIG_FINISHED], 0, completed);
}

static void
start_job (StationRun *self, gboolean engine)
{
  GTask *task;
  Job *job = g_new0 (Job, 1);

  job->run = g_object_ref (self);
  job->engine = engine;
  if (engine) {
    self->run_cancellable = g_cancellable_new ();
    job->cancellable = g_object_ref (self->run_cancellable);
  }
  if (engine) {
    self->run_units = 0;
    self->stop_requested = FALSE;
    g_ptr_array_set_size (self->interrupted, 0);
  }
  task = g_task_new (self, NULL, job_done, NULL);
  g_task_set_source_tag (task, start_job);
  g_task_set_task_data (task, job, job_free);
  self->busy = TRUE;
  self->running = engine;
  /* the counts and the finished list are the session's: a restart adds to them */
  if (engine) {
    set_status (self, self->line ? _ ("Provisioning…")
                                 : _ ("Connecting to the fixture and the SORACOM API…"));
  } else {
    set_status (self, _ ("Connecting to the fixture and the SORACOM API…"));
  }
  /* a thread of its own: a run lasts as long as the batch */
  g_thread_unref (g_thread_new ("station-run", job_thread, task));
}

/* ---- public API ------------------------------------------------------------ */

gboolean
station_run_can_provision (StationRun *self)
{
  return self->options.line.batch_id != NULL && self->options.line.fixture_uri != NULL;
}

gboolean
station_run_is_busy (StationRun *self)
{
  return self->busy;
}

gboolean
station_run_is_running (StationRun *self)
{
  return self->running;
}

gboolean
station_run_is_stopping (StationRun *self)
{
  return self->stopping;
}

const char *
station_run_get_batch (StationRun *self)
{
  return self->options.line.batch_id;
}

StationConfig *
station_run_get_config (StationRun *self)
{
  return self->config;
}

const char *
station_run_get_api_url (StationRun *self)
{
  return self->options.line.api_url;
}

const char *
station_run_get_status (StationRun *self)
{
  return self->status;
}

GListModel *
station_run_get_slots (StationRun *self)
{
  return G_LIST_MODEL (self->slots);
}

GListModel *
station_run_get_units (StationRun *self)
{
  return G_LIST_MODEL (self->units);
}

void
station_run_get_counts (StationRun *self, guint *passed, guint *failed, guint *errors,
                        guint *api_calls)
{
  if (passed)
    *passed = self->passed;
  if (failed)
    *failed = self->failed;
  if (errors)
    *errors = self->errors;
  if (api_calls)
    *api_calls = self->api_calls;
}

void
station_run_prepare (StationRun *self)
{
  if (self->busy || self->line != NULL || !station_run_can_provision (self))
    return;
  start_job (self, FALSE);
}

void
station_run_start (StationRun *self)
{
  if (!station_run_can_provision (self) || self->running)
    return;
  if (self->busy) {
    self->start_pending = TRUE; /* opening: start once open */
    return;
  }
  start_job (self, TRUE);
}

void
station_run_stop (StationRun *self)
{
  self->start_pending = FALSE;
  if (!self->running || self->stopping)
    return;
  self->stopping = TRUE;
  self->stop_requested = TRUE;
  g_cancellable_cancel (self->run_cancellable);
  set_status (self, _ ("Stopping: each slot finishes its current step…"));
}

char *
station_run_done_text (StationRun *self, guint units_this_run)
{
  const StoreBatchCounts *c = &self->batch_counts;

  if (!self->have_batch_counts)
    return g_strdup (_ ("Batch done: the fixture has no more units"));
  if (units_this_run == 0)
    return g_strdup_printf (
        _ ("Batch done already: nothing left to provision (%u passed, %u failed, %u error)"),
        (guint)c->passed, (guint)c->failed, (guint)c->error);
  return g_strdup_printf (_ ("Batch done: the fixture has no more units (%u passed, %u failed, "
                             "%u error)"),
                          (guint)c->passed, (guint)c->failed, (guint)c->error);
}

void
station_run_get_progress (StationRun *self, gint64 now, StationProgress *progress)
{
  const StoreBatchCounts *c = &self->batch_counts;
  guint64 total = 0;

  memset (progress, 0, sizeof *progress);
  progress->eta_s = -1;
  if (self->have_batch_counts) {
    total = MAX (c->sims, c->units);
    progress->done = (guint)(c->passed + c->failed);
    progress->total = (guint)total;
  }
  if (self->options.count > 0 && (progress->total == 0 || self->options.count < progress->total)) {
    progress->total = self->options.count;
    progress->done = MIN (self->run_units, self->options.count);
  }
  /* a rate from fewer than 3 units says nothing */
  if (self->session_started > 0 && self->session_units >= 3 && now > self->session_started) {
    double hours = (double)(now - self->session_started) / (3600.0 * G_USEC_PER_SEC);

    progress->per_hour = hours > 0 ? self->session_units / hours : 0;
    if (progress->per_hour > 0 && progress->total > progress->done)
      progress->eta_s
          = (gint64)((progress->total - progress->done) / progress->per_hour * 3600.0 + 0.5);
  }
  if (progress->total > 0 && progress->total <= progress->done)
    progress->eta_s = 0;
}

const char *const *
station_run_get_interrupted (StationRun *self)
{
  return (const char *const *)self->interrupted->pdata;
}

/* ---- object ------------------------------------------------------------------ */

static const char *
keep (StationRun *self, const char *s)
{
  char *copy = g_strdup (s);

  if (copy != NULL)
    g_ptr_array_add (self->opts_strings, copy);
  return copy;
}

StationRun *
station_run_new (StationConfig *config, const StationRunOptions *options)
{
  StationRun *self = g_object_new (STATION_TYPE_RUN, NULL);
  StationLineOptions *l = &self->options.line;

  self->config = config;
  self->options = *options;
  l->batch_id = keep (self, options->line.batch_id);
  l->fixture_uri = keep (self, options->line.fixture_uri);
  l->api_url = keep (self, options->line.api_url);
  l->recipe_path = keep (self, options->line.recipe_path);
  l->printer_uri = keep (self, options->line.printer_uri);
  l->template_name = keep (self, options->line.template_name);
  l->station = keep (self, options->line.station);
  l->registry_listen = keep (self, options->line.registry_listen);
  l->psk_file = keep (self, options->line.psk_file);
  l->operator= NULL; /* manual: needs the terminal operator of station-cli */
  l->operator_data = NULL;
  l->print_recorder = on_print_record;
  l->print_recorder_data = self->link;
  self->api_url = g_strdup (l->api_url);
  if (station_run_can_provision (self))
    self->status = g_strdup (_ ("Not connected"));
  else
    self->status = g_strdup (_ ("Scanning only: no batch or fixture given"));
  return self;
}

static void
station_run_dispose (GObject *object)
{
  StationRun *self = STATION_RUN (object);

  if (self->link != NULL) {
    self->link->run = NULL;
    g_atomic_rc_box_release (self->link);
    self->link = NULL;
  }
  G_OBJECT_CLASS (station_run_parent_class)->dispose (object);
}

static void
station_run_finalize (GObject *object)
{
  StationRun *self = STATION_RUN (object);

  /* no job holds a reference any more: no thread uses the line */
  g_cancellable_cancel (self->close_cancellable);
  g_clear_pointer (&self->line, station_line_close);
  g_clear_object (&self->close_cancellable);
  g_clear_object (&self->run_cancellable);
  g_clear_object (&self->slots);
  g_clear_object (&self->units);
  g_clear_pointer (&self->opts_strings, g_ptr_array_unref);
  g_clear_pointer (&self->interrupted, g_ptr_array_unref);
  g_free (self->step_limits_ms);
  g_clear_pointer (&self->config, station_config_free);
  g_free (self->api_url);
  g_free (self->status);
  G_OBJECT_CLASS (station_run_parent_class)->finalize (object);
}

static void
station_run_class_init (StationRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = station_run_dispose;
  object_class->finalize = station_run_finalize;
  signals[SIG_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIG_NOTICE] = g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                      NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  signals[SIG_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
station_run_init (StationRun *self)
{
  self->opts_strings = g_ptr_array_new_with_free_func (g_free);
  self->interrupted = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  self->link = g_atomic_rc_box_new0 (RunLink);
  self->link->run = self;
  self->close_cancellable = g_cancellable_new ();
  self->slots = g_list_store_new (STATION_TYPE_SLOT);
  self->units = g_list_store_new (STATION_TYPE_UNIT_ROW);
  self->step_names = station_line_step_names (&self->step_count);
}
