/* labels/label-symbol.c - the zint wrapper (the only file of labels/ that
 * includes zint.h). */
#define G_LOG_DOMAIN "labels"

#include "labels/label-symbol.h"

#include <math.h>
#include <string.h>
#include <zint.h>

/* Quiet zones in modules: ISO/IEC 16022 (Data Matrix) asks for 1, ISO/IEC
 * 18004 (QR) for 4, ISO/IEC 15417 (Code 128) for 10. */
static const struct {
  const char *name;
  int zint;
  int quiet;
} symbologies[] = {
  [LABEL_SYMBOLOGY_DATAMATRIX] = { "Data Matrix", BARCODE_DATAMATRIX, 1 },
  [LABEL_SYMBOLOGY_QR] = { "QR Code", BARCODE_QRCODE, 4 },
  [LABEL_SYMBOLOGY_CODE128] = { "Code 128", BARCODE_CODE128, 10 },
};

/* Largest input accepted before asking zint (a 144x144 Data Matrix holds
 * 2335 characters; no label payload comes near). */
#define DATA_MAX 3000

const char *
label_symbology_name (LabelSymbology symbology)
{
  g_return_val_if_fail ((gsize)symbology < G_N_ELEMENTS (symbologies), "?");
  return symbologies[symbology].name;
}

void
label_symbol_free (LabelSymbol *symbol)
{
  if (symbol == NULL)
    return;
  g_array_unref (symbol->rects);
  g_free (symbol);
}

LabelSymbol *
label_symbol_encode (LabelSymbology symbology, const char *data, GError **error)
{
  struct zint_symbol *z = NULL;
  LabelSymbol *s = NULL;
  gsize len;
  float unit;
  int rc;

  g_return_val_if_fail ((gsize)symbology < G_N_ELEMENTS (symbologies), NULL);
  len = strlen (data);
  if (len == 0) {
    g_set_error (error, LABEL_ERROR, LABEL_ERROR_SYMBOL, "%s: no data to encode",
                 symbologies[symbology].name);
    return NULL;
  }
  if (len > DATA_MAX) {
    g_set_error (error, LABEL_ERROR, LABEL_ERROR_SYMBOL,
                 "%s cannot hold %" G_GSIZE_FORMAT " characters", symbologies[symbology].name, len);
    return NULL;
  }
  if (symbology == LABEL_SYMBOLOGY_CODE128) {
    for (gsize i = 0; i < len; i++) {
      if ((guchar)data[i] < 0x20 || (guchar)data[i] > 0x7e) {
        g_set_error (
            error, LABEL_ERROR, LABEL_ERROR_SYMBOL,
            "Code 128 here carries printable ASCII only; byte 0x%02X at position %" G_GSIZE_FORMAT
            " of \"%s\"",
            (guchar)data[i], i + 1, data);
        return NULL;
      }
    }
  }

  z = ZBarcode_Create ();
  if (z == NULL) {
    g_set_error (error, LABEL_ERROR, LABEL_ERROR_SYMBOL, "zint: out of memory");
    return NULL;
  }
  z->symbology = symbologies[symbology].zint;
  z->input_mode = DATA_MODE;
  z->show_hrt = 0;
  z->output_options = BARCODE_NO_QUIET_ZONES;
  z->warn_level = WARN_FAIL_ALL;
  if (symbology == LABEL_SYMBOLOGY_DATAMATRIX)
    z->option_3 = DM_SQUARE;
  if (symbology == LABEL_SYMBOLOGY_QR)
    z->option_1 = 2; /* level M: 15 % of the symbol may be damaged */

  rc = ZBarcode_Encode_and_Buffer_Vector (z, (const unsigned char *)data, (int)len, 0);
  if (rc >= ZINT_ERROR || z->vector == NULL || z->width <= 0 || z->rows <= 0) {
    g_set_error (error, LABEL_ERROR, LABEL_ERROR_SYMBOL,
                 "%s cannot hold \"%s\" (%" G_GSIZE_FORMAT " characters): %s",
                 symbologies[symbology].name, data, len, z->errtxt);
    goto out;
  }

  s = g_new0 (LabelSymbol, 1);
  s->symbology = symbology;
  s->columns = z->width;
  s->rows = symbology == LABEL_SYMBOLOGY_CODE128 ? 1 : z->rows;
  s->quiet = symbologies[symbology].quiet;
  s->rects = g_array_new (FALSE, FALSE, sizeof (LabelModuleRect));
  /* zint's vector units: the symbol is z->width modules across */
  unit = z->vector->width / (float)z->width;
  for (struct zint_vector_rect *r = z->vector->rectangles; r != NULL; r = r->next) {
    LabelModuleRect m;

    m.x = (int)lroundf (r->x / unit);
    m.width = (int)lroundf (r->width / unit);
    if (symbology == LABEL_SYMBOLOGY_CODE128) {
      m.y = 0;
      m.height = 1;
    } else {
      m.y = (int)lroundf (r->y / unit);
      m.height = (int)lroundf (r->height / unit);
    }
    if (m.width > 0 && m.height > 0)
      g_array_append_val (s->rects, m);
  }

out:
  ZBarcode_Delete (z);
  return s;
}
