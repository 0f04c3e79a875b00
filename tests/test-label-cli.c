/* tests/test-label-cli.c - "station-cli label" (CONTRACT.md 2, 3): every
 * output format read back by the decoders, usage errors (exit 2) naming the
 * bad character, file errors (exit 5), printing to the fake ZPL printer and
 * its paper-out error (exit 3), the fake-zpl-printer program's controls. */
#include <gio/gio.h>
#include <string.h>
#include <sys/stat.h>

#include "fixtures/zpl-printer/fake-zpl-printer.h"
#include "tests/common/test-common.h"
#include "tests/label-decode.h"

#define PAYLOAD "DEV TRK-000123 IMSI 440103167209666 ICCID 8981100000000000002"

static int cli (char **out, char **err, ...) G_GNUC_NULL_TERMINATED;

/* cli: runs station-cli with the NULL-terminated arguments. */
static int
cli (char **out, char **err, ...)
{
  g_autofree char *exe = tc_build_path ("station/station-cli");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *a;
  va_list ap;

  g_ptr_array_add (argv, exe);
  va_start (ap, err);
  while ((a = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer)a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  return tc_run ((const char *const *)argv->pdata, out, err, 60000);
}

static void
rasterise (const char *const *argv)
{
  g_autofree char *err = NULL;
  int rc = tc_run (argv, NULL, &err, 60000);

  if (rc != 0)
    g_error ("%s exited %d: %s", argv[0], rc, err);
}

/* field_data: the ^FD data of the first field that starts with @command. */
static char *
field_data (const char *zpl, const char *command)
{
  const char *p = strstr (zpl, command);
  const char *fd, *fs;

  g_assert_nonnull (p);
  fd = strstr (p, "^FD");
  fs = strstr (fd, "^FS");
  g_assert_true (fd != NULL && fs != NULL);
  return g_strndup (fd + 3, fs - fd - 3);
}

static void
test_formats (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *png = g_build_filename (dir, "l.png", NULL);
  g_autofree char *pdf = g_build_filename (dir, "l.pdf", NULL);
  g_autofree char *svg = g_build_filename (dir, "l.svg", NULL);
  g_autofree char *zpl = g_build_filename (dir, "l.zpl", NULL);
  g_autofree char *qr = g_build_filename (dir, "q.png", NULL);
  g_autofree char *pdf_png = g_build_filename (dir, "from-pdf", NULL);
  g_autofree char *pdf_png1 = g_build_filename (dir, "from-pdf-1.png", NULL);
  g_autofree char *svg_png = g_build_filename (dir, "from-svg.png", NULL);
  const char *outs[] = { png, pdf, svg, zpl };
  g_autoptr (GPtrArray) files = g_ptr_array_new ();
  g_autoptr (GHashTable) zbar = NULL;
  g_autoptr (GHashTable) dmtx = NULL;
  g_autofree char *zpl_text = NULL;
  g_autofree char *dm_data = NULL;
  g_autofree char *c128_data = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (outs); i++) {
    g_autofree char *out = NULL, *err = NULL;
    int rc = cli (&out, &err, "label", "--device-id", "trk-000123", "--imsi", "440103167209666",
                  "--iccid", "8981100000000000002", "--out", outs[i], NULL);
    g_assert_cmpint (rc, ==, 0);
    g_assert_cmpstr (out, ==, "");
    /* nothing from the program (a sanitizer build may add its own report) */
    g_assert_null (strstr (err, "station-cli"));
    g_assert_true (g_file_test (outs[i], G_FILE_TEST_IS_REGULAR));
  }
  {
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (cli (&out, &err, "label", "--device-id", "TRK-000123", "--imsi",
                          "440103167209666", "--iccid", "8981100000000000002", "--template",
                          "62x29", "--out", qr, NULL),
                     ==, 0);
  }
  {
    const char *a[] = { "/usr/bin/pdftoppm", "-r", "300", "-png", pdf, pdf_png, NULL };
    const char *b[]
        = { "/usr/bin/rsvg-convert", "-d", "300", "-p", "300", "-o", svg_png, svg, NULL };
    rasterise (a);
    rasterise (b);
  }
  g_ptr_array_add (files, png);
  g_ptr_array_add (files, pdf_png1);
  g_ptr_array_add (files, svg_png);
  zbar = label_decode_zbar (files);
  dmtx = label_decode_dmtx (files);
  for (guint i = 0; i < files->len; i++) {
    g_assert_true (label_decode_has (zbar, files->pdata[i], "CODE-128", "TRK-000123"));
    g_assert_cmpstr (g_hash_table_lookup (dmtx, files->pdata[i]), ==, PAYLOAD);
  }
  g_ptr_array_set_size (files, 0);
  g_ptr_array_add (files, qr);
  g_clear_pointer (&zbar, g_hash_table_unref);
  zbar = label_decode_zbar (files);
  g_assert_true (label_decode_has (zbar, qr, "QR-Code", PAYLOAD));
  g_assert_true (label_decode_has (zbar, qr, "CODE-128", "TRK-000123"));

  /* ZPL: the printer encodes; the fields carry the payload and the ID */
  g_assert_true (g_file_get_contents (zpl, &zpl_text, NULL, NULL));
  dm_data = field_data (zpl_text, "^BXN,");
  c128_data = field_data (zpl_text, "^BCN,");
  g_assert_cmpstr (dm_data, ==, PAYLOAD);
  g_assert_cmpstr (c128_data, ==, "TRK-000123");
}

static void
test_errors (void)
{
  static const struct {
    const char *device_id, *imsi, *ext, *tmpl;
    int rc;
    const char *needle;
  } cases[] = {
    { "TRK_000123", "440103167209666", "png", NULL, 2,
      "station-cli: label: device ID 'TRK_000123' has the character '_' at position 4" },
    { "TRK:1", "440103167209666", "zpl", NULL, 2, "character ':' at position 4" },
    { "", "440103167209666", "png", NULL, 2, "device ID is empty" },
    { "TRK-1", "44010316720966", "png", NULL, 2, "IMSI" },
    { "TRK-1", "440103167209666", "jpg", NULL, 2, "must end in .png, .pdf, .svg or .zpl" },
    { "TRK-1", "440103167209666", "png", "no-such-template", 2, "template 'no-such-template'" },
    /* 40 characters: neither the text line nor the Code 128 fit 50 mm */
    { "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCD", "440103167209666", "png", NULL, 2,
      "element 'device_id'" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *dir = tc_tmpdir ();
    g_autofree char *file = g_strdup_printf ("%s/l.%s", dir, cases[i].ext);
    g_autofree char *out = NULL, *err = NULL;
    int rc = cli (&out, &err, "label", "--device-id", cases[i].device_id, "--imsi", cases[i].imsi,
                  "--out", file, "--template", cases[i].tmpl ? cases[i].tmpl : "50x30", NULL);

    g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, err);
    g_assert_cmpint (rc, ==, cases[i].rc);
    g_assert_cmpstr (out, ==, "");
    g_assert_true (g_str_has_prefix (err, "station-cli: label: "));
    g_assert_nonnull (strstr (err, cases[i].needle));
    /* one error line (a sanitizer build may append its own report) */
    g_assert_null (strstr (strchr (err, '\n'), "station-cli"));
    g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  }
  {
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (
        cli (&out, &err, "label", "--device-id", "TRK-1", "--imsi", "440103167209666", NULL), ==,
        2);
    g_assert_nonnull (strstr (err, "--out FILE, --printer URI or both"));
  }
  {
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (cli (&out, &err, "label", "--device-id", "TRK-1", "--imsi", "440103167209666",
                          "--out", "/nonexistent-dir/l.png", NULL),
                     ==, 5);
    g_assert_nonnull (strstr (err, "station-cli: label: /nonexistent-dir/l.png: "));
  }
}

/* --template with an arbitrary path (issue 16): the error never quotes the
 * file's content, and a FIFO or device is refused at once (never read). */
static void
test_template_path_safety (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *secret = g_build_filename (dir, "shadow", NULL);
  g_autofree char *secret2 = g_build_filename (dir, "grouped.label", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo.label", NULL);
  g_autofree char *file = g_build_filename (dir, "l.png", NULL);
  const char *paths[] = { secret, secret2, fifo, "/dev/zero" };
  const char *needles[] = { "shadow:1: is not a [group]", "grouped.label:2: is not a [group]",
                            "not a regular file", "not a regular file" };

  g_assert_true (g_file_set_contents (secret, "root:SECRET-7f3a:19000:0:99999:7:::\n", -1, NULL));
  g_assert_true (
      g_file_set_contents (secret2, "[label]\nSECRET-7f3a-line-two\nwidth_mm=50\n", -1, NULL));
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++) {
    g_autofree char *out = NULL, *err = NULL;
    int rc = cli (&out, &err, "label", "--device-id", "TRK-1", "--imsi", "440103167209666", "--out",
                  file, "--template", paths[i], NULL);

    g_test_message ("%s: %s", paths[i], err);
    g_assert_cmpint (rc, ==, 2);
    g_assert_true (g_str_has_prefix (err, "station-cli: label: "));
    g_assert_nonnull (strstr (err, needles[i]));
    g_assert_null (strstr (err, "SECRET"));
    g_assert_cmpstr (out, ==, "");
    g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  }
}

static void
test_printer (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FakeZplPrinter) fake = fake_zpl_printer_new (0, &error);
  g_autofree char *uri = fake_zpl_printer_get_uri (fake);
  g_autoptr (GPtrArray) printed = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;
  g_autofree char *text = NULL;
  gsize len;

  g_assert_no_error (error);
  g_assert_cmpint (cli (&out, &err, "label", "--device-id", "TRK-000123", "--imsi",
                        "440103167209666", "--printer", uri, NULL),
                   ==, 0);
  g_assert_cmpstr (out, ==, "");
  printed = fake_zpl_printer_get_printed (fake);
  g_assert_cmpuint (printed->len, ==, 1);
  text = g_strndup (g_bytes_get_data (printed->pdata[0], &len),
                    g_bytes_get_size (printed->pdata[0]));
  g_assert_nonnull (strstr (text, "^FDDEV TRK-000123 IMSI 440103167209666^FS"));

  fake_zpl_printer_set_fault (fake, FAKE_ZPL_PAPER_OUT, TRUE);
  g_assert_cmpint (cli (&out2, &err2, "label", "--device-id", "TRK-000124", "--imsi",
                        "440103167209666", "--printer", uri, NULL),
                   ==, 3);
  g_assert_true (g_str_has_prefix (err2, "station-cli: label: printer 'zpl:127.0.0.1:"));
  g_assert_nonnull (strstr (err2, "paper out"));
  g_assert_cmpuint (fake_zpl_printer_get_buffered (fake), ==, 0);

  g_assert_cmpint (cli (&out3, &err3, "label", "--device-id", "TRK-000124", "--imsi",
                        "440103167209666", "--printer", "lpd:queue", NULL),
                   ==, 2);
  g_assert_nonnull (strstr (err3, "unknown kind 'lpd'"));
}

/* read_line: the next stdout line of @in (bounded by the subprocess'
 * own life: the test's timeout). */
static char *
read_line (GDataInputStream *in)
{
  g_autoptr (GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

static void
test_fake_printer_program (void)
{
  g_autofree char *exe = tc_build_path ("fixtures/fake-zpl-printer");
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) proc = g_subprocess_new (
      G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, exe, NULL);
  g_autoptr (GDataInputStream) in = NULL;
  GOutputStream *ctl;
  g_autofree char *first = NULL, *printed = NULL, *reply = NULL, *status = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  const char *u, *e;

  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  ctl = g_subprocess_get_stdin_pipe (proc);
  first = read_line (in);
  u = strstr (first, "\"uri\":\"");
  g_assert_nonnull (u);
  u += strlen ("\"uri\":\"");
  e = strchr (u, '"');
  uri = g_strndup (u, e - u);
  g_assert_true (g_str_has_prefix (uri, "zpl:127.0.0.1:"));

  g_assert_cmpint (cli (&out, &err, "label", "--device-id", "TRK-000123", "--imsi",
                        "440103167209666", "--printer", uri, NULL),
                   ==, 0);
  printed = read_line (in);
  g_assert_true (g_str_has_prefix (printed, "{\"printed\":1,\"bytes\":"));

  g_assert_true (g_output_stream_write_all (ctl, "paper-out on\n", 13, NULL, NULL, &error));
  reply = read_line (in);
  g_assert_cmpstr (reply, ==, "{\"paper-out\":true}");
  g_assert_cmpint (cli (&out2, &err2, "label", "--device-id", "TRK-000124", "--imsi",
                        "440103167209666", "--printer", uri, NULL),
                   ==, 3);
  g_assert_nonnull (strstr (err2, "paper out"));
  g_assert_true (g_output_stream_write_all (ctl, "status\n", 7, NULL, NULL, &error));
  status = read_line (in);
  g_assert_true (g_str_has_prefix (status, "{\"printed\":1,\"buffered\":0,"));
  g_assert_nonnull (strstr (status, "\"paper_out\":true"));
  g_assert_true (g_output_stream_write_all (ctl, "quit\n", 5, NULL, NULL, &error));
  g_assert_true (g_subprocess_wait_check (proc, NULL, &error));
  g_assert_no_error (error);
}

/* A device ID too long for the default 50x30 label goes on the wide
 * 100x40 one when no template was asked for; both codes read back. */
/* has_code128: zbar found any Code 128 in @file. */
static gboolean
has_code128 (GHashTable *zbar, const char *file)
{
  GPtrArray *symbols = g_hash_table_lookup (zbar, file);

  for (guint i = 0; symbols != NULL && i < symbols->len; i++)
    if (g_str_has_prefix (symbols->pdata[i], "CODE-128:"))
      return TRUE;
  return FALSE;
}

/* station-cli label without --template picks a shipped label that holds
 * the ID (issue 16): every valid 64-character ID renders and decodes. */
static void
test_long_id_default (void)
{
  static const struct {
    const char *id;
    gboolean code128; /* the chosen label has a Code 128 of the ID */
  } ids[] = {
    /* 30 letters: too long for 50x30, Code 128 set B on 100x40 */
    { "GPS-TRACKER-FLEET-2026-LOT-004", TRUE },
    /* 56 digits: 28 pairs in subset C on 100x40 */
    { "12345678901234567890123456789012345678901234567890123456", TRUE },
    /* 64 digits: 32 pairs, over 2-dot bars on 100 mm: Data Matrix only */
    { "1234567890123456789012345678901234567890123456789012345678901234", FALSE },
    /* 64 mixed, digit runs packed in subset C */
    { "AB12345678901234567890123456789012345678901234567890123456789012", FALSE },
    { "AB12345678AB12345678AB12345678AB12345678AB12345678AB12345678Z.-9", FALSE },
    /* 43 letters */
    { "GPS-TRACKER-FLEET-2026-LOT-0042-UNIT-000123", FALSE },
    /* 64 letters: 64 symbol characters, over zint's 60: Data Matrix only */
    { "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKL", FALSE },
    /* 64 mixed that do not pack (no digit pairs) */
    { "A1B2C3D4E5F6G7H8I9J0K1L2M3N4O5P6Q7R8S9T0U1V2W3X4Y5Z6-7.8a9b0c1d2", FALSE },
    /* lower case and punctuation: the payload carries them upper-cased */
    { "zz.yy-xx.ww-vv.uu-tt.ss-rr.qq-pp.oo-nn.mm-ll.kk-jj.ii-hh.gg-ff.e", FALSE },
  };
  g_autofree char *dir = tc_tmpdir ();

  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++) {
    g_autofree char *png = g_strdup_printf ("%s/l%zu.png", dir, i);
    g_autofree char *out = NULL, *err = NULL;
    g_autofree char *upper = g_ascii_strup (ids[i].id, -1);
    g_autofree char *payload = g_strdup_printf ("DEV %s IMSI 440103167209666", upper);
    g_autoptr (GPtrArray) files = g_ptr_array_new ();
    g_autoptr (GHashTable) zbar = NULL;
    g_autoptr (GHashTable) dmtx = NULL;

    g_assert_cmpuint (strlen (ids[i].id), <=, 64);
    g_test_message ("%s", ids[i].id);
    g_assert_cmpint (cli (&out, &err, "label", "--device-id", ids[i].id, "--imsi",
                          "440103167209666", "--out", png, NULL),
                     ==, 0);
    g_ptr_array_add (files, png);
    zbar = label_decode_zbar (files);
    dmtx = label_decode_dmtx (files);
    g_assert_cmpstr (g_hash_table_lookup (dmtx, png), ==, payload);
    if (ids[i].code128)
      g_assert_true (label_decode_has (zbar, png, "CODE-128", upper)
                     || label_decode_has (zbar, png, "CODE-128", ids[i].id));
    else {
      g_autofree char *zpl = g_strdup_printf ("%s/l%zu.zpl", dir, i);
      g_autofree char *text = NULL;

      g_assert_false (has_code128 (zbar, png));
      /* the label says why it has no 1D symbol */
      g_assert_cmpint (cli (NULL, NULL, "label", "--device-id", ids[i].id, "--imsi",
                            "440103167209666", "--out", zpl, NULL),
                       ==, 0);
      g_assert_true (g_file_get_contents (zpl, &text, NULL, NULL));
      g_assert_nonnull (strstr (text, "^FDNo Code 128: this ID is longer than Code 128 holds"));
      g_assert_null (strstr (text, "^BC"));
    }
  }
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/label-cli/formats", test_formats);
  g_test_add_func ("/label-cli/errors", test_errors);
  g_test_add_func ("/label-cli/long-id-default", test_long_id_default);
  g_test_add_func ("/label-cli/template-path-safety", test_template_path_safety);
  g_test_add_func ("/label-cli/printer", test_printer);
  g_test_add_func ("/label-cli/fake-printer-program", test_fake_printer_program);
  return g_test_run ();
}
