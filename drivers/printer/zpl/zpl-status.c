/* drivers/printer/zpl/zpl-status.c - ~HS host status replies. */
#define G_LOG_DOMAIN "printer"

#include "drivers/printer/zpl/zpl-status.h"

#include <stdlib.h>
#include <string.h>

#include "drivers/printer/printer.h"

#define STX '\x02'
#define ETX '\x03'
/* A reply is about 90 bytes; anything longer is not one. */
#define REPLY_MAX 512

gsize
zpl_host_status_reply_length (const char *buf, gsize len)
{
  int frames = 0;
  gsize i = 0;

  for (; i < len && i < REPLY_MAX && frames < 3; i++)
    if (buf[i] == ETX)
      frames++;
  if (frames < 3)
    return 0;
  /* take the CR LF that ends the last string when it is there */
  if (i < len && buf[i] == '\r')
    i++;
  if (i < len && buf[i] == '\n')
    i++;
  return i;
}

static gboolean bad (GError **error, int string, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
bad (GError **error, int string, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_NO_STATUS, "malformed ~HS reply, string %d: %s",
               string, msg);
  return FALSE;
}

/* parse_fields: the @n comma-separated decimal fields of @frame. */
static gboolean
parse_fields (const char *frame, int string, int n, int *out, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (frame, ",", -1);

  if ((int)g_strv_length (parts) != n)
    return bad (error, string, "%u fields, expected %d", g_strv_length (parts), n);
  for (int i = 0; i < n; i++) {
    const char *f = parts[i];
    gsize flen = strlen (f);

    if (flen == 0 || flen > 9)
      return bad (error, string, "field %d \"%s\" is not a number", i + 1, f);
    for (gsize k = 0; k < flen; k++)
      if (!g_ascii_isdigit (f[k]))
        return bad (error, string, "field %d \"%s\" is not a number", i + 1, f);
    out[i] = atoi (f);
  }
  return TRUE;
}

gboolean
zpl_host_status_parse (const char *buf, gsize len, ZplHostStatus *st, GError **error)
{
  static const int counts[3] = { 12, 11, 2 };
  int v[3][12];
  gsize i = 0;

  memset (st, 0, sizeof *st);
  if (len > REPLY_MAX)
    return bad (error, 1, "%" G_GSIZE_FORMAT " bytes, too long", len);
  for (int s = 0; s < 3; s++) {
    g_autofree char *frame = NULL;
    gsize start;

    while (i < len && (buf[i] == '\r' || buf[i] == '\n' || buf[i] == ' '))
      i++;
    if (i >= len || buf[i] != STX)
      return bad (error, s + 1, "no <STX>");
    start = ++i;
    while (i < len && buf[i] != ETX && buf[i] != STX)
      i++;
    if (i >= len || buf[i] != ETX)
      return bad (error, s + 1, "no <ETX>");
    frame = g_strndup (buf + start, i - start);
    i++;
    if (!parse_fields (frame, s + 1, counts[s], v[s], error))
      return FALSE;
  }

  st->interface_settings = v[0][0];
  st->paper_out = v[0][1] != 0;
  st->paused = v[0][2] != 0;
  st->label_length = v[0][3];
  st->formats_in_buffer = v[0][4];
  st->buffer_full = v[0][5] != 0;
  st->diagnostic_mode = v[0][6] != 0;
  st->partial_format = v[0][7] != 0;
  st->corrupt_ram = v[0][9] != 0;
  st->under_temperature = v[0][10] != 0;
  st->over_temperature = v[0][11] != 0;

  st->function_settings = v[1][0];
  st->head_up = v[1][2] != 0;
  st->ribbon_out = v[1][3] != 0;
  st->thermal_transfer = v[1][4] != 0;
  st->print_mode = v[1][5];
  st->print_width_mode = v[1][6];
  st->label_waiting = v[1][7] != 0;
  st->labels_remaining = v[1][8];
  st->graphics_stored = v[1][10];

  st->password = v[2][0];
  st->static_ram = v[2][1] != 0;
  return TRUE;
}

gboolean
zpl_host_status_check (const ZplHostStatus *st, GError **error)
{
  if (st->head_up) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_HEAD_OPEN,
                 "print head open: close the print head, then retry");
    return FALSE;
  }
  if (st->paper_out) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_MEDIA_EMPTY,
                 "paper out: load labels, then retry");
    return FALSE;
  }
  if (st->ribbon_out) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_RIBBON_OUT,
                 "ribbon out: load a ribbon, then retry");
    return FALSE;
  }
  if (st->paused) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_PAUSED,
                 "printer paused: press PAUSE on the printer to resume, then retry");
    return FALSE;
  }
  if (st->over_temperature || st->under_temperature) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_FAULT,
                 "print head %s temperature: let the printer reach its working temperature",
                 st->over_temperature ? "over" : "under");
    return FALSE;
  }
  if (st->corrupt_ram) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_FAULT,
                 "configuration lost (corrupt RAM): check the printer's settings");
    return FALSE;
  }
  if (st->diagnostic_mode) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_FAULT,
                 "printer in communications diagnostic mode: leave it, then retry");
    return FALSE;
  }
  return TRUE;
}

char *
zpl_host_status_format (const ZplHostStatus *st)
{
  return g_strdup_printf (
      "\x02%03d,%d,%d,%04d,%03d,%d,%d,%d,000,%d,%d,%d\x03\r\n"
      "\x02%03d,0,%d,%d,%d,%d,%d,%d,%08d,1,%03d\x03\r\n"
      "\x02%04d,%d\x03\r\n",
      st->interface_settings, st->paper_out, st->paused, st->label_length, st->formats_in_buffer,
      st->buffer_full, st->diagnostic_mode, st->partial_format, st->corrupt_ram,
      st->under_temperature, st->over_temperature, st->function_settings, st->head_up,
      st->ribbon_out, st->thermal_transfer, st->print_mode, st->print_width_mode, st->label_waiting,
      st->labels_remaining, st->graphics_stored, st->password, st->static_ram);
}
