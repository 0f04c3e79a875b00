/* tests/engine-mix.c - see engine-mix.h. */
#define G_LOG_DOMAIN "test-engine"

#include "tests/engine-mix.h"

#include <string.h>

#include "tests/common/line.h"
#include "tests/common/test-common.h"

#define BATCH "MIX-1"

/* What the station must leave on the SIM of a unit. */
typedef enum {
  SIM_PARKED,    /* tagged, IMEI-locked to the unit's IMEI, standby */
  SIM_ABSENT,    /* the emulator does not know the SIM (none, or a foreign one) */
  SIM_UNTOUCHED, /* no station tags, no lock, no standby: as the device left it */
  SIM_LOCKED,    /* tagged and locked but not parked (the device keeps reconnecting) */
} SimExpect;

typedef struct {
  const char *fault; /* manifest fault, NULL for a good unit */
  const char *prefix;
  const char *result;
  const char *code;
  const char *state; /* store record state */
  SimExpect sim;
} Kind;

/* docs/testing.md "Engine tests": what each simulated fault must end as. */
static const Kind kinds[] = {
  { NULL, "OK", "passed", NULL, "passed", SIM_PARKED },
  /* first fault: the unit before it is always a good one, whose IMEI it
   * copies */
  { "dup-imei", "DUPIMEI", "failed", "duplicate-imei", "failed", SIM_UNTOUCHED },
  { "nosim", "NOSIM", "failed", "sim-missing", "failed", SIM_ABSENT },
  { "sim-pin", "PIN", "failed", "sim-pin", "failed", SIM_UNTOUCHED },
  { "unknown-imsi", "UNK", "failed", "imsi-not-in-batch", "failed", SIM_ABSENT },
  { "silent", "SILENT", "failed", "modem-silent", "failed", SIM_UNTOUCHED },
  { "garbage", "GARBAGE", "passed", NULL, "passed", SIM_PARKED },
  { "attach-timeout", "NOATT", "failed", "attach-timeout", "failed", SIM_UNTOUCHED },
  { "no-register", "NOREG", "failed", "register-timeout", "failed", SIM_UNTOUCHED },
  { "wrong-id", "WRONGID", "failed", "register-wrong-device-id", "failed", SIM_UNTOUCHED },
  { "selftest-fail@gps", "STFAIL", "failed", "selftest-failed", "failed", SIM_UNTOUCHED },
  /* the firmware turns the radio back on 100 ms (2000 / --speed) after CFUN=0 */
  { "radio-off-ignored@2000", "RADIO", "failed", "radio-off-ignored", "failed", SIM_LOCKED },
  { "cable-pull@6", "CABLE", "error", "port-lost", "error", SIM_UNTOUCHED },
  { "removed@6", "REMOVED", "error", "unit-removed", "error", SIM_UNTOUCHED },
};

/* The manifest: the first @slots units good (loaded at start), then the
 * faulty kinds spread over the rest, the others good.  The dup-imei unit
 * comes first among the faults and copies the IMEI of the good unit before
 * it: it is only loaded once a slot frees, long after its twin bound that
 * IMEI (a unit present at start counts as already booted, so a boot delay
 * could not order them). */
static char *
mix_manifest (guint units, guint slots, const Kind ***plan)
{
  GString *m = g_string_new ("{\"register\": true, \"units\": [\n");
  guint n_faults = G_N_ELEMENTS (kinds) - 1;
  guint every = (units - slots) / n_faults;
  guint next_fault = 1;

  g_assert_cmpuint (units, >=, slots + n_faults);
  *plan = g_new0 (const Kind *, units);
  for (guint i = 0; i < units; i++) {
    const Kind *k = &kinds[0];

    if (i >= slots && next_fault <= n_faults && (i - slots) % every == 0)
      k = &kinds[next_fault++];
    (*plan)[i] = k;
    g_string_append_printf (m, "%s {\"device_id\": \"%s-%02u\"", i ? ",\n" : "", k->prefix, i);
    if (k->fault != NULL)
      g_string_append_printf (m, ", \"faults\": [\"%s\"]", k->fault);
    g_string_append (m, "}");
  }
  g_assert_cmpuint (next_fault, ==, n_faults + 1);
  g_string_append (m, "\n]}\n");
  return g_string_free (m, FALSE);
}

static const char *
tag (JsonObject *sim, const char *name)
{
  JsonObject *tags = json_object_get_object_member (sim, "tags");

  return tags ? json_object_get_string_member_with_default (tags, name, NULL) : NULL;
}

static const char *
imei_lock (JsonObject *sim)
{
  JsonNode *n = json_object_get_member (sim, "imeiLock");

  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    return NULL;
  return json_object_get_string_member_with_default (json_node_get_object (n), "imei", NULL);
}

static void
check_sim (JsonObject *state, const LineUnit *u, const Kind *k)
{
  JsonObject *sim = line_state_sim (state, u->imsi);
  const char *status = sim ? json_object_get_string_member (sim, "status") : NULL;
  gint64 tags_calls = line_state_calls (state, "putSubscriberTags", u->imsi ? u->imsi : "");
  gint64 lock_calls = line_state_calls (state, "setImeiLock", u->imsi ? u->imsi : "");
  gint64 standby_calls = line_state_calls (state, "setSubscriberToStandby", u->imsi ? u->imsi : "");

  switch (k->sim) {
  case SIM_ABSENT:
    g_assert_null (sim);
    break;
  case SIM_PARKED:
  case SIM_LOCKED:
    g_assert_nonnull (sim);
    g_assert_cmpstr (tag (sim, "device_id"), ==, u->device_id);
    g_assert_cmpstr (tag (sim, "batch"), ==, BATCH);
    g_assert_cmpstr (tag (sim, "station"), ==, "line-1");
    g_assert_cmpstr (tag (sim, "recipe"), ==, "enginetest-3");
    g_assert_nonnull (tag (sim, "provisioned_at"));
    g_assert_cmpstr (imei_lock (sim), ==, u->imei);
    g_assert_cmpint (tags_calls, ==, 1);
    g_assert_cmpint (lock_calls, ==, 1);
    if (k->sim == SIM_PARKED) {
      g_assert_cmpstr (status, ==, "standby");
      g_assert_cmpint (standby_calls, ==, 1);
    } else {
      /* not parked: a SIM that reconnects in standby would be charged */
      g_assert_cmpstr (status, ==, "active");
      g_assert_cmpint (standby_calls, <=, 1);
    }
    break;
  case SIM_UNTOUCHED:
    g_assert_nonnull (sim);
    g_assert_cmpstr (status, !=, "standby");
    g_assert_null (tag (sim, "device_id"));
    g_assert_null (imei_lock (sim));
    g_assert_cmpint (tags_calls + lock_calls + standby_calls, ==, 0);
    break;
  }
}

static void
check_record (Line *line, const LineUnit *u, const Kind *k)
{
  g_autoptr (JsonNode) rec = line_lookup (line, u->device_id);
  JsonObject *o = json_node_get_object (rec);
  JsonArray *labels = json_object_get_array_member (o, "labels");

  g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, k->state);
  g_assert_cmpstr (json_object_get_string_member_with_default (o, "failure_code", NULL), ==,
                   k->code);
  /* the record keeps which station worked on the unit; it left its slot */
  if (!json_object_get_null_member (o, "station"))
    g_assert_cmpstr (json_object_get_string_member (o, "station"), ==, "line-1");
  if (strcmp (k->result, "passed") == 0) {
    g_assert_cmpstr (json_object_get_string_member (o, "station"), ==, "line-1");
    g_assert_true (json_object_get_null_member (o, "slot"));
    g_assert_cmpstr (json_object_get_string_member (o, "imsi"), ==, u->imsi);
    g_assert_cmpstr (json_object_get_string_member (o, "imei"), ==, u->imei);
    g_assert_cmpuint (json_array_get_length (labels), ==, 1);
    g_assert_cmpuint (line_label_files (line, u->device_id), ==, 1);
  } else {
    g_assert_cmpuint (json_array_get_length (labels), ==, 0);
    g_assert_cmpuint (line_label_files (line, u->device_id), ==, 0);
  }
}

void
engine_mix_run (guint units, guint slots)
{
  g_autoptr (Line) line = line_new ();
  g_autofree const Kind **plan = NULL;
  g_autofree char *manifest = mix_manifest (units, slots, &plan);
  g_autofree char *slots_text = g_strdup_printf ("%u", slots);
  const char *extra[] = { "--station", "line-1", "--slots", slots_text, NULL };
  LineSim *sim = line_sim_start (line, manifest, slots);
  g_autoptr (LineRun) run = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (JsonObject) summary = NULL;
  g_autoptr (JsonNode) keep = NULL;
  JsonObject *state;
  guint passed = 0, good_calls_max = 0, good_calls_sum = 0, good = 0;

  g_assert_cmpuint (sim->units->len, ==, units);
  line_import (line, BATCH, sim);
  run = line_provision (line, sim, BATCH, NULL, extra);
  results = line_run_results (run);
  summary = line_run_summary (run);
  if (summary == NULL || results->len != units)
    line_run_dump (run);
  g_assert_nonnull (summary);
  /* every unit the fixture presented has exactly one result line */
  g_assert_cmpuint (results->len, ==, units);
  g_assert_cmpint (json_object_get_int_member (summary, "units"), ==, units);
  g_assert_false (json_object_get_boolean_member (summary, "cancelled"));
  /* port-lost and unit-removed are station-side: exit 3 (device or transport) */
  g_assert_cmpint (run->status, ==, 3);

  state = line_state (line, &keep);
  for (guint i = 0; i < units; i++) {
    const LineUnit *u = sim->units->pdata[i];
    const Kind *k = plan[i];
    g_autoptr (JsonObject) r = line_run_result (run, u->device_id);

    g_test_message ("%s (%s): %s %s, %" G_GINT64_FORMAT " API calls (%s)", u->device_id,
                    k->fault ? k->fault : "good", json_object_get_string_member (r, "result"),
                    json_object_get_string_member_with_default (r, "failure_code", "-"),
                    json_object_get_int_member (r, "api_calls"),
                    json_object_get_string_member_with_default (r, "message", ""));
    g_assert_cmpstr (json_object_get_string_member (r, "result"), ==, k->result);
    g_assert_cmpstr (json_object_get_string_member_with_default (r, "failure_code", NULL), ==,
                     k->code);
    check_sim (state, u, k);
    check_record (line, u, k);
    if (strcmp (k->result, "passed") == 0) {
      guint calls = (guint)json_object_get_int_member (r, "api_calls");
      passed++;
      good++;
      good_calls_sum += calls;
      good_calls_max = MAX (good_calls_max, calls);
    }
  }
  g_assert_cmpint (json_object_get_int_member (summary, "passed"), ==, passed);
  g_test_message ("API calls per good unit (auth excluded): max %u, mean %.2f over %u units",
                  good_calls_max, (double)good_calls_sum / good, good);
  /* GET self-test tag, PUT tags, set_imei_lock, GET session offline,
   * set_to_standby, GET standby settled: 6 (measured: 6 for every good
   * unit of a quiet machine).  The two GETs that poll (self-test tag,
   * session offline) take one or two more when the simulated device is
   * slower than the station's poll (sanitizer builds under load: 8); the
   * mutating calls are counted exactly per SIM above.  The bound only
   * catches runaway polling. */
  g_assert_cmpuint (good_calls_max, <=, 10);
  line_sim_stop (sim);
}
