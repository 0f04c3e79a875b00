/* tests/test-engine-preflight.c - issue 11 on the virtual line
 * (tests/common/line.h): the preflight refuses a run that every unit would
 * fail the same way (bad printer, wrong credentials, a store that cannot
 * be written) before any API mutation; the default printer folder beside
 * the store; SIMs whose plan cannot be parked fail plan-no-standby with no
 * change to them; a unit stopped before its scan is an error, not failed. */
#define G_LOG_DOMAIN "test-engine"

#include <string.h>

#include "drivers/fixture/fixture.h"
#include "station/cloud/cloud-client.h"
#include "station/pipeline/engine.h"
#include "station/pipeline/failure-codes.h"
#include "station/pipeline/recipe.h"
#include "station/store/store-audit.h"
#include "station/store/store.h"
#include "tests/common/line.h"
#include "tests/common/test-common.h"

/* Successful mutating calls the emulator counted, authentication aside. */
static gint64
mutating_calls (JsonObject *state)
{
  JsonObject *calls = json_object_get_object_member (state, "calls");
  g_autoptr (GList) ops = calls ? json_object_get_members (calls) : NULL;
  gint64 n = 0;

  for (GList *o = ops; o != NULL; o = o->next) {
    JsonObject *per = json_object_get_object_member (calls, o->data);
    g_autoptr (GList) keys = NULL;

    if (strcmp (o->data, "auth") == 0)
      continue;
    keys = json_object_get_members (per);
    for (GList *k = keys; k != NULL; k = k->next) {
      g_test_message ("mutating call %s %s: %" G_GINT64_FORMAT, (char *)o->data, (char *)k->data,
                      json_object_get_int_member (per, k->data));
      n += json_object_get_int_member (per, k->data);
    }
  }
  return n;
}

/* Calls that change the SIM @imsi (any operation). */
static gint64
calls_for (JsonObject *state, const char *imsi)
{
  JsonObject *calls = json_object_get_object_member (state, "calls");
  g_autoptr (GList) ops = calls ? json_object_get_members (calls) : NULL;
  gint64 n = 0;

  for (GList *o = ops; o != NULL; o = o->next)
    n += line_state_calls (state, o->data, imsi);
  return n;
}

static char *
run_stderr (LineRun *run)
{
  char *err = NULL;

  g_assert_true (g_file_get_contents (run->err_path, &err, NULL, NULL));
  return err;
}

static const char *const two_units = "{\"register\": true, \"units\": ["
                                     "{\"device_id\": \"PF-01\"}, {\"device_id\": \"PF-02\"}]}";

/* A run refused by the preflight: @status, one error line naming @what,
 * no unit line, no unit record, nothing changed in the cloud. */
static void
assert_refused (Line *line, LineSim *sim, LineRun *run, int status, const char *what)
{
  g_autofree char *err = run_stderr (run);
  g_autoptr (GPtrArray) results = line_run_results (run);
  g_autoptr (JsonNode) keep = NULL;
  JsonObject *state;

  if (run->status != status)
    line_run_dump (run);
  g_assert_cmpint (run->status, ==, status);
  g_assert_nonnull (strstr (err, "station-cli: provision: preflight: "));
  g_assert_nonnull (strstr (err, what));
  g_assert_nonnull (strstr (err, "nothing was changed"));
  g_assert_cmpuint (results->len, ==, 0);
  for (guint i = 0; i < sim->units->len; i++) {
    LineUnit *u = sim->units->pdata[i];
    g_autoptr (JsonNode) rec = line_lookup_maybe (line, u->device_id);
    g_assert_null (rec);
  }
  state = line_state (line, &keep);
  g_assert_cmpint (mutating_calls (state), ==, 0);
}

/* No --printer and no [printer] uri: labels go to the folder "labels"
 * beside the store file, and every unit passes (the path used to go
 * through the store file: every label failed). */
static void
test_default_printer (void)
{
  g_autoptr (Line) line = line_new ();
  LineSim *sim = line_sim_start (line, two_units, 2);
  g_autoptr (LineRun) run = NULL;

  line_import (line, "PF", sim);
  line->default_printer = TRUE;
  run = line_provision (line, sim, "PF", NULL, NULL);
  if (run->status != 0)
    line_run_dump (run);
  g_assert_cmpint (run->status, ==, 0);
  for (guint i = 0; i < sim->units->len; i++) {
    LineUnit *u = sim->units->pdata[i];
    JsonObject *r = line_run_result (run, u->device_id);

    g_assert_nonnull (r);
    g_assert_cmpstr (json_object_get_string_member (r, "result"), ==, "passed");
    /* line->labels is <dir>/labels, the store being <dir>/station.db */
    g_assert_cmpuint (line_label_files (line, u->device_id), ==, 1);
    /* the simulator's default plan01s SIMs carry SORACOM's global IMSIs */
    g_assert_true (g_str_has_prefix (u->imsi, "295050"));
  }
  line_sim_stop (sim);
}

/* A printer that cannot print: a folder that cannot exist (its path goes
 * through the store file), a ZPL printer that does not answer ~HS.  Exit
 * 3 before anything is done. */
static void
test_bad_printer (void)
{
  for (guint i = 0; i < 2; i++) {
    g_autoptr (Line) line = line_new ();
    LineSim *sim = line_sim_start (line, two_units, 2);
    g_autofree char *printer = i == 0 ? g_strdup_printf ("file:%s/labels", line->db)
                                      : g_strdup_printf ("zpl:127.0.0.1:%u", tc_free_port ());
    const char *extra[] = { "--printer", printer, NULL };
    g_autofree char *what = g_strdup_printf ("the printer %s is not usable", printer);
    g_autoptr (LineRun) run = NULL;

    line_import (line, "PF", sim);
    line->default_printer = TRUE;
    run = line_provision (line, sim, "PF", NULL, extra);
    assert_refused (line, sim, run, 3, what);
    line_sim_stop (sim);
  }
}

/* The emulator refuses the auth key: exit 4 before anything is done. */
static void
test_wrong_credentials (void)
{
  g_autoptr (Line) line = line_new ();
  LineSim *sim = line_sim_start (line, two_units, 2);
  g_autoptr (LineRun) run = NULL;

  line_import (line, "PF", sim);
  line->auth_key = "secret-wrong-00000000000000000000000000000000000000000000000000000000";
  run = line_provision (line, sim, "PF", NULL, NULL);
  assert_refused (line, sim, run, 4, "the SORACOM credentials do not authenticate");
  line_sim_stop (sim);
}

/* A store that opens and reads but cannot be written: its files cannot
 * grow (RLIMIT_FSIZE, as a full disk or quota; root is stopped by it
 * too).  The test keeps a connection open so that the store's WAL index
 * exists and the run fails at its first write, the preflight's: exit 5
 * before anything is done. */
static void
test_store_cannot_write (void)
{
  g_autoptr (Line) line = line_new ();
  LineSim *sim = line_sim_start (line, two_units, 2);
  g_autoptr (LineRun) run = NULL;
  g_autoptr (Store) held = NULL;
  g_autoptr (StoreBatch) batch = NULL;
  g_autoptr (GError) error = NULL;

  line_import (line, "PF", sim);
  held = store_open (line->db, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  batch = store_batch_get (held, "PF", &error);
  g_assert_no_error (error);
  line->fsize_limit = 4096;
  run = line_provision (line, sim, "PF", NULL, NULL);
  assert_refused (line, sim, run, 5, "the store cannot be written");
  line_sim_stop (sim);
}

/* plan-D SIMs cannot be parked: every unit fails plan-no-standby, read
 * from the subscriber before any change, and none of the SIMs is tagged,
 * locked or parked. */
static void
test_plan_d (void)
{
  g_autoptr (Line) line = line_new ();
  LineSim *sim = line_sim_start (line,
                                 "{\"register\": true, \"plan\": \"plan-D\", \"units\": ["
                                 "{\"device_id\": \"PD-01\"}, {\"device_id\": \"PD-02\"},"
                                 "{\"device_id\": \"PD-03\"}]}",
                                 3);
  g_autoptr (LineRun) run = NULL;
  g_autoptr (JsonNode) keep = NULL;
  JsonObject *state;

  line_import (line, "PD", sim);
  run = line_provision (line, sim, "PD", NULL, NULL);
  if (run->status != 1)
    line_run_dump (run);
  g_assert_cmpint (run->status, ==, 1);
  state = line_state (line, &keep);
  for (guint i = 0; i < sim->units->len; i++) {
    LineUnit *u = sim->units->pdata[i];
    JsonObject *r = line_run_result (run, u->device_id);
    JsonObject *s = line_state_sim (state, u->imsi);

    /* docomo-network IMSIs */
    g_assert_true (g_str_has_prefix (u->imsi, "44010"));
    g_assert_nonnull (r);
    g_assert_cmpstr (json_object_get_string_member (r, "result"), ==, "failed");
    g_assert_cmpstr (json_object_get_string_member (r, "failure_code"), ==, "plan-no-standby");
    g_assert_nonnull (strstr (json_object_get_string_member (r, "message"), "plan-D"));
    g_assert_nonnull (s);
    g_assert_cmpstr (json_object_get_string_member (s, "subscription"), ==, "plan-D");
    g_assert_cmpint (calls_for (state, u->imsi), ==, 0);
    g_assert_cmpuint (line_label_files (line, u->device_id), ==, 0);
  }
  g_assert_cmpint (mutating_calls (state), ==, 0);
  line_sim_stop (sim);
}

/* An order of @n SIMs of @plan, shipped and registered; returns its ID. */
static char *
ship_order (Line *line, guint n, const char *plan)
{
  g_autofree char *quote = g_strdup_printf (
      "{\"orderItemList\":[{\"productCode\":\"4573326590013\",\"quantity\":%u}]}", n);
  g_autoptr (Reply) r = NULL;
  g_autofree char *ship = NULL;
  char *order_id;

  ec_auth (line->emu);
  r = ec_call (line->emu, "POST", "/v1/orders", quote, NULL);
  g_assert_cmpuint (r->status, ==, 201);
  order_id = g_strdup (reply_str (r, "orderId"));
  g_clear_pointer (&r, reply_free);
  r = ec_callf (line->emu, "PUT", NULL, "/v1/orders/%s/confirm", order_id);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  ship = g_strdup_printf (
      "{\"orderId\":\"%s\",\"operatorId\":\"OP0012345678\",\"subscription\":\"%s\"}", order_id,
      plan);
  r = ec_call (line->emu, "POST", "/v1/sandbox/orders/ship", ship, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  /* received: the SIMs become the operator's subscribers */
  r = ec_callf (line->emu, "POST", NULL, "/v1/orders/%s/subscribers/register", order_id);
  g_assert_cmpuint (r->status, ==, 204);
  return order_id;
}

/* batch import --order-id: a warning on stderr and "no_standby" in the
 * summary when the order's SIMs cannot be parked; none for plan01s. */
static void
test_order_warning (void)
{
  g_autoptr (Line) line = line_new ();
  const struct {
    const char *plan, *batch;
    gint64 no_standby;
  } cases[] = { { "plan-D", "ORD-D", 3 }, { "plan01s", "ORD-S", 0 } };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *order_id = ship_order (line, 3, cases[i].plan);
    g_autofree char *cli = tc_build_path ("station/station-cli");
    g_autofree char *out = NULL, *err = NULL;
    const char *argv[]
        = { cli,      "--db",    line->db,       "--api-url",  line->api_url, "batch",
            "import", "--batch", cases[i].batch, "--order-id", order_id,      NULL };
    g_autoptr (JsonParser) p = json_parser_new ();
    g_autoptr (GError) error = NULL;
    JsonObject *sum, *plans;
    int rc;

    g_setenv ("SORACOM_AUTH_KEY_ID", EC_AUTH_KEY_ID, TRUE);
    g_setenv ("SORACOM_AUTH_KEY", EC_AUTH_KEY, TRUE);
    rc = tc_run (argv, &out, &err, 30000);
    g_unsetenv ("SORACOM_AUTH_KEY_ID");
    g_unsetenv ("SORACOM_AUTH_KEY");
    g_test_message ("%s: stderr: %s", cases[i].plan, err);
    g_assert_cmpint (rc, ==, 0);
    g_assert_true (json_parser_load_from_data (p, out, -1, &error));
    g_assert_no_error (error);
    sum = json_node_get_object (json_parser_get_root (p));
    g_assert_cmpint (json_object_get_int_member (sum, "sims"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (sum, "no_standby"), ==, cases[i].no_standby);
    plans = json_object_get_object_member (sum, "plans");
    g_assert_cmpint (json_object_get_int_member (plans, cases[i].plan), ==, 3);
    if (cases[i].no_standby > 0) {
      g_assert_nonnull (strstr (err, "station-cli: batch import: warning: 3 of the 3 SIMs"));
      g_assert_nonnull (strstr (err, "plan-no-standby"));
    } else {
      /* only the endpoint banner (issue 14) on stderr */
      g_autofree char *banner = g_strdup_printf (
          "station-cli: batch import: TEST API %s (not the SORACOM production API)\n",
          line->api_url);
      g_assert_cmpstr (err, ==, banner);
    }
  }
}

/* ---- a unit stopped before its scan (in process) ------------------------ */

typedef struct {
  GCancellable *run; /* the engine run's */
  guint inserted;
  GPtrArray *finished; /* "result failure_code" of each unit */
} BeforeScan;

/* The operator confirms one unit and, at that moment, the run is stopped:
 * the slot takes the unit and must not run its scan. */
static char *
insert_then_stop (gpointer data, guint slot, guint timeout_ms, GCancellable *cancellable,
                  GError **error)
{
  BeforeScan *b = data;

  if (b->inserted++ > 0) {
    g_set_error (error, FIXTURE_ERROR, FIXTURE_ERROR_NO_MORE_UNITS, "no more units");
    return NULL;
  }
  g_cancellable_cancel (b->run);
  return g_strdup ("CXS-0001");
}

static gboolean
remove_unit (gpointer data, guint slot, FixtureLed led, guint timeout_ms, GCancellable *cancellable,
             GError **error)
{
  return TRUE;
}

static void
on_event (const EngineEvent *ev, gpointer data)
{
  BeforeScan *b = data;

  if (ev->kind == ENGINE_EVENT_UNIT_FINISHED)
    g_ptr_array_add (b->finished, g_strdup_printf ("%s %s", engine_result_name (ev->result),
                                                   ev->failure_code ? ev->failure_code : "-"));
}

static void
test_cancel_before_scan (void)
{
  static const FixtureOperator op = { .insert = insert_then_stop, .remove = remove_unit };
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "station.db", NULL);
  g_autofree char *recipe_path = tc_data_path ("recipes", "no-standby.ini", NULL);
  g_autoptr (GCancellable) run_cancel = g_cancellable_new ();
  g_autoptr (GPtrArray) sims = g_ptr_array_new_with_free_func ((GDestroyNotify)store_sim_free);
  g_autoptr (GPtrArray) finished = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = NULL;
  g_autoptr (StoreBatch) batch = store_batch_new ("CXS", "csv");
  g_autoptr (Recipe) recipe = NULL;
  g_autoptr (Fixture) fixture = NULL;
  g_autoptr (Engine) engine = NULL;
  g_autoptr (StoreUnit) unit = NULL;
  CloudClient *cloud = NULL;
  CloudClientOptions copts;
  BeforeScan b = { .run = run_cancel, .finished = finished };
  FixtureOpenOptions fopts = { .operator= & op, .operator_data = &b };
  EngineOptions eopts = { 0 };
  EngineSummary sum = { 0 };

  store = store_open (db, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_ptr_array_add (sims, store_sim_new ("295050000000017", NULL, NULL, NULL));
  g_assert_true (store_batch_import (store, batch, sims, &error));
  g_assert_no_error (error);
  recipe = recipe_load (recipe_path, &error);
  g_assert_no_error (error);
  fixture = fixture_open ("manual:?port=/dev/null", &fopts, NULL, &error);
  g_assert_no_error (error);

  /* never called: the run stops before any step that talks to the API */
  cloud_client_options_init (&copts);
  copts.base_url = "http://127.0.0.1:9/v1";
  cloud = cloud_client_new (&copts, NULL, &error);
  g_assert_no_error (error);

  eopts.store = store;
  eopts.cloud = cloud;
  eopts.fixture = fixture;
  eopts.recipe = recipe;
  eopts.batch_id = "CXS";
  eopts.station = "test";
  eopts.slots = 1;
  eopts.poll_ms = 50;
  eopts.on_event = on_event;
  eopts.user_data = &b;
  engine = engine_new (&eopts, &error);
  g_assert_no_error (error);
  g_assert_false (engine_run (engine, run_cancel, &sum, &error));
  g_assert_error (error, ENGINE_ERROR, ENGINE_ERROR_CANCELLED);

  /* stopped by the operator: an error (the unit resumes), not its fault */
  g_assert_cmpuint (finished->len, ==, 1);
  g_assert_cmpstr (finished->pdata[0], ==, "error cancelled");
  g_assert_cmpuint (sum.failed, ==, 0);
  g_assert_cmpuint (sum.error, ==, 1);
  /* and nothing was recorded for it: its scan never ran */
  g_clear_error (&error);
  unit = store_unit_get (store, "CXS-0001", &error);
  g_assert_null (unit);
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_pointer (&engine, engine_free);
  cloud_client_free (cloud);
}

/* ---- events delivered in the caller's chosen context -------------------- */

typedef struct {
  guint inserted;
  GThread *owner;    /* the thread that iterates the target context */
  GPtrArray *events; /* EngineEvent *, kept with engine_event_copy () */
  gboolean wrong_thread;
  gboolean run_done; /* set by the run's thread, read in this one */
  GMainContext *target;
  Engine *engine;
  EngineSummary sum;
  gboolean ran;
} Target;

/* One unit whose label reads as no device ID (the engine fails it before
 * any step), then no more units. */
static char *
insert_bad_id (gpointer data, guint slot, guint timeout_ms, GCancellable *cancellable,
               GError **error)
{
  Target *t = data;

  if (t->inserted++ > 0) {
    g_set_error (error, FIXTURE_ERROR, FIXTURE_ERROR_NO_MORE_UNITS, "no more units");
    return NULL;
  }
  return g_strdup ("not a device id!");
}

static void
on_target_event (const EngineEvent *ev, gpointer data)
{
  Target *t = data;

  if (g_thread_self () != t->owner)
    t->wrong_thread = TRUE;
  g_ptr_array_add (t->events, engine_event_copy (ev));
}

static gpointer
run_in_thread (gpointer data)
{
  Target *t = data;
  g_autoptr (GMainContext) own = g_main_context_new ();

  g_main_context_push_thread_default (own);
  t->ran = engine_run (t->engine, NULL, &t->sum, NULL);
  g_main_context_pop_thread_default (own);
  g_atomic_int_set (&t->run_done, TRUE);
  g_main_context_wakeup (t->target);
  return NULL;
}

static gboolean
give_up (gpointer data)
{
  g_error ("the engine's events did not arrive in 30 s");
  return G_SOURCE_REMOVE;
}

/* With EngineOptions.context, the handler runs in that context's thread
 * (not engine_run's), in order; its copies outlive the engine; the
 * summary counts the unit though no event reached engine_run's context;
 * and a finished unit carries the batch's counts when asked. */
static void
test_events_target_context (void)
{
  static const FixtureOperator op = { .insert = insert_bad_id, .remove = remove_unit };
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "station.db", NULL);
  g_autofree char *recipe_path = tc_data_path ("recipes", "no-standby.ini", NULL);
  g_autoptr (GPtrArray) sims = g_ptr_array_new_with_free_func ((GDestroyNotify)store_sim_free);
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify)engine_event_free);
  g_autoptr (GMainContext) target = g_main_context_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = NULL;
  g_autoptr (StoreBatch) batch = store_batch_new ("EVT", "csv");
  g_autoptr (Recipe) recipe = NULL;
  g_autoptr (Fixture) fixture = NULL;
  g_autoptr (GSource) timeout = g_timeout_source_new_seconds (30);
  CloudClient *cloud = NULL;
  CloudClientOptions copts;
  Target t = { .owner = g_thread_self (), .events = events, .target = target };
  FixtureOpenOptions fopts = { .operator= & op, .operator_data = &t };
  EngineOptions eopts = { 0 };
  GThread *thread;
  const EngineEvent *ev;

  store = store_open (db, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_ptr_array_add (sims, store_sim_new ("295050000000017", NULL, NULL, NULL));
  g_ptr_array_add (sims, store_sim_new ("295050000000025", NULL, NULL, NULL));
  g_assert_true (store_batch_import (store, batch, sims, &error));
  g_assert_no_error (error);
  recipe = recipe_load (recipe_path, &error);
  g_assert_no_error (error);
  fixture = fixture_open ("manual:?port=/dev/null", &fopts, NULL, &error);
  g_assert_no_error (error);
  cloud_client_options_init (&copts);
  copts.base_url = "http://127.0.0.1:9/v1"; /* never called: no unit gets a step */
  cloud = cloud_client_new (&copts, NULL, &error);
  g_assert_no_error (error);

  eopts.store = store;
  eopts.cloud = cloud;
  eopts.fixture = fixture;
  eopts.recipe = recipe;
  eopts.batch_id = "EVT";
  eopts.station = "test";
  eopts.slots = 1;
  eopts.poll_ms = 50;
  eopts.on_event = on_target_event;
  eopts.user_data = &t;
  eopts.context = target;
  eopts.batch_counts = TRUE;
  t.engine = engine_new (&eopts, &error);
  g_assert_no_error (error);

  g_source_set_callback (timeout, give_up, NULL, NULL);
  g_source_attach (timeout, target);
  thread = g_thread_new ("engine-run", run_in_thread, &t);
  while (!g_atomic_int_get (&t.run_done))
    g_main_context_iteration (target, TRUE);
  g_thread_join (thread);
  g_source_destroy (timeout);
  g_clear_pointer (&t.engine, engine_free);
  /* engine_run returned: what it queued is still to be delivered here */
  while (g_main_context_pending (target))
    g_main_context_iteration (target, FALSE);

  g_assert_true (t.ran);
  g_assert_false (t.wrong_thread);
  g_assert_cmpuint (t.sum.units, ==, 1);
  g_assert_cmpuint (t.sum.failed, ==, 1);
  g_assert_cmpuint (events->len, ==, 2);
  ev = g_ptr_array_index (events, 0);
  g_assert_cmpint (ev->kind, ==, ENGINE_EVENT_UNIT_FINISHED);
  g_assert_cmpstr (ev->device_id, ==, "not a device id!");
  g_assert_cmpstr (ev->failure_code, ==, FAIL_BAD_DEVICE_ID);
  g_assert_nonnull (ev->message);
  g_assert_cmpint (ev->real_time_us, >, 0);
  g_assert_true (ev->have_batch_counts);
  g_assert_cmpint (ev->batch_counts.sims, ==, 2);
  ev = g_ptr_array_index (events, 1);
  g_assert_cmpint (ev->kind, ==, ENGINE_EVENT_SLOT_IDLE);
  g_assert_false (ev->have_batch_counts);
  cloud_client_free (cloud);
}

/* A batch provisioned with one recipe and then started with another (an
 * edited file: other steps, tags or limits): once the store has a
 * supervisor, a technician's run is refused by the preflight (exit 1,
 * nothing changed: no record, no API mutation); a supervisor's run goes
 * on and leaves a "batch.recipe" audit entry. */
static void
test_recipe_change (void)
{
  static const char *const units3 = "{\"register\": true, \"units\": [{\"device_id\": "
                                    "\"RC-01\"}, {\"device_id\": \"RC-02\"}, "
                                    "{\"device_id\": \"RC-03\"}]}";
  g_autoptr (Line) line = line_new ();
  LineSim *sim = line_sim_start (line, units3, 1);
  const char *count1[] = { "--count", "1", NULL };
  const char *as_tom[] = { "--operator", "tom", NULL };
  const char *as_sue[] = { "--operator", "sue", NULL };
  const char *add_sue[] = { "operator", "add", "sue", "--role", "supervisor", NULL };
  const char *add_tom[]
      = { "--operator", "sue", "operator", "add", "tom", "--role", "technician", NULL };
  g_autofree char *text = NULL, *edited = NULL, *err = NULL, *out = NULL;
  char *original; /* the line's own recipe path, owned by the line */
  g_autoptr (LineRun) first = NULL, refused = NULL, allowed = NULL;
  g_autoptr (GPtrArray) results = NULL, audit = NULL;
  g_autoptr (Store) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) keep = NULL;
  gint64 before;
  guint found = 0;

  line_import (line, "RC", sim);
  first = line_provision (line, sim, "RC", NULL, count1);
  g_assert_cmpint (first->status, ==, 0);
  before = mutating_calls (line_state (line, &keep));
  g_clear_pointer (&keep, json_node_unref);

  /* the same recipe, edited on the line (another SHA-256) */
  g_assert_true (g_file_get_contents (line->recipe, &text, NULL, NULL));
  edited = g_build_filename (line->dir, "recipe-edited.ini", NULL);
  {
    g_autofree char *changed = g_strconcat (text, "\n# edited on the line\n", NULL);
    g_assert_true (g_file_set_contents (edited, changed, -1, NULL));
  }
  g_assert_cmpint (line_cli (line, add_sue, &out), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (line_cli (line, add_tom, &out), ==, 0);
  original = line->recipe;
  line->recipe = edited;

  refused = line_provision (line, sim, "RC", NULL, as_tom);
  err = run_stderr (refused);
  if (refused->status != 1)
    line_run_dump (refused);
  g_assert_cmpint (refused->status, ==, 1);
  g_assert_nonnull (strstr (err, "preflight: the recipe: "));
  g_assert_nonnull (strstr (err, "batch RC was provisioned with another recipe"));
  g_assert_nonnull (strstr (err, "tom is a technician"));
  g_assert_nonnull (strstr (err, "nothing was changed"));
  results = line_run_results (refused);
  g_assert_cmpuint (results->len, ==, 0);
  g_assert_null (line_lookup_maybe (line, "RC-02"));
  g_assert_cmpint (mutating_calls (line_state (line, &keep)), ==, before);

  allowed = line_provision (line, sim, "RC", NULL, as_sue);
  if (allowed->status != 0)
    line_run_dump (allowed);
  g_assert_cmpint (allowed->status, ==, 0);
  g_clear_pointer (&results, g_ptr_array_unref);
  results = line_run_results (allowed);
  g_assert_cmpuint (results->len, ==, 2);

  store = store_open (line->db, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  audit = store_audit_list (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++) {
    StoreAuditEntry *a = audit->pdata[i];
    if (g_strcmp0 (a->action, "batch.recipe") == 0) {
      found++;
      g_assert_cmpstr (a->subject, ==, "RC");
      g_assert_cmpstr (a->operator_name, ==, "sue");
    }
  }
  g_assert_cmpuint (found, ==, 1);
  line->recipe = original;
  g_free (edited);
  edited = NULL;
  line_sim_stop (sim);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/engine/preflight/default-printer", test_default_printer);
  g_test_add_func ("/engine/preflight/bad-printer", test_bad_printer);
  g_test_add_func ("/engine/preflight/wrong-credentials", test_wrong_credentials);
  g_test_add_func ("/engine/preflight/store-cannot-write", test_store_cannot_write);
  g_test_add_func ("/engine/preflight/recipe-change", test_recipe_change);
  g_test_add_func ("/engine/plan/plan-d-no-standby", test_plan_d);
  g_test_add_func ("/engine/plan/order-warning", test_order_warning);
  g_test_add_func ("/engine/cancel/before-scan", test_cancel_before_scan);
  g_test_add_func ("/engine/events/target-context", test_events_target_context);
  return g_test_run ();
}
