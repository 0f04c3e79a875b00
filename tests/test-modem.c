/* tests/test-modem.c - modem profiles and the high-level operations:
 * profile selection, identify with a transcript, registration polling over
 * a replayed nRF91 transcript, signal, radio off, waiting for boot. */
#include <string.h>

#include "drivers/modem/modem.h"
#include "tests/at-fake-modem.h"
#include "tests/common/test-common.h"

static void
test_profile_select (void)
{
  static const struct {
    const char *manufacturer;
    const char *model;
    const char *profile;
  } rows[] = {
    { "Quectel", "BG96", "quectel" },
    { NULL, "BG770A-GL", "quectel" }, /* quectel-bg770a-soracom.chat: no +CGMI */
    { "u-blox", "SARA-R412M-02B", "u-blox" },
    { "SIMCOM INCORPORATED", "SIMCOM_SIM7600E-H", "simcom" },
    { NULL, "nRF9160-SICA", "nordic" }, /* nordic-nrf9160-slm.chat */
    { "Telit", "LE910C1-EU", "telit" },
    { "Sierra Wireless, Incorporated", "EM7565-9", "sierra" },
    { NULL, "EM7565-9", "sierra" },
    { "huawei", "E3372", "huawei" },
    { "Fibocom", NULL, "fibocom" },
    { "Marvell", NULL, "marvell" },
    { NULL, NULL, "generic" },
    { "ACME Modems", "X1", "generic" },
  };
  const ModemProfile *const *all = modem_profile_all ();
  gsize n = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    const ModemProfile *p = modem_profile_select (rows[i].manufacturer, rows[i].model);
    g_assert_cmpstr (p->name, ==, rows[i].profile);
  }
  /* every profile is complete */
  for (; all[n] != NULL; n++) {
    g_assert_nonnull (all[n]->name);
    g_assert_nonnull (all[n]->imei);
    g_assert_nonnull (all[n]->iccid);
    g_assert_nonnull (all[n]->iccid[0].command);
    g_assert_true (g_str_has_prefix (all[n]->radio_off, "AT+CFUN="));
    g_assert_true (all[n]->radio_off_cfun == 0 || all[n]->radio_off_cfun == 4);
    g_assert_true (modem_profile_find (all[n]->name) == all[n]);
  }
  g_assert_cmpuint (n, >=, 10);
  g_assert_true (all[n - 1] == modem_profile_generic ());
  g_assert_true (g_strv_contains (modem_profile_all_boot_urcs (), "RDY"));
  g_assert_true (g_strv_contains (modem_profile_all_boot_urcs (), "Ready"));
}

/* A replayed transcript and a started Modem on it. */
typedef struct {
  GPid pid;
  Modem *modem;
} Replay;

static void
replay_open (Replay *r, const char *chat, const char *option)
{
  g_autofree char *replay = tc_shared_path ("reference", "modems", "modem_replay.py", NULL);
  g_autofree char *file = tc_shared_path ("reference", "modems", chat, NULL);
  g_autofree char *python = g_find_program_in_path ("python3");
  const char *argv[] = { python, replay, file, option, NULL };
  g_autofree char *pty = tc_spawn_first_line (argv, &r->pid, NULL, 20000);
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (pty);
  r->modem = modem_open (pty, 115200, &error);
  g_assert_no_error (error);
  modem_set_poll_interval (r->modem, 10, 10);
}

static void
replay_close (Replay *r)
{
  modem_free (r->modem);
  tc_kill (r->pid, 2000);
}

static void
count_urc (const char *line, gpointer data)
{
  GPtrArray *urcs = data;

  g_ptr_array_add (urcs, g_strdup (line));
}

static void
test_wait_registered (void)
{
  Replay r;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) urcs = g_ptr_array_new_with_free_func (g_free);
  AtRegistration reg;

  /* nordic-nrf9160-slm.chat: +CEREG? goes 4, 4, 2, 2, 1 with URCs between */
  replay_open (&r, "nordic-nrf9160-slm.chat", "--split-bytes");
  at_channel_set_urc_func (modem_get_channel (r.modem), count_urc, urcs);
  g_assert_true (modem_start (r.modem, NULL, &error));
  g_assert_true (modem_wait_registered (r.modem, 30000, &reg, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (reg.family, ==, AT_REG_CEREG);
  g_assert_cmpint (reg.stat, ==, AT_REG_HOME);
  g_assert_cmpint (reg.n, ==, 1);
  g_ptr_array_add (urcs, NULL);
  g_assert_true (g_strv_contains ((const char *const *)urcs->pdata, "+CEREG: 2"));
  replay_close (&r);
}

static void
test_not_registered (void)
{
  Replay r;
  g_autoptr (GError) error = NULL;

  /* nordic-nrf9160-linkmonitor.chat: +CEREG: 5,4 forever */
  replay_open (&r, "nordic-nrf9160-linkmonitor.chat", NULL);
  g_assert_false (modem_wait_registered (r.modem, 300, NULL, NULL, &error));
  g_assert_error (error, MODEM_ERROR, MODEM_ERROR_NOT_REGISTERED);
  replay_close (&r);
}

static void
test_no_signal (void)
{
  Replay r;
  g_autoptr (GError) error = NULL;
  ModemSignal sig;

  /* quectel-bg96-rak5010-nosim.chat: +CSQ: 99,99, no +CESQ */
  replay_open (&r, "quectel-bg96-rak5010-nosim.chat", "--echo");
  g_assert_false (modem_signal (r.modem, &sig, NULL, &error));
  g_assert_error (error, MODEM_ERROR, MODEM_ERROR_NO_SIGNAL);
  g_assert_cmpint (sig.csq, ==, 99);
  replay_close (&r);
}

static void
add_line (AtLineKind kind, gint64 utc_ms, const char *line, gpointer data)
{
  g_ptr_array_add (data, g_strdup_printf ("%s %s", at_line_kind_name (kind), line));
}

static void
test_identify_transcript (void)
{
  Replay r;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (ModemIdentity) id = NULL;

  replay_open (&r, "quectel-ep06.chat", "--echo");
  at_channel_set_transcript_func (modem_get_channel (r.modem), add_line, lines);
  id = modem_identify (r.modem, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id->profile, ==, "quectel");
  g_assert_cmpstr (id->iccid, ==, "8939560035051440179");
  g_assert_cmpstr (id->model, ==, "EP06");
  g_assert_cmpuint (id->warnings->len, ==, 0);
  g_ptr_array_add (lines, NULL);
  g_assert_true (g_strv_contains ((const char *const *)lines->pdata, "sent AT"));
  g_assert_true (g_strv_contains ((const char *const *)lines->pdata, "echo AT"));
  g_assert_true (g_strv_contains ((const char *const *)lines->pdata, "sent ATE0"));
  g_assert_true (g_strv_contains ((const char *const *)lines->pdata, "sent AT+CMEE=2"));
  g_assert_true (g_strv_contains ((const char *const *)lines->pdata, "sent AT+QCCID"));
  g_assert_true (
      g_strv_contains ((const char *const *)lines->pdata, "received +QCCID: 8939560035051440179F"));
  g_assert_true (
      g_strv_contains ((const char *const *)lines->pdata, "received Revision: EP06ELAR03A08M4G"));
  replay_close (&r);
}

static void
test_signal_and_radio_off (void)
{
  static const FakeAnswer answers[] = {
    { "AT+CESQ", "\r\n+CESQ: 99,99,255,255,20,45\r\n\r\nOK\r\n" },
    { "AT+CSQ", "\r\n+CSQ: 20,99\r\n\r\nOK\r\n" },
    { "AT+CFUN=4", "\r\nOK\r\n" },
    { "AT+CFUN?", "\r\n+CFUN: 4\r\n\r\nOK\r\n" },
    { NULL },
  };
  g_autoptr (FakeModem) fake = fake_modem_new (answers, "\r\nERROR\r\n", FALSE, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (Modem) modem = modem_open (fake_modem_path (fake), 0, &error);
  ModemSignal sig;

  g_assert_no_error (error);
  g_assert_true (modem_signal (modem, &sig, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (sig.has_rsrp);
  g_assert_cmpint (sig.rsrp_dbm, ==, -96);
  g_assert_true (sig.has_rssi);
  g_assert_cmpint (sig.rssi_dbm, ==, -73);

  /* the nRF91 profile turns the radio off with CFUN=4 */
  modem_set_profile (modem, modem_profile_find ("nordic"));
  g_assert_true (modem_radio_off (modem, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_modem_count (fake, "AT+CFUN=4"), ==, 1);
  g_assert_cmpuint (fake_modem_count (fake, "AT+CFUN=0"), ==, 0);
}

static void
test_radio_still_on (void)
{
  static const FakeAnswer answers[] = {
    { "AT+CFUN=0", "\r\nOK\r\n" },
    { "AT+CFUN?", "\r\n+CFUN: 1\r\n\r\nOK\r\n" },
    { NULL },
  };
  g_autoptr (FakeModem) fake = fake_modem_new (answers, "\r\nERROR\r\n", TRUE, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (Modem) modem = modem_open (fake_modem_path (fake), 0, &error);

  g_assert_false (modem_radio_off (modem, NULL, &error));
  g_assert_error (error, MODEM_ERROR, MODEM_ERROR_RADIO_STILL_ON);
}

/* Issue 11: +CGMI/+CGMM/+CGMR/+CGSN refused (ERROR, +CME ERROR) are asked
 * again in their V.25ter form +GMI/+GMM/+GMR/+GSN, as ModemManager does, and
 * each field keeps whatever answered: an answered +CGMM is not asked again,
 * and ATI is not needed.  Replies as real modems gave them (sources in
 * tests/data/modems/replies.txt); the refusals are the final results any
 * 27.007 module gives. */
static void
test_identify_v25ter_fallbacks (void)
{
  static const FakeAnswer answers[] = {
    { "AT", "\r\nOK\r\n" },
    { "AT+CGMI", "\r\nERROR\r\n" },
    /* Maxon MM-6280IND Extended AT Commands Manual (2009-06-25) p. 61 */
    { "AT+GMI", "\r\nMaxon Electronics Australia Pty. Ltd.\r\n\r\nOK\r\n" },
    /* gammu/wammu#6 (Huawei E173, AT+CGMM frame) */
    { "AT+CGMM", "\r\nE173\r\n\r\nOK\r\n" },
    { "AT+CGMR", "\r\n+CME ERROR: operation not supported\r\n" },
    /* Motorola G24-L AT Commands Reference Manual (2008-04-15) p. 3-3 */
    { "AT+GMR", "\r\n+GMR: \"G24-L SW 4-0.210-000\"\r\n\r\nOK\r\n" },
    { "AT+CGSN", "\r\n+CME ERROR: 4\r\n" },
    /* simcom-sim868.chat:12-16 */
    { "AT+GSN", "\r\n868183032413341\r\n\r\nOK\r\n" },
    /* simcom-sim868.chat:7-11 */
    { "AT+CCID", "\r\n8944501687396204421f\r\n\r\nOK\r\n" },
    { "AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n" },
    { NULL },
  };
  g_autoptr (FakeModem) fake = fake_modem_new (answers, "\r\nERROR\r\n", FALSE, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (Modem) modem = modem_open (fake_modem_path (fake), 0, &error);
  g_autoptr (ModemIdentity) id = NULL;

  g_assert_no_error (error);
  modem_set_poll_interval (modem, 10, 10);
  id = modem_identify (modem, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id->manufacturer, ==, "Maxon Electronics Australia Pty. Ltd.");
  g_assert_cmpstr (id->model, ==, "E173");
  g_assert_cmpstr (id->revision, ==, "G24-L SW 4-0.210-000");
  g_assert_cmpstr (id->imei, ==, "868183032413341");
  g_assert_cmpstr (id->iccid, ==, "8944501687396204421");
  g_assert_cmpuint (fake_modem_count (fake, "AT+CGMI"), ==, 1);
  g_assert_cmpuint (fake_modem_count (fake, "AT+GMI"), ==, 1);
  g_assert_cmpuint (fake_modem_count (fake, "AT+GMM"), ==, 0); /* +CGMM answered */
  g_assert_cmpuint (fake_modem_count (fake, "AT+GMR"), ==, 1);
  g_assert_cmpuint (fake_modem_count (fake, "AT+GSN"), ==, 1);
  g_assert_cmpuint (fake_modem_count (fake, "ATI"), ==, 0);
}

static void
test_wait_ready (void)
{
  static const FakeAnswer answers[] = { { "AT", "\r\nOK\r\n" }, { NULL } };
  g_autoptr (FakeModem) fake = fake_modem_new (answers, "\r\nOK\r\n", TRUE, 0);
  g_autoptr (FakeModem) dead = fake_modem_new (NULL, NULL, FALSE, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (Modem) modem = modem_open (fake_modem_path (fake), 0, &error);
  g_autoptr (Modem) silent = modem_open (fake_modem_path (dead), 0, &error);

  g_assert_no_error (error);
  fake_modem_write (fake, "\r\nRDY\r\n", 7);
  g_assert_true (modem_wait_ready (modem, 20000, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (modem_wait_ready (silent, 1500, NULL, &error));
  g_assert_error (error, MODEM_ERROR, MODEM_ERROR_NOT_READY);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/modem/profile-select", test_profile_select);
  g_test_add_func ("/modem/wait-registered", test_wait_registered);
  g_test_add_func ("/modem/not-registered", test_not_registered);
  g_test_add_func ("/modem/no-signal", test_no_signal);
  g_test_add_func ("/modem/identify-transcript", test_identify_transcript);
  g_test_add_func ("/modem/signal-and-radio-off", test_signal_and_radio_off);
  g_test_add_func ("/modem/radio-still-on", test_radio_still_on);
  g_test_add_func ("/modem/wait-ready", test_wait_ready);
  g_test_add_func ("/modem/identify-v25ter-fallbacks", test_identify_v25ter_fallbacks);
  return g_test_run ();
}
