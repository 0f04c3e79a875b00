/* tests/test-beam-signature.c - Beam signature (CONTRACT.md section 4). */
#include <string.h>

#include "station/beam-signature.h"
#include "tests/common/test-common.h"

/* The digest is checked against SHA-256 computed independently over the
 * concatenated string, so a wrong order or a missing '=' fails. */
static void
test_compute_matches_concatenation (void)
{
  static const struct {
    BeamSignedHeaders h;
    const char *concat;
  } rows[] = {
    { { "352656100367872", "440103167209666", NULL, NULL, "1764163200000" },
      "topsecretx-soracom-imei=352656100367872x-soracom-imsi=440103167209666"
      "x-soracom-timestamp=1764163200000" },
    { { NULL, "440103167209666", NULL, NULL, "1764163200000" },
      "topsecretx-soracom-imsi=440103167209666x-soracom-timestamp=1764163200000" },
    { { "352656100367872", "440103167209666", "812012345678", "8942310222000000001", "1" },
      "topsecretx-soracom-imei=352656100367872x-soracom-imsi=440103167209666"
      "x-soracom-msisdn=812012345678x-soracom-sim-id=8942310222000000001x-soracom-timestamp=1" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    g_autofree char *sig = beam_signature_compute ("topsecret", 9, &rows[i].h);
    g_autofree char *want = g_compute_checksum_for_string (G_CHECKSUM_SHA256, rows[i].concat, -1);

    g_assert_cmpuint (strlen (sig), ==, 64);
    g_assert_cmpstr (sig, ==, want);
  }
}

static void
test_known_vector (void)
{
  /* sha256("kx-soracom-imsi=1x-soracom-timestamp=2"), from sha256sum(1) */
  BeamSignedHeaders h = { .imsi = "1", .timestamp = "2" };
  g_autofree char *sig = beam_signature_compute ("k", 1, &h);

  g_assert_cmpstr (sig, ==, "8cbad376eb759529fed504aea90e727f0b07f62c5d1dd64965dfea47ea3b2b6c");
}

static void
test_equal (void)
{
  g_assert_true (beam_signature_equal ("abcdef", "ABCDEF"));
  g_assert_false (beam_signature_equal ("abcdef", "abcdee"));
  g_assert_false (beam_signature_equal ("abcdef", "abcde"));
  g_assert_false (beam_signature_equal (NULL, "abc"));
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/beam-signature/matches-concatenation", test_compute_matches_concatenation);
  g_test_add_func ("/beam-signature/known-vector", test_known_vector);
  g_test_add_func ("/beam-signature/equal", test_equal);
  return g_test_run ();
}
