/* labels/label.h - rendering one label: a template plus the unit's facts
 * become PNG (rasterised at the printer's resolution, every module snapped
 * to whole dots), PDF or SVG (vectors, text through Pango) or ZPL (native
 * ^BX/^BQ/^BC commands for Zebra-compatible thermal printers).
 *
 * Nothing here does I/O but label_render_to_file(). */
#pragma once

#include <glib.h>

#include "labels/label-error.h"
#include "labels/label-payload.h"
#include "labels/label-template.h"

G_BEGIN_DECLS

typedef enum {
  LABEL_FORMAT_PNG,
  LABEL_FORMAT_PDF,
  LABEL_FORMAT_SVG,
  LABEL_FORMAT_ZPL,
} LabelFormat;

/* The facts a label shows; the ${field}s of a template.  Strings are
 * borrowed; NULL means unknown.  A text element that uses an unknown field
 * is left off the label; the 2D symbol and the Code 128 need theirs. */
typedef struct {
  const char *device_id; /* required; put upper-case on the label */
  const char *imsi;      /* required */
  const char *iccid;
  const char *imei;
  const char *batch;
  const char *station;
  const char *date; /* NULL: today (local time) as YYYY-MM-DD */
  /* mark: when non-NULL (e.g. "SANDBOX" for a unit provisioned against the
   * SORACOM API sandbox), every mark element of the template shows it in
   * place of its own text, so such a label cannot pass for a production
   * one.  NULL: the template's text. */
  const char *mark;
} LabelData;

/* label_format_name: "png", "pdf", "svg", "zpl". */
const char *label_format_name (LabelFormat format);

/* label_format_mime_type: "image/png", "application/pdf", "image/svg+xml",
 * "application/vnd.zebra-zpl". */
const char *label_format_mime_type (LabelFormat format);

/* label_format_from_name: parses "png" ... "zpl" (any case).  FALSE with
 * LABEL_ERROR_FORMAT otherwise. */
gboolean label_format_from_name (const char *name, LabelFormat *format, GError **error);

/* label_format_from_path: the format given by @path's extension
 * (.png .pdf .svg .zpl, any case).  FALSE with LABEL_ERROR_FORMAT naming the
 * file otherwise. */
gboolean label_format_from_path (const char *path, LabelFormat *format, GError **error);

/* label_payload_for: the 2D symbol's text for @data under @tmpl
 * (CONTRACT.md section 3, the template's payload_keys appended).  NULL with
 * LABEL_ERROR_FIELD naming the field otherwise.  Free with g_free(). */
char *label_payload_for (const LabelTemplate *tmpl, const LabelData *data, GError **error);

/* label_render: the label as bytes of @format.  @dpi 0 uses the
 * template's; otherwise 203, 300 or 600.  NULL with a LABEL_ERROR naming the
 * element at fault (data a symbology cannot hold, an element that does not
 * fit its box) otherwise. */
GBytes *label_render (const LabelTemplate *tmpl, const LabelData *data, LabelFormat format, int dpi,
                      GError **error);

/* label_render_to_file: label_render() in the format of @path's extension,
 * written to a temporary file beside @path and renamed over it, so a
 * failure leaves no file (and no partial one) behind. */
gboolean label_render_to_file (const LabelTemplate *tmpl, const LabelData *data, const char *path,
                               int dpi, GError **error);

G_END_DECLS
