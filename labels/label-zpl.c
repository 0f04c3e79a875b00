/* labels/label-zpl.c - ZPL II output: the printer encodes the symbols
 * itself (^BX Data Matrix, ^BQ QR, ^BC Code 128) at the sizes the layout
 * chose, positions are in dots at the layout's resolution, field data is
 * hex-escaped with ^FH and read as UTF-8 (^CI28).  Text in the printer's
 * scalable font 0 when it is ASCII; other text (Japanese, ...) is drawn with
 * Pango and sent as a ^GF graphic, since font 0 has no CJK glyphs. */
#define G_LOG_DOMAIN "labels"

#include <cairo.h>
#include <math.h>
#include <string.h>

#include "labels/label-layout.h"
#include "labels/label-text.h"

#define HEX_INDICATOR '_'

/* append_fd: ^FH_^FD<data>^FS with ^ ~ _ and control bytes as _XX. */
static void
append_fd (GString *z, const char *data)
{
  g_string_append_printf (z, "^FH%c^FD", HEX_INDICATOR);
  for (const guchar *p = (const guchar *)data; *p; p++) {
    if (*p == '^' || *p == '~' || *p == HEX_INDICATOR || *p < 0x20 || *p == 0x7f)
      g_string_append_printf (z, "%c%02X", HEX_INDICATOR, *p);
    else
      g_string_append_c (z, (char)*p);
  }
  g_string_append (z, "^FS\n");
}

static gboolean
is_ascii (const char *s)
{
  for (; *s; s++)
    if ((guchar)*s >= 0x80)
      return FALSE;
  return TRUE;
}

/* append_text_graphic: the item's line drawn with Pango into a 1-bit ^GF
 * the size of its box (black dots = ink). */
static void
append_text_graphic (GString *z, const LabelItem *it, gboolean reverse)
{
  int row_bytes = (it->width + 7) / 8;
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_A8, it->width, it->height);
  cairo_t *cr = cairo_create (s);
  const guchar *px;
  int stride;

  cairo_set_source_rgba (cr, 0, 0, 0, 1);
  label_text_draw (cr, it->text, it->font, it->bold, it->font_px, it->text_x - it->x, it->baseline);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  px = cairo_image_surface_get_data (s);
  stride = cairo_image_surface_get_stride (s);

  g_string_append_printf (z, "^FO%d,%d%s^GFA,%d,%d,%d,", it->x, it->y, reverse ? "^FR" : "",
                          row_bytes * it->height, row_bytes * it->height, row_bytes);
  for (int y = 0; y < it->height; y++) {
    for (int b = 0; b < row_bytes; b++) {
      guint byte = 0;
      for (int bit = 0; bit < 8; bit++) {
        int x = b * 8 + bit;
        if (x < it->width && px[y * stride + x] >= 128)
          byte |= 0x80u >> bit;
      }
      g_string_append_printf (z, "%02X", byte);
    }
  }
  g_string_append (z, "^FS\n");
  cairo_surface_destroy (s);
}

static char
align_code (const LabelItem *it)
{
  if (it->type == LABEL_ELEMENT_MARK || it->align == LABEL_ALIGN_CENTER)
    return 'C';
  return it->align == LABEL_ALIGN_RIGHT ? 'R' : 'L';
}

static void
append_text (GString *z, const LabelItem *it, gboolean reverse)
{
  int h = (int)lround (it->font_px);
  int top = it->y + (int)lround (it->baseline - 0.75 * it->font_px);

  if (!is_ascii (it->text)) {
    append_text_graphic (z, it, reverse);
    return;
  }
  /* font 0 at the em size, in a one-line field block as wide as the box */
  g_string_append_printf (z, "^FO%d,%d%s^A0N,%d,%d^FB%d,1,0,%c,0", it->x, MAX (top, 0),
                          reverse ? "^FR" : "", h, h, it->width, align_code (it));
  append_fd (z, it->text);
}

char *
label_layout_to_zpl (const LabelLayout *l)
{
  GString *z = g_string_new (NULL);

  g_string_append_printf (z, "^XA\n^CI28\n^PW%d\n^LL%d\n^LH0,0\n", l->width, l->height);
  for (guint i = 0; i < l->items->len; i++) {
    const LabelItem *it = l->items->pdata[i];

    g_string_append (z, "^FX ");
    for (const char *c = it->name; *c; c++) /* a comment ends at the next ^ or ~ */
      g_string_append_c (z, *c == '^' || *c == '~' ? '.' : *c);
    g_string_append (z, "^FS\n");
    switch (it->type) {
    case LABEL_ELEMENT_DATAMATRIX:
      /* ECC 200 with the same size zint chose; square modules */
      g_string_append_printf (z, "^FO%d,%d^BXN,%d,200,%d,%d,6,~,1", it->sx, it->sy, it->module,
                              it->symbol->columns, it->symbol->rows);
      append_fd (z, it->text);
      break;
    case LABEL_ELEMENT_QR:
      /* model 2, magnification = dots per module; data: level M, automatic mode */
      g_string_append_printf (z, "^FO%d,%d^BQN,2,%d", it->sx, it->sy, it->module);
      {
        g_autofree char *qa = g_strconcat ("MA,", it->text, NULL);
        append_fd (z, qa);
      }
      break;
    case LABEL_ELEMENT_CODE128:
      g_string_append_printf (z, "^BY%d,3,%d^FO%d,%d^BCN,%d,N,N,N,A", it->module, it->bar_height,
                              it->sx, it->sy, it->bar_height);
      append_fd (z, it->text);
      break;
    case LABEL_ELEMENT_TEXT:
      append_text (z, it, FALSE);
      break;
    case LABEL_ELEMENT_MARK:
      g_string_append_printf (z, "^FO%d,%d^GB%d,%d,%d,B,0^FS\n", it->x, it->y, it->width,
                              it->height, MIN (it->width, it->height));
      append_text (z, it, TRUE);
      break;
    }
  }
  g_string_append (z, "^PQ1\n^XZ\n");
  return g_string_free (z, FALSE);
}
