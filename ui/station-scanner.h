/* ui/station-scanner.h - tells a keyboard-wedge scanner from a person at
 * the keyboard (no widgets here; the window feeds it its key presses).
 * A scanner types a burst: printable keys less than max_gap_ms apart, at
 * least min_length of them, ended by Enter or Tab.  The window holds each
 * printable key back while it may still be part of a burst and asks what
 * to do:
 *
 *   HOLD     keep the key back (it may be part of a burst)
 *   RELEASE  what was held was a person typing: give the held keys, in
 *            order, to the focused widget; then feed this key again
 *   SCAN     a burst ended: station_scanner_take_code() is the scanned code
 *            (the held keys and the terminator are consumed)
 *   PASS     nothing held: the key is not ours (give it to the widget)
 *
 * Times are the key events' own (X server milliseconds), so a burst that
 * waited in the queue while the main loop was busy is still a burst. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define STATION_SCANNER_MAX_GAP_MS 50
#define STATION_SCANNER_MIN_LENGTH 6

typedef enum {
  STATION_SCAN_HOLD,
  STATION_SCAN_RELEASE,
  STATION_SCAN_SCAN,
  STATION_SCAN_PASS,
} StationScanVerdict;

typedef struct _StationScanner StationScanner;

StationScanner *station_scanner_new (guint max_gap_ms, guint min_length);
void station_scanner_free (StationScanner *scanner);

/* station_scanner_char: a printable character @c typed at @time_ms. */
StationScanVerdict station_scanner_char (StationScanner *scanner, gunichar c, guint32 time_ms);

/* station_scanner_end: Enter or Tab at @time_ms. */
StationScanVerdict station_scanner_end (StationScanner *scanner, guint32 time_ms);

/* station_scanner_other: any other key (a modifier alone is not one): the
 * held keys were not a burst (RELEASE), or PASS when nothing is held. */
StationScanVerdict station_scanner_other (StationScanner *scanner);

/* station_scanner_expire: no key came for a while (the window's timer):
 * RELEASE when keys are held, else PASS. */
StationScanVerdict station_scanner_expire (StationScanner *scanner);

/* station_scanner_held: how many keys are held back. */
guint station_scanner_held (StationScanner *scanner);

/* station_scanner_take_code: the code of the last SCAN (free with g_free()). */
char *station_scanner_take_code (StationScanner *scanner);

/* station_scanner_reset: forgets what was held (after RELEASE the window
 * gave the keys away). */
void station_scanner_reset (StationScanner *scanner);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StationScanner, station_scanner_free)

G_END_DECLS
