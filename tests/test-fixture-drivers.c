/* tests/test-fixture-drivers.c - the sim and textjig fixture drivers
 * against the simulator: every case runs through both (sim: in-process,
 * pty: textjig to fixture-sim's controller), with the events and every
 * injected fault, and with one worker thread per slot. */
#include "drivers/fixture/fixture.h"
#include "drivers/fixture/devsim/devsim-setup.h"
#include "drivers/fixture/devsim/devsim-world.h"
#include "fixtures/fixture-sim/jig-server.h"
#include "tests/common/test-common.h"
#include "tests/test-devsim-helpers.h"

#include <string.h>

#define WAIT_MS 10000

typedef struct {
  const char *driver; /* "sim" or "textjig" */
  HttpStub *stub;
  DevsimWorld *world; /* the sim driver's, or ours for textjig */
  GPtrArray *units;   /* textjig: ours */
  JigServer *jig;
  Fixture *f;
} Rig;

static Rig *
rig_new (const char *driver, guint slots, guint n, const char *faults)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;
  Rig *r = g_new0 (Rig, 1);

  r->driver = driver;
  r->stub = http_stub_new ();
  if (strcmp (driver, "sim") == 0) {
    g_autofree char *esc = faults ? g_uri_escape_string (faults, NULL, FALSE) : NULL;
    /* the sim driver runs with power=manual, the textjig rig powers on load */
    uri = g_strdup_printf (
        "sim:?slots=%u&generate=%u&seed=7&speed=100&power=manual&api-url=%s/v1%s%s", slots, n,
        http_stub_url (r->stub), esc ? "&faults=" : "", esc ? esc : "");
    r->f = fixture_open (uri, NULL, NULL, &error);
    g_assert_no_error (error);
    r->world = devsim_world_from_fixture (r->f);
  } else {
    DevsimSetup setup = { .generate = n,
                          .api_root = http_stub_url (r->stub),
                          .faults = faults,
                          .seed = 7,
                          .have_seed = TRUE };
    DevsimWorldConfig cfg = { 0 };

    r->units = devsim_setup_units (&setup, &error);
    g_assert_no_error (error);
    r->jig = jig_server_new ();
    cfg.slots = slots;
    cfg.units = r->units;
    cfg.api_root = http_stub_url (r->stub);
    cfg.speed = 100;
    cfg.event_func = jig_server_event;
    cfg.event_data = r->jig;
    r->world = devsim_world_new (&cfg, &error);
    g_assert_no_error (error);
    g_assert_true (jig_server_start (r->jig, r->world, &error));
    uri = g_strdup_printf ("pty:%s?timeout=400&retries=2", jig_server_port (r->jig));
    r->f = fixture_open (uri, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  g_assert_nonnull (r->world);
  return r;
}

static void
rig_free (Rig *r)
{
  fixture_close (r->f);
  if (r->jig != NULL) {
    devsim_world_free (r->world);
    jig_server_free (r->jig);
    g_ptr_array_unref (r->units);
  }
  http_stub_free (r->stub);
  g_free (r);
}

static DevsimUnitSpec *
unit (Rig *r, guint i)
{
  return devsim_world_units (r->world)->pdata[i];
}

static FixtureEvent *
wait_event (Rig *r, FixtureEventKind kind, guint slot)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  while (g_get_monotonic_time () < deadline) {
    g_autoptr (GError) error = NULL;
    FixtureEvent *ev = fixture_next_event (r->f, 200, NULL, &error);
    if (ev != NULL && ev->kind == kind && (slot == 0 || ev->slot == slot))
      return ev;
    fixture_event_free (ev);
  }
  g_error ("no %s event for slot %u", fixture_event_kind_name (kind), slot);
  return NULL;
}

/* start_unit: waits for the unit in @slot, powers it, opens its port once
 * it answers AT. */
static AtPort *
start_unit (Rig *r, guint slot, char **device_id)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL, *port = NULL;

  g_assert_true (fixture_wait_unit (r->f, slot, WAIT_MS, &id, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fixture_power (r->f, slot, TRUE, NULL, &error));
  g_assert_no_error (error);
  port = fixture_port (r->f, slot, NULL, &error);
  g_assert_no_error (error);
  if (device_id != NULL)
    *device_id = g_steal_pointer (&id);
  return at_port_open (port);
}

static gboolean
booted (const DevsimUnitStatus *st, gpointer data)
{
  return st->booted;
}

static char *
cmd (Rig *r, AtPort *p, const char *device_id, const char *c)
{
  g_assert_true (devsim_world_wait_status (r->world, device_id, booted, NULL, WAIT_MS));
  return at_port_cmd (p, c, WAIT_MS);
}

/* ---- cases ---- */

static void
case_basic (const char *driver)
{
  Rig *r = rig_new (driver, 2, 3, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *id1 = NULL, *id2 = NULL, *scan = NULL, *port = NULL, *desc = NULL;
  g_autofree char *gsn = NULL, *id3 = NULL;
  g_autoptr (FixtureEvent) removed = NULL, inserted = NULL;
  g_autoptr (AtPort) at = NULL;
  DevsimSlotInfo info;

  g_assert_cmpuint (fixture_slot_count (r->f), ==, 2);
  g_assert_true (fixture_has_actuator (r->f));
  g_assert_true (fixture_has_scanner (r->f));
  desc = fixture_describe (r->f);
  g_assert_nonnull (strstr (desc, "2 slots"));
  g_assert_true (fixture_wait_unit (r->f, 1, WAIT_MS, &id1, NULL, &error));
  g_assert_cmpstr (id1, ==, unit (r, 0)->device_id);
  g_assert_true (fixture_wait_unit (r->f, 2, WAIT_MS, &id2, NULL, &error));
  g_assert_cmpstr (id2, ==, unit (r, 1)->device_id);
  scan = fixture_scan (r->f, 1, NULL, &error);
  g_assert_cmpstr (scan, ==, id1);
  g_assert_true (fixture_set_led (r->f, 1, FIXTURE_LED_BUSY, NULL, &error));
  g_assert_true (fixture_insert (r->f, 1, NULL, &error));
  g_assert_true (fixture_power (r->f, 1, TRUE, NULL, &error));
  g_assert_no_error (error);
  devsim_world_slot_info (r->world, 1, &info);
  g_assert_true (info.powered);
  g_assert_cmpint (info.led, ==, FIXTURE_LED_BUSY);
  devsim_slot_info_clear (&info);
  g_assert_true (fixture_probe_modem (r->f, 1, WAIT_MS, NULL, &error));
  g_assert_no_error (error);
  port = fixture_port (r->f, 1, NULL, &error);
  at = at_port_open (port);
  gsn = at_port_cmd (at, "AT+GSN", WAIT_MS);
  g_assert_nonnull (strstr (gsn, unit (r, 0)->imei));
  g_assert_true (fixture_slot_check (r->f, 1, &error));

  g_assert_true (fixture_eject (r->f, 1, FIXTURE_LED_PASS, NULL, &error));
  g_assert_no_error (error);
  removed = wait_event (r, FIXTURE_EVENT_REMOVED, 1);
  inserted = wait_event (r, FIXTURE_EVENT_INSERTED, 1);
  g_assert_cmpstr (inserted->device_id, ==, unit (r, 2)->device_id);
  g_assert_false (fixture_slot_check (r->f, 1, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_UNIT_REMOVED);
  g_clear_error (&error);
  devsim_world_slot_info (r->world, 1, &info);
  g_assert_cmpint (info.led, ==, FIXTURE_LED_PASS);
  devsim_slot_info_clear (&info);
  g_assert_true (fixture_wait_unit (r->f, 1, WAIT_MS, &id3, NULL, &error));
  g_assert_cmpstr (id3, ==, unit (r, 2)->device_id);
  g_assert_true (fixture_slot_check (r->f, 1, &error));
  g_assert_false (fixture_power (r->f, 9, TRUE, NULL, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_NO_SLOT);
  rig_free (r);
}

static void
case_feeder_empty (const char *driver)
{
  Rig *r = rig_new (driver, 1, 1, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL, *id2 = NULL;
  g_autoptr (FixtureEvent) empty = NULL;

  g_assert_true (fixture_wait_unit (r->f, 1, WAIT_MS, &id, NULL, &error));
  g_assert_true (fixture_eject (r->f, 1, FIXTURE_LED_PASS, NULL, &error));
  empty = wait_event (r, FIXTURE_EVENT_EMPTY, 0);
  g_assert_false (fixture_wait_unit (r->f, 1, WAIT_MS, &id2, NULL, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_NO_MORE_UNITS);
  g_clear_error (&error);
  g_assert_false (fixture_eject (r->f, 1, FIXTURE_LED_OFF, NULL, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_NO_UNIT);
  rig_free (r);
}

static void
case_removed (const char *driver)
{
  Rig *r = rig_new (driver, 1, 2, "unit1=removed@2");
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  g_autoptr (AtPort) at = start_unit (r, 1, &id);
  g_autoptr (FixtureEvent) ev = NULL, ins = NULL;

  g_free (cmd (r, at, id, "AT"));
  g_free (cmd (r, at, id, "AT"));
  ev = wait_event (r, FIXTURE_EVENT_REMOVED, 1);
  g_assert_false (fixture_slot_check (r->f, 1, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_UNIT_REMOVED);
  ins = wait_event (r, FIXTURE_EVENT_INSERTED, 1);
  g_assert_cmpstr (ins->device_id, ==, unit (r, 1)->device_id);
  rig_free (r);
}

static void
case_cable_pull (const char *driver)
{
  Rig *r = rig_new (driver, 1, 2, "unit1=cable-pull@2");
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL, *old = NULL, *fresh = NULL, *port = NULL;
  g_autoptr (AtPort) at = start_unit (r, 1, &id);
  g_autoptr (FixtureEvent) ev = NULL, ins = NULL;

  old = fixture_port (r->f, 1, NULL, NULL);
  g_free (cmd (r, at, id, "AT"));
  g_free (cmd (r, at, id, "AT"));
  g_assert_true (at_port_hung_up (at, WAIT_MS));
  ev = wait_event (r, FIXTURE_EVENT_PORT_LOST, 1);
  g_assert_false (fixture_slot_check (r->f, 1, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_PORT_LOST);
  g_clear_error (&error);
  port = fixture_port (r->f, 1, NULL, &error);
  g_assert_null (port);
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_PORT_LOST);
  g_clear_error (&error);
  /* the next unit gets a working link */
  g_assert_true (fixture_eject (r->f, 1, FIXTURE_LED_FAIL, NULL, &error));
  ins = wait_event (r, FIXTURE_EVENT_INSERTED, 1);
  g_clear_pointer (&id, g_free);
  g_assert_true (fixture_wait_unit (r->f, 1, WAIT_MS, &id, NULL, &error));
  fresh = fixture_port (r->f, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fresh, !=, old);
  g_assert_true (fixture_power (r->f, 1, TRUE, NULL, &error));
  g_assert_true (fixture_probe_modem (r->f, 1, WAIT_MS, NULL, &error));
  g_assert_no_error (error);
  rig_free (r);
}

static void
case_silent (const char *driver)
{
  Rig *r = rig_new (driver, 1, 1, "unit1=silent");
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;

  g_assert_true (fixture_wait_unit (r->f, 1, WAIT_MS, &id, NULL, &error));
  g_assert_true (fixture_power (r->f, 1, TRUE, NULL, &error));
  g_assert_false (fixture_probe_modem (r->f, 1, 700, NULL, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_MODEM_SILENT);
  rig_free (r);
}

static void
case_garbage (const char *driver)
{
  Rig *r = rig_new (driver, 1, 1, "unit1=garbage");
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  g_autoptr (AtPort) at = start_unit (r, 1, &id);
  g_autofree char *ok = cmd (r, at, id, "AT");

  /* the power-up noise waits for the first host, before the first answer */
  g_assert_nonnull (ok);
  g_assert_true (at_port_wait (at, 0, "\x1b[2J", 10));
  g_assert_true (g_str_has_suffix (ok, "AT\r\r\nOK\r\n"));
  g_clear_pointer (&at, at_port_close);
  g_assert_true (fixture_probe_modem (r->f, 1, WAIT_MS, NULL, &error));
  g_assert_no_error (error);
  rig_free (r);
}

static void
case_jig_dead (const char *driver)
{
  Rig *r = rig_new (driver, 1, 1, "unit1=jig-dead");
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;

  g_assert_true (fixture_wait_unit (r->f, 1, WAIT_MS, &id, NULL, &error));
  g_assert_true (fixture_power (r->f, 1, TRUE, NULL, &error)); /* the last answer */
  g_assert_false (fixture_set_led (r->f, 1, FIXTURE_LED_BUSY, NULL, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_NO_REPLY);
  g_clear_error (&error);
  g_assert_false (fixture_wait_unit (r->f, 1, 1000, &id, NULL, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_NO_REPLY);
  rig_free (r);
}

static void
case_lid_open (const char *driver)
{
  Rig *r = rig_new (driver, 1, 1, "unit1=lid-open@1");
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  g_autoptr (AtPort) at = start_unit (r, 1, &id);
  g_autoptr (FixtureEvent) open = NULL, closed = NULL;

  g_free (cmd (r, at, id, "AT"));
  open = wait_event (r, FIXTURE_EVENT_LID_OPEN, 0);
  g_assert_false (fixture_slot_check (r->f, 1, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_LID_OPEN);
  g_clear_error (&error);
  g_assert_false (fixture_eject (r->f, 1, FIXTURE_LED_PASS, NULL, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_LID_OPEN);
  g_clear_error (&error);
  closed = wait_event (r, FIXTURE_EVENT_LID_CLOSED, 0);
  g_assert_true (fixture_slot_check (r->f, 1, &error));
  rig_free (r);
}

static void
case_estop (const char *driver)
{
  Rig *r = rig_new (driver, 2, 2, "unit1=estop@1");
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL, *id2 = NULL;
  g_autoptr (AtPort) at = start_unit (r, 1, &id);
  g_autoptr (AtPort) at2 = start_unit (r, 2, &id2);
  g_autoptr (FixtureEvent) ev = NULL, cleared = NULL;
  DevsimSlotInfo info;

  g_free (cmd (r, at, id, "AT"));
  ev = wait_event (r, FIXTURE_EVENT_ESTOP, 0);
  g_assert_false (fixture_slot_check (r->f, 2, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_EMERGENCY_STOP);
  g_clear_error (&error);
  /* every slot lost power */
  devsim_world_slot_info (r->world, 2, &info);
  g_assert_false (info.powered);
  devsim_slot_info_clear (&info);
  g_assert_false (fixture_power (r->f, 2, TRUE, NULL, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_EMERGENCY_STOP);
  g_clear_error (&error);
  cleared = wait_event (r, FIXTURE_EVENT_ESTOP_CLEARED, 0);
  g_assert_true (fixture_power (r->f, 2, TRUE, NULL, &error));
  rig_free (r);
}

/* device faults seen through the fixture: what the station will read */
static void
case_device_faults (const char *driver)
{
  Rig *r = rig_new (driver, 4, 4, "unit1=nosim,unit2=sim-pin,unit3=attach-timeout,unit4=dup-imei");
  g_autofree char *i1 = NULL, *i2 = NULL, *i3 = NULL, *i4 = NULL;
  g_autoptr (AtPort) a1 = start_unit (r, 1, &i1);
  g_autoptr (AtPort) a2 = start_unit (r, 2, &i2);
  g_autoptr (AtPort) a3 = start_unit (r, 3, &i3);
  g_autoptr (AtPort) a4 = start_unit (r, 4, &i4);
  g_autofree char *cpin1 = cmd (r, a1, i1, "AT+CPIN?");
  g_autofree char *cpin2 = cmd (r, a2, i2, "AT+CPIN?");
  g_autofree char *reg3 = cmd (r, a3, i3, "AT+CEREG?");
  g_autofree char *gsn3 = cmd (r, a3, i3, "AT+GSN");
  g_autofree char *gsn4 = cmd (r, a4, i4, "AT+GSN");

  g_assert_true (g_str_has_suffix (cpin1, "AT+CPIN?\r\r\nERROR\r\n"));
  g_assert_nonnull (strstr (cpin2, "+CPIN: SIM PIN\r\n"));
  g_assert_nonnull (strstr (reg3, "+CEREG: 0,2\r\n"));
  g_assert_nonnull (strstr (gsn3, unit (r, 3)->imei)); /* same IMEI in two units */
  g_assert_nonnull (strstr (gsn4, unit (r, 3)->imei));
  g_assert_cmpstr (unit (r, 2)->imei, ==, unit (r, 3)->imei);
  rig_free (r);
}

static void
case_network_faults (const char *driver)
{
  Rig *r = rig_new (driver, 4, 4,
                    "unit1=unknown-imsi,unit2=no-register,unit3=wrong-id@ELSEWHERE-1,"
                    "unit4=selftest-fail@E7+radio-off-ignored@3000");
  g_autofree char *reg = NULL, *i1 = NULL, *i2 = NULL, *i3 = NULL, *i4 = NULL, *tags = NULL;
  g_autofree char *off = NULL;
  g_autoptr (AtPort) a1 = start_unit (r, 1, &i1);
  g_autoptr (AtPort) a2 = start_unit (r, 2, &i2);
  g_autoptr (AtPort) a3 = start_unit (r, 3, &i3);
  g_autoptr (AtPort) a4 = start_unit (r, 4, &i4);
  guint gets;

  /* the unknown SIM was never inserted into the emulator */
  reg = http_stub_find_body (r->stub, "POST", "/_emulator/subscribers", NULL, NULL);
  g_assert_nonnull (reg);
  g_assert_null (strstr (reg, unit (r, 0)->imsi));
  g_assert_nonnull (strstr (reg, unit (r, 1)->imsi));
  g_assert_true (http_stub_wait (r->stub, "POST", "/beam/ELSEWHERE-1/register", unit (r, 2)->imsi,
                                 1, WAIT_MS));
  g_assert_true (http_stub_wait (r->stub, "PUT", "/metadata/v1/subscriber/tags", unit (r, 3)->imsi,
                                 1, WAIT_MS));
  tags = http_stub_find_body (r->stub, "PUT", "/metadata/v1/subscriber/tags", unit (r, 3)->imsi,
                              NULL);
  g_assert_nonnull (strstr (tags, "fail:E7"));
  g_assert_true (http_stub_wait (r->stub, "PUT", "/metadata/v1/subscriber/tags", unit (r, 1)->imsi,
                                 1, WAIT_MS));
  g_assert_cmpuint (http_stub_count (r->stub, "POST", "/beam/", unit (r, 1)->imsi), ==, 0);
  off = cmd (r, a4, i4, "AT+CFUN=0");
  g_assert_nonnull (strstr (off, "OK"));
  g_assert_true (http_stub_wait (r->stub, "POST", "/air/detach", unit (r, 3)->imsi, 1, WAIT_MS));
  gets = http_stub_count (r->stub, "GET", "/metadata/v1/subscriber", unit (r, 3)->imsi);
  g_assert_true (http_stub_wait (r->stub, "GET", "/metadata/v1/subscriber", unit (r, 3)->imsi,
                                 gets + 1, WAIT_MS));
  rig_free (r);
}

/* one worker thread per slot, as the station runs them */
typedef struct {
  Rig *r;
  guint slot;
  GPtrArray *done; /* device IDs, under lock */
  GMutex *lock;
} Worker;

static gpointer
worker (gpointer data)
{
  Worker *w = data;

  for (guint n = 0; n < 100; n++) {
    g_autoptr (GError) error = NULL;
    g_autofree char *id = NULL, *port = NULL;

    if (!fixture_wait_unit (w->r->f, w->slot, WAIT_MS, &id, NULL, &error)) {
      g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_NO_MORE_UNITS);
      break;
    }
    g_assert_true (fixture_set_led (w->r->f, w->slot, FIXTURE_LED_BUSY, NULL, &error));
    g_assert_true (fixture_power (w->r->f, w->slot, TRUE, NULL, &error));
    g_assert_true (fixture_probe_modem (w->r->f, w->slot, WAIT_MS, NULL, &error));
    g_assert_no_error (error);
    port = fixture_port (w->r->f, w->slot, NULL, &error);
    g_assert_nonnull (port);
    g_assert_true (fixture_slot_check (w->r->f, w->slot, &error));
    g_assert_true (fixture_power (w->r->f, w->slot, FALSE, NULL, &error));
    g_assert_true (fixture_eject (w->r->f, w->slot, FIXTURE_LED_PASS, NULL, &error));
    g_assert_no_error (error);
    g_mutex_lock (w->lock);
    g_ptr_array_add (w->done, g_steal_pointer (&id));
    g_mutex_unlock (w->lock);
  }
  return NULL;
}

static void
case_workers (const char *driver)
{
  Rig *r = rig_new (driver, 4, 10, NULL);
  g_autoptr (GPtrArray) done = g_ptr_array_new_with_free_func (g_free);
  GMutex lock;
  Worker w[4];
  GThread *t[4];

  g_mutex_init (&lock);
  for (guint i = 0; i < 4; i++) {
    w[i] = (Worker){ r, i + 1, done, &lock };
    t[i] = g_thread_new ("slot-worker", worker, &w[i]);
  }
  for (guint i = 0; i < 4; i++)
    g_thread_join (t[i]);
  g_mutex_clear (&lock);
  g_assert_cmpuint (done->len, ==, 10);
  for (guint i = 0; i < 10; i++) {
    gboolean found = FALSE;
    for (guint k = 0; k < done->len; k++)
      found = found || strcmp (done->pdata[k], unit (r, i)->device_id) == 0;
    g_assert_true (found);
  }
  rig_free (r);
}

/* ---- the manual driver with the simulated units ---- */

/* The operator: puts the next unit in (the world's feeder), "scans" it,
 * and takes it out when told. */
typedef struct {
  DevsimWorld *world;
  guint removed;
} DevsimOperator;

static char *
op_insert (gpointer data, guint slot, guint timeout_ms, GCancellable *c, GError **error)
{
  DevsimOperator *op = data;
  char *id = NULL;

  if (!devsim_world_wait_unit (op->world, slot, timeout_ms, &id, c, error))
    return NULL;
  return id;
}

static gboolean
op_remove (gpointer data, guint slot, FixtureLed led, guint timeout_ms, GCancellable *c,
           GError **error)
{
  DevsimOperator *op = data;

  op->removed++;
  return devsim_world_eject (op->world, slot, error);
}

static void
test_manual_with_simulator (void)
{
  static const FixtureOperator ops = { op_insert, op_remove, NULL };
  g_autoptr (GError) error = NULL;
  DevsimSetup setup = { .generate = 3, .seed = 3, .have_seed = TRUE, .faults = "unit2=silent" };
  g_autoptr (GPtrArray) units = devsim_setup_units (&setup, &error);
  DevsimWorldConfig cfg = { .slots = 1, .units = units, .speed = 100 };
  g_autoptr (DevsimWorld) world = devsim_world_new (&cfg, &error);
  DevsimOperator op = { world, 0 };
  FixtureOpenOptions opts = { .operator= & ops, .operator_data = &op };
  g_autofree char *uri = NULL, *id = NULL, *id2 = NULL, *id3 = NULL;
  g_autoptr (Fixture) f = NULL;
  DevsimSlotInfo info;

  g_assert_no_error (error);
  devsim_world_slot_info (world, 1, &info);
  uri = g_strdup_printf ("manual:?port=%s", info.port);
  devsim_slot_info_clear (&info);
  f = fixture_open (uri, &opts, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fixture_wait_unit (f, 1, WAIT_MS, &id, NULL, &error));
  g_assert_cmpstr (id, ==, ((DevsimUnitSpec *)units->pdata[0])->device_id);
  g_assert_true (fixture_power (f, 1, TRUE, NULL, &error));
  g_assert_true (fixture_probe_modem (f, 1, WAIT_MS, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fixture_eject (f, 1, FIXTURE_LED_PASS, NULL, &error));
  g_assert_cmpuint (op.removed, ==, 1);
  /* the second unit's modem is silent */
  g_assert_true (fixture_wait_unit (f, 1, WAIT_MS, &id2, NULL, &error));
  g_assert_cmpstr (id2, ==, ((DevsimUnitSpec *)units->pdata[1])->device_id);
  g_assert_false (fixture_probe_modem (f, 1, 600, NULL, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_MODEM_SILENT);
  g_clear_error (&error);
  g_assert_true (fixture_eject (f, 1, FIXTURE_LED_FAIL, NULL, &error));
  g_assert_true (fixture_wait_unit (f, 1, WAIT_MS, &id3, NULL, &error));
  g_assert_true (fixture_eject (f, 1, FIXTURE_LED_PASS, NULL, &error));
  g_clear_pointer (&id, g_free);
  g_assert_false (fixture_wait_unit (f, 1, WAIT_MS, &id, NULL, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_NO_MORE_UNITS);
  g_clear_pointer (&f, fixture_close);
}

static const struct {
  const char *name;
  void (*run) (const char *driver);
} cases[] = {
  { "basic", case_basic },
  { "feeder-empty", case_feeder_empty },
  { "fault/removed", case_removed },
  { "fault/cable-pull", case_cable_pull },
  { "fault/silent", case_silent },
  { "fault/garbage", case_garbage },
  { "fault/jig-dead", case_jig_dead },
  { "fault/lid-open", case_lid_open },
  { "fault/estop", case_estop },
  { "fault/device", case_device_faults },
  { "fault/network", case_network_faults },
  { "workers", case_workers },
};

typedef struct {
  const char *driver;
  guint index;
} Param;

static void
run_case (gconstpointer data)
{
  const Param *p = data;
  cases[p->index].run (p->driver);
}

int
main (int argc, char **argv)
{
  static const char *const drivers[] = { "sim", "textjig" };
  static Param params[G_N_ELEMENTS (cases) * 2];

  tc_init (&argc, &argv);
  for (guint d = 0; d < 2; d++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
      g_autofree char *path = g_strdup_printf ("/fixture-drivers/%s/%s", drivers[d], cases[i].name);
      Param *p = &params[d * G_N_ELEMENTS (cases) + i];
      p->driver = drivers[d];
      p->index = i;
      g_test_add_data_func (path, p, run_case);
    }
  g_test_add_func ("/fixture-drivers/manual/with-simulator", test_manual_with_simulator);
  return g_test_run ();
}
