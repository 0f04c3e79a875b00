/* tests/test-reliability.c - `station-cli provision` killed with SIGKILL at
 * random moments of a batch while the API fails under it (429 storms, 5xx,
 * answers lost after the call took effect, dropped connections, stalls
 * of 1.2 and 10 s) and some units misbehave on the serial line (garbage, a
 * silent modem, a pulled cable).  After the last restart, with the faults over:
 *
 * - every unit of the batch has a record that ended passed or failed with a
 *   failure code (error only for a pulled cable: the station's side);
 * - no unit is lost: the store holds every unit the fixture announced;
 * - the emulator counts at most one putSubscriberTags, setImeiLock and
 *   setSubscriberToStandby per SIM (exactly one for a passed unit, whose
 *   SIM is in standby, locked to the unit's IMEI, with one label);
 * - SQLite's integrity_check is ok.
 *
 * Sized for CI by default; STATION_RELIABILITY_UNITS, _KILLS, _KILL_MAX_MS
 * and _SEED make it longer or replay a run (./run bench runs 50 units, 200
 * kills 0.3-1.5 s into each run). */
#define G_LOG_DOMAIN "test-reliability"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "tests/common/line.h"
#include "tests/common/test-common.h"

#define BATCH         "REL-1"
#define SLOTS         4
#define UNITS_DEFAULT 24
#define KILLS_DEFAULT 30
/* a good unit takes about 2.5 s on the line (--speed 20) and a run about
 * 0.3 s to start: kills every 0.3-2 s land before, during and after units'
 * ends, and leave most of the batch for the runs they interrupt
 * (STATION_RELIABILITY_KILL_MAX_MS shortens them for a longer count) */
#define KILL_MIN_MS      300
#define KILL_MAX_MS      2000
#define FAULT_MIN_MS     1000
#define FAULT_MAX_MS     4000
#define FINAL_RUNS       4
#define FINAL_TIMEOUT_MS 240000

/* serial faults given to every SERIAL_EVERY-th unit, in turn */
#define SERIAL_EVERY 6
static const char *const serial_faults[] = { "garbage", "silent", "cable-pull@5" };

/* API faults the injector picks from */
static const char *const api_faults[] = {
  "{\"status\":429,\"count\":4}",
  "{\"status\":429,\"count\":3}",
  "{\"status\":500,\"count\":2}",
  "{\"status\":503,\"count\":1}",
  "{\"status\":500,\"count\":1,\"lost\":true}",
  "{\"status\":503,\"count\":1,\"lost\":true}",
  "{\"reset\":true,\"count\":1}",
  "{\"reset\":true,\"count\":1,\"lost\":true}",
  "{\"delay_ms\":1200,\"count\":1}",
  "{\"delay_ms\":10000,\"count\":1}",
};

typedef struct {
  Line *line;
  SoupSession *session; /* the injector's own: a session is not shared by threads */
  GRand *rand;
  GMutex lock;
  GCond cond;
  gboolean stop;
  guint injected;
} Injector;

/* POST or DELETE /_emulator/fault with @body (may be NULL). */
static void
emulator_fault (SoupSession *session, Line *line, const char *method, const char *body)
{
  g_autofree char *url = g_strconcat (line->emu->base, "/_emulator/fault", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GError) error = NULL;

  if (body != NULL) {
    g_autoptr (GBytes) b = g_bytes_new (body, strlen (body));
    soup_message_set_request_body_from_bytes (msg, "application/json", b);
  }
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
}

static guint
env_uint (const char *name, guint fallback)
{
  const char *v = g_getenv (name);
  return v != NULL && *v != '\0' ? (guint)g_ascii_strtoull (v, NULL, 10) : fallback;
}

/* Injects a random API fault every FAULT_MIN_MS..FAULT_MAX_MS until told
 * to stop (the wait is the schedule of the faults, not a wait for an
 * event). */
static gpointer
injector_thread (gpointer data)
{
  Injector *in = data;

  g_mutex_lock (&in->lock);
  while (!in->stop) {
    gint64 until = g_get_monotonic_time ()
                   + (gint64)g_rand_int_range (in->rand, FAULT_MIN_MS, FAULT_MAX_MS) * 1000;
    const char *fault = api_faults[g_rand_int_range (in->rand, 0, G_N_ELEMENTS (api_faults))];

    if (g_cond_wait_until (&in->cond, &in->lock, until) || in->stop)
      continue;
    g_mutex_unlock (&in->lock);
    emulator_fault (in->session, in->line, "POST", fault);
    g_mutex_lock (&in->lock);
    in->injected++;
  }
  g_mutex_unlock (&in->lock);
  return NULL;
}

static char *
manifest (guint units)
{
  GString *m = g_string_new ("{\"register\": true, \"units\": [\n");

  for (guint i = 0; i < units; i++) {
    g_string_append_printf (m, "%s{\"device_id\": \"REL-%03u\"", i ? ",\n" : "", i);
    if (i >= SLOTS && i % SERIAL_EVERY == SERIAL_EVERY - 1)
      g_string_append_printf (m, ", \"faults\": [\"%s\"]",
                              serial_faults[(i / SERIAL_EVERY) % G_N_ELEMENTS (serial_faults)]);
    g_string_append (m, "}");
  }
  g_string_append (m, "\n]}");
  return g_string_free (m, FALSE);
}

static void
check_integrity (Line *line)
{
  g_autofree char *sqlite3 = g_find_program_in_path ("sqlite3");
  const char *argv[] = { sqlite3, line->db, "PRAGMA integrity_check;", NULL };
  g_autofree char *out = NULL, *err = NULL;

  g_assert_nonnull (sqlite3); /* Debian package sqlite3, installed by ./run deps */
  g_assert_cmpint (tc_run (argv, &out, &err, 60000), ==, 0);
  g_assert_cmpstr (g_strstrip (out), ==, "ok");
}

/* "step: detail" of the last step of @rec that failed (static buffer). */
static const char *
failed_step_detail (JsonObject *rec)
{
  static char buf[512];
  JsonArray *steps = json_object_get_array_member (rec, "steps");

  g_strlcpy (buf, "no failed step", sizeof buf);
  for (guint i = 0; steps != NULL && i < json_array_get_length (steps); i++) {
    JsonObject *st = json_array_get_object_element (steps, i);
    if (g_strcmp0 (json_object_get_string_member (st, "state"), "failed") == 0)
      g_snprintf (buf, sizeof buf, "%s: %s", json_object_get_string_member (st, "step"),
                  json_object_get_string_member_with_default (st, "detail", ""));
  }
  return buf;
}

static void
check_unit (Line *line, JsonObject *state, const LineUnit *u, guint *passed)
{
  g_autoptr (JsonNode) rec = line_lookup_maybe (line, u->device_id);
  JsonObject *o, *sim;
  const char *st, *code;
  gint64 tags, lock, standby;

  if (rec == NULL)
    g_error ("%s: no record: the unit was lost", u->device_id);
  o = json_node_get_object (rec);
  st = json_object_get_string_member (o, "state");
  code = json_object_get_string_member_with_default (o, "failure_code", NULL);
  tags = line_state_calls (state, "putSubscriberTags", u->imsi);
  lock = line_state_calls (state, "setImeiLock", u->imsi);
  standby = line_state_calls (state, "setSubscriberToStandby", u->imsi);
  g_test_message ("%s %s %s tags %" G_GINT64_FORMAT " lock %" G_GINT64_FORMAT
                  " standby %" G_GINT64_FORMAT,
                  u->device_id, st, code ? code : "-", tags, lock, standby);

  /* nothing carried out twice, whatever the unit ended as */
  g_assert_cmpint (tags, <=, 1);
  g_assert_cmpint (lock, <=, 1);
  g_assert_cmpint (standby, <=, 1);

  if (strcmp (st, "passed") == 0) {
    (*passed)++;
    sim = line_state_sim (state, u->imsi);
    g_assert_nonnull (sim);
    g_assert_cmpstr (json_object_get_string_member (sim, "status"), ==, "standby");
    g_assert_cmpint (tags, ==, 1);
    g_assert_cmpint (lock, ==, 1);
    g_assert_cmpint (standby, ==, 1);
    /* one label on record; a kill between a print and its record prints
     * it once more on resume (a printer cannot be asked what it printed):
     * at most one spare label, never a second record */
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "labels")), ==, 1);
    g_assert_cmpuint (line_label_files (line, u->device_id), >=, 1);
    g_assert_cmpuint (line_label_files (line, u->device_id), <=, 2);
  } else if (strcmp (st, "failed") == 0) {
    g_assert_nonnull (code);
  } else if (strcmp (st, "error") == 0) {
    /* the station's side, not the unit's: only a pulled cable here */
    g_assert_nonnull (code);
    if (!line_unit_has_fault (u, "cable-pull"))
      g_error ("%s ended in error %s (%s) after the last run", u->device_id, code,
               failed_step_detail (o));
  } else {
    g_error ("%s: record left %s after the last run", u->device_id, st);
  }
  /* a good unit under API faults and kills still passes */
  if (u->faults == NULL || u->faults[0] == NULL)
    g_assert_cmpstr (st, ==, "passed");
}

/* Runs the batch until the fixture has no unit left (a unit in error stays
 * in its slot and is resumed by the next run; exit 1 or 3 when a unit
 * failed or ended in error, CONTRACT §2), then checks every unit's end,
 * the emulator's call counts and the store's integrity. */
static void
finish_batch (Line *line, LineSim *sim)
{
  g_autoptr (JsonNode) keep = NULL;
  JsonObject *state;
  guint passed = 0;

  for (guint r = 0; r < FINAL_RUNS; r++) {
    g_autoptr (LineRun) run = line_provision_start (line, sim, BATCH, NULL, NULL);
    g_autoptr (GPtrArray) results = NULL;

    line_run_wait (run, FINAL_TIMEOUT_MS);
    if (run->status != 0 && run->status != 1 && run->status != 3)
      line_run_dump (run);
    g_assert_true (run->status == 0 || run->status == 1 || run->status == 3);
    results = line_run_results (run);
    if (results->len == 0)
      break;
  }
  state = line_state (line, &keep);
  for (guint i = 0; i < sim->units->len; i++)
    check_unit (line, state, sim->units->pdata[i], &passed);
  g_test_message ("%u of %u units passed", passed, sim->units->len);
  check_integrity (line);
}

static void
test_random_kills (void)
{
  guint units = env_uint ("STATION_RELIABILITY_UNITS", UNITS_DEFAULT);
  guint kills = env_uint ("STATION_RELIABILITY_KILLS", KILLS_DEFAULT);
  guint kill_max_ms
      = MAX (KILL_MIN_MS + 1, env_uint ("STATION_RELIABILITY_KILL_MAX_MS", KILL_MAX_MS));
  guint32 seed = env_uint ("STATION_RELIABILITY_SEED", g_random_int ());
  g_autoptr (Line) line = line_new ();
  g_autofree char *m = manifest (units);
  Injector in = { .line = line, .rand = g_rand_new_with_seed (seed) };
  g_autoptr (SoupSession) session = soup_session_new ();
  GRand *kill_rand = g_rand_new_with_seed (seed ^ 0x5a5a5a5a);
  LineSim *sim;
  GThread *thread;
  guint killed = 0, ended = 0, finished = 0;

  g_test_message ("seed %u (STATION_RELIABILITY_SEED), %u units, %u kills %u-%u ms into each run",
                  seed, units, kills, KILL_MIN_MS, kill_max_ms);
  sim = line_sim_start (line, m, SLOTS);
  line_import (line, BATCH, sim);
  g_mutex_init (&in.lock);
  g_cond_init (&in.cond);
  in.session = soup_session_new ();
  thread = g_thread_new ("api-faults", injector_thread, &in);

  for (guint k = 0; k < kills; k++) {
    g_autoptr (LineRun) run = line_provision_start (line, sim, BATCH, NULL, NULL);
    guint ms = (guint)g_rand_int_range (kill_rand, KILL_MIN_MS, kill_max_ms);

    /* the run goes on for a random while, then dies without warning (the
     * pause is the moment of the kill, not a wait for an event) */
    g_usleep ((gulong)ms * 1000);
    if (g_subprocess_get_identifier (run->proc) == NULL) { /* it ended by itself */
      line_run_wait (run, 30000);
      ended++;
      if (run->status == 0) /* the fixture ran out of units: nothing left to kill */
        break;
      continue;
    }
    g_subprocess_send_signal (run->proc, SIGKILL);
    line_run_wait (run, 30000);
    if (run->status == 128 + SIGKILL)
      killed++;
    {
      g_autoptr (GPtrArray) results = line_run_results (run);
      g_autofree char *err = NULL;
      finished += results->len;
      if (g_file_get_contents (run->err_path, &err, NULL, NULL)) {
        g_auto (GStrv) lines = g_strsplit (err, "\n", -1);
        GString *steps = g_string_new (NULL);
        for (guint i = 0; lines[i]; i++)
          if (strstr (lines[i], " ok ") || strstr (lines[i], " FAILED")
              || strstr (lines[i], " ERROR"))
            g_string_append_printf (steps, "%.60s | ", lines[i] + 8);
        g_test_message ("run %u killed after %u ms: %s", k, ms, steps->str);
        g_string_free (steps, TRUE);
      }
    }
  }

  g_mutex_lock (&in.lock);
  in.stop = TRUE;
  g_cond_signal (&in.cond);
  g_mutex_unlock (&in.lock);
  g_thread_join (thread);
  g_clear_object (&in.session);
  g_test_message ("%u runs killed, %u ended by themselves, %u units finished before a kill, %u API "
                  "faults injected",
                  killed, ended, finished, in.injected);
  /* the kills were the test: a batch that ran out before half of them
   * would have tested far less than it says */
  g_assert_cmpuint (killed, >=, kills / 2);
  /* no fault left behind for the final runs */
  emulator_fault (session, line, "DELETE", NULL);

  finish_batch (line, sim);

  line_sim_stop (sim);
  g_rand_free (in.rand);
  g_rand_free (kill_rand);
  g_mutex_clear (&in.lock);
  g_cond_clear (&in.cond);
}

/* The disk fills up under the store (RLIMIT_FSIZE on the provision run: a
 * write past the limit fails as on a full disk): the run stops with a store
 * error (exit 5) naming the cause, not a signal; the store stays sound;
 * once space is back a new run finishes the batch with nothing done
 * twice. */
static void
test_disk_full (void)
{
  g_autoptr (Line) line = line_new ();
  g_autofree char *m = manifest (8);
  g_autoptr (LineRun) full = NULL;
  g_autofree char *err = NULL;
  GStatBuf st;
  LineSim *sim;

  sim = line_sim_start (line, m, 2);
  line_import (line, BATCH, sim);
  g_assert_cmpint (g_stat (line->db, &st), ==, 0);
  /* room for the first few journal writes, not for the batch */
  line->fsize_limit = (guint64)st.st_size + 32 * 1024;
  full = line_provision (line, sim, BATCH, NULL, NULL);
  g_assert_true (g_file_get_contents (full->err_path, &err, NULL, NULL));
  g_test_message ("disk-full run: exit %d\n%s", full->status, err);
  if (full->status != 5)
    line_run_dump (full);
  g_assert_cmpint (full->status, ==, 5);
  /* the run's last word says what to do */
  g_assert_nonnull (strstr (err, "the disk is full or refuses writes"));
  g_assert_nonnull (strstr (err, "free space and retry"));
  check_integrity (line);

  line->fsize_limit = 0;
  finish_batch (line, sim);
  line_sim_stop (sim);
}

/* The services around the station die mid-batch and come back: the cloud
 * emulator (SIGKILL, 1.5 s dark, same port and state), the Beam
 * registration receiver (`station-cli registry`, SIGKILL, 0.5 s dark) and
 * the ZPL label printer (SIGKILL, 1 s dark: what it held is lost).  The
 * batch rides through: every good unit passes, each mutation done once, at
 * most one spare label (a printer killed in the middle of a job). */
static void
test_restarts (void)
{
  g_autoptr (Line) line = line_new ();
  g_autofree char *m = manifest (12);
  g_autoptr (LineRun) run = NULL;
  LineSim *sim;

  line_registry_start (line);
  line_printer_start (line);
  sim = line_sim_start (line, m, SLOTS);
  line_import (line, BATCH, sim);
  run = line_provision_start (line, sim, BATCH, NULL, NULL);

  /* moments of the batch, not waits for an event: units are mid-pipeline */
  g_usleep (2000 * 1000);
  line_emulator_restart (line, 1500);
  g_usleep (1500 * 1000);
  line_registry_restart (line, 500);
  g_usleep (1000 * 1000);
  line_printer_restart (line, 1000);

  line_run_wait (run, FINAL_TIMEOUT_MS);
  if (run->status != 0 && run->status != 1 && run->status != 3)
    line_run_dump (run);
  {
    g_autoptr (JsonObject) sum = line_run_summary (run);
    g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), sum);
    g_autofree char *text = json_to_string (node, FALSE);
    g_test_message ("run through the restarts: exit %d, %s", run->status, text);
  }
  finish_batch (line, sim);
  line_sim_stop (sim);
}

/* The label printer is switched off while units reach their label, and
 * on again once the station has said it waits for it: the units wait in
 * their slots (a notice tells the operator) and print when it is back,
 * instead of ending in error after their SIM went to standby.  Nothing
 * reached the printer while it was off, so each label prints once. */
static void
test_printer_off (void)
{
  g_autoptr (Line) line = line_new ();
  g_autofree char *m = manifest (8);
  g_autoptr (LineRun) run = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autofree char *err = NULL;
  guint passed = 0;
  LineSim *sim;

  line_printer_start (line);
  sim = line_sim_start (line, m, SLOTS);
  line_import (line, BATCH, sim);
  run = line_provision_start (line, sim, BATCH, NULL, NULL);
  /* past the preflight (which checks the printer): a unit was scanned */
  g_assert_true (line_run_wait_stderr (run, " scan ", 60000));
  line_printer_kill (line);
  if (!line_run_wait_stderr (run, "the printer cannot be reached", 60000)) {
    line_run_dump (run);
    g_error ("no unit waited for the printer");
  }
  line_printer_start (line);
  line_run_wait (run, FINAL_TIMEOUT_MS);
  g_assert_true (g_file_get_contents (run->err_path, &err, NULL, NULL));
  g_assert_nonnull (strstr (err, "the printer is back; label printed"));
  /* told once a unit, not a "label held: fix the printer" line per attempt */
  g_assert_null (strstr (err, " held: "));
  results = line_run_results (run);
  for (guint i = 0; i < results->len; i++) {
    JsonObject *r = results->pdata[i];
    const char *id = json_object_get_string_member (r, "device_id");
    const char *result = json_object_get_string_member (r, "result");

    g_test_message ("%s %s", id, result);
    g_assert_cmpstr (result, !=, "error");
    if (strcmp (result, "passed") == 0) {
      passed++;
      g_assert_cmpuint (line_label_files (line, id), ==, 1);
    }
  }
  /* every unit (REL-005's garbage on the serial line is read past) */
  g_assert_cmpuint (results->len, ==, 8);
  g_assert_cmpuint (passed, ==, 8);
  g_assert_cmpuint (line_printer_printed (line), ==, 8);
  g_assert_cmpint (run->status, ==, 0);
  line_sim_stop (sim);
}

/* The printer goes off while it receives a unit's label (the label is
 * lost with the connection) and is on again at once: the unit waits,
 * prints on the next try and passes; the operator was told that a label
 * which came out before is a spare. */
static void
test_printer_drop (void)
{
  g_autoptr (Line) line = line_new ();
  g_autofree char *m = manifest (4);
  g_autoptr (LineRun) run = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autofree char *err = NULL;
  LineSim *sim;

  line_printer_start (line);
  line_printer_command (line, "drop next");
  sim = line_sim_start (line, m, SLOTS);
  line_import (line, BATCH, sim);
  run = line_provision (line, sim, BATCH, NULL, NULL);
  g_assert_true (g_file_get_contents (run->err_path, &err, NULL, NULL));
  if (run->status != 0)
    line_run_dump (run);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (err, "the printer closed the connection"));
  g_assert_nonnull (strstr (err, "is a spare: discard it"));
  g_assert_nonnull (strstr (err, "the printer is back; label printed (attempt 2)"));
  results = line_run_results (run);
  g_assert_cmpuint (results->len, ==, 4);
  for (guint i = 0; i < results->len; i++) {
    JsonObject *r = results->pdata[i];
    const char *id = json_object_get_string_member (r, "device_id");

    g_assert_cmpstr (json_object_get_string_member (r, "result"), ==, "passed");
    g_assert_cmpuint (line_label_files (line, id), ==, 1);
  }
  /* the dropped label never printed */
  g_assert_cmpuint (line_printer_printed (line), ==, 4);
  line_sim_stop (sim);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/reliability/random-kills", test_random_kills);
  g_test_add_func ("/reliability/disk-full", test_disk_full);
  g_test_add_func ("/reliability/restarts", test_restarts);
  g_test_add_func ("/reliability/printer-off", test_printer_off);
  g_test_add_func ("/reliability/printer-drop", test_printer_drop);
  return g_test_run ();
}
