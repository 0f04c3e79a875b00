/* tests/test-at-channel.c - the AT channel over a pty pair against a
 * scripted modem: echo on/off, URCs inside replies, 1-byte writes, boot
 * garbage, silence, a port closed mid-reply, an endless line, +CME ERROR in
 * both forms, cancellation, the transcript. */
#include <string.h>

#include "drivers/at/at-channel.h"
#include "tests/at-fake-modem.h"
#include "tests/common/test-common.h"

#define IMEI_REPLY "\r\n867962040000000\r\n\r\nOK\r\n"

static const FakeAnswer basic_answers[] = {
  { "AT", "\r\nOK\r\n" },
  { "ATE0", "\r\nOK\r\n" },
  { "AT+CMEE=2", "\r\nOK\r\n" },
  { "AT+CGSN", IMEI_REPLY },
  { "AT+CIMI", "\r\n440103534165382\r\n\r\nOK\r\n" },
  { NULL },
};

typedef struct {
  GPtrArray *lines; /* "kind line" */
  GPtrArray *urcs;
  gint64 last_ms;
  gboolean monotonic;
} Record;

static void
on_line (AtLineKind kind, gint64 utc_ms, const char *line, gpointer data)
{
  Record *r = data;

  if (utc_ms < r->last_ms)
    r->monotonic = FALSE;
  r->last_ms = utc_ms;
  g_ptr_array_add (r->lines, g_strdup_printf ("%s %s", at_line_kind_name (kind), line));
}

static void
on_urc (const char *line, gpointer data)
{
  Record *r = data;

  g_ptr_array_add (r->urcs, g_strdup (line));
}

static void
record_init (Record *r)
{
  r->lines = g_ptr_array_new_with_free_func (g_free);
  r->urcs = g_ptr_array_new_with_free_func (g_free);
  r->monotonic = TRUE;
  r->last_ms = 0;
}

static void
record_clear (Record *r)
{
  g_ptr_array_unref (r->lines);
  g_ptr_array_unref (r->urcs);
}

static gboolean
has_line (GPtrArray *a, const char *s)
{
  for (guint i = 0; i < a->len; i++)
    if (strcmp (g_ptr_array_index (a, i), s) == 0)
      return TRUE;
  return FALSE;
}

static AtChannel *
open_channel (FakeModem *fake, Record *rec)
{
  g_autoptr (GError) error = NULL;
  AtChannel *ch = at_channel_open (fake_modem_path (fake), 115200, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ch);
  if (rec != NULL) {
    at_channel_set_transcript_func (ch, on_line, rec);
    at_channel_set_urc_func (ch, on_urc, rec);
  }
  return ch;
}

static void
expect_imei (AtChannel *ch)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *reply = at_channel_command (ch, "AT+CGSN", 5000, NULL, &error);
  g_autofree char *imei = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (reply, ==, "867962040000000\r\nOK\r\n");
  g_assert_true (at_parse_imei (reply, &imei, &error));
  g_assert_cmpstr (imei, ==, "867962040000000");
}

static void
run_echo (gboolean echo, gsize split)
{
  g_autoptr (FakeModem) fake = fake_modem_new (basic_answers, "\r\nERROR\r\n", echo, split);
  Record rec;
  g_autoptr (AtChannel) ch = NULL;
  g_autoptr (GError) error = NULL;

  record_init (&rec);
  ch = open_channel (fake, &rec);
  g_assert_true (at_channel_start (ch, NULL, &error));
  g_assert_no_error (error);
  expect_imei (ch);
  expect_imei (ch);
  g_assert_true (at_channel_command_ok (ch, "AT+CIMI", 5000, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (has_line (rec.lines, "sent AT+CGSN"));
  g_assert_true (has_line (rec.lines, "received 867962040000000"));
  g_assert_true (has_line (rec.lines, "received OK"));
  g_assert_cmpint (has_line (rec.lines, "echo AT"), ==, echo);
  g_assert_true (rec.monotonic);
  g_assert_cmpuint (rec.urcs->len, ==, 0);
  g_assert_cmpuint (fake_modem_count (fake, "AT+CGSN"), ==, 2);
  record_clear (&rec);
}

static void
test_echo_off (void)
{
  run_echo (FALSE, 0);
}

static void
test_echo_on (void)
{
  run_echo (TRUE, 0);
}

static void
test_split_bytes (void)
{
  run_echo (TRUE, 1);
  run_echo (FALSE, 1);
}

static void
test_urcs_inside_replies (void)
{
  static const FakeAnswer answers[] = {
    { "AT+CGSN", "\r\n+CEREG: 2\r\n\r\nRDY\r\n\r\n867962040000000\r\n\r\n+QIND: \"csq\",20,99\r\n"
                 "+CPIN: READY\r\n\r\nOK\r\n" },
    /* nordic-nrf9160-slm.chat:43-46: the URC right before the read reply */
    { "AT+CEREG?", "+CEREG: 2\r\n+CEREG: 1,2\r\nOK\r\n" },
    { "AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n" },
    { NULL },
  };
  g_autoptr (FakeModem) fake = fake_modem_new (answers, "\r\nOK\r\n", TRUE, 0);
  Record rec;
  g_autoptr (AtChannel) ch = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *cereg = NULL;
  g_autofree char *cpin = NULL;
  AtRegistration reg;

  record_init (&rec);
  ch = open_channel (fake, &rec);
  expect_imei (ch);
  g_assert_cmpuint (rec.urcs->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (rec.urcs, 0), ==, "+CEREG: 2");
  g_assert_cmpstr (g_ptr_array_index (rec.urcs, 1), ==, "RDY");
  g_assert_cmpstr (g_ptr_array_index (rec.urcs, 3), ==, "+CPIN: READY");
  g_assert_true (has_line (rec.lines, "urc +QIND: \"csq\",20,99"));

  cereg = at_channel_command (ch, "AT+CEREG?", 5000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cereg, ==, "+CEREG: 1,2\r\nOK\r\n");
  g_assert_cmpuint (rec.urcs->len, ==, 5);
  g_assert_true (at_parse_creg (cereg, &reg, &error));
  g_assert_cmpint (reg.stat, ==, AT_REG_SEARCHING);

  /* the command's own tag is its reply, not a URC */
  cpin = at_channel_command (ch, "AT+CPIN?", 5000, NULL, &error);
  g_assert_cmpstr (cpin, ==, "+CPIN: READY\r\nOK\r\n");
  g_assert_cmpuint (rec.urcs->len, ==, 5);
  record_clear (&rec);
}

static void
test_garbage_at_boot (void)
{
  /* NULs, 0xFF, ANSI escapes and control bytes around the first replies */
  static const char boot_ok[] = "\x00\xff\xfe\x1b[2J\x1b[0m\x01\x02\r\n\x00\r\nOK\r\n";
  static const char noisy_imei[] = "\x1b[1m\r\n8679620\x00\x00"
                                   "40000000\r\n\r\nOK\r\n\x00";
  static const FakeAnswer answers[] = {
    { "AT", boot_ok, sizeof boot_ok - 1 },
    { "AT+CGSN", noisy_imei, sizeof noisy_imei - 1 },
    { NULL },
  };
  g_autoptr (FakeModem) fake = fake_modem_new (answers, "\r\nOK\r\n", FALSE, 3);
  g_autoptr (AtChannel) ch = open_channel (fake, NULL);
  g_autoptr (GError) error = NULL;
  static const char garbage[] = "\xc3\x28\xa0\xa1\x00\x1b]0;x\x07 ~~\xff";

  fake_modem_write (fake, garbage, sizeof garbage - 1);
  g_assert_true (at_channel_start (ch, NULL, &error));
  g_assert_no_error (error);
  expect_imei (ch);
}

static void
test_no_answer (void)
{
  g_autoptr (FakeModem) fake = fake_modem_new (NULL, NULL, FALSE, 0);
  g_autoptr (AtChannel) ch = open_channel (fake, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *reply = NULL;

  g_assert_false (at_channel_start (ch, NULL, &error));
  g_assert_error (error, AT_ERROR, AT_ERROR_NO_ANSWER);
  g_assert_nonnull (strstr (error->message, fake_modem_path (fake)));
  g_assert_nonnull (strstr (error->message, "does not answer AT"));
  g_clear_error (&error);
  g_assert_cmpuint (fake_modem_count (fake, "AT"), ==, 2); /* one retry */

  reply = at_channel_command (ch, "AT+CGSN", 200, NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, AT_ERROR, AT_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "AT+CGSN"));
  g_assert_cmpuint (fake_modem_count (fake, "AT+CGSN"), ==, 2);
}

static void
test_only_garbage (void)
{
  g_autoptr (FakeModem) fake = fake_modem_new (NULL, "\xff\x13#@!x\r\n~~\x1b[5m", FALSE, 0);
  g_autoptr (AtChannel) ch = open_channel (fake, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_false (at_channel_start (ch, NULL, &error));
  g_assert_error (error, AT_ERROR, AT_ERROR_NO_ANSWER);
  g_assert_nonnull (strstr (error->message, "unreadable"));
}

static void
test_closed_mid_reply (void)
{
  static const FakeAnswer answers[] = {
    { "AT+CGSN", "\r\n8679620", 0, TRUE },
    { NULL },
  };
  g_autoptr (FakeModem) fake = fake_modem_new (answers, "\r\nOK\r\n", FALSE, 0);
  g_autoptr (AtChannel) ch = open_channel (fake, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *reply = at_channel_command (ch, "AT+CGSN", 20000, NULL, &error);
  gint64 t0 = g_get_monotonic_time ();

  g_assert_null (reply);
  g_assert_error (error, SERIAL_ERROR, SERIAL_ERROR_GONE);
  g_clear_error (&error);
  /* later calls fail at once too */
  g_assert_false (at_channel_command_ok (ch, "AT", 20000, NULL, &error));
  g_assert_error (error, SERIAL_ERROR, SERIAL_ERROR_GONE);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 10 * G_USEC_PER_SEC);
}

static void
test_endless_line (void)
{
  static char big[65536 + 32];
  static const FakeAnswer answers[] = {
    { "AT+CGMR", big, 65536 },
    { "AT+CGSN", "\r\n" IMEI_REPLY },
    { NULL },
  };
  g_autoptr (FakeModem) fake = NULL;
  g_autoptr (AtChannel) ch = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *reply = NULL;

  memset (big, 'A', 65536);
  fake = fake_modem_new (answers, "\r\nOK\r\n", FALSE, 0);
  ch = open_channel (fake, NULL);
  reply = at_channel_command (ch, "AT+CGMR", 20000, NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, AT_ERROR, AT_ERROR_GARBAGE);
  g_assert_nonnull (strstr (error->message, "longer than"));
  g_assert_cmpuint (fake_modem_count (fake, "AT+CGMR"), ==, 1); /* no retry */
  /* the rest of the line is skipped; the channel works again */
  expect_imei (ch);
}

static void
test_line_flood (void)
{
  static char flood[300 * 4 + 1];
  static const FakeAnswer answers[] = { { "AT+CGMR", flood }, { NULL } };
  g_autoptr (FakeModem) fake = NULL;
  g_autoptr (AtChannel) ch = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *reply = NULL;

  for (int i = 0; i < 300; i++)
    memcpy (flood + i * 4, "x\r\n\n", 4);
  fake = fake_modem_new (answers, "\r\nOK\r\n", FALSE, 0);
  ch = open_channel (fake, NULL);
  reply = at_channel_command (ch, "AT+CGMR", 20000, NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, AT_ERROR, AT_ERROR_GARBAGE);
}

static void
test_late_reply (void)
{
  /* the first AT+CGMI is answered after the retry went out: its second OK
   * must not become AT+CGMM's reply */
  static const FakeAnswer answers[] = {
    { "AT+CGMI", "\r\nQuectel\r\n\r\nOK\r\n", 0, FALSE, 1200 },
    { "AT+CGMM", "\r\nBG96\r\n\r\nOK\r\n" },
    { NULL },
  };
  g_autoptr (FakeModem) fake = fake_modem_new (answers, "\r\nERROR\r\n", FALSE, 0);
  g_autoptr (AtChannel) ch = open_channel (fake, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *cgmi = at_channel_command (ch, "AT+CGMI", 800, NULL, &error);
  g_autofree char *cgmm = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (cgmi, ==, "Quectel\r\nOK\r\n");
  g_assert_cmpuint (fake_modem_count (fake, "AT+CGMI"), ==, 2);
  cgmm = at_channel_command (ch, "AT+CGMM", 5000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cgmm, ==, "BG96\r\nOK\r\n");
}

static void
test_cme_errors (void)
{
  static const FakeAnswer answers[] = {
    { "AT+CIMI", "\r\n+CME ERROR: SIM not inserted\r\n" },
    { "AT+CPIN?", "\r\n+CME ERROR: 10\r\n" },
    { "AT+CLCK=\"SC\",0,\"1111\"", "\r\n+CME ERROR: SIM failure\r\n" },
    { "AT+COPS=0", "\r\n+CME ERROR: 13\r\n" },
    { "AT+CMGS=1", "\r\n+CMS ERROR: 500\r\n" },
    { NULL },
  };
  static const struct {
    const char *command;
    int code;
  } rows[] = {
    { "AT+CIMI", AT_ERROR_SIM_MISSING },
    { "AT+CPIN?", AT_ERROR_SIM_MISSING },
    { "AT+CLCK=\"SC\",0,\"1111\"", AT_ERROR_SIM_FAILURE },
    { "AT+COPS=0", AT_ERROR_SIM_FAILURE },
    { "AT+CMGS=1", AT_ERROR_CMS },
    { "AT+XYZ", AT_ERROR_FAILED },
  };
  g_autoptr (FakeModem) fake = fake_modem_new (answers, "\r\nERROR\r\n", TRUE, 2);
  g_autoptr (AtChannel) ch = open_channel (fake, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree char *reply = at_channel_command (ch, rows[i].command, 5000, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (reply); /* the modem answered: a reply, not a transport error */
    g_assert_false (at_channel_command_ok (ch, rows[i].command, 5000, NULL, &error));
    g_assert_error (error, AT_ERROR, rows[i].code);
    g_assert_true (g_str_has_prefix (error->message, fake_modem_path (fake)));
  }
}

static void
test_cancel (void)
{
  g_autoptr (FakeModem) fake = fake_modem_new (NULL, NULL, FALSE, 0);
  g_autoptr (AtChannel) ch = open_channel (fake, NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *reply = NULL;
  gint64 t0 = g_get_monotonic_time ();

  /* cancelled while it waits for a reply that never comes */
  fake_modem_cancel_on (fake, "AT+COPS=0", cancellable);
  reply = at_channel_command (ch, "AT+COPS=0", 0, cancellable, &error);
  g_assert_null (reply);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 60 * G_USEC_PER_SEC); /* not the 180 s */
  g_clear_error (&error);
  g_assert_false (at_channel_wait_urc (ch, NULL, 60000, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_wait_urc (void)
{
  g_autoptr (FakeModem) fake = fake_modem_new (NULL, NULL, FALSE, 1);
  Record rec;
  g_autoptr (AtChannel) ch = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  static const char *const boot[] = { "RDY", NULL };

  record_init (&rec);
  ch = open_channel (fake, &rec);
  static const char boot_lines[] = "\r\n+CFUN: 1\r\n\r\nstray\r\n\r\nRDY\r\n";

  fake_modem_write (fake, boot_lines, strlen (boot_lines));
  g_assert_true (at_channel_wait_urc (ch, boot, 10000, &line, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "RDY");
  g_assert_cmpuint (rec.urcs->len, ==, 2);
  g_assert_true (has_line (rec.lines, "dropped stray"));
  g_assert_false (at_channel_wait_urc (ch, boot, 50, NULL, NULL, &error));
  g_assert_no_error (error);
  record_clear (&rec);
}

static void
test_classification (void)
{
  static const struct {
    const char *line;
    const char *command;
    gboolean urc;
  } rows[] = {
    { "+CEREG: 2", NULL, TRUE },
    { "+CEREG: 2", "AT+CEREG?", TRUE }, /* unsolicited shape */
    { "+CEREG: 1,2", "AT+CEREG?", FALSE },
    { "+CEREG: 1,2", "AT+CGSN", TRUE },
    { "+CPIN: READY", "AT+CPIN?", FALSE },
    { "+CPIN: READY", "AT+CIMI", TRUE },
    { "RDY", "AT", TRUE },
    { "Ready", NULL, TRUE },
    { "^SYSSTART", NULL, TRUE },
    { "^SYSSTART AIRPLANE MODE", NULL, TRUE },
    { "+QIND: \"csq\",20,99", "AT+CSQ", TRUE },
    { "*RADIOPOWER: 1", "AT+CGMI", TRUE },
    { "867962040000000", "AT+CGSN", FALSE },
    { "+CGSN: \"352656100367872\"", "AT+CGSN=1", FALSE },
    { "OK", "AT", FALSE },
    { "READY", NULL, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    g_test_message ("%s while %s", rows[i].line, rows[i].command);
    g_assert_cmpint (at_channel_is_urc (NULL, rows[i].line, rows[i].command), ==, rows[i].urc);
  }
  g_assert_cmpuint (at_command_timeout_ms ("AT+COPS=0"), ==, 180000);
  g_assert_cmpuint (at_command_timeout_ms ("at+cfun=0"), ==, 30000);
  g_assert_cmpuint (at_command_timeout_ms ("AT+CGSN"), ==, AT_TIMEOUT_DEFAULT_MS);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/at-channel/echo-off", test_echo_off);
  g_test_add_func ("/at-channel/echo-on", test_echo_on);
  g_test_add_func ("/at-channel/split-bytes", test_split_bytes);
  g_test_add_func ("/at-channel/urcs-inside-replies", test_urcs_inside_replies);
  g_test_add_func ("/at-channel/garbage-at-boot", test_garbage_at_boot);
  g_test_add_func ("/at-channel/no-answer", test_no_answer);
  g_test_add_func ("/at-channel/only-garbage", test_only_garbage);
  g_test_add_func ("/at-channel/closed-mid-reply", test_closed_mid_reply);
  g_test_add_func ("/at-channel/endless-line", test_endless_line);
  g_test_add_func ("/at-channel/line-flood", test_line_flood);
  g_test_add_func ("/at-channel/late-reply", test_late_reply);
  g_test_add_func ("/at-channel/cme-errors", test_cme_errors);
  g_test_add_func ("/at-channel/cancel", test_cancel);
  g_test_add_func ("/at-channel/wait-urc", test_wait_urc);
  g_test_add_func ("/at-channel/classification", test_classification);
  return g_test_run ();
}
