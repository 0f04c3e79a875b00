/* labels/label-render.c - drawing a layout with cairo (PNG, PDF, SVG), the
 * output formats and writing label files. */
#define G_LOG_DOMAIN "labels"

#include "labels/label.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <string.h>

#include "labels/label-layout.h"
#include "labels/label-text.h"

static const struct {
  const char *name;
  const char *mime;
} formats[] = {
  [LABEL_FORMAT_PNG] = { "png", "image/png" },
  [LABEL_FORMAT_PDF] = { "pdf", "application/pdf" },
  [LABEL_FORMAT_SVG] = { "svg", "image/svg+xml" },
  [LABEL_FORMAT_ZPL] = { "zpl", "application/vnd.zebra-zpl" },
};

const char *
label_format_name (LabelFormat format)
{
  g_return_val_if_fail ((gsize)format < G_N_ELEMENTS (formats), "?");
  return formats[format].name;
}

const char *
label_format_mime_type (LabelFormat format)
{
  g_return_val_if_fail ((gsize)format < G_N_ELEMENTS (formats), "application/octet-stream");
  return formats[format].mime;
}

gboolean
label_format_from_name (const char *name, LabelFormat *format, GError **error)
{
  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (formats); i++) {
    if (g_ascii_strcasecmp (name, formats[i].name) == 0) {
      *format = (LabelFormat)i;
      return TRUE;
    }
  }
  g_set_error (error, LABEL_ERROR, LABEL_ERROR_FORMAT, "format '%s': must be png, pdf, svg or zpl",
               name ? name : "");
  return FALSE;
}

gboolean
label_format_from_path (const char *path, LabelFormat *format, GError **error)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');

  if (dot == NULL || !label_format_from_name (dot + 1, format, NULL)) {
    g_set_error (error, LABEL_ERROR, LABEL_ERROR_FORMAT,
                 "%s: unknown label format (the name must end in .png, .pdf, .svg or .zpl)", path);
    return FALSE;
  }
  return TRUE;
}

/* draw: the whole label in dots on @cr (white ground, black ink). */
static void
draw (cairo_t *cr, const LabelLayout *l)
{
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, l->width, l->height);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);

  for (guint i = 0; i < l->items->len; i++) {
    const LabelItem *it = l->items->pdata[i];

    switch (it->type) {
    case LABEL_ELEMENT_DATAMATRIX:
    case LABEL_ELEMENT_QR:
    case LABEL_ELEMENT_CODE128:
      /* whole modules on whole dots: crisp edges, no blurred bars */
      cairo_save (cr);
      cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
      for (guint k = 0; k < it->symbol->rects->len; k++) {
        const LabelModuleRect *m = &g_array_index (it->symbol->rects, LabelModuleRect, k);
        int h = it->type == LABEL_ELEMENT_CODE128 ? it->bar_height : m->height * it->module;

        cairo_rectangle (cr, it->sx + m->x * it->module, it->sy + m->y * it->module,
                         m->width * it->module, h);
      }
      cairo_fill (cr);
      cairo_restore (cr);
      break;
    case LABEL_ELEMENT_TEXT:
      label_text_draw (cr, it->text, it->font, it->bold, it->font_px, it->text_x,
                       it->y + it->baseline);
      break;
    case LABEL_ELEMENT_MARK:
      cairo_rectangle (cr, it->x, it->y, it->width, it->height);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      label_text_draw (cr, it->text, it->font, it->bold, it->font_px, it->text_x,
                       it->y + it->baseline);
      cairo_set_source_rgb (cr, 0, 0, 0);
      break;
    }
  }
}

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static guint32
crc32_update (guint32 crc, const guint8 *p, gsize n)
{
  crc = ~crc;
  for (gsize i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++)
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = (guint8)(v >> 24);
  p[1] = (guint8)(v >> 16);
  p[2] = (guint8)(v >> 8);
  p[3] = (guint8)v;
}

/* add_png_phys: inserts a pHYs chunk (pixels per metre) after IHDR so
 * viewers and printers know the label's physical size.  cairo writes the
 * signature (8 bytes) and IHDR (25 bytes) first. */
static GByteArray *
add_png_phys (GByteArray *png, int dpi)
{
  guint8 chunk[21];
  guint32 ppm = (guint32)(dpi / 0.0254 + 0.5);
  GByteArray *out;

  if (png->len < 33 || memcmp (png->data + 12, "IHDR", 4) != 0)
    return g_byte_array_ref (png);
  put_be32 (chunk, 9);
  memcpy (chunk + 4, "pHYs", 4);
  put_be32 (chunk + 8, ppm);
  put_be32 (chunk + 12, ppm);
  chunk[16] = 1; /* unit: metre */
  put_be32 (chunk + 17, crc32_update (0, chunk + 4, 13));
  out = g_byte_array_sized_new (png->len + sizeof chunk);
  g_byte_array_append (out, png->data, 33);
  g_byte_array_append (out, chunk, sizeof chunk);
  g_byte_array_append (out, png->data + 33, png->len - 33);
  return out;
}

static GBytes *
render_cairo (const LabelLayout *l, LabelFormat format, GError **error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  cairo_surface_t *surface = NULL;
  cairo_t *cr;
  cairo_status_t st;

  switch (format) {
  case LABEL_FORMAT_PNG:
    surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, l->width, l->height);
    break;
  case LABEL_FORMAT_PDF:
    surface = cairo_pdf_surface_create_for_stream (append_bytes, out, l->width_mm * 72 / 25.4,
                                                   l->height_mm * 72 / 25.4);
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, l->payload);
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "station labels");
    break;
  case LABEL_FORMAT_SVG:
    surface = cairo_svg_surface_create_for_stream (append_bytes, out, l->width_mm, l->height_mm);
    cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_MM);
    break;
  case LABEL_FORMAT_ZPL:
  default:
    g_assert_not_reached ();
  }

  cr = cairo_create (surface);
  /* vectors: one dot of the layout is 1/dpi inch */
  if (format == LABEL_FORMAT_PDF)
    cairo_scale (cr, 72.0 / l->dpi, 72.0 / l->dpi);
  else if (format == LABEL_FORMAT_SVG)
    cairo_scale (cr, 25.4 / l->dpi, 25.4 / l->dpi);
  draw (cr, l);
  st = cairo_status (cr);
  cairo_destroy (cr);
  if (st == CAIRO_STATUS_SUCCESS && format == LABEL_FORMAT_PNG)
    st = cairo_surface_write_to_png_stream (surface, append_bytes, out);
  cairo_surface_finish (surface);
  if (st == CAIRO_STATUS_SUCCESS)
    st = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (st != CAIRO_STATUS_SUCCESS) {
    g_set_error (error, LABEL_ERROR, LABEL_ERROR_WRITE, "%s: cairo: %s", label_format_name (format),
                 cairo_status_to_string (st));
    return NULL;
  }
  if (format == LABEL_FORMAT_PNG)
    return g_byte_array_free_to_bytes (add_png_phys (out, l->dpi));
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

GBytes *
label_render (const LabelTemplate *tmpl, const LabelData *data, LabelFormat format, int dpi,
              GError **error)
{
  g_autoptr (LabelLayout) l = label_layout_new (tmpl, data, dpi, error);

  if (l == NULL)
    return NULL;
  if (format == LABEL_FORMAT_ZPL) {
    char *zpl = label_layout_to_zpl (l);
    return g_bytes_new_take (zpl, strlen (zpl));
  }
  return render_cairo (l, format, error);
}

gboolean
label_render_to_file (const LabelTemplate *tmpl, const LabelData *data, const char *path, int dpi,
                      GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) local = NULL;
  LabelFormat format;
  gsize len;
  const char *p;

  if (!label_format_from_path (path, &format, error))
    return FALSE;
  bytes = label_render (tmpl, data, format, dpi, error);
  if (bytes == NULL)
    return FALSE;
  p = g_bytes_get_data (bytes, &len);
  /* GLib writes a temporary file beside @path, syncs it and renames it */
  if (!g_file_set_contents_full (path, p, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                 &local)) {
    g_set_error (error, LABEL_ERROR, LABEL_ERROR_WRITE, "%s: cannot write the label (%s)", path,
                 local->message);
    return FALSE;
  }
  return TRUE;
}
