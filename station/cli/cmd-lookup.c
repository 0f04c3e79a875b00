/* station/cli/cmd-lookup.c - station-cli lookup CODE: the record of the unit
 * a scanned code names (device ID, IMSI, ICCID, IMEI or label payload) with
 * its steps and the SIM's status as the SORACOM API shows it now. */
#define G_LOG_DOMAIN "station-cli"

#include <string.h>

#include "station/cli/cli-commands.h"
#include "station/unit-lookup.h"

static int
lookup_run (StationCli *cli, int argc, char **argv, GError **error)
{
  gboolean offline = FALSE;
  const GOptionEntry entries[]
      = { { "offline", 0, 0, G_OPTION_ARG_NONE, &offline,
            "do not ask the SORACOM API for the SIM's current status", NULL },
          { NULL } };
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *code = NULL;
  g_autofree char *api_url = NULL;

  if (!station_cli_parse (cli, "lookup", "CODE", entries, &argc, &argv, error))
    return -1;
  if (argc < 2) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "give the scanned code: device ID, IMSI, ICCID, IMEI or label payload");
    return -1;
  }
  /* a label payload scanned without quotes arrives as several arguments */
  code = g_strjoinv (" ", argv + 1);
  api_url = station_cli_api_url (cli);
  node = unit_lookup_record (cli->config, code, api_url, offline, error);
  if (node == NULL)
    return -1;
  station_cli_print_json (node);
  return STATION_EXIT_OK;
}

const StationCliCommand station_cli_lookup_command = {
  .name = "lookup",
  .synopsis = "CODE [--offline]",
  .summary = "the unit a scanned device ID, IMSI, ICCID, IMEI or label names, as JSON",
  .run = lookup_run,
};
