/* station/store/store-csv.c - the expected-SIM list as CSV (columns imsi,
 * iccid, serial_number, msisdn; RFC 4180 quoting). */
#define G_LOG_DOMAIN "station-store"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/identity.h"
#include "station/store/store-private.h"

#define CSV_MAX_BYTES   (64 * 1024 * 1024)
#define CSV_MAX_FIELDS  64
#define CSV_MAX_FIELD   256
#define CSV_MAX_RECORDS 2000000

enum { COL_IMSI, COL_ICCID, COL_SERIAL, COL_MSISDN, N_COLS };
static const char *const col_names[N_COLS] = { "imsi", "iccid", "serial_number", "msisdn" };

typedef struct {
  const char *p, *end;
  const char *name;
  guint line; /* line where the current record started */
  guint next_line;
} CsvReader;

static void csv_error (GError **error, const CsvReader *r, guint line, const char *fmt, ...)
    G_GNUC_PRINTF (4, 5);

static void
csv_error (GError **error, const CsvReader *r, guint line, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *why = NULL;

  va_start (ap, fmt);
  why = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CSV, "%s:%u: %s", r->name, line, why);
}

/* Reads one record into @fields (GPtrArray of char *).  Returns FALSE at the
 * end of input (no record); sets @error on a malformed record. */
static gboolean
csv_read_record (CsvReader *r, GPtrArray *fields, GError **error)
{
  GString *field = g_string_new (NULL);
  gboolean in_quotes = FALSE, quoted = FALSE, ok = TRUE;

  g_ptr_array_set_size (fields, 0);
  if (r->p >= r->end) {
    g_string_free (field, TRUE);
    return FALSE;
  }
  r->line = r->next_line;
  while (r->p < r->end) {
    char c = *r->p++;

    if (in_quotes) {
      if (c == '"') {
        if (r->p < r->end && *r->p == '"') {
          g_string_append_c (field, '"');
          r->p++;
        } else {
          in_quotes = FALSE;
        }
      } else {
        if (c == '\n')
          r->next_line++;
        g_string_append_c (field, c);
      }
    } else if (c == '"') {
      if (field->len != 0 || quoted) {
        csv_error (error, r, r->next_line, "a quote inside an unquoted field");
        ok = FALSE;
        break;
      }
      in_quotes = quoted = TRUE;
    } else if (c == ',') {
      g_ptr_array_add (fields, g_string_free (g_steal_pointer (&field), FALSE));
      field = g_string_new (NULL);
      quoted = FALSE;
    } else if (c == '\r' && r->p < r->end && *r->p == '\n') {
      continue; /* CRLF: the \n ends the record */
    } else if (c == '\n') {
      r->next_line++;
      break;
    } else if (quoted) {
      csv_error (error, r, r->next_line, "text after a closing quote");
      ok = FALSE;
      break;
    } else {
      g_string_append_c (field, c);
    }
    if (field->len > CSV_MAX_FIELD || fields->len >= CSV_MAX_FIELDS) {
      csv_error (error, r, r->line, "a field longer than %d characters or more than %d fields",
                 CSV_MAX_FIELD, CSV_MAX_FIELDS);
      ok = FALSE;
      break;
    }
  }
  if (ok && in_quotes) {
    csv_error (error, r, r->line, "a quoted field is not closed");
    ok = FALSE;
  }
  g_ptr_array_add (fields, g_string_free (field, FALSE));
  return ok;
}

static gboolean
record_is_blank (GPtrArray *fields)
{
  for (guint i = 0; i < fields->len; i++)
    if (*g_strstrip ((char *)fields->pdata[i]) != '\0')
      return FALSE;
  return TRUE;
}

static gboolean
check_msisdn (const char *msisdn)
{
  const char *p = msisdn[0] == '+' ? msisdn + 1 : msisdn;
  gsize n = strlen (p);

  if (n < 5 || n > 15)
    return FALSE;
  for (; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* Maps header names to column indexes in @cols (-1 when absent). */
static gboolean
read_header (CsvReader *r, GPtrArray *fields, int cols[N_COLS], GError **error)
{
  for (int k = 0; k < N_COLS; k++)
    cols[k] = -1;
  for (guint i = 0; i < fields->len; i++) {
    char *h = g_strstrip ((char *)fields->pdata[i]);

    for (int k = 0; k < N_COLS; k++) {
      if (g_ascii_strcasecmp (h, col_names[k]) != 0)
        continue;
      if (cols[k] >= 0) {
        csv_error (error, r, r->line, "the column %s is named twice", col_names[k]);
        return FALSE;
      }
      cols[k] = (int)i;
    }
  }
  if (cols[COL_IMSI] < 0) {
    csv_error (error, r, r->line,
               "the header line has no column 'imsi' (expected imsi,iccid,serial_number,msisdn)");
    return FALSE;
  }
  return TRUE;
}

static StoreSim *
read_sim (CsvReader *r, GPtrArray *fields, const int cols[N_COLS], GError **error)
{
  const char *v[N_COLS] = { NULL };
  g_autoptr (GError) local = NULL;

  for (int k = 0; k < N_COLS; k++) {
    if (cols[k] < 0)
      continue;
    if ((guint)cols[k] >= fields->len) {
      csv_error (error, r, r->line, "only %u field(s), the column %s is missing", fields->len,
                 col_names[k]);
      return NULL;
    }
    v[k] = g_strstrip ((char *)fields->pdata[cols[k]]);
    if (*v[k] == '\0')
      v[k] = NULL;
  }
  if (v[COL_IMSI] == NULL) {
    csv_error (error, r, r->line, "the IMSI is empty");
    return NULL;
  }
  if (!identity_imsi_check (v[COL_IMSI], &local)) {
    csv_error (error, r, r->line, "%s", local->message);
    return NULL;
  }
  if (v[COL_ICCID] != NULL && !identity_iccid_check (v[COL_ICCID], &local)) {
    csv_error (error, r, r->line, "%s", local->message);
    return NULL;
  }
  if (v[COL_MSISDN] != NULL && !check_msisdn (v[COL_MSISDN])) {
    csv_error (error, r, r->line, "MSISDN '%s' is not 5-15 digits (optionally after '+')",
               v[COL_MSISDN]);
    return NULL;
  }
  return store_sim_new (v[COL_IMSI], v[COL_ICCID], v[COL_SERIAL], v[COL_MSISDN]);
}

/* Refuses a second occurrence of @key in @seen (key -> line). */
static gboolean
check_unique (GHashTable *seen, const char *what, const char *key, CsvReader *r, GError **error)
{
  gpointer first;

  if (key == NULL)
    return TRUE;
  first = g_hash_table_lookup (seen, key);
  if (first != NULL) {
    csv_error (error, r, r->line, "%s %s is already on line %u", what, key,
               GPOINTER_TO_UINT (first));
    return FALSE;
  }
  g_hash_table_insert (seen, g_strdup (key), GUINT_TO_POINTER (r->line));
  return TRUE;
}

GPtrArray *
store_sim_csv_parse (const char *text, gsize length, const char *name, GError **error)
{
  CsvReader r = { .p = text, .end = text + length, .name = name, .next_line = 1 };
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) sims = g_ptr_array_new_with_free_func ((GDestroyNotify)store_sim_free);
  g_autoptr (GHashTable) imsis = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) iccids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int cols[N_COLS];
  gboolean have_header = FALSE;
  guint records = 0;

  if (length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    r.p += 3; /* UTF-8 byte order mark written by spreadsheets */
  if (!g_utf8_validate_len (r.p, (gsize)(r.end - r.p), NULL)) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CSV, "%s: not UTF-8 text", name);
    return NULL;
  }

  for (;;) {
    g_autoptr (GError) local = NULL;
    StoreSim *sim;

    if (!csv_read_record (&r, fields, &local)) {
      if (local != NULL) {
        g_propagate_error (error, g_steal_pointer (&local));
        return NULL;
      }
      break;
    }
    if (++records > CSV_MAX_RECORDS) {
      csv_error (error, &r, r.line, "more than %d lines", CSV_MAX_RECORDS);
      return NULL;
    }
    if (record_is_blank (fields))
      continue;
    if (!have_header) {
      if (!read_header (&r, fields, cols, error))
        return NULL;
      have_header = TRUE;
      continue;
    }
    sim = read_sim (&r, fields, cols, error);
    if (sim == NULL)
      return NULL;
    sim->line = r.line;
    g_ptr_array_add (sims, sim);
    if (!check_unique (imsis, "IMSI", sim->imsi, &r, error)
        || !check_unique (iccids, "ICCID", sim->iccid, &r, error))
      return NULL;
  }
  if (!have_header) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CSV,
                 "%s: empty (expected a header line imsi,iccid,serial_number,msisdn)", name);
    return NULL;
  }
  if (sims->len == 0) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CSV, "%s: a header line but no SIM", name);
    return NULL;
  }
  return g_steal_pointer (&sims);
}

GPtrArray *
store_sim_csv_load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  g_autoptr (GMappedFile) map = NULL;
  g_autoptr (GError) local = NULL;
  struct stat st;
  int fd;

  /* opened without blocking (a FIFO would wait for a writer forever), and
   * refused unless it is a regular file */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0) {
    int e = errno;
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CSV, "%s: cannot be read (%s)", path,
                 g_strerror (e));
    return NULL;
  }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    close (fd);
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CSV,
                 "%s: not a regular file (a FIFO, device or folder is not read); give a CSV file",
                 path);
    return NULL;
  }
  map = g_mapped_file_new_from_fd (fd, FALSE, &local);
  close (fd);
  if (map == NULL) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CSV, "%s: cannot be read (%s)", path,
                 local->message);
    return NULL;
  }
  length = g_mapped_file_get_length (map);
  if (length > CSV_MAX_BYTES) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CSV, "%s: larger than %d MiB", path,
                 CSV_MAX_BYTES / (1024 * 1024));
    return NULL;
  }
  /* an empty file maps to NULL contents */
  text = g_strndup (g_mapped_file_get_contents (map) ? g_mapped_file_get_contents (map) : "",
                    length);
  return store_sim_csv_parse (text, length, path, error);
}
