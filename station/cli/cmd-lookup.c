/* station/cli/cmd-lookup.c - station-cli lookup CODE: the record of the unit
 * a scanned code names (device ID, IMSI, ICCID, IMEI or label payload) with
 * its steps and the SIM's status as the SORACOM API shows it now. */
#define G_LOG_DOMAIN "station-cli"

#include <string.h>

#include "drivers/identity.h"
#include "station/cli/cli-commands.h"
#include "station/cloud/cloud-client.h"
#include "station/store/store.h"
#include "station/unit-json.h"

/* A code that is neither a label payload nor all digits is a device ID and
 * must pass its format check (CONTRACT.md section 3: exit 2 naming the bad
 * character). */
static gboolean
check_code (const char *code, GError **error)
{
  gboolean digits = *code != '\0';

  if (g_ascii_strncasecmp (code, "DEV ", 4) == 0)
    return TRUE;
  for (const char *p = code; *p; p++)
    digits &= g_ascii_isdigit (*p) != 0;
  if (digits)
    return TRUE;
  return identity_device_id_check (code, error);
}

/* The SIM as the API shows it now; NULL with *why set when it cannot be
 * read (no credentials, API down): lookup still shows the stored record. */
static CloudSubscriber *
read_sim (StationCli *cli, const char *imsi, char **why)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = station_cli_api_url (cli);
  CloudClient *client;
  CloudSubscriber *sub = NULL;

  client = cloud_client_new_from_config (cli->config, url, NULL, &error);
  if (client != NULL) {
    sub = cloud_client_get_subscriber (client, imsi, NULL, &error);
    cloud_client_free (client);
  }
  if (sub == NULL)
    *why = g_strdup (error->message);
  return sub;
}

static int
lookup_run (StationCli *cli, int argc, char **argv, GError **error)
{
  gboolean offline = FALSE;
  const GOptionEntry entries[]
      = { { "offline", 0, 0, G_OPTION_ARG_NONE, &offline,
            "do not ask the SORACOM API for the SIM's current status", NULL },
          { NULL } };
  g_autoptr (Store) store = NULL;
  g_autoptr (StoreUnit) unit = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *code = NULL;
  g_autofree char *why = NULL;
  CloudSubscriber *sub = NULL;
  StoreKey matched;

  if (!station_cli_parse (cli, "lookup", "CODE", entries, &argc, &argv, error))
    return -1;
  if (argc < 2) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "give the scanned code: device ID, IMSI, ICCID, IMEI or label payload");
    return -1;
  }
  /* a label payload scanned without quotes arrives as several arguments */
  code = g_strjoinv (" ", argv + 1);
  g_strstrip (code);
  if (!check_code (code, error))
    return -1;

  store = store_open_from_config (cli->config, STORE_OPEN_READ_ONLY, error);
  if (store == NULL)
    return -1;
  unit = store_lookup (store, code, &matched, error);
  if (unit == NULL)
    return -1;

  if (offline)
    why = g_strdup ("not asked (--offline)");
  else if (unit->imsi == NULL)
    why = g_strdup ("no IMSI read from the device yet");
  else
    sub = read_sim (cli, unit->imsi, &why);

  node = unit_json_record (store, unit, sub, why, error);
  g_clear_pointer (&sub, cloud_subscriber_free);
  if (node == NULL)
    return -1;
  json_object_set_string_member (json_node_get_object (node), "matched",
                                 store_key_to_string (matched));
  station_cli_print_json (node);
  return STATION_EXIT_OK;
}

const StationCliCommand station_cli_lookup_command = {
  .name = "lookup",
  .synopsis = "CODE [--offline]",
  .summary = "the unit a scanned device ID, IMSI, ICCID, IMEI or label names, as JSON",
  .run = lookup_run,
};
