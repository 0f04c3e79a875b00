/* ui/station-window.h - the operator's line screen: header bar with the
 * batch, Start (F5) / Stop (F6) (actions win.start, win.stop) and sounds
 * (win.sounds); the batch header (progress "14/20", units per hour, time
 * left); the scan field with the last-scan banner; one tile per slot (a
 * FAIL stays until acknowledged: a scan of that unit, or F4 /
 * win.acknowledge); the finished units, the counts bar, the unit record
 * panel (win.lookup, win.close-record, win.reprint with a reason), and
 * notices in an info bar.  A keyboard-wedge scan is captured at the window
 * whatever has the focus (StationScanner); Esc or F2 returns to the scan
 * field.  It shows a StationRun and holds no logic of its own. */
#pragma once

#include <gtk/gtk.h>

#include "ui/station-run.h"
#include "ui/station-sound.h"

G_BEGIN_DECLS

#define STATION_TYPE_WINDOW (station_window_get_type ())
G_DECLARE_FINAL_TYPE (StationWindow, station_window, STATION, WINDOW, GtkApplicationWindow)

/* station_window_new: a window for @run (a reference is kept); @app may be
 * NULL (tests). */
GtkWidget *station_window_new (GtkApplication *app, StationRun *run);

StationRun *station_window_get_run (StationWindow *window);

/* station_window_title_for: the window title for a run against @api_url
 * (may be NULL): it names PRODUCTION, SANDBOX or the TEST endpoint, so the
 * kind of SIMs at work shows at all times.  Free with g_free(). */
char *station_window_title_for (const char *api_url);

/* station_window_stop_and_close: what SIGINT / SIGTERM do: stop without
 * asking (each slot finishes its step), list the units left to resume,
 * then close. */
void station_window_stop_and_close (StationWindow *window);

/* station_window_get_sound: the window's sounds (action win.sounds turns
 * them on and off; tests put a recorder in as the player). */
StationSound *station_window_get_sound (StationWindow *window);

G_END_DECLS
