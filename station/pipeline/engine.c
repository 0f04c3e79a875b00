/* station/pipeline/engine.c - slots, their worker threads and the events
 * they send to the caller's main context. */
#define G_LOG_DOMAIN "station-pipeline"

#include "station/pipeline/engine-private.h"

#include "drivers/identity.h"
#include "station/pipeline/unit-steps.h"

G_DEFINE_QUARK (engine_error_quark, engine_error)

/* How long one wait for a unit lasts before the slot checks again whether
 * it was cancelled or --count was reached. */
#define UNIT_WAIT_SLICE_MS 1000

const char *
engine_result_name (EngineResult result)
{
  switch (result) {
  case ENGINE_RESULT_PASSED:
    return "passed";
  case ENGINE_RESULT_FAILED:
    return "failed";
  case ENGINE_RESULT_ERROR:
  default:
    return "error";
  }
}

/* ---- events ---------------------------------------------------------------- */

EngineEvent *
engine_event_copy (const EngineEvent *event)
{
  EngineEvent *copy = g_new (EngineEvent, 1);

  *copy = *event;
  copy->device_id = g_strdup (event->device_id);
  copy->imsi = g_strdup (event->imsi);
  copy->imei = g_strdup (event->imei);
  copy->iccid = g_strdup (event->iccid);
  copy->step = g_strdup (event->step);
  copy->failure_code = g_strdup (event->failure_code);
  copy->message = g_strdup (event->message);
  return copy;
}

void
engine_event_free (EngineEvent *event)
{
  if (event == NULL)
    return;
  g_free ((char *)event->device_id);
  g_free ((char *)event->imsi);
  g_free ((char *)event->imei);
  g_free ((char *)event->iccid);
  g_free ((char *)event->step);
  g_free ((char *)event->failure_code);
  g_free ((char *)event->message);
  g_free (event);
}

/* One event on its way to the caller's context: what it needs from the
 * engine is copied, so the engine may be freed before it is delivered. */
typedef struct {
  EngineEventFunc on_event;
  gpointer user_data;
  EngineEvent *ev;
} QueuedEvent;

static void
queued_event_free (gpointer data)
{
  QueuedEvent *q = data;

  engine_event_free (q->ev);
  g_free (q);
}

static gboolean
deliver_event (gpointer data)
{
  QueuedEvent *q = data;

  q->on_event (q->ev, q->user_data);
  return G_SOURCE_REMOVE;
}

void
engine_emit (Engine *e, const EngineEvent *event)
{
  QueuedEvent *q;

  if (event->kind == ENGINE_EVENT_UNIT_FINISHED) {
    g_mutex_lock (&e->lock);
    e->summary.units++;
    if (event->result == ENGINE_RESULT_PASSED)
      e->summary.passed++;
    else if (event->result == ENGINE_RESULT_FAILED)
      e->summary.failed++;
    else
      e->summary.error++;
    g_mutex_unlock (&e->lock);
  }
  if (e->opts.on_event == NULL)
    return;
  q = g_new0 (QueuedEvent, 1);
  q->on_event = e->opts.on_event;
  q->user_data = e->opts.user_data;
  q->ev = engine_event_copy (event);
  if (q->ev->real_time_us == 0)
    q->ev->real_time_us = g_get_real_time ();
  /* in the emitting (slot) thread, with its own store connection */
  if (event->kind == ENGINE_EVENT_UNIT_FINISHED && e->opts.batch_counts)
    q->ev->have_batch_counts
        = store_batch_count (e->opts.store, e->batch_id, &q->ev->batch_counts, NULL);
  g_main_context_invoke_full (e->target, G_PRIORITY_DEFAULT, deliver_event, q, queued_event_free);
}

void
engine_note_api_call (Engine *e)
{
  g_mutex_lock (&e->lock);
  e->summary.api_calls++;
  g_mutex_unlock (&e->lock);
}

/* Every API call is stored with the unit the calling thread works on
 * (method, path, status, ms, retries; never keys or tokens). */
static void
api_observer (const CloudCallRecord *rec, gpointer data)
{
  Engine *e = data;
  Unit *u = unit_current ();
  StoreApiCall call = { 0 };
  g_autoptr (GError) error = NULL;

  if (u == NULL || g_strcmp0 (rec->operation, "auth") == 0)
    return;
  u->api_calls++;
  engine_note_api_call (e);
  if (u->foreign)
    return;
  call.device_id = u->device_id;
  call.method = (char *)rec->method;
  call.path = (char *)rec->path;
  call.status = (int)rec->status;
  call.duration_ms = rec->ms;
  call.retries = rec->retry;
  if (!store_api_call_add (e->opts.store, &call, &error))
    g_warning ("%s: API call not logged: %s", u->device_id, error->message);
}

/* ---- slots ------------------------------------------------------------------ */

typedef struct {
  Engine *engine;
  guint slot;
} SlotArgs;

void
engine_notice (Engine *e, guint slot, const char *message)
{
  EngineEvent ev = { .kind = ENGINE_EVENT_NOTICE, .slot = slot, .message = message };

  engine_emit (e, &ev);
}

/* take_unit: waits for the fixture to present a unit in @slot; NULL when the
 * slot should stop (no more units, cancelled, --count reached, fixture
 * failure, each told as a notice). */
static char *
take_unit (Engine *e, guint slot)
{
  g_autoptr (GError) error = NULL;
  char *id = NULL;

  g_mutex_lock (&e->lock);
  if (e->opts.count > 0 && e->started >= e->opts.count) {
    g_mutex_unlock (&e->lock);
    return NULL;
  }
  e->started++;
  g_mutex_unlock (&e->lock);

  while (!g_cancellable_is_cancelled (e->cancellable)) {
    g_clear_error (&error);
    if (fixture_wait_unit (e->opts.fixture, slot, UNIT_WAIT_SLICE_MS, &id, e->cancellable, &error))
      break;
    if (g_error_matches (error, FIXTURE_ERROR, FIXTURE_ERROR_TIMEOUT))
      continue;
    if (!g_error_matches (error, FIXTURE_ERROR, FIXTURE_ERROR_NO_MORE_UNITS)
        && !g_error_matches (error, FIXTURE_ERROR, FIXTURE_ERROR_CANCELLED)) {
      g_autofree char *msg = g_strdup_printf ("slot %u stops: %s", slot, error->message);
      engine_notice (e, slot, msg);
    }
    break;
  }
  if (id == NULL && fixture_has_scanner (e->opts.fixture) && error == NULL
      && !g_cancellable_is_cancelled (e->cancellable)) {
    id = fixture_scan (e->opts.fixture, slot, e->cancellable, &error);
    if (id == NULL) {
      g_autofree char *msg = g_strdup_printf (
          "slot %u: the unit's device ID could not be scanned: %s", slot, error->message);
      engine_notice (e, slot, msg);
    }
  }
  if (id == NULL) {
    g_mutex_lock (&e->lock);
    e->started--;
    g_mutex_unlock (&e->lock);
  }
  return id;
}

static gpointer
slot_thread (gpointer data)
{
  SlotArgs *a = data;
  Engine *e = a->engine;
  EngineEvent idle = { .kind = ENGINE_EVENT_SLOT_IDLE, .slot = a->slot };

  for (;;) {
    g_autofree char *raw = take_unit (e, a->slot);
    g_autofree char *id = NULL;
    g_autoptr (GError) error = NULL;
    EngineResult result;

    if (raw == NULL)
      break;
    id = identity_device_id_normalize (raw, &error);
    if (id == NULL) {
      /* a label the scanner misread, or a unit without a valid ID */
      EngineEvent ev = {
        .kind = ENGINE_EVENT_UNIT_FINISHED,
        .slot = a->slot,
        .device_id = raw,
        .result = ENGINE_RESULT_FAILED,
        .failure_code = FAIL_BAD_DEVICE_ID,
        .message = error->message,
      };
      fixture_set_led (e->opts.fixture, a->slot, FIXTURE_LED_FAIL, NULL, NULL);
      fixture_eject (e->opts.fixture, a->slot, FIXTURE_LED_FAIL, NULL, NULL);
      engine_emit (e, &ev);
      continue;
    }
    result = unit_run (e, a->slot, id);
    (void)result;
  }
  store_release_thread (e->opts.store);
  engine_emit (e, &idle);
  g_mutex_lock (&e->lock);
  e->slots_running--;
  g_mutex_unlock (&e->lock);
  g_main_context_wakeup (e->context);
  g_free (a);
  return NULL;
}

/* ---- the engine ------------------------------------------------------------ */

Engine *
engine_new (const EngineOptions *options, GError **error)
{
  g_autoptr (Engine) e = g_new0 (Engine, 1);
  g_autoptr (StoreBatch) batch = NULL;
  StoreBatchCounts counts = { 0 };
  guint have;

  e->opts = *options;
  if (e->opts.poll_ms == 0)
    e->opts.poll_ms = 500;
  if (e->opts.boot_timeout_ms == 0)
    e->opts.boot_timeout_ms = options->recipe->boot_timeout_ms;
  if (e->opts.baud == 0)
    e->opts.baud = 115200;
  g_mutex_init (&e->lock);
  e->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  e->batch_id = g_strdup (options->batch_id);
  e->station = g_strdup (options->station ? options->station : g_get_host_name ());
  e->opts.batch_id = e->batch_id;
  e->opts.station = e->station;

  batch = store_batch_get (e->opts.store, e->batch_id, error);
  if (batch == NULL)
    return NULL;
  if (!store_batch_count (e->opts.store, e->batch_id, &counts, error))
    return NULL;
  if (counts.sims == 0) {
    g_set_error (error, ENGINE_ERROR, ENGINE_ERROR_SETUP,
                 "batch %s expects no SIMs: import its SIM list first", e->batch_id);
    return NULL;
  }
  have = fixture_slot_count (e->opts.fixture);
  if (e->opts.slots == 0)
    e->opts.slots = have;
  if (e->opts.slots > have) {
    g_set_error (error, ENGINE_ERROR, ENGINE_ERROR_SETUP,
                 "%u slots asked for, but the fixture has %u", e->opts.slots, have);
    return NULL;
  }
  if ((e->opts.recipe->steps & RECIPE_STEP_LABEL) && e->opts.print_queue == NULL) {
    g_set_error (error, ENGINE_ERROR, ENGINE_ERROR_SETUP,
                 "recipe %s prints labels but no printer is set", e->opts.recipe->name);
    return NULL;
  }
  e->summary.resumed = (guint)counts.running + (guint)counts.error;
  return g_steal_pointer (&e);
}

void
engine_free (Engine *e)
{
  if (e == NULL)
    return;
  g_clear_pointer (&e->in_flight, g_hash_table_unref);
  g_clear_error (&e->line_fault);
  g_mutex_clear (&e->lock);
  g_free (e->batch_id);
  g_free (e->station);
  g_free (e);
}

void
engine_line_down (Engine *e, const char *why)
{
  g_mutex_lock (&e->lock);
  if (e->line_fault == NULL)
    e->line_fault = g_error_new (ENGINE_ERROR, ENGINE_ERROR_LINE_DOWN,
                                 "the line stopped: %s; units stay in their slots and resume "
                                 "with the next run",
                                 why);
  g_mutex_unlock (&e->lock);
  g_cancellable_cancel (e->cancellable);
}

gboolean
engine_run (Engine *e, GCancellable *cancellable, EngineSummary *summary, GError **error)
{
  g_autoptr (GPtrArray) threads = g_ptr_array_new ();
  gint64 t0 = g_get_monotonic_time ();
  gboolean running = TRUE;

  e->context = g_main_context_ref_thread_default ();
  e->target = g_main_context_ref (e->opts.context != NULL ? e->opts.context : e->context);
  e->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  cloud_client_set_observer (e->opts.cloud, api_observer, e);
  e->slots_running = e->opts.slots;

  for (guint s = 1; s <= e->opts.slots; s++) {
    SlotArgs *a = g_new0 (SlotArgs, 1);
    g_autofree char *name = g_strdup_printf ("slot-%u", s);
    a->engine = e;
    a->slot = s;
    g_ptr_array_add (threads, g_thread_new (name, slot_thread, a));
  }

  while (running) {
    g_main_context_iteration (e->context, TRUE);
    g_mutex_lock (&e->lock);
    running = e->slots_running > 0;
    g_mutex_unlock (&e->lock);
  }
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  while (g_main_context_pending (e->context))
    g_main_context_iteration (e->context, FALSE);
  cloud_client_set_observer (e->opts.cloud, NULL, NULL);

  e->summary.elapsed_ms = (g_get_monotonic_time () - t0) / 1000;
  if (summary != NULL)
    *summary = e->summary;
  g_clear_pointer (&e->context, g_main_context_unref);
  g_clear_pointer (&e->target, g_main_context_unref);
  if (e->line_fault != NULL) {
    g_clear_object (&e->cancellable);
    g_propagate_error (error, g_steal_pointer (&e->line_fault));
    return FALSE;
  }
  if (g_cancellable_is_cancelled (e->cancellable)) {
    g_clear_object (&e->cancellable);
    g_set_error (error, ENGINE_ERROR, ENGINE_ERROR_CANCELLED,
                 "stopped by the operator: interrupted units resume with --resume");
    return FALSE;
  }
  g_clear_object (&e->cancellable);
  return TRUE;
}
