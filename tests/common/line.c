/* tests/common/line.c - see line.h. */
#define G_LOG_DOMAIN "test-line"

#include "tests/common/line.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "tests/common/test-common.h"

#define FIRST_LINE_MS 30000

/* ---- processes ---------------------------------------------------------- */

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* A provision run whose files cannot grow past @data bytes: what a full
 * disk or a quota does to the store, and which root (whom file modes do
 * not stop) meets too. */
static void
limit_file_size (gpointer data)
{
  struct rlimit rl = { .rlim_cur = (rlim_t)GPOINTER_TO_SIZE (data),
                       .rlim_max = (rlim_t)GPOINTER_TO_SIZE (data) };

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  signal (SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG instead */
  setrlimit (RLIMIT_FSIZE, &rl);
}

static GSubprocessLauncher *
launcher_new (const char *err_path)
{
  GSubprocessLauncher *l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                      | G_SUBPROCESS_FLAGS_STDIN_INHERIT);

  g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
  if (err_path != NULL)
    g_subprocess_launcher_set_stderr_file_path (l, err_path);
  g_subprocess_launcher_setenv (l, "SORACOM_AUTH_KEY_ID", EC_AUTH_KEY_ID, TRUE);
  g_subprocess_launcher_setenv (l, "SORACOM_AUTH_KEY", EC_AUTH_KEY, TRUE);
  g_subprocess_launcher_unsetenv (l, "STATION_CRASH_AT");
  return l;
}

/* The reader thread of a LineRun: every stdout line, until EOF. */
static gpointer
reader_main (gpointer data)
{
  LineRun *r = data;
  g_autoptr (GDataInputStream) in
      = g_data_input_stream_new (g_subprocess_get_stdout_pipe (r->proc));

  for (guint n = 0; n < 100000; n++) {
    gsize len = 0;
    char *line = g_data_input_stream_read_line_utf8 (in, &len, NULL, NULL);

    g_mutex_lock (&r->lock);
    if (line == NULL)
      r->eof = TRUE;
    else
      g_ptr_array_add (r->lines, line);
    g_cond_broadcast (&r->cond);
    g_mutex_unlock (&r->lock);
    if (line == NULL)
      break;
  }
  return NULL;
}

static LineRun *
run_spawn (GSubprocessLauncher *l, const char *err_path, const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  LineRun *r = g_new0 (LineRun, 1);

  r->proc = g_subprocess_launcher_spawnv (l, argv, &error);
  g_assert_no_error (error);
  r->err_path = g_strdup (err_path);
  r->lines = g_ptr_array_new_with_free_func (g_free);
  r->status = -1;
  g_mutex_init (&r->lock);
  g_cond_init (&r->cond);
  r->reader = g_thread_new ("line-reader", reader_main, r);
  return r;
}

gboolean
line_run_wait_lines (LineRun *r, guint n, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  gboolean ok;

  g_mutex_lock (&r->lock);
  while (r->lines->len < n && !r->eof)
    if (!g_cond_wait_until (&r->cond, &r->lock, deadline))
      break;
  ok = r->lines->len >= n;
  g_mutex_unlock (&r->lock);
  return ok;
}

static gboolean
wait_eof (LineRun *r, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  gboolean eof;

  g_mutex_lock (&r->lock);
  while (!r->eof)
    if (!g_cond_wait_until (&r->cond, &r->lock, deadline))
      break;
  eof = r->eof;
  g_mutex_unlock (&r->lock);
  return eof;
}

gboolean
line_run_wait_stderr (LineRun *r, const char *needle, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  for (;;) {
    g_autofree char *err = NULL;

    if (g_file_get_contents (r->err_path, &err, NULL, NULL) && strstr (err, needle) != NULL)
      return TRUE;
    if (g_get_monotonic_time () >= deadline || g_subprocess_get_identifier (r->proc) == NULL)
      return FALSE;
    g_usleep (20 * 1000); /* a file has no change notice here: look again shortly */
  }
}

int
line_run_wait (LineRun *r, guint timeout_ms)
{
  g_autoptr (GError) error = NULL;

  if (r->status >= 0)
    return r->status;
  if (!wait_eof (r, timeout_ms)) {
    g_test_message ("provision still running after %u ms: killed", timeout_ms);
    g_subprocess_force_exit (r->proc);
    line_run_dump (r);
    g_test_fail ();
  }
  g_subprocess_wait (r->proc, NULL, &error);
  g_assert_no_error (error);
  if (r->reader != NULL)
    g_thread_join (r->reader);
  r->reader = NULL;
  if (g_subprocess_get_if_exited (r->proc))
    r->status = g_subprocess_get_exit_status (r->proc);
  else
    r->status = 128 + g_subprocess_get_term_sig (r->proc);
  return r->status;
}

void
line_run_free (LineRun *r)
{
  if (r == NULL)
    return;
  if (r->status < 0) {
    g_subprocess_force_exit (r->proc);
    g_subprocess_wait (r->proc, NULL, NULL);
  }
  if (r->reader != NULL)
    g_thread_join (r->reader);
  g_object_unref (r->proc);
  g_ptr_array_unref (r->lines);
  g_mutex_clear (&r->lock);
  g_cond_clear (&r->cond);
  g_free (r->err_path);
  g_free (r);
}

void
line_run_dump (LineRun *r)
{
  g_autofree char *err = NULL;

  g_mutex_lock (&r->lock);
  for (guint i = 0; i < r->lines->len; i++)
    g_test_message ("stdout: %s", (char *)r->lines->pdata[i]);
  g_mutex_unlock (&r->lock);
  if (r->err_path != NULL && g_file_get_contents (r->err_path, &err, NULL, NULL))
    g_test_message ("stderr (%s):\n%s", r->err_path, err);
}

/* ---- the line ----------------------------------------------------------- */

Line *
line_new (void)
{
  g_autoptr (GError) error = NULL;
  Line *l = g_new0 (Line, 1);
  g_autofree char *state = NULL, *target = NULL;
  const char *psk = "0123456789abcdef0123456789abcdef-engine-test\n";

  l->dir = tc_tmpdir ();
  l->psk_path = g_build_filename (l->dir, "beam.psk", NULL);
  g_file_set_contents (l->psk_path, psk, -1, &error);
  g_assert_no_error (error);
  g_chmod (l->psk_path, 0600);
  l->registry_port = tc_free_port ();
  l->db = g_build_filename (l->dir, "station.db", NULL);
  l->labels = g_build_filename (l->dir, "labels", NULL);
  g_mkdir (l->labels, 0755);
  {
    g_autofree char *src = tc_data_path ("engine", "recipe-fast.ini", NULL);
    l->recipe = tc_scaled_recipe (src, l->dir);
  }
  l->config = tc_data_path ("engine", "station.ini", NULL);

  state = g_build_filename (l->dir, "cloud.json", NULL);
  target = g_strdup_printf ("http://127.0.0.1:%u", l->registry_port);
  {
    const char *args[]
        = { "--state", state, "--beam-target", target, "--beam-psk", l->psk_path, NULL };
    l->emu = ec_start (args);
  }
  l->api_url = g_strconcat (l->emu->base, "/v1", NULL);
  return l;
}

void
line_emulator_restart (Line *l, guint down_ms)
{
  g_autofree char *state = g_build_filename (l->dir, "cloud.json", NULL);
  g_autofree char *target = g_strdup_printf ("http://127.0.0.1:%u", l->registry_port);
  const char *port = strrchr (l->emu->base, ':') + 1;
  g_autofree char *port_copy = g_strdup (port);
  int status;

  /* killed without warning: only what it saved before answering survives */
  kill (l->emu->pid, SIGKILL);
  waitpid (l->emu->pid, &status, 0);
  l->emu->pid = 0;
  ec_stop (l->emu);
  g_usleep ((gulong)down_ms * 1000);
  {
    const char *args[] = { "--port", port_copy,    "--state",   state, "--beam-target",
                           target,   "--beam-psk", l->psk_path, NULL };
    l->emu = ec_start (args);
  }
}

void
line_registry_restart (Line *l, guint down_ms)
{
  g_assert_nonnull (l->registry);
  g_subprocess_send_signal (l->registry->proc, SIGKILL);
  line_run_wait (l->registry, 20000);
  g_clear_pointer (&l->registry, line_run_free);
  g_usleep ((gulong)down_ms * 1000);
  line_registry_start (l);
}

void
line_free (Line *l)
{
  if (l == NULL)
    return;
  if (l->registry != NULL) {
    g_subprocess_send_signal (l->registry->proc, SIGTERM);
    line_run_wait (l->registry, 20000);
    line_run_free (l->registry);
  }
  if (l->printer != NULL) {
    g_subprocess_send_signal (l->printer->proc, SIGTERM);
    line_run_wait (l->printer, 20000);
    line_run_free (l->printer);
  }
  ec_stop (l->emu);
  g_free (l->dir);
  g_free (l->api_url);
  g_free (l->psk_path);
  g_free (l->db);
  g_free (l->labels);
  g_free (l->recipe);
  g_free (l->config);
  g_free (l);
}

/* ---- fixture-sim -------------------------------------------------------- */

gboolean
line_unit_has_fault (const LineUnit *u, const char *fault)
{
  for (guint i = 0; u->faults != NULL && u->faults[i] != NULL; i++) {
    const char *f = u->faults[i];
    gsize n = strlen (fault);
    if (strncmp (f, fault, n) == 0 && (f[n] == '\0' || f[n] == '@'))
      return TRUE;
  }
  return FALSE;
}

static void
line_unit_free (LineUnit *u)
{
  g_free (u->device_id);
  g_free (u->imei);
  g_free (u->imsi);
  g_free (u->iccid);
  g_strfreev (u->faults);
  g_free (u);
}

static char *
member_or_null (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return NULL;
  return g_strdup (json_node_get_string (n));
}

LineSim *
line_sim_start (Line *l, const char *manifest_json, guint slots)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *prog = tc_build_path ("fixtures/fixture-sim/fixture-sim");
  g_autofree char *slots_text = g_strdup_printf ("%u", slots);
  static guint serial;
  guint n = g_atomic_int_add (&serial, 1);
  g_autofree char *manifest = g_strdup_printf ("%s/manifest-%u.json", l->dir, n);
  g_autofree char *err = g_strdup_printf ("%s/fixture-sim-%u.err", l->dir, n);
  g_autofree char *seed = g_strdup_printf ("%u", 7 + n); /* distinct identities per sim */
  const char *argv[] = { prog,         "--slots", slots_text, "--manifest", manifest, "--api-url",
                         l->emu->base, "--speed", LINE_SPEED, "--seed",     seed,     NULL };
  LineSim *sim = g_new0 (LineSim, 1);
  LineRun *first;

  JsonObject *root;
  JsonArray *units;

  g_file_set_contents (manifest, manifest_json, -1, &error);
  g_assert_no_error (error);
  launcher = launcher_new (err);
  first = run_spawn (launcher, err, argv);
  if (!line_run_wait_lines (first, 1, FIRST_LINE_MS)) {
    line_run_dump (first);
    g_error ("fixture-sim printed no first line");
  }
  json_parser_load_from_data (parser, first->lines->pdata[0], -1, &error);
  g_assert_no_error (error);
  sim->run = first;
  root = json_node_get_object (json_parser_get_root (parser));
  sim->fixture = g_strdup (json_object_get_string_member (root, "fixture"));
  sim->units = g_ptr_array_new_with_free_func ((GDestroyNotify)line_unit_free);
  units = json_object_get_array_member (root, "units");
  for (guint i = 0; i < json_array_get_length (units); i++) {
    JsonObject *o = json_array_get_object_element (units, i);
    JsonArray *fa = json_object_get_array_member (o, "faults");
    LineUnit *u = g_new0 (LineUnit, 1);

    u->device_id = member_or_null (o, "device_id");
    u->imei = member_or_null (o, "imei");
    u->imsi = member_or_null (o, "imsi");
    u->iccid = member_or_null (o, "iccid");
    u->faults = g_new0 (char *, json_array_get_length (fa) + 1);
    for (guint k = 0; k < json_array_get_length (fa); k++)
      u->faults[k] = g_strdup (json_array_get_string_element (fa, k));
    g_ptr_array_add (sim->units, u);
  }
  return sim;
}

void
line_sim_stop (LineSim *sim)
{
  if (sim == NULL)
    return;
  g_subprocess_send_signal (sim->run->proc, SIGTERM);
  line_run_wait (sim->run, 20000);
  line_run_free (sim->run);
  g_free (sim->fixture);
  g_ptr_array_unref (sim->units);
  g_free (sim);
}

LineUnit *
line_sim_unit (LineSim *sim, const char *device_id)
{
  for (guint i = 0; i < sim->units->len; i++) {
    LineUnit *u = sim->units->pdata[i];
    if (g_ascii_strcasecmp (u->device_id, device_id) == 0)
      return u;
  }
  g_error ("no unit %s in the manifest", device_id);
  return NULL;
}

/* ---- station-cli -------------------------------------------------------- */

int
line_cli (Line *l, const char *const *args, char **out)
{
  g_autofree char *cli = tc_build_path ("station/station-cli");
  g_autofree char *err = g_strdup_printf ("%s/cli.err", l->dir);
  g_autoptr (GSubprocessLauncher) launcher = launcher_new (err);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (LineRun) run = NULL;
  GString *text = g_string_new (NULL);
  int rc;

  g_ptr_array_add (argv, cli);
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, l->db);
  g_ptr_array_add (argv, "--config");
  g_ptr_array_add (argv, l->config);
  g_ptr_array_add (argv, "--api-url");
  g_ptr_array_add (argv, l->api_url);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);
  run = run_spawn (launcher, err, (const char *const *)argv->pdata);
  rc = line_run_wait (run, 60000);
  for (guint i = 0; i < run->lines->len; i++)
    g_string_append_printf (text, "%s\n", (char *)run->lines->pdata[i]);
  if (rc != 0)
    line_run_dump (run);
  if (out != NULL)
    *out = g_string_free (text, FALSE);
  else
    g_string_free (text, TRUE);
  return rc;
}

guint
line_import (Line *l, const char *batch, LineSim *sim)
{
  g_autofree char *csv = g_strdup_printf ("%s/sims-%s.csv", l->dir, batch);
  g_autoptr (GString) text = g_string_new ("imsi,iccid,serial_number,msisdn\n");
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  const char *args[] = { "batch", "import", "--batch", batch, "--csv", csv, NULL };
  guint n = 0;

  for (guint i = 0; i < sim->units->len; i++) {
    LineUnit *u = sim->units->pdata[i];
    if (u->imsi == NULL || line_unit_has_fault (u, "unknown-imsi"))
      continue;
    g_string_append_printf (text, "%s,%s,,\n", u->imsi, u->iccid);
    n++;
  }
  g_file_set_contents (csv, text->str, (gssize)text->len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (line_cli (l, args, &out), ==, 0);
  return n;
}

LineRun *
line_provision_start (Line *l, LineSim *sim, const char *batch, const char *crash_at,
                      const char *const *extra)
{
  g_autofree char *cli = tc_build_path ("station/station-cli");
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", l->registry_port);
  g_autofree char *printer = l->printer != NULL
                                 ? g_strdup_printf ("zpl:127.0.0.1:%u", l->printer_port)
                                 : g_strdup_printf ("file:%s", l->labels);
  g_autofree char *err = g_strdup_printf ("%s/provision-%u.err", l->dir, ++l->runs);
  g_autoptr (GSubprocessLauncher) launcher = launcher_new (err);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *fixed[]
      = { cli,        "--db",      l->db,       "--config", l->config,   "--api-url",
          l->api_url, "provision", "--batch",   batch,      "--fixture", sim->fixture,
          "--recipe", l->recipe,   "--poll-ms", "50",       "--progress" };

  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (argv, (char *)fixed[i]);
  if (!l->default_printer) {
    g_ptr_array_add (argv, "--printer");
    g_ptr_array_add (argv, printer);
  }
  if (l->registry == NULL) {
    g_ptr_array_add (argv, "--registry-listen");
    g_ptr_array_add (argv, listen);
    g_ptr_array_add (argv, "--psk-file");
    g_ptr_array_add (argv, l->psk_path);
  }
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)extra[i]);
  g_ptr_array_add (argv, NULL);
  if (crash_at != NULL)
    g_subprocess_launcher_setenv (launcher, "STATION_CRASH_AT", crash_at, TRUE);
  if (l->auth_key != NULL)
    g_subprocess_launcher_setenv (launcher, "SORACOM_AUTH_KEY", l->auth_key, TRUE);
  if (l->fsize_limit > 0)
    g_subprocess_launcher_set_child_setup (launcher, limit_file_size,
                                           GSIZE_TO_POINTER ((gsize)l->fsize_limit), NULL);
  return run_spawn (launcher, err, (const char *const *)argv->pdata);
}

LineRun *
line_provision (Line *l, LineSim *sim, const char *batch, const char *crash_at,
                const char *const *extra)
{
  LineRun *r = line_provision_start (l, sim, batch, crash_at, extra);

  line_run_wait (r, 180000);
  return r;
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (p, text, -1, &error))
    g_error ("not JSON: %s: %s", text, error->message);
  root = json_parser_get_root (p);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

GPtrArray *
line_run_results (LineRun *r)
{
  GPtrArray *res = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);

  g_mutex_lock (&r->lock);
  for (guint i = 0; i < r->lines->len; i++) {
    JsonObject *o = parse_object (r->lines->pdata[i]);
    if (json_object_has_member (o, "result"))
      g_ptr_array_add (res, o);
    else
      json_object_unref (o);
  }
  g_mutex_unlock (&r->lock);
  return res;
}

JsonObject *
line_run_summary (LineRun *r)
{
  JsonObject *o = NULL;

  g_mutex_lock (&r->lock);
  if (r->lines->len > 0) {
    o = parse_object (r->lines->pdata[r->lines->len - 1]);
    if (!json_object_has_member (o, "cancelled"))
      g_clear_pointer (&o, json_object_unref);
  }
  g_mutex_unlock (&r->lock);
  return o;
}

JsonObject *
line_run_result (LineRun *r, const char *device_id)
{
  g_autoptr (GPtrArray) all = line_run_results (r);
  JsonObject *found = NULL;

  for (guint i = 0; i < all->len; i++) {
    JsonObject *o = all->pdata[i];
    const char *id = json_object_get_string_member_with_default (o, "device_id", "");
    if (g_ascii_strcasecmp (id, device_id) != 0)
      continue;
    if (found != NULL)
      g_error ("%s reported twice in one run", device_id);
    found = json_object_ref (o);
  }
  return found;
}

/* ---- emulator and store ------------------------------------------------- */

JsonObject *
line_state (Line *l, JsonNode **keep)
{
  Reply *r = ec_call (l->emu, "GET", "/_emulator/state", NULL, NULL);
  JsonObject *o;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (r->json);
  *keep = json_node_ref (r->json);
  reply_free (r);
  o = json_node_get_object (*keep);
  return o;
}

JsonObject *
line_state_sim (JsonObject *state, const char *imsi)
{
  JsonArray *subs = json_object_get_array_member (state, "subscribers");

  for (guint i = 0; imsi != NULL && i < json_array_get_length (subs); i++) {
    JsonObject *s = json_array_get_object_element (subs, i);
    if (g_strcmp0 (json_object_get_string_member (s, "imsi"), imsi) == 0)
      return s;
  }
  return NULL;
}

gint64
line_state_calls (JsonObject *state, const char *operation, const char *key)
{
  JsonObject *calls = json_object_get_object_member (state, "calls");
  JsonObject *op;

  if (calls == NULL || !json_object_has_member (calls, operation))
    return 0;
  op = json_object_get_object_member (calls, operation);
  return json_object_get_int_member_with_default (op, key, 0);
}

JsonNode *
line_lookup (Line *l, const char *code)
{
  const char *args[] = { "lookup", code, NULL };
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) p = json_parser_new ();

  g_assert_cmpint (line_cli (l, args, &out), ==, 0);
  json_parser_load_from_data (p, out, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (p));
}

JsonNode *
line_lookup_maybe (Line *l, const char *code)
{
  const char *args[] = { "lookup", code, NULL };
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) p = json_parser_new ();

  if (line_cli (l, args, &out) != 0)
    return NULL;
  json_parser_load_from_data (p, out, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (p));
}

void
line_registry_start (Line *l)
{
  line_registry_start_args (l, NULL);
}

void
line_registry_start_args (Line *l, const char *const *extra)
{
  g_autofree char *cli = tc_build_path ("station/station-cli");
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", l->registry_port);
  g_autofree char *err = g_strdup_printf ("%s/registry.err", l->dir);
  g_autoptr (GSubprocessLauncher) launcher = launcher_new (err);
  const char *base[]
      = { cli, "--db", l->db, "registry", "--listen", listen, "--psk-file", l->psk_path };
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();

  for (gsize i = 0; i < G_N_ELEMENTS (base); i++)
    g_ptr_array_add (argv, (char *)base[i]);
  for (gsize i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)extra[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_null (l->registry);
  l->registry = run_spawn (launcher, err, (const char *const *)argv->pdata);
  if (!line_run_wait_lines (l->registry, 1, FIRST_LINE_MS)) {
    line_run_dump (l->registry);
    g_error ("station-cli registry did not start");
  }
}

/* Labels the fake ZPL printers recorded for @device_id (labels/zpl-N/). */
static guint
zpl_label_files (Line *l, const char *device_id)
{
  g_autofree char *needle = g_strdup_printf ("DEV %s IMSI", device_id);
  guint count = 0;

  for (guint n = 1; n <= l->printer_starts; n++) {
    g_autofree char *name = g_strdup_printf ("zpl-%u", n);
    g_autofree char *dir_path = g_build_filename (l->labels, name, NULL);
    g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
    const char *file;

    g_assert_nonnull (dir);
    while ((file = g_dir_read_name (dir)) != NULL) {
      g_autofree char *path = g_build_filename (dir_path, file, NULL);
      g_autofree char *text = NULL;

      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      if (strstr (text, needle) != NULL)
        count++;
    }
  }
  return count;
}

guint
line_label_files (Line *l, const char *device_id)
{
  g_autoptr (GDir) dir = g_dir_open (l->labels, 0, NULL);
  gsize n = strlen (device_id);
  const char *name;
  guint count = 0;

  if (l->printer_starts > 0)
    return zpl_label_files (l, device_id);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL) {
    const char *rest = name + n;
    if (strncmp (name, device_id, n) != 0)
      continue;
    /* ID.ext, or ID-N.ext for a second print */
    if (*rest == '-') {
      rest++;
      if (!g_ascii_isdigit (*rest))
        continue;
      while (g_ascii_isdigit (*rest))
        rest++;
    }
    if (*rest == '.' && strchr (rest + 1, '.') == NULL)
      count++;
  }
  return count;
}

/* ---- the fake ZPL printer ------------------------------------------------ */

/* Printed lines ({"printed":N,...}) a printer process wrote so far. */
static guint
printer_lines_printed (LineRun *r)
{
  guint n = 0;

  g_mutex_lock (&r->lock);
  for (guint i = 0; i < r->lines->len; i++)
    if (g_str_has_prefix (r->lines->pdata[i], "{\"printed\":"))
      n++;
  g_mutex_unlock (&r->lock);
  return n;
}

void
line_printer_start (Line *l)
{
  g_autofree char *exe = tc_build_path ("fixtures/fake-zpl-printer");
  g_autofree char *port = g_strdup_printf ("%u", l->printer_port);
  g_autofree char *err = NULL, *name = NULL, *record = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_null (l->printer);
  l->printer_starts++;
  name = g_strdup_printf ("zpl-%u", l->printer_starts);
  record = g_build_filename (l->labels, name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (record, 0755), ==, 0);
  err = g_strdup_printf ("%s/printer-%u.err", l->dir, l->printer_starts);
  launcher = launcher_new (err);
  /* the program reads control lines on stdin and ends at EOF: a pipe kept
   * open for its life */
  g_subprocess_launcher_set_flags (launcher,
                                   G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE);
  {
    const char *argv[] = { exe, "--port", port, "--record-dir", record, NULL };
    l->printer = run_spawn (launcher, err, argv);
  }
  if (!line_run_wait_lines (l->printer, 1, FIRST_LINE_MS)) {
    line_run_dump (l->printer);
    g_error ("fake-zpl-printer did not start on port %s", port);
  }
  g_mutex_lock (&l->printer->lock);
  json_parser_load_from_data (parser, l->printer->lines->pdata[0], -1, &error);
  g_mutex_unlock (&l->printer->lock);
  g_assert_no_error (error);
  l->printer_port = (guint)json_object_get_int_member (
      json_node_get_object (json_parser_get_root (parser)), "port");
  g_assert_cmpuint (l->printer_port, >, 0);
}

void
line_printer_kill (Line *l)
{
  g_assert_nonnull (l->printer);
  g_subprocess_send_signal (l->printer->proc, SIGKILL);
  line_run_wait (l->printer, 20000);
  l->printer_printed += printer_lines_printed (l->printer);
  g_clear_pointer (&l->printer, line_run_free);
}

void
line_printer_restart (Line *l, guint down_ms)
{
  line_printer_kill (l);
  g_usleep ((gulong)down_ms * 1000);
  line_printer_start (l);
}

void
line_printer_command (Line *l, const char *command)
{
  GOutputStream *in = g_subprocess_get_stdin_pipe (l->printer->proc);
  g_autofree char *text = g_strconcat (command, "\n", NULL);
  g_autoptr (GError) error = NULL;
  guint seen;

  g_mutex_lock (&l->printer->lock);
  seen = l->printer->lines->len;
  g_mutex_unlock (&l->printer->lock);
  g_output_stream_write_all (in, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (line_run_wait_lines (l->printer, seen + 1, 10000));
}

guint
line_printer_printed (Line *l)
{
  return l->printer_printed + (l->printer != NULL ? printer_lines_printed (l->printer) : 0);
}
