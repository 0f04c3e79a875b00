/* tests/test-hw.c - suite hw: checks against a real fixture and modem,
 * run only on request (./run test --suite hw) with the hardware named by
 * the environment:
 *   STATION_HW_PORT=/dev/ttyUSB2     a modem's AT port (probe)
 *   STATION_HW_FIXTURE=serial:/dev/ttyACM0?baud=115200   a textjig controller
 * A check whose hardware is not named is skipped, never passed. */
#include <json-glib/json-glib.h>

#include "drivers/fixture/fixture.h"
#include "drivers/identity.h"
#include "tests/common/test-common.h"

static void
test_probe (void)
{
  const char *port = g_getenv ("STATION_HW_PORT");
  g_autofree char *exe = tc_build_path ("station/station-cli");
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *o;

  if (port == NULL) {
    g_test_skip ("STATION_HW_PORT names no modem port");
    return;
  }
  {
    const char *argv[] = { exe, "probe", "--port", port, NULL };
    g_assert_cmpint (tc_run (argv, &out, &err, 60000), ==, 0);
  }
  json_parser_load_from_data (p, out, -1, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (p));
  g_test_message ("modem: %s", out);
  g_assert_true (identity_imei_check (json_object_get_string_member (o, "imei"), NULL));
  g_assert_cmpstr (json_object_get_string_member (o, "sim"), ==, "ready");
  g_assert_true (identity_imsi_check (json_object_get_string_member (o, "imsi"), NULL));
}

static void
test_fixture (void)
{
  const char *uri = g_getenv ("STATION_HW_FIXTURE");
  g_autoptr (GError) error = NULL;
  g_autoptr (Fixture) f = NULL;
  g_autofree char *desc = NULL;

  if (uri == NULL) {
    g_test_skip ("STATION_HW_FIXTURE names no fixture");
    return;
  }
  f = fixture_open (uri, NULL, NULL, &error);
  g_assert_no_error (error);
  desc = fixture_describe (f);
  g_test_message ("fixture: %s, %u slots", desc, fixture_slot_count (f));
  g_assert_cmpuint (fixture_slot_count (f), >, 0);
  for (guint s = 1; s <= fixture_slot_count (f); s++) {
    g_assert_true (fixture_set_led (f, s, FIXTURE_LED_BUSY, NULL, &error));
    g_assert_true (fixture_set_led (f, s, FIXTURE_LED_OFF, NULL, &error));
  }
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/hw/probe", test_probe);
  g_test_add_func ("/hw/fixture", test_fixture);
  return g_test_run ();
}
