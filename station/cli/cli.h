/* station/cli/cli.h - station-cli: global options, the command table and the
 * output conventions of CONTRACT.md section 2 (JSON on stdout, one error line
 * "station-cli: <what>: <why>" on stderr, exit codes by error domain). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "station/config.h"
#include "station/station-error.h"

G_BEGIN_DECLS

#define STATION_CLI_DEFAULT_API_URL "https://api.soracom.io/v1"
#define STATION_CLI_SANDBOX_API_URL "https://api-sandbox.soracom.io/v1"

/* What every subcommand receives: the global options, already parsed, and
 * the configuration they select.  Config keys set by global options:
 * [station] db, [soracom] api_url, [station] operator. */
typedef struct {
  char *db_path;       /* --db */
  char *config_path;   /* --config */
  char *api_url;       /* --api-url */
  gboolean sandbox;    /* --sandbox */
  char *operator_name; /* --operator (also [station] operator) */
  gboolean verbose;    /* -v */
  StationConfig *config;
} StationCli;

typedef struct {
  const char *name;
  const char *synopsis; /* arguments after the name, for the usage text */
  const char *summary;
  /* run: the command's work.  @argv[0] is "station-cli <name>", the rest its
   * arguments (global options included until station_cli_parse() takes
   * them).  Returns an exit code, or -1 with @error set; the caller prints
   * the error and maps it with station_exit_code_for_error(). */
  int (*run) (StationCli *cli, int argc, char **argv, GError **error);
} StationCliCommand;

/* station_cli_main: the whole program; returns the process exit code. */
int station_cli_main (int argc, char **argv);

/* station_cli_find_word: index in @argv of the first argument that is
 * neither an option nor the value of a global option (--db, --config,
 * --api-url): the command word, or a sub-command word.  -1 when none. */
int station_cli_find_word (int argc, char **argv);

/* station_cli_parse: parses @argv with the command's @entries plus the
 * global options, then loads the configuration.  Non-option arguments stay
 * in @argv.  FALSE with @error (STATION_ERROR_USAGE) on a bad option. */
gboolean station_cli_parse (StationCli *cli, const char *name, const char *parameter_string,
                            const GOptionEntry *entries, int *argc, char ***argv, GError **error);

/* station_cli_api_url: the SORACOM API base after --api-url, --sandbox and
 * [soracom] api_url.  Free with g_free(). */
char *station_cli_api_url (StationCli *cli);

/* station_cli_banner: one line on stderr naming the API endpoint command
 * @what works against: PRODUCTION (api.soracom.io), SANDBOX or TEST (any
 * other, e.g. an emulator), so that nobody mistakes one for the other. */
void station_cli_banner (StationCli *cli, const char *what);

/* station_cli_print_json: writes @node as one line of JSON to stdout and
 * flushes (progress lines must reach a pipe as they happen). */
void station_cli_print_json (JsonNode *node);

/* station_cli_error_line: the one-line message "station-cli: <what>: <why>"
 * for @error raised by command @what (newlines flattened).  Free with g_free(). */
char *station_cli_error_line (const char *what, const GError *error);

G_END_DECLS
