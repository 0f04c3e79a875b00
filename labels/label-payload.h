/* labels/label-payload.h - the text of a label's 2D symbol (CONTRACT.md
 * section 3): "DEV <device_id> IMSI <imsi>[ ICCID <iccid>]" followed by
 * optional " KEY value" pairs, using only characters that a keyboard-wedge
 * scanner types the same on US and JIS layouts (A-Z 0-9 space - .).
 *
 * Pure functions, no I/O. */
#pragma once

#include <glib.h>

#include "labels/label-error.h"

G_BEGIN_DECLS

/* Longest device ID a payload carries (CONTRACT.md section 3). */
#define LABEL_PAYLOAD_DEVICE_ID_MAX 64

typedef struct {
  char *device_id; /* canonical upper-case form */
  char *imsi;
  char *iccid; /* NULL when absent */
  /* further pairs in payload order, KEY (capitals) -> value */
  GPtrArray *keys;   /* char * */
  GPtrArray *values; /* char * */
} LabelPayload;

/* label_payload_new: an empty payload (every field NULL, no pairs). */
LabelPayload *label_payload_new (void);
void label_payload_free (LabelPayload *payload);

/* label_payload_add: appends the pair @key @value (copied).  FALSE with
 * LABEL_ERROR_FIELD when @key is not [A-Z][A-Z0-9]* or is reserved (DEV,
 * IMSI, ICCID) or already present, or when @value is empty or holds a
 * character outside A-Z a-z 0-9 - . (lower case is upper-cased). */
gboolean label_payload_add (LabelPayload *payload, const char *key, const char *value,
                            GError **error);

/* label_payload_lookup: the value of @key (case-insensitive), or NULL. */
const char *label_payload_lookup (const LabelPayload *payload, const char *key);

/* label_payload_format: the payload text.  @device_id must be 1-64
 * characters of A-Z a-z 0-9 - . (put upper-case), @imsi and @iccid digits
 * (@iccid may be NULL).  NULL with LABEL_ERROR_FIELD naming the field and the
 * bad character otherwise.  Free with g_free(). */
char *label_payload_format (const LabelPayload *payload, GError **error);

/* label_payload_parse: the inverse of label_payload_format() for text as a
 * scanner types it: surrounding white space (CR, LF, tab) is dropped,
 * letters of any case are accepted (Caps Lock flips them) and returned in
 * upper case, runs of spaces count as one.  NULL with LABEL_ERROR_PAYLOAD
 * naming the first problem otherwise.  Free with label_payload_free(). */
LabelPayload *label_payload_parse (const char *text, GError **error);

/* label_payload_looks_like: TRUE when @text starts with "DEV " in any case
 * (so a lookup can tell a payload from a bare identity). */
gboolean label_payload_looks_like (const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabelPayload, label_payload_free)

G_END_DECLS
