/* tests/test-fixture.c - the fixture layer without hardware: textjig
 * framing (table from tests/data/sim/textjig-frames.txt), fixture URIs,
 * error codes and exit codes, the manual driver with a scripted operator,
 * simulator manifests, generated identities and the --faults grammar. */
#include "drivers/fixture/fixture.h"
#include "drivers/fixture/devsim/devsim-setup.h"
#include "drivers/fixture/textjig/protocol.h"
#include "drivers/identity.h"
#include "station/station-error.h"
#include "tests/common/test-common.h"

#include <string.h>

static char *
unescape (const char *s)
{
  GString *out = g_string_new (NULL);

  for (; *s; s++) {
    if (s[0] == '\\' && s[1] == 'r') {
      g_string_append_c (out, '\r');
      s++;
    } else if (s[0] == '\\' && s[1] == 'x' && g_ascii_isxdigit (s[2]) && g_ascii_isxdigit (s[3])) {
      g_string_append_c (out,
                         (char)(g_ascii_xdigit_value (s[2]) * 16 + g_ascii_xdigit_value (s[3])));
      s += 3;
    } else {
      g_string_append_c (out, *s);
    }
  }
  return g_string_free (out, FALSE);
}

static GStrv
data_lines (const char *name)
{
  g_autofree char *path = tc_data_path ("sim", name, NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return g_strsplit (text, "\n", -1);
}

static void
test_textjig_frames (void)
{
  g_auto (GStrv) lines = data_lines ("textjig-frames.txt");
  guint n = 0;

  g_assert_cmpuint (textjig_crc8 ("123456789", 9), ==, 0xF4);
  for (guint i = 0; lines[i] != NULL; i++) {
    g_auto (GStrv) f = NULL;
    g_autofree char *line = NULL, *body = NULL, *got = NULL;
    g_autoptr (GError) error = NULL;
    TextjigMessage m = { 0 };
    gboolean host;

    if (lines[i][0] == '#' || lines[i][0] == '\0')
      continue;
    f = g_strsplit (lines[i], "|", 3);
    host = strcmp (f[0], "host") == 0;
    line = unescape (f[1]);
    body = textjig_unframe (line, &error);
    if (body != NULL && textjig_parse (body, host, &m, &error)) {
      g_autofree char *words = g_strjoinv (" ", m.words);
      const char *kind = m.kind == TEXTJIG_REQUEST ? "req"
                         : m.kind == TEXTJIG_OK    ? "ok"
                         : m.kind == TEXTJIG_ERR   ? "err"
                                                   : "evt";
      got = words[0] ? g_strdup_printf ("%s %u %s", kind, m.seq, words)
                     : g_strdup_printf ("%s %u", kind, m.seq);
      textjig_message_clear (&m);
    } else {
      g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_PROTOCOL);
      got = g_strdup ("bad");
    }
    if (strcmp (got, f[2]) != 0)
      g_error ("line %u: %s: got \"%s\", want \"%s\"", i + 1, f[1], got, f[2]);
    n++;
  }
  g_assert_cmpuint (n, >=, 25);
}

static void
test_textjig_roundtrip (void)
{
  g_autofree char *frame = textjig_frame ("42 EJECT 3");
  g_autofree char *body = NULL;

  g_assert_true (g_str_has_suffix (frame, "\n"));
  frame[strlen (frame) - 1] = '\0';
  body = textjig_unframe (frame, NULL);
  g_assert_cmpstr (body, ==, "42 EJECT 3");
  /* every single-bit error in the line is caught */
  for (gsize i = 0; i < strlen (frame); i++)
    for (int b = 0; b < 7; b++) {
      g_autofree char *bad = g_strdup (frame);
      g_autofree char *r = NULL;
      bad[i] ^= (char)(1 << b);
      if (bad[i] == '\0' || (guchar)bad[i] < 0x20 || (guchar)bad[i] > 0x7e)
        continue;
      if (g_ascii_tolower (bad[i]) == g_ascii_tolower (frame[i]))
        continue; /* the checksum's hex digits are case-insensitive */
      r = textjig_unframe (bad, NULL);
      g_assert_null (r);
    }
  g_assert_cmpuint (textjig_seq_next (9999), ==, 1);
  g_assert_cmpuint (textjig_seq_next (1), ==, 2);
}

static void
test_uri_errors (void)
{
  static const char *const bad[] = {
    "",
    "nope",
    ":x",
    "foo:bar",
    "sim:?bogus=1",
    "sim:?slots=0",
    "sim:?slots=x",
    "sim:?speed=-1",
    "serial:dev/ttyUSB0",
    "pty:/dev/pts/0?baud=7",
    "manual:",
    "manual:?slots=2&port1=/dev/null",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (Fixture) f = fixture_open (bad[i], NULL, NULL, &error);
    g_test_message ("%s: %s", bad[i], error ? error->message : "(opened)");
    g_assert_null (f);
    g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_URI);
    g_assert_cmpint (station_exit_code_for_error (error), ==, STATION_EXIT_USAGE);
  }
}

static void
test_exit_codes (void)
{
  for (int code = FIXTURE_ERROR_OPEN; code <= FIXTURE_ERROR_CANCELLED; code++) {
    g_autoptr (GError) e = g_error_new (FIXTURE_ERROR, code, "x");
    g_assert_cmpint (station_exit_code_for_error (e), ==, STATION_EXIT_DEVICE);
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (Fixture) f = fixture_open ("pty:/dev/nonexistent-pty", NULL, NULL, &error);
    g_assert_null (f);
    g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_OPEN);
  }
  g_assert_true (g_strv_contains (fixture_driver_names (), "textjig"));
  g_assert_true (g_strv_contains (fixture_driver_names (), "sim"));
  g_assert_true (g_strv_contains (fixture_driver_names (), "manual"));
}

/* ---- manual driver with a scripted operator ---- */

typedef struct {
  guint inserts, removes;
  FixtureLed last_led, removed_with;
  gboolean done; /* the operator ends the batch */
} Operator;

static char *
op_insert (gpointer data, guint slot, guint timeout_ms, GCancellable *c, GError **error)
{
  Operator *op = data;

  if (op->done) {
    g_set_error_literal (error, FIXTURE_ERROR, FIXTURE_ERROR_NO_MORE_UNITS, "batch ended");
    return NULL;
  }
  op->inserts++;
  return op->inserts == 2 ? g_strdup ("") : g_strdup_printf ("TRK-%06u", op->inserts);
}

static gboolean
op_remove (gpointer data, guint slot, FixtureLed led, guint timeout_ms, GCancellable *c,
           GError **error)
{
  Operator *op = data;

  op->removes++;
  op->removed_with = led;
  return TRUE;
}

static void
op_show (gpointer data, guint slot, FixtureLed led)
{
  ((Operator *)data)->last_led = led;
}

static void
test_manual (void)
{
  static const FixtureOperator ops = { op_insert, op_remove, op_show };
  Operator op = { 0 };
  FixtureOpenOptions opts = { .operator= & ops, .operator_data = &op };
  g_autoptr (GError) error = NULL;
  g_autoptr (Fixture) f
      = fixture_open ("manual:?slots=2&port=/dev/ttyACM0&port2=/dev/ttyACM1", &opts, NULL, &error);
  g_autofree char *id = NULL, *id2 = NULL, *p1 = NULL, *p2 = NULL;
  g_autoptr (FixtureEvent) ev = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (fixture_driver_name (f), ==, "manual");
  g_assert_cmpuint (fixture_slot_count (f), ==, 2);
  g_assert_false (fixture_has_actuator (f));
  g_assert_false (fixture_has_scanner (f));
  p1 = fixture_port (f, 1, NULL, &error);
  p2 = fixture_port (f, 2, NULL, &error);
  g_assert_cmpstr (p1, ==, "/dev/ttyACM0");
  g_assert_cmpstr (p2, ==, "/dev/ttyACM1");

  g_assert_true (fixture_wait_unit (f, 1, 1000, &id, NULL, &error));
  g_assert_cmpstr (id, ==, "TRK-000001");
  g_assert_true (fixture_wait_unit (f, 2, 1000, &id2, NULL, &error));
  g_assert_null (id2); /* confirmed by button: no scan */
  g_assert_true (fixture_power (f, 1, TRUE, NULL, &error));
  g_assert_true (fixture_set_led (f, 1, FIXTURE_LED_BUSY, NULL, &error));
  g_assert_cmpint (op.last_led, ==, FIXTURE_LED_BUSY);
  g_assert_false (fixture_insert (f, 1, NULL, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_null (fixture_scan (f, 1, NULL, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_true (fixture_eject (f, 1, FIXTURE_LED_FAIL, NULL, &error));
  g_assert_cmpuint (op.removes, ==, 1);
  g_assert_cmpint (op.removed_with, ==, FIXTURE_LED_FAIL);
  g_assert_false (fixture_slot_check (f, 1, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_UNIT_REMOVED);
  g_clear_error (&error);

  ev = fixture_next_event (f, 100, NULL, &error);
  g_assert_nonnull (ev);
  g_assert_cmpint (ev->kind, ==, FIXTURE_EVENT_INSERTED);
  g_assert_cmpstr (ev->device_id, ==, "TRK-000001");

  op.done = TRUE;
  g_assert_false (fixture_wait_unit (f, 1, 1000, &id, NULL, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_NO_MORE_UNITS);
  g_clear_error (&error);
  g_assert_false (fixture_power (f, 3, TRUE, NULL, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_NO_SLOT);
}

static void
test_event_timeout (void)
{
  static const FixtureOperator ops = { op_insert, op_remove, NULL };
  Operator op = { 0 };
  FixtureOpenOptions opts = { .operator= & ops, .operator_data = &op };
  g_autoptr (GError) error = NULL;
  g_autoptr (Fixture) f = fixture_open ("manual:?port=/dev/ttyACM0", &opts, NULL, &error);
  g_autoptr (GCancellable) c = g_cancellable_new ();

  g_assert_null (fixture_next_event (f, 50, NULL, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_TIMEOUT);
  g_clear_error (&error);
  g_cancellable_cancel (c);
  g_assert_null (fixture_next_event (f, 5000, c, &error));
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_CANCELLED);
}

/* ---- simulator units ---- */

static void
check_unit (DevsimUnitSpec *u)
{
  g_assert_true (identity_device_id_check (u->device_id, NULL));
  g_assert_true (identity_imei_check (u->imei, NULL));
  g_assert_true (identity_imsi_check (u->imsi, NULL));
  g_assert_true (identity_iccid_check (u->iccid, NULL));
  /* the default plan01s: SORACOM's global IMSIs and ICCIDs */
  g_assert_cmpstr (u->plan, ==, "plan01s");
  g_assert_true (g_str_has_prefix (u->imsi, "295050"));
  g_assert_true (g_str_has_prefix (u->iccid, "8942310"));
  g_assert_cmpuint (strlen (u->imsi), ==, 15);
  g_assert_cmpuint (strlen (u->iccid), ==, 19);
  g_assert_true (u->roaming); /* a plan01s SIM roams in Japan */
}

/* The simulator's IMSIs and ICCIDs follow the plan of the SIM. */
static void
test_generate_plans (void)
{
  const struct {
    const char *plan, *imsi, *iccid;
    gboolean roaming;
  } cases[] = {
    { "plan01s", "295050", "8942310", TRUE },  { "planX3", "295050", "8942310", TRUE },
    { "planP1", "295050", "8942310", TRUE },   { "plan-D", "44010", "8981100", FALSE },
    { "plan-DU", "44010", "8981100", FALSE },  { "plan-K", "44051", "8981300", FALSE },
    { "plan-KM1", "44051", "8981300", FALSE },
  };
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GRand) rand = g_rand_new_with_seed (5);
    g_autoptr (GPtrArray) units = devsim_units_generate_plan (4, NULL, cases[i].plan, rand);

    g_assert_true (devsim_plan_check (cases[i].plan, NULL));
    for (guint k = 0; k < units->len; k++) {
      DevsimUnitSpec *u = units->pdata[k];
      g_assert_cmpstr (u->plan, ==, cases[i].plan);
      g_assert_true (identity_imsi_check (u->imsi, NULL));
      g_assert_true (identity_iccid_check (u->iccid, NULL));
      g_assert_cmpuint (strlen (u->imsi), ==, 15);
      g_assert_true (g_str_has_prefix (u->imsi, cases[i].imsi));
      g_assert_true (g_str_has_prefix (u->iccid, cases[i].iccid));
      g_assert_cmpint (u->roaming, ==, cases[i].roaming);
    }
  }
  g_assert_false (devsim_plan_check ("plan-Z", &error));
  g_assert_error (error, DEVSIM_ERROR, DEVSIM_ERROR_PLAN);
  g_assert_nonnull (strstr (error->message, "plan-Z"));
}

static void
test_generate (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);
  g_autoptr (GPtrArray) units = devsim_units_generate (50, "mix", rand);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GRand) rand2 = g_rand_new_with_seed (1);
  g_autoptr (GPtrArray) again = devsim_units_generate (50, "mix", rand2);

  for (guint i = 0; i < units->len; i++) {
    DevsimUnitSpec *u = units->pdata[i];
    check_unit (u);
    g_assert_false (g_hash_table_contains (seen, u->imei));
    g_assert_false (g_hash_table_contains (seen, u->imsi));
    g_assert_false (g_hash_table_contains (seen, u->device_id));
    g_hash_table_add (seen, u->imei);
    g_hash_table_add (seen, u->imsi);
    g_hash_table_add (seen, u->device_id);
    /* same seed, same units */
    g_assert_cmpstr (u->imei, ==, ((DevsimUnitSpec *)again->pdata[i])->imei);
  }
  /* "mix" goes through the profiles; the default is the BG770A */
  g_assert_cmpstr (((DevsimUnitSpec *)units->pdata[0])->profile, !=,
                   ((DevsimUnitSpec *)units->pdata[1])->profile);
  {
    g_autoptr (GPtrArray) d = devsim_units_generate (1, NULL, rand);
    g_assert_cmpstr (((DevsimUnitSpec *)d->pdata[0])->profile, ==, "quectel-bg770a-soracom");
  }
}

static void
test_manifests (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (2);
  g_autoptr (GError) error = NULL;
  g_autofree char *json = tc_data_path ("sim", "manifest.json", NULL);
  g_autofree char *ini = tc_data_path ("sim", "manifest.ini", NULL);
  g_autofree char *bad = tc_data_path ("sim", "manifest-bad.json", NULL);
  g_autoptr (GPtrArray) a = NULL, b = NULL, c = NULL;
  gboolean reg = FALSE;
  DevsimUnitSpec *u;

  a = devsim_units_load_manifest (json, rand, &reg, &error);
  g_assert_no_error (error);
  g_assert_true (reg);
  g_assert_cmpuint (a->len, ==, 3);
  u = a->pdata[0];
  g_assert_cmpstr (u->device_id, ==, "GT-0001");
  g_assert_cmpstr (u->imei, ==, "865502067709146");
  g_assert_cmpuint (u->boot_ms, ==, 1000);
  g_assert_true (devsim_unit_has_fault (u, DEVSIM_FAULT_SELFTEST_FAIL));
  g_assert_cmpstr (u->fault_arg[DEVSIM_FAULT_SELFTEST_FAIL], ==, "E42");
  g_assert_cmpuint (devsim_unit_fault_uint (u, DEVSIM_FAULT_REMOVED, 0), ==, 5);
  u = a->pdata[1];
  g_assert_cmpstr (u->profile, ==, "nordic-nrf9160-slm");
  g_assert_true (devsim_unit_has_fault (u, DEVSIM_FAULT_SIM_PIN));
  g_assert_cmpstr (u->pin, ==, "0000");
  g_assert_cmpuint (u->rssi, ==, 12);
  check_unit (u); /* missing identities were generated */
  u = a->pdata[2];
  g_assert_cmpstr (u->imei, ==, "001027009999999"); /* a bad check digit is kept */
  g_assert_true (u->roaming);                       /* not a Japanese IMSI */

  b = devsim_units_load_manifest (ini, rand, &reg, &error);
  g_assert_no_error (error);
  g_assert_false (reg);
  g_assert_cmpuint (b->len, ==, 2);
  u = b->pdata[0];
  g_assert_cmpstr (u->device_id, ==, "GT-0101");
  g_assert_cmpstr (u->profile, ==, "u-blox-sara-r412m");
  g_assert_cmpuint (u->attach_ms, ==, 500);
  g_assert_cmpstr (u->fault_arg[DEVSIM_FAULT_WRONG_ID], ==, "GT-9999");
  g_assert_true (devsim_unit_has_fault (u, DEVSIM_FAULT_NO_REGISTER));
  g_assert_true (devsim_unit_has_fault (b->pdata[1], DEVSIM_FAULT_NOSIM));

  c = devsim_units_load_manifest (bad, rand, &reg, &error);
  g_assert_null (c);
  g_assert_error (error, DEVSIM_ERROR, DEVSIM_ERROR_MANIFEST);
  g_assert_nonnull (strstr (error->message, "GT_0001"));
}

static void
test_fault_specs (void)
{
  g_auto (GStrv) lines = data_lines ("faults-cases.txt");
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++) {
    g_auto (GStrv) f = NULL;
    g_autoptr (GRand) rand = g_rand_new_with_seed (3);
    g_autoptr (GPtrArray) units = devsim_units_generate (3, NULL, rand);
    g_autoptr (GError) error = NULL;
    g_autoptr (GString) got = g_string_new (NULL);

    if (lines[i][0] == '#' || lines[i][0] == '\0')
      continue;
    f = g_strsplit (lines[i], "|", 2);
    if (!devsim_units_apply_faults (units, f[0], rand, &error)) {
      g_assert_error (error, DEVSIM_ERROR, DEVSIM_ERROR_FAULTS);
      g_string_append (got, "error");
    } else {
      for (guint u = 0; u < units->len; u++) {
        DevsimUnitSpec *s = units->pdata[u];
        GString *one = g_string_new (NULL);
        for (guint k = 0; k < DEVSIM_FAULT_COUNT; k++) {
          if (!devsim_unit_has_fault (s, (DevsimFault)k))
            continue;
          g_string_append_printf (one, "%s%s%s%s", one->len ? "+" : "", devsim_fault_name (k),
                                  s->fault_arg[k] ? "@" : "",
                                  s->fault_arg[k] ? s->fault_arg[k] : "");
        }
        g_string_append_printf (got, "%s%s", u ? " / " : "", one->len ? one->str : "-");
        g_string_free (one, TRUE);
      }
    }
    if (strcmp (got->str, f[1]) != 0)
      g_error ("faults \"%s\": got \"%s\", want \"%s\"", f[0], got->str, f[1]);
    n++;
  }
  g_assert_cmpuint (n, >=, 12);
}

/* A long manifest whose units name no identity (a soak, a big batch):
 * every generated device ID, IMEI, IMSI and ICCID is unique, where 6
 * random digits alone meet again within a few thousand units. */
static void
test_manifest_unique (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "long.json", NULL);
  g_autoptr (GString) text = g_string_new ("{\"units\": [{\"device_id\": \"TRK-123456\"}");
  g_autoptr (GPtrArray) units = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean reg = FALSE;

  for (guint i = 1; i < 5000; i++)
    g_string_append (text, ", {}");
  g_string_append (text, "]}");
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
  units = devsim_units_load_manifest (path, rand, &reg, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (units->len, ==, 5000);
  g_assert_cmpstr (((DevsimUnitSpec *)units->pdata[0])->device_id, ==, "TRK-123456");
  for (guint i = 0; i < units->len; i++) {
    DevsimUnitSpec *u = units->pdata[i];
    const char *ids[] = { u->device_id, u->imei, u->imsi, u->iccid };

    for (guint k = 0; k < G_N_ELEMENTS (ids); k++) {
      g_autofree char *key = g_strdup_printf ("%u:%s", k, ids[k]);
      if (!g_hash_table_add (seen, g_ascii_strup (key, -1)))
        g_error ("unit %u: %s used twice", i, ids[k]);
    }
  }
  tc_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/fixture/textjig/frames", test_textjig_frames);
  g_test_add_func ("/fixture/textjig/roundtrip", test_textjig_roundtrip);
  g_test_add_func ("/fixture/uri-errors", test_uri_errors);
  g_test_add_func ("/fixture/exit-codes", test_exit_codes);
  g_test_add_func ("/fixture/manual", test_manual);
  g_test_add_func ("/fixture/event-timeout", test_event_timeout);
  g_test_add_func ("/fixture/sim/generate", test_generate);
  g_test_add_func ("/fixture/sim/generate-plans", test_generate_plans);
  g_test_add_func ("/fixture/sim/manifests", test_manifests);
  g_test_add_func ("/fixture/sim/manifest-unique", test_manifest_unique);
  g_test_add_func ("/fixture/sim/fault-specs", test_fault_specs);
  return g_test_run ();
}
