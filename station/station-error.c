/* station/station-error.c - error domain and exit-code mapping. */
#define G_LOG_DOMAIN "station"

#include "station/station-error.h"

#include "station/pipeline/engine.h"
#include "station/pipeline/preflight.h"
#include "station/pipeline/recipe.h"
#include "station/report/report.h"

#include <gio/gio.h>

#include "drivers/fixture/fixture.h"
#include "drivers/at/at-parse.h"
#include "drivers/identity.h"
#include "station/registry/registry.h"
#include "station/store/store.h"
#include "station/cloud/cloud-error.h"
#include "drivers/modem/modem.h"
#include "drivers/serial/serial-port.h"
#include "drivers/printer/printer.h"
#include "labels/label-error.h"

G_DEFINE_QUARK (station_error_quark, station_error)

/* One row per error domain of the project (and of GLib where it reaches the
 * CLI).  A module that adds a domain adds its row here.  @code_exit may
 * refine the exit code by error code; -1 means "use @exit". */
typedef struct {
  GQuark (*domain) (void);
  StationExit exit;
  int (*code_exit) (int code);
} ExitRow;

static int
station_code_exit (int code)
{
  switch ((StationError)code) {
  case STATION_ERROR_USAGE:
  case STATION_ERROR_CONFIG:
    return STATION_EXIT_USAGE;
  case STATION_ERROR_CHECK_FAILED:
  case STATION_ERROR_CANCELLED:
  default:
    return STATION_EXIT_CHECK;
  }
}

static int
store_code_exit (int code)
{
  switch ((StoreError)code) {
  case STORE_ERROR_NOT_FOUND:
  case STORE_ERROR_EXISTS:
  case STORE_ERROR_CONFLICT:
  case STORE_ERROR_TAMPERED:
  case STORE_ERROR_DENIED:
    return STATION_EXIT_CHECK;
  case STORE_ERROR_INVALID:
  case STORE_ERROR_CSV:
    return STATION_EXIT_USAGE;
  default:
    return STATION_EXIT_STORE;
  }
}

static int
registry_code_exit (int code)
{
  return code == REGISTRY_ERROR_BIND ? STATION_EXIT_DEVICE : STATION_EXIT_USAGE;
}

/* Labels: bad data or templates are usage errors; only writing fails as a
 * local file error. */
static int
label_code_exit (int code)
{
  return code == LABEL_ERROR_WRITE ? STATION_EXIT_STORE : STATION_EXIT_USAGE;
}

/* Printers: a bad URI, format or queue request is a usage error; anything
 * the printer reports is a device error. */
static int
printer_code_exit (int code)
{
  switch ((PrinterError)code) {
  case PRINTER_ERROR_URI:
  case PRINTER_ERROR_FORMAT:
  case PRINTER_ERROR_REASON:
  case PRINTER_ERROR_NO_JOB:
    return STATION_EXIT_USAGE;
  default:
    return STATION_EXIT_DEVICE;
  }
}

/* fixtures: a bad fixture URI is a usage error, everything else is the
 * device or its transport */
static int
fixture_code_exit (int code)
{
  return code == FIXTURE_ERROR_URI ? STATION_EXIT_USAGE : STATION_EXIT_DEVICE;
}

static int
engine_code_exit (int code)
{
  return code == ENGINE_ERROR_CANCELLED ? STATION_EXIT_CHECK : STATION_EXIT_USAGE;
}

static int
report_code_exit (int code)
{
  return code == REPORT_ERROR_FORMAT ? STATION_EXIT_USAGE : STATION_EXIT_STORE;
}

static const ExitRow exit_rows[] = {
  { station_error_quark, STATION_EXIT_CHECK, station_code_exit },
  { g_option_error_quark, STATION_EXIT_USAGE, NULL },
  /* an identity given on the command line that fails its format check */
  { identity_error_quark, STATION_EXIT_USAGE, NULL },
  { g_key_file_error_quark, STATION_EXIT_USAGE, NULL },
  /* the SORACOM API client: 4, configuration problems 2 */
  { station_cloud_error_quark, STATION_EXIT_CLOUD, station_cloud_error_exit_code },
  /* serial port, AT channel and modem: device or transport */
  { serial_error_quark, STATION_EXIT_DEVICE, NULL },
  { at_error_quark, STATION_EXIT_DEVICE, NULL },
  { modem_error_quark, STATION_EXIT_DEVICE, NULL },
  { label_error_quark, STATION_EXIT_USAGE, label_code_exit },
  { printer_error_quark, STATION_EXIT_DEVICE, printer_code_exit },
  { fixture_error_quark, STATION_EXIT_DEVICE, fixture_code_exit },
  /* local files (store, reports, labels written to disk) */
  { g_file_error_quark, STATION_EXIT_STORE, NULL },
  /* the local store: full disk, read-only, damaged file... (exit 5) */
  { station_store_error_quark, STATION_EXIT_STORE, store_code_exit },
  /* the Beam registration receiver: PSK file and --listen (2), bind (3) */
  { station_registry_error_quark, STATION_EXIT_USAGE, registry_code_exit },
  { g_io_error_quark, STATION_EXIT_STORE, NULL },
  /* recipes and the engine's set-up are usage problems; a cancelled run is 1 */
  { recipe_error_quark, STATION_EXIT_USAGE, NULL },
  /* the preflight's own checks (the others keep their module's error) */
  { station_preflight_error_quark, STATION_EXIT_DEVICE, NULL },
  { engine_error_quark, STATION_EXIT_USAGE, engine_code_exit },
  /* reports: an unknown format is usage, a file that cannot be written 5 */
  { report_error_quark, STATION_EXIT_STORE, report_code_exit },
};

StationExit
station_exit_code_for_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, STATION_EXIT_CHECK);

  for (gsize i = 0; i < G_N_ELEMENTS (exit_rows); i++) {
    if (error->domain != exit_rows[i].domain ())
      continue;
    if (exit_rows[i].code_exit != NULL) {
      int e = exit_rows[i].code_exit (error->code);
      if (e >= 0)
        return (StationExit)e;
    }
    return exit_rows[i].exit;
  }
  g_warning ("no exit code for error domain %s (code %d); using %d",
             g_quark_to_string (error->domain), error->code, STATION_EXIT_CHECK);
  return STATION_EXIT_CHECK;
}
