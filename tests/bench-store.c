/* tests/bench-store.c - store lookup latency (suite bench, not run by
 * default: ./run bench).  Bulk-inserts 100k then 1M units in one
 * transaction each and times store_lookup() by device ID (any case), IMSI,
 * IMEI, ICCID and label payload.  Prints a table; asserts only that every
 * lookup finds its unit, never a time. */
#include <stdlib.h>
#include <string.h>

#include "station/store/store-db.h"
#include "station/store/store.h"
#include "tests/common/test-common.h"

#define SAMPLES_PER_KEY 4000

static const char *const key_names[] = { "device_id", "imsi", "imei", "iccid", "label" };

static void
bulk_insert (Store *store, guint from, guint to)
{
  g_autoptr (GError) error = NULL;
  StoreDb *db = store_get_db (store, &error);
  gint64 t0 = g_get_monotonic_time ();

  g_assert_no_error (error);
  g_assert_true (store_begin (store, &error));
  for (guint i = from; i < to; i++) {
    StoreStmt *st = store_db_prepare (
        db,
        "INSERT INTO units (device_id, batch_id, imei, imsi, iccid, state, created_at, "
        "updated_at) VALUES (printf ('UNIT-%07d', ?1), 'BENCH', printf ('35%013d', ?1), "
        "printf ('44010%010d', ?1), printf ('8981%015d', ?1), 'passed', ?2, ?2)",
        &error);
    g_assert_no_error (error);
    store_stmt_bind_int (st, 1, i);
    store_stmt_bind_int (st, 2, 1700000000000 + i);
    g_assert_true (store_stmt_run (st, &error));
  }
  g_assert_true (store_commit (store, &error));
  g_assert_no_error (error);
  g_test_message ("inserted %u units in %.1f s", to - from,
                  (double)(g_get_monotonic_time () - t0) / G_USEC_PER_SEC);
}

static char *
code_for (guint key, guint i)
{
  switch (key) {
  case 0:
    return g_strdup_printf (i % 2 ? "unit-%07u" : "UNIT-%07u", i);
  case 1:
    return g_strdup_printf ("44010%010u", i);
  case 2:
    return g_strdup_printf ("35%013u", i);
  case 3:
    return g_strdup_printf ("8981%015u", i);
  default:
    return g_strdup_printf ("DEV UNIT-%07u IMSI 44010%010u", i, i);
  }
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

/* Times lookups of random units among @n; returns the overall p99 (ms). */
static double
measure (Store *store, guint n, GRand *rng)
{
  g_autofree double *all = g_new (double, SAMPLES_PER_KEY *G_N_ELEMENTS (key_names));
  guint total = 0;

  g_test_message ("%9s  %-9s  %6s  %8s  %8s  %8s", "units", "key", "n", "p50 ms", "p99 ms",
                  "max ms");
  for (guint k = 0; k < G_N_ELEMENTS (key_names); k++) {
    g_autofree double *ms = g_new (double, SAMPLES_PER_KEY);

    for (guint s = 0; s < SAMPLES_PER_KEY; s++) {
      guint i = (guint)g_rand_int_range (rng, 0, (gint32)n);
      g_autofree char *code = code_for (k, i);
      g_autofree char *want = g_strdup_printf ("UNIT-%07u", i);
      g_autoptr (GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (StoreUnit) u = store_lookup (store, code, NULL, &error);

      ms[s] = (double)(g_get_monotonic_time () - t0) / 1000.0;
      g_assert_no_error (error);
      g_assert_cmpstr (u->device_id, ==, want);
      all[total++] = ms[s];
    }
    qsort (ms, SAMPLES_PER_KEY, sizeof *ms, cmp_double);
    g_test_message ("%9u  %-9s  %6u  %8.3f  %8.3f  %8.3f", n, key_names[k], SAMPLES_PER_KEY,
                    ms[SAMPLES_PER_KEY / 2], ms[SAMPLES_PER_KEY * 99 / 100],
                    ms[SAMPLES_PER_KEY - 1]);
  }
  qsort (all, total, sizeof *all, cmp_double);
  g_test_message ("%9u  %-9s  %6u  %8.3f  %8.3f  %8.3f", n, "all", total, all[total / 2],
                  all[total * 99 / 100], all[total - 1]);
  return all[total * 99 / 100];
}

static void
test_lookup_latency (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = store_open (path, STORE_OPEN_DEFAULT, &error);
  g_autoptr (StoreBatch) batch = store_batch_new ("BENCH", "manual");
  g_autoptr (GRand) rng = g_rand_new_with_seed (42);
  double p99_100k, p99_1m;

  g_assert_no_error (error);
  g_assert_true (store_batch_import (store, batch, NULL, &error));
  bulk_insert (store, 0, 100000);
  p99_100k = measure (store, 100000, rng);
  bulk_insert (store, 100000, 1000000);
  p99_1m = measure (store, 1000000, rng);
  g_test_message ("lookup p99 at 100k units: %.3f ms (target <= 5 ms)", p99_100k);
  g_test_message ("lookup p99 at 1M units: %.3f ms (target <= 5 ms)", p99_1m);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/bench/store/lookup-latency", test_lookup_latency);
  return g_test_run ();
}
