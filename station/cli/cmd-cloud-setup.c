/* station/cli/cmd-cloud-setup.c - station-cli batch cloud-setup: the
 * batch's SIM group and event handlers (station/cloud-setup.h), idempotent
 * by name and safe to rerun; prints a JSON summary. */
#define G_LOG_DOMAIN "station-cli"

#include "station/cli/cli-commands.h"
#include "station/cloud-setup.h"
#include "station/registry/registry-events.h"

int station_cli_cloud_setup_run (StationCli *cli, int argc, char **argv, GError **error);

/* station_cli_cloud_setup_run: "batch cloud-setup --batch ID [--recipe
 * FILE]" (the sub-command word already removed from @argv). */
int
station_cli_cloud_setup_run (StationCli *cli, int argc, char **argv, GError **error)
{
  g_autofree char *batch_id = NULL, *recipe_path = NULL, *url = NULL, *details = NULL;
  const GOptionEntry entries[]
      = { { "batch", 0, 0, G_OPTION_ARG_STRING, &batch_id, "batch ID", "ID" },
          { "recipe", 0, 0, G_OPTION_ARG_FILENAME, &recipe_path,
            "recipe whose [cloud] keys to apply ([station] recipe, else recipes/default.ini)",
            "FILE" },
          { NULL } };
  g_autoptr (Recipe) recipe = NULL;
  g_autoptr (Store) store = NULL;
  g_autoptr (GBytes) secret = NULL;
  g_autoptr (CloudClient) cloud = NULL;
  g_autoptr (JsonNode) summary = NULL;

  if (!station_cli_parse (cli, "batch cloud-setup", "", entries, &argc, &argv, error))
    return -1;
  if (argc > 1) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE, "unexpected argument '%s'", argv[1]);
    return -1;
  }
  if (batch_id == NULL) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "usage: batch cloud-setup --batch ID [--recipe FILE]");
    return -1;
  }
  if (recipe_path == NULL)
    recipe_path = station_config_get_string (cli->config, "station", "recipe",
                                             STATION_RECIPES_DIR "/default.ini");
  recipe = recipe_load (recipe_path, error);
  if (recipe == NULL)
    return -1;
  if (recipe->events_secret_file != NULL) {
    secret = registry_events_secret_load (recipe->events_secret_file, error);
    if (secret == NULL)
      return -1;
  }
  station_cli_banner (cli, "batch cloud-setup");
  store = store_open_from_config (cli->config, STORE_OPEN_DEFAULT, error);
  if (store == NULL)
    return -1;
  url = station_cli_api_url (cli);
  /* the SIM group and event handlers are the batch's cloud recipe: a
   * supervisor's change, against the endpoint the batch came from */
  if (!store_operator_require (store, cli->operator_name, STORE_ROLE_SUPERVISOR,
                               "batch cloud-setup (applies the recipe's cloud settings)", error)
      || !store_batch_check_api_url (store, batch_id, url, error))
    return -1;
  cloud = cloud_client_new_from_config (cli->config, url, NULL, error);
  if (cloud == NULL)
    return -1;
  summary = cloud_setup_run (store, cloud, recipe, batch_id, secret, NULL, error);
  if (summary == NULL)
    return -1;
  details = store_audit_details ("recipe", recipe_path, "api_url", url, NULL);
  if (!store_audit_append (store, "batch.cloud-setup", batch_id, details, error))
    return -1;
  station_cli_print_json (summary);
  return STATION_EXIT_OK;
}
