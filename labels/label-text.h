/* labels/label-text.h - text through Pango (internal to labels/): measuring
 * lines for the layout, drawing them on a cairo context, rasterising them
 * to 1-bit images for ZPL graphic fields. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* label_text_width: logical width in dots of @text in @font at @font_px. */
double label_text_width (const char *text, const char *font, gboolean bold, double font_px);

/* label_text_unknown_glyphs: how many characters of @text no installed
 * font has a glyph for (drawn as boxes); 0 when all render. */
int label_text_unknown_glyphs (const char *text, const char *font, gboolean bold);

/* label_text_draw: draws @text with its left end at @x and its baseline at
 * @y (cairo user units = dots) in the current source colour. */
void label_text_draw (cairo_t *cr, const char *text, const char *font, gboolean bold,
                      double font_px, double x, double baseline);

G_END_DECLS
