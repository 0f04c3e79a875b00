/* tests/test-identity.c - IMEI / IMSI / ICCID / device ID checks. */
#include "drivers/identity.h"
#include "tests/common/test-common.h"

#include <string.h>

static const struct {
  const char *value;
  int err; /* -1: valid */
} imei_cases[] = {
  { "490154203237518", -1 }, /* GSMA example IMEI */
  { "867962040000005", -1 },
  { "352656100367872", -1 }, /* nordic-nrf9160-slm.chat */
  { "490154203237519", IDENTITY_ERROR_CHECKSUM },
  { "49015420323751", IDENTITY_ERROR_LENGTH },
  { "4901542032375180", IDENTITY_ERROR_LENGTH },
  { "49015420323751A", IDENTITY_ERROR_CHARACTER },
  { "", IDENTITY_ERROR_EMPTY },
};

static const struct {
  const char *value;
  int err;
} imsi_cases[] = {
  { "440103167209666", -1 }, /* SORACOM plan-D (440 10) */
  { "295050900000001", -1 }, /* SORACOM global (295 05) */
  { "901403719315964", -1 }, /* international MCC 901 (nordic-nrf9160-linkmonitor.chat) */
  { "001010123456789", IDENTITY_ERROR_PREFIX },
  { "801403719315964", IDENTITY_ERROR_PREFIX },
  { "44010316720966", IDENTITY_ERROR_LENGTH },
  { "44010316720966x", IDENTITY_ERROR_CHARACTER },
};

static const struct {
  const char *value;
  int err;
} iccid_cases[] = {
  { "8981100005819480006", -1 },  /* 19 digits, Luhn */
  { "89811000058194800001", -1 }, /* 20 digits, Luhn */
  { "89811000058194800002", IDENTITY_ERROR_CHECKSUM },
  { "898110000581948000", -1 }, /* 18 digits: no check digit */
  { "8881100005819480000", IDENTITY_ERROR_PREFIX },
  { "89811", IDENTITY_ERROR_LENGTH },
};

static const struct {
  const char *value;
  int err;
} device_id_cases[] = {
  { "TRK-000123", -1 },
  { "meter.jp.0001", -1 },
  { "A", -1 },
  { "1234567890123456789012345678901234567890123456789012345678901234", -1 },
  { "12345678901234567890123456789012345678901234567890123456789012345", IDENTITY_ERROR_LENGTH },
  { "", IDENTITY_ERROR_EMPTY },
  { "TRK_000123", IDENTITY_ERROR_CHARACTER }, /* '_' types differently on JIS */
  { "TRK:1", IDENTITY_ERROR_CHARACTER },
  { "TRK 1", IDENTITY_ERROR_CHARACTER },
  { "TRK+1", IDENTITY_ERROR_CHARACTER },
  { "TRK\"1", IDENTITY_ERROR_CHARACTER },
  { "トラッカー", IDENTITY_ERROR_CHARACTER },
};

#define CHECK_TABLE(table, fn)                                                                     \
  for (gsize i = 0; i < G_N_ELEMENTS (table); i++) {                                               \
    g_autoptr (GError) error = NULL;                                                               \
    gboolean ok = fn (table[i].value, &error);                                                     \
    if (table[i].err < 0) {                                                                        \
      g_assert_no_error (error);                                                                   \
      g_assert_true (ok);                                                                          \
    } else {                                                                                       \
      g_assert_false (ok);                                                                         \
      g_assert_error (error, IDENTITY_ERROR, table[i].err);                                        \
      g_assert_nonnull (error->message);                                                           \
    }                                                                                              \
  }

static void
test_imei (void)
{
  CHECK_TABLE (imei_cases, identity_imei_check);
}

static void
test_imsi (void)
{
  CHECK_TABLE (imsi_cases, identity_imsi_check);
}

static void
test_iccid (void)
{
  CHECK_TABLE (iccid_cases, identity_iccid_check);
}

static void
test_device_id (void)
{
  CHECK_TABLE (device_id_cases, identity_device_id_check);
}

static void
test_device_id_message_names_character (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (identity_device_id_check ("TRK_000123", &error));
  g_assert_nonnull (strstr (error->message, "'_'"));
  g_assert_nonnull (strstr (error->message, "position 4"));
}

static void
test_device_id_normalize (void)
{
  g_autofree char *a = identity_device_id_normalize ("trk-000123.a", NULL);
  g_autoptr (GError) error = NULL;
  char *b;

  g_assert_cmpstr (a, ==, "TRK-000123.A");
  b = identity_device_id_normalize ("bad id", &error);
  g_assert_null (b);
  g_assert_error (error, IDENTITY_ERROR, IDENTITY_ERROR_CHARACTER);
}

static void
test_luhn_digit (void)
{
  /* every generated number must validate, and only its own check digit does */
  for (guint i = 0; i < 1000; i++) {
    char body[16];
    char full[17];
    char d;

    g_snprintf (body, sizeof body, "35%012u", g_test_rand_int_range (0, G_MAXINT));
    d = identity_luhn_digit (body);
    g_assert_true (d >= '0' && d <= '9');
    g_snprintf (full, sizeof full, "%s%c", body, d);
    g_assert_true (identity_luhn_valid (full));
    full[14] = (char)('0' + (d - '0' + 1) % 10);
    g_assert_false (identity_luhn_valid (full));
  }
  g_assert_cmpint (identity_luhn_digit ("12a"), ==, 0);
  g_assert_false (identity_luhn_valid (""));
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/identity/imei", test_imei);
  g_test_add_func ("/identity/imsi", test_imsi);
  g_test_add_func ("/identity/iccid", test_iccid);
  g_test_add_func ("/identity/device-id", test_device_id);
  g_test_add_func ("/identity/device-id-message", test_device_id_message_names_character);
  g_test_add_func ("/identity/device-id-normalize", test_device_id_normalize);
  g_test_add_func ("/identity/luhn-digit", test_luhn_digit);
  return g_test_run ();
}
