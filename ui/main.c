/* ui/main.c - station-gtk: the operator's app (ui/station-app.h). */
#include <locale.h>

#include "ui/station-app.h"

int
main (int argc, char **argv)
{
  g_autoptr (StationApp) app = NULL;

  setlocale (LC_ALL, "");
  app = station_app_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
