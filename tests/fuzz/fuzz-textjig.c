/* tests/fuzz/fuzz-textjig.c - the textjig wire format (drivers/fixture/
 * textjig.md): unframe a line, parse its body both ways.  Invariant: a
 * body that unframes re-frames to the same line (CRC and framing agree). */
#include <string.h>

#include "drivers/fixture/textjig/protocol.h"
#include "tests/fuzz/fuzz.h"

static void
parse_both (const char *body)
{
  for (int from_host = 0; from_host < 2; from_host++) {
    TextjigMessage msg = { 0 };
    g_autoptr (GError) error = NULL;

    if (textjig_parse (body, from_host, &msg, &error)) {
      g_assert_nonnull (msg.words);
      g_assert_cmpuint (msg.seq, <=, TEXTJIG_SEQ_MAX);
      textjig_message_clear (&msg);
    } else {
      g_assert_nonnull (error);
    }
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *line = fuzz_text (data, size);
  g_autoptr (GError) error = NULL;
  g_autofree char *body = textjig_unframe (line, &error);

  if (body != NULL) {
    g_autofree char *framed = textjig_frame (body);
    gsize len = strlen (line);

    /* unframe tolerates one trailing CR; frame ends in LF */
    if (len > 0 && line[len - 1] == '\r')
      len--;
    g_assert_cmpuint (strlen (framed), ==, len + 1);
    g_assert_true (g_ascii_strncasecmp (framed, line, len) == 0); /* hex either case */
    parse_both (body);
  } else {
    g_assert_nonnull (error);
  }
  /* the parser must also hold on bodies that never passed the CRC */
  parse_both (line);
  (void)textjig_crc8 ((const char *)data, size);
  return 0;
}
