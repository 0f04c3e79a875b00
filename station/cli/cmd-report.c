/* station/cli/cmd-report.c - station-cli report: the batch report for stock
 * intake as CSV, JSON or PDF (CONTRACT.md section 2). */
#define G_LOG_DOMAIN "station-cli"

#include "drivers/identity.h"
#include "station/cli/cli-commands.h"
#include "station/report/report.h"
#include "station/store/store.h"

static int
report_run (StationCli *cli, int argc, char **argv, GError **error)
{
  g_autofree char *batch = NULL, *format_name = NULL, *out = NULL;
  const GOptionEntry entries[]
      = { { "batch", 0, 0, G_OPTION_ARG_STRING, &batch, "batch to report", "ID" },
          { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, "csv, json or pdf", "FORMAT" },
          { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "file to write", "FILE" },
          { NULL } };
  g_autoptr (Store) store = NULL;
  g_autoptr (Report) report = NULL;
  ReportFormat format;

  if (!station_cli_parse (cli, "report", "", entries, &argc, &argv, error))
    return -1;
  if (argc > 1) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE, "unexpected argument '%s'", argv[1]);
    return -1;
  }
  if (batch == NULL || format_name == NULL || out == NULL) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "--batch ID, --format csv|json|pdf and --out FILE are required");
    return -1;
  }
  if (!identity_code_check ("batch ID", batch, error)
      || !report_format_from_name (format_name, &format, error))
    return -1;
  store = store_open_from_config (cli->config, STORE_OPEN_READ_ONLY, error);
  if (store == NULL)
    return -1;
  report = report_collect (store, batch, error);
  if (report == NULL)
    return -1;
  if (!report_write (report, format, out, error))
    return -1;
  return STATION_EXIT_OK;
}

const StationCliCommand station_cli_report_command = {
  .name = "report",
  .synopsis = "--batch ID --format csv|json|pdf --out FILE",
  .summary = "the batch report for stock intake",
  .run = report_run,
};
