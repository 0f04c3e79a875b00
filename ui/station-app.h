/* ui/station-app.h - station-gtk: the operator's GTK application.  Its
 * command line is provision's (docs/operator-app.md):
 *   station-gtk [--db PATH] [--api-url URL] [--config FILE] [--sandbox]
 *               [--batch ID] [--fixture URI] [--slots N] [--count N]
 *               [--registry-listen HOST:PORT --psk-file FILE] [--printer URI]
 *               [--recipe FILE] [--template NAME] [--station NAME] [--start]
 * Credentials as station-cli: the config, the keyring, or the environment
 * SORACOM_AUTH_KEY_ID / SORACOM_AUTH_KEY. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define STATION_TYPE_APP (station_app_get_type ())
G_DECLARE_FINAL_TYPE (StationApp, station_app, STATION, APP, GtkApplication)

StationApp *station_app_new (void);

G_END_DECLS
