/* labels/label-text.c - Pango text for labels. */
#define G_LOG_DOMAIN "labels"

#include "labels/label-text.h"

#include <pango/pangocairo.h>

/* One font map for the whole process, used under one lock.  Pango's
 * default font map is per thread: every slot thread that rendered a label
 * kept its own, each mapping the Noto CJK files again (about 1.8 MiB of
 * resident pages per font per thread, 30 MiB of the station's RSS at 16
 * slots in ./run bench).  Pango objects are not thread-safe, so every use
 * of the map and of what it creates happens inside text_lock. */
static GMutex text_lock;

static PangoFontMap *
shared_font_map (void)
{
  static PangoFontMap *map; /* guarded by text_lock, kept for the process */

  if (map == NULL)
    map = pango_cairo_font_map_new ();
  return map;
}

/* Metrics must not depend on the output (PNG dots or PDF points), so glyph
 * positions are not hinted: a line measured for the layout has the same
 * width when drawn. */
static void
setup_context (PangoContext *ctx)
{
  cairo_font_options_t *opts = cairo_font_options_create ();

  cairo_font_options_set_hint_metrics (opts, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (opts, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias (opts, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options (ctx, opts);
  pango_context_set_round_glyph_positions (ctx, FALSE);
  cairo_font_options_destroy (opts);
}

static PangoLayout *
make_layout (PangoContext *ctx, const char *text, const char *font, gboolean bold, double font_px)
{
  PangoLayout *layout = pango_layout_new (ctx);
  PangoFontDescription *desc = pango_font_description_from_string (font);

  pango_font_description_set_weight (desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size (desc, font_px * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (desc);
  return layout;
}

double
label_text_width (const char *text, const char *font, gboolean bold, double font_px)
{
  PangoContext *ctx;
  PangoLayout *layout;
  PangoRectangle logical;

  g_mutex_lock (&text_lock);
  ctx = pango_font_map_create_context (shared_font_map ());
  setup_context (ctx);
  layout = make_layout (ctx, text, font, bold, font_px);
  pango_layout_get_extents (layout, NULL, &logical);
  g_object_unref (layout);
  g_object_unref (ctx);
  g_mutex_unlock (&text_lock);
  return (double)logical.width / PANGO_SCALE;
}

int
label_text_unknown_glyphs (const char *text, const char *font, gboolean bold)
{
  PangoContext *ctx;
  PangoLayout *layout;
  int unknown;

  g_mutex_lock (&text_lock);
  ctx = pango_font_map_create_context (shared_font_map ());
  setup_context (ctx);
  layout = make_layout (ctx, text, font, bold, 20);
  unknown = pango_layout_get_unknown_glyphs_count (layout);
  g_object_unref (layout);
  g_object_unref (ctx);
  g_mutex_unlock (&text_lock);
  return unknown;
}

void
label_text_draw (cairo_t *cr, const char *text, const char *font, gboolean bold, double font_px,
                 double x, double baseline)
{
  PangoContext *ctx;
  PangoLayout *layout;
  double ascent;

  g_mutex_lock (&text_lock);
  ctx = pango_font_map_create_context (shared_font_map ());
  pango_cairo_update_context (cr, ctx); /* what pango_cairo_create_context (cr) does */
  setup_context (ctx);
  layout = make_layout (ctx, text, font, bold, font_px);
  ascent = (double)pango_layout_get_baseline (layout) / PANGO_SCALE;
  cairo_move_to (cr, x, baseline - ascent);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
  g_object_unref (ctx);
  g_mutex_unlock (&text_lock);
}
