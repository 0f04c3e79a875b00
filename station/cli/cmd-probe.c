/* station/cli/cmd-probe.c - `station-cli probe --port PATH [--baud N]`:
 * reads a modem's identity over AT and prints it as one JSON object
 * (CONTRACT.md section 2). */
#define G_LOG_DOMAIN "station-cli"

#include <json-glib/json-glib.h>

#include "drivers/modem/modem.h"
#include "station/cli/cli-commands.h"

static void
add_string_or_null (JsonBuilder *b, const char *key, const char *value)
{
  json_builder_set_member_name (b, key);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* The probe JSON of CONTRACT.md section 2 for @id.  Caller frees. */
static JsonNode *
identity_to_json (const ModemIdentity *id)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_string_or_null (b, "imei", id->imei);
  add_string_or_null (b, "imsi", id->imsi);
  add_string_or_null (b, "iccid", id->iccid);
  add_string_or_null (b, "manufacturer", id->manufacturer);
  add_string_or_null (b, "model", id->model);
  add_string_or_null (b, "revision", id->revision);
  json_builder_set_member_name (b, "sim");
  json_builder_add_string_value (b, modem_sim_state_name (id->sim_state));
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; i < id->warnings->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (id->warnings, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static int
probe_run (StationCli *cli, int argc, char **argv, GError **error)
{
  g_autofree char *port = NULL;
  int baud = SERIAL_DEFAULT_BAUD;
  const GOptionEntry entries[]
      = { { "port", 0, 0, G_OPTION_ARG_FILENAME, &port, "serial port or pty of the modem", "PATH" },
          { "baud", 0, 0, G_OPTION_ARG_INT, &baud, "baud rate (default 115200)", "N" },
          { NULL } };
  g_autoptr (Modem) modem = NULL;
  g_autoptr (ModemIdentity) id = NULL;
  g_autoptr (JsonNode) node = NULL;

  if (!station_cli_parse (cli, "probe", "- read a modem's identity over AT", entries, &argc, &argv,
                          error))
    return -1;
  if (port == NULL || argc > 1) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "%s (usage: station-cli probe --port PATH [--baud N])",
                 port == NULL ? "--port is required" : "unexpected argument");
    return -1;
  }
  if (baud <= 0) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE, "--baud %d: must be positive", baud);
    return -1;
  }

  modem = modem_open (port, (guint)baud, error);
  if (modem == NULL)
    return -1;
  id = modem_identify (modem, NULL, error);
  if (id == NULL)
    return -1;
  node = identity_to_json (id);
  station_cli_print_json (node);
  return STATION_EXIT_OK;
}

const StationCliCommand station_cli_probe_command = {
  .name = "probe",
  .synopsis = "--port PATH [--baud N]",
  .summary = "read a modem's IMEI, IMSI, ICCID, make and SIM state over AT (JSON)",
  .run = probe_run,
};
