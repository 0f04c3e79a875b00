/* tests/fuzz/fuzz-at-parse.c - every AT reply parser of drivers/at over
 * one reply.  Invariants: a parser that succeeds returns values inside the
 * ranges its header promises; a failing one sets an error. */
#include <string.h>

#include "drivers/at/at-parse.h"
#include "tests/fuzz/fuzz.h"

typedef gboolean (*StringParser) (const char *reply, char **value, GError **error);

static void
check_string (StringParser parse, const char *reply)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;

  if (parse (reply, &value, &error))
    g_assert_nonnull (value);
  else
    g_assert_nonnull (error);
}

static void
check_reg (const char *reply)
{
  g_autoptr (GError) error = NULL;
  AtRegistration reg;

  if (at_parse_creg (reply, &reg, &error)) {
    g_assert_cmpint (reg.stat, >=, 0);
    g_assert_cmpuint (strlen (reg.area), <, sizeof reg.area);
    g_assert_cmpuint (strlen (reg.cell), <, sizeof reg.cell);
  } else {
    g_assert_nonnull (error);
  }
  g_clear_error (&error);
  if (at_parse_creg_urc (reply, &reg, &error))
    g_assert_cmpint (reg.n, ==, -1);
  (void)at_creg_line_is_unsolicited (reply);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *reply = fuzz_text (data, size);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  g_auto (GStrv) fields = NULL;
  AtIdentityInfo info = { 0 };
  AtSimState sim;
  AtCsq csq;
  AtCesq cesq;
  AtCops cops;
  int fun, dbm;

  (void)at_final_check (reply, NULL);
  lines = at_reply_lines (reply, NULL);
  (void)at_reply_check (reply, NULL);
  fields = at_split_fields (reply);
  g_free (at_unquote (reply));
  {
    char *tag = NULL;
    (void)at_strip_tag (reply, &tag);
    g_free (tag);
  }

  check_string (at_parse_imei, reply);
  check_string (at_parse_imsi, reply);
  check_string (at_parse_iccid, reply);
  check_string (at_parse_crsm_iccid, reply);
  check_string (at_parse_info, reply);

  if (at_parse_ati (reply, &info, NULL))
    at_identity_info_clear (&info);
  (void)at_parse_cpin (reply, &sim, NULL);
  if (at_parse_csq (reply, &csq, NULL)) {
    g_assert_true ((csq.rssi >= 0 && csq.rssi <= 31) || csq.rssi == 99);
    (void)at_csq_dbm (csq.rssi, &dbm);
  }
  if (at_parse_csq (reply, &csq, NULL))
    g_assert_true ((csq.ber >= 0 && csq.ber <= 7) || csq.ber == 99);
  if (at_parse_cesq (reply, &cesq, NULL)) {
    g_assert_true ((cesq.rsrp >= 0 && cesq.rsrp <= 97) || cesq.rsrp == 255);
    g_assert_true ((cesq.rsrq >= 0 && cesq.rsrq <= 34) || cesq.rsrq == 255);
    (void)at_cesq_rsrp_dbm (cesq.rsrp, &dbm);
  }
  check_reg (reply);
  (void)at_parse_cfun (reply, &fun, NULL);
  if (at_parse_cops (reply, &cops, NULL))
    g_assert_cmpuint (strlen (cops.oper), <, sizeof cops.oper);
  {
    GArray *ctx = at_parse_cgdcont (reply, &error);
    if (ctx != NULL) {
      for (guint i = 0; i < ctx->len; i++) {
        AtPdpContext *c = &g_array_index (ctx, AtPdpContext, i);
        g_assert_cmpuint (strlen (c->apn), <, sizeof c->apn);
        g_assert_cmpuint (strlen (c->pdp_type), <, sizeof c->pdp_type);
      }
      g_array_unref (ctx);
    } else {
      g_assert_nonnull (error);
    }
  }
  return 0;
}
