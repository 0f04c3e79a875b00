/* tests/gen-failure-codes.c - writes docs/failure-codes.md from the
 * pipeline's table (meson compile -C build failure-codes-doc); the
 * failure-codes test fails when the committed file differs. */
#include <stdio.h>

#include "station/pipeline/failure-codes.h"

int
main (int argc, char **argv)
{
  g_autofree char *md = failure_codes_markdown ();
  g_autoptr (GError) error = NULL;

  if (argc != 2) {
    fprintf (stderr, "usage: %s FILE (docs/failure-codes.md)\n", argv[0]);
    return 2;
  }
  if (!g_file_set_contents (argv[1], md, -1, &error)) {
    fprintf (stderr, "gen-failure-codes: %s\n", error->message);
    return 1;
  }
  return 0;
}
