/* tests/test-engine-batch50.c - 50 simulated units with every fault kind
 * over 4 slots (suite slow; the engine suite runs a shorter batch). */
#include "tests/common/test-common.h"
#include "tests/engine-mix.h"

static void
test_batch50 (void)
{
  engine_mix_run (50, 4);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/engine/batch/50-units-4-slots", test_batch50);
  return g_test_run ();
}
