/* station/cli/cli.c - station-cli dispatcher and output conventions. */
#define G_LOG_DOMAIN "station-cli"

#include "station/cli/cli.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "station/cli/cli-commands.h"
#include "station/secret.h"
#include "station/store/store.h"

/* The one explicit list of commands, in the order the usage text shows. */
static const StationCliCommand *const commands[] = {
  &station_cli_probe_command,     /* modem identity over AT */
  &station_cli_batch_command,     /* batch import */
  &station_cli_provision_command, /* the pipeline */
  &station_cli_lookup_command,    /* a scanned code's unit */
  &station_cli_unit_command,      /* scrap a unit (cmd-unit.c) */
  &station_cli_report_command,    /* batch report for stock intake */
  &station_cli_fleet_command,     /* stock and fleet view */
  &station_cli_usage_command,     /* daily Air usage of a batch (cmd-usage.c) */
  &station_cli_label_command,     /* render or print one label */
  &station_cli_registry_command,  /* Beam registration receiver */
  &station_cli_audit_command,     /* the audit trail (cmd-audit.c) */
  &station_cli_operator_command,  /* operators and roles (cmd-audit.c) */
  &station_cli_help_command,
};

/* Global options that take a separate value argument: needed to find the
 * command name when global options come before it. */
static const char *const valued_globals[] = { "--db", "--config", "--api-url", "--operator" };

static void
station_cli_clear (StationCli *cli)
{
  g_clear_pointer (&cli->db_path, g_free);
  g_clear_pointer (&cli->config_path, g_free);
  g_clear_pointer (&cli->api_url, g_free);
  g_clear_pointer (&cli->operator_name, g_free);
  g_clear_pointer (&cli->config, station_config_free);
}

static const StationCliCommand *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (commands[i]->name, name) == 0)
      return commands[i];
  return NULL;
}

int
station_cli_find_word (int argc, char **argv)
{
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    gboolean takes_value = FALSE;

    if (strcmp (a, "--") == 0)
      return i + 1 < argc ? i + 1 : -1;
    if (a[0] != '-')
      return i;
    for (gsize k = 0; k < G_N_ELEMENTS (valued_globals); k++)
      if (strcmp (a, valued_globals[k]) == 0)
        takes_value = TRUE;
    if (takes_value)
      i++;
  }
  return -1;
}

static void
print_usage (FILE *out)
{
  fprintf (out, "usage: station-cli [--db PATH] [--config PATH] [--api-url URL] [--sandbox] "
                "[--operator NAME] [-v] COMMAND [ARGS...]\n\ncommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n             %s\n", commands[i]->name, commands[i]->synopsis,
             commands[i]->summary);
  fprintf (out, "\nexit codes: 0 ok, 1 check failed, 2 usage, 3 device/transport, "
                "4 cloud/API, 5 local store\n");
}

static int
help_run (StationCli *cli, int argc, char **argv, GError **error)
{
  if (!station_cli_parse (cli, "help", "", NULL, &argc, &argv, error))
    return -1;
  print_usage (stdout);
  return STATION_EXIT_OK;
}

const StationCliCommand station_cli_help_command = {
  .name = "help",
  .synopsis = "",
  .summary = "print this list of commands",
  .run = help_run,
};

/* Empty global values are usage errors (an empty --db would silently mean
 * the default store); --db must name a file in an existing folder: the
 * store is not created in a folder that a typo invented. */
static gboolean
check_global_paths (StationCli *cli, GError **error)
{
  const struct {
    const char *option, *value;
  } values[] = {
    { "--db", cli->db_path },
    { "--config", cli->config_path },
    { "--api-url", cli->api_url },
    { "--operator", cli->operator_name },
  };
  g_autofree char *dir = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++) {
    if (values[i].value != NULL && *values[i].value == '\0') {
      g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                   "%s needs a value (it was empty); leave %s out to use the default",
                   values[i].option, values[i].option);
      return FALSE;
    }
  }
  if (cli->db_path == NULL)
    return TRUE;
  if (g_file_test (cli->db_path, G_FILE_TEST_IS_DIR)) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_OPEN,
                 "--db %s is a folder; give the store file, e.g. %s/station.db", cli->db_path,
                 cli->db_path);
    return FALSE;
  }
  dir = g_path_get_dirname (cli->db_path);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR)) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_OPEN,
                 "--db %s: the folder %s does not exist; create it first (mkdir -p %s) or fix "
                 "the path",
                 cli->db_path, dir, dir);
    return FALSE;
  }
  return TRUE;
}

gboolean
station_cli_parse (StationCli *cli, const char *name, const char *parameter_string,
                   const GOptionEntry *entries, int *argc, char ***argv, GError **error)
{
  const GOptionEntry globals[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &cli->db_path, "SQLite store", "PATH" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &cli->config_path, "configuration (INI)", "PATH" },
    { "api-url", 0, 0, G_OPTION_ARG_STRING, &cli->api_url, "SORACOM API base URL", "URL" },
    { "sandbox", 0, 0, G_OPTION_ARG_NONE, &cli->sandbox, "use the SORACOM API sandbox", NULL },
    { "operator", 0, 0, G_OPTION_ARG_STRING, &cli->operator_name,
      "who works (recorded with units, reprints and batch actions; [station] operator)", "NAME" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &cli->verbose, "debug messages on stderr", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (parameter_string);
  GOptionGroup *group;
  g_autoptr (GError) local = NULL;

  group = g_option_group_new ("global", "Options of every command:", "Show global options", NULL,
                              NULL);
  g_option_group_add_entries (group, globals);
  g_option_context_add_group (ctx, group);
  if (entries != NULL)
    g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_help_enabled (ctx, TRUE);

  if (!g_option_context_parse (ctx, argc, argv, &local)) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE, "%s (see 'station-cli %s --help')",
                 local->message, name);
    return FALSE;
  }
  /* "--" ends the options: what follows is an argument even when it
   * starts with '-' (GOption leaves the "--" itself in argv) */
  for (int i = 1; i < *argc; i++) {
    if (strcmp ((*argv)[i], "--") == 0) {
      memmove (*argv + i, *argv + i + 1, sizeof (char *) * (size_t)(*argc - i));
      (*argc)--;
      break;
    }
  }
  if (!check_global_paths (cli, error))
    return FALSE;
  if (cli->verbose)
    g_log_set_debug_enabled (TRUE);

  g_clear_pointer (&cli->config, station_config_free);
  if (cli->config_path != NULL) {
    cli->config = station_config_load (cli->config_path, error);
    if (cli->config == NULL)
      return FALSE;
  } else {
    cli->config = station_config_new ();
  }
  if (cli->db_path != NULL)
    station_config_set_string (cli->config, "station", "db", cli->db_path);
  if (cli->api_url != NULL)
    station_config_set_string (cli->config, "soracom", "api_url", cli->api_url);
  if (cli->operator_name != NULL)
    station_config_set_string (cli->config, "station", "operator", cli->operator_name);
  return TRUE;
}

void
station_cli_banner (StationCli *cli, const char *what)
{
  g_autofree char *url = station_cli_api_url (cli);
  const char *kind = store_api_url_kind (url);
  const char *note = g_str_equal (kind, "PRODUCTION") ? "real SIMs, real charges"
                     : g_str_equal (kind, "SANDBOX")  ? "sandbox SIMs, nothing real is changed"
                                                      : "not the SORACOM production API";

  fprintf (stderr, "station-cli: %s: %s API %s (%s)\n", what, kind, url, note);
}

char *
station_cli_api_url (StationCli *cli)
{
  if (cli->api_url != NULL)
    return g_strdup (cli->api_url);
  if (cli->sandbox)
    return g_strdup (STATION_CLI_SANDBOX_API_URL);
  return station_config_get_string (cli->config, "soracom", "api_url", STATION_CLI_DEFAULT_API_URL);
}

void
station_cli_print_json (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

char *
station_cli_error_line (const char *what, const GError *error)
{
  g_autofree char *why = g_strdup (error->message);

  g_strdelimit (why, "\r\n", ' ');
  return g_strdup_printf ("station-cli: %s: %s", what, why);
}

int
station_cli_main (int argc, char **argv)
{
  StationCli cli = { 0 };
  const StationCliCommand *cmd;
  g_autoptr (GError) error = NULL;
  g_autofree char **sub_argv = NULL;
  int idx, sub_argc = 0, rc;

  setlocale (LC_ALL, "");
  /* a write past the file size limit fails (EFBIG, reported as a store or
   * printer error) instead of killing the station mid-journal */
  signal (SIGXFSZ, SIG_IGN);
  /* the auth key, API token and Beam PSK never reach a core dump */
  station_secret_protect_process ();

  idx = station_cli_find_word (argc, argv);
  if (idx < 0) {
    if (argc > 1 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)) {
      print_usage (stdout);
      return STATION_EXIT_OK;
    }
    fprintf (stderr, "station-cli: usage: no command given (try 'station-cli help')\n");
    return STATION_EXIT_USAGE;
  }
  cmd = find_command (argv[idx]);
  if (cmd == NULL) {
    fprintf (stderr, "station-cli: %s: unknown command (try 'station-cli help')\n", argv[idx]);
    return STATION_EXIT_USAGE;
  }

  /* argv without the command word; argv[0] names the command for --help */
  sub_argv = g_new0 (char *, argc + 1);
  sub_argv[sub_argc++] = argv[0];
  for (int i = 1; i < argc; i++)
    if (i != idx)
      sub_argv[sub_argc++] = argv[i];

  rc = cmd->run (&cli, sub_argc, sub_argv, &error);
  if (rc < 0) {
    g_autofree char *line = NULL;

    g_assert (error != NULL);
    line = station_cli_error_line (cmd->name, error);
    fprintf (stderr, "%s\n", line);
    rc = station_exit_code_for_error (error);
  }
  station_cli_clear (&cli);
  fflush (stdout);
  return rc;
}
