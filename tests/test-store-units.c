/* tests/test-store-units.c - the store's records: batches and SIM lists,
 * units and identity claims (uniqueness), the step journal, API/AT logs,
 * labels, Beam registrations, lookup by every key and by label payload. */
#include <string.h>

#include "drivers/identity.h"
#include "station/station-error.h"
#include "station/store/store-db.h"
#include "station/store/store.h"
#include "tests/common/test-common.h"

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

  f->path = g_build_filename (dir, "station.db", NULL);
  f->store = store_open (f->path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  sims = store_sim_csv_load (csv, &error);
  g_assert_no_error (error);
  batch->recipe_sha256 = g_strdup ("ab12");
  batch->station = g_strdup ("st-1");
  g_assert_true (store_batch_import (f->store, batch, sims, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  store_close (f->store);
  g_free (f->path);
}

static StoreUnit *
make_unit (Fixture *f, const char *device_id)
{
  g_autoptr (GError) error = NULL;
  StoreUnit *u = store_unit_create (f->store, device_id, "B1", "st-1", 0, "ab12", &error);

  g_assert_no_error (error);
  g_assert_nonnull (u);
  return u;
}

static void
test_batch (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreBatch) b = store_batch_get (f->store, "B1", &error);
  g_autoptr (StoreBatch) again = store_batch_new ("B1", "csv");
  g_autoptr (StoreBatch) b2 = store_batch_new ("B2", "order");
  g_autoptr (GPtrArray) sims = NULL, overlap = NULL, list = NULL;
  g_autoptr (StoreSim) sim = NULL;
  StoreBatchCounts c;

  g_assert_no_error (error);
  g_assert_cmpstr (b->source, ==, "csv");
  g_assert_cmpstr (b->recipe_sha256, ==, "ab12");
  g_assert_cmpint (b->created_at, >, 0);

  sims = store_batch_get_sims (f->store, "B1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sims->len, ==, 5);
  g_assert_cmpstr (((StoreSim *)sims->pdata[0])->imsi, ==, "440100000000001");
  g_assert_cmpuint (((StoreSim *)sims->pdata[4])->line, ==, 6);

  sim = store_sim_find (f->store, "440100000000003", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sim->batch_id, ==, "B1");
  g_assert_cmpstr (sim->serial_number, ==, "SN-0003");
  g_assert_null (store_sim_find (f->store, "440100000000099", &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* the same batch ID twice */
  g_assert_false (store_batch_import (f->store, again, NULL, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "B1"));
  g_clear_error (&error);

  /* a SIM of B1 in another batch: refused naming B1, and B2 not created */
  overlap = g_ptr_array_new_with_free_func ((GDestroyNotify)store_sim_free);
  g_ptr_array_add (overlap, store_sim_new ("440100000000777", NULL, NULL, NULL));
  g_ptr_array_add (overlap, store_sim_new ("440100000000002", NULL, NULL, NULL));
  ((StoreSim *)overlap->pdata[1])->line = 3;
  b2->order_id = g_strdup ("o-123");
  g_assert_false (store_batch_import (f->store, b2, overlap, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "440100000000002 (line 3)"));
  g_assert_nonnull (strstr (error->message, "batch B1"));
  g_assert_cmpint (station_exit_code_for_error (error), ==, 1);
  g_clear_error (&error);
  g_assert_null (store_batch_get (f->store, "B2", &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (store_sim_find (f->store, "440100000000777", NULL));

  /* without the overlap it goes in; add more later */
  g_ptr_array_remove_index (overlap, 1);
  g_assert_true (store_batch_import (f->store, b2, overlap, &error));
  g_ptr_array_set_size (overlap, 0);
  g_ptr_array_add (overlap, store_sim_new ("440100000000778", NULL, NULL, NULL));
  g_assert_true (store_batch_add_sims (f->store, "B2", overlap, &error));
  g_assert_false (store_batch_add_sims (f->store, "B9", overlap, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  list = store_batch_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_true (store_batch_count (f->store, "B2", &c, &error));
  g_assert_cmpuint (c.sims, ==, 2);
  g_assert_cmpuint (c.units, ==, 0);
}

static void
test_unit_create_get (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreUnit) u = make_unit (f, "dev-0001.a");
  g_autoptr (StoreUnit) same = NULL, got = NULL;
  StoreBatchCounts c;

  g_assert_cmpstr (u->device_id, ==, "DEV-0001.A");
  g_assert_cmpint (u->state, ==, STORE_UNIT_NEW);
  g_assert_cmpint (u->slot, ==, 0);
  g_assert_cmpstr (u->recipe_sha256, ==, "ab12");
  g_assert_null (u->imsi);

  /* the same device in any case, or in another batch, is refused */
  same = store_unit_create (f->store, "DEV-0001.A", "B1", NULL, -1, NULL, &error);
  g_assert_null (same);
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "DEV-0001.A is already in batch B1 (state new)"));
  g_clear_error (&error);

  g_assert_null (store_unit_create (f->store, "DEV-2", "NOPE", NULL, -1, NULL, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (store_unit_create (f->store, "DEV_2", "B1", NULL, -1, NULL, &error));
  g_assert_error (error, IDENTITY_ERROR, IDENTITY_ERROR_CHARACTER);
  g_clear_error (&error);

  got = store_unit_get (f->store, "Dev-0001.A", &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->id, ==, u->id);

  g_assert_true (
      store_unit_set_state (f->store, "dev-0001.a", STORE_UNIT_FAILED, "E_SELFTEST", &error));
  g_assert_true (store_unit_set_slot (f->store, "dev-0001.a", NULL, -1, &error));
  g_assert_no_error (error);
  g_clear_pointer (&got, store_unit_free);
  got = store_unit_get (f->store, "DEV-0001.A", &error);
  g_assert_cmpint (got->state, ==, STORE_UNIT_FAILED);
  g_assert_cmpstr (got->failure_code, ==, "E_SELFTEST");
  g_assert_cmpint (got->slot, ==, -1);
  g_assert_null (got->station);
  g_assert_cmpint (got->updated_at, >=, got->created_at);

  g_assert_false (store_unit_set_state (f->store, "DEV-404", STORE_UNIT_PASSED, NULL, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (store_batch_count (f->store, "B1", &c, &error));
  g_assert_cmpuint (c.units, ==, 1);
  g_assert_cmpuint (c.failed, ==, 1);
}

/* One unit per IMEI, IMSI, ICCID: a second claim names the first unit. */
static void
test_claim_uniqueness (Fixture *f, gconstpointer data)
{
  static const struct {
    const char *imei, *imsi, *iccid, *fragment;
  } clashes[] = {
    { "356938035643809", NULL, NULL, "IMEI 356938035643809 is already bound to unit DEV-A" },
    { NULL, "440100000000001", NULL, "IMSI 440100000000001 is already bound to unit DEV-A" },
    { NULL, NULL, "8981100000000000010",
      "ICCID 8981100000000000010 is already bound to unit DEV-A" },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreUnit) a = make_unit (f, "DEV-A");
  g_autoptr (StoreUnit) b = make_unit (f, "DEV-B");
  g_autoptr (StoreUnit) got = NULL;
  StoreDb *db;

  g_assert_true (store_unit_claim (f->store, "dev-a", "356938035643809", "440100000000001",
                                   "8981100000000000010", &error));
  g_assert_no_error (error);
  /* claiming one's own identities again is fine */
  g_assert_true (
      store_unit_claim (f->store, "DEV-A", "356938035643809", "440100000000001", NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (clashes); i++) {
    g_assert_false (store_unit_claim (f->store, "DEV-B", clashes[i].imei, clashes[i].imsi,
                                      clashes[i].iccid, &error));
    g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_CONFLICT);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, clashes[i].fragment));
    g_assert_nonnull (strstr (error->message, "batch B1"));
    g_clear_error (&error);
  }
  /* all or nothing: a clash on the ICCID leaves the IMSI unclaimed */
  g_assert_false (
      store_unit_claim (f->store, "DEV-B", NULL, "440100000000002", "8981100000000000010", &error));
  g_clear_error (&error);
  got = store_unit_get (f->store, "DEV-B", &error);
  g_assert_null (got->imsi);
  g_assert_null (got->imei);

  /* the constraints hold even for a writer that skips the checks */
  db = store_get_db (f->store, &error);
  g_assert_false (store_db_exec (db,
                                 "UPDATE units SET imsi = '440100000000001' "
                                 "WHERE device_id = 'DEV-B'",
                                 &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "units.imsi"));
  g_clear_error (&error);
  g_assert_false (store_db_exec (db,
                                 "INSERT INTO units (device_id, batch_id, state, created_at, "
                                 "updated_at) VALUES ('dev-c', 'B1', 'new', 0, 0)",
                                 &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID); /* not canonical */
  g_clear_error (&error);
  g_assert_false (store_db_exec (db,
                                 "INSERT INTO units (device_id, batch_id, state, created_at, "
                                 "updated_at) VALUES ('DEV-A', 'B1', 'new', 0, 0)",
                                 &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (store_db_exec (db,
                                 "INSERT INTO units (device_id, batch_id, state, created_at, "
                                 "updated_at) VALUES ('DEV-Z', 'NO-BATCH', 'new', 0, 0)",
                                 &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID); /* foreign key */
  g_clear_error (&error);

  g_assert_false (store_unit_claim (f->store, "DEV-NONE", NULL, "440100000000003", NULL, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
}

static void
test_journal (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreUnit) u = make_unit (f, "DEV-J");
  g_autoptr (GPtrArray) all = NULL, last = NULL;
  g_autoptr (StoreJournalEntry) e = NULL;
  guint a1 = 0, a2 = 0, a3 = 0;

  g_assert_true (store_journal_intent (f->store, "dev-j", "identify", NULL, &a1, &error));
  g_assert_cmpuint (a1, ==, 1);
  g_assert_true (
      store_journal_done (f->store, "dev-j", "identify", a1, "imsi=440100000000001", &error));
  g_assert_true (
      store_journal_intent (f->store, "dev-j", "imei_lock", "imei=356938035643809", &a1, &error));
  g_assert_true (
      store_journal_failed (f->store, "dev-j", "imei_lock", a1, "E_API_503", NULL, &error));
  /* a retry, then a crash between intent and done */
  g_assert_true (store_journal_intent (f->store, "dev-j", "imei_lock", NULL, &a2, &error));
  g_assert_cmpuint (a2, ==, 2);
  g_assert_true (store_journal_intent (f->store, "dev-j", "standby", NULL, &a3, &error));
  g_assert_no_error (error);

  /* closing twice, or an attempt that never started, is refused */
  g_assert_false (store_journal_done (f->store, "dev-j", "imei_lock", a1, NULL, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (store_journal_done (f->store, "dev-j", "imei_lock", 7, NULL, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (store_journal_intent (f->store, "dev-x", "scan", NULL, NULL, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* what a resume after a restart reads, through a new connection */
  store_close (f->store);
  f->store = store_open (f->path, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  all = store_journal_list (f->store, "DEV-J", &error);
  g_assert_cmpuint (all->len, ==, 4);
  last = store_journal_last (f->store, "DEV-J", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (last->len, ==, 3);
  e = g_ptr_array_steal_index (last, 0);
  g_assert_cmpstr (e->step, ==, "identify");
  g_assert_cmpint (e->state, ==, STORE_JOURNAL_DONE);
  g_assert_cmpstr (e->detail, ==, "imsi=440100000000001");
  g_assert_cmpint (e->ended_at, >=, e->started_at);
  g_clear_pointer (&e, store_journal_entry_free);
  e = g_ptr_array_steal_index (last, 0);
  g_assert_cmpstr (e->step, ==, "imei_lock");
  g_assert_cmpuint (e->attempt, ==, 2);
  g_assert_cmpint (e->state, ==, STORE_JOURNAL_INTENT);
  g_assert_cmpint (e->ended_at, ==, 0);
  g_clear_pointer (&e, store_journal_entry_free);

  e = store_journal_get (f->store, "DEV-J", "imei_lock", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (e->attempt, ==, 2);
  g_clear_pointer (&e, store_journal_entry_free);
  e = store_journal_get (f->store, "DEV-J", "label", &error);
  g_assert_null (e);
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpstr (((StoreJournalEntry *)all->pdata[1])->failure_code, ==, "E_API_503");
  g_assert_cmpstr (((StoreJournalEntry *)all->pdata[1])->detail, ==, "imei=356938035643809");
}

static void
test_logs_and_labels (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreUnit) u = make_unit (f, "DEV-L");
  StoreApiCall call = { .device_id = "dev-l",
                        .method = "POST",
                        .path = "/v1/subscribers/440100000000001/set_imei_lock",
                        .status = 200,
                        .duration_ms = 85,
                        .retries = 1 };
  StoreApiCall batch_call
      = { .batch_id = "B1", .method = "GET", .path = "/v1/orders/o-1", .status = 200 };
  StoreLabel label = { .device_id = "DEV-L",
                       .payload = "DEV DEV-L IMSI 440100000000001",
                       .printer = "file",
                       .format = "png" };
  g_autoptr (GPtrArray) calls = NULL, lines = NULL, labels = NULL;
  g_autoptr (GPtrArray) batch_lines = g_ptr_array_new ();
  StoreAtLine l1 = { STORE_AT_TX, "AT+CGSN", 0 }, l2 = { STORE_AT_RX, "356938035643809", 0 };

  g_assert_true (store_api_call_add (f->store, &call, &error));
  g_assert_true (store_api_call_add (f->store, &batch_call, &error));
  g_assert_no_error (error);
  call.device_id = "DEV-NONE";
  g_assert_false (store_api_call_add (f->store, &call, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  calls = store_api_call_list (f->store, "DEV-L", &error);
  g_assert_cmpuint (calls->len, ==, 1);
  g_assert_cmpstr (((StoreApiCall *)calls->pdata[0])->method, ==, "POST");
  g_assert_cmpint (((StoreApiCall *)calls->pdata[0])->duration_ms, ==, 85);
  g_assert_cmpuint (((StoreApiCall *)calls->pdata[0])->retries, ==, 1);

  g_ptr_array_add (batch_lines, &l1);
  g_ptr_array_add (batch_lines, &l2);
  g_assert_true (store_at_lines_add (f->store, "DEV-L", batch_lines, &error));
  g_assert_true (store_at_line_add (f->store, "DEV-L", STORE_AT_RX, "OK", 123, &error));
  g_assert_no_error (error);
  lines = store_at_line_list (f->store, "DEV-L", &error);
  g_assert_cmpuint (lines->len, ==, 3);
  g_assert_cmpint (((StoreAtLine *)lines->pdata[0])->direction, ==, STORE_AT_TX);
  g_assert_cmpstr (((StoreAtLine *)lines->pdata[1])->line, ==, "356938035643809");
  g_assert_cmpint (((StoreAtLine *)lines->pdata[2])->at, ==, 123);

  g_assert_true (store_label_add (f->store, &label, &error));
  g_assert_false (store_label_add (f->store, &label, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "reprint needs a reason"));
  g_clear_error (&error);
  label.reprint_reason = "label torn";
  g_assert_true (store_label_add (f->store, &label, &error));
  labels = store_label_list (f->store, "DEV-L", &error);
  g_assert_cmpuint (labels->len, ==, 2);
  g_assert_null (((StoreLabel *)labels->pdata[0])->reprint_reason);
  g_assert_cmpstr (((StoreLabel *)labels->pdata[1])->reprint_reason, ==, "label torn");
}

static void
test_registrations (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  StoreRegistration r = { .device_id = "dev-r",
                          .imsi = "440100000000001",
                          .imei = "356938035643809",
                          .timestamp = 1700000000000,
                          .signature = "aa",
                          .remote = "127.0.0.1" };
  g_autoptr (GPtrArray) by_dev = NULL, by_imsi = NULL;
  g_autoptr (StoreRegistration) latest = NULL;

  g_assert_true (store_registration_add (f->store, &r, &error));
  g_assert_no_error (error);
  /* a replay: same key, or same signature under another path */
  g_assert_false (store_registration_add (f->store, &r, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "replay"));
  g_clear_error (&error);
  r.device_id = "DEV-OTHER";
  g_assert_false (store_registration_add (f->store, &r, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_EXISTS);
  g_clear_error (&error);

  r.device_id = "DEV-R";
  r.timestamp += 1000;
  r.signature = "bb";
  r.imei = NULL;
  g_assert_true (store_registration_add (f->store, &r, &error));
  r.imsi = "440100000000002";
  r.signature = "cc";
  g_assert_true (store_registration_add (f->store, &r, &error));
  g_assert_no_error (error);

  by_dev = store_registration_list_by_device (f->store, "Dev-R", &error);
  g_assert_cmpuint (by_dev->len, ==, 3);
  g_assert_cmpstr (((StoreRegistration *)by_dev->pdata[0])->imei, ==, "356938035643809");
  g_assert_null (((StoreRegistration *)by_dev->pdata[1])->imei);
  by_imsi = store_registration_list_by_imsi (f->store, "440100000000001", &error);
  g_assert_cmpuint (by_imsi->len, ==, 2);

  latest = store_registration_latest (f->store, "dev-r", "440100000000001", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (latest->timestamp, ==, 1700000001000);
  g_assert_cmpstr (latest->signature, ==, "bb");
  g_assert_null (
      store_registration_latest (f->store, "DEV-R", "440100000000001", 1700000002000, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
}

static void
test_lookup (Fixture *f, gconstpointer data)
{
  static const struct {
    const char *code;
    StoreKey key;
  } hits[] = {
    { "DEV-K1", STORE_KEY_DEVICE_ID },
    { "dev-k1", STORE_KEY_DEVICE_ID },
    { "  Dev-K1\n", STORE_KEY_DEVICE_ID },
    { "440100000000004", STORE_KEY_IMSI },
    { "356938035643809", STORE_KEY_IMEI },
    { "8981100000000000044", STORE_KEY_ICCID },
    { "DEV DEV-K1 IMSI 440100000000004", STORE_KEY_LABEL },
    { "dev dev-k1 imsi 440100000000004 ICCID 8981100000000000044 LOT 7", STORE_KEY_LABEL },
    /* the device ID of the label is not in the store, its IMSI is */
    { "DEV DEV-GONE IMSI 440100000000004", STORE_KEY_LABEL },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreUnit) k1 = make_unit (f, "DEV-K1");
  g_autoptr (StoreUnit) k2 = make_unit (f, "440100000000009"); /* all-digit device ID */
  g_autoptr (StoreUnit) u = NULL;
  g_autoptr (GHashTable) extra = NULL;
  g_autofree char *dev = NULL, *imsi = NULL;
  StoreKey key;

  g_assert_true (store_unit_claim (f->store, "DEV-K1", "356938035643809", "440100000000004",
                                   "8981100000000000044", &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (hits); i++) {
    u = store_lookup (f->store, hits[i].code, &key, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (u->device_id, ==, "DEV-K1");
    g_assert_cmpint (key, ==, hits[i].key);
    g_clear_pointer (&u, store_unit_free);
  }
  u = store_lookup (f->store, "440100000000009", &key, &error);
  g_assert_cmpstr (u->device_id, ==, "440100000000009");
  g_assert_cmpint (key, ==, STORE_KEY_DEVICE_ID);
  g_clear_pointer (&u, store_unit_free);

  u = store_unit_find (f->store, STORE_KEY_ICCID, "8981100000000000044", &error);
  g_assert_cmpint (u->id, ==, k1->id);
  g_clear_pointer (&u, store_unit_free);

  g_assert_null (store_lookup (f->store, "440100000000005", NULL, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "440100000000005"));
  g_clear_error (&error);
  g_assert_null (store_lookup (f->store, "DEV X-9 IMSI 440100000000099", NULL, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (store_lookup (f->store, "DEV DEV-K1 ICCID", NULL, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (store_lookup (f->store, "   ", NULL, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (store_label_payload_parse ("DEV abc IMSI 440100000000004 ICCID 89 lot x", &dev,
                                            &imsi, &extra, &error));
  g_assert_cmpstr (dev, ==, "ABC");
  g_assert_cmpstr (imsi, ==, "440100000000004");
  g_assert_cmpstr (g_hash_table_lookup (extra, "LOT"), ==, "x");
  g_assert_cmpuint (g_hash_table_size (extra), ==, 2);
}

static void
test_sites (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) st = NULL, ops = NULL;

  g_assert_true (store_station_touch (f->store, "st-1", "host-a", &error));
  g_assert_true (store_station_touch (f->store, "st-1", NULL, &error));
  g_assert_true (store_station_touch (f->store, "st-0", "host-b", &error));
  g_assert_true (store_operator_touch (f->store, "op-7", "Sato", &error));
  g_assert_no_error (error);
  g_assert_false (store_operator_touch (f->store, "", NULL, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);
  st = store_station_list (f->store, &error);
  g_assert_cmpuint (st->len, ==, 2);
  g_assert_cmpstr (((StoreSite *)st->pdata[1])->name, ==, "st-1");
  g_assert_cmpstr (((StoreSite *)st->pdata[1])->detail, ==, "host-a");
  ops = store_operator_list (f->store, &error);
  g_assert_cmpuint (ops->len, ==, 1);
}

/* A bulk of writes in one outer transaction: inner failures roll back only
 * their own savepoint. */
static void
test_outer_transaction (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreUnit) dup = NULL;
  g_autoptr (GPtrArray) units = NULL;

  g_assert_true (store_begin (f->store, &error));
  for (int i = 0; i < 50; i++) {
    g_autofree char *dev = g_strdup_printf ("BULK-%02d", i);
    g_autoptr (StoreUnit) u = store_unit_create (f->store, dev, "B1", NULL, -1, NULL, &error);
    g_assert_no_error (error);
  }
  dup = store_unit_create (f->store, "BULK-07", "B1", NULL, -1, NULL, &error);
  g_assert_null (dup);
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (store_commit (f->store, &error));
  units = store_unit_list_by_batch (f->store, "B1", &error);
  g_assert_cmpuint (units->len, ==, 50);

  g_assert_true (store_begin (f->store, &error));
  g_autoptr (StoreUnit) gone = store_unit_create (f->store, "GONE", "B1", NULL, -1, NULL, &error);
  store_rollback (f->store);
  g_assert_null (store_unit_get (f->store, "GONE", &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
}

/* Every lookup key is one index probe, never a scan. */
static void
test_lookup_plans (Fixture *f, gconstpointer data)
{
  static const char *const queries[] = {
    "SELECT * FROM units WHERE device_id = ?1",
    "SELECT * FROM units WHERE imsi = ?1",
    "SELECT * FROM units WHERE imei = ?1",
    "SELECT * FROM units WHERE iccid = ?1",
    "SELECT * FROM batch_sims WHERE imsi = ?1",
    "SELECT * FROM registrations WHERE device_id = ?1 ORDER BY ts",
    "SELECT * FROM registrations WHERE imsi = ?1 ORDER BY ts",
    "SELECT * FROM steps WHERE unit_id = ?1 AND step = ?2",
    "SELECT * FROM labels WHERE unit_id = ?1",
    "SELECT * FROM at_lines WHERE unit_id = ?1",
    "SELECT * FROM api_calls WHERE unit_id = ?1",
  };
  g_autoptr (GError) error = NULL;
  StoreDb *db = store_get_db (f->store, &error);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++) {
    g_autofree char *sql = g_strconcat ("EXPLAIN QUERY PLAN ", queries[i], NULL);
    StoreStmt *st = store_db_prepare (db, sql, &error);
    g_autoptr (GString) plan = g_string_new (NULL);

    g_assert_no_error (error);
    while (store_stmt_step (st, &error) == STORE_STEP_ROW) {
      g_autofree char *detail = store_stmt_dup_text (st, 3);
      g_string_append_printf (plan, "%s; ", detail);
    }
    store_stmt_reset (st);
    g_test_message ("%s -> %s", queries[i], plan->str);
    g_assert_nonnull (strstr (plan->str, "USING"));
    g_assert_null (strstr (plan->str, "SCAN"));
  }
}

/* A unit's end (state, failure code, slot left) is one write: when the
 * slot part is refused, the state is not written either. */
static void
test_unit_finish (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreUnit) made = make_unit (f, "FIN-1");
  g_autoptr (StoreUnit) after = NULL;
  g_autoptr (StoreUnit) done = NULL;
  StoreDb *db = store_get_db (f->store, &error);

  g_assert_no_error (error);
  g_assert_true (store_unit_set_state (f->store, "FIN-1", STORE_UNIT_RUNNING, NULL, &error));
  g_assert_true (store_unit_set_slot (f->store, "FIN-1", "st-1", 3, &error));
  g_assert_no_error (error);
  /* this connection refuses to take a unit out of its slot */
  g_assert_true (
      store_db_exec (db,
                     "CREATE TEMP TRIGGER keep_slot BEFORE UPDATE OF slot ON units "
                     "WHEN NEW.slot IS NULL BEGIN SELECT RAISE (ABORT, 'slot kept'); END",
                     &error));
  g_assert_no_error (error);
  g_assert_false (
      store_unit_finish (f->store, "FIN-1", STORE_UNIT_FAILED, "weak-signal", "st-2", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  after = store_unit_get (f->store, "FIN-1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (after->state, ==, STORE_UNIT_RUNNING);
  g_assert_null (after->failure_code);
  g_assert_cmpint (after->slot, ==, 3);

  g_assert_true (store_db_exec (db, "DROP TRIGGER keep_slot", &error));
  g_assert_true (
      store_unit_finish (f->store, "FIN-1", STORE_UNIT_FAILED, "weak-signal", "st-2", &error));
  g_assert_no_error (error);
  done = store_unit_get (f->store, "FIN-1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (done->state, ==, STORE_UNIT_FAILED);
  g_assert_cmpstr (done->failure_code, ==, "weak-signal");
  g_assert_cmpint (done->slot, ==, -1);
  g_assert_cmpstr (done->station, ==, "st-2");
  g_assert_false (store_unit_finish (f->store, "NOPE-1", STORE_UNIT_PASSED, NULL, "st-2", &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND);
}

/* The preflight's write check: a store that takes writes passes it; one
 * opened read-only fails it as read-only. */
static void
test_check_writable (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) ro = NULL;

  g_assert_true (store_check_writable (f->store, &error));
  g_assert_no_error (error);
  ro = store_open (f->path, STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_false (store_check_writable (ro, &error));
  g_assert_error (error, STATION_STORE_ERROR, STORE_ERROR_READONLY);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/store/batch/import", test_batch);
  ADD ("/store/unit/create-get", test_unit_create_get);
  ADD ("/store/unit/claim-uniqueness", test_claim_uniqueness);
  ADD ("/store/journal/intent-done-failed-resume", test_journal);
  ADD ("/store/log/api-at-labels", test_logs_and_labels);
  ADD ("/store/registration/add-replay-query", test_registrations);
  ADD ("/store/lookup/every-key", test_lookup);
  ADD ("/store/lookup/index-plans", test_lookup_plans);
  ADD ("/store/site/stations-operators", test_sites);
  ADD ("/store/transaction/outer", test_outer_transaction);
  ADD ("/store/unit/finish-one-transaction", test_unit_finish);
  ADD ("/store/check-writable", test_check_writable);
#undef ADD
  return g_test_run ();
}
