/* station/cli/cli-commands.h - the station-cli commands, one file each
 * (cmd-<name>.c); cli.c lists them in one explicit array. */
#pragma once

#include "station/cli/cli.h"

extern const StationCliCommand station_cli_help_command;
extern const StationCliCommand station_cli_batch_command;
extern const StationCliCommand station_cli_lookup_command;
extern const StationCliCommand station_cli_provision_command;
extern const StationCliCommand station_cli_report_command;
extern const StationCliCommand station_cli_fleet_command;
extern const StationCliCommand station_cli_usage_command;
extern const StationCliCommand station_cli_registry_command;
extern const StationCliCommand station_cli_probe_command;
extern const StationCliCommand station_cli_label_command;
extern const StationCliCommand station_cli_audit_command;
extern const StationCliCommand station_cli_operator_command;
extern const StationCliCommand station_cli_unit_command;
