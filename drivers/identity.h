/* drivers/identity.h - formats of the identities a station handles:
 * IMEI, IMSI, ICCID (checked as 3GPP / ITU-T E.118 define them) and the
 * device ID (CONTRACT.md section 3: scanner-safe on US and JIS keyboards).
 *
 * Pure functions, no I/O.  Every check returns TRUE or FALSE with a GError
 * in IDENTITY_ERROR that names the offending character or rule.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define IDENTITY_ERROR (identity_error_quark ())
GQuark identity_error_quark (void);

typedef enum {
  IDENTITY_ERROR_EMPTY,     /* nothing given */
  IDENTITY_ERROR_LENGTH,    /* wrong number of characters */
  IDENTITY_ERROR_CHARACTER, /* a character outside the allowed set */
  IDENTITY_ERROR_CHECKSUM,  /* Luhn check digit does not match */
  IDENTITY_ERROR_PREFIX,    /* MCC/MNC or issuer prefix impossible */
} IdentityError;

#define IDENTITY_DEVICE_ID_MAX 64

/* identity_luhn_valid: TRUE when @digits (ASCII digits only, any length >= 2)
 * ends in a correct Luhn check digit.  FALSE for empty or non-digit input. */
gboolean identity_luhn_valid (const char *digits);

/* identity_luhn_digit: the Luhn check digit ('0'..'9') to append to @digits
 * (ASCII digits only); 0 when @digits is empty or holds a non-digit. */
char identity_luhn_digit (const char *digits);

/* identity_imei_check: 15 digits with a valid Luhn check digit. */
gboolean identity_imei_check (const char *imei, GError **error);

/* identity_imsi_check: 15 digits, MCC not starting with 0 or 1
 * (3GPP TS 23.003: MCC 3 digits, MNC 2-3, MSIN up to 10). */
gboolean identity_imsi_check (const char *imsi, GError **error);

/* identity_iccid_check: 18-20 digits starting with "89" (telecom, ITU-T
 * E.118); when 19 or 20 digits long the last one is a Luhn check digit. */
gboolean identity_iccid_check (const char *iccid, GError **error);

/* identity_device_id_check: 1-64 characters from A-Z a-z 0-9 - . (CONTRACT.md
 * section 3).  The error names the first bad character and its position. */
gboolean identity_device_id_check (const char *device_id, GError **error);

/* identity_code_check: the device ID rules for another scanned code (a
 * batch ID, ...); @what names it in the message ("batch ID"). */
gboolean identity_code_check (const char *what, const char *code, GError **error);

/* identity_device_id_normalize: the canonical (upper-case) form of a valid
 * device ID, used for storage, comparison and label payloads; NULL with
 * @error set when the ID is invalid.  Free with g_free(). */
char *identity_device_id_normalize (const char *device_id, GError **error);

G_END_DECLS
