/* ui/station-scanner.c - keyboard-wedge bursts told from typing. */
#define G_LOG_DOMAIN "station-ui"

#include "ui/station-scanner.h"

/* a scan longer than this is not a code: released as typing */
#define CODE_MAX 512

struct _StationScanner {
  guint max_gap_ms;
  guint min_length;
  GString *held;
  guint n_held;
  guint32 last_ms;
  char *code;
};

StationScanner *
station_scanner_new (guint max_gap_ms, guint min_length)
{
  StationScanner *s = g_new0 (StationScanner, 1);

  s->max_gap_ms = max_gap_ms;
  s->min_length = MAX (min_length, 1);
  s->held = g_string_new (NULL);
  return s;
}

void
station_scanner_free (StationScanner *s)
{
  if (s == NULL)
    return;
  g_string_free (s->held, TRUE);
  g_free (s->code);
  g_free (s);
}

void
station_scanner_reset (StationScanner *s)
{
  g_string_truncate (s->held, 0);
  s->n_held = 0;
}

static gboolean
in_time (StationScanner *s, guint32 time_ms)
{
  /* X times wrap at 2^32 ms; a difference is still right modulo 2^32 */
  return (guint32)(time_ms - s->last_ms) <= s->max_gap_ms;
}

StationScanVerdict
station_scanner_char (StationScanner *s, gunichar c, guint32 time_ms)
{
  if (s->n_held > 0 && (!in_time (s, time_ms) || s->n_held >= CODE_MAX))
    return STATION_SCAN_RELEASE; /* a pause: what was held was typed by hand */
  g_string_append_unichar (s->held, c);
  s->n_held++;
  s->last_ms = time_ms;
  return STATION_SCAN_HOLD;
}

StationScanVerdict
station_scanner_end (StationScanner *s, guint32 time_ms)
{
  if (s->n_held == 0)
    return STATION_SCAN_PASS;
  if (s->n_held < s->min_length || !in_time (s, time_ms))
    return STATION_SCAN_RELEASE;
  g_free (s->code);
  s->code = g_strdup (s->held->str);
  station_scanner_reset (s);
  return STATION_SCAN_SCAN;
}

StationScanVerdict
station_scanner_other (StationScanner *s)
{
  return s->n_held > 0 ? STATION_SCAN_RELEASE : STATION_SCAN_PASS;
}

StationScanVerdict
station_scanner_expire (StationScanner *s)
{
  return s->n_held > 0 ? STATION_SCAN_RELEASE : STATION_SCAN_PASS;
}

guint
station_scanner_held (StationScanner *s)
{
  return s->n_held;
}

char *
station_scanner_take_code (StationScanner *s)
{
  return g_steal_pointer (&s->code);
}
