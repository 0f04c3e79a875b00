/* station/beam-signature.h - the SORACOM Beam request signature
 * (CONTRACT.md section 4, signature version 20151001), shared by the
 * registration receiver that checks it and the emulator that produces it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BEAM_SIGNATURE_VERSION "20151001"

/* The headers Beam adds that take part in the signature; NULL when absent. */
typedef struct {
  const char *imei;
  const char *imsi;
  const char *msisdn;
  const char *sim_id;
  const char *timestamp; /* milliseconds since the epoch, as sent */
} BeamSignedHeaders;

/* beam_signature_compute: lowercase hex SHA-256 of
 *   PSK + "x-soracom-imei=<imei>" + "x-soracom-imsi=<imsi>"
 *       + "x-soracom-msisdn=<msisdn>" + "x-soracom-sim-id=<sim_id>"
 *       + "x-soracom-timestamp=<timestamp>"
 * with absent parts left out.  Returns 64 characters; free with g_free(). */
char *beam_signature_compute (const char *psk, gsize psk_len, const BeamSignedHeaders *headers);

/* beam_signature_equal: constant-time comparison of two hex signatures
 * (case-insensitive); FALSE when either is NULL or lengths differ. */
gboolean beam_signature_equal (const char *a, const char *b);

G_END_DECLS
