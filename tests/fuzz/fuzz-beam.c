/* tests/fuzz/fuzz-beam.c - the Beam registration check of the receiver
 * (CONTRACT §4, station/registry registry_verify) over hostile headers.
 * The input is split at NUL bytes into path, imsi, imei, msisdn, sim-id,
 * timestamp, signature and signature version (missing ones are absent).
 * A signature field of "!" is replaced by the right signature, so the
 * fuzzer reaches the checks behind it (timestamp, digits, device ID).
 * Invariants: a 200 verdict names a device ID, and only a request whose
 * signature is the one the PSK gives is ever accepted. */
#include <string.h>

#include "station/beam-signature.h"
#include "station/registry/registry.h"
#include "tests/fuzz/fuzz.h"

#define FIELDS 8
#define NOW_MS G_GINT64_CONSTANT (1764806400000) /* 2025-12-04 00:00 UTC */

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char psk_text[] = "fuzz-psk";
  g_autoptr (GBytes) psk = g_bytes_new_static (psk_text, sizeof psk_text - 1);
  g_autofree char *copy = fuzz_text (data, size);
  const char *field[FIELDS] = { NULL };
  RegistryRequest req;
  RegistryVerdict verdict = { 0 };
  gsize at = 0;

  for (guint i = 0; i < FIELDS && at <= size; i++) {
    field[i] = copy + at;
    at += strlen (copy + at) + 1;
  }
  req = (RegistryRequest){
    .path = field[0] != NULL ? field[0] : "",
    .imsi = field[1],
    .imei = field[2],
    .msisdn = field[3],
    .sim_id = field[4],
    .timestamp = field[5],
    .signature = field[6],
    .signature_version = field[7],
  };

  BeamSignedHeaders signed_headers = {
    .imei = req.imei,
    .imsi = req.imsi,
    .msisdn = req.msisdn,
    .sim_id = req.sim_id,
    .timestamp = req.timestamp,
  };
  g_autofree char *right = beam_signature_compute (psk_text, sizeof psk_text - 1, &signed_headers);

  if (req.signature != NULL && strcmp (req.signature, "!") == 0)
    req.signature = right;

  registry_verify (&req, psk, NOW_MS, 5 * 60 * 1000, &verdict);
  g_assert_true (verdict.status == 200 || verdict.status == 403 || verdict.status == 413
                 || verdict.status == 400 || verdict.status == 404);
  g_assert_nonnull (verdict.reason);
  if (verdict.status == 200) {
    g_assert_nonnull (verdict.device_id);
    g_assert_true (beam_signature_equal (req.signature, right));
  }
  registry_verdict_clear (&verdict);

  {
    g_autofree char *host = NULL;
    guint port = 0;
    if (registry_parse_listen (copy, &host, &port, NULL))
      g_assert_cmpuint (port, <=, 65535);
  }
  return 0;
}
