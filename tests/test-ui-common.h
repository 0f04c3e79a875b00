/* tests/test-ui-common.h - what the ui tests share: a private X server
 * (Xvfb, display picked with -displayfd), a virtual production line as
 * tools/demo.sh builds it (cloud emulator, fixture-sim with generated
 * units, the batch imported by station-cli), bounded waits that iterate the
 * GTK main loop, and reading widgets out of the window's template. */
#pragma once

#include <gtk/gtk.h>

#include "ui/station-run.h"
#include "ui/station-window.h"

G_BEGIN_DECLS

/* tui_init: tc_init, a private Xvfb (its DISPLAY set), gtk_init, no
 * animations.  The X server dies with the test program. */
void tui_init (int *argc, char ***argv);

/* A virtual line: emulator + fixture-sim (@slots slots, @units generated
 * units, --speed @speed, --faults @faults unless NULL) + batch "UI-1"
 * imported from the units' SIMs. */
typedef struct {
  char *dir;
  GPid emulator;
  GPid sim;
  int sim_stdout;
  char *api_root; /* http://127.0.0.1:PORT */
  char *api_url;  /* api_root + /v1 */
  char *fixture;  /* URI for --fixture */
  char *db;
  char *config;
  char *recipe;
  char *psk;
  char *labels;
  char *registry_listen; /* 127.0.0.1:PORT, the emulator's Beam target */
  GPtrArray *device_ids; /* in manifest order */
  GPtrArray *imsis;      /* NULL for a unit without SIM */
} TuiLine;

TuiLine *tui_line_new (guint slots, guint units, const char *speed, const char *faults);
void tui_line_free (TuiLine *line);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TuiLine, tui_line_free)

/* tui_line_run: a StationRun on @line as `station-gtk --db ... --config ...
 * --api-url ... --batch UI-1 --fixture ... --registry-listen ... --psk-file
 * ... --printer file:... --recipe ...` would build it. */
StationRun *tui_line_run (TuiLine *line);

/* tui_wait: iterates the default main context until @done (@data) is TRUE
 * or @timeout_ms passed; returns @done's last answer. */
gboolean tui_wait (gboolean (*done) (gpointer data), gpointer data, guint timeout_ms);

/* tui_child: the template child @name of @widget (of template type @type). */
gpointer tui_child (gpointer widget, GType type, const char *name);

/* tui_label: the text of label @name in the template of @widget. */
const char *tui_label (gpointer widget, GType type, const char *name);

/* tui_key: a key press and release of @keyval at @time_ms (X time) sent
 * to @window as the X server would deliver it (gtk_main_do_event). */
void tui_key (GtkWidget *window, guint keyval, guint32 time_ms);

/* tui_type: types @text into @window, one key every @gap_ms from
 * @start_ms, then @end_keyval (0: none) @gap_ms later, as a keyboard-wedge
 * scanner (gap 5-20 ms) or a person (gap 200+ ms) would.  Returns the time
 * of the last key. */
guint32 tui_type (GtkWidget *window, const char *text, guint32 start_ms, guint gap_ms,
                  guint end_keyval);

/* tui_screenshot: saves @window as a PNG at $STATION_UI_SCREENSHOT (when
 * set; for looking at the app, not for asserting). */
void tui_screenshot (GtkWidget *window, const char *suffix);

G_END_DECLS
