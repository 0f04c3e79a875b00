/* tests/test-fixture-sim-process.c - fixture-sim as a program, with the
 * real cloud emulator: the first stdout line, the ptys answering AT and
 * read by `station-cli probe`, the textjig controller, the units'
 * bootstrap as the emulator sees it (SIM active, session, self-test tag,
 * Beam registration forwarded), radio off, SIGTERM, and the usage errors. */
#include "drivers/fixture/fixture.h"
#include "tests/common/test-common.h"
#include "tests/test-devsim-helpers.h"

#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#define WAIT_MS 15000

typedef struct {
  GPid pid;
  char *url;
  HttpStub *beam; /* the Beam target the emulator forwards to */
} Emulator;

static Emulator *
emulator_start (void)
{
  Emulator *e = g_new0 (Emulator, 1);
  g_autofree char *prog = tc_build_path ("fixtures/cloud-emulator/cloud-emulator");
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *psk = g_build_filename (dir, "psk", NULL);
  g_autofree char *line = NULL;
  const char *url;

  e->beam = http_stub_new ();
  g_assert_true (g_file_set_contents (psk, "test-psk", -1, NULL));
  {
    const char *argv[] = { prog,         "--port", "0", "--beam-target", http_stub_url (e->beam),
                           "--beam-psk", psk,      NULL };
    line = tc_spawn_first_line (argv, &e->pid, NULL, WAIT_MS);
  }
  g_assert_nonnull (line);
  url = strstr (line, "http://");
  g_assert_nonnull (url);
  e->url = g_strdup (url);
  return e;
}

static void
emulator_stop (Emulator *e)
{
  tc_kill (e->pid, 3000);
  http_stub_free (e->beam);
  g_free (e->url);
  g_free (e);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (text);
  json_parser_load_from_data (p, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (p));
}

/* subscriber: the emulator's Subscriber object for @imsi (NULL when absent). */
static JsonObject *
subscriber (const char *url, const char *imsi)
{
  g_autofree char *state_url = g_strconcat (url, "/_emulator/state", NULL);
  g_autofree char *out = http_get (state_url);
  g_autoptr (JsonNode) root = NULL;
  JsonArray *subs;

  root = parse (out);
  subs = json_object_get_array_member (json_node_get_object (root), "subscribers");
  for (guint i = 0; i < json_array_get_length (subs); i++) {
    JsonObject *s = json_array_get_object_element (subs, i);
    if (g_strcmp0 (json_object_get_string_member_with_default (s, "imsi", ""), imsi) == 0)
      return json_object_ref (s);
  }
  return NULL;
}

static gboolean
selftest_tag (const char *url, const char *imsi, const char *want)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  while (g_get_monotonic_time () < deadline) {
    g_autoptr (JsonObject) s = subscriber (url, imsi);
    JsonObject *tags = s ? json_object_get_object_member (s, "tags") : NULL;
    const char *v
        = tags ? json_object_get_string_member_with_default (tags, "selftest", NULL) : NULL;
    if (g_strcmp0 (v, want) == 0)
      return TRUE;
    g_usleep (100 * 1000); /* polling the emulator's state: bounded by the deadline */
  }
  return FALSE;
}

static gboolean
session_online (const char *url, const char *imsi, gboolean want)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  while (g_get_monotonic_time () < deadline) {
    g_autoptr (JsonObject) s = subscriber (url, imsi);
    JsonObject *ss = s ? json_object_get_object_member (s, "sessionStatus") : NULL;
    if (ss != NULL && json_object_get_boolean_member_with_default (ss, "online", FALSE) == want)
      return TRUE;
    g_usleep (100 * 1000);
  }
  return FALSE;
}

static const char *
unit_field (JsonArray *units, guint i, const char *key)
{
  return json_object_get_string_member (json_array_get_object_element (units, i), key);
}

static void
test_generate_probe_bootstrap (void)
{
  Emulator *e = emulator_start ();
  g_autofree char *prog = tc_build_path ("fixtures/fixture-sim/fixture-sim");
  g_autofree char *cli = tc_build_path ("station/station-cli");
  const char *argv[] = { prog, "--slots", "2",  "--generate", "3", "--api-url",
                         NULL, "--speed", "50", "--seed",     "5", NULL };
  g_autofree char *api = g_strconcat (e->url, "/v1", NULL);
  g_autofree char *line = NULL, *probe_out = NULL, *path = NULL;
  g_autoptr (JsonNode) first = NULL, probe = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (Fixture) f = NULL;
  g_autofree char *id = NULL;
  g_autoptr (JsonObject) sub = NULL;
  JsonObject *o, *p;
  JsonArray *units, *slots;
  const char *port1, *imsi0;
  GPid pid;
  int status;

  argv[6] = api; /* the emulator's URL with /v1 is accepted too */
  line = tc_spawn_first_line (argv, &pid, NULL, WAIT_MS);
  first = parse (line);
  o = json_node_get_object (first);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (o, "fixture"), "pty:/dev/"));
  units = json_object_get_array_member (o, "units");
  slots = json_object_get_array_member (o, "slots");
  g_assert_cmpuint (json_array_get_length (units), ==, 3);
  g_assert_cmpuint (json_array_get_length (slots), ==, 2);
  for (guint i = 0; i < 3; i++)
    for (guint k = 0; k < 4; k++) {
      static const char *const keys[] = { "device_id", "imei", "imsi", "iccid" };
      g_assert_nonnull (unit_field (units, i, keys[k]));
    }
  port1 = json_object_get_string_member (json_array_get_object_element (slots, 0), "port");
  imsi0 = unit_field (units, 0, "imsi");

  /* station-cli probe reads the unit in slot 1 */
  {
    const char *pargv[] = { cli, "probe", "--port", port1, NULL };
    g_autofree char *err = NULL;
    int rc = tc_run (pargv, &probe_out, &err, 30000);
    g_test_message ("probe: %s %s", probe_out, err);
    g_assert_cmpint (rc, ==, 0);
  }
  probe = parse (probe_out);
  p = json_node_get_object (probe);
  g_assert_cmpstr (json_object_get_string_member (p, "imei"), ==, unit_field (units, 0, "imei"));
  g_assert_cmpstr (json_object_get_string_member (p, "imsi"), ==, imsi0);
  g_assert_cmpstr (json_object_get_string_member (p, "iccid"), ==, unit_field (units, 0, "iccid"));
  g_assert_cmpstr (json_object_get_string_member (p, "sim"), ==, "ready");

  /* the generated SIMs were inserted; the unit's traffic activated its SIM,
   * it registered through Beam and wrote its self-test result */
  g_assert_true (selftest_tag (e->url, imsi0, "pass"));
  sub = subscriber (e->url, unit_field (units, 2, "imsi"));
  g_assert_nonnull (sub);
  path = g_strdup_printf ("/%s/register", unit_field (units, 0, "device_id"));
  g_assert_true (http_stub_wait (e->beam, "POST", path, imsi0, 1, WAIT_MS));
  g_assert_true (session_online (e->url, imsi0, TRUE));

  /* the controller speaks textjig */
  f = fixture_open (json_object_get_string_member (o, "fixture"), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture_slot_count (f), ==, 2);
  g_assert_true (fixture_wait_unit (f, 1, WAIT_MS, &id, NULL, &error));
  g_assert_cmpstr (id, ==, unit_field (units, 0, "device_id"));

  /* radio off over AT ends the session */
  {
    g_autoptr (AtPort) at = at_port_open (port1);
    g_autofree char *off = at_port_cmd (at, "AT+CFUN=0", WAIT_MS);
    g_assert_nonnull (off);
    g_assert_nonnull (strstr (off, "OK"));
  }
  g_assert_true (session_online (e->url, imsi0, FALSE));

  g_clear_pointer (&f, fixture_close);
  kill (pid, SIGTERM);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  emulator_stop (e);
}

static void
test_from_emulator_and_manifest (void)
{
  Emulator *e = emulator_start ();
  g_autofree char *prog = tc_build_path ("fixtures/fixture-sim/fixture-sim");
  g_autofree char *manifest = tc_data_path ("sim", "manifest.json", NULL);
  g_autofree char *l1 = NULL, *l2 = NULL;
  g_autoptr (JsonNode) j1 = NULL, j2 = NULL;
  GPid p1, p2;

  {
    const char *argv[]
        = { prog, "--slots", "1", "--from-emulator", "--api-url", e->url, "--speed", "50", NULL };
    l1 = tc_spawn_first_line (argv, &p1, NULL, WAIT_MS);
  }
  j1 = parse (l1);
  {
    JsonArray *units = json_object_get_array_member (json_node_get_object (j1), "units");
    g_autoptr (JsonObject) s = NULL;
    g_assert_cmpuint (json_array_get_length (units), >=, 1);
    s = subscriber (e->url, unit_field (units, 0, "imsi"));
    g_assert_nonnull (s); /* a SIM the emulator had */
  }
  tc_kill (p1, 3000);
  {
    const char *argv[]
        = { prog,      "--slots", "2",        "--manifest",        manifest, "--api-url", e->url,
            "--speed", "50",      "--faults", "unit3=no-register", NULL };
    l2 = tc_spawn_first_line (argv, &p2, NULL, WAIT_MS);
  }
  j2 = parse (l2);
  {
    JsonArray *units = json_object_get_array_member (json_node_get_object (j2), "units");
    g_assert_cmpuint (json_array_get_length (units), ==, 3);
    g_assert_cmpstr (unit_field (units, 0, "device_id"), ==, "GT-0001");
    g_assert_cmpstr (unit_field (units, 0, "imei"), ==, "865502067709146");
    /* register: true in the manifest: its SIMs are now in the emulator */
    g_assert_true (selftest_tag (e->url, "440103534165382", "fail:E42"));
  }
  tc_kill (p2, 3000);
  emulator_stop (e);
}

static void
test_usage_errors (void)
{
  g_autofree char *prog = tc_build_path ("fixtures/fixture-sim/fixture-sim");
  static const char *const cases[][8] = {
    { "--slots", "2", "--generate", "3", NULL }, /* no --api-url */
    { "--generate", "3", "--manifest", "x", "--api-url", "http://127.0.0.1:9", NULL },
    { "--generate", "3", "--api-url", "http://127.0.0.1:9", "--faults", "bogus:1", NULL },
    { "--generate", "3", "--api-url", "http://127.0.0.1:9", "--profile", "nokia-3310", NULL },
    { "--slots", "0", "--generate", "3", "--api-url", "http://127.0.0.1:9", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    const char *argv[10] = { prog };
    g_autofree char *err = NULL;
    for (guint k = 0; cases[i][k] != NULL; k++)
      argv[k + 1] = cases[i][k];
    g_assert_cmpint (tc_run (argv, NULL, &err, 10000), ==, 2);
    g_assert_true (g_str_has_prefix (err, "fixture-sim: "));
  }
  {
    /* nothing listens there: the SIMs cannot be inserted */
    const char *argv[] = { prog, "--generate", "1", "--api-url", "http://127.0.0.1:9", NULL };
    g_autofree char *err = NULL;
    g_assert_cmpint (tc_run (argv, NULL, &err, 20000), ==, 4);
    g_assert_nonnull (strstr (err, "emulator"));
  }
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/fixture-sim/process/generate-probe-bootstrap", test_generate_probe_bootstrap);
  g_test_add_func ("/fixture-sim/process/from-emulator-and-manifest",
                   test_from_emulator_and_manifest);
  g_test_add_func ("/fixture-sim/process/usage-errors", test_usage_errors);
  return g_test_run ();
}
