/* ui/main.c - station-gtk: the operator's app (ui/station-app.h). */
#include <locale.h>
#include <signal.h>

#include "station/secret.h"
#include "ui/station-app.h"

int
main (int argc, char **argv)
{
  g_autoptr (StationApp) app = NULL;

  setlocale (LC_ALL, "");
  /* a write past the file size limit fails as on a full disk (an error the
   * app shows) instead of killing the station mid-journal */
  signal (SIGXFSZ, SIG_IGN);
  /* the auth key, API token and Beam PSK never reach a core dump */
  station_secret_protect_process ();
  app = station_app_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
