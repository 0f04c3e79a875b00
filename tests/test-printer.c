/* tests/test-printer.c - printer drivers and the print queue: the ~HS
 * parser and the URI parser from tables in tests/data/labels/, the file
 * driver, and the ZPL driver against the fake ZPL printer (printing, paper
 * out before and during a job, head open, pause, silence, unreachable),
 * with the queue's hold / retry / reprint rules and its records. */
#include <glib/gstdio.h>
#include <string.h>

#include "drivers/printer/print-queue.h"
#include "drivers/printer/printer.h"
#include "drivers/printer/zpl/zpl-status.h"
#include "fixtures/zpl-printer/fake-zpl-printer.h"
#include "tests/common/test-common.h"

static const struct {
  const char *name;
  PrinterError code;
} error_names[] = {
  { "URI", PRINTER_ERROR_URI },
  { "FORMAT", PRINTER_ERROR_FORMAT },
  { "MEDIA_EMPTY", PRINTER_ERROR_MEDIA_EMPTY },
  { "HEAD_OPEN", PRINTER_ERROR_HEAD_OPEN },
  { "RIBBON_OUT", PRINTER_ERROR_RIBBON_OUT },
  { "PAUSED", PRINTER_ERROR_PAUSED },
  { "FAULT", PRINTER_ERROR_FAULT },
};

static int
error_code (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (error_names); i++)
    if (strcmp (error_names[i].name, name) == 0)
      return error_names[i].code;
  g_error ("unknown error name %s", name);
  return -1;
}

static GPtrArray *
read_table (const char *name)
{
  g_autofree char *path = tc_data_path ("labels", name, NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (gsize i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '#' && lines[i][0] != '\0')
      g_ptr_array_add (rows, g_strsplit (lines[i], "\t", -1));
  g_assert_cmpuint (rows->len, >, 5);
  return rows;
}

static void
test_host_status_table (void)
{
  g_autoptr (GPtrArray) rows = read_table ("zpl-hs.tsv");

  for (guint i = 0; i < rows->len; i++) {
    char **row = rows->pdata[i];
    g_autofree char *reply = g_strcompress (row[0]);
    gsize len = strlen (reply);
    g_autoptr (GError) error = NULL;
    ZplHostStatus st;
    gboolean parsed;

    g_test_message ("case %u: %s", i, row[1]);
    parsed = zpl_host_status_parse (reply, len, &st, &error);
    if (g_str_has_prefix (row[1], "err ")) {
      g_assert_false (parsed);
      g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_NO_STATUS);
      if (strstr (error->message, row[1] + 4) == NULL)
        g_error ("case %u: \"%s\" lacks \"%s\"", i, error->message, row[1] + 4);
      continue;
    }
    g_assert_no_error (error);
    /* the whole reply is one complete reply; any shorter prefix is not */
    g_assert_cmpuint (zpl_host_status_reply_length (reply, len), ==, len);
    g_assert_cmpuint (zpl_host_status_reply_length (reply, len - (reply[len - 1] == '\n' ? 3 : 1)),
                      ==, 0);
    if (row[2] != NULL) {
      int f[4];
      g_assert_cmpint (sscanf (row[2], "%d,%d,%d,%d", &f[0], &f[1], &f[2], &f[3]), ==, 4);
      g_assert_cmpint (st.formats_in_buffer, ==, f[0]);
      g_assert_cmpint (st.labels_remaining, ==, f[1]);
      g_assert_cmpint (st.label_length, ==, f[2]);
      g_assert_cmpint (st.print_mode, ==, f[3]);
    }
    if (strcmp (row[1], "ready") == 0) {
      g_assert_true (zpl_host_status_check (&st, &error));
    } else {
      g_assert_false (zpl_host_status_check (&st, &error));
      g_assert_error (error, PRINTER_ERROR, error_code (row[1]));
      g_assert_nonnull (strstr (error->message, "retry") ? error->message : "x");
    }
    /* what the fake printer sends parses back to the same status */
    {
      g_autofree char *again = zpl_host_status_format (&st);
      ZplHostStatus st2;
      g_assert_true (zpl_host_status_parse (again, strlen (again), &st2, NULL));
      g_assert_cmpmem (&st, sizeof st, &st2, sizeof st2);
    }
  }
}

static void
test_uri_table (void)
{
  g_autoptr (GPtrArray) rows = read_table ("printer-uris.tsv");

  for (guint i = 0; i < rows->len; i++) {
    char **row = rows->pdata[i];
    g_auto (GStrv) expect = g_strsplit (row[1], " ", 3);
    g_autoptr (GError) error = NULL;
    g_autoptr (Printer) p = printer_open (row[0], &error);

    g_test_message ("case %u: %s", i, row[0]);
    if (strcmp (expect[0], "err") == 0) {
      g_assert_null (p);
      g_assert_error (error, PRINTER_ERROR, error_code (expect[1]));
      g_assert_true (g_str_has_prefix (error->message, "printer '"));
      if (strstr (error->message, expect[2]) == NULL)
        g_error ("case %u: \"%s\" lacks \"%s\"", i, error->message, expect[2]);
    } else {
      g_assert_no_error (error);
      g_assert_cmpstr (printer_get_uri (p), ==, row[0]);
      g_assert_cmpstr (printer_format_name (printer_get_format (p)), ==, expect[1]);
      g_assert_true (g_ascii_strncasecmp (row[0], expect[0], strlen (expect[0])) == 0);
    }
  }
}

/* One label format, as the printer records it (^XA to ^XZ). */
static GBytes *
zpl_label (const char *id)
{
  char *text = g_strdup_printf ("^XA\n^FO20,20^A0N,30,30^FD%s^FS\n^XZ", id);

  return g_bytes_new_take (text, strlen (text));
}

static void
test_file_driver (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *uri = g_strdup_printf ("file:%s?format=zpl", dir);
  g_autoptr (GError) error = NULL;
  g_autoptr (Printer) p = printer_open (uri, &error);
  g_autoptr (GBytes) data = zpl_label ("TRK-1");
  PrinterJob job = { 1, "TRK-1", PRINTER_FORMAT_ZPL, data };
  g_autofree char *first = g_build_filename (dir, "TRK-1.zpl", NULL);
  g_autofree char *second = g_build_filename (dir, "TRK-1-1.zpl", NULL);
  g_autofree char *content = NULL;
  g_autoptr (Printer) gone = NULL;
  g_autoptr (Printer) made = NULL;
  g_autofree char *gone_uri = NULL, *made_uri = NULL, *made_file = NULL, *prefix = NULL;

  g_assert_no_error (error);
  g_assert_true (printer_check (p, NULL, &error));
  g_assert_true (printer_print (p, &job, NULL, &error));
  g_assert_true (printer_print (p, &job, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (second, &content, NULL, NULL));
  g_assert_cmpmem (content, strlen (content), g_bytes_get_data (data, NULL),
                   g_bytes_get_size (data));
  g_assert_true (g_file_test (first, G_FILE_TEST_IS_REGULAR));

  /* a folder that cannot exist (its path goes through a file): refused
   * even as root, whom file modes do not stop */
  gone_uri = g_strdup_printf ("file:%s/sub", first);
  gone = printer_open (gone_uri, &error);
  g_assert_no_error (error);
  g_assert_false (printer_check (gone, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "Not a directory"));
  g_clear_error (&error);
  g_assert_false (printer_print (gone, &job, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_IO);
  prefix = g_strdup_printf ("printer '%s': ", gone_uri);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_clear_error (&error);

  /* a missing folder is made by the check, and takes the labels */
  made_uri = g_strdup_printf ("file:%s/new/labels?format=zpl", dir);
  made = printer_open (made_uri, &error);
  g_assert_no_error (error);
  g_assert_true (printer_check (made, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (printer_print (made, &job, NULL, &error));
  g_assert_no_error (error);
  made_file = g_build_filename (dir, "new", "labels", "TRK-1.zpl", NULL);
  g_assert_true (g_file_test (made_file, G_FILE_TEST_IS_REGULAR));
}

typedef struct {
  GMutex lock;
  GPtrArray *lines; /* "job attempt state code reason" */
} Records;

static void
on_record (const PrintRecord *r, gpointer data)
{
  Records *rec = data;

  g_assert_cmpstr (r->printer_uri, !=, NULL);
  g_assert_cmpint (r->time_ms, >, 1600000000000);
  g_assert_cmpuint (r->size, >, 0);
  g_mutex_lock (&rec->lock);
  g_ptr_array_add (rec->lines,
                   g_strdup_printf ("%" G_GUINT64_FORMAT " %s %u %s %d %s", r->job_id, r->key,
                                    r->attempt,
                                    r->state == PRINT_JOB_PRINTED ? "printed"
                                    : r->state == PRINT_JOB_HELD  ? "held"
                                                                  : "cancelled",
                                    r->error ? r->error->code : -1, r->reason ? r->reason : "-"));
  g_mutex_unlock (&rec->lock);
}

static void
records_free (gpointer data)
{
  Records *rec = data;

  g_ptr_array_unref (rec->lines);
  g_mutex_clear (&rec->lock);
  g_free (rec);
}

static PrintQueue *
queue_for (FakeZplPrinter *fake, const char *params, Records **records)
{
  g_autofree char *base = fake_zpl_printer_get_uri (fake);
  g_autofree char *uri = g_strconcat (base, params, NULL);
  g_autoptr (GError) error = NULL;
  Printer *p = printer_open (uri, &error);
  Records *rec = g_new0 (Records, 1);

  g_assert_no_error (error);
  g_mutex_init (&rec->lock);
  rec->lines = g_ptr_array_new_with_free_func (g_free);
  *records = rec;
  return print_queue_new (p, on_record, rec, records_free);
}

static char *
records_text (Records *rec)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < rec->lines->len; i++)
    g_string_append_printf (s, "%s\n", (char *)rec->lines->pdata[i]);
  return g_string_free (s, FALSE);
}

static void
test_zpl_print (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FakeZplPrinter) fake = fake_zpl_printer_new (0, &error);
  Records *rec;
  g_autoptr (PrintQueue) q = queue_for (fake, "", &rec);
  g_autoptr (GBytes) data = zpl_label ("TRK-1");
  g_autoptr (GPtrArray) printed = NULL;
  g_autofree char *log = NULL;
  guint64 id = 0;

  g_assert_no_error (error);
  g_assert_true (printer_check (print_queue_get_printer (q), NULL, &error));
  g_assert_true (
      print_queue_submit (q, "TRK-1", "TRK-1", PRINTER_FORMAT_ZPL, data, NULL, &id, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (id, ==, 1);
  printed = fake_zpl_printer_get_printed (fake);
  g_assert_cmpuint (printed->len, ==, 1);
  g_assert_true (g_bytes_equal (printed->pdata[0], data));
  /* asked before (check, job) and after sending */
  g_assert_cmpuint (fake_zpl_printer_get_status_requests (fake), >=, 3);
  log = records_text (rec);
  g_assert_cmpstr (log, ==, "1 TRK-1 1 printed -1 -\n");
}

/* Paper out before the job: nothing is sent, the label is held; after the
 * operator loads labels, the retry prints it once. */
static void
test_zpl_paper_out_then_retry (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FakeZplPrinter) fake = fake_zpl_printer_new (0, &error);
  Records *rec;
  g_autoptr (PrintQueue) q = queue_for (fake, "", &rec);
  g_autoptr (GBytes) data = zpl_label ("TRK-2");
  g_autoptr (GArray) held = NULL;
  g_autoptr (GPtrArray) printed = NULL;
  g_autofree char *log = NULL;
  PrintJobState state;
  guint64 id = 0;

  fake_zpl_printer_set_fault (fake, FAKE_ZPL_PAPER_OUT, TRUE);
  g_assert_false (
      print_queue_submit (q, "TRK-2", NULL, PRINTER_FORMAT_ZPL, data, NULL, &id, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_MEDIA_EMPTY);
  g_assert_nonnull (strstr (error->message, "paper out"));
  g_assert_nonnull (strstr (error->message, "held"));
  g_clear_error (&error);
  g_assert_cmpuint (id, ==, 1);
  g_assert_cmpuint (fake_zpl_printer_get_buffered (fake), ==, 0);
  held = print_queue_held (q);
  g_assert_cmpuint (held->len, ==, 1);
  g_assert_cmpuint (g_array_index (held, guint64, 0), ==, id);
  g_assert_true (print_queue_job_state (q, id, &state, NULL));
  g_assert_cmpint (state, ==, PRINT_JOB_HELD);

  /* a second label for the same unit waits for the held one */
  g_assert_false (
      print_queue_submit (q, "trk-2", NULL, PRINTER_FORMAT_ZPL, data, NULL, NULL, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_HELD);
  g_clear_error (&error);

  /* still out: the retry fails the same way */
  g_assert_false (print_queue_retry (q, id, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_MEDIA_EMPTY);
  g_clear_error (&error);

  fake_zpl_printer_set_fault (fake, FAKE_ZPL_PAPER_OUT, FALSE);
  g_assert_true (print_queue_retry (q, id, NULL, &error));
  g_assert_no_error (error);
  printed = fake_zpl_printer_get_printed (fake);
  g_assert_cmpuint (printed->len, ==, 1);
  g_assert_true (print_queue_job_state (q, id, &state, NULL));
  g_assert_cmpint (state, ==, PRINT_JOB_PRINTED);
  g_assert_false (print_queue_retry (q, id, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_NO_JOB);
  log = records_text (rec);
  g_assert_cmpstr (log, ==,
                   "1 TRK-2 1 held 6 -\n"
                   "1 TRK-2 2 held 6 -\n"
                   "1 TRK-2 3 printed -1 -\n");
}

/* The roll ends under the label being printed: the driver sees paper out
 * after sending, cancels the printer's buffer (~JA) and holds the label;
 * the retry prints exactly one label. */
static void
test_zpl_paper_out_during_job (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FakeZplPrinter) fake = fake_zpl_printer_new (0, &error);
  Records *rec;
  g_autoptr (PrintQueue) q = queue_for (fake, "", &rec);
  g_autoptr (GBytes) data = zpl_label ("TRK-3");
  g_autoptr (GPtrArray) printed = NULL;
  guint64 id = 0;

  fake_zpl_printer_set_fault_on_next_format (fake, FAKE_ZPL_PAPER_OUT);
  g_assert_false (
      print_queue_submit (q, "TRK-3", NULL, PRINTER_FORMAT_ZPL, data, NULL, &id, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_MEDIA_EMPTY);
  g_assert_nonnull (strstr (error->message, "cancelled on the printer"));
  g_assert_cmpuint (fake_zpl_printer_get_buffered (fake), ==, 0);
  g_clear_error (&error);

  fake_zpl_printer_set_fault (fake, FAKE_ZPL_PAPER_OUT, FALSE);
  g_assert_cmpuint (fake_zpl_printer_wait_printed (fake, 1, 100), ==, FALSE);
  g_assert_true (print_queue_retry (q, id, NULL, &error));
  g_assert_no_error (error);
  printed = fake_zpl_printer_get_printed (fake);
  g_assert_cmpuint (printed->len, ==, 1);
}

static void
test_zpl_faults (void)
{
  static const struct {
    FakeZplFault fault;
    PrinterError code;
    const char *words;
  } cases[] = {
    { FAKE_ZPL_HEAD_OPEN, PRINTER_ERROR_HEAD_OPEN, "print head open" },
    { FAKE_ZPL_PAUSED, PRINTER_ERROR_PAUSED, "paused" },
    { FAKE_ZPL_RIBBON_OUT, PRINTER_ERROR_RIBBON_OUT, "ribbon out" },
    { FAKE_ZPL_PAPER_OUT | FAKE_ZPL_HEAD_OPEN, PRINTER_ERROR_HEAD_OPEN, "print head open" },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (FakeZplPrinter) fake = fake_zpl_printer_new (0, &error);
  g_autofree char *uri = fake_zpl_printer_get_uri (fake);
  g_autoptr (Printer) p = printer_open (uri, &error);
  g_autoptr (GBytes) data = zpl_label ("TRK-4");
  PrinterJob job = { 0, "TRK-4", PRINTER_FORMAT_ZPL, data };

  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    fake_zpl_printer_set_fault (fake, cases[i].fault, TRUE);
    g_assert_false (printer_check (p, NULL, &error));
    g_assert_error (error, PRINTER_ERROR, (int)cases[i].code);
    g_clear_error (&error);
    g_assert_false (printer_print (p, &job, NULL, &error));
    g_assert_error (error, PRINTER_ERROR, (int)cases[i].code);
    g_assert_nonnull (strstr (error->message, cases[i].words));
    g_clear_error (&error);
    fake_zpl_printer_set_fault (fake, cases[i].fault, FALSE);
  }
  g_assert_true (printer_print (p, &job, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fake_zpl_printer_wait_printed (fake, 1, 1000));
}

/* Newer Zebra firmware does not answer ~HS during media out. */
static void
test_zpl_silent (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FakeZplPrinter) fake = fake_zpl_printer_new (0, &error);
  g_autofree char *base = fake_zpl_printer_get_uri (fake);
  g_autofree char *uri = g_strconcat (base, "?timeout=0.3", NULL);
  g_autoptr (Printer) p = printer_open (uri, &error);
  g_autoptr (GBytes) data = zpl_label ("TRK-5");
  PrinterJob job = { 0, "TRK-5", PRINTER_FORMAT_ZPL, data };

  g_assert_no_error (error);
  fake_zpl_printer_set_silent_on_fault (fake, TRUE);
  fake_zpl_printer_set_fault (fake, FAKE_ZPL_PAPER_OUT, TRUE);
  g_assert_false (printer_print (p, &job, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_NO_STATUS);
  g_assert_nonnull (strstr (error->message, "no answer to ~HS"));
  g_assert_cmpuint (fake_zpl_printer_get_buffered (fake), ==, 0);
}

static void
test_zpl_unreachable (void)
{
  g_autoptr (GError) error = NULL;
  FakeZplPrinter *fake = fake_zpl_printer_new (0, &error);
  g_autofree char *uri = fake_zpl_printer_get_uri (fake);
  g_autoptr (Printer) p = NULL;
  g_autoptr (GBytes) data = zpl_label ("TRK-6");
  PrinterJob job = { 0, "TRK-6", PRINTER_FORMAT_ZPL, data };

  fake_zpl_printer_free (fake); /* nobody listens on that port now */
  p = printer_open (uri, &error);
  g_assert_no_error (error);
  g_assert_false (printer_print (p, &job, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "cannot connect to 127.0.0.1:"));
}

/* The printer goes off while it receives the label: the job fails with
 * CONNECTION_LOST (not a plain I/O error: the engine waits for such a
 * printer), nothing printed; the next job prints. */
static void
test_zpl_connection_lost (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FakeZplPrinter) fake = fake_zpl_printer_new (0, &error);
  g_autofree char *uri = fake_zpl_printer_get_uri (fake);
  g_autoptr (Printer) p = printer_open (uri, &error);
  g_autoptr (GBytes) data = zpl_label ("TRK-5");
  g_autoptr (GPtrArray) printed = NULL;
  PrinterJob job = { 0, "TRK-5", PRINTER_FORMAT_ZPL, data };

  g_assert_no_error (error);
  fake_zpl_printer_drop_next_format (fake);
  g_assert_false (printer_print (p, &job, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_CONNECTION_LOST);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  printed = fake_zpl_printer_get_printed (fake);
  g_assert_cmpuint (printed->len, ==, 0);
  g_assert_true (printer_print (p, &job, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fake_zpl_printer_wait_printed (fake, 1, 5000));
}

static void
test_queue_reprint (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FakeZplPrinter) fake = fake_zpl_printer_new (0, &error);
  Records *rec;
  g_autoptr (PrintQueue) q = queue_for (fake, "", &rec);
  g_autoptr (GBytes) data = zpl_label ("TRK-7");
  g_autoptr (GPtrArray) printed = NULL;
  g_autofree char *log = NULL;
  guint64 id = 0;

  g_assert_true (
      print_queue_submit (q, "TRK-7", NULL, PRINTER_FORMAT_ZPL, data, NULL, &id, NULL, &error));
  /* printed already: not again without a reason */
  g_assert_false (
      print_queue_submit (q, "TRK-7", NULL, PRINTER_FORMAT_ZPL, data, NULL, &id, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_REASON);
  g_clear_error (&error);
  g_assert_false (print_queue_reprint (q, "TRK-7", "", NULL, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_REASON);
  g_clear_error (&error);
  g_assert_false (print_queue_reprint (q, "TRK-8", "label torn", NULL, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_NO_JOB);
  g_clear_error (&error);
  g_assert_true (print_queue_reprint (q, "trk-7", "label torn", &id, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (id, ==, 2);

  /* a held label can be cancelled */
  fake_zpl_printer_set_fault (fake, FAKE_ZPL_HEAD_OPEN, TRUE);
  g_assert_false (
      print_queue_submit (q, "TRK-9", NULL, PRINTER_FORMAT_ZPL, data, NULL, &id, NULL, &error));
  g_clear_error (&error);
  g_assert_true (print_queue_cancel (q, id, &error));
  g_assert_false (print_queue_cancel (q, id, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_NO_JOB);

  printed = fake_zpl_printer_get_printed (fake);
  g_assert_cmpuint (printed->len, ==, 2);
  log = records_text (rec);
  g_assert_cmpstr (log, ==,
                   "1 TRK-7 1 printed -1 -\n"
                   "2 TRK-7 1 printed -1 label torn\n"
                   "3 TRK-9 1 held 8 -\n"
                   "3 TRK-9 1 cancelled 15 -\n");
}

typedef struct {
  PrintQueue *q;
  int base;
  int failures;
} Worker;

static gpointer
worker (gpointer data)
{
  Worker *w = data;

  for (int i = 0; i < 5; i++) {
    g_autofree char *key = g_strdup_printf ("UNIT-%d", w->base + i);
    g_autoptr (GBytes) label = zpl_label (key);
    g_autoptr (GError) error = NULL;

    if (!print_queue_submit (w->q, key, NULL, PRINTER_FORMAT_ZPL, label, NULL, NULL, NULL, &error))
      w->failures++;
  }
  return NULL;
}

/* Slots print from their threads; the queue lets one job at a time reach
 * the printer and every label arrives whole. */
static void
test_queue_threads (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FakeZplPrinter) fake = fake_zpl_printer_new (0, &error);
  Records *rec;
  g_autoptr (PrintQueue) q = queue_for (fake, "", &rec);
  Worker w[4];
  GThread *t[4];
  g_autoptr (GPtrArray) printed = NULL;

  for (int i = 0; i < 4; i++) {
    w[i] = (Worker){ q, i * 10, 0 };
    t[i] = g_thread_new ("slot", worker, &w[i]);
  }
  for (int i = 0; i < 4; i++) {
    g_thread_join (t[i]);
    g_assert_cmpint (w[i].failures, ==, 0);
  }
  printed = fake_zpl_printer_get_printed (fake);
  g_assert_cmpuint (printed->len, ==, 20);
  g_assert_cmpuint (rec->lines->len, ==, 20);
  for (guint i = 0; i < printed->len; i++) {
    gsize len;
    const char *p = g_bytes_get_data (printed->pdata[i], &len);
    g_assert_true (g_str_has_prefix (p, "^XA\n^FO20,20^A0N,30,30^FDUNIT-"));
  }
}

/* A queue printing all day holds the last PRINT_QUEUE_KEEP_DONE ended
 * jobs, not every label it ever printed; a held job stays whatever comes
 * after it. */
static void
test_queue_bounded (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FakeZplPrinter) fake = fake_zpl_printer_new (0, &error);
  Records *rec;
  g_autoptr (PrintQueue) q = queue_for (fake, "", &rec);
  g_autoptr (GBytes) data = zpl_label ("TRK-1");
  g_autoptr (GArray) held = NULL;
  PrintJobState state;
  guint64 first = 0, stuck = 0, id = 0;

  g_assert_no_error (error);
  g_assert_true (
      print_queue_submit (q, "TRK-0", NULL, PRINTER_FORMAT_ZPL, data, NULL, &first, NULL, &error));
  fake_zpl_printer_set_fault (fake, FAKE_ZPL_HEAD_OPEN, TRUE);
  g_assert_false (print_queue_submit (q, "TRK-HELD", NULL, PRINTER_FORMAT_ZPL, data, NULL, &stuck,
                                      NULL, &error));
  g_clear_error (&error);
  fake_zpl_printer_set_fault (fake, FAKE_ZPL_HEAD_OPEN, FALSE);
  for (guint i = 1; i <= 3 * PRINT_QUEUE_KEEP_DONE; i++) {
    g_autofree char *key = g_strdup_printf ("TRK-%u", i);

    g_assert_true (
        print_queue_submit (q, key, NULL, PRINTER_FORMAT_ZPL, data, NULL, &id, NULL, &error));
  }
  /* the first printed job is forgotten: no reprint from the queue */
  g_assert_false (print_queue_job_state (q, first, &state, NULL));
  g_assert_false (print_queue_reprint (q, "TRK-0", "label torn", NULL, NULL, &error));
  g_assert_error (error, PRINTER_ERROR, PRINTER_ERROR_NO_JOB);
  g_clear_error (&error);
  /* the last ones are kept: their reprint works */
  g_assert_true (print_queue_job_state (q, id, &state, NULL));
  g_assert_cmpint (state, ==, PRINT_JOB_PRINTED);
  {
    g_autofree char *key
        = g_strdup_printf ("TRK-%u", 3 * PRINT_QUEUE_KEEP_DONE - PRINT_QUEUE_KEEP_DONE + 2);
    g_assert_true (print_queue_reprint (q, key, "label torn", NULL, NULL, &error));
    g_assert_no_error (error);
  }
  /* the held one waits for its retry */
  held = print_queue_held (q);
  g_assert_cmpuint (held->len, ==, 1);
  g_assert_cmpuint (g_array_index (held, guint64, 0), ==, stuck);
  g_assert_true (print_queue_retry (q, stuck, NULL, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/printer/host-status-table", test_host_status_table);
  g_test_add_func ("/printer/uri-table", test_uri_table);
  g_test_add_func ("/printer/file", test_file_driver);
  g_test_add_func ("/printer/zpl/print", test_zpl_print);
  g_test_add_func ("/printer/zpl/paper-out-then-retry", test_zpl_paper_out_then_retry);
  g_test_add_func ("/printer/zpl/paper-out-during-job", test_zpl_paper_out_during_job);
  g_test_add_func ("/printer/zpl/faults", test_zpl_faults);
  g_test_add_func ("/printer/zpl/silent", test_zpl_silent);
  g_test_add_func ("/printer/zpl/unreachable", test_zpl_unreachable);
  g_test_add_func ("/printer/zpl/connection-lost", test_zpl_connection_lost);
  g_test_add_func ("/printer/queue/reprint", test_queue_reprint);
  g_test_add_func ("/printer/queue/bounded", test_queue_bounded);
  g_test_add_func ("/printer/queue/threads", test_queue_threads);
  return g_test_run ();
}
