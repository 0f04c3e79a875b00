/* tests/fuzz/fuzz-label-payload.c - a scanned label payload (CONTRACT §3).
 * Invariants: a payload that parses formats back to text that parses to
 * the same facts, and that text uses only the characters a keyboard-wedge
 * scanner types the same on US and JIS layouts. */
#include <string.h>

#include "labels/label-payload.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = fuzz_text (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (LabelPayload) p = label_payload_parse (text, &error);
  g_autofree char *again = NULL;
  g_autoptr (LabelPayload) q = NULL;

  (void)label_payload_looks_like (text);
  if (p == NULL) {
    g_assert_nonnull (error);
    return 0;
  }
  again = label_payload_format (p, &error);
  g_assert_no_error (error);
  for (const char *c = again; *c != '\0'; c++)
    g_assert_true (g_ascii_isupper (*c) || g_ascii_isdigit (*c) || *c == ' ' || *c == '-'
                   || *c == '.');
  q = label_payload_parse (again, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (p->device_id, ==, q->device_id);
  g_assert_cmpstr (p->imsi, ==, q->imsi);
  g_assert_cmpstr (p->iccid, ==, q->iccid);
  g_assert_cmpuint (p->keys->len, ==, q->keys->len);
  for (guint i = 0; i < p->keys->len; i++) {
    g_assert_cmpstr (p->keys->pdata[i], ==, q->keys->pdata[i]);
    g_assert_cmpstr (p->values->pdata[i], ==, q->values->pdata[i]);
  }
  return 0;
}
