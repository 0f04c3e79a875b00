/* station-cli: headless use of the station (CONTRACT.md section 2). */
#include "station/cli/cli.h"

int
main (int argc, char **argv)
{
  return station_cli_main (argc, argv);
}
