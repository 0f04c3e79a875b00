/* station/station-error.h - the station's own error domain (usage and check
 * failures that belong to no lower module) and the mapping of any GError to
 * the station-cli exit codes of CONTRACT.md section 2. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define STATION_ERROR (station_error_quark ())
GQuark station_error_quark (void);

typedef enum {
  STATION_ERROR_USAGE,        /* bad command line or argument: exit 2 */
  STATION_ERROR_CHECK_FAILED, /* a unit or batch failed a check: exit 1 */
  STATION_ERROR_CONFIG,       /* unreadable or invalid configuration: exit 2 */
  STATION_ERROR_CANCELLED,    /* the operator stopped the work: exit 1 */
} StationError;

/* CLI exit codes, CONTRACT.md section 2. */
typedef enum {
  STATION_EXIT_OK = 0,
  STATION_EXIT_CHECK = 1,
  STATION_EXIT_USAGE = 2,
  STATION_EXIT_DEVICE = 3,
  STATION_EXIT_CLOUD = 4,
  STATION_EXIT_STORE = 5,
} StationExit;

/* station_exit_code_for_error: the exit code for @error (never NULL) by its
 * domain and code.  Domains that no table entry names map to
 * STATION_EXIT_CHECK, with a g_warning so the gap is seen and fixed. */
StationExit station_exit_code_for_error (const GError *error);

G_END_DECLS
