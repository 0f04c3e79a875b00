/* tests/test-fleet.c - station-cli fleet against the cloud emulator: each
 * provisioned unit sorted by what its SIM does now. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "station/store/store.h"
#include "tests/common/test-common.h"
#include "tests/emulator-client.h"

/* One passed unit per SIM condition; IMEIs valid (Luhn), distinct. */
static const char *const imeis[] = {
  "490154203237518", "352656100367872", "867962040000005",
  "865502067709146", "356938035643809", "353490069873319",
};

static void
seed_store (const char *db, char **imsis, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = store_open (db, STORE_OPEN_DEFAULT, &error);
  g_autoptr (StoreBatch) batch = store_batch_new ("LOT-1", "csv");
  g_autoptr (GPtrArray) sims = g_ptr_array_new_with_free_func ((GDestroyNotify)store_sim_free);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (sims, store_sim_new (imsis[i], NULL, NULL, NULL));
  g_assert_true (store_batch_import (store, batch, sims, &error));
  for (guint i = 0; i < n; i++) {
    g_autofree char *id = g_strdup_printf ("TRK-%u", i);
    g_autoptr (StoreUnit) u = store_unit_create (store, id, "LOT-1", "st", 1, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (store_unit_claim (store, id, imeis[i], imsis[i], NULL, &error));
    g_assert_true (store_unit_set_state (store, id, STORE_UNIT_PASSED, NULL, &error));
  }
  /* the last unit passed, then was scrapped: out of the fleet (issue 14) */
  {
    g_autofree char *id = g_strdup_printf ("TRK-%u", n - 1);
    g_autoptr (StoreUnit) gone = store_unit_scrap (store, id, "dropped in transit", &error);
    g_assert_no_error (error);
  }
  /* a failed unit is not part of the fleet */
  {
    g_autoptr (StoreUnit) u = store_unit_create (store, "BAD-1", "LOT-1", "st", 1, NULL, &error);
    g_assert_true (store_unit_set_state (store, "BAD-1", STORE_UNIT_FAILED, "sim-missing", &error));
  }
}

static JsonObject *
run_fleet (Emu *e, const char *db, const char *stale, const char *format, JsonParser **keep,
           char **text)
{
  g_autofree char *exe = tc_build_path ("station/station-cli");
  g_autofree char *api = g_strconcat (e->base, "/v1", NULL);
  const char *argv[] = { exe,
                         "--db",
                         db,
                         "--api-url",
                         api,
                         "fleet",
                         "--stale-days",
                         stale,
                         format ? "--format" : NULL,
                         format,
                         NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;

  g_setenv ("SORACOM_AUTH_KEY_ID", EC_AUTH_KEY_ID, TRUE);
  g_setenv ("SORACOM_AUTH_KEY", EC_AUTH_KEY, TRUE);
  g_assert_cmpint (tc_run (argv, &out, &err, 60000), ==, 0);
  if (format == NULL) {
    *text = g_steal_pointer (&out);
    return NULL;
  }
  *keep = json_parser_new ();
  json_parser_load_from_data (*keep, out, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (*keep));
}

static const char *
view_of (JsonObject *o, const char *device_id)
{
  JsonArray *units = json_object_get_array_member (o, "units");

  for (guint i = 0; i < json_array_get_length (units); i++) {
    JsonObject *u = json_array_get_object_element (units, i);
    if (strcmp (json_object_get_string_member (u, "device_id"), device_id) == 0)
      return json_object_get_string_member (u, "view");
  }
  return NULL;
}

static void
test_views (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "station.db", NULL);
  Emu *e = ec_start (NULL);
  char *imsis[6];
  g_autoptr (JsonParser) p1 = NULL, p2 = NULL;
  g_autofree char *text = NULL;
  JsonObject *o, *counts;

  for (guint i = 0; i < 4; i++)
    imsis[i] = ec_seed_imsi (e, i);
  imsis[4] = g_strdup ("440109999999999"); /* not in this operator's account */
  imsis[5] = ec_seed_imsi (e, 4);          /* TRK-5, scrapped, its SIM parked too */
  seed_store (db, imsis, 6);
  ec_auth (e);

  /* TRK-0 parked in standby; TRK-1 in use, online; TRK-2 used then offline;
   * TRK-3 never used (ready) */
  g_autoptr (Reply) r0 = ec_callf (e, "POST", NULL, "/v1/subscribers/%s/set_to_standby", imsis[0]);
  g_assert_cmpuint (r0->status, ==, 200);
  g_autoptr (Reply) r5 = ec_callf (e, "POST", NULL, "/v1/subscribers/%s/set_to_standby", imsis[5]);
  g_assert_cmpuint (r5->status, ==, 200);
  g_autoptr (Reply) r1 = ec_air (e, "GET", "/metadata/v1/subscriber", imsis[1], imeis[1], NULL);
  g_assert_cmpuint (r1->status, ==, 200);
  g_autoptr (Reply) r2 = ec_air (e, "GET", "/metadata/v1/subscriber", imsis[2], imeis[2], NULL);
  g_autoptr (Reply) r2b = ec_air (e, "POST", "/air/detach", imsis[2], imeis[2], NULL);
  g_assert_cmpuint (r2b->status, <, 300);

  o = run_fleet (e, db, "0", "json", &p1, NULL);
  g_assert_cmpstr (view_of (o, "TRK-0"), ==, "standby");
  g_assert_cmpstr (view_of (o, "TRK-1"), ==, "online");
  g_assert_cmpstr (view_of (o, "TRK-2"), ==, "silent");
  g_assert_cmpstr (view_of (o, "TRK-3"), ==, "other");
  g_assert_cmpstr (view_of (o, "TRK-4"), ==, "missing");
  g_assert_null (view_of (o, "BAD-1"));
  g_assert_null (view_of (o, "TRK-5"));
  counts = json_object_get_object_member (o, "counts");
  g_assert_cmpint (json_object_get_int_member (counts, "standby"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (counts, "silent"), ==, 1);

  /* with 30 days of grace the offline unit is merely active */
  o = run_fleet (e, db, "30", "json", &p2, NULL);
  g_assert_cmpstr (view_of (o, "TRK-2"), ==, "active");

  run_fleet (e, db, "30", NULL, NULL, &text);
  g_assert_true (g_str_has_prefix (text, "DEVICE ID"));
  g_assert_nonnull (strstr (text, "5 units: standby 1, online 1, active 1, silent 0, other 1, "
                                  "missing 1"));
  for (guint i = 0; i < 6; i++)
    g_free (imsis[i]);
  ec_stop (e);
}

static void
test_usage (void)
{
  g_autofree char *exe = tc_build_path ("station/station-cli");
  const char *neg[] = { exe, "fleet", "--stale-days", "-1", NULL };
  const char *fmt[] = { exe, "fleet", "--stale-days", "3", "--format", "xml", NULL };

  g_assert_cmpint (tc_run (neg, NULL, NULL, 10000), ==, 2);
  g_assert_cmpint (tc_run (fmt, NULL, NULL, 10000), ==, 2);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/fleet/views", test_views);
  g_test_add_func ("/fleet/usage", test_usage);
  return g_test_run ();
}
