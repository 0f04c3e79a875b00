/* tests/test-label-render.c - rendering labels: PNG round trips through
 * zbarimg and dmtxread (random identities and edge cases, 203 and 300 dpi),
 * crisp modules, PNG/PDF/SVG sizes, golden ZPL, ZPL escaping, errors
 * that name the element and leave no file behind, and labels rendered by
 * several threads at once. */
#include <cairo.h>
#include <string.h>

#include "drivers/identity.h"
#include "labels/label-layout.h"
#include "labels/label-text.h"
#include "labels/label.h"
#include "tests/common/test-common.h"
#include "tests/label-decode.h"

#define RANDOM_IDENTITIES 200

typedef struct {
  char *device_id, *imsi, *iccid, *imei, *station, *batch;
} Ident;

static void
ident_clear (Ident *id)
{
  g_free (id->device_id);
  g_free (id->imsi);
  g_free (id->iccid);
  g_free (id->imei);
  g_free (id->station);
  g_free (id->batch);
}

static LabelTemplate *
load (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *file = g_strconcat (name, LABEL_TEMPLATE_SUFFIX, NULL);
  g_autofree char *test_path = tc_data_path ("labels", file, NULL);
  LabelTemplate *t;

  if (g_file_test (test_path, G_FILE_TEST_EXISTS))
    t = label_template_load (test_path, &error);
  else
    t = label_template_find (name, NULL, &error);
  g_assert_no_error (error);
  return t;
}

static LabelData
data_of (const Ident *id)
{
  LabelData d = { 0 };

  d.device_id = id->device_id;
  d.imsi = id->imsi;
  d.iccid = id->iccid;
  d.imei = id->imei;
  d.station = id->station;
  d.batch = id->batch;
  d.date = "2024-07-01";
  return d;
}

static char *
random_digits (const char *prefix, int total)
{
  GString *s = g_string_new (prefix);

  while ((int)s->len < total)
    g_string_append_c (s, (char)('0' + g_test_rand_int_range (0, 10)));
  return g_string_free (s, FALSE);
}

static char *
with_luhn (char *digits)
{
  char d[2] = { identity_luhn_digit (digits), 0 };
  char *r = g_strconcat (digits, d, NULL);

  g_free (digits);
  return r;
}

static void
random_ident (Ident *id, int max_len)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.";
  int len = g_test_rand_int_range (1, max_len + 1);
  GString *s = g_string_new (NULL);

  for (int i = 0; i < len; i++)
    g_string_append_c (s, alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)]);
  id->device_id = g_string_free (s, FALSE);
  id->imsi = random_digits ("4401", 15);
  if (g_test_rand_bit ())
    id->iccid = with_luhn (random_digits ("898110", 18));
  if (g_test_rand_bit ())
    id->imei = with_luhn (random_digits ("35", 14));
  id->station = g_strdup_printf ("ST%d", g_test_rand_int_range (1, 10));
}

typedef struct {
  char *file;
  char *payload;
  char *code128; /* NULL: the template has none */
  gboolean dm, qr;
} Expect;

static void
expect_free (gpointer p)
{
  Expect *e = p;

  g_free (e->file);
  g_free (e->payload);
  g_free (e->code128);
  g_free (e);
}

/* render_png: renders @id with @t at @dpi into @dir and notes what the
 * decoders must find. */
static void
render_png (const LabelTemplate *t, const Ident *id, int dpi, const char *dir, guint n,
            GPtrArray *expects)
{
  LabelData d = data_of (id);
  g_autoptr (GError) error = NULL;
  Expect *e = g_new0 (Expect, 1);
  g_autofree char *name = g_strdup_printf ("%s-%u-%d.png", t->name, n, dpi);

  e->file = g_build_filename (dir, name, NULL);
  e->payload = label_payload_for (t, &d, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < t->elements->len; i++) {
    const LabelElement *el = t->elements->pdata[i];
    e->dm = e->dm || el->type == LABEL_ELEMENT_DATAMATRIX;
    e->qr = e->qr || el->type == LABEL_ELEMENT_QR;
    if (el->type == LABEL_ELEMENT_CODE128)
      e->code128 = g_ascii_strup (id->device_id, -1);
  }
  label_render_to_file (t, &d, e->file, dpi, &error);
  g_assert_no_error (error);
  g_ptr_array_add (expects, e);
}

/* check_decodes: every label reads back as its payload (and Code 128). */
static void
check_decodes (GPtrArray *expects)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  g_autoptr (GPtrArray) dm = g_ptr_array_new ();
  g_autoptr (GHashTable) zbar = NULL;
  g_autoptr (GHashTable) dmtx = NULL;

  for (guint i = 0; i < expects->len; i++) {
    Expect *e = expects->pdata[i];
    g_ptr_array_add (all, e->file);
    if (e->dm)
      g_ptr_array_add (dm, e->file);
  }
  zbar = label_decode_zbar (all);
  dmtx = label_decode_dmtx (dm);
  for (guint i = 0; i < expects->len; i++) {
    Expect *e = expects->pdata[i];

    if (e->qr && !label_decode_has (zbar, e->file, "QR-Code", e->payload))
      g_error ("%s: no QR Code \"%s\"", e->file, e->payload);
    if (e->code128 && !label_decode_has (zbar, e->file, "CODE-128", e->code128))
      g_error ("%s: no Code 128 \"%s\"", e->file, e->code128);
    if (e->dm)
      g_assert_cmpstr (g_hash_table_lookup (dmtx, e->file), ==, e->payload);
  }
}

static void
test_round_trip_random (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autoptr (LabelTemplate) dm = load ("50x30");
  g_autoptr (LabelTemplate) qr = load ("62x29");
  g_autoptr (GPtrArray) expects = g_ptr_array_new_with_free_func (expect_free);
  gint64 t0 = g_get_monotonic_time ();

  for (guint n = 0; n < RANDOM_IDENTITIES; n++) {
    Ident id = { 0 };

    /* the Code 128 of the 50 mm label holds 10 characters at worst */
    random_ident (&id, 10);
    render_png (n % 2 ? qr : dm, &id, 203, dir, n, expects);
    render_png (n % 2 ? qr : dm, &id, 300, dir, n, expects);
    ident_clear (&id);
  }
  g_test_message ("%u labels rendered in %.1f s", expects->len,
                  (g_get_monotonic_time () - t0) / 1e6);
  check_decodes (expects);
  g_test_message ("and decoded in %.1f s in all", (g_get_monotonic_time () - t0) / 1e6);
}

static void
test_round_trip_edges (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autoptr (LabelTemplate) wide = load ("long-id-100x40");
  g_autoptr (LabelTemplate) jp = load ("japanese-50x30");
  g_autoptr (LabelTemplate) dm = load ("50x30");
  g_autoptr (GPtrArray) expects = g_ptr_array_new_with_free_func (expect_free);
  Ident longest = { 0 }, shortest = { 0 }, japanese = { 0 };
  g_autoptr (LabelLayout) layout = NULL;
  g_autoptr (GError) error = NULL;
  LabelData d;

  /* the longest device ID allowed, every symbology, the longest ICCID */
  longest.device_id = g_strdup ("Abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ.0123456789");
  g_assert_cmpuint (strlen (longest.device_id), ==, IDENTITY_DEVICE_ID_MAX);
  longest.imsi = g_strdup ("440103167209666");
  longest.iccid = g_strdup ("8981100000000000000000");
  longest.imei = g_strdup ("356938035643809");
  longest.batch = g_strdup ("B2024-07.X");
  longest.station = g_strdup ("LINE-2");
  /* the shortest */
  shortest.device_id = g_strdup ("x");
  shortest.imsi = g_strdup ("440103167209666");
  /* Japanese in text lines (station name, template text) */
  japanese.device_id = g_strdup ("TRK-000123");
  japanese.imsi = g_strdup ("440103167209666");
  japanese.station = g_strdup ("東京第一工場");

  for (int dpi = 203; dpi <= 300; dpi += 97) {
    render_png (wide, &longest, dpi, dir, 0, expects);
    render_png (dm, &shortest, dpi, dir, 1, expects);
    render_png (jp, &japanese, dpi, dir, 2, expects);
  }
  check_decodes (expects);
  g_assert_nonnull (
      strstr (((Expect *)expects->pdata[0])->payload, " IMEI 356938035643809 BATCH B2024-07.X"));

  /* the Japanese lines are laid out and every character has a glyph */
  d = data_of (&japanese);
  layout = label_layout_new (jp, &d, 203, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < layout->items->len; i++) {
    const LabelItem *it = layout->items->pdata[i];
    if (strcmp (it->name, "maker") == 0)
      g_assert_cmpstr (it->text, ==, "製造 2024-07-01 東京第一工場");
    if (it->type == LABEL_ELEMENT_TEXT || it->type == LABEL_ELEMENT_MARK)
      g_assert_cmpint (label_text_unknown_glyphs (it->text, it->font, it->bold), ==, 0);
  }
  g_assert_cmpint (label_text_unknown_glyphs ("製造", "Noto Sans CJK JP", FALSE), ==, 0);

  ident_clear (&longest);
  ident_clear (&shortest);
  ident_clear (&japanese);
}

/* Every pixel of every symbol is pure black or white and constant within
 * each module: modules sit on whole dots. */
static void
test_crisp_modules (void)
{
  g_autoptr (LabelTemplate) t = load ("long-id-100x40");
  Ident id = { g_strdup ("TRK-000123"), g_strdup ("440103167209666") };
  LabelData d = data_of (&id);
  const int dpis[] = { 203, 300, 600 };

  for (gsize k = 0; k < G_N_ELEMENTS (dpis); k++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) png = label_render (t, &d, LABEL_FORMAT_PNG, dpis[k], &error);
    g_autoptr (LabelLayout) l = label_layout_new (t, &d, dpis[k], &error);
    g_autofree char *dir = tc_tmpdir ();
    g_autofree char *file = g_build_filename (dir, "l.png", NULL);
    cairo_surface_t *s;
    const guint8 *px;
    int stride;

    g_assert_no_error (error);
    g_assert_true (
        g_file_set_contents (file, g_bytes_get_data (png, NULL), g_bytes_get_size (png), NULL));
    s = cairo_image_surface_create_from_png (file);
    g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
    g_assert_cmpint (cairo_image_surface_get_width (s), ==, l->width);
    g_assert_cmpint (cairo_image_surface_get_height (s), ==, l->height);
    px = cairo_image_surface_get_data (s);
    stride = cairo_image_surface_get_stride (s);
    for (guint i = 0; i < l->items->len; i++) {
      const LabelItem *it = l->items->pdata[i];
      int w, h;

      if (it->symbol == NULL)
        continue;
      g_assert_cmpint (it->module, >=, 1);
      w = it->symbol->columns * it->module;
      h = it->type == LABEL_ELEMENT_CODE128 ? it->bar_height : it->symbol->rows * it->module;
      for (int y = it->sy; y < it->sy + h; y++) {
        for (int x = it->sx; x < it->sx + w; x++) {
          guint32 v = *(const guint32 *)(px + y * stride + x * 4) & 0xffffff;
          int mx = it->sx + (x - it->sx) / it->module * it->module;
          int my = it->type == LABEL_ELEMENT_CODE128
                       ? y
                       : it->sy + (y - it->sy) / it->module * it->module;
          guint32 m = *(const guint32 *)(px + my * stride + mx * 4) & 0xffffff;

          g_assert_true (v == 0 || v == 0xffffff);
          g_assert_cmphex (v, ==, m);
        }
      }
    }
    cairo_surface_destroy (s);
  }
  ident_clear (&id);
}

static guint32
be32 (const guint8 *p)
{
  return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

static void
test_png_size (void)
{
  g_autoptr (LabelTemplate) t = load ("50x30");
  Ident id = { g_strdup ("TRK-000123"), g_strdup ("440103167209666") };
  LabelData d = data_of (&id);
  const struct {
    int dpi, w, h;
  } cases[] = { { 203, 400, 240 }, { 300, 591, 354 }, { 600, 1181, 709 } };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) png = label_render (t, &d, LABEL_FORMAT_PNG, cases[i].dpi, &error);
    const guint8 *p = g_bytes_get_data (png, NULL);

    g_assert_no_error (error);
    g_assert_cmpmem (p + 1, 3, "PNG", 3);
    g_assert_cmpuint (be32 (p + 16), ==, (guint)cases[i].w);
    g_assert_cmpuint (be32 (p + 20), ==, (guint)cases[i].h);
    /* pHYs right after IHDR: pixels per metre, unit metre */
    g_assert_cmpmem (p + 37, 4, "pHYs", 4);
    g_assert_cmpuint (be32 (p + 41), ==, (guint)(cases[i].dpi / 0.0254 + 0.5));
    g_assert_cmpuint (p[49], ==, 1);
  }
  ident_clear (&id);
}

static void
test_pdf_page_size (void)
{
  const char *names[] = { "50x30", "62x29" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++) {
    g_autoptr (LabelTemplate) t = load (names[i]);
    Ident id = { g_strdup ("TRK-000123"), g_strdup ("440103167209666") };
    LabelData d = data_of (&id);
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) pdf = label_render (t, &d, LABEL_FORMAT_PDF, 0, &error);
    gsize len;
    const char *text;
    const char *box;
    double v[4];
    char *end;

    g_assert_no_error (error);
    /* binary streams: search the bytes */
    text = g_bytes_get_data (pdf, &len);
    g_assert_cmpmem (text, 5, "%PDF-", 5);
    box = memmem (text, len, "/MediaBox [", strlen ("/MediaBox ["));
    g_assert_nonnull (box);
    box += strlen ("/MediaBox [");
    for (int k = 0; k < 4; k++) {
      v[k] = g_ascii_strtod (box, &end);
      g_assert_true (end != box);
      box = end;
    }
    g_assert_cmpfloat (v[0], ==, 0);
    g_assert_cmpfloat (v[1], ==, 0);
    g_assert_cmpfloat_with_epsilon (v[2], t->width_mm * 72 / 25.4, 0.01);
    g_assert_cmpfloat_with_epsilon (v[3], t->height_mm * 72 / 25.4, 0.01);
    /* one page */
    g_assert_nonnull (memmem (text, len, "/Count 1\n", strlen ("/Count 1\n")));
    ident_clear (&id);
  }
}

typedef struct {
  char *width, *height, *viewbox;
  int elements;
} SvgRoot;

static void
svg_start (GMarkupParseContext *ctx, const char *element, const char **names, const char **values,
           gpointer data, GError **error)
{
  SvgRoot *r = data;

  if (r->elements++ == 0) {
    g_assert_cmpstr (element, ==, "svg");
    for (int i = 0; names[i] != NULL; i++) {
      if (strcmp (names[i], "width") == 0)
        r->width = g_strdup (values[i]);
      else if (strcmp (names[i], "height") == 0)
        r->height = g_strdup (values[i]);
      else if (strcmp (names[i], "viewBox") == 0)
        r->viewbox = g_strdup (values[i]);
    }
  }
}

static void
test_svg (void)
{
  g_autoptr (LabelTemplate) t = load ("50x30");
  Ident id = { g_strdup ("TRK-000123"), g_strdup ("440103167209666") };
  LabelData d = data_of (&id);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) svg = label_render (t, &d, LABEL_FORMAT_SVG, 0, &error);
  GMarkupParser parser = { .start_element = svg_start };
  SvgRoot root = { 0 };
  GMarkupParseContext *ctx = g_markup_parse_context_new (&parser, 0, &root, NULL);
  gsize len;
  const char *text = g_bytes_get_data (svg, &len);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "<?xml"));
  g_assert_true (g_markup_parse_context_parse (ctx, text, (gssize)len, &error));
  g_assert_true (g_markup_parse_context_end_parse (ctx, &error));
  g_assert_no_error (error);
  g_markup_parse_context_free (ctx);
  g_assert_cmpstr (root.width, ==, "50mm");
  g_assert_cmpstr (root.height, ==, "30mm");
  g_assert_cmpstr (root.viewbox, ==, "0 0 50 30");
  g_assert_cmpint (root.elements, >, 50); /* modules and glyphs, not an empty page */
  g_free (root.width);
  g_free (root.height);
  g_free (root.viewbox);
  ident_clear (&id);
}

static void
test_zpl_golden (void)
{
  static const struct {
    const char *tmpl, *golden;
    Ident id;
  } cases[] = {
    { "50x30",
      "50x30-203.zpl",
      { "trk-000123", "440103167209666", NULL, NULL, "ST1", "B2024-07" } },
    { "62x29", "62x29-300.zpl", { "TRK-000124", "440103167209667", NULL, NULL, "ST2", "B7" } },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (LabelTemplate) t = load (cases[i].tmpl);
    g_autofree char *golden_path = tc_data_path ("labels", cases[i].golden, NULL);
    g_autofree char *golden = NULL;
    g_autoptr (GError) error = NULL;
    LabelData d = data_of (&cases[i].id);
    g_autoptr (GBytes) zpl = label_render (t, &d, LABEL_FORMAT_ZPL, 0, &error);
    g_autofree char *text = NULL;

    g_assert_no_error (error);
    text = g_strndup (g_bytes_get_data (zpl, NULL), g_bytes_get_size (zpl));
    if (g_getenv ("LABEL_GOLDEN_WRITE") != NULL) /* regenerate after a deliberate change */
      g_assert_true (g_file_set_contents (golden_path, text, -1, NULL));
    g_assert_true (g_file_get_contents (golden_path, &golden, NULL, NULL));
    g_assert_cmpstr (text, ==, golden);
  }
}

static void
test_zpl_escapes_and_graphics (void)
{
  g_autoptr (LabelTemplate) esc = load ("escapes-50x30");
  g_autoptr (LabelTemplate) jp = load ("japanese-50x30");
  Ident id
      = { g_strdup ("TRK-1"), g_strdup ("440103167209666"), NULL, NULL, g_strdup ("東京第一") };
  LabelData d = data_of (&id);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) a = label_render (esc, &d, LABEL_FORMAT_ZPL, 0, &error);
  g_autoptr (GBytes) b = label_render (jp, &d, LABEL_FORMAT_ZPL, 300, &error);
  g_autofree char *za = NULL;
  g_autofree char *zb = NULL;

  g_assert_no_error (error);
  za = g_strndup (g_bytes_get_data (a, NULL), g_bytes_get_size (a));
  zb = g_strndup (g_bytes_get_data (b, NULL), g_bytes_get_size (b));
  g_assert_nonnull (strstr (za, "^FH_^FDA_5EB_7EC_5FD TRK-1^FS"));
  g_assert_nonnull (strstr (za, "^FH_^FDDEV TRK-1 IMSI 440103167209666^FS"));
  g_assert_true (g_str_has_prefix (za, "^XA\n^CI28\n^PW400\n^LL240\n"));
  g_assert_true (g_str_has_suffix (za, "^XZ\n"));
  /* QR at 300 dpi: level M, automatic mode; Japanese lines as graphics */
  g_assert_nonnull (strstr (zb, "^BQN,2,"));
  g_assert_nonnull (strstr (zb, "^FH_^FDMA,DEV TRK-1 IMSI 440103167209666^FS"));
  g_assert_nonnull (strstr (zb, "^GFA,"));
  g_assert_nonnull (strstr (zb, "^FR^GFA,"));
  g_assert_null (strstr (zb, "東京"));
  ident_clear (&id);
}

static guint
count_files (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* render_error: renders @t (or @tmpl_text) for @id to a file and expects
 * error @code with @needle in the message and no file left. */
static void
render_error (const LabelTemplate *t, const char *tmpl_text, const Ident *id, const char *ext,
              int dpi, int code, const char *needle)
{
  g_autoptr (LabelTemplate) own = NULL;
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *file = g_strconcat (dir, "/label.", ext, NULL);
  g_autoptr (GError) error = NULL;
  LabelData d = data_of (id);

  if (tmpl_text != NULL) {
    own = label_template_load_data (tmpl_text, "inline", &error);
    g_assert_no_error (error);
    t = own;
  }
  g_assert_false (label_render_to_file (t, &d, file, dpi, &error));
  g_assert_error (error, LABEL_ERROR, code);
  if (strstr (error->message, needle) == NULL)
    g_error ("\"%s\" does not contain \"%s\"", error->message, needle);
  g_assert_cmpuint (count_files (dir), ==, 0);
}

static void
test_errors (void)
{
  g_autoptr (LabelTemplate) dm = load ("50x30");
  g_autoptr (LabelTemplate) wide = load ("long-id-100x40");
  /* 32 narrow characters: the text line fits, but the Code 128 is 407
   * modules, 407 dots at 203 dpi with 1-dot bars; the box has 376 */
  Ident too_long = { g_strdup ("I.I.I.I.I.I.I.I.I.I.I.I.I.I.I.I."), g_strdup ("440103167209666") };
  Ident much_too_long
      = { g_strdup ("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCD"), g_strdup ("440103167209666") };
  Ident bad_batch
      = { g_strdup ("TRK-1"), g_strdup ("440103167209666"), NULL, NULL, NULL, g_strdup ("lot_7") };
  Ident japanese
      = { g_strdup ("TRK-1"), g_strdup ("440103167209666"), NULL, NULL, g_strdup ("東京") };
  Ident ok = { g_strdup ("TRK-1"), g_strdup ("440103167209666") };
  Ident bad_id = { g_strdup ("TRK_1"), g_strdup ("440103167209666") };
  const char *tiny
      = "[label]\nwidth_mm=50\nheight_mm=30\ndpi=203\n[symbol]\ntype=datamatrix\nbox_mm=2,2,3,3\n";
  const char *code_jp = "[label]\nwidth_mm=50\nheight_mm=30\ndpi=203\n[symbol]\ntype=qr\n"
                        "box_mm=2,2,15,15\n[code]\ntype=code128\ndata=${station}\n"
                        "box_mm=2,20,46,8\n";
  const char *long_text = "[label]\nwidth_mm=50\nheight_mm=30\ndpi=203\n[symbol]\ntype=qr\n"
                          "box_mm=2,2,15,15\n[line]\ntype=text\ntext=IMSI ${imsi} ${imsi}\n"
                          "box_mm=20,2,20,5\n";

  render_error (dm, NULL, &too_long, "png", 0, LABEL_ERROR_FIT, "element 'barcode': the Code 128");
  render_error (dm, NULL, &too_long, "zpl", 0, LABEL_ERROR_FIT, "element 'barcode'");
  render_error (dm, NULL, &much_too_long, "png", 0, LABEL_ERROR_FIT,
                "element 'device_id': \"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCD\" needs");
  render_error (wide, NULL, &bad_batch, "pdf", 0, LABEL_ERROR_FIELD, "BATCH value: '_'");
  render_error (dm, NULL, &bad_id, "svg", 0, LABEL_ERROR_FIELD, "device ID: '_' at position 4");
  render_error (NULL, tiny, &ok, "png", 0, LABEL_ERROR_FIT, "element 'symbol': the Data Matrix");
  render_error (NULL, code_jp, &japanese, "png", 0, LABEL_ERROR_SYMBOL, "element 'code': Code 128");
  render_error (NULL, long_text, &ok, "png", 0, LABEL_ERROR_FIT, "element 'line': \"IMSI");
  render_error (dm, NULL, &ok, "jpg", 0, LABEL_ERROR_FORMAT, ".png, .pdf, .svg or .zpl");
  render_error (dm, NULL, &ok, "png", 250, LABEL_ERROR_TEMPLATE, "250 dpi");

  /* a folder that does not exist: a write error, nothing created */
  {
    g_autoptr (GError) error = NULL;
    LabelData d = data_of (&ok);
    g_assert_false (label_render_to_file (dm, &d, "/nonexistent-dir/l.png", 0, &error));
    g_assert_error (error, LABEL_ERROR, LABEL_ERROR_WRITE);
    g_assert_true (g_str_has_prefix (error->message, "/nonexistent-dir/l.png: "));
  }
  ident_clear (&too_long);
  ident_clear (&much_too_long);
  ident_clear (&bad_batch);
  ident_clear (&japanese);
  ident_clear (&ok);
  ident_clear (&bad_id);
}

/* An element about an unknown fact is left off; the payload and the
 * Code 128 do not depend on it. */
static void
test_optional_lines (void)
{
  g_autoptr (LabelTemplate) dm = load ("50x30");
  Ident id = { g_strdup ("TRK-1"), g_strdup ("440103167209666") };
  LabelData d = data_of (&id);
  g_autoptr (GError) error = NULL;
  g_autoptr (LabelLayout) l = label_layout_new (dm, &d, 0, &error);
  g_autoptr (GString) names = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < l->items->len; i++)
    g_string_append_printf (names, "%s ", ((LabelItem *)l->items->pdata[i])->name);
  g_assert_cmpstr (names->str, ==, "symbol device_id imsi barcode date ");
  g_assert_cmpstr (l->payload, ==, "DEV TRK-1 IMSI 440103167209666");
  ident_clear (&id);
}

/* Slot threads render labels at the same time through one shared Pango
 * font map (labels/label-text.c): every thread's PNG and ZPL (Japanese
 * text, drawn and rasterised by Pango) must be the bytes one thread makes.
 * Registered first, so the threads find the font map cold. */
#define RENDER_THREADS 8
#define RENDER_ROUNDS  4

typedef struct {
  const LabelTemplate *t;
  const LabelData *d;
  GBytes *png[RENDER_ROUNDS], *zpl[RENDER_ROUNDS];
} RenderJob;

static gpointer
render_thread (gpointer data)
{
  RenderJob *job = data;

  for (guint i = 0; i < RENDER_ROUNDS; i++) {
    job->png[i] = label_render (job->t, job->d, LABEL_FORMAT_PNG, 0, NULL);
    job->zpl[i] = label_render (job->t, job->d, LABEL_FORMAT_ZPL, 0, NULL);
  }
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr (LabelTemplate) jp = load ("japanese-50x30");
  Ident id
      = { g_strdup ("TRK-1"), g_strdup ("440103167209666"), NULL, NULL, g_strdup ("東京第一") };
  LabelData d = data_of (&id);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) png = NULL;
  g_autoptr (GBytes) zpl = NULL;
  RenderJob jobs[RENDER_THREADS] = { 0 };
  GThread *threads[RENDER_THREADS];

  for (guint i = 0; i < RENDER_THREADS; i++) {
    jobs[i].t = jp;
    jobs[i].d = &d;
    threads[i] = g_thread_new ("render", render_thread, &jobs[i]);
  }
  for (guint i = 0; i < RENDER_THREADS; i++)
    g_thread_join (threads[i]);
  png = label_render (jp, &d, LABEL_FORMAT_PNG, 0, &error);
  g_assert_no_error (error);
  zpl = label_render (jp, &d, LABEL_FORMAT_ZPL, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < RENDER_THREADS; i++)
    for (guint k = 0; k < RENDER_ROUNDS; k++) {
      g_assert_nonnull (jobs[i].png[k]);
      g_assert_nonnull (jobs[i].zpl[k]);
      g_assert_true (g_bytes_equal (jobs[i].png[k], png));
      g_assert_true (g_bytes_equal (jobs[i].zpl[k], zpl));
      g_bytes_unref (jobs[i].png[k]);
      g_bytes_unref (jobs[i].zpl[k]);
    }
  ident_clear (&id);
}

/* A sandbox label shows its mark in every template's mark element, in
 * place of the station name; without one the station shows (issue 14). */
static void
test_sandbox_mark (void)
{
  static const char *const names[] = { "50x30", "62x29", "100x40", "100x40-2d" };
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++) {
    g_autoptr (LabelTemplate) t = label_template_find (names[i], NULL, &error);
    LabelData d = { .device_id = "DEV-1", .imsi = "440100000000001", .station = "ST1" };
    g_autoptr (LabelLayout) plain = NULL, marked = NULL;
    const LabelItem *it;
    g_autofree char *zpl = NULL;

    g_assert_no_error (error);
    plain = label_layout_new (t, &d, 0, &error);
    g_assert_no_error (error);
    it = label_layout_find (plain, LABEL_ELEMENT_MARK);
    g_assert_nonnull (it);
    g_assert_cmpstr (it->text, ==, "ST1");
    d.mark = "SANDBOX";
    marked = label_layout_new (t, &d, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (label_layout_find (marked, LABEL_ELEMENT_MARK)->text, ==, "SANDBOX");
    zpl = label_layout_to_zpl (marked);
    g_assert_nonnull (strstr (zpl, "SANDBOX"));
  }
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/label-render/threads", test_threads);
  g_test_add_func ("/label-render/sandbox-mark", test_sandbox_mark);
  g_test_add_func ("/label-render/round-trip-random", test_round_trip_random);
  g_test_add_func ("/label-render/round-trip-edges", test_round_trip_edges);
  g_test_add_func ("/label-render/crisp-modules", test_crisp_modules);
  g_test_add_func ("/label-render/png-size", test_png_size);
  g_test_add_func ("/label-render/pdf-page-size", test_pdf_page_size);
  g_test_add_func ("/label-render/svg", test_svg);
  g_test_add_func ("/label-render/zpl-golden", test_zpl_golden);
  g_test_add_func ("/label-render/zpl-escapes-and-graphics", test_zpl_escapes_and_graphics);
  g_test_add_func ("/label-render/errors", test_errors);
  g_test_add_func ("/label-render/optional-lines", test_optional_lines);
  return g_test_run ();
}
