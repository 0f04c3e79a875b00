/* tests/test-secrets.c - where the secrets go (issue 14): the SORACOM auth
 * key and the Beam PSK of a provisioning run, with debug logging on, reach
 * none of the files the station writes (store and its WAL, labels, the
 * run's log, the batch report in every format, a lookup) nor its command
 * line; the station's processes cannot dump core. */
#define G_LOG_DOMAIN "test-secrets"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "station/secret.h"
#include "tests/common/line.h"
#include "tests/common/test-common.h"

#define BATCH "SEC-1"

/* Every regular file below @dir whose bytes contain @needle, appended to
 * @hits (relative names). */
static void
find_in_files (const char *dir, const char *needle, GPtrArray *hits, guint *files)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL) {
    g_autofree char *path = g_build_filename (dir, name, NULL);
    g_autofree char *data = NULL;
    gsize len = 0;

    if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
      continue;
    if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
      find_in_files (path, needle, hits, files);
      continue;
    }
    if (!g_file_get_contents (path, &data, &len, NULL))
      continue;
    (*files)++;
    if (memmem (data, len, needle, strlen (needle)) != NULL)
      g_ptr_array_add (hits, g_steal_pointer (&path));
  }
}

static void
test_nowhere_on_disk (void)
{
  g_autoptr (Line) line = line_new ();
  const char *manifest = "{\"register\": true, \"units\": [{\"device_id\": \"SEC-001\"}, "
                         "{\"device_id\": \"SEC-002\"}]}";
  const char *verbose[] = { "-v", NULL };
  g_autoptr (LineRun) run = NULL;
  g_autoptr (GPtrArray) hits = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *psk = NULL;
  g_autofree char *emulator_state = g_build_filename (line->dir, "cloud.json", NULL);
  guint files = 0;
  LineSim *sim;

  sim = line_sim_start (line, manifest, 2);
  line_import (line, BATCH, sim);
  run = line_provision (line, sim, BATCH, NULL, verbose);
  if (run->status != 0)
    line_run_dump (run);
  g_assert_cmpint (run->status, ==, 0);

  /* what else a technician or stock intake leaves on disk */
  for (guint i = 0; i < 3; i++) {
    const char *fmt[] = { "csv", "json", "pdf" };
    g_autofree char *out = g_strdup_printf ("%s/report.%s", line->dir, fmt[i]);
    const char *args[] = { "report", "--batch", BATCH, "--format", fmt[i], "--out", out, NULL };
    g_assert_cmpint (line_cli (line, args, NULL), ==, 0);
  }
  {
    const char *args[] = { "lookup", "SEC-001", NULL };
    g_autofree char *out = NULL;
    g_autofree char *path = g_build_filename (line->dir, "lookup.json", NULL);
    g_assert_cmpint (line_cli (line, args, &out), ==, 0);
    g_assert_true (g_file_set_contents (path, out, -1, NULL));
  }

  g_assert_true (g_file_get_contents (line->psk_path, &psk, NULL, NULL));
  g_strchomp (psk);
  /* the emulator's state file plays SORACOM's side (it knows the key);
   * the PSK lives in its own file; nothing else may hold either */
  find_in_files (line->dir, EC_AUTH_KEY, hits, &files);
  find_in_files (line->dir, psk, hits, &files);
  for (guint i = 0; i < hits->len; i++) {
    const char *path = hits->pdata[i];
    if (strcmp (path, line->psk_path) != 0 && strcmp (path, emulator_state) != 0)
      g_error ("a secret was found in %s", path);
  }
  g_test_message ("%u files searched", files);
  g_assert_cmpuint (files, >=, 8);
  line_sim_stop (sim);
}

/* The limit on core files of a running station-cli, from /proc. */
static void
test_no_core_dump (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *psk = g_build_filename (dir, "beam.psk", NULL);
  g_autofree char *db = g_build_filename (dir, "station.db", NULL);
  g_autofree char *cli = tc_build_path ("station/station-cli");
  const char *argv[]
      = { cli, "--db", db, "registry", "--listen", "127.0.0.1:0", "--psk-file", psk, NULL };
  g_autofree char *limits_path = NULL, *limits = NULL, *cmdline = NULL, *line = NULL;
  g_autofree char *cmdline_path = NULL;
  GPid pid;
  int out_fd = -1;

  g_assert_true (g_file_set_contents (psk, "core-dump-test-psk-0123456789", -1, NULL));
  g_chmod (psk, 0600);
  line = tc_spawn_first_line (argv, &pid, &out_fd, 20000);
  if (line == NULL) {
    /* the receiver logs to stderr: wait until /proc shows it running */
    g_assert_cmpint (kill (pid, 0), ==, 0);
  }
  limits_path = g_strdup_printf ("/proc/%d/limits", pid);
  g_assert_true (g_file_get_contents (limits_path, &limits, NULL, NULL));
  cmdline_path = g_strdup_printf ("/proc/%d/cmdline", pid);
  g_assert_true (g_file_get_contents (cmdline_path, &cmdline, NULL, NULL));
  kill (pid, SIGTERM);
  g_spawn_close_pid (pid);
  if (out_fd >= 0)
    close (out_fd);
  {
    g_auto (GStrv) rows = g_strsplit (limits, "\n", -1);
    gboolean seen = FALSE;
    for (guint i = 0; rows[i] != NULL; i++) {
      if (!g_str_has_prefix (rows[i], "Max core file size"))
        continue;
      g_auto (GStrv) f = g_strsplit_set (rows[i] + strlen ("Max core file size"), " ", -1);
      g_autoptr (GPtrArray) v = g_ptr_array_new ();
      for (guint k = 0; f[k] != NULL; k++)
        if (*f[k] != '\0')
          g_ptr_array_add (v, f[k]);
      g_assert_cmpuint (v->len, >=, 2);
      g_assert_cmpstr (v->pdata[0], ==, "0"); /* soft */
      g_assert_cmpstr (v->pdata[1], ==, "0"); /* hard: cannot be raised again */
      seen = TRUE;
    }
    g_assert_true (seen);
  }
  /* the PSK is given as a file, never on the command line */
  g_assert_null (strstr (cmdline, "core-dump-test-psk"));
}

static void
test_wipe (void)
{
  char buf[32];
  char *s = g_strdup ("secret-auth-key");
  g_autoptr (GBytes) b = station_secret_bytes_new_take (g_strdup ("psk"), 3);

  memset (buf, 'x', sizeof buf);
  station_secret_wipe (buf, sizeof buf);
  for (guint i = 0; i < sizeof buf; i++)
    g_assert_cmpint (buf[i], ==, 0);
  station_secret_wipe (NULL, 0);
  station_secret_free (s);
  station_secret_free (NULL);
  g_assert_cmpmem (g_bytes_get_data (b, NULL), 3, "psk", 3);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/secrets/wipe", test_wipe);
  g_test_add_func ("/secrets/no-core-dump", test_no_core_dump);
  g_test_add_func ("/secrets/nowhere-on-disk", test_nowhere_on_disk);
  return g_test_run ();
}
