/* station/cli/cmd-fleet.c - station-cli fleet: which provisioned units are
 * still in stock, in use, online, or silent for more than N days. */
#define G_LOG_DOMAIN "station-cli"

#include <stdio.h>

#include "station/cli/cli-commands.h"
#include "station/cloud/cloud-client.h"
#include "station/report/fleet.h"
#include "station/store/store.h"

static int
fleet_run (StationCli *cli, int argc, char **argv, GError **error)
{
  int stale_days = 30;
  g_autofree char *format = NULL, *url = NULL, *text = NULL, *batch_id = NULL;
  const GOptionEntry entries[]
      = { { "stale-days", 0, 0, G_OPTION_ARG_INT, &stale_days,
            "a used unit with no session for more than N days is silent (default 30)", "N" },
          { "format", 0, 0, G_OPTION_ARG_STRING, &format, "csv or json (default: a text table)",
            "FORMAT" },
          { "batch", 0, 0, G_OPTION_ARG_STRING, &batch_id,
            "only this batch (its SIMs read by their tag batch=ID)", "ID" },
          { NULL } };
  g_autoptr (Store) store = NULL;
  g_autoptr (Fleet) fleet = NULL;
  CloudClient *cloud;

  if (!station_cli_parse (cli, "fleet", "", entries, &argc, &argv, error))
    return -1;
  if (argc > 1 || stale_days < 0
      || (format && g_ascii_strcasecmp (format, "csv") != 0
          && g_ascii_strcasecmp (format, "json") != 0)) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "usage: fleet --stale-days N (N >= 0) [--batch ID] [--format csv|json]");
    return -1;
  }
  /* writable: the first sighting of a used SIM is kept as its first use */
  store = store_open_from_config (cli->config, STORE_OPEN_DEFAULT, error);
  if (store == NULL)
    return -1;
  url = station_cli_api_url (cli);
  cloud = cloud_client_new_from_config (cli->config, url, NULL, error);
  if (cloud == NULL)
    return -1;
  fleet = fleet_collect (store, cloud, batch_id, (guint)stale_days, store_now_ms (), NULL, error);
  cloud_client_free (cloud);
  if (fleet == NULL)
    return -1;
  if (format == NULL)
    text = fleet_to_text (fleet);
  else if (g_ascii_strcasecmp (format, "csv") == 0)
    text = fleet_to_csv (fleet);
  else {
    g_autofree char *json = fleet_to_json (fleet);
    text = g_strconcat (json, "\n", NULL);
  }
  fputs (text, stdout);
  return STATION_EXIT_OK;
}

const StationCliCommand station_cli_fleet_command = {
  .name = "fleet",
  .synopsis = "--stale-days N [--batch ID] [--format csv|json]",
  .summary = "provisioned units: in stock (standby), in use, online, silent for N days",
  .run = fleet_run,
};
