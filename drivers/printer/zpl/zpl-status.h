/* drivers/printer/zpl/zpl-status.h - the ZPL II host status (~HS) reply of
 * Zebra-compatible printers (ZPL II Programming Guide, "~HS Host Status
 * Return"): three strings, each <STX>...<ETX><CR><LF>:
 *
 *   1: aaa,b,c,dddd,eee,f,g,h,iii,j,k,l    interface, paper out, pause,
 *      label length, formats in buffer, buffer full, diagnostic mode,
 *      partial format, unused, corrupt RAM, under temperature, over temperature
 *   2: mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www    function settings, unused, head up,
 *      ribbon out, thermal transfer, print mode, print width mode, label
 *      waiting, labels remaining, format while printing, graphics stored
 *   3: xxxx,y                              password, static RAM installed
 *
 * Pure functions (the driver and the fake printer share them). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  /* string 1 */
  int interface_settings;
  gboolean paper_out, paused;
  int label_length; /* dots */
  int formats_in_buffer;
  gboolean buffer_full, diagnostic_mode, partial_format, corrupt_ram, under_temperature,
      over_temperature;
  /* string 2 */
  int function_settings;
  gboolean head_up, ribbon_out, thermal_transfer;
  int print_mode; /* 0 rewind, 1 peel-off, 2 tear-off, 3 cutter, 4 applicator, ... */
  int print_width_mode;
  gboolean label_waiting;
  int labels_remaining;
  int graphics_stored;
  /* string 3 */
  int password;
  gboolean static_ram;
} ZplHostStatus;

/* zpl_host_status_reply_length: the length of the complete three-string
 * reply at the start of @buf (bytes before the first STX, e.g. an echo, are
 * counted), or 0 while incomplete. */
gsize zpl_host_status_reply_length (const char *buf, gsize len);

/* zpl_host_status_parse: parses a complete reply.  FALSE with
 * PRINTER_ERROR_NO_STATUS naming the string and field when it does not have
 * the format above. */
gboolean zpl_host_status_parse (const char *buf, gsize len, ZplHostStatus *status, GError **error);

/* zpl_host_status_check: FALSE with the named PrinterError of the first
 * condition that stops printing (head open, paper out, ribbon out, paused,
 * temperature, memory), in that order; TRUE when ready. */
gboolean zpl_host_status_check (const ZplHostStatus *status, GError **error);

/* zpl_host_status_format: the wire form of @status (what a printer sends).
 * Free with g_free(). */
char *zpl_host_status_format (const ZplHostStatus *status);

G_END_DECLS
