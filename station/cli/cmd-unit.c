/* station/cli/cmd-unit.c - station-cli unit scrap CODE --reason TEXT: a
 * supervisor takes a damaged or rejected unit out of stock for good (who,
 * when and why, audited).  Nothing is asked of or changed in the SORACOM
 * cloud: the SIM stays as it is. */
#define G_LOG_DOMAIN "station-cli"

#include <string.h>

#include "station/cli/cli-commands.h"
#include "station/store/store.h"
#include "station/unit-json.h"
#include "station/unit-lookup.h"

#define SCRAP_SIM_NOTE                                                                             \
  "scrapping changes nothing in the SORACOM cloud: the SIM stays as it is (in standby if the "     \
  "unit passed); reusing or cancelling it is an operations decision in the SORACOM console"

/* The supervisor check before anything else is read: a technician (or an
 * unknown or unnamed operator, once the store has a supervisor) is told
 * that a supervisor must do it (exit 1, as operator add and batch
 * cloud-setup refuse). */
static gboolean
require_supervisor (Store *store, GError **error)
{
  g_autofree char *actor = store_dup_operator (store);
  g_autoptr (GError) local = NULL;

  if (store_operator_require (store, actor, STORE_ROLE_SUPERVISOR, "scrapping a unit", &local))
    return TRUE;
  if (g_error_matches (local, STATION_STORE_ERROR, STORE_ERROR_DENIED))
    g_set_error (error, local->domain, local->code,
                 "%s (only a supervisor scraps units: give --operator NAME of a supervisor)",
                 local->message);
  else
    g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

static int
scrap_run (StationCli *cli, int argc, char **argv, GError **error)
{
  g_autofree char *reason = NULL;
  const GOptionEntry entries[]
      = { { "reason", 0, 0, G_OPTION_ARG_STRING, &reason,
            "why the unit is scrapped (required; recorded and audited)", "TEXT" },
          { NULL } };
  g_autofree char *code = NULL;
  g_autoptr (Store) store = NULL;
  g_autoptr (StoreUnit) found = NULL;
  g_autoptr (StoreUnit) unit = NULL;
  g_autoptr (JsonNode) node = NULL;
  StoreKey matched = STORE_KEY_DEVICE_ID;
  JsonObject *o;

  if (!station_cli_parse (cli, "unit scrap", "CODE", entries, &argc, &argv, error))
    return -1;
  if (argc < 2) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "give the unit's code (device ID, IMSI, ICCID, IMEI or label payload): unit "
                 "scrap CODE --reason TEXT");
    return -1;
  }
  if (reason == NULL || *g_strstrip (reason) == '\0') {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "--reason TEXT is required: say why the unit is scrapped (e.g. --reason "
                 "\"cracked case\")");
    return -1;
  }
  /* a label payload scanned without quotes arrives as several arguments */
  code = g_strstrip (g_strjoinv (" ", argv + 1));
  if (!unit_lookup_check_code (code, error))
    return -1;
  store = store_open_from_config (cli->config, STORE_OPEN_DEFAULT, error);
  if (store == NULL || !require_supervisor (store, error))
    return -1;
  found = store_lookup (store, code, &matched, error);
  if (found == NULL)
    return -1;
  unit = store_unit_scrap (store, found->device_id, reason, error);
  if (unit == NULL)
    return -1;
  node = unit_json_record (store, unit, NULL, NULL, error);
  if (node == NULL)
    return -1;
  o = json_node_get_object (node);
  json_object_set_string_member (o, "matched", store_key_to_string (matched));
  json_object_set_string_member (o, "sim_note", SCRAP_SIM_NOTE);
  station_cli_print_json (node);
  return STATION_EXIT_OK;
}

static int
unit_run (StationCli *cli, int argc, char **argv, GError **error)
{
  int i = station_cli_find_word (argc, argv);

  if (i > 0 && strcmp (argv[i], "scrap") == 0) {
    memmove (argv + i, argv + i + 1, (gsize)(argc - i) * sizeof (char *));
    return scrap_run (cli, argc - 1, argv, error);
  }
  g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
               "expected 'unit scrap CODE --reason TEXT'");
  return -1;
}

const StationCliCommand station_cli_unit_command = {
  .name = "unit",
  .synopsis = "scrap CODE --reason TEXT",
  .summary = "a supervisor takes a damaged or rejected unit out of stock for good (JSON record; "
             "its SIM is left as it is)",
  .run = unit_run,
};
