/* drivers/identity.c - checks of IMEI, IMSI, ICCID and device IDs. */
#define G_LOG_DOMAIN "identity"

#include "drivers/identity.h"

#include <string.h>

G_DEFINE_QUARK (identity_error_quark, identity_error)

static gboolean
all_digits (const char *s)
{
  if (s == NULL || *s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* Luhn sum of @digits as if a check digit were to follow (double_first) or
 * as a complete number ending in its check digit (!double_first). */
static guint
luhn_sum (const char *digits, gboolean double_first)
{
  gsize n = strlen (digits);
  guint sum = 0;
  gboolean dbl = double_first;

  for (gsize i = n; i > 0; i--) {
    guint d = (guint)(digits[i - 1] - '0');
    if (dbl) {
      d *= 2;
      if (d > 9)
        d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum;
}

gboolean
identity_luhn_valid (const char *digits)
{
  if (!all_digits (digits) || strlen (digits) < 2)
    return FALSE;
  return luhn_sum (digits, FALSE) % 10 == 0;
}

char
identity_luhn_digit (const char *digits)
{
  if (!all_digits (digits))
    return 0;
  return (char)('0' + (10 - luhn_sum (digits, TRUE) % 10) % 10);
}

/* check_digits: @what is @min..@max ASCII digits. */
static gboolean
check_digits (const char *what, const char *value, gsize min, gsize max, GError **error)
{
  gsize n;

  if (value == NULL || *value == '\0') {
    g_set_error (error, IDENTITY_ERROR, IDENTITY_ERROR_EMPTY, "%s is empty", what);
    return FALSE;
  }
  for (const char *p = value; *p; p++) {
    if (!g_ascii_isdigit (*p)) {
      g_set_error (error, IDENTITY_ERROR, IDENTITY_ERROR_CHARACTER,
                   "%s '%s' has a non-digit character '%c' at position %d", what, value,
                   g_ascii_isprint (*p) ? *p : '?', (int)(p - value) + 1);
      return FALSE;
    }
  }
  n = strlen (value);
  if (n < min || n > max) {
    if (min == max)
      g_set_error (error, IDENTITY_ERROR, IDENTITY_ERROR_LENGTH,
                   "%s '%s' has %" G_GSIZE_FORMAT " digits, expected %" G_GSIZE_FORMAT, what, value,
                   n, min);
    else
      g_set_error (error, IDENTITY_ERROR, IDENTITY_ERROR_LENGTH,
                   "%s '%s' has %" G_GSIZE_FORMAT " digits, expected %" G_GSIZE_FORMAT
                   " to %" G_GSIZE_FORMAT,
                   what, value, n, min, max);
    return FALSE;
  }
  return TRUE;
}

gboolean
identity_imei_check (const char *imei, GError **error)
{
  if (!check_digits ("IMEI", imei, 15, 15, error))
    return FALSE;
  if (!identity_luhn_valid (imei)) {
    char body[15];

    memcpy (body, imei, 14);
    body[14] = '\0';
    g_set_error (error, IDENTITY_ERROR, IDENTITY_ERROR_CHECKSUM,
                 "IMEI '%s' fails the Luhn check (last digit should be %c)", imei,
                 identity_luhn_digit (body));
    return FALSE;
  }
  return TRUE;
}

gboolean
identity_imsi_check (const char *imsi, GError **error)
{
  if (!check_digits ("IMSI", imsi, 15, 15, error))
    return FALSE;
  /* ITU-T E.212: geographic MCCs start with 2..7, the international shared
   * codes are 90x (901 in nordic-nrf9160-linkmonitor.chat); 0xx, 1xx and
   * 8xx are test/reserved. */
  if ((imsi[0] < '2' || imsi[0] > '7') && !(imsi[0] == '9' && imsi[1] == '0')) {
    g_set_error (error, IDENTITY_ERROR, IDENTITY_ERROR_PREFIX,
                 "IMSI '%s' has no valid mobile country code (%.3s)", imsi, imsi);
    return FALSE;
  }
  return TRUE;
}

gboolean
identity_iccid_check (const char *iccid, GError **error)
{
  gsize n;

  if (!check_digits ("ICCID", iccid, 18, 20, error))
    return FALSE;
  if (!g_str_has_prefix (iccid, "89")) {
    g_set_error (error, IDENTITY_ERROR, IDENTITY_ERROR_PREFIX,
                 "ICCID '%s' does not start with 89 (telecommunication issuer)", iccid);
    return FALSE;
  }
  n = strlen (iccid);
  if (n >= 19 && !identity_luhn_valid (iccid)) {
    g_set_error (error, IDENTITY_ERROR, IDENTITY_ERROR_CHECKSUM, "ICCID '%s' fails the Luhn check",
                 iccid);
    return FALSE;
  }
  return TRUE;
}

gboolean
identity_device_id_check (const char *device_id, GError **error)
{
  return identity_code_check ("device ID", device_id, error);
}

gboolean
identity_code_check (const char *what, const char *device_id, GError **error)
{
  gsize n;

  if (device_id == NULL || *device_id == '\0') {
    g_set_error (error, IDENTITY_ERROR, IDENTITY_ERROR_EMPTY,
                 "%s is empty: scan or type 1 to %d characters from A-Z 0-9 - .", what,
                 IDENTITY_DEVICE_ID_MAX);
    return FALSE;
  }
  for (const char *p = device_id; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (g_ascii_isalnum (c) || c == '-' || c == '.')
      continue;
    if (c >= 0x20 && c < 0x7f)
      g_set_error (error, IDENTITY_ERROR, IDENTITY_ERROR_CHARACTER,
                   "%s '%s' has the character '%c' at position %d: only A-Z a-z 0-9 - . "
                   "are allowed (others type differently on JIS keyboards)",
                   what, device_id, c, (int)(p - device_id) + 1);
    else
      g_set_error (error, IDENTITY_ERROR, IDENTITY_ERROR_CHARACTER,
                   "%s has the byte 0x%02x at position %d: only A-Z a-z 0-9 - . are allowed", what,
                   c, (int)(p - device_id) + 1);
    return FALSE;
  }
  n = strlen (device_id);
  if (n > IDENTITY_DEVICE_ID_MAX) {
    g_set_error (error, IDENTITY_ERROR, IDENTITY_ERROR_LENGTH,
                 "device ID is %" G_GSIZE_FORMAT " characters long, at most %d are allowed", n,
                 IDENTITY_DEVICE_ID_MAX);
    return FALSE;
  }
  return TRUE;
}

char *
identity_device_id_normalize (const char *device_id, GError **error)
{
  if (!identity_device_id_check (device_id, error))
    return NULL;
  return g_ascii_strup (device_id, -1);
}
