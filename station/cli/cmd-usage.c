/* station/cli/cmd-usage.c - station-cli usage: a batch's daily Air usage
 * per device (station/report/usage.h), as CSV for a spreadsheet or JSON. */
#define G_LOG_DOMAIN "station-cli"

#include <stdio.h>

#include "station/cli/cli-commands.h"
#include "station/report/usage.h"

static int
usage_run (StationCli *cli, int argc, char **argv, GError **error)
{
  g_autofree char *batch_id = NULL, *from = NULL, *to = NULL, *format = NULL, *url = NULL;
  g_autofree char *text = NULL;
  const GOptionEntry entries[]
      = { { "batch", 0, 0, G_OPTION_ARG_STRING, &batch_id, "batch ID", "ID" },
          { "from", 0, 0, G_OPTION_ARG_STRING, &from, "first day (UTC)", "YYYY-MM-DD" },
          { "to", 0, 0, G_OPTION_ARG_STRING, &to, "last day (UTC), inclusive", "YYYY-MM-DD" },
          { "format", 0, 0, G_OPTION_ARG_STRING, &format, "csv (default) or json", "FORMAT" },
          { NULL } };
  g_autoptr (Store) store = NULL;
  g_autoptr (CloudClient) cloud = NULL;
  g_autoptr (Usage) usage = NULL;
  gboolean json;

  if (!station_cli_parse (cli, "usage", "", entries, &argc, &argv, error))
    return -1;
  if (argc > 1 || batch_id == NULL || from == NULL || to == NULL
      || (format && g_ascii_strcasecmp (format, "csv") != 0
          && g_ascii_strcasecmp (format, "json") != 0)) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "usage: usage --batch ID --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|json]");
    return -1;
  }
  json = format != NULL && g_ascii_strcasecmp (format, "json") == 0;
  store = store_open_from_config (cli->config, STORE_OPEN_READ_ONLY, error);
  if (store == NULL)
    return -1;
  url = station_cli_api_url (cli);
  cloud = cloud_client_new_from_config (cli->config, url, NULL, error);
  if (cloud == NULL)
    return -1;
  usage = usage_collect (store, cloud, batch_id, from, to, NULL, error);
  if (usage == NULL)
    return -1;
  if (json) {
    g_autofree char *j = usage_to_json (usage);
    text = g_strconcat (j, "\n", NULL);
  } else {
    text = usage_to_csv (usage);
  }
  fputs (text, stdout);
  fflush (stdout);
  return STATION_EXIT_OK;
}

const StationCliCommand station_cli_usage_command = {
  .name = "usage",
  .synopsis = "--batch ID --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|json]",
  .summary = "daily Air usage per device of a batch (bytes up/down, online), with totals",
  .run = usage_run,
};
