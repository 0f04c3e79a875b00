/* tests/label-decode.h - reading labels back with the Debian decoders:
 * zbarimg (QR Code, Code 128) and dmtxread (Data Matrix), several images
 * per process call. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* label_decode_zbar: decodes @files (char *) with one zbarimg call.
 * Returns file -> GPtrArray of "TYPE:data" strings (TYPE as zbar names it:
 * "QR-Code", "CODE-128"); files without symbols map to an empty array. */
GHashTable *label_decode_zbar (GPtrArray *files);

/* label_decode_dmtx: decodes @files with dmtxread, one Data Matrix per
 * file, batched; file -> data (files without one are missing). */
GHashTable *label_decode_dmtx (GPtrArray *files);

/* label_decode_has: TRUE when @found (from label_decode_zbar) holds
 * "TYPE:data". */
gboolean label_decode_has (GHashTable *found, const char *file, const char *type, const char *data);

G_END_DECLS
