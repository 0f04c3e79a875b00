/* tests/test-label-payload.c - label payloads (CONTRACT.md section 3):
 * building and parsing from the tables in tests/data/labels/, and a round
 * trip over random identities. */
#include <string.h>

#include "labels/label-payload.h"
#include "tests/common/test-common.h"

/* Lines of a table file: comments and blank lines dropped, each split at
 * tabs.  Free with g_ptr_array_unref(). */
static GPtrArray *
read_table (const char *name)
{
  g_autofree char *path = tc_data_path ("labels", name, NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (gsize i = 0; lines[i] != NULL; i++) {
    if (lines[i][0] == '#' || lines[i][0] == '\0')
      continue;
    g_ptr_array_add (rows, g_strsplit (lines[i], "\t", -1));
  }
  g_assert_cmpuint (rows->len, >, 5);
  return rows;
}

static char *
pairs_string (const LabelPayload *p)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < p->keys->len; i++)
    g_string_append_printf (s, "%s%s=%s", i ? ";" : "", (char *)p->keys->pdata[i],
                            (char *)p->values->pdata[i]);
  if (s->len == 0)
    g_string_append (s, "-");
  return g_string_free (s, FALSE);
}

static void
test_parse_table (void)
{
  g_autoptr (GPtrArray) rows = read_table ("payload-parse.tsv");

  for (guint i = 0; i < rows->len; i++) {
    char **row = rows->pdata[i];
    g_autofree char *input = g_strcompress (row[1]);
    g_autoptr (GError) error = NULL;
    g_autoptr (LabelPayload) p = label_payload_parse (input, &error);

    g_test_message ("case %u: %s", i, row[1]);
    if (strcmp (row[0], "ok") == 0) {
      g_autofree char *pairs = NULL;

      g_assert_cmpuint (g_strv_length (row), ==, 6);
      g_assert_no_error (error);
      g_assert_cmpstr (p->device_id, ==, row[2]);
      g_assert_cmpstr (p->imsi, ==, row[3]);
      g_assert_cmpstr (p->iccid ? p->iccid : "-", ==, row[4]);
      pairs = pairs_string (p);
      g_assert_cmpstr (pairs, ==, row[5]);
      g_assert_true (label_payload_looks_like (input));
    } else {
      g_assert_cmpstr (row[0], ==, "err");
      g_assert_cmpuint (g_strv_length (row), ==, 3);
      g_assert_null (p);
      g_assert_error (error, LABEL_ERROR, LABEL_ERROR_PAYLOAD);
      if (strstr (error->message, row[2]) == NULL)
        g_error ("case %u: \"%s\" does not contain \"%s\"", i, error->message, row[2]);
    }
  }
}

static void
test_format_table (void)
{
  g_autoptr (GPtrArray) rows = read_table ("payload-format.tsv");

  for (guint i = 0; i < rows->len; i++) {
    char **row = rows->pdata[i];
    g_autoptr (LabelPayload) p = label_payload_new ();
    g_autoptr (GError) error = NULL;
    g_autofree char *text = NULL;
    const char *expect = row[4];
    gboolean added = TRUE;

    g_test_message ("case %u: %s", i, row[0]);
    g_assert_cmpuint (g_strv_length (row), ==, 5);
    p->device_id = g_strdup (row[0]);
    p->imsi = g_strdup (row[1]);
    p->iccid = strcmp (row[2], "-") ? g_strdup (row[2]) : NULL;
    if (strcmp (row[3], "-") != 0) {
      g_auto (GStrv) pairs = g_strsplit (row[3], ";", -1);
      for (gsize k = 0; added && pairs[k] != NULL; k++) {
        g_auto (GStrv) kv = g_strsplit (pairs[k], "=", 2);
        added = label_payload_add (p, kv[0], kv[1], &error);
      }
    }
    if (added)
      text = label_payload_format (p, &error);
    if (g_str_has_prefix (expect, "err ")) {
      g_assert_null (text);
      g_assert_error (error, LABEL_ERROR, LABEL_ERROR_FIELD);
      if (strstr (error->message, expect + 4) == NULL)
        g_error ("case %u: \"%s\" does not contain \"%s\"", i, error->message, expect + 4);
    } else {
      g_assert_no_error (error);
      g_assert_cmpstr (text, ==, expect);
    }
  }
}

/* Random identities: what label_payload_format() writes,
 * label_payload_parse() reads back, in whatever case a scanner types it. */
static void
test_round_trip_random (void)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.";

  for (int n = 0; n < 500; n++) {
    g_autoptr (LabelPayload) p = label_payload_new ();
    g_autoptr (LabelPayload) back = NULL;
    g_autoptr (GError) error = NULL;
    g_autofree char *text = NULL;
    g_autofree char *upper_id = NULL;
    int len = g_test_rand_int_range (1, 65);
    GString *id = g_string_new (NULL);
    GString *imsi = g_string_new ("44010");

    for (int i = 0; i < len; i++)
      g_string_append_c (id, alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)]);
    while (imsi->len < 15)
      g_string_append_c (imsi, (char)('0' + g_test_rand_int_range (0, 10)));
    p->device_id = g_string_free (id, FALSE);
    p->imsi = g_string_free (imsi, FALSE);
    if (n % 2)
      p->iccid = g_strdup ("8981100000000000002");
    if (n % 3 == 0)
      g_assert_true (label_payload_add (p, "BATCH", "b-2024.7", &error));
    text = label_payload_format (p, &error);
    g_assert_no_error (error);
    for (const char *c = text; *c; c++)
      g_assert_true (g_ascii_isupper (*c) || g_ascii_isdigit (*c) || strchr (" -.", *c));
    if (n % 4 == 0) { /* Caps Lock on the scanning host */
      char *lower = g_ascii_strdown (text, -1);
      g_free (text);
      text = lower;
    }
    back = label_payload_parse (text, &error);
    g_assert_no_error (error);
    upper_id = g_ascii_strup (p->device_id, -1);
    g_assert_cmpstr (back->device_id, ==, upper_id);
    g_assert_cmpstr (back->imsi, ==, p->imsi);
    g_assert_cmpstr (back->iccid, ==, p->iccid);
    g_assert_cmpstr (label_payload_lookup (back, "batch"), ==, n % 3 == 0 ? "B-2024.7" : NULL);
  }
}

static void
test_looks_like (void)
{
  g_assert_true (label_payload_looks_like ("DEV X IMSI 1"));
  g_assert_true (label_payload_looks_like (" dev x"));
  g_assert_false (label_payload_looks_like ("TRK-000123"));
  g_assert_false (label_payload_looks_like ("DEVICE-1"));
  g_assert_false (label_payload_looks_like ("440103167209666"));
  g_assert_false (label_payload_looks_like (NULL));
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/label-payload/parse-table", test_parse_table);
  g_test_add_func ("/label-payload/format-table", test_format_table);
  g_test_add_func ("/label-payload/round-trip-random", test_round_trip_random);
  g_test_add_func ("/label-payload/looks-like", test_looks_like);
  return g_test_run ();
}
