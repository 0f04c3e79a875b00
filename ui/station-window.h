/* ui/station-window.h - the operator's main window: header bar with the
 * batch and Start/Stop (actions win.start, win.stop), the slot cards, the
 * finished units, the counts bar, the scan entry (win.lookup) with the
 * unit record panel (win.close-record), and notices in an info bar.  It
 * shows a StationRun and holds no logic of its own. */
#pragma once

#include <gtk/gtk.h>

#include "ui/station-run.h"

G_BEGIN_DECLS

#define STATION_TYPE_WINDOW (station_window_get_type ())
G_DECLARE_FINAL_TYPE (StationWindow, station_window, STATION, WINDOW, GtkApplicationWindow)

/* station_window_new: a window for @run (a reference is kept); @app may be
 * NULL (tests). */
GtkWidget *station_window_new (GtkApplication *app, StationRun *run);

StationRun *station_window_get_run (StationWindow *window);

G_END_DECLS
