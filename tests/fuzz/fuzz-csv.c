/* tests/fuzz/fuzz-csv.c - the SIM list CSV of `batch import --csv`
 * (RFC 4180, spreadsheet exports).  Invariant: every SIM of a list that
 * parses has an IMSI of digits. */
#include "station/store/store-batch.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *sims;

  if (size > 256 * 1024)
    return 0;
  sims = store_sim_csv_parse ((const char *)data, size, "fuzz.csv", &error);
  if (sims == NULL) {
    g_assert_nonnull (error);
    return 0;
  }
  for (guint i = 0; i < sims->len; i++) {
    StoreSim *sim = sims->pdata[i];
    g_assert_nonnull (sim->imsi);
    for (const char *c = sim->imsi; *c != '\0'; c++)
      g_assert_true (g_ascii_isdigit (*c));
  }
  g_ptr_array_unref (sims);
  return 0;
}
