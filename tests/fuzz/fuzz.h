/* tests/fuzz/fuzz.h - what every fuzz harness provides.
 *
 * A harness is one LLVMFuzzerTestOneInput() over a parser that takes
 * outside input.  It is linked twice: with libFuzzer (clang,
 * -Dfuzzing=true, ./run fuzz) to search for crashes, and with
 * fuzz-replay.c (any compiler, default suites) to replay its seed corpus
 * and every crash ever found as a regression test.  A harness returns 0;
 * it aborts (g_error / g_assert) only on a broken invariant, which is a
 * finding like a crash. */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* fuzz_text: @data as a NUL-terminated string (embedded NULs kept, so C
 * string parsers see a prefix, as they would from a buffer). */
static inline char *
fuzz_text (const uint8_t *data, size_t size)
{
  char *s = g_malloc (size + 1);
  if (size > 0)
    memcpy (s, data, size);
  s[size] = '\0';
  return s;
}
