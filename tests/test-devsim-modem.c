/* tests/test-devsim-modem.c - the simulated modems' AT replies: byte for byte
 * against the real transcripts of ../shared/reference/modems/ and against
 * a table of expected replies (tests/data/sim/at-cases.txt). */
#include "drivers/fixture/devsim/devsim-modem.h"
#include "tests/common/test-common.h"

#include <stdlib.h>
#include <string.h>

static char *
unescape (const char *s)
{
  GString *out = g_string_new (NULL);

  for (; *s; s++) {
    if (*s != '\\' || s[1] == '\0') {
      g_string_append_c (out, *s);
      continue;
    }
    s++;
    g_string_append_c (out, *s == 'r' ? '\r' : *s == 'n' ? '\n' : *s);
  }
  return g_string_free (out, FALSE);
}

static char *
replace_all (const char *text, const char *from, const char *to)
{
  g_auto (GStrv) parts = g_strsplit (text, from, -1);
  return g_strjoinv (to, parts);
}

static GStrv
read_lines (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return g_strsplit (text, "\n", -1);
}

/* ---- against the transcripts ---- */

/* chat_reply: the bytes the module sent after the first ">" line matching
 * @cmd in @chat_lines; NULL when absent or when URCs are interleaved. */
static char *
chat_reply (GStrv chat, const char *cmd)
{
  GString *out = NULL;

  for (guint i = 0; chat[i] != NULL; i++) {
    const char *l = chat[i];
    if (out == NULL) {
      g_autofree char *c = l[0] == '>' ? g_strstrip (g_strdup (l + 1)) : NULL;
      if (c != NULL && strcmp (c, cmd) == 0)
        out = g_string_new (NULL);
      continue;
    }
    if (l[0] == '>')
      break;
    if (l[0] == '!') {
      g_string_free (out, TRUE);
      return NULL;
    }
    if (l[0] == '<')
      g_string_append_printf (out, "%s\r\n", l[1] == ' ' ? l + 2 : l + 1);
  }
  return out ? g_string_free (out, FALSE) : NULL;
}

static char *
chat_header (GStrv chat, const char *key)
{
  g_autofree char *prefix = g_strdup_printf ("# %s:", key);

  for (guint i = 0; chat[i] != NULL; i++)
    if (g_str_has_prefix (chat[i], prefix))
      return g_strstrip (g_strdup (chat[i] + strlen (prefix)));
  return NULL;
}

static char *
json_field (const char *json, const char *key)
{
  g_autofree char *pat = g_strdup_printf ("\"%s\":\"", key);
  const char *p = strstr (json, pat), *end;

  if (p == NULL)
    return NULL;
  p += strlen (pat);
  end = strchr (p, '"');
  return end ? g_strndup (p, end - p) : NULL;
}

static void
test_transcripts (void)
{
  g_autofree char *cases_path = tc_data_path ("sim", "chat-cases.txt", NULL);
  g_auto (GStrv) cases = read_lines (cases_path);
  guint checked = 0;

  for (guint i = 0; cases[i] != NULL; i++) {
    g_auto (GStrv) f = NULL;
    g_autofree char *chat_path = NULL, *profile_name = NULL, *expect = NULL, *want = NULL;
    g_autofree char *imei = NULL, *imsi = NULL, *iccid = NULL;
    g_auto (GStrv) chat = NULL;
    g_autoptr (DevsimUnitSpec) spec = devsim_unit_spec_new ();
    g_autoptr (DevsimModem) m = NULL;
    g_autoptr (GString) out = g_string_new (NULL);
    g_autoptr (GRand) rand = g_rand_new_with_seed (1);
    const DevsimProfile *profile;

    if (cases[i][0] == '#' || cases[i][0] == '\0')
      continue;
    f = g_strsplit (cases[i], "|", 4);
    g_assert_cmpuint (g_strv_length (f), ==, 4);
    chat_path = tc_shared_path ("reference", "modems", f[0], NULL);
    chat = read_lines (chat_path);
    profile_name = g_strndup (f[0], strlen (f[0]) - 5);
    profile = devsim_profile_find (profile_name);
    g_assert_nonnull (profile);
    expect = chat_header (chat, "expect-json");
    spec->profile = g_strdup (profile_name);
    spec->imei = json_field (expect, "imei");
    spec->imsi = json_field (expect, "imsi");
    spec->iccid = json_field (expect, "iccid");
    devsim_unit_fill (spec, rand);
    m = devsim_modem_new (profile, spec, NULL, NULL);
    if (strcmp (f[2], "registered") == 0)
      m->reg_stat = DEVSIM_REG_HOME;
    want = chat_reply (chat, f[1]);
    if (want == NULL)
      g_error ("%s: no reply to %s in the transcript", f[0], f[1]);
    if (f[3][0] != '\0') {
      g_auto (GStrv) subs = g_strsplit (f[3], ";", 8);
      for (guint k = 0; subs[k] != NULL; k++) {
        g_auto (GStrv) kv = g_strsplit (subs[k], "=", 2);
        char *r = replace_all (want, kv[0], kv[1]);
        g_free (want);
        want = r;
      }
    }
    devsim_modem_execute (m, f[1], out);
    if (strcmp (out->str, want) != 0) {
      g_autofree char *a = g_strescape (out->str, NULL), *b = g_strescape (want, NULL);
      g_error ("%s %s: simulated \"%s\", transcript \"%s\"", f[0], f[1], a, b);
    }
    checked++;
  }
  g_assert_cmpuint (checked, >=, 20);
}

/* ---- table of replies ---- */

static void
setup_modem (DevsimModem *m, const char *setup)
{
  g_auto (GStrv) steps = NULL;

  if (strcmp (setup, "-") == 0)
    return;
  steps = g_strsplit (setup, " ", 16);
  for (guint i = 0; steps[i] != NULL; i++) {
    g_autoptr (GString) junk = g_string_new (NULL);
    if (strcmp (steps[i], "nosim") == 0)
      m->card = DEVSIM_CARD_ABSENT;
    else if (strcmp (steps[i], "pin") == 0)
      m->card = DEVSIM_CARD_PIN;
    else if (g_str_has_prefix (steps[i], "reg="))
      m->reg_stat = (guint)atoi (steps[i] + 4);
    else
      devsim_modem_execute (m, steps[i], junk);
  }
}

static void
test_table (void)
{
  g_autofree char *path = tc_data_path ("sim", "at-cases.txt", NULL);
  g_auto (GStrv) lines = read_lines (path);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++) {
    g_auto (GStrv) f = NULL;
    g_autoptr (DevsimUnitSpec) spec = devsim_unit_spec_new ();
    g_autoptr (DevsimModem) m = NULL;
    g_autoptr (GString) out = g_string_new (NULL);
    g_autofree char *want = NULL, *w1 = NULL, *w2 = NULL, *w3 = NULL;

    if (lines[i][0] == '#' || lines[i][0] == '\0')
      continue;
    f = g_strsplit (lines[i], "|", 4);
    g_assert_cmpuint (g_strv_length (f), ==, 4);
    spec->profile = g_strdup (f[0]);
    spec->imei = g_strdup ("865502067709146");
    spec->imsi = g_strdup ("440103534165382");
    spec->iccid = g_strdup ("8981100005819480006");
    g_assert_nonnull (devsim_profile_find (f[0]));
    m = devsim_modem_new (devsim_profile_find (f[0]), spec, NULL, NULL);
    setup_modem (m, f[1]);
    w1 = unescape (f[3]);
    w2 = replace_all (w1, "{IMEI}", spec->imei);
    w3 = replace_all (w2, "{IMSI}", spec->imsi);
    want = replace_all (w3, "{ICCID}", spec->iccid);
    devsim_modem_execute (m, f[2], out);
    if (strcmp (out->str, want) != 0) {
      g_autofree char *a = g_strescape (out->str, NULL), *b = g_strescape (want, NULL);
      g_error ("line %u: %s [%s] %s: got \"%s\", want \"%s\"", i + 1, f[0], f[1], f[2], a, b);
    }
    n++;
  }
  g_assert_cmpuint (n, >=, 60);
}

static void
test_boot_urcs (void)
{
  static const struct {
    const char *profile;
    gboolean nosim;
    const char *want;
  } cases[] = {
    { "quectel-bg96", FALSE,
      "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\n+QIND: SMS DONE\r\n" },
    { "quectel-bg96", TRUE, "\r\nRDY\r\n\r\n+CFUN: 1\r\n" },
    { "nordic-nrf9160-slm", FALSE, "Ready\r\n" },
    { "simcom-sim868", TRUE, "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: NOT INSERTED\r\n" },
    { "u-blox-sara-r412m", FALSE, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (DevsimUnitSpec) spec = devsim_unit_spec_new ();
    g_autoptr (GRand) rand = g_rand_new_with_seed (3);
    g_autoptr (DevsimModem) m = NULL;
    g_autoptr (GString) out = g_string_new (NULL);

    spec->profile = g_strdup (cases[i].profile);
    if (cases[i].nosim)
      devsim_unit_add_fault (spec, DEVSIM_FAULT_NOSIM, NULL);
    devsim_unit_fill (spec, rand);
    m = devsim_modem_new (devsim_profile_find (spec->profile), spec, NULL, NULL);
    devsim_modem_boot_urcs (m, out);
    g_assert_cmpstr (out->str, ==, cases[i].want);
    /* echo is the device's job; the profile says whether it starts on */
    g_assert_cmpint (m->echo, ==, strcmp (cases[i].profile, "nordic-nrf9160-slm") != 0);
  }
}

static void
test_registration_urcs (void)
{
  g_autoptr (DevsimUnitSpec) spec = devsim_unit_spec_new ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);
  g_autoptr (DevsimModem) m = NULL;
  g_autoptr (GString) out = g_string_new (NULL);

  spec->profile = g_strdup ("quectel-bg96");
  devsim_unit_fill (spec, rand);
  m = devsim_modem_new (devsim_profile_find (spec->profile), spec, NULL, NULL);
  devsim_modem_set_registration (m, DEVSIM_REG_SEARCHING, out);
  g_assert_cmpstr (out->str, ==, ""); /* URCs off by default */
  devsim_modem_execute (m, "AT+CEREG=1;+CREG=1", out);
  g_string_truncate (out, 0);
  devsim_modem_set_registration (m, DEVSIM_REG_HOME, out);
  g_assert_cmpstr (out->str, ==, "\r\n+CEREG: 1\r\n\r\n+CREG: 1\r\n");
  g_string_truncate (out, 0);
  devsim_modem_set_registration (m, DEVSIM_REG_HOME, out);
  g_assert_cmpstr (out->str, ==, ""); /* unchanged: no URC */
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/devsim-modem/transcripts", test_transcripts);
  g_test_add_func ("/devsim-modem/table", test_table);
  g_test_add_func ("/devsim-modem/boot-urcs", test_boot_urcs);
  g_test_add_func ("/devsim-modem/registration-urcs", test_registration_urcs);
  return g_test_run ();
}
