/* labels/label-symbol.h - barcode symbols as module grids.  The one file
 * that includes zint.h (label-symbol.c) encodes with
 * ZBarcode_Encode_and_Buffer_Vector() and hands back the dark rectangles in
 * whole modules, so the renderers can snap every module to whole printer
 * dots. */
#pragma once

#include <glib.h>

#include "labels/label-error.h"

G_BEGIN_DECLS

typedef enum {
  LABEL_SYMBOLOGY_DATAMATRIX, /* ECC 200, square sizes only */
  LABEL_SYMBOLOGY_QR,         /* model 2, error correction level M */
  LABEL_SYMBOLOGY_CODE128,
} LabelSymbology;

typedef struct {
  int x, y, width, height; /* in modules; Code 128 bars span row 0, height 1 */
} LabelModuleRect;

typedef struct {
  LabelSymbology symbology;
  int columns, rows; /* symbol size in modules, quiet zone excluded */
  int quiet;         /* quiet zone the symbology needs on each side, in modules */
  GArray *rects;     /* LabelModuleRect, the dark modules */
} LabelSymbol;

/* label_symbology_name: "Data Matrix", "QR Code", "Code 128". */
const char *label_symbology_name (LabelSymbology symbology);

/* label_symbol_encode: encodes @data (NUL-terminated).  NULL with
 * LABEL_ERROR_SYMBOL saying why the symbology cannot hold it (too long,
 * characters it cannot carry). */
LabelSymbol *label_symbol_encode (LabelSymbology symbology, const char *data, GError **error);

void label_symbol_free (LabelSymbol *symbol);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabelSymbol, label_symbol_free)

G_END_DECLS
