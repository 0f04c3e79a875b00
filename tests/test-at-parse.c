/* tests/test-at-parse.c - table tests of every AT reply parser with the
 * verbatim replies of real modems in tests/data/modems/replies.txt (each
 * case keeps its source), plus the final-result classification. */
#include <string.h>

#include "drivers/at/at-parse.h"
#include "tests/common/test-common.h"

typedef struct {
  char *parser;
  char *source;
  GString *reply;
  GPtrArray *expect; /* "key=value" */
  char *error;       /* AT_ERROR_... name or NULL */
  guint line;
} ParseCase;

static void
parse_case_free (ParseCase *c)
{
  g_free (c->parser);
  g_free (c->source);
  g_string_free (c->reply, TRUE);
  g_ptr_array_unref (c->expect);
  g_free (c->error);
  g_free (c);
}

static const char *const error_names[] = {
  [AT_ERROR_TIMEOUT] = "AT_ERROR_TIMEOUT",
  [AT_ERROR_NO_ANSWER] = "AT_ERROR_NO_ANSWER",
  [AT_ERROR_GARBAGE] = "AT_ERROR_GARBAGE",
  [AT_ERROR_FAILED] = "AT_ERROR_FAILED",
  [AT_ERROR_CME] = "AT_ERROR_CME",
  [AT_ERROR_CMS] = "AT_ERROR_CMS",
  [AT_ERROR_NO_CARRIER] = "AT_ERROR_NO_CARRIER",
  [AT_ERROR_NOT_ALLOWED] = "AT_ERROR_NOT_ALLOWED",
  [AT_ERROR_NOT_SUPPORTED] = "AT_ERROR_NOT_SUPPORTED",
  [AT_ERROR_SIM_MISSING] = "AT_ERROR_SIM_MISSING",
  [AT_ERROR_SIM_PIN] = "AT_ERROR_SIM_PIN",
  [AT_ERROR_SIM_PUK] = "AT_ERROR_SIM_PUK",
  [AT_ERROR_SIM_FAILURE] = "AT_ERROR_SIM_FAILURE",
  [AT_ERROR_SIM_BUSY] = "AT_ERROR_SIM_BUSY",
  [AT_ERROR_SIM_WRONG] = "AT_ERROR_SIM_WRONG",
  [AT_ERROR_NO_NETWORK] = "AT_ERROR_NO_NETWORK",
  [AT_ERROR_PARSE] = "AT_ERROR_PARSE",
};

static GPtrArray *
load_cases (void)
{
  g_autofree char *path = tc_data_path ("modems", "replies.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *cases = g_ptr_array_new_with_free_func ((GDestroyNotify)parse_case_free);
  ParseCase *cur = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    const char *l = lines[i];

    if (l[0] == '#')
      continue;
    if (*l == '\0') {
      cur = NULL;
      continue;
    }
    if (g_str_has_prefix (l, "case ")) {
      cur = g_new0 (ParseCase, 1);
      cur->parser = g_strdup (l + 5);
      cur->reply = g_string_new (NULL);
      cur->expect = g_ptr_array_new_with_free_func (g_free);
      cur->line = i + 1;
      g_ptr_array_add (cases, cur);
      continue;
    }
    g_assert_nonnull (cur); /* a field outside a case */
    if (g_str_has_prefix (l, "source "))
      cur->source = g_strdup (l + 7);
    else if (g_str_has_prefix (l, "reply ")) {
      g_autofree char *raw = g_strcompress (l + 6);
      g_string_append (cur->reply, raw);
    } else if (g_str_has_prefix (l, "expect "))
      g_ptr_array_add (cur->expect, g_strdup (l + 7));
    else if (g_str_has_prefix (l, "error "))
      cur->error = g_strdup (l + 6);
    else
      g_error ("replies.txt:%u: unknown field '%s'", i + 1, l);
  }
  return cases;
}

static void
put (GHashTable *out, const char *key, const char *value)
{
  g_hash_table_insert (out, g_strdup (key), g_strdup (value != NULL ? value : "null"));
}

static void
put_int (GHashTable *out, const char *key, int value)
{
  g_autofree char *s = g_strdup_printf ("%d", value);
  put (out, key, s);
}

static void
put_opt_int (GHashTable *out, const char *key, gboolean known, int value)
{
  if (known)
    put_int (out, key, value);
  else
    put (out, key, NULL);
}

static gboolean
run_value (gboolean (*parse) (const char *, char **, GError **), const char *reply, GHashTable *out,
           GError **error)
{
  g_autofree char *v = NULL;

  if (!parse (reply, &v, error))
    return FALSE;
  put (out, "value", v);
  return TRUE;
}

static void
put_registration (GHashTable *out, const AtRegistration *r)
{
  static const char *const families[] = { "CREG", "CGREG", "CEREG", "C5GREG" };

  put (out, "family", families[r->family]);
  put_int (out, "n", r->n);
  put_int (out, "stat", r->stat);
  put (out, "area", r->area[0] ? r->area : NULL);
  put (out, "cell", r->cell[0] ? r->cell : NULL);
  put_opt_int (out, "act", r->act >= 0, r->act);
  put (out, "registered", at_reg_stat_is_registered (r->stat) ? "yes" : "no");
}

/* Runs the parser named @name; fills @out with its outputs as strings. */
static gboolean
run_parser (const char *name, const char *reply, GHashTable *out, GError **error)
{
  if (strcmp (name, "imei") == 0)
    return run_value (at_parse_imei, reply, out, error);
  if (strcmp (name, "imsi") == 0)
    return run_value (at_parse_imsi, reply, out, error);
  if (strcmp (name, "iccid") == 0)
    return run_value (at_parse_iccid, reply, out, error);
  if (strcmp (name, "crsm-iccid") == 0)
    return run_value (at_parse_crsm_iccid, reply, out, error);
  if (strcmp (name, "info") == 0)
    return run_value (at_parse_info, reply, out, error);
  if (strcmp (name, "ati") == 0) {
    AtIdentityInfo info = { 0 };
    gboolean ok = at_parse_ati (reply, &info, error);
    put (out, "manufacturer", info.manufacturer);
    put (out, "model", info.model);
    put (out, "revision", info.revision);
    put (out, "imei", info.imei);
    at_identity_info_clear (&info);
    return ok;
  }
  if (strcmp (name, "cpin") == 0) {
    static const char *const states[] = { "ready", "pin", "puk", "missing", "not-ready" };
    AtSimState s;
    if (!at_parse_cpin (reply, &s, error))
      return FALSE;
    put (out, "state", states[s]);
    return TRUE;
  }
  if (strcmp (name, "csq") == 0) {
    AtCsq q;
    int dbm = 0;
    if (!at_parse_csq (reply, &q, error))
      return FALSE;
    put_int (out, "rssi", q.rssi);
    put_int (out, "ber", q.ber);
    put_opt_int (out, "dbm", at_csq_dbm (q.rssi, &dbm), dbm);
    return TRUE;
  }
  if (strcmp (name, "cesq") == 0) {
    AtCesq e;
    int dbm = 0;
    if (!at_parse_cesq (reply, &e, error))
      return FALSE;
    put_int (out, "rxlev", e.rxlev);
    put_int (out, "rsrq", e.rsrq);
    put_int (out, "rsrp", e.rsrp);
    put_opt_int (out, "rsrp_dbm", at_cesq_rsrp_dbm (e.rsrp, &dbm), dbm);
    return TRUE;
  }
  if (strcmp (name, "creg") == 0 || strcmp (name, "creg-urc") == 0) {
    AtRegistration r;
    gboolean ok = strcmp (name, "creg") == 0 ? at_parse_creg (reply, &r, error)
                                             : at_parse_creg_urc (reply, &r, error);
    if (ok)
      put_registration (out, &r);
    return ok;
  }
  if (strcmp (name, "cops") == 0) {
    AtCops c;
    if (!at_parse_cops (reply, &c, error))
      return FALSE;
    put_int (out, "mode", c.mode);
    put_opt_int (out, "format", c.format >= 0, c.format);
    put (out, "oper", c.oper[0] ? c.oper : NULL);
    put_opt_int (out, "act", c.act >= 0, c.act);
    return TRUE;
  }
  if (strcmp (name, "cfun") == 0) {
    int fun;
    if (!at_parse_cfun (reply, &fun, error))
      return FALSE;
    put_int (out, "fun", fun);
    return TRUE;
  }
  if (strcmp (name, "cgdcont") == 0) {
    g_autoptr (GArray) ctx = at_parse_cgdcont (reply, error);
    if (ctx == NULL)
      return FALSE;
    put_int (out, "count", (int)ctx->len);
    for (guint i = 0; i < ctx->len; i++) {
      const AtPdpContext *c = &g_array_index (ctx, AtPdpContext, i);
      g_autofree char *key = g_strdup_printf ("ctx%u", i);
      g_autofree char *v = g_strdup_printf ("%d,%s,%s", c->cid, c->pdp_type, c->apn);
      put (out, key, v);
    }
    return TRUE;
  }
  g_error ("unknown parser '%s' in replies.txt", name);
  return FALSE;
}

static const char *const all_parsers[]
    = { "imei", "imsi", "iccid", "crsm-iccid", "info", "ati",  "cpin",
        "csq",  "cesq", "creg",  "creg-urc",   "cops", "cfun", "cgdcont" };

static void
test_reply_case (gconstpointer data)
{
  const ParseCase *c = data;
  g_autoptr (GHashTable) out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GError) error = NULL;
  gboolean ok;

  g_test_message ("replies.txt:%u %s (%s)", c->line, c->parser, c->source);
  g_assert_nonnull (c->source);
  g_assert_cmpuint (c->reply->len, >, 0);
  ok = run_parser (c->parser, c->reply->str, out, &error);
  if (c->error != NULL) {
    g_assert_false (ok);
    g_assert_nonnull (error);
    g_assert_true (error->domain == AT_ERROR);
    g_assert_cmpstr (error_names[error->code], ==, c->error);
    g_assert_cmpuint (c->expect->len, ==, 0);
    return;
  }
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (c->expect->len, >, 0);
  for (guint k = 0; k < c->expect->len; k++) {
    const char *e = g_ptr_array_index (c->expect, k);
    const char *eq = strchr (e, '=');
    g_autofree char *key = NULL;

    g_assert_nonnull (eq);
    key = g_strndup (e, eq - e);
    g_assert_true (g_hash_table_contains (out, key));
    g_assert_cmpstr (g_hash_table_lookup (out, key), ==, eq + 1);
  }
}

/* every parser has cases, and the table is not truncated */
static void
test_reply_coverage (gconstpointer data)
{
  const GPtrArray *cases = data;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (cases->len, >=, 60);
  for (guint i = 0; i < cases->len; i++)
    g_hash_table_add (seen, ((ParseCase *)g_ptr_array_index (cases, i))->parser);
  for (gsize i = 0; i < G_N_ELEMENTS (all_parsers); i++)
    g_assert_true (g_hash_table_contains (seen, all_parsers[i]));
}

static void
test_final_results (void)
{
  static const struct {
    const char *line;
    AtFinal final;
    int error; /* -1: success */
  } rows[] = {
    { "OK", AT_FINAL_OK, -1 },
    { " OK ", AT_FINAL_OK, -1 },
    { "CONNECT 150000000", AT_FINAL_CONNECT, -1 },
    { "ERROR", AT_FINAL_ERROR, AT_ERROR_FAILED },
    { "COMMAND NOT SUPPORT", AT_FINAL_ERROR, AT_ERROR_FAILED },
    { "+CME ERROR: 10", AT_FINAL_CME_ERROR, AT_ERROR_SIM_MISSING },
    { "+CME ERROR: SIM not inserted", AT_FINAL_CME_ERROR, AT_ERROR_SIM_MISSING },
    { "+CME ERROR: \"SIM not inserted\"", AT_FINAL_CME_ERROR, AT_ERROR_SIM_MISSING },
    { "+CME ERROR: 11", AT_FINAL_CME_ERROR, AT_ERROR_SIM_PIN },
    { "+CME ERROR: SIM PIN required", AT_FINAL_CME_ERROR, AT_ERROR_SIM_PIN },
    { "+CME ERROR: 12", AT_FINAL_CME_ERROR, AT_ERROR_SIM_PUK },
    { "+CME ERROR: sim puk required", AT_FINAL_CME_ERROR, AT_ERROR_SIM_PUK },
    { "+CME ERROR: 14", AT_FINAL_CME_ERROR, AT_ERROR_SIM_BUSY },
    { "+CME ERROR: SIM busy", AT_FINAL_CME_ERROR, AT_ERROR_SIM_BUSY },
    { "+CME ERROR: 3", AT_FINAL_CME_ERROR, AT_ERROR_NOT_ALLOWED },
    { "+CME ERROR: 100", AT_FINAL_CME_ERROR, AT_ERROR_CME },
    { "+CME ERROR: unknown", AT_FINAL_CME_ERROR, AT_ERROR_CME },
    { "+CMS ERROR: 500", AT_FINAL_CMS_ERROR, AT_ERROR_CMS },
    { "NO CARRIER", AT_FINAL_NO_CARRIER, AT_ERROR_NO_CARRIER },
    { "BUSY", AT_FINAL_NO_CARRIER, AT_ERROR_NO_CARRIER },
    { "NO DIALTONE", AT_FINAL_NO_CARRIER, AT_ERROR_NO_CARRIER },
    { "+CEREG: 1,1", AT_FINAL_NONE, AT_ERROR_PARSE },
    { "OKAY", AT_FINAL_NONE, AT_ERROR_PARSE },
    { "RDY", AT_FINAL_NONE, AT_ERROR_PARSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    g_autoptr (GError) error = NULL;
    gboolean ok;

    g_test_message ("%s", rows[i].line);
    g_assert_cmpint (at_final_classify (rows[i].line), ==, rows[i].final);
    ok = at_final_check (rows[i].line, &error);
    if (rows[i].error < 0) {
      g_assert_true (ok);
      g_assert_no_error (error);
    } else {
      g_assert_false (ok);
      g_assert_error (error, AT_ERROR, rows[i].error);
    }
  }
}

static void
test_framing (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  g_auto (GStrv) fields = NULL;
  g_autofree char *tag = NULL;

  /* Sierra's two empty lines before OK, LF-only framing, no final */
  lines = at_reply_lines ("\r\nA\r\n\r\n\r\nOK\r\n", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_cmpstr (lines[0], ==, "A");
  g_clear_pointer (&lines, g_strfreev);
  lines = at_reply_lines ("\nx\ny\n\nOK\n", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_clear_pointer (&lines, g_strfreev);
  g_assert_null (at_reply_lines ("\r\n867962040000000\r\n", &error));
  g_assert_error (error, AT_ERROR, AT_ERROR_PARSE);
  g_clear_error (&error);

  /* commas inside quotes stay in the field (Samsung Z810 operator name) */
  fields = at_split_fields ("1,\"T-Mobile USA, In\",\"T-Mobile\", 2 ");
  g_assert_cmpuint (g_strv_length (fields), ==, 4);
  g_assert_cmpstr (fields[1], ==, "\"T-Mobile USA, In\"");
  g_assert_cmpstr (fields[3], ==, "2");

  g_assert_cmpstr (at_strip_tag ("+CGSN: \"1\"", &tag), ==, "\"1\"");
  g_assert_cmpstr (tag, ==, "+CGSN");
  g_clear_pointer (&tag, g_free);
  g_assert_cmpstr (at_strip_tag ("ICCID: 8901", &tag), ==, "8901");
  g_assert_cmpstr (tag, ==, "ICCID");
  g_clear_pointer (&tag, g_free);
  g_assert_cmpstr (at_strip_tag ("M0.05.00 [Jul 06 2018 10:01:55]", &tag), ==,
                   "M0.05.00 [Jul 06 2018 10:01:55]");
  g_assert_null (tag);

  /* the unsolicited shape tells a URC from a read reply */
  g_assert_true (at_creg_line_is_unsolicited ("+CEREG: 2"));
  g_assert_true (at_creg_line_is_unsolicited ("+CEREG: 1, 1F00, 79D903 ,7"));
  g_assert_true (at_creg_line_is_unsolicited ("+CREG: 1,0001,0010,0"));
  g_assert_false (at_creg_line_is_unsolicited ("+CEREG: 1,2"));
  g_assert_false (at_creg_line_is_unsolicited ("+CREG: 2,1,\"CE00\",\"01CEAD8F\""));
  g_assert_false (at_creg_line_is_unsolicited ("+CSQ: 1,2"));
}

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) cases = NULL;
  int rc;

  tc_init (&argc, &argv);
  cases = load_cases ();
  for (guint i = 0; i < cases->len; i++) {
    const ParseCase *c = g_ptr_array_index (cases, i);
    g_autofree char *name = g_strdup_printf ("/at-parse/replies/%03u-%s", c->line, c->parser);
    g_test_add_data_func (name, c, test_reply_case);
  }
  g_test_add_data_func ("/at-parse/replies/coverage", cases, test_reply_coverage);
  g_test_add_func ("/at-parse/final-results", test_final_results);
  g_test_add_func ("/at-parse/framing", test_framing);
  rc = g_test_run ();
  return rc;
}
