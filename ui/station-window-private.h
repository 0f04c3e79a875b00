/* ui/station-window-private.h - what the window's three files share:
 * station-window.c (the object, following the run, the actions),
 * station-window-scan.c (scans: the keyboard-wedge capture, lookups, the
 * last-scan banner, FAILs acknowledged by a scan) and
 * station-window-dialogs.c (closing while running, the units left to
 * resume, reprint with a reason). */
#pragma once

#include "ui/station-record-view.h"
#include "ui/station-scanner.h"
#include "ui/station-sound.h"
#include "ui/station-window.h"

G_BEGIN_DECLS

enum {
  COL_DEVICE_ID,
  COL_IMSI,
  COL_RESULT,
  COL_FAILURE,
  COL_TIME,
  COL_COLOUR,
  COL_TOOLTIP,
  COL_FAILURE_TEXT,
};

struct _StationWindow {
  GtkApplicationWindow parent_instance;

  StationRun *run;
  GCancellable *lookup_cancellable;
  char *lookup_code;
  gboolean close_when_done;
  GtkWidget *close_dialog;  /* asks before stopping a running line */
  GtkWidget *resume_dialog; /* after the stop: the units left to resume */
  GtkWidget *reprint_dialog;
  GtkEntry *reprint_entry;

  StationScanner *scanner;
  GPtrArray *held; /* GdkEvent * held back while they may be a scan burst */
  guint held_timeout;
  gboolean replaying;
  StationSound *sound;
  guint tick;

  GtkHeaderBar *header;
  GtkWidget *start_button;
  GtkWidget *stop_button;
  GtkSpinner *spinner;
  GtkInfoBar *info_bar;
  GtkLabel *info_label;
  GtkEntry *scan_entry;
  GtkGrid *slot_box;
  GtkWidget *batch_bar;
  GtkProgressBar *batch_progress;
  GtkLabel *rate_label;
  GtkLabel *eta_label;
  GtkWidget *last_scan_box;
  GtkLabel *last_scan_label;
  GtkLabel *slots_placeholder;
  GtkListStore *units_store;
  GtkTreeView *units_view;
  GtkRevealer *record_revealer;
  StationRecordView *record_view;
  GtkLabel *passed_label;
  GtkLabel *failed_label;
  GtkLabel *error_label;
  GtkLabel *api_label;
  GtkLabel *status_label;
};

/* station-window.c */
void station_window_sync_state (StationWindow *self);
void station_window_show_notice (StationWindow *self, StationNoticeLevel level,
                                 const char *message);
/* the key handling of GtkWindow (accelerators, then the focused widget) */
gboolean station_window_parent_key_press (GtkWidget *widget, GdkEventKey *event);

/* station-window-scan.c */
void station_window_handle_scan (StationWindow *self, const char *text);
void station_window_on_scan_activate (StationWindow *self, GtkEntry *entry);
gboolean station_window_function_key (StationWindow *self, guint keyval);
gboolean station_window_key_press_event (GtkWidget *widget, GdkEventKey *event);
void station_window_action_lookup (GSimpleAction *action, GVariant *parameter, gpointer data);

/* station-window-dialogs.c */
void station_window_action_reprint (GSimpleAction *action, GVariant *parameter, gpointer data);
gboolean station_window_delete_event (GtkWidget *widget, GdkEventAny *event);
void station_window_close_after_stop (StationWindow *self);

G_END_DECLS
