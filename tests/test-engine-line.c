/* tests/test-engine-line.c - the provisioning engine on a virtual line
 * (tests/common/line.h): a batch with every fault kind, one device ID in
 * two slots, two stations on one store, cancelling a run, scrapped units
 * presented again. */
#define G_LOG_DOMAIN "test-engine"

#include <signal.h>
#include <string.h>

#include "tests/common/line.h"
#include "tests/common/test-common.h"
#include "tests/engine-mix.h"

static void
test_mix (void)
{
  engine_mix_run (17, 4);
}

/* The last attempt of every step in a lookup record, as "step:state". */
static GHashTable *
last_attempts (JsonObject *rec)
{
  GHashTable *last = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonArray *steps = json_object_get_array_member (rec, "steps");
  g_autoptr (GHashTable) attempt = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < json_array_get_length (steps); i++) {
    JsonObject *s = json_array_get_object_element (steps, i);
    const char *name = json_object_get_string_member (s, "step");
    gint64 a = json_object_get_int_member (s, "attempt");

    if (GPOINTER_TO_INT (g_hash_table_lookup (attempt, name)) > a)
      continue;
    g_hash_table_insert (attempt, (gpointer)name, GINT_TO_POINTER ((gint)a));
    g_hash_table_insert (last, g_strdup (name),
                         g_strdup (json_object_get_string_member (s, "state")));
  }
  return last;
}

/* A unit passed exactly once: record, label, and its SIM tagged, locked and
 * parked by one call each. */
static void
assert_passed_once (Line *line, JsonObject *state, const LineUnit *u)
{
  g_autoptr (JsonNode) rec = line_lookup (line, u->device_id);
  JsonObject *o = json_node_get_object (rec);
  JsonObject *sim = line_state_sim (state, u->imsi);

  g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "passed");
  g_assert_cmpstr (json_object_get_string_member (o, "imsi"), ==, u->imsi);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "labels")), ==, 1);
  g_assert_cmpuint (line_label_files (line, u->device_id), ==, 1);
  g_assert_nonnull (sim);
  g_assert_cmpstr (json_object_get_string_member (sim, "status"), ==, "standby");
  g_assert_cmpint (line_state_calls (state, "putSubscriberTags", u->imsi), ==, 1);
  g_assert_cmpint (line_state_calls (state, "setImeiLock", u->imsi), ==, 1);
  g_assert_cmpint (line_state_calls (state, "setSubscriberToStandby", u->imsi), ==, 1);
}

/* Three units carry one device ID, two slots: the first in a slot runs,
 * the others fail duplicate-device-id while it runs, and neither the
 * record nor the journal of the running one is touched by them (the third
 * arrives after the second gave up: the ID must still be taken). */
static void
test_duplicate_device_id (void)
{
  g_autoptr (Line) line = line_new ();
  LineSim *sim = line_sim_start (line,
                                 "{\"register\": true, \"units\": ["
                                 "{\"device_id\": \"TWIN-1\"}, {\"device_id\": \"TWIN-1\"},"
                                 "{\"device_id\": \"TWIN-1\"}, {\"device_id\": \"SOLO-1\"}]}",
                                 2);
  g_autoptr (LineRun) run = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (JsonNode) rec = NULL;
  g_autoptr (JsonNode) keep = NULL;
  g_autoptr (GHashTable) last = NULL;
  JsonObject *o, *state;
  const char *winner = NULL;
  guint dups = 0;
  GHashTableIter it;
  gpointer k, v;

  line_import (line, "TWINS", sim);
  run = line_provision (line, sim, "TWINS", NULL, NULL);
  results = line_run_results (run);
  if (results->len != 4)
    line_run_dump (run);
  g_assert_cmpuint (results->len, ==, 4);
  for (guint i = 0; i < results->len; i++) {
    JsonObject *r = results->pdata[i];
    const char *id = json_object_get_string_member (r, "device_id");
    const char *result = json_object_get_string_member (r, "result");

    if (strcmp (id, "SOLO-1") == 0) {
      g_assert_cmpstr (result, ==, "passed");
    } else if (strcmp (result, "passed") == 0) {
      g_assert_null (winner);
      winner = json_object_get_string_member (r, "imsi");
    } else {
      g_assert_cmpstr (result, ==, "failed");
      g_assert_cmpstr (json_object_get_string_member (r, "failure_code"), ==,
                       "duplicate-device-id");
      dups++;
    }
  }
  g_assert_nonnull (winner);
  g_assert_cmpuint (dups, ==, 2);

  /* the record is the winner's, its journal free of the others' steps */
  rec = line_lookup (line, "TWIN-1");
  o = json_node_get_object (rec);
  g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "passed");
  g_assert_cmpstr (json_object_get_string_member (o, "imsi"), ==, winner);
  last = last_attempts (o);
  g_hash_table_iter_init (&it, last);
  while (g_hash_table_iter_next (&it, &k, &v))
    g_assert_cmpstr (v, ==, "done");
  {
    JsonArray *steps = json_object_get_array_member (o, "steps");
    for (guint i = 0; i < json_array_get_length (steps); i++) {
      JsonObject *s = json_array_get_object_element (steps, i);
      g_assert_cmpint (json_object_get_int_member (s, "attempt"), ==, 1);
    }
  }
  /* the losers' SIMs: nothing done by the station */
  state = line_state (line, &keep);
  for (guint i = 0; i < 3; i++) {
    LineUnit *u = sim->units->pdata[i];
    gint64 calls = line_state_calls (state, "putSubscriberTags", u->imsi)
                   + line_state_calls (state, "setImeiLock", u->imsi)
                   + line_state_calls (state, "setSubscriberToStandby", u->imsi);
    g_assert_cmpint (calls, ==, strcmp (u->imsi, winner) == 0 ? 3 : 0);
  }
  g_assert_cmpuint (line_label_files (line, "TWIN-1"), ==, 1);
  line_sim_stop (sim);
}

static char *
units_manifest (const char *prefix, guint n)
{
  GString *m = g_string_new ("{\"register\": true, \"units\": [");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (m, "%s{\"device_id\": \"%s-%02u\"}", i ? ", " : "", prefix, i);
  g_string_append (m, "]}");
  return g_string_free (m, FALSE);
}

/* Two stations, each with its own fixture, one store, one batch, one
 * registration receiver (station-cli registry) for both: every unit
 * completes once, no write of one station lost by the other. */
static void
test_two_stations (void)
{
  g_autoptr (Line) line = line_new ();
  g_autofree char *ma = units_manifest ("STA", 6);
  g_autofree char *mb = units_manifest ("STB", 6);
  LineSim *a = line_sim_start (line, ma, 2);
  LineSim *b = line_sim_start (line, mb, 2);
  g_autofree char *csv = NULL;
  g_autoptr (LineRun) ra = NULL;
  g_autoptr (LineRun) rb = NULL;
  g_autoptr (JsonNode) keep = NULL;
  g_autoptr (GPtrArray) both = g_ptr_array_new ();
  const char *ea[] = { "--station", "station-a", NULL };
  const char *eb[] = { "--station", "station-b", NULL };
  JsonObject *state;

  /* one batch holding the SIMs of both fixtures */
  for (guint i = 0; i < a->units->len; i++)
    g_ptr_array_add (both, a->units->pdata[i]);
  for (guint i = 0; i < b->units->len; i++)
    g_ptr_array_add (both, b->units->pdata[i]);
  {
    LineSim all = { .units = both };
    g_assert_cmpuint (line_import (line, "SHARED", &all), ==, 12);
  }
  line_registry_start (line);
  ra = line_provision_start (line, a, "SHARED", NULL, ea);
  rb = line_provision_start (line, b, "SHARED", NULL, eb);
  g_assert_cmpint (line_run_wait (ra, 180000), ==, 0);
  g_assert_cmpint (line_run_wait (rb, 180000), ==, 0);

  state = line_state (line, &keep);
  for (guint i = 0; i < both->len; i++) {
    LineUnit *u = both->pdata[i];
    LineRun *r = i < a->units->len ? ra : rb;
    g_autoptr (JsonObject) res = line_run_result (r, u->device_id);

    g_assert_nonnull (res);
    g_assert_cmpstr (json_object_get_string_member (res, "result"), ==, "passed");
    assert_passed_once (line, state, u);
  }
  line_sim_stop (a);
  line_sim_stop (b);
}

/* SIGINT in the middle of a batch: a summary with "cancelled": true, each
 * started unit's journal closed (no step left at "intent"), and the next
 * run completes every unit, none twice. */
static void
test_cancel (void)
{
  g_autoptr (Line) line = line_new ();
  /* the first unit attaches at once, the two beside it take 30 s (before
   * --speed): when the first result comes, they are in the middle of attach */
  const char *m = "{\"register\": true, \"units\": ["
                  "{\"device_id\": \"CXL-00\"},"
                  "{\"device_id\": \"CXL-01\", \"attach_ms\": 30000},"
                  "{\"device_id\": \"CXL-02\", \"attach_ms\": 30000},"
                  "{\"device_id\": \"CXL-03\"}, {\"device_id\": \"CXL-04\"},"
                  "{\"device_id\": \"CXL-05\"}]}";
  LineSim *sim = line_sim_start (line, m, 3);
  g_autoptr (LineRun) first = NULL;
  g_autoptr (LineRun) second = NULL;
  g_autoptr (JsonObject) summary = NULL;
  g_autoptr (JsonNode) keep = NULL;
  JsonObject *state;
  guint started = 0, interrupted = 0;

  line_import (line, "CXL", sim);
  first = line_provision_start (line, sim, "CXL", NULL, NULL);
  /* the first unit line: the others are in the middle of their steps */
  g_assert_true (line_run_wait_lines (first, 1, 60000));
  g_subprocess_send_signal (first->proc, SIGINT);
  line_run_wait (first, 60000);
  summary = line_run_summary (first);
  if (summary == NULL)
    line_run_dump (first);
  g_assert_nonnull (summary);
  g_assert_true (json_object_get_boolean_member (summary, "cancelled"));
  g_assert_cmpint (first->status, ==, 1);

  for (guint i = 0; i < sim->units->len; i++) {
    LineUnit *u = sim->units->pdata[i];
    g_autoptr (JsonNode) rec = line_lookup_maybe (line, u->device_id);
    g_autoptr (GHashTable) last = NULL;
    GHashTableIter it;
    gpointer k, v;

    if (rec == NULL)
      continue;
    started++;
    if (g_strcmp0 (json_object_get_string_member (json_node_get_object (rec), "failure_code"),
                   "cancelled")
        == 0)
      interrupted++;
    last = last_attempts (json_node_get_object (rec));
    g_hash_table_iter_init (&it, last);
    while (g_hash_table_iter_next (&it, &k, &v)) {
      if (strcmp (v, "intent") == 0)
        g_test_message ("%s: %s left at intent", u->device_id, (char *)k);
      g_assert_cmpstr (v, !=, "intent");
    }
  }
  g_test_message ("cancelled run: %u units started, %u interrupted", started, interrupted);
  g_assert_cmpuint (interrupted, >=, 1);

  second = line_provision (line, sim, "CXL", NULL, NULL);
  if (second->status != 0)
    line_run_dump (second);
  g_assert_cmpint (second->status, ==, 0);
  state = line_state (line, &keep);
  for (guint i = 0; i < sim->units->len; i++)
    assert_passed_once (line, state, sim->units->pdata[i]);
  line_sim_stop (sim);
}

/* The calls object of the emulator's state as text: every successful
 * mutating call by operation and SIM, without "auth" (each provision run
 * signs in once, whatever its units). */
static char *
calls_text (Line *line)
{
  g_autoptr (JsonNode) keep = NULL;
  JsonObject *state = line_state (line, &keep);
  g_autoptr (JsonNode) calls = json_node_copy (json_object_get_member (state, "calls"));

  json_object_remove_member (json_node_get_object (calls), "auth");
  return json_to_string (calls, FALSE);
}

/* Scrapped units presented again (issue 14): one that passed, one that
 * failed its self-test (a retry would run it in full) are scrapped by
 * `station-cli unit scrap`; a second fixture presents both again, healthy.
 * The scan step fails each `scrapped` before any API call: the emulator
 * counts no new call, the SIMs stay as they were, the records and their
 * journals are left as the scrap left them. */
static void
test_scrapped_presented_again (void)
{
  g_autoptr (Line) line = line_new ();
  LineSim *sim
      = line_sim_start (line,
                        "{\"register\": true, \"units\": ["
                        "{\"device_id\": \"SCR-P\"},"
                        "{\"device_id\": \"SCR-F\", \"faults\": [\"selftest-fail@E42\"]}]}",
                        2);
  g_autoptr (LineRun) first = NULL, second = NULL;
  g_autoptr (JsonObject) rf = NULL, rp = NULL;
  g_autofree char *calls_before = NULL, *calls_after = NULL, *manifest = NULL;
  g_autoptr (JsonNode) keep = NULL;
  const char *ids[] = { "SCR-P", "SCR-F" };
  const char *status_before[2] = { NULL, NULL };
  guint steps_before[2] = { 0, 0 };
  JsonObject *state;
  LineSim *again;
  GString *m;

  line_import (line, "SCR", sim);
  first = line_provision (line, sim, "SCR", NULL, NULL);
  rf = line_run_result (first, "SCR-F");
  g_assert_nonnull (rf);
  g_assert_cmpstr (json_object_get_string_member (rf, "failure_code"), ==, "selftest-failed");
  rp = line_run_result (first, "SCR-P");
  g_assert_nonnull (rp);
  g_assert_cmpstr (json_object_get_string_member (rp, "result"), ==, "passed");

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++) {
    const char *args[] = { "unit", "scrap", ids[i], "--reason", "cracked case", NULL };
    g_autofree char *out = NULL;
    g_autoptr (JsonNode) rec = NULL;

    g_assert_cmpint (line_cli (line, args, &out), ==, 0);
    rec = line_lookup (line, ids[i]);
    steps_before[i] = json_array_get_length (
        json_object_get_array_member (json_node_get_object (rec), "steps"));
  }
  calls_before = calls_text (line);
  state = line_state (line, &keep);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    status_before[i] = g_strdup (json_object_get_string_member (
        line_state_sim (state, line_sim_unit (sim, ids[i])->imsi), "status"));
  g_assert_cmpstr (status_before[0], ==, "standby");

  /* the same units again, healthy, on another fixture */
  m = g_string_new ("{\"register\": false, \"units\": [");
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++) {
    LineUnit *u = line_sim_unit (sim, ids[i]);
    g_string_append_printf (m,
                            "%s{\"device_id\": \"%s\", \"imei\": \"%s\", \"imsi\": \"%s\", "
                            "\"iccid\": \"%s\"}",
                            i ? ", " : "", u->device_id, u->imei, u->imsi, u->iccid);
  }
  g_string_append (m, "]}");
  manifest = g_string_free (m, FALSE);
  again = line_sim_start (line, manifest, 2);
  second = line_provision (line, again, "SCR", NULL, NULL);
  if (second->status != 1)
    line_run_dump (second);
  g_assert_cmpint (second->status, ==, 1);

  calls_after = calls_text (line);
  g_assert_cmpstr (calls_after, ==, calls_before);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++) {
    g_autoptr (JsonObject) r = line_run_result (second, ids[i]);
    g_autoptr (JsonNode) rec = line_lookup (line, ids[i]);
    JsonObject *o = json_node_get_object (rec);

    g_assert_nonnull (r);
    g_assert_cmpstr (json_object_get_string_member (r, "result"), ==, "failed");
    g_assert_cmpstr (json_object_get_string_member (r, "failure_code"), ==, "scrapped");
    g_assert_cmpint (json_object_get_int_member (r, "api_calls"), ==, 0);
    /* the station changed nothing (calls_after == calls_before); the
     * SIM's status is not compared: the simulated device, put back on a
     * fixture, may send traffic by itself, which wakes a standby SIM (as
     * on SORACOM), and did so under the sanitizers' slower timing */
    /* the record as the scrap left it: state, failure code, journal */
    g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, i == 0 ? "passed" : "failed");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "steps")), ==,
                      steps_before[i]);
    g_assert_cmpstr (
        json_object_get_string_member (json_object_get_object_member (o, "scrapped"), "reason"), ==,
        "cracked case");
    g_free ((char *)status_before[i]);
  }
  line_sim_stop (again);
  line_sim_stop (sim);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/engine/batch/fault-mix", test_mix);
  g_test_add_func ("/engine/concurrency/duplicate-device-id", test_duplicate_device_id);
  g_test_add_func ("/engine/concurrency/two-stations-one-store", test_two_stations);
  g_test_add_func ("/engine/cancel/sigint-then-resume", test_cancel);
  g_test_add_func ("/engine/scrap/presented-again", test_scrapped_presented_again);
  return g_test_run ();
}
