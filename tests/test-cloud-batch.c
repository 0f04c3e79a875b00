/* tests/test-cloud-batch.c - issue 13 end to end: the cloud emulator, a
 * `station-cli registry` with the events receiver, `batch cloud-setup`
 * (twice: the same cloud state), a small batch provisioned on fixture-sim
 * (each SIM put in the group), emulated field traffic (POST
 * /_emulator/traffic), then the receiver's records, the slowed unit, the
 * flagged SIM, and what fleet and usage show. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "station/cloud-setup.h"
#include "station/station-error.h"
#include "tests/common/line.h"
#include "tests/common/test-common.h"

#define SECRET     "e2e-events-secret-5b1c"
#define BATCH      "LOT13"
#define DELIVER_MS 20000

static JsonNode *
parse (const char *text)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (p, text, -1, &error);
  g_assert_no_error (error);
  return json_parser_steal_root (p);
}

/* The state's member @name as JSON text (groups, event_handlers). */
static char *
state_text (Line *line, const char *name)
{
  g_autoptr (JsonNode) keep = NULL;
  JsonObject *state = line_state (line, &keep);
  JsonNode *n = json_object_get_member (state, name);

  g_assert_nonnull (n);
  return json_to_string (n, FALSE);
}

static JsonObject *
cloud_setup (Line *line, JsonNode **keep)
{
  const char *args[] = { "batch", "cloud-setup", "--batch", BATCH, "--recipe", line->recipe, NULL };
  g_autofree char *out = NULL;

  g_assert_cmpint (line_cli (line, args, &out), ==, 0);
  *keep = parse (out);
  return json_node_get_object (*keep);
}

static guint
count_actions (JsonObject *summary, const char *action)
{
  JsonArray *hs = json_object_get_array_member (summary, "event_handlers");
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (hs); i++)
    n += strcmp (json_object_get_string_member (json_array_get_object_element (hs, i), "action"),
                 action)
         == 0;
  return n;
}

/* POST /_emulator/traffic for @imsi from @imei; the HTTP status. */
static guint
traffic (Line *line, const char *imsi, const char *imei, guint64 up, guint64 down)
{
  g_autofree char *body
      = g_strdup_printf ("{\"imsi\":\"%s\",\"imei\":\"%s\",\"upload_bytes\":%" G_GUINT64_FORMAT
                         ",\"download_bytes\":%" G_GUINT64_FORMAT "}",
                         imsi, imei, up, down);
  g_autoptr (Reply) r = ec_call (line->emu, "POST", "/_emulator/traffic", body, NULL);

  return r->status;
}

/* Waits (bounded) until the emulator has delivered @n web requests, each
 * answered 200 by the receiver. */
static void
wait_deliveries (Line *line, guint n)
{
  gint64 end = g_get_monotonic_time () + (gint64)DELIVER_MS * 1000;

  for (;;) {
    g_autoptr (JsonNode) keep = NULL;
    JsonObject *state = line_state (line, &keep);
    JsonArray *d = json_object_get_array_member (state, "deliveries");
    guint answered = 0;

    for (guint i = 0; i < json_array_get_length (d); i++) {
      JsonObject *o = json_array_get_object_element (d, i);
      JsonNode *st = json_object_get_member (o, "status");
      if (st != NULL && !JSON_NODE_HOLDS_NULL (st)) {
        g_assert_cmpint (json_node_get_int (st), ==, 200);
        answered++;
      }
    }
    if (answered >= n)
      return;
    if (g_get_monotonic_time () > end)
      g_error ("only %u of %u event deliveries answered within %u ms", answered, n, DELIVER_MS);
    g_usleep (50 * 1000); /* poll the emulator's record of the deliveries */
  }
}

static JsonArray *
events_of (JsonObject *record)
{
  return json_object_get_array_member (record, "sim_events");
}

static gboolean
has_event (JsonObject *record, const char *kind)
{
  JsonArray *ev = events_of (record);

  for (guint i = 0; i < json_array_get_length (ev); i++)
    if (strcmp (json_object_get_string_member (json_array_get_object_element (ev, i), "kind"), kind)
        == 0)
      return TRUE;
  return FALSE;
}

static JsonObject *
fleet_row (JsonObject *fleet, const char *device_id)
{
  JsonArray *units = json_object_get_array_member (fleet, "units");

  for (guint i = 0; i < json_array_get_length (units); i++) {
    JsonObject *u = json_array_get_object_element (units, i);
    if (strcmp (json_object_get_string_member (u, "device_id"), device_id) == 0)
      return u;
  }
  g_error ("fleet lists no %s", device_id);
}

static JsonObject *
usage_unit (JsonObject *usage, const char *device_id)
{
  JsonArray *units = json_object_get_array_member (usage, "units");

  for (guint i = 0; i < json_array_get_length (units); i++) {
    JsonObject *u = json_array_get_object_element (units, i);
    if (strcmp (json_object_get_string_member (u, "device_id"), device_id) == 0)
      return u;
  }
  g_error ("usage lists no %s", device_id);
}

static void
test_batch_cloud (void)
{
  g_autoptr (Line) line = line_new ();
  g_autofree char *secret = g_build_filename (line->dir, "events.secret", NULL);
  g_autofree char *cloud = NULL, *recipe = NULL;
  g_autofree char *groups1 = NULL, *handlers1 = NULL, *groups2 = NULL, *handlers2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) s1k = NULL, s2k = NULL, statek = NULL, fk = NULL, uk = NULL;
  g_autoptr (LineRun) run = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autofree char *today = NULL, *fleet_out = NULL, *usage_out = NULL, *csv = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  const char *events_arg[] = { "--events-secret-file", secret, NULL };
  JsonObject *s1, *s2, *state, *group, *fleet, *usage, *u0, *u1, *u2, *total;
  const char *group_id;
  LineSim *sim;
  LineUnit *a, *b, *c;

  /* the receiver's secret (0600) and the recipe's [cloud] keys */
  g_assert_true (g_file_set_contents (secret, SECRET "\n", -1, &error));
  g_assert_cmpint (g_chmod (secret, 0600), ==, 0);
  g_assert_true (g_file_get_contents (line->recipe, &recipe, NULL, &error));
  cloud = g_strdup_printf ("%s\n[cloud]\ngroup_name=lot-${batch}\ngroup_tag.product=tracker\n"
                           "daily_limit_mib=1\nover_limit_action=s1.minimum\n"
                           "events_url=http://127.0.0.1:%u/events\nevents_secret_file=%s\n",
                           recipe, line->registry_port, secret);
  g_assert_true (g_file_set_contents (line->recipe, cloud, -1, &error));
  line_registry_start_args (line, events_arg);

  sim = line_sim_start (line,
                        "{\"register\": true, \"units\": [{\"device_id\": \"CLD-0\"}, "
                        "{\"device_id\": \"CLD-1\"}, {\"device_id\": \"CLD-2\"}]}",
                        3);
  g_assert_cmpuint (line_import (line, BATCH, sim), ==, 3);

  /* cloud-setup: the group and three handlers created; again: unchanged,
   * and the cloud state is the same */
  s1 = cloud_setup (line, &s1k);
  group = json_object_get_object_member (s1, "group");
  g_assert_cmpstr (json_object_get_string_member (group, "action"), ==, "created");
  g_assert_cmpstr (json_object_get_string_member (group, "name"), ==, "lot-" BATCH);
  group_id = json_object_get_string_member (group, "id");
  g_assert_cmpuint (count_actions (s1, "created"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (s1, "created"), ==, 4);
  groups1 = state_text (line, "groups");
  handlers1 = state_text (line, "event_handlers");
  g_assert_nonnull (strstr (groups1, "\"product\":\"tracker\""));
  g_assert_nonnull (strstr (handlers1, "SubscriberFirstTrafficRule"));
  g_assert_nonnull (strstr (handlers1, "SubscriberDailyTrafficRule"));
  g_assert_nonnull (strstr (handlers1, "SubscriberImeiMismatchedRule"));

  s2 = cloud_setup (line, &s2k);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (s2, "group"), "action"), ==,
      "unchanged");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (s2, "group"), "id"), ==,
      group_id);
  g_assert_cmpuint (count_actions (s2, "unchanged"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (s2, "created"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (s2, "updated"), ==, 0);
  groups2 = state_text (line, "groups");
  handlers2 = state_text (line, "event_handlers");
  g_assert_cmpstr (groups1, ==, groups2);
  g_assert_cmpstr (handlers1, ==, handlers2);

  /* provision: every SIM joins the group through the group step */
  run = line_provision (line, sim, BATCH, NULL, NULL);
  results = line_run_results (run);
  g_assert_cmpuint (results->len, ==, 3);
  for (guint i = 0; i < results->len; i++) {
    JsonObject *r = g_ptr_array_index (results, i);
    if (strcmp (json_object_get_string_member (r, "result"), "passed") != 0)
      line_run_dump (run);
    g_assert_cmpstr (json_object_get_string_member (r, "result"), ==, "passed");
  }
  a = line_sim_unit (sim, "CLD-0");
  b = line_sim_unit (sim, "CLD-1");
  c = line_sim_unit (sim, "CLD-2");
  state = line_state (line, &statek);
  for (guint i = 0; i < 3; i++) {
    LineUnit *u = i == 0 ? a : i == 1 ? b : c;
    JsonObject *o = line_state_sim (state, u->imsi);
    g_assert_cmpstr (json_object_get_string_member (o, "groupId"), ==, group_id);
    g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "standby");
    g_assert_cmpint (line_state_calls (state, "setGroup", u->imsi), ==, 1);
  }

  /* field traffic: CLD-0 a little, CLD-1 over 1 MiB in a day, CLD-2's SIM
   * in another device (refused: IMEI lock) */
  g_assert_cmpuint (traffic (line, a->imsi, a->imei, 1000, 2000), ==, 200);
  g_assert_cmpuint (traffic (line, b->imsi, b->imei, 1048576, 1048576), ==, 200);
  g_assert_cmpuint (traffic (line, c->imsi, "490154203237518", 500, 500), ==, 403);
  /* first use x2, daily limit x1, IMEI mismatch x1 */
  wait_deliveries (line, 4);
  /* the over-limit unit slowed, the used one active, the flagged one untouched */
  {
    json_node_unref (g_steal_pointer (&statek));
    state = line_state (line, &statek);
    g_assert_cmpstr (json_object_get_string_member (line_state_sim (state, b->imsi), "speedClass"),
                     ==, "s1.minimum");
    g_assert_cmpstr (json_object_get_string_member (line_state_sim (state, a->imsi), "status"), ==,
                     "active");
    g_assert_cmpstr (json_object_get_string_member (line_state_sim (state, c->imsi), "status"), ==,
                     "standby");
  }

  {
    g_autoptr (JsonNode) r0 = line_lookup (line, "CLD-0");
    g_autoptr (JsonNode) r1 = line_lookup (line, "CLD-1");
    g_autoptr (JsonNode) r2 = line_lookup (line, "CLD-2");
    JsonObject *o0 = json_node_get_object (r0), *o1 = json_node_get_object (r1),
               *o2 = json_node_get_object (r2);

    g_assert_true (has_event (o0, "first_use"));
    g_assert_false (json_node_is_null (json_object_get_member (o0, "first_use")));
    g_assert_true (has_event (o1, "first_use"));
    g_assert_true (has_event (o1, "daily_limit"));
    g_assert_true (has_event (o2, "imei_mismatch"));
    g_assert_false (has_event (o2, "first_use"));
    g_assert_cmpuint (json_array_get_length (events_of (o0)), ==, 1);
    g_assert_true (json_node_is_null (json_object_get_member (o2, "first_use")));
  }

  /* fleet of the batch */
  {
    const char *args[]
        = { "fleet", "--stale-days", "30", "--batch", BATCH, "--format", "json", NULL };
    g_assert_cmpint (line_cli (line, args, &fleet_out), ==, 0);
  }
  fk = parse (fleet_out);
  fleet = json_node_get_object (fk);
  u0 = fleet_row (fleet, "CLD-0");
  u1 = fleet_row (fleet, "CLD-1");
  u2 = fleet_row (fleet, "CLD-2");
  g_assert_cmpstr (json_object_get_string_member (u0, "first_use_from"), ==, "event");
  g_assert_cmpstr (json_object_get_string_member (u1, "speed_class"), ==, "s1.minimum");
  g_assert_false (json_node_is_null (json_object_get_member (u1, "daily_limit_at")));
  g_assert_true (json_node_is_null (json_object_get_member (u0, "daily_limit_at")));
  g_assert_false (json_node_is_null (json_object_get_member (u2, "imei_mismatch_at")));
  g_assert_cmpstr (json_object_get_string_member (u2, "view"), ==, "standby");
  g_assert_true (json_node_is_null (json_object_get_member (u2, "first_use")));

  /* usage of today */
  today = g_date_time_format (now, "%Y-%m-%d");
  {
    const char *args[]
        = { "usage", "--batch", BATCH, "--from", today, "--to", today, "--format", "json", NULL };
    g_assert_cmpint (line_cli (line, args, &usage_out), ==, 0);
  }
  uk = parse (usage_out);
  usage = json_node_get_object (uk);
  {
    JsonObject *d0 = json_array_get_object_element (
        json_object_get_array_member (usage_unit (usage, "CLD-0"), "days"), 0);
    JsonObject *d2 = json_array_get_object_element (
        json_object_get_array_member (usage_unit (usage, "CLD-2"), "days"), 0);

    g_assert_cmpstr (json_object_get_string_member (d0, "date"), ==, today);
    g_assert_cmpint (json_object_get_int_member (d0, "upload_bytes"), ==, 1000);
    g_assert_cmpint (json_object_get_int_member (d0, "download_bytes"), ==, 2000);
    g_assert_true (json_object_get_boolean_member (d0, "online"));
    g_assert_false (json_object_get_boolean_member (d2, "online"));
    g_assert_cmpint (json_object_get_int_member (d2, "upload_bytes"), ==, 0);
  }
  total = json_object_get_object_member (usage, "total");
  g_assert_cmpint (json_object_get_int_member (total, "upload_bytes"), ==, 1000 + 1048576);
  g_assert_cmpint (json_object_get_int_member (total, "download_bytes"), ==, 2000 + 1048576);
  {
    const char *args[] = { "usage", "--batch", BATCH, "--from", today, "--to", today, NULL };
    g_autofree char *want = NULL;

    g_assert_cmpint (line_cli (line, args, &csv), ==, 0);
    g_assert_true (
        g_str_has_prefix (csv, "device_id,imsi,date,upload_bytes,download_bytes,online"));
    want = g_strdup_printf ("CLD-0,%s,%s,1000,2000,true", a->imsi, today);
    g_assert_nonnull (strstr (csv, want));
    g_assert_nonnull (strstr (csv, "ALL,,total,1049576,1050576,3"));
  }
  line_sim_stop (sim);
}

/* Appends @cloud_keys as the recipe's [cloud] group. */
static void
recipe_cloud (Line *line, const char *cloud_keys)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *recipe = NULL, *text = NULL;

  g_assert_true (g_file_get_contents (line->recipe, &recipe, NULL, &error));
  text = g_strdup_printf ("%s\n[cloud]\n%s", recipe, cloud_keys);
  g_assert_true (g_file_set_contents (line->recipe, text, -1, &error));
}

/* A batch whose group does not exist: the preflight check says so, and a
 * unit run anyway gets no mutating call (api-error, not the unit's fault). */
static void
test_group_missing (void)
{
  g_autofree char *err = NULL;
  g_autoptr (Line) line = line_new ();
  g_autoptr (LineRun) run = NULL;
  g_autoptr (JsonNode) keep = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = NULL;
  g_autoptr (Recipe) recipe = NULL;
  g_autoptr (CloudClient) cloud = NULL;
  g_autoptr (CloudCredentials) creds = cloud_credentials_new (EC_AUTH_KEY_ID, EC_AUTH_KEY);
  CloudClientOptions opts;
  JsonObject *r, *state;
  LineSim *sim;
  LineUnit *u;

  recipe_cloud (line, "group_id=00000000-dead-beef-0000-000000000000\n");
  sim = line_sim_start (line, "{\"register\": true, \"units\": [{\"device_id\": \"NOGRP-1\"}]}", 1);
  line_import (line, "NOGRP", sim);
  u = line_sim_unit (sim, "NOGRP-1");

  store = store_open (line->db, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  recipe = recipe_load (line->recipe, &error);
  g_assert_no_error (error);
  cloud_client_options_init (&opts);
  opts.base_url = line->api_url;
  cloud = cloud_client_new (&opts, creds, &error);
  g_assert_no_error (error);
  g_assert_false (cloud_setup_check_group (store, cloud, recipe, "NOGRP", NULL, &error));
  g_assert_error (error, STATION_ERROR, STATION_ERROR_CHECK_FAILED);
  g_assert_nonnull (strstr (error->message, "does not exist"));
  g_assert_nonnull (strstr (error->message, "cloud-setup"));
  g_clear_error (&error);

  /* the run's preflight (since the issue 13 merge) refuses the run before
   * any unit starts, naming the missing group */
  run = line_provision (line, sim, "NOGRP", NULL, NULL);
  g_assert_cmpint (run->status, ==, 1);
  r = line_run_result (run, "NOGRP-1");
  g_assert_null (r);
  g_assert_true (g_file_get_contents (run->err_path, &err, NULL, NULL));
  g_assert_nonnull (strstr (err, "preflight: the batch's SIM group"));
  g_assert_nonnull (strstr (err, "does not exist"));
  state = line_state (line, &keep);
  g_assert_cmpint (line_state_calls (state, "setGroup", u->imsi), ==, 0);
  g_assert_cmpint (line_state_calls (state, "putSubscriberTags", u->imsi), ==, 0);
  g_assert_cmpint (line_state_calls (state, "setImeiLock", u->imsi), ==, 0);
  g_assert_cmpint (line_state_calls (state, "setSubscriberToStandby", u->imsi), ==, 0);
  line_sim_stop (sim);
}

/* A crash right after the group step's call: the resumed run does not
 * call set_group again, and the unit passes in the group. */
static void
test_group_resume (void)
{
  g_autoptr (Line) line = line_new ();
  g_autoptr (LineRun) crashed = NULL, resumed = NULL;
  g_autoptr (JsonNode) s1k = NULL, keep = NULL;
  JsonObject *state, *r;
  const char *group_id;
  LineSim *sim;
  LineUnit *u;

  recipe_cloud (line, "group_name=resume-${batch}\n");
  sim = line_sim_start (line, "{\"register\": true, \"units\": [{\"device_id\": \"RES-1\"}]}", 1);
  line_import (line, "RESUME", sim);
  u = line_sim_unit (sim, "RES-1");
  {
    const char *args[] = { "batch", "cloud-setup", "--batch", "RESUME", NULL };
    const char *with_recipe[]
        = { "batch", "cloud-setup", "--batch", "RESUME", "--recipe", line->recipe, NULL };
    g_autofree char *out = NULL;

    /* the shipped default recipe names no group: a usage error */
    g_assert_cmpint (line_cli (line, args, NULL), ==, 2);
    g_assert_cmpint (line_cli (line, with_recipe, &out), ==, 0);
    s1k = parse (out);
  }
  group_id = json_object_get_string_member (
      json_object_get_object_member (json_node_get_object (s1k), "group"), "id");

  crashed = line_provision (line, sim, "RESUME", "group:done", NULL);
  g_assert_cmpint (crashed->status, !=, 0);
  resumed = line_provision (line, sim, "RESUME", NULL, NULL);
  r = line_run_result (resumed, "RES-1");
  g_assert_nonnull (r);
  g_assert_cmpstr (json_object_get_string_member (r, "result"), ==, "passed");
  state = line_state (line, &keep);
  g_assert_cmpint (line_state_calls (state, "setGroup", u->imsi), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (line_state_sim (state, u->imsi), "groupId"), ==,
                   group_id);
  line_sim_stop (sim);
}

static const char *
handler_action (JsonObject *summary, const char *kind)
{
  JsonArray *hs = json_object_get_array_member (summary, "event_handlers");

  for (guint i = 0; i < json_array_get_length (hs); i++) {
    JsonObject *h = json_array_get_object_element (hs, i);
    if (strcmp (json_object_get_string_member (h, "kind"), kind) == 0)
      return json_object_get_string_member (h, "action");
  }
  return NULL;
}

/* A changed recipe: the group's tags put, the daily-limit handler updated
 * (new limit, suspend), the web-request handlers it no longer wants made
 * inactive; a rerun then changes nothing. */
static void
test_setup_updates (void)
{
  g_autoptr (Line) line = line_new ();
  g_autofree char *secret = g_build_filename (line->dir, "events.secret", NULL);
  g_autofree char *first = g_build_filename (line->dir, "first.ini", NULL);
  g_autofree char *second = g_build_filename (line->dir, "second.ini", NULL);
  g_autofree char *base = NULL, *a = NULL, *b = NULL, *out1 = NULL, *out2 = NULL, *out3 = NULL;
  g_autofree char *handlers2 = NULL, *handlers3 = NULL, *groups = NULL;
  g_autoptr (JsonNode) k1 = NULL, k2 = NULL, k3 = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *s2, *s3;
  LineSim *sim;
  const char *run1[] = { "batch", "cloud-setup", "--batch", "UPD", "--recipe", first, NULL };
  const char *run2[] = { "batch", "cloud-setup", "--batch", "UPD", "--recipe", second, NULL };

  g_assert_true (g_file_set_contents (secret, SECRET, -1, &error));
  g_assert_cmpint (g_chmod (secret, 0600), ==, 0);
  g_assert_true (g_file_get_contents (line->recipe, &base, NULL, &error));
  a = g_strdup_printf ("%s\n[cloud]\ngroup_name=upd\ndaily_limit_mib=1\n"
                       "events_url=http://127.0.0.1:9/events\nevents_secret_file=%s\n",
                       base, secret);
  b = g_strdup_printf ("%s\n[cloud]\ngroup_name=upd\ngroup_tag.site=osaka\ndaily_limit_mib=2\n"
                       "over_limit_action=suspend\n",
                       base);
  g_assert_true (g_file_set_contents (first, a, -1, &error));
  g_assert_true (g_file_set_contents (second, b, -1, &error));
  sim = line_sim_start (line, "{\"register\": true, \"units\": [{\"device_id\": \"UPD-1\"}]}", 1);
  line_import (line, "UPD", sim);

  g_assert_cmpint (line_cli (line, run1, &out1), ==, 0);
  k1 = parse (out1);
  g_assert_cmpuint (count_actions (json_node_get_object (k1), "created"), ==, 3);

  g_assert_cmpint (line_cli (line, run2, &out2), ==, 0);
  k2 = parse (out2);
  s2 = json_node_get_object (k2);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (s2, "group"), "action"), ==,
      "updated");
  g_assert_cmpstr (handler_action (s2, "daily_limit"), ==, "updated");
  g_assert_cmpstr (handler_action (s2, "first_use"), ==, "deactivated");
  g_assert_cmpstr (handler_action (s2, "imei_mismatch"), ==, "deactivated");
  handlers2 = state_text (line, "event_handlers");
  g_assert_nonnull (strstr (handlers2, "SuspendAction"));
  g_assert_nonnull (strstr (handlers2, "\"limitTotalTrafficMegaByte\":\"2\""));
  g_assert_null (strstr (handlers2, "ChangeSpeedClassAction"));
  groups = state_text (line, "groups");
  g_assert_nonnull (strstr (groups, "\"site\":\"osaka\""));

  g_assert_cmpint (line_cli (line, run2, &out3), ==, 0);
  k3 = parse (out3);
  s3 = json_node_get_object (k3);
  g_assert_cmpint (json_object_get_int_member (s3, "created"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (s3, "updated"), ==, 0);
  handlers3 = state_text (line, "event_handlers");
  g_assert_cmpstr (handlers2, ==, handlers3);
  line_sim_stop (sim);
}

/* Bad input to cloud-setup, usage and fleet: a clear error and its exit
 * code (2 usage, 1 unknown batch), nothing changed in the cloud. */
static void
test_bad_input (void)
{
  g_autoptr (Line) line = line_new ();
  g_autofree char *secret = g_build_filename (line->dir, "open.secret", NULL);
  g_autofree char *keys = NULL, *groups = NULL;
  g_autoptr (GError) error = NULL;
  LineSim *sim;
  static const struct {
    const char *args[10];
    int rc;
  } cases[] = {
    { { "batch", "cloud-setup", NULL }, 2 },
    { { "batch", "cloud-setup", "--batch", "NOPE", "--recipe", "RECIPE", NULL }, 1 },
    { { "batch", "cloud-setup", "--batch", "BAD", "--recipe", "/nonexistent.ini", NULL }, 2 },
    { { "usage", "--batch", "BAD", "--from", "2026-12-01", NULL }, 2 },
    { { "usage", "--batch", "BAD", "--from", "2026-13-01", "--to", "2026-12-02", NULL }, 2 },
    { { "usage", "--batch", "BAD", "--from", "2026-12-02", "--to", "2026-12-01", NULL }, 2 },
    { { "usage", "--batch", "BAD", "--from", "2026-12-01", "--to", "2026-12-01", "--format", "xml",
        NULL },
      2 },
    { { "usage", "--batch", "NOPE", "--from", "2026-12-01", "--to", "2026-12-01", NULL }, 1 },
    { { "fleet", "--stale-days", "3", "--batch", "NOPE", NULL }, 1 },
  };

  sim = line_sim_start (line, "{\"register\": true, \"units\": [{\"device_id\": \"BAD-1\"}]}", 1);
  line_import (line, "BAD", sim);
  recipe_cloud (line, "group_name=bad\n");
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    const char *args[10] = { NULL };

    for (gsize k = 0; cases[i].args[k] != NULL; k++)
      args[k] = strcmp (cases[i].args[k], "RECIPE") == 0 ? line->recipe : cases[i].args[k];
    g_test_message ("case %zu: %s %s", i, args[0], args[1]);
    g_assert_cmpint (line_cli (line, args, NULL), ==, cases[i].rc);
  }
  /* a secret file others can read: refused before anything is done */
  {
    g_autofree char *bad = g_build_filename (line->dir, "bad-secret.ini", NULL);
    g_autofree char *text = NULL;
    const char *args[] = { "batch", "cloud-setup", "--batch", "BAD", "--recipe", bad, NULL };

    g_assert_true (g_file_set_contents (secret, SECRET, -1, &error));
    g_assert_cmpint (g_chmod (secret, 0644), ==, 0);
    g_assert_true (g_file_get_contents (line->recipe, &text, NULL, &error));
    keys = g_strdup_printf ("%sevents_url=http://127.0.0.1:9/events\nevents_secret_file=%s\n", text,
                            secret);
    g_assert_true (g_file_set_contents (bad, keys, -1, &error));
    g_assert_cmpint (line_cli (line, args, NULL), ==, 2);
  }
  groups = state_text (line, "groups");
  g_assert_cmpstr (groups, ==, "[]");
  line_sim_stop (sim);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/cloud-batch/setup-provision-traffic-fleet-usage", test_batch_cloud);
  g_test_add_func ("/cloud-batch/group-missing", test_group_missing);
  g_test_add_func ("/cloud-batch/group-resume", test_group_resume);
  g_test_add_func ("/cloud-batch/setup-updates", test_setup_updates);
  g_test_add_func ("/cloud-batch/bad-input", test_bad_input);
  return g_test_run ();
}
