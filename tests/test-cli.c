/* tests/test-cli.c - station-cli conventions: exit codes by error domain,
 * the one-line error format, the command dispatcher. */
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <string.h>

#include "drivers/identity.h"
#include "station/cli/cli.h"
#include "station/station-error.h"
#include "tests/common/test-common.h"

static void
test_exit_codes (void)
{
  static const struct {
    GQuark (*domain) (void);
    int code;
    int exit;
  } rows[] = {
    { station_error_quark, STATION_ERROR_USAGE, 2 },
    { station_error_quark, STATION_ERROR_CONFIG, 2 },
    { station_error_quark, STATION_ERROR_CHECK_FAILED, 1 },
    { g_option_error_quark, G_OPTION_ERROR_BAD_VALUE, 2 },
    { identity_error_quark, IDENTITY_ERROR_CHARACTER, 2 },
    { g_file_error_quark, G_FILE_ERROR_NOSPC, 5 },
    { g_io_error_quark, G_IO_ERROR_NO_SPACE, 5 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    g_autoptr (GError) e = g_error_new_literal (rows[i].domain (), rows[i].code, "x");
    g_assert_cmpint (station_exit_code_for_error (e), ==, rows[i].exit);
  }
}

static void
test_unknown_domain_warns (void)
{
  if (g_test_subprocess ()) {
    g_autoptr (GError) e
        = g_error_new_literal (g_quark_from_static_string ("nobody-error"), 7, "x");
    g_assert_cmpint (station_exit_code_for_error (e), ==, 1);
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_stderr ("*no exit code for error domain nobody-error*");
}

static void
test_error_line (void)
{
  g_autoptr (GError) e
      = g_error_new_literal (STATION_ERROR, STATION_ERROR_USAGE, "/dev/pts/9: no answer\nto AT");
  g_autofree char *line = station_cli_error_line ("probe", e);

  g_assert_cmpstr (line, ==, "station-cli: probe: /dev/pts/9: no answer to AT");
}

static char *
cli_path (void)
{
  return tc_build_path ("station/station-cli");
}

static void
test_unknown_command (void)
{
  g_autofree char *exe = cli_path ();
  const char *argv[] = { exe, "--db", "x.db", "frobnicate", NULL };
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (tc_run (argv, &out, &err, 10000), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_prefix (err, "station-cli: frobnicate: "));
  g_assert_cmpint (strchr (err, '\n') - err, ==, (int)strlen (err) - 1);
}

static void
test_no_command (void)
{
  g_autofree char *exe = cli_path ();
  const char *argv[] = { exe, NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (tc_run (argv, NULL, &err, 10000), ==, 2);
  g_assert_true (g_str_has_prefix (err, "station-cli: "));
}

static void
test_bad_option (void)
{
  g_autofree char *exe = cli_path ();
  const char *argv[] = { exe, "help", "--no-such-option", NULL };
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (tc_run (argv, &out, &err, 10000), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_prefix (err, "station-cli: help: "));
}

static void
test_help_and_globals_anywhere (void)
{
  g_autofree char *exe = cli_path ();
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *cfg = g_build_filename (dir, "station.ini", NULL);
  const char *before[]
      = { exe, "--config", cfg, "--api-url", "http://127.0.0.1:1/v1", "help", NULL };
  const char *after[] = { exe, "help", "--config", cfg, "-v", NULL };
  g_autofree char *out = NULL;

  g_assert_true (g_file_set_contents (cfg, "[soracom]\napi_url=http://127.0.0.1:9/v1\n", -1, NULL));
  g_assert_cmpint (tc_run (before, &out, NULL, 10000), ==, 0);
  g_assert_nonnull (strstr (out, "commands:"));
  g_assert_cmpint (tc_run (after, NULL, NULL, 10000), ==, 0);
}

/* docs/cli.md shows `station-cli --help` as the program prints it: every
 * command of the table (unit scrap included) with its synopsis and summary. */
static void
test_help_in_docs (void)
{
  g_autofree char *exe = cli_path ();
  g_autofree char *doc_path = g_build_filename (g_getenv ("SOURCE_ROOT"), "docs", "cli.md", NULL);
  const char *argv[] = { exe, "--help", NULL };
  const char *marker = "$ station-cli --help\n";
  g_autofree char *out = NULL, *doc = NULL, *shown = NULL;
  const char *start, *end;

  g_assert_cmpint (tc_run (argv, &out, NULL, 10000), ==, 0);
  g_assert_nonnull (strstr (out, "  unit       scrap CODE --reason TEXT\n"));
  g_assert_true (g_file_get_contents (doc_path, &doc, NULL, NULL));
  start = strstr (doc, marker);
  g_assert_nonnull (start);
  start += strlen (marker);
  end = strstr (start, "```");
  g_assert_nonnull (end);
  shown = g_strndup (start, (gsize)(end - start));
  g_assert_cmpstr (shown, ==, out);
}

static void
test_missing_config (void)
{
  g_autofree char *exe = cli_path ();
  const char *argv[] = { exe, "help", "--config", "/nonexistent/station.ini", NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (tc_run (argv, NULL, &err, 10000), ==, 2);
  g_assert_nonnull (strstr (err, "/nonexistent/station.ini"));
}

/* A config file holding [soracom] auth_key is refused unless only its owner
 * has access (issue 16), as the PSK file is; without the key any mode is
 * fine.  (Tests run as root: the check is on the mode bits, via stat.) */
static void
test_config_secret_mode (void)
{
  static const struct {
    const char *content;
    int mode;
    int exit;
  } rows[] = {
    { "[soracom]\nauth_key_id=keyId-1\nauth_key=secret-1\n", 0644, 2 },
    { "[soracom]\nauth_key_id=keyId-1\nauth_key=secret-1\n", 0640, 2 },
    { "[soracom]\nauth_key=secret-1\n", 0604, 2 },
    { "[soracom]\nauth_key_id=keyId-1\nauth_key=secret-1\n", 0600, 0 },
    { "[soracom]\nauth_key_id=keyId-1\nauth_key=secret-1\n", 0400, 0 },
    { "[soracom]\nauth_key_id=keyId-1\n", 0644, 0 },
  };
  g_autofree char *exe = cli_path ();
  g_autofree char *dir = tc_tmpdir ();

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    g_autofree char *cfg = g_strdup_printf ("%s/station-%zu.ini", dir, i);
    g_autofree char *out = NULL, *err = NULL, *want = NULL;
    const char *argv[] = { exe, "--config", cfg, "help", NULL };

    g_assert_true (g_file_set_contents (cfg, rows[i].content, -1, NULL));
    g_assert_cmpint (g_chmod (cfg, rows[i].mode), ==, 0);
    g_assert_cmpint (tc_run (argv, &out, &err, 10000), ==, rows[i].exit);
    if (rows[i].exit == 0)
      continue;
    want = g_strdup_printf ("station-cli: help: configuration %s: holds [soracom] auth_key but has "
                            "mode %04o",
                            cfg, rows[i].mode);
    g_assert_true (g_str_has_prefix (err, want));
    g_assert_nonnull (strstr (err, "chmod 600"));
    g_assert_null (strstr (err, "secret-1"));
    g_assert_cmpstr (out, ==, "");
  }
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/cli/exit-codes", test_exit_codes);
  g_test_add_func ("/cli/unknown-domain-warns", test_unknown_domain_warns);
  g_test_add_func ("/cli/error-line", test_error_line);
  g_test_add_func ("/cli/unknown-command", test_unknown_command);
  g_test_add_func ("/cli/no-command", test_no_command);
  g_test_add_func ("/cli/bad-option", test_bad_option);
  g_test_add_func ("/cli/help-and-globals-anywhere", test_help_and_globals_anywhere);
  g_test_add_func ("/cli/help-in-docs", test_help_in_docs);
  g_test_add_func ("/cli/missing-config", test_missing_config);
  g_test_add_func ("/cli/config-secret-mode", test_config_secret_mode);
  return g_test_run ();
}
