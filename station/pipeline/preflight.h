/* station/pipeline/preflight.h - the checks a run passes before the first
 * unit's first step: everything that would make every unit fail the same
 * way (issue 11).  A line that fails one is not run: the caller reports the
 * one error and nothing has been changed in the cloud, on the fixture or in
 * the store. */
#pragma once

#include <gio/gio.h>

#include "station/pipeline/line.h"

G_BEGIN_DECLS

#define STATION_PREFLIGHT_ERROR (station_preflight_error_quark ())
GQuark station_preflight_error_quark (void);

typedef enum {
  STATION_PREFLIGHT_ERROR_REGISTRY, /* the in-process Beam receiver does not answer: exit 3 */
} StationPreflightError;

/* The device ID of the sample label: as long as a typical one (IDs a
 * template cannot hold are reported per unit as label-error). */
#define STATION_PREFLIGHT_SAMPLE_DEVICE_ID "PREFLIGHT-00000"

/* station_preflight_run: in this order, (1) the store takes a real write
 * (store_check_writable), (2) the label template renders a sample label of
 * the recipe in the printer's format (a 15-digit IMSI and IMEI, a 20-digit
 * ICCID, the run's batch and station), (3) the printer is usable
 * (printer_check: a file printer's folder exists, is created when missing,
 * and takes a file; a CUPS queue exists and accepts jobs; a ZPL printer
 * answers ~HS), (4) the Beam receiver started with --registry-listen
 * accepts a connection, (5) the credentials authenticate (one /auth call,
 * the token kept by @line's client for the run).  Checks (2) and (3) only
 * when the recipe prints a label.  Blocks (I/O).  FALSE with the error of
 * the first check that failed, its message prefixed by what was checked
 * and ending "; nothing was changed"; the error keeps its domain and code,
 * so station_exit_code_for_error() gives 5 (store), 2 (template), 3
 * (printer, receiver) or 4 (credentials, API). */
gboolean station_preflight_run (StationLine *line, GCancellable *cancellable, GError **error);

G_END_DECLS
