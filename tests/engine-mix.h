/* tests/engine-mix.h - a batch of simulated units with a mix of faults run
 * through `station-cli provision` on a virtual line, and everything checked
 * unit by unit: the result line, the store record, the SIM in the emulator,
 * the label.  Shared by the engine suite (a short batch) and the slow
 * suite (50 units). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* engine_mix_run: @units units (at least one of each fault kind, the rest
 * good) over @slots slots. */
void engine_mix_run (guint units, guint slots);

G_END_DECLS
