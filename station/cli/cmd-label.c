/* station/cli/cmd-label.c - "station-cli label": renders one label to a
 * file (format from the extension) and/or prints it (CONTRACT.md 2, 3). */
#define G_LOG_DOMAIN "station-cli"

#include <string.h>

#include "drivers/identity.h"
#include "drivers/printer/printer.h"
#include "labels/label.h"
#include "station/cli/cli-commands.h"
#include "station/store/store.h"

typedef struct {
  char *device_id, *imsi, *iccid, *imei, *batch, *station, *date;
  char *template_name, *out, *printer;
  int dpi;
} LabelArgs;

static void
label_args_clear (LabelArgs *a)
{
  g_free (a->device_id);
  g_free (a->imsi);
  g_free (a->iccid);
  g_free (a->imei);
  g_free (a->batch);
  g_free (a->station);
  g_free (a->date);
  g_free (a->template_name);
  g_free (a->out);
  g_free (a->printer);
}

static gboolean
usage (GError **error, const char *msg)
{
  g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE, "%s (see 'station-cli label --help')",
               msg);
  return FALSE;
}

/* check_identities: the device ID (normalised in place) and the SIM and
 * modem identities given, with the messages of drivers/identity.h. */
static gboolean
check_identities (LabelArgs *a, GError **error)
{
  char *norm;

  if (a->device_id == NULL || a->imsi == NULL)
    return usage (error, "--device-id and --imsi are required");
  norm = identity_device_id_normalize (a->device_id, error);
  if (norm == NULL)
    return FALSE;
  g_free (a->device_id);
  a->device_id = norm;
  if (!identity_imsi_check (a->imsi, error))
    return FALSE;
  if (a->iccid != NULL && !identity_iccid_check (a->iccid, error))
    return FALSE;
  if (a->imei != NULL && !identity_imei_check (a->imei, error))
    return FALSE;
  return TRUE;
}

static gboolean
print_label (const LabelArgs *a, const LabelTemplate *tmpl, const LabelData *data, GError **error)
{
  g_autoptr (Printer) printer = NULL;
  g_autoptr (GBytes) bytes = NULL;
  PrinterJob job = { 0 };
  LabelFormat lformat;

  printer = printer_open (a->printer, error);
  if (printer == NULL)
    return FALSE;
  job.format = printer_get_format (printer);
  if (!label_format_from_name (printer_format_name (job.format), &lformat, error))
    return FALSE;
  bytes = label_render (tmpl, data, lformat, a->dpi, error);
  if (bytes == NULL)
    return FALSE;
  job.title = a->device_id;
  job.data = bytes;
  return printer_print (printer, &job, NULL, error);
}

static int
label_run (StationCli *cli, int argc, char **argv, GError **error)
{
  LabelArgs a = { 0 };
  const GOptionEntry entries[]
      = { { "device-id", 0, 0, G_OPTION_ARG_STRING, &a.device_id,
            "device ID (1-64 of A-Z a-z 0-9 - .)", "ID" },
          { "imsi", 0, 0, G_OPTION_ARG_STRING, &a.imsi, "IMSI of the unit's SIM", "IMSI" },
          { "iccid", 0, 0, G_OPTION_ARG_STRING, &a.iccid, "ICCID of the SIM", "ICCID" },
          { "imei", 0, 0, G_OPTION_ARG_STRING, &a.imei, "IMEI of the modem", "IMEI" },
          { "batch", 0, 0, G_OPTION_ARG_STRING, &a.batch, "batch ID", "ID" },
          { "station", 0, 0, G_OPTION_ARG_STRING, &a.station,
            "station mark (default [station] name)", "NAME" },
          { "date", 0, 0, G_OPTION_ARG_STRING, &a.date, "date printed (default today)",
            "YYYY-MM-DD" },
          { "template", 0, 0, G_OPTION_ARG_FILENAME, &a.template_name,
            "template name or .label file (default [labels] template, else 50x30)", "NAME" },
          { "dpi", 0, 0, G_OPTION_ARG_INT, &a.dpi, "printer resolution (default: the template's)",
            "203|300|600" },
          { "out", 0, 0, G_OPTION_ARG_FILENAME, &a.out,
            "write the label to FILE (.png .pdf .svg .zpl)", "FILE" },
          { "printer", 0, 0, G_OPTION_ARG_STRING, &a.printer,
            "print on file:DIR, cups:QUEUE or zpl:HOST:PORT", "URI" },
          { NULL } };
  g_autoptr (LabelTemplate) tmpl = NULL;
  g_autofree char *cfg_template = NULL;
  g_autofree char *cfg_dir = NULL;
  LabelData data = { 0 };
  g_autofree char *sandbox_url = NULL;
  int rc = -1;

  if (!station_cli_parse (cli, "label", "", entries, &argc, &argv, error))
    goto out;
  if (argc > 1) {
    usage (error, "unexpected argument");
    goto out;
  }
  if (!check_identities (&a, error))
    goto out;
  if (a.out == NULL && a.printer == NULL) {
    usage (error, "give --out FILE, --printer URI or both");
    goto out;
  }
  if (a.dpi != 0 && !label_template_dpi_valid (a.dpi)) {
    usage (error, "--dpi must be 203, 300 or 600");
    goto out;
  }
  if (a.station == NULL)
    a.station = station_config_get_string (cli->config, "station", "name", NULL);

  cfg_template = station_config_get_string (cli->config, "labels", "template", NULL);
  cfg_dir = station_config_get_string (cli->config, "labels", "templates_dir", NULL);
  tmpl = label_template_find (a.template_name ? a.template_name : cfg_template, cfg_dir, error);
  if (tmpl == NULL)
    goto out;

  data.device_id = a.device_id;
  data.imsi = a.imsi;
  data.iccid = a.iccid;
  data.imei = a.imei;
  data.batch = a.batch;
  data.station = a.station;
  data.date = a.date;
  /* --sandbox (or a sandbox --api-url): the label carries the mark */
  sandbox_url = station_cli_api_url (cli);
  if (g_strcmp0 (store_api_url_kind (sandbox_url), "SANDBOX") == 0)
    data.mark = "SANDBOX";

  /* no template asked for: the first shipped one that holds the ID.  The
   * default 50x30 label holds device IDs of up to about 28 characters; a
   * longer one (CONTRACT allows 64) goes on the wide label, and one that no
   * Code 128 holds (over 60 symbol characters: 64 letters) on the wide label
   * without a 1D symbol, which says so */
  if (a.template_name == NULL && cfg_template == NULL) {
    static const char *const fallbacks[] = { LABEL_TEMPLATE_WIDE, LABEL_TEMPLATE_WIDE_2D };

    for (gsize i = 0; i < G_N_ELEMENTS (fallbacks); i++) {
      g_autoptr (GError) fit = NULL;
      g_autoptr (GBytes) probe = label_render (tmpl, &data, LABEL_FORMAT_ZPL, a.dpi, &fit);

      if (probe != NULL
          || !(g_error_matches (fit, LABEL_ERROR, LABEL_ERROR_FIT)
               || g_error_matches (fit, LABEL_ERROR, LABEL_ERROR_SYMBOL)))
        break;
      g_clear_pointer (&tmpl, label_template_free);
      tmpl = label_template_find (fallbacks[i], cfg_dir, error);
      if (tmpl == NULL)
        goto out;
    }
  }

  if (a.out != NULL && !label_render_to_file (tmpl, &data, a.out, a.dpi, error))
    goto out;
  if (a.printer != NULL && !print_label (&a, tmpl, &data, error))
    goto out;
  rc = STATION_EXIT_OK;

out:
  label_args_clear (&a);
  return rc;
}

const StationCliCommand station_cli_label_command = {
  .name = "label",
  .synopsis
  = "--device-id ID --imsi IMSI [--iccid X] [--template NAME] (--out FILE | --printer URI)",
  .summary = "render one label (.png .pdf .svg .zpl) and/or print it",
  .run = label_run,
};
