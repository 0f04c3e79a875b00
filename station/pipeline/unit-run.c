/* station/pipeline/unit-run.c - the pipeline of one unit, straight-line
 * code in its slot's worker thread.  Every step writes its intent to the
 * journal before it acts and its outcome after, and reads back what it
 * changed; a step found done in the journal is not run again, and a step
 * found started but not finished is run again from a fresh read of the
 * state it changes, so a crash at any point repeats nothing needlessly. */
#define G_LOG_DOMAIN "station-pipeline"

#include <signal.h>
#include <stdarg.h>
#include <string.h>

#include "drivers/at/at-channel.h"
#include "drivers/identity.h"
#include "drivers/serial/serial-port.h"
#include "labels/label-error.h"
#include "labels/label.h"
#include "station/cloud/cloud-error.h"
#include "station/pipeline/engine-private.h"
#include "station/pipeline/unit-steps.h"

/* The unit whose API calls the current thread makes (for the observer). */
static GPrivate current_unit;

Unit *
unit_current (void)
{
  return g_private_get (&current_unit);
}

static void
at_line_cb (AtLineKind kind, gint64 utc_ms, const char *line, gpointer data)
{
  Unit *u = data;
  StoreAtLine *l = g_new0 (StoreAtLine, 1);

  l->direction = kind == AT_LINE_SENT ? STORE_AT_TX : STORE_AT_RX;
  if (kind == AT_LINE_URC || kind == AT_LINE_DROPPED || kind == AT_LINE_ECHO)
    l->line = g_strdup_printf ("[%s] %s", at_line_kind_name (kind), line);
  else
    l->line = g_strdup (line);
  l->at = utc_ms;
  if (u->at_lines->len < 20000) /* bounded: a babbling modem cannot fill the disk */
    g_ptr_array_add (u->at_lines, l);
  else
    store_at_line_free (l);
}

void
unit_attach_modem (Unit *u, Modem *modem)
{
  g_clear_pointer (&u->modem, modem_free);
  u->modem = modem;
  if (modem != NULL)
    at_channel_set_transcript_func (modem_get_channel (modem), at_line_cb, u);
}

static void
flush_at_lines (Unit *u)
{
  g_autoptr (GError) error = NULL;

  if (u->at_lines->len == 0 || u->foreign)
    return;
  if (!store_at_lines_add (u->e->opts.store, u->device_id, u->at_lines, &error))
    g_warning ("%s: AT transcript not stored: %s", u->device_id, error->message);
  g_ptr_array_set_size (u->at_lines, 0);
}

/* end_step: records how the current step ended (code and detail, which
 * replaces what the step had said) and returns @out. */
static Outcome
end_step (Unit *u, Outcome out, const char *code, char *detail)
{
  g_free (u->failure_code);
  u->failure_code = g_strdup (code);
  g_free (u->detail);
  u->detail = detail;
  return out;
}

Outcome
unit_fail (Unit *u, const char *code, const char *fmt, ...)
{
  va_list ap;
  char *detail;

  va_start (ap, fmt);
  detail = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return end_step (u, STEP_FAIL, code, detail);
}

Outcome
unit_error_msg (Unit *u, const char *code, const char *fmt, ...)
{
  va_list ap;
  char *detail;

  va_start (ap, fmt);
  detail = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return end_step (u, STEP_ERROR, code, detail);
}

static Outcome
unit_error (Unit *u, const char *code, const GError *error)
{
  return end_step (u, STEP_ERROR, code, g_strdup (error->message));
}

Outcome
unit_outcome_for_error (Unit *u, GError *error)
{
  g_autoptr (GError) owned = error;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_error_matches (error, FIXTURE_ERROR, FIXTURE_ERROR_CANCELLED)
      || g_error_matches (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_CANCELLED))
    return unit_error (u, ERR_CANCELLED, error);

  if (error->domain == FIXTURE_ERROR) {
    switch ((FixtureError)error->code) {
    case FIXTURE_ERROR_MODEM_SILENT:
      return unit_fail (u, FAIL_MODEM_SILENT, "%s", error->message);
    case FIXTURE_ERROR_UNIT_REMOVED:
      return unit_error (u, ERR_REMOVED, error);
    case FIXTURE_ERROR_PORT_LOST:
      return unit_error (u, ERR_PORT_LOST, error);
    default:
      return unit_error (u, ERR_FIXTURE, error);
    }
  }
  if (error->domain == SERIAL_ERROR)
    return unit_error (u, error->code == SERIAL_ERROR_GONE ? ERR_PORT_LOST : ERR_FIXTURE, error);
  if (error->domain == AT_ERROR) {
    if (error->code == AT_ERROR_TIMEOUT)
      return unit_fail (u, FAIL_MODEM_SILENT, "%s", error->message);
    return unit_error (u, ERR_PORT_LOST, error);
  }
  if (error->domain == MODEM_ERROR) {
    switch ((ModemError)error->code) {
    case MODEM_ERROR_NOT_READY:
      return unit_fail (u, FAIL_MODEM_SILENT, "%s", error->message);
    case MODEM_ERROR_NOT_REGISTERED:
      return unit_fail (u, FAIL_ATTACH_TIMEOUT, "%s", error->message);
    case MODEM_ERROR_REGISTRATION_DENIED:
      return unit_fail (u, FAIL_ATTACH_DENIED, "%s", error->message);
    case MODEM_ERROR_NO_SIGNAL:
      return unit_fail (u, FAIL_WEAK_SIGNAL, "%s", error->message);
    case MODEM_ERROR_RADIO_STILL_ON:
      return unit_fail (u, FAIL_RADIO_OFF, "%s", error->message);
    }
  }
  if (error->domain == STATION_CLOUD_ERROR) {
    if (error->code == STATION_CLOUD_ERROR_NOT_FOUND)
      return unit_fail (u, FAIL_SIM_UNKNOWN, "%s", error->message);
    return unit_error (u, ERR_API, error);
  }
  if (error->domain == STATION_STORE_ERROR)
    return unit_error (u, ERR_STORE, error);
  if (error->domain == PRINTER_ERROR)
    return unit_error (u, ERR_PRINTER, error);
  if (error->domain == LABEL_ERROR)
    return unit_error (u, ERR_LABEL, error);
  return unit_error (u, ERR_FIXTURE, error);
}

gboolean
unit_wait (Unit *u, guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)ms * 1000;

  while (!g_cancellable_is_cancelled (u->e->cancellable)) {
    gint64 left = end - g_get_monotonic_time ();
    if (left <= 0)
      return TRUE;
    g_usleep (MIN (left, 50 * 1000));
  }
  return FALSE;
}

#ifdef STATION_TEST_HOOKS
/* Test hook (compiled with -Dtest_hooks=true only, see meson_options.txt):
 * STATION_CRASH_AT=<step>:<intent|done> kills the process with SIGKILL
 * right after that journal write, as a power cut would. */
static void
crash_point (const char *step, const char *when)
{
  const char *spec = g_getenv ("STATION_CRASH_AT");
  g_autofree char *want = NULL;

  if (spec == NULL)
    return;
  want = g_strdup_printf ("%s:%s", step, when);
  if (strcmp (spec, want) == 0) {
    g_message ("STATION_CRASH_AT=%s: killing the process", spec);
    raise (SIGKILL);
  }
}
#else
/* a product build: no way to kill the station from its environment */
static void
crash_point (const char *step, const char *when)
{
}
#endif

static void
emit_step (Unit *u, EngineEventKind kind, const char *step, EngineResult result, gint64 elapsed_ms)
{
  EngineEvent ev = {
    .kind = kind,
    .slot = u->slot,
    .device_id = u->device_id,
    .imsi = u->imsi,
    .step = step,
    .result = result,
    .failure_code = u->failure_code,
    .message = u->detail,
    .elapsed_ms = elapsed_ms,
  };

  engine_emit (u->e, &ev);
}

/* slot_event: TRUE when the fixture reported an event on the unit's slot
 * since it presented the unit (unit removed, link lost, lid open,
 * emergency stop); the unit's outcome is then that station-side error,
 * whatever the step saw (a removed unit's modem no longer answers: that is
 * not the unit's fault). */
static gboolean
slot_event (Unit *u)
{
  GError *error = NULL;

  if (fixture_slot_check (u->e->opts.fixture, u->slot, &error))
    return FALSE;
  unit_outcome_for_error (u, error);
  return TRUE;
}

/* run_step: journal intent, act, journal outcome.  The outcome of a step
 * whose journal write fails is an error (store): the store is the truth, so
 * nothing is done that it does not know of. */
static Outcome
run_step (Unit *u, const StepDef *def)
{
  g_autoptr (GError) error = NULL;
  guint attempt = 0;
  gint64 t0 = g_get_monotonic_time ();
  Outcome out;

  g_clear_pointer (&u->detail, g_free);
  if (g_cancellable_is_cancelled (u->e->cancellable)) {
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "stopped by the operator before %s",
                 def->name);
    return unit_outcome_for_error (u, g_steal_pointer (&error));
  }
  /* fixture_slot_check between steps (fixture.h): nothing more is done
   * to a slot whose unit left it */
  if (!def->journal_after && slot_event (u))
    return STEP_ERROR;
  /* scan creates the unit record: its intent can only follow it */
  if (!def->journal_after && !u->foreign
      && !store_journal_intent (u->e->opts.store, u->device_id, def->name, NULL, &attempt, &error))
    return unit_outcome_for_error (u, g_steal_pointer (&error));
  if (!def->journal_after)
    crash_point (def->name, "intent");
  emit_step (u, ENGINE_EVENT_STEP_STARTED, def->name, ENGINE_RESULT_PASSED, 0);

  out = def->run (u);
  if (out != STEP_OK && !def->journal_after && slot_event (u))
    out = STEP_ERROR;
  flush_at_lines (u);
  if (def->journal_after && !u->foreign
      && !store_journal_intent (u->e->opts.store, u->device_id, def->name, NULL, &attempt,
                                &error)) {
    g_warning ("%s: %s not journaled: %s", u->device_id, def->name, error->message);
    return out == STEP_OK ? unit_outcome_for_error (u, g_steal_pointer (&error)) : out;
  }

  if (!u->foreign) {
    gboolean ok;
    if (out == STEP_OK)
      ok = store_journal_done (u->e->opts.store, u->device_id, def->name, attempt, u->detail,
                               &error);
    else
      ok = store_journal_failed (u->e->opts.store, u->device_id, def->name, attempt,
                                 u->failure_code, u->detail, &error);
    if (!ok) {
      g_warning ("%s: %s not journaled: %s", u->device_id, def->name, error->message);
      if (out == STEP_OK)
        out = unit_outcome_for_error (u, g_steal_pointer (&error));
    }
  }
  if (out == STEP_OK)
    crash_point (def->name, "done");
  emit_step (u, ENGINE_EVENT_STEP_FINISHED, def->name,
             out == STEP_OK     ? ENGINE_RESULT_PASSED
             : out == STEP_FAIL ? ENGINE_RESULT_FAILED
                                : ENGINE_RESULT_ERROR,
             (g_get_monotonic_time () - t0) / 1000);
  return out;
}

/* Which steps the journal shows done (their last attempt). */
static GHashTable *
journal_done (Unit *u, GError **error)
{
  g_autoptr (GPtrArray) last = store_journal_last (u->e->opts.store, u->device_id, error);
  GHashTable *done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (last == NULL) {
    g_hash_table_unref (done);
    return NULL;
  }
  for (guint i = 0; i < last->len; i++) {
    StoreJournalEntry *e = g_ptr_array_index (last, i);
    if (e->state == STORE_JOURNAL_DONE)
      g_hash_table_add (done, g_strdup (e->step));
  }
  return done;
}

static gboolean
step_enabled (Unit *u, const StepDef *def)
{
  return def->recipe_bit == 0 || (u->e->opts.recipe->steps & def->recipe_bit) != 0;
}

/* Decides which steps this run performs.  A done step is skipped, except
 * that a unit that must be powered again (some step that needs the device
 * is not done) goes through insert_boot and identify again, attaches again
 * when it still has to register or self-test, and turns its radio off
 * again: powering it turned the radio back on. */
static void
plan_steps (Unit *u, gboolean *run)
{
  gboolean need_device = FALSE, need_attach = FALSE;

  for (guint i = 0; i < unit_steps_count; i++) {
    const StepDef *d = &unit_steps[i];
    gboolean done = g_hash_table_contains (u->done, d->name);
    run[i] = step_enabled (u, d) && (!done || d->always);
    if (run[i] && (d->needs & NEEDS_DEVICE))
      need_device = TRUE;
    if (run[i] && (d->needs & NEEDS_ATTACH))
      need_attach = TRUE;
  }
  for (guint i = 0; i < unit_steps_count; i++) {
    const StepDef *d = &unit_steps[i];
    if (!step_enabled (u, d))
      continue;
    if (need_device && (d->needs & (NEEDS_SESSION | NEEDS_RADIO_OFF)))
      run[i] = TRUE;
    if (need_attach && (d->needs & NEEDS_ATTACH_STEP))
      run[i] = TRUE;
  }
}

/* Best effort at the end of a unit that did not pass: radio and power off,
 * the slot's verdict shown, the unit released (@eject) or left in its slot
 * for the next run to resume.  Errors here are logged, never raised: the
 * unit's outcome is already decided. */
static void
wind_down (Unit *u, FixtureLed led, gboolean eject)
{
  Fixture *f = u->e->opts.fixture;
  g_autoptr (GError) error = NULL;

  unit_attach_modem (u, NULL);
  /* a unit taken out of its slot is gone: what the slot holds now (the
   * feeder's next unit) is not to be powered off and ejected */
  if (!fixture_slot_check (f, u->slot, &error)
      && g_error_matches (error, FIXTURE_ERROR, FIXTURE_ERROR_UNIT_REMOVED)) {
    g_debug ("slot %u: %s", u->slot, error->message);
    return;
  }
  g_clear_error (&error);
  if (!fixture_set_led (f, u->slot, led, NULL, &error)) {
    g_debug ("slot %u: LED: %s", u->slot, error->message);
    g_clear_error (&error);
  }
  if (u->powered && !fixture_power (f, u->slot, FALSE, NULL, &error)) {
    g_debug ("slot %u: power off: %s", u->slot, error->message);
    g_clear_error (&error);
  }
  if (eject && !fixture_eject (f, u->slot, led, NULL, &error))
    g_debug ("slot %u: eject: %s", u->slot, error->message);
}

static void
record_end (Unit *u, StoreUnitState state)
{
  g_autoptr (GError) error = NULL;

  if (u->foreign)
    return;
  if (!store_unit_finish (u->e->opts.store, u->device_id, state,
                          state == STORE_UNIT_PASSED ? NULL : u->failure_code, u->e->station,
                          &error)) {
    /* a unit stopped before its scan has no record to close */
    if (g_error_matches (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND))
      g_debug ("%s: no record to close: %s", u->device_id, error->message);
    else
      g_warning ("%s: final state not stored: %s", u->device_id, error->message);
  }
}

EngineResult
unit_run (Engine *e, guint slot, const char *device_id)
{
  g_autoptr (GError) error = NULL;
  Unit u = { 0 };
  gboolean run[32];
  EngineResult result = ENGINE_RESULT_PASSED;
  EngineEvent ev = { 0 };
  Outcome scan;

  g_assert (unit_steps_count <= G_N_ELEMENTS (run));
  u.e = e;
  u.slot = slot;
  u.device_id = g_strdup (device_id);
  u.at_lines = g_ptr_array_new_with_free_func ((GDestroyNotify)store_at_line_free);
  u.started_us = g_get_monotonic_time ();
  g_private_set (&current_unit, &u);

  ev.kind = ENGINE_EVENT_UNIT_STARTED;
  ev.slot = slot;
  ev.device_id = u.device_id;
  engine_emit (e, &ev);

  /* scan decides whether the record is ours to write (u.foreign) */
  scan = run_step (&u, &unit_steps[0]);
  if (scan != STEP_OK) {
    /* the step's outcome says whose fault it is (a unit stopped before
     * its scan is not failed: it resumes) */
    result = scan == STEP_FAIL ? ENGINE_RESULT_FAILED : ENGINE_RESULT_ERROR;
    goto finish;
  }
  u.done = journal_done (&u, &error);
  if (u.done == NULL) {
    unit_outcome_for_error (&u, g_steal_pointer (&error));
    result = ENGINE_RESULT_ERROR;
    goto finish;
  }
  if (g_hash_table_size (u.done) > 1)
    u.resumed = TRUE;
  plan_steps (&u, run);

  for (guint i = 1; i < unit_steps_count; i++) {
    Outcome out;

    if (!run[i]) {
      if (step_enabled (&u, &unit_steps[i]))
        emit_step (&u, ENGINE_EVENT_STEP_SKIPPED, unit_steps[i].name, ENGINE_RESULT_PASSED, 0);
      continue;
    }
    out = run_step (&u, &unit_steps[i]);
    if (out == STEP_FAIL) {
      result = ENGINE_RESULT_FAILED;
      break;
    }
    if (out == STEP_ERROR) {
      result = ENGINE_RESULT_ERROR;
      break;
    }
  }

finish:
  if (result != ENGINE_RESULT_PASSED) {
    /* a unit stopped by the operator stays in its slot, powered off, for
     * the next run to resume; an ejected one would leave with the feeder.
     * A store that cannot be written stops the whole line the same way:
     * every unit after it would end the same, and its journal is the
     * truth a restart resumes from. */
    gboolean line_down = g_strcmp0 (u.failure_code, ERR_STORE) == 0;
    gboolean stopped = line_down || g_strcmp0 (u.failure_code, ERR_CANCELLED) == 0;
    if (line_down)
      engine_line_down (e, u.detail);
    /* the record closes before the unit leaves: a station killed between
     * the two finds it still in its slot and runs it again, instead of a
     * unit gone with its record left running for ever */
    record_end (&u, result == ENGINE_RESULT_FAILED ? STORE_UNIT_FAILED : STORE_UNIT_ERROR);
    wind_down (&u, stopped ? FIXTURE_LED_OFF : FIXTURE_LED_FAIL, !stopped);
  } else {
    record_end (&u, STORE_UNIT_PASSED);
  }
  flush_at_lines (&u);

  ev.kind = ENGINE_EVENT_UNIT_FINISHED;
  ev.imsi = u.imsi;
  ev.imei = u.imei;
  ev.iccid = u.iccid;
  ev.result = result;
  ev.failure_code = result == ENGINE_RESULT_PASSED ? NULL : u.failure_code;
  ev.message = result == ENGINE_RESULT_PASSED ? NULL : u.detail;
  ev.elapsed_ms = (g_get_monotonic_time () - u.started_us) / 1000;
  ev.api_calls = u.api_calls;
  engine_emit (e, &ev);

  /* only the slot that claimed the ID releases it: a second unit carrying
   * the same ID must not free it while the first one still runs */
  if (u.claimed) {
    g_mutex_lock (&e->lock);
    g_hash_table_remove (e->in_flight, u.device_id);
    g_mutex_unlock (&e->lock);
  }
  g_private_set (&current_unit, NULL);
  unit_attach_modem (&u, NULL);
  g_clear_pointer (&u.ident, modem_identity_free);
  g_clear_pointer (&u.sub, cloud_subscriber_free);
  g_clear_pointer (&u.done, g_hash_table_unref);
  g_clear_pointer (&u.at_lines, g_ptr_array_unref);
  g_free (u.device_id);
  g_free (u.imei);
  g_free (u.imsi);
  g_free (u.iccid);
  g_free (u.failure_code);
  g_free (u.detail);
  return result;
}
