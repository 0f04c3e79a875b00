/* station/beam-signature.c - Beam signature version 20151001. */
#define G_LOG_DOMAIN "station-beam"

#include "station/beam-signature.h"

#include <string.h>

static void
add_part (GChecksum *sum, const char *name, const char *value)
{
  if (value == NULL)
    return;
  g_checksum_update (sum, (const guchar *)name, (gssize)strlen (name));
  g_checksum_update (sum, (const guchar *)"=", 1);
  g_checksum_update (sum, (const guchar *)value, (gssize)strlen (value));
}

char *
beam_signature_compute (const char *psk, gsize psk_len, const BeamSignedHeaders *headers)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (sum, (const guchar *)psk, (gssize)psk_len);
  add_part (sum, "x-soracom-imei", headers->imei);
  add_part (sum, "x-soracom-imsi", headers->imsi);
  add_part (sum, "x-soracom-msisdn", headers->msisdn);
  add_part (sum, "x-soracom-sim-id", headers->sim_id);
  add_part (sum, "x-soracom-timestamp", headers->timestamp);
  return g_strdup (g_checksum_get_string (sum));
}

gboolean
beam_signature_equal (const char *a, const char *b)
{
  gsize n;
  guint diff = 0;

  if (a == NULL || b == NULL)
    return FALSE;
  n = strlen (a);
  if (n != strlen (b))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    diff |= (guint)(g_ascii_tolower (a[i]) ^ g_ascii_tolower (b[i]));
  return diff == 0;
}
