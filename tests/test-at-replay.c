/* tests/test-at-replay.c - `station-cli probe` against every transcript in
 * ../shared/reference/modems replayed on a pty (modem_replay.py), plain,
 * with --split-bytes and with --echo; the JSON must match the transcript's
 * expect-json (non-null keys) and expect-error.  A new .chat file there is
 * tested without touching this file.  Also the probe's failures: no port,
 * a silent modem, a modem that answers garbage, usage errors. */
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "tests/at-fake-modem.h"
#include "tests/common/test-common.h"

#define PROBE_TIMEOUT_MS 60000

typedef struct {
  char *path;
  char *name;
  JsonObject *expect; /* expect-json */
  char *expect_sim;   /* "missing", "pin", "puk", "error" or NULL */
} Transcript;

static void
transcript_free (Transcript *t)
{
  g_free (t->path);
  g_free (t->name);
  if (t->expect != NULL)
    json_object_unref (t->expect);
  g_free (t->expect_sim);
  g_free (t);
}

static const struct {
  const char *code;
  const char *sim;
} sim_codes[] = {
  { "sim-missing", "missing" },
  { "sim-pin-required", "pin" },
  { "sim-puk-required", "puk" },
  { "sim-not-ready", "error" },
};

static Transcript *
transcript_load (const char *dir, const char *file)
{
  Transcript *t = g_new0 (Transcript, 1);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) error = NULL;

  t->path = g_build_filename (dir, file, NULL);
  t->name = g_strndup (file, strlen (file) - strlen (".chat"));
  g_file_get_contents (t->path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    const char *l = lines[i];

    if (g_str_has_prefix (l, "# expect-json:")) {
      g_autoptr (JsonNode) node = json_from_string (l + strlen ("# expect-json:"), &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      t->expect = json_object_ref (json_node_get_object (node));
    } else if (g_str_has_prefix (l, "# expect-error:")) {
      g_autofree char *code = g_strstrip (g_strdup (l + strlen ("# expect-error:")));
      for (gsize k = 0; k < G_N_ELEMENTS (sim_codes); k++)
        if (strcmp (code, sim_codes[k].code) == 0)
          t->expect_sim = g_strdup (sim_codes[k].sim);
      if (t->expect_sim == NULL)
        g_error ("%s: unknown expect-error '%s'", file, code);
    }
  }
  g_assert_nonnull (t->expect);
  return t;
}

typedef struct {
  const Transcript *t;
  const char *mode; /* replayer option or NULL */
  int rc;
  char *out;
  char *err;
  char *pty;
} Run;

static gpointer
run_probe (gpointer data)
{
  Run *r = data;
  g_autofree char *replay = tc_shared_path ("reference", "modems", "modem_replay.py", NULL);
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *cli = tc_build_path ("station/station-cli");
  const char *replay_argv[] = { python, replay, r->t->path, r->mode, NULL };
  GPid pid = 0;

  r->rc = -1;
  r->pty = tc_spawn_first_line (replay_argv, &pid, NULL, 20000);
  if (r->pty != NULL) {
    const char *argv[] = { cli, "probe", "--port", r->pty, NULL };
    r->rc = tc_run (argv, &r->out, &r->err, PROBE_TIMEOUT_MS);
  }
  tc_kill (pid, 2000);
  return NULL;
}

static void
check_run (const Transcript *t, const Run *r)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  JsonObject *got;
  g_autoptr (GList) members = NULL;
  static const char *const keys[]
      = { "imei", "imsi", "iccid", "manufacturer", "model", "revision", "sim", "warnings" };
  const char *sim;

  g_test_message ("%s %s: pty %s rc %d out %s err %s", t->name, r->mode ? r->mode : "(plain)",
                  r->pty, r->rc, r->out, r->err);
  g_assert_nonnull (r->pty);
  g_assert_cmpint (r->rc, ==, 0);
  g_assert_cmpstr (r->err, ==, "");
  node = json_from_string (r->out, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  got = json_node_get_object (node);

  /* exactly the contract's keys, strings or null */
  g_assert_cmpuint (json_object_get_size (got), ==, G_N_ELEMENTS (keys));
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (json_object_has_member (got, keys[i]));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (got, "warnings")));

  /* every proven value equal; null in expect-json is not scored */
  members = json_object_get_members (t->expect);
  for (GList *l = members; l != NULL; l = l->next) {
    JsonNode *want = json_object_get_member (t->expect, l->data);
    JsonNode *have = json_object_get_member (got, l->data);

    g_assert_nonnull (have);
    if (JSON_NODE_HOLDS_NULL (want))
      continue;
    g_test_message ("  %s: want %s", (const char *)l->data, json_node_get_string (want));
    g_assert_true (JSON_NODE_HOLDS_VALUE (have));
    g_assert_cmpstr (json_node_get_string (have), ==, json_node_get_string (want));
  }

  sim = json_object_get_string_member (got, "sim");
  if (t->expect_sim != NULL)
    g_assert_cmpstr (sim, ==, t->expect_sim);
  else /* a usable SIM: never reported as missing or locked */
    g_assert_true (strcmp (sim, "ready") == 0 || strcmp (sim, "error") == 0);
}

static void
test_transcript (gconstpointer data)
{
  const Transcript *t = data;
  static const char *const modes[] = { NULL, "--split-bytes", "--echo" };
  Run runs[G_N_ELEMENTS (modes)];
  GThread *threads[G_N_ELEMENTS (modes)];

  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++) {
    runs[i] = (Run){ .t = t, .mode = modes[i] };
    threads[i] = g_thread_new ("probe", run_probe, &runs[i]);
  }
  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    g_thread_join (threads[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++) {
    check_run (t, &runs[i]);
    g_free (runs[i].out);
    g_free (runs[i].err);
    g_free (runs[i].pty);
  }
}

/* ---- failures ---- */

static int
probe (const char *port, char **out, char **err, gint64 *elapsed_us)
{
  g_autofree char *cli = tc_build_path ("station/station-cli");
  const char *argv[] = { cli, "probe", "--port", port, NULL };
  gint64 t0 = g_get_monotonic_time ();
  int rc = tc_run (argv, out, err, PROBE_TIMEOUT_MS);

  *elapsed_us = g_get_monotonic_time () - t0;
  return rc;
}

static void
assert_one_error_line (const char *err, const char *port)
{
  g_autofree char *prefix = g_strdup_printf ("station-cli: probe: %s: ", port);

  g_assert_true (g_str_has_prefix (err, prefix));
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1); /* one line */
}

static void
test_no_such_port (void)
{
  g_autofree char *out = NULL, *err = NULL;
  gint64 us;

  g_assert_cmpint (probe ("/dev/ttyNOSUCHMODEM7", &out, &err, &us), ==, 3);
  g_assert_cmpstr (out, ==, "");
  assert_one_error_line (err, "/dev/ttyNOSUCHMODEM7");
}

static void
test_silent_modem (void)
{
  g_autoptr (FakeModem) fake = fake_modem_new (NULL, NULL, FALSE, 0);
  g_autofree char *out = NULL, *err = NULL;
  gint64 us;

  g_assert_cmpint (probe (fake_modem_path (fake), &out, &err, &us), ==, 3);
  g_assert_cmpstr (out, ==, "");
  assert_one_error_line (err, fake_modem_path (fake));
  g_assert_nonnull (strstr (err, "does not answer AT"));
  g_assert_cmpuint (fake_modem_count (fake, "AT"), ==, 2);
  /* "within the timeout": the two 1 s attempts, far below the kill time */
  g_assert_cmpint (us, <, PROBE_TIMEOUT_MS * 1000 / 2);
}

static void
test_garbage_modem (void)
{
  g_autoptr (FakeModem) fake = fake_modem_new (NULL, "\xff\xfe\x1b[2J\x13\x11~#~\r\n", FALSE, 1);
  g_autofree char *out = NULL, *err = NULL;
  gint64 us;

  g_assert_cmpint (probe (fake_modem_path (fake), &out, &err, &us), ==, 3);
  g_assert_cmpstr (out, ==, "");
  assert_one_error_line (err, fake_modem_path (fake));
  g_assert_nonnull (strstr (err, "unreadable"));
}

static void
test_usage (void)
{
  g_autofree char *cli = tc_build_path ("station/station-cli");
  const char *no_port[] = { cli, "probe", NULL };
  const char *bad_baud[] = { cli, "probe", "--port", "/dev/null", "--baud", "x", NULL };
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (tc_run (no_port, &out, &err, 20000), ==, 2);
  g_assert_true (g_str_has_prefix (err, "station-cli: probe: "));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tc_run (bad_baud, &out, &err, 20000), ==, 2);
  g_assert_cmpstr (out, ==, "");
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = NULL;
  g_autoptr (GPtrArray) transcripts
      = g_ptr_array_new_with_free_func ((GDestroyNotify)transcript_free);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) d = NULL;
  g_autoptr (GError) error = NULL;
  const char *file;

  tc_init (&argc, &argv);
  dir = tc_shared_path ("reference", "modems", NULL);
  d = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((file = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (file, ".chat"))
      g_ptr_array_add (names, g_strdup (file));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, >=, 14);
  for (guint i = 0; i < names->len; i++) {
    Transcript *t = transcript_load (dir, g_ptr_array_index (names, i));
    g_autofree char *path = g_strdup_printf ("/at-replay/%s", t->name);

    g_ptr_array_add (transcripts, t);
    g_test_add_data_func (path, t, test_transcript);
  }
  g_test_add_func ("/probe/no-such-port", test_no_such_port);
  g_test_add_func ("/probe/silent-modem", test_silent_modem);
  g_test_add_func ("/probe/garbage-modem", test_garbage_modem);
  g_test_add_func ("/probe/usage", test_usage);
  return g_test_run ();
}
