/* labels/label-layout.h - a template resolved for one unit at one
 * resolution: fields substituted, symbols encoded, every box, module and
 * font size in printer dots.  All output formats draw from a layout, so a
 * PNG, a PDF, an SVG and a ZPL label of the same unit match dot for dot. */
#pragma once

#include <glib.h>

#include "labels/label-symbol.h"
#include "labels/label-template.h"
#include "labels/label.h"

G_BEGIN_DECLS

typedef struct {
  char *name; /* the template element */
  LabelElementType type;
  int x, y, width, height; /* the element's box, dots from the label's top-left */
  char *text;              /* text and mark: the line; symbols: the encoded data */
  /* symbols */
  LabelSymbol *symbol;
  int module;     /* dots per module */
  int sx, sy;     /* top-left dot of the symbol (quiet zone outside it) */
  int bar_height; /* Code 128: bar height in dots */
  /* text and mark */
  char *font;
  gboolean bold;
  LabelAlign align;
  double font_px;    /* em size in dots */
  double baseline;   /* dots below the box top */
  double text_width; /* dots, at font_px */
  int text_x;        /* left end of the line (alignment applied), dots */
} LabelItem;

typedef struct {
  int dpi;
  int width, height; /* dots */
  double width_mm, height_mm;
  char *payload;
  GPtrArray *items; /* LabelItem *, in template order, elements left off omitted */
} LabelLayout;

/* label_layout_new: resolves @tmpl for @data at @dpi (0: the template's).
 * NULL with LABEL_ERROR (_FIELD, _SYMBOL, _FIT) naming the element. */
LabelLayout *label_layout_new (const LabelTemplate *tmpl, const LabelData *data, int dpi,
                               GError **error);

/* label_layout_find: the first item of @type, or NULL. */
const LabelItem *label_layout_find (const LabelLayout *layout, LabelElementType type);

void label_layout_free (LabelLayout *layout);

/* label_layout_to_zpl: the ZPL II program printing @layout (label-zpl.c). */
char *label_layout_to_zpl (const LabelLayout *layout);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabelLayout, label_layout_free)

G_END_DECLS
