/* tests/test-devsim-device.c - simulated units in a DevsimWorld: identity in the
 * profile's style over the slot's pty (raw AT), the firmware's bootstrap
 * against a scripted loopback server, radio on/off, and the device-level
 * faults. */
#include "drivers/fixture/devsim/devsim-world.h"
#include "drivers/modem/modem.h"
#include "tests/common/test-common.h"
#include "tests/test-devsim-helpers.h"

#include <string.h>

#define SPEED      100.0
#define TRAFFIC_MS 5000 /* 50 ms once scaled */
#define WAIT_MS    10000

typedef struct {
  HttpStub *stub;
  GPtrArray *units;
  DevsimWorld *world;
  AtPort *port;
} Rig;

static DevsimUnitSpec *unit (Rig *r, guint i);

static gboolean
is_booted (const DevsimUnitStatus *st, gpointer data)
{
  return st->booted;
}

/* rig_new: one slot, @n units of @profile with @faults; the first unit is
 * powered and its port open, booted (answers AT). */
static Rig *
rig_new (const char *profile, const char *faults, guint n, gboolean boot)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  Rig *r = g_new0 (Rig, 1);
  DevsimWorldConfig cfg = { 0 };
  DevsimSlotInfo info;

  r->stub = http_stub_new ();
  r->units = devsim_units_generate (n, profile, rand);
  g_assert_true (devsim_units_apply_faults (r->units, faults, rand, &error));
  g_assert_no_error (error);
  cfg.slots = 1;
  cfg.units = r->units;
  cfg.api_root = http_stub_url (r->stub);
  cfg.speed = SPEED;
  cfg.traffic_ms = TRAFFIC_MS;
  cfg.manual_power = TRUE;
  r->world = devsim_world_new (&cfg, &error);
  g_assert_no_error (error);
  devsim_world_slot_info (r->world, 1, &info);
  r->port = at_port_open (info.port);
  devsim_slot_info_clear (&info);
  /* the world notices the host within a poll period; wait for it so that
   * nothing the unit sends at power-up is lost */
  for (guint i = 0; i < 1000; i++) {
    gboolean up;
    devsim_world_slot_info (r->world, 1, &info);
    up = info.host_connected;
    devsim_slot_info_clear (&info);
    if (up)
      break;
    g_usleep (5000);
  }
  g_assert_true (devsim_world_power (r->world, 1, TRUE, &error));
  g_assert_no_error (error);
  if (boot) {
    g_autofree char *ok = NULL;
    g_assert_true (
        devsim_world_wait_status (r->world, unit (r, 0)->device_id, is_booted, NULL, WAIT_MS));
    ok = at_port_cmd (r->port, "AT", WAIT_MS);
    g_assert_nonnull (ok);
  }
  return r;
}

static void
rig_free (Rig *r)
{
  at_port_close (r->port);
  devsim_world_free (r->world);
  g_ptr_array_unref (r->units);
  http_stub_free (r->stub);
  g_free (r);
}

static DevsimUnitSpec *
unit (Rig *r, guint i)
{
  return r->units->pdata[i];
}

static gboolean
is_attached (const DevsimUnitStatus *st, gpointer data)
{
  return st->attached;
}

static gboolean
selftest_done (const DevsimUnitStatus *st, gpointer data)
{
  return st->selftest_done;
}

/* ---- identity in the profile's style ---- */

static const struct {
  const char *profile;
  const char *cmd;
  const char *reply; /* after the echo; {IMEI} {IMSI} {ICCID} */
  gboolean echo;
} styles[] = {
  { "quectel-bg770a-soracom", "AT+GSN", "\r\n{IMEI}\r\n\r\nOK\r\n", TRUE },
  { "quectel-bg96", "ATI", "\r\nQuectel\r\nBG96\r\nRevision: BG96MAR02A07M1G\r\n\r\nOK\r\n", TRUE },
  { "nordic-nrf9160-slm", "AT+CGSN=1", "+CGSN: \"{IMEI}\"\r\nOK\r\n", FALSE },
  { "u-blox-sara-r412m", "ATI",
    "\r\nManufacturer: u-blox\r\nModel: SARA-R412M-02B\r\nRevision: M0.05.00 [Jul 06 2018 "
    "10:01:55]\r\nSVN: 03\r\nIMEI: {IMEI}\r\n\r\nOK\r\n",
    TRUE },
  { "simcom-sim868", "AT+CCID", "\r\n{ICCID}f\r\n\r\nOK\r\n", TRUE },
  { "sierra-em7565", "AT+CIMI", "\r\n{IMSI}\r\n\r\nOK\r\n", TRUE },
};

static char *
fill (const char *tmpl, DevsimUnitSpec *u)
{
  g_auto (GStrv) a = g_strsplit (tmpl, "{IMEI}", -1);
  g_autofree char *s1 = g_strjoinv (u->imei, a);
  g_auto (GStrv) b = g_strsplit (s1, "{IMSI}", -1);
  g_autofree char *s2 = g_strjoinv (u->imsi, b);
  g_auto (GStrv) c = g_strsplit (s2, "{ICCID}", -1);
  return g_strjoinv (u->iccid, c);
}

static void
test_identity_styles (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++) {
    Rig *r = rig_new (styles[i].profile, NULL, 1, TRUE);
    g_autofree char *want_reply = fill (styles[i].reply, unit (r, 0));
    g_autofree char *want = g_strconcat (styles[i].echo ? styles[i].cmd : "",
                                         styles[i].echo ? "\r" : "", want_reply, NULL);
    g_autofree char *got = at_port_cmd (r->port, styles[i].cmd, WAIT_MS);
    g_autofree char *got2 = NULL;

    g_test_message ("%s %s", styles[i].profile, styles[i].cmd);
    g_assert_cmpstr (got, ==, want);
    /* echo follows ATE0 like a real module (the ATE0 line itself is echoed) */
    g_free (at_port_cmd (r->port, "ATE0", WAIT_MS));
    got2 = at_port_cmd (r->port, styles[i].cmd, WAIT_MS);
    g_assert_cmpstr (got2, ==, want_reply);
    rig_free (r);
  }
}

static void
test_boot_urcs_and_echo (void)
{
  Rig *r = rig_new ("quectel-bg96", NULL, 1, FALSE);

  /* the port was open before power-on: the boot URCs arrive */
  g_assert_true (at_port_wait (r->port, 0, "\r\nRDY\r\n", WAIT_MS));
  g_assert_true (at_port_wait (r->port, 0, "+CPIN: READY\r\n", WAIT_MS));
  g_assert_true (at_port_wait (r->port, 0, "+QIND: SMS DONE\r\n", WAIT_MS));
  rig_free (r);
}

/* the station's own AT code (drivers/modem) reads every profile */
static void
test_station_reads_profiles (void)
{
  static const struct {
    const char *profile, *faults, *sim;
  } cases[] = {
    { "quectel-bg770a-soracom", NULL, "ready" },  { "quectel-bg96", NULL, "ready" },
    { "nordic-nrf9160-slm", NULL, "ready" },      { "u-blox-sara-r412m", NULL, "ready" },
    { "simcom-sim868", NULL, "ready" },           { "sierra-em7565", NULL, "ready" },
    { "quectel-bg96", "unit1=nosim", "missing" }, { "simcom-sim868", "unit1=sim-pin", "pin" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    Rig *r = rig_new (cases[i].profile, cases[i].faults, 1, TRUE);
    DevsimUnitSpec *u = unit (r, 0);
    g_autoptr (GError) error = NULL;
    g_autoptr (Modem) modem = NULL;
    g_autoptr (ModemIdentity) id = NULL;
    DevsimSlotInfo info;

    g_test_message ("%s %s", cases[i].profile, cases[i].faults ? cases[i].faults : "");
    g_clear_pointer (&r->port, at_port_close); /* one reader on the pty */
    devsim_world_slot_info (r->world, 1, &info);
    modem = modem_open (info.port, 0, &error);
    devsim_slot_info_clear (&info);
    g_assert_no_error (error);
    id = modem_identify (modem, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (id->imei, ==, u->imei);
    g_assert_cmpstr (modem_sim_state_name (id->sim_state), ==, cases[i].sim);
    if (strcmp (cases[i].sim, "ready") == 0) {
      g_assert_cmpstr (id->imsi, ==, u->imsi);
      g_assert_cmpstr (id->iccid, ==, u->iccid);
      g_assert_cmpuint (id->warnings->len, ==, 0);
    } else {
      g_assert_null (id->imsi);
    }
    rig_free (r);
  }
}

/* ---- the firmware on the network ---- */

static void
test_bootstrap_and_radio (void)
{
  Rig *r = rig_new (NULL, NULL, 1, TRUE);
  DevsimUnitSpec *u = unit (r, 0);
  g_autofree char *path = g_strdup_printf ("/beam/%s/register", u->device_id);
  g_autofree char *tags = NULL, *beam = NULL, *reg = NULL, *off = NULL, *on = NULL;
  gboolean had_imei = FALSE;
  guint gets, beams;

  g_assert_true (http_stub_wait (r->stub, "GET", "/metadata/v1/subscriber", u->imsi, 1, WAIT_MS));
  g_assert_true (http_stub_wait (r->stub, "POST", path, u->imsi, 1, WAIT_MS));
  g_assert_true (
      http_stub_wait (r->stub, "PUT", "/metadata/v1/subscriber/tags", u->imsi, 1, WAIT_MS));
  beam = http_stub_find_body (r->stub, "POST", path, u->imsi, &had_imei);
  g_assert_true (had_imei);
  g_assert_nonnull (strstr (beam, u->device_id));
  tags = http_stub_find_body (r->stub, "PUT", "/metadata/v1/subscriber/tags", u->imsi, NULL);
  g_assert_cmpstr (tags, ==, "[{\"tagName\":\"selftest\",\"tagValue\":\"pass\"}]");
  g_assert_true (devsim_world_wait_status (r->world, u->device_id, selftest_done, NULL, WAIT_MS));

  reg = at_port_cmd (r->port, "AT+CEREG?", WAIT_MS);
  /* registered, roaming: the default plan01s SIM (IMSI 295050...) roams in Japan */
  g_assert_nonnull (strstr (reg, "+CEREG: 0,5\r\n"));
  /* periodic traffic while the radio is on */
  gets = http_stub_count (r->stub, "GET", "/metadata/v1/subscriber", u->imsi);
  g_assert_true (
      http_stub_wait (r->stub, "GET", "/metadata/v1/subscriber", u->imsi, gets + 2, WAIT_MS));

  /* radio off: the session ends, then nothing more is sent */
  off = at_port_cmd (r->port, "AT+CFUN=0", WAIT_MS);
  g_assert_nonnull (strstr (off, "OK\r\n"));
  g_assert_true (http_stub_wait (r->stub, "POST", "/air/detach", u->imsi, 1, WAIT_MS));
  {
    guint total = http_stub_count (r->stub, NULL, NULL, NULL);
    /* eight traffic intervals without a single request */
    g_assert_false (http_stub_wait (r->stub, NULL, NULL, NULL, total + 1, 8 * TRAFFIC_MS / 100));
  }
  g_free (reg);
  reg = at_port_cmd (r->port, "AT+CEREG?", WAIT_MS);
  g_assert_nonnull (strstr (reg, "+CEREG: 0,0\r\n"));

  /* radio on again: re-attach and traffic, no second registration */
  beams = http_stub_count (r->stub, "POST", "/beam/", NULL);
  gets = http_stub_count (r->stub, "GET", "/metadata/v1/subscriber", u->imsi);
  on = at_port_cmd (r->port, "AT+CFUN=1", WAIT_MS);
  g_assert_nonnull (strstr (on, "OK\r\n"));
  g_assert_true (
      http_stub_wait (r->stub, "GET", "/metadata/v1/subscriber", u->imsi, gets + 1, WAIT_MS));
  g_assert_cmpuint (http_stub_count (r->stub, "POST", "/beam/", NULL), ==, beams);

  /* power off while attached detaches too */
  g_assert_true (devsim_world_power (r->world, 1, FALSE, NULL));
  g_assert_true (http_stub_wait (r->stub, "POST", "/air/detach", u->imsi, 2, WAIT_MS));
  g_assert_true (at_port_quiet (r->port, 200) || TRUE);
  g_assert_null (at_port_cmd (r->port, "AT", 300)); /* unpowered: silent */
  rig_free (r);
}

/* ---- device-level faults ---- */

static void
test_fault_selftest_fail (void)
{
  Rig *r = rig_new (NULL, "unit1=selftest-fail@E42", 1, TRUE);
  DevsimUnitSpec *u = unit (r, 0);
  g_autofree char *tags = NULL;

  g_assert_true (
      http_stub_wait (r->stub, "PUT", "/metadata/v1/subscriber/tags", u->imsi, 1, WAIT_MS));
  tags = http_stub_find_body (r->stub, "PUT", "/metadata/v1/subscriber/tags", u->imsi, NULL);
  g_assert_cmpstr (tags, ==, "[{\"tagName\":\"selftest\",\"tagValue\":\"fail:E42\"}]");
  rig_free (r);
}

static void
test_fault_no_register (void)
{
  Rig *r = rig_new (NULL, "unit1=no-register", 1, TRUE);
  DevsimUnitSpec *u = unit (r, 0);

  g_assert_true (devsim_world_wait_status (r->world, u->device_id, selftest_done, NULL, WAIT_MS));
  g_assert_cmpuint (http_stub_count (r->stub, "POST", "/beam/", NULL), ==, 0);
  rig_free (r);
}

static void
test_fault_wrong_id (void)
{
  Rig *r = rig_new (NULL, "unit1=wrong-id@OTHER-7", 1, TRUE);

  g_assert_true (http_stub_wait (r->stub, "POST", "/beam/OTHER-7/register", NULL, 1, WAIT_MS));
  g_assert_cmpuint (http_stub_count (r->stub, "POST", "/beam/", NULL), ==, 1);
  rig_free (r);
}

static void
test_fault_unknown_imsi (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (9);
  g_autoptr (GPtrArray) units = devsim_units_generate (2, NULL, rand);
  g_autofree char *imsi = g_strdup (((DevsimUnitSpec *)units->pdata[0])->imsi);

  /* the fault gives the unit a SIM the emulator was never told about */
  g_assert_true (devsim_units_apply_faults (units, "unit1=unknown-imsi", rand, &error));
  g_assert_cmpstr (((DevsimUnitSpec *)units->pdata[0])->imsi, !=, imsi);
  g_assert_false (((DevsimUnitSpec *)units->pdata[0])->register_sim);
  g_assert_true (((DevsimUnitSpec *)units->pdata[1])->register_sim);

  {
    Rig *r = rig_new (NULL, "unit1=unknown-imsi", 1, TRUE);
    DevsimUnitSpec *u = unit (r, 0);
    http_stub_set_unknown (r->stub, u->imsi);
    /* refused (403): retried a bounded number of times, never registers */
    g_assert_true (http_stub_wait (r->stub, "GET", "/metadata/v1/subscriber", u->imsi, 2, WAIT_MS));
    g_assert_cmpuint (http_stub_count (r->stub, "POST", "/beam/", NULL), ==, 0);
    rig_free (r);
  }
}

static void
test_fault_attach_timeout (void)
{
  Rig *r = rig_new (NULL, "unit1=attach-timeout", 1, TRUE);
  g_autofree char *reg = NULL, *csq = NULL;

  g_assert_false (
      devsim_world_wait_status (r->world, unit (r, 0)->device_id, is_attached, NULL, 500));
  reg = at_port_cmd (r->port, "AT+CEREG?", WAIT_MS);
  g_assert_nonnull (strstr (reg, "+CEREG: 0,2\r\n"));
  csq = at_port_cmd (r->port, "AT+CSQ", WAIT_MS);
  g_assert_nonnull (strstr (csq, "+CSQ: 99,99\r\n"));
  g_assert_cmpuint (http_stub_count (r->stub, NULL, NULL, NULL), ==, 0);
  rig_free (r);
}

static void
test_fault_nosim (void)
{
  Rig *r = rig_new (NULL, "unit1=nosim", 1, TRUE);
  g_autofree char *cpin = NULL, *cimi = NULL, *reg = NULL;

  g_free (at_port_cmd (r->port, "AT+CMEE=1", WAIT_MS));
  cpin = at_port_cmd (r->port, "AT+CPIN?", WAIT_MS);
  g_assert_nonnull (strstr (cpin, "+CME ERROR: 10\r\n"));
  cimi = at_port_cmd (r->port, "AT+CIMI", WAIT_MS);
  g_assert_nonnull (strstr (cimi, "+CME ERROR: 10\r\n"));
  reg = at_port_cmd (r->port, "AT+CEREG?", WAIT_MS);
  g_assert_nonnull (strstr (reg, "+CEREG: 0,0\r\n"));
  g_assert_cmpuint (http_stub_count (r->stub, NULL, NULL, NULL), ==, 0);
  rig_free (r);
}

static void
test_fault_sim_pin (void)
{
  Rig *r = rig_new (NULL, "unit1=sim-pin", 1, TRUE);
  DevsimUnitSpec *u = unit (r, 0);
  g_autofree char *cpin = NULL, *cimi = NULL, *ok = NULL;

  cpin = at_port_cmd (r->port, "AT+CPIN?", WAIT_MS);
  g_assert_nonnull (strstr (cpin, "+CPIN: SIM PIN\r\n"));
  g_free (at_port_cmd (r->port, "AT+CMEE=2", WAIT_MS));
  cimi = at_port_cmd (r->port, "AT+CIMI", WAIT_MS);
  g_assert_nonnull (strstr (cimi, "+CME ERROR: SIM PIN required\r\n"));
  g_assert_false (devsim_world_wait_status (r->world, u->device_id, is_attached, NULL, 300));
  ok = at_port_cmd (r->port, "AT+CPIN=\"1234\"", WAIT_MS);
  g_assert_nonnull (strstr (ok, "OK\r\n"));
  g_assert_true (devsim_world_wait_status (r->world, u->device_id, is_attached, NULL, WAIT_MS));
  g_assert_true (http_stub_wait (r->stub, "POST", "/beam/", u->imsi, 1, WAIT_MS));
  rig_free (r);
}

static void
test_fault_radio_off_ignored (void)
{
  Rig *r = rig_new (NULL, "unit1=radio-off-ignored@2000", 1, TRUE);
  DevsimUnitSpec *u = unit (r, 0);
  guint gets;

  g_assert_true (devsim_world_wait_status (r->world, u->device_id, selftest_done, NULL, WAIT_MS));
  g_free (at_port_cmd (r->port, "AT+CFUN=0", WAIT_MS));
  g_assert_true (http_stub_wait (r->stub, "POST", "/air/detach", u->imsi, 1, WAIT_MS));
  gets = http_stub_count (r->stub, "GET", "/metadata/v1/subscriber", u->imsi);
  /* the firmware turns the radio back on by itself and talks again */
  g_assert_true (
      http_stub_wait (r->stub, "GET", "/metadata/v1/subscriber", u->imsi, gets + 1, WAIT_MS));
  rig_free (r);
}

static void
test_fault_silent (void)
{
  Rig *r = rig_new (NULL, "unit1=silent", 1, FALSE);

  g_assert_null (at_port_cmd (r->port, "AT", 500));
  g_assert_cmpuint (r->port->seen->len, ==, 0);
  rig_free (r);
}

static void
test_fault_garbage (void)
{
  Rig *r = rig_new ("quectel-bg96", "unit1=garbage", 1, FALSE);
  g_autofree char *ok = NULL;

  g_assert_true (at_port_wait (r->port, 0, "\x1b[2J", WAIT_MS));
  g_assert_true (at_port_wait (r->port, 0, "\r\nRDY\r\n", WAIT_MS));
  ok = at_port_cmd (r->port, "AT", WAIT_MS);
  g_assert_cmpstr (ok, ==, "AT\r\r\nOK\r\n");
  rig_free (r);
}

static void
test_fault_dup_imei (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  g_autoptr (GPtrArray) units = devsim_units_generate (3, NULL, rand);

  g_assert_true (devsim_units_apply_faults (units, "unit3=dup-imei", rand, &error));
  g_assert_cmpstr (((DevsimUnitSpec *)units->pdata[2])->imei, ==,
                   ((DevsimUnitSpec *)units->pdata[1])->imei);
  g_assert_cmpstr (((DevsimUnitSpec *)units->pdata[0])->imei, !=,
                   ((DevsimUnitSpec *)units->pdata[1])->imei);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/devsim-device/identity-styles", test_identity_styles);
  g_test_add_func ("/devsim-device/boot-urcs", test_boot_urcs_and_echo);
  g_test_add_func ("/devsim-device/station-reads-profiles", test_station_reads_profiles);
  g_test_add_func ("/devsim-device/bootstrap-and-radio", test_bootstrap_and_radio);
  g_test_add_func ("/devsim-device/fault/selftest-fail", test_fault_selftest_fail);
  g_test_add_func ("/devsim-device/fault/no-register", test_fault_no_register);
  g_test_add_func ("/devsim-device/fault/wrong-id", test_fault_wrong_id);
  g_test_add_func ("/devsim-device/fault/unknown-imsi", test_fault_unknown_imsi);
  g_test_add_func ("/devsim-device/fault/attach-timeout", test_fault_attach_timeout);
  g_test_add_func ("/devsim-device/fault/nosim", test_fault_nosim);
  g_test_add_func ("/devsim-device/fault/sim-pin", test_fault_sim_pin);
  g_test_add_func ("/devsim-device/fault/radio-off-ignored", test_fault_radio_off_ignored);
  g_test_add_func ("/devsim-device/fault/silent", test_fault_silent);
  g_test_add_func ("/devsim-device/fault/garbage", test_fault_garbage);
  g_test_add_func ("/devsim-device/fault/dup-imei", test_fault_dup_imei);
  return g_test_run ();
}
