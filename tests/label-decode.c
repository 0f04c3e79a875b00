/* tests/label-decode.c - zbarimg and dmtxread, batched. */
#include "tests/label-decode.h"

#include <string.h>

#include "tests/common/test-common.h"

/* Files per decoder call, bounding the command line. */
#define BATCH 50
/* dmtxread gives up on one image after this; a label decodes in far less. */
#define DMTX_MS "3000"

static char **
argv_for (const char *const *head, GPtrArray *files, guint from, guint n)
{
  GPtrArray *argv = g_ptr_array_new ();

  for (gsize i = 0; head[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)head[i]);
  for (guint i = from; i < from + n; i++)
    g_ptr_array_add (argv, files->pdata[i]);
  g_ptr_array_add (argv, NULL);
  return (char **)g_ptr_array_free (argv, FALSE);
}

/* Appends the symbols of zbarimg's --xml output to @found. */
static void
parse_zbar_xml (const char *xml, GHashTable *found)
{
  const char *p = xml;

  for (int guard = 0; guard < 100000 && (p = strstr (p, "<source href='")) != NULL; guard++) {
    const char *name = p + strlen ("<source href='");
    const char *end = strchr (name, '\'');
    const char *next = strstr (name, "<source href='");
    g_autofree char *file = g_strndup (name, end - name);
    GPtrArray *symbols = g_hash_table_lookup (found, file);
    const char *s = end;

    if (symbols == NULL) {
      symbols = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (found, g_strdup (file), symbols);
    }
    while ((s = strstr (s, "<symbol type='")) != NULL && (next == NULL || s < next)) {
      const char *type = s + strlen ("<symbol type='");
      const char *type_end = strchr (type, '\'');
      const char *data = strstr (type_end, "<data><![CDATA[");
      const char *data_end;

      g_assert_nonnull (data);
      data += strlen ("<data><![CDATA[");
      data_end = strstr (data, "]]></data>");
      g_assert_nonnull (data_end);
      g_ptr_array_add (symbols, g_strdup_printf ("%.*s:%.*s", (int)(type_end - type), type,
                                                 (int)(data_end - data), data));
      s = data_end;
    }
    p = end;
  }
}

GHashTable *
label_decode_zbar (GPtrArray *files)
{
  static const char *const head[] = { "/usr/bin/zbarimg", "-q", "--xml", NULL };
  GHashTable *found
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);

  for (guint from = 0; from < files->len; from += BATCH) {
    guint n = MIN (BATCH, files->len - from);
    g_autofree char **argv = argv_for (head, files, from, n);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int rc = tc_run ((const char *const *)argv, &out, &err, 120000);

    /* 0: symbols found, 4: none found in some image */
    if (rc != 0 && rc != 4)
      g_error ("zbarimg exited %d: %s", rc, err);
    parse_zbar_xml (out, found);
  }
  for (guint i = 0; i < files->len; i++)
    if (!g_hash_table_contains (found, files->pdata[i]))
      g_hash_table_insert (found, g_strdup (files->pdata[i]),
                           g_ptr_array_new_with_free_func (g_free));
  return found;
}

static char *
dmtx_one (const char *file)
{
  const char *argv[] = { "/usr/bin/dmtxread", "-n", "-N1", "-m", DMTX_MS, file, NULL };
  g_autofree char *out = NULL;

  tc_run (argv, &out, NULL, 60000);
  if (out == NULL || *out == '\0')
    return NULL;
  g_strchomp (out);
  return g_steal_pointer (&out);
}

GHashTable *
label_decode_dmtx (GPtrArray *files)
{
  static const char *const head[] = { "/usr/bin/dmtxread", "-n", "-N1", "-m", DMTX_MS, NULL };
  GHashTable *found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint from = 0; from < files->len; from += BATCH) {
    guint n = MIN (BATCH, files->len - from);
    g_autofree char **argv = argv_for (head, files, from, n);
    g_autofree char *out = NULL;
    g_auto (GStrv) lines = NULL;

    tc_run ((const char *const *)argv, &out, NULL, 120000);
    lines = g_strsplit (out ? out : "", "\n", -1);
    /* one line per file when all decoded; otherwise find out file by file */
    if (g_strv_length (lines) == n + 1 && *lines[n] == '\0') {
      for (guint i = 0; i < n; i++)
        g_hash_table_insert (found, g_strdup (files->pdata[from + i]), g_strdup (lines[i]));
    } else {
      for (guint i = 0; i < n; i++) {
        char *data = dmtx_one (files->pdata[from + i]);
        if (data != NULL)
          g_hash_table_insert (found, g_strdup (files->pdata[from + i]), data);
      }
    }
  }
  return found;
}

gboolean
label_decode_has (GHashTable *found, const char *file, const char *type, const char *data)
{
  GPtrArray *symbols = g_hash_table_lookup (found, file);
  g_autofree char *want = g_strdup_printf ("%s:%s", type, data);

  for (guint i = 0; symbols != NULL && i < symbols->len; i++)
    if (strcmp (symbols->pdata[i], want) == 0)
      return TRUE;
  return FALSE;
}
