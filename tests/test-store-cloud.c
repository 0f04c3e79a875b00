/* tests/test-store-cloud.c - schema version 2 (issue 13): the batch's SIM
 * group, SIM events recorded once per IMSI, kind and day, and a unit's
 * first-use time (kept the first time seen). */
#include <string.h>

#include "station/store/store-db.h"
#include "station/store/store.h"
#include "tests/common/test-common.h"

#define IMSI1 "440100000000001"
#define IMSI2 "440100000000002"
#define DAY1  1796083200000 /* 2026-12-01T00:00:00Z */
#define HOUR  (3600 * (gint64)1000)

typedef struct {
  char *path;
  Store *store;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *csv = tc_data_path ("store", "csv", "ok-basic.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sims = NULL;
  g_autoptr (StoreBatch) batch = store_batch_new ("B1", "csv");
  g_autoptr (StoreUnit) u = NULL;

  f->path = g_build_filename (dir, "station.db", NULL);
  f->store = store_open (f->path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  sims = store_sim_csv_load (csv, &error);
  g_assert_no_error (error);
  g_assert_true (store_batch_import (f->store, batch, sims, &error));
  u = store_unit_create (f->store, "dev-1", "B1", "st-1", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (store_unit_claim (f->store, "DEV-1", "356938035643809", IMSI1, NULL, &error));
  g_assert_true (store_unit_set_state (f->store, "DEV-1", STORE_UNIT_PASSED, NULL, &error));
  g_assert_no_error (error);
}

/* A first-use event of a unit still on the line (the factory's own test
 * traffic) is kept, but is not the unit's first use in the field. */
static void
test_first_use_on_the_line (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreUnit) u = store_unit_create (f->store, "DEV-2", "B1", "st-1", 0, NULL, &error);
  gboolean recorded = FALSE;
  gint64 at = -1;

  g_assert_true (store_unit_claim (f->store, "DEV-2", NULL, IMSI2, NULL, &error));
  g_assert_true (store_unit_set_state (f->store, "DEV-2", STORE_UNIT_RUNNING, NULL, &error));
  g_assert_true (store_sim_event_add (f->store, IMSI2, STORE_SIM_EVENT_FIRST_USE, DAY1, NULL, NULL,
                                      &recorded, &error));
  g_assert_true (recorded);
  g_assert_true (store_unit_get_first_use (f->store, IMSI2, &at, &error));
  g_assert_cmpint (at, ==, 0);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  store_close (f->store);
  g_free (f->path);
}

static void
test_group_id (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *group = NULL, *again = NULL;

  g_assert_true (store_batch_get_group_id (f->store, "B1", &group, &error));
  g_assert_null (group);
  g_assert_true (store_batch_set_group_id (f->store, "B1", "g-123", &error));
  g_assert_true (store_batch_get_group_id (f->store, "B1", &again, &error));
  g_assert_cmpstr (again, ==, "g-123");
  g_assert_false (store_batch_set_group_id (f->store, "NOPE", "g-1", &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
}

static void
test_events_idempotent (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL, batch = NULL;
  gboolean recorded = FALSE;
  gint64 first = 0;
  StoreSimEvent *e;

  g_assert_true (store_sim_event_add (f->store, IMSI1, STORE_SIM_EVENT_FIRST_USE, DAY1 + HOUR, NULL,
                                      "127.0.0.1", &recorded, &error));
  g_assert_true (recorded);
  /* a repeated delivery, later the same day or another day: nothing new */
  g_assert_true (store_sim_event_add (f->store, IMSI1, STORE_SIM_EVENT_FIRST_USE, DAY1 + 2 * HOUR,
                                      NULL, NULL, &recorded, &error));
  g_assert_false (recorded);
  g_assert_true (store_sim_event_add (f->store, IMSI1, STORE_SIM_EVENT_DAILY_LIMIT, DAY1 + 3 * HOUR,
                                      NULL, NULL, &recorded, &error));
  g_assert_true (recorded);
  g_assert_true (store_sim_event_add (f->store, IMSI1, STORE_SIM_EVENT_DAILY_LIMIT, DAY1 + 4 * HOUR,
                                      NULL, NULL, &recorded, &error));
  g_assert_false (recorded);
  /* the next day's limit is a new event */
  g_assert_true (store_sim_event_add (f->store, IMSI1, STORE_SIM_EVENT_DAILY_LIMIT,
                                      DAY1 + 25 * HOUR, NULL, NULL, &recorded, &error));
  g_assert_true (recorded);
  g_assert_true (store_sim_event_add (f->store, IMSI2, STORE_SIM_EVENT_IMEI_MISMATCH, DAY1 + HOUR,
                                      "490154203237518", NULL, &recorded, &error));
  g_assert_true (recorded);
  g_assert_no_error (error);

  list = store_sim_event_list_by_imsi (f->store, IMSI1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  e = g_ptr_array_index (list, 0);
  g_assert_cmpint (e->kind, ==, STORE_SIM_EVENT_FIRST_USE);
  g_assert_cmpint (e->at, ==, DAY1 + HOUR);
  g_assert_cmpstr (e->day, ==, "2026-12-01");
  g_assert_cmpstr (e->device_id, ==, "DEV-1");
  g_assert_cmpstr (e->remote, ==, "127.0.0.1");
  e = g_ptr_array_index (list, 2);
  g_assert_cmpstr (e->day, ==, "2026-12-02");

  /* by batch: only the IMSIs of the batch's units (IMSI2 has no unit) */
  batch = store_sim_event_list_by_batch (f->store, "B1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->len, ==, 3);

  g_assert_true (store_unit_get_first_use (f->store, IMSI1, &first, &error));
  g_assert_cmpint (first, ==, DAY1 + HOUR);

  g_assert_false (store_sim_event_add (f->store, "44010", STORE_SIM_EVENT_FIRST_USE, 0, NULL, NULL,
                                       &recorded, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID);
}

static void
test_first_use_kept (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gboolean updated = FALSE;
  gint64 at = 0;

  g_assert_true (store_unit_note_first_use (f->store, IMSI1, DAY1 + 5 * HOUR, &updated, &error));
  g_assert_true (updated);
  /* a later sighting does not move it; an earlier one does */
  g_assert_true (store_unit_note_first_use (f->store, IMSI1, DAY1 + 9 * HOUR, &updated, &error));
  g_assert_false (updated);
  g_assert_true (store_unit_note_first_use (f->store, IMSI1, DAY1 + 2 * HOUR, &updated, &error));
  g_assert_true (updated);
  g_assert_true (store_unit_get_first_use (f->store, IMSI1, &at, &error));
  g_assert_cmpint (at, ==, DAY1 + 2 * HOUR);
  /* an IMSI no unit holds: nothing, no error */
  g_assert_true (store_unit_note_first_use (f->store, IMSI2, DAY1, &updated, &error));
  g_assert_false (updated);
  g_assert_true (store_unit_get_first_use (f->store, IMSI2, &at, &error));
  g_assert_cmpint (at, ==, 0);
  g_assert_no_error (error);
}

/* A version-1 store with a batch and a unit gains the version-2 columns
 * (empty) and the events table, its data intact. */
static void
test_migrate_v1_data (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autofree char *sql_path = tc_data_path ("store", "schema-v1.sql", NULL);
  g_autofree char *sql = NULL, *group = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = NULL;
  gboolean recorded = FALSE;
  gint64 at = -1;
  StoreDb *raw;

  g_file_get_contents (sql_path, &sql, NULL, &error);
  g_assert_no_error (error);
  raw = store_db_open (path, STORE_DB_READ_WRITE, 1000, &error);
  g_assert_no_error (error);
  g_assert_true (store_db_exec (raw, sql, &error));
  g_assert_true (store_db_exec (raw,
                                "INSERT INTO batches (id, created_at, source) VALUES "
                                "('OLD-1', 1700000000000, 'csv');"
                                "INSERT INTO units (device_id, batch_id, imsi, state, created_at, "
                                "updated_at) VALUES ('OLD-DEV', 'OLD-1', '" IMSI1
                                "', 'passed', 1, 1);"
                                "PRAGMA user_version = 1",
                                &error));
  g_assert_no_error (error);
  store_db_close (raw);

  store = store_open (path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (store_batch_get_group_id (store, "OLD-1", &group, &error));
  g_assert_null (group);
  g_assert_true (store_unit_get_first_use (store, IMSI1, &at, &error));
  g_assert_cmpint (at, ==, 0);
  g_assert_true (store_sim_event_add (store, IMSI1, STORE_SIM_EVENT_FIRST_USE, DAY1, NULL, NULL,
                                      &recorded, &error));
  g_assert_true (recorded);
  g_assert_true (store_unit_get_first_use (store, IMSI1, &at, &error));
  g_assert_cmpint (at, ==, DAY1);
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/store-cloud/batch-group-id", test_group_id);
  ADD ("/store-cloud/events-once-per-day", test_events_idempotent);
  ADD ("/store-cloud/first-use-kept", test_first_use_kept);
  ADD ("/store-cloud/first-use-on-the-line", test_first_use_on_the_line);
  g_test_add_func ("/store-cloud/migrate-v1-to-v2", test_migrate_v1_data);
  return g_test_run ();
}
