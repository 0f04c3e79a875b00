/* tests/test-engine-crash.c - `station-cli provision` killed with SIGKILL at
 * every journal point of the pipeline (STATION_CRASH_AT=<step>:<intent|done>,
 * unit-run.c), then run again on the same store with the unit still in its
 * slot of the same fixture-sim: every unit completes, and the emulator saw
 * one putSubscriberTags, one setImeiLock and one setSubscriberToStandby
 * for its SIM; one label record, one label file.
 *
 * The matrix runs on several virtual lines at once (one thread each), each
 * line taking its crash points one after the other with a fresh unit for
 * each: the crash run takes the unit in the slot (--count 1) and dies at
 * the point, the resume run (--count 1) finishes it. */
#define G_LOG_DOMAIN "test-engine"

#include <signal.h>
#include <string.h>

#include "tests/common/line.h"
#include "tests/common/test-common.h"

#define LINES 4

static const char *const steps[] = {
  "insert_boot", "identify",  "attach",    "register", "selftest", "group",
  "tags",        "imei_lock", "radio_off", "standby",  "label",    "release",
};

#define RESTART_MS 1000

/* Whether the unit is powered at @point (insert_boot:done to radio_off:intent). */
static gboolean
unit_powered_at (const char *point)
{
  static const char *const powered[] = {
    "insert_boot:done", "identify:intent",  "identify:done",   "attach:intent",    "attach:done",
    "register:intent",  "register:done",    "selftest:intent", "selftest:done",    "tags:intent",
    "tags:done",        "imei_lock:intent", "imei_lock:done",  "radio_off:intent", NULL,
  };

  return g_strv_contains (powered, point);
}

typedef struct {
  Line *line;
  LineSim *sim;
  GPtrArray *points; /* "step:when" */
  GString *log;
  guint next_unit;
} Group;

/* The last attempt of @step in @device_id's journal ("intent", "done",
 * "failed"), or NULL. */
static char *
last_state (Line *line, const char *device_id, const char *step)
{
  g_autoptr (JsonNode) rec = line_lookup (line, device_id);
  JsonArray *js = json_object_get_array_member (json_node_get_object (rec), "steps");
  gint64 best = -1;
  char *state = NULL;

  for (guint i = 0; i < json_array_get_length (js); i++) {
    JsonObject *s = json_array_get_object_element (js, i);
    if (strcmp (json_object_get_string_member (s, "step"), step) != 0
        || json_object_get_int_member (s, "attempt") < best)
      continue;
    best = json_object_get_int_member (s, "attempt");
    g_free (state);
    state = g_strdup (json_object_get_string_member (s, "state"));
  }
  return state;
}

/* After the resume: the unit passed once, its journal closed. */
static void
check_completed (Group *g, const LineUnit *u, const char *point, const char *how)
{
  g_autoptr (JsonNode) rec = line_lookup (g->line, u->device_id);
  g_autoptr (JsonNode) keep = NULL;
  JsonObject *o = json_node_get_object (rec);
  JsonObject *state = line_state (g->line, &keep);
  JsonObject *sim = line_state_sim (state, u->imsi);
  const char *always[]
      = { "scan", "insert_boot", "identify",  "attach",  "register", "selftest", "group",
          "tags", "imei_lock",   "radio_off", "standby", "label",    "release" };

  g_string_append_printf (g->log,
                          "%s: %s %s, then %s; tags %" G_GINT64_FORMAT ", lock %" G_GINT64_FORMAT
                          ", standby %" G_GINT64_FORMAT "\n",
                          point, u->device_id, how, json_object_get_string_member (o, "state"),
                          line_state_calls (state, "putSubscriberTags", u->imsi),
                          line_state_calls (state, "setImeiLock", u->imsi),
                          line_state_calls (state, "setSubscriberToStandby", u->imsi));
  g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "passed");
  for (guint i = 0; i < G_N_ELEMENTS (always); i++) {
    g_autofree char *st = last_state (g->line, u->device_id, always[i]);
    if (g_strcmp0 (st, "done") != 0)
      g_string_append_printf (g->log, "%s: %s: step %s ends %s\n", point, u->device_id, always[i],
                              st ? st : "(absent)");
    g_assert_cmpstr (st, ==, "done");
  }
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "labels")), ==, 1);
  g_assert_cmpuint (line_label_files (g->line, u->device_id), ==, 1);
  g_assert_nonnull (sim);
  g_assert_cmpstr (json_object_get_string_member (sim, "status"), ==, "standby");
  g_assert_cmpint (line_state_calls (state, "putSubscriberTags", u->imsi), ==, 1);
  g_assert_cmpint (line_state_calls (state, "setImeiLock", u->imsi), ==, 1);
  g_assert_cmpint (line_state_calls (state, "setSubscriberToStandby", u->imsi), ==, 1);
}

static void
run_point (Group *g, const char *point)
{
  const char *count[] = { "--count", "1", NULL };
  g_auto (GStrv) parts = g_strsplit (point, ":", 2);
  LineUnit *u = g->sim->units->pdata[g->next_unit];
  g_autoptr (LineRun) crash = NULL;
  g_autoptr (LineRun) resume = NULL;
  g_autoptr (JsonObject) res = NULL;
  g_autofree char *st = NULL;

  crash = line_provision (g->line, g->sim, "CRASH", point, count);
  if (crash->status != 128 + SIGKILL) {
    line_run_dump (crash);
    g_error ("%s: the run was not killed at the crash point (exit %d)", point, crash->status);
  }
  /* the journal holds what was written before the kill */
  st = last_state (g->line, u->device_id, parts[0]);
  g_assert_cmpstr (st, ==, strcmp (parts[1], "intent") == 0 ? "intent" : "done");

  /* A restarted station is back after seconds, not milliseconds: a unit
   * left powered by the killed run has meanwhile tried to register through
   * Beam while no receiver listened, and given up (the simulated firmware
   * retries 5 times, 100 ms apart at --speed 20).  This models the restart
   * time; it waits for nothing. */
  if (unit_powered_at (point))
    g_usleep (RESTART_MS * 1000);
  resume = line_provision (g->line, g->sim, "CRASH", NULL, count);
  if (resume->status != 0)
    line_run_dump (resume);
  g_assert_cmpint (resume->status, ==, 0);
  res = line_run_result (resume, u->device_id);
  if (strcmp (point, "release:done") == 0) {
    /* released before the kill: the slot holds the next unit, which the
     * resume run provisioned; the crashed one's record was closed */
    g_assert_null (res);
    check_completed (g, u, point, "crashed");
    g_clear_pointer (&res, json_object_unref);
    u = g->sim->units->pdata[++g->next_unit];
    res = line_run_result (resume, u->device_id);
  }
  if (res == NULL)
    line_run_dump (resume);
  g_assert_nonnull (res);
  if (g_strcmp0 (json_object_get_string_member (res, "result"), "passed") != 0)
    line_run_dump (resume);
  g_assert_cmpstr (json_object_get_string_member (res, "result"), ==, "passed");
  check_completed (g, u, point, strcmp (point, "release:done") == 0 ? "(next unit)" : "crashed");
  g->next_unit++;
}

static gpointer
group_thread (gpointer data)
{
  Group *g = data;

  for (guint i = 0; i < g->points->len; i++)
    run_point (g, g->points->pdata[i]);
  return NULL;
}

static void
test_crash_matrix (void)
{
  Group groups[LINES];
  GThread *threads[LINES];
  g_autoptr (GPtrArray) points = g_ptr_array_new_with_free_func (g_free);

  /* scan is journaled once it ran: its only point is "done" */
  g_ptr_array_add (points, g_strdup ("scan:done"));
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++) {
    g_ptr_array_add (points, g_strdup_printf ("%s:intent", steps[i]));
    g_ptr_array_add (points, g_strdup_printf ("%s:done", steps[i]));
  }

  for (guint l = 0; l < LINES; l++) {
    Group *g = &groups[l];
    GString *m = g_string_new ("{\"register\": true, \"units\": [");
    guint n = 0;

    g->points = g_ptr_array_new ();
    for (guint i = l; i < points->len; i += LINES)
      g_ptr_array_add (g->points, points->pdata[i]);
    /* one unit per point, one more for release:done (see run_point) */
    n = g->points->len + 1;
    for (guint i = 0; i < n; i++)
      g_string_append_printf (m, "%s{\"device_id\": \"CR%u-%02u\"}", i ? ", " : "", l, i);
    g_string_append (m, "]}");
    g->line = line_new ();
    g->sim = line_sim_start (g->line, m->str, 1);
    g_string_free (m, TRUE);
    line_import (g->line, "CRASH", g->sim);
    g->log = g_string_new (NULL);
    g->next_unit = 0;
  }
  for (guint l = 0; l < LINES; l++)
    threads[l] = g_thread_new ("crash-line", group_thread, &groups[l]);
  for (guint l = 0; l < LINES; l++) {
    g_thread_join (threads[l]);
    g_test_message ("line %u:\n%s", l, groups[l].log->str);
  }
  for (guint l = 0; l < LINES; l++) {
    line_sim_stop (groups[l].sim);
    line_free (groups[l].line);
    g_ptr_array_unref (groups[l].points);
    g_string_free (groups[l].log, TRUE);
  }
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/engine/crash/every-journal-point", test_crash_matrix);
  return g_test_run ();
}
