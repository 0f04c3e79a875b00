/* station/report/report-pdf.c - the batch report as a printable A4 PDF:
 * a title block with the batch's counts, then a table of its units, page
 * after page, each page numbered.  cairo draws, pango sets the text (CJK
 * capable through fontconfig). */
#define G_LOG_DOMAIN "station-report"

#include "station/report/report.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "station/unit-json.h"

/* A4 in points, margins and type sizes */
#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 40.0
#define ROW_H  14.0
#define FONT   "Noto Sans CJK JP"

typedef struct {
  const char *title;
  double width; /* points */
} Column;

static const Column columns[] = {
  { "Device ID", 118 }, { "IMSI", 88 }, { "ICCID", 112 }, { "IMEI", 88 }, { "Result", 109 },
};

static void
text (cairo_t *cr, double x, double y, double max_w, double size, gboolean bold, const char *s)
{
  g_autoptr (PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *fd = pango_font_description_from_string (FONT);

  pango_font_description_set_absolute_size (fd, size * PANGO_SCALE);
  pango_font_description_set_weight (fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, fd);
  pango_font_description_free (fd);
  pango_layout_set_text (layout, s ? s : "", -1);
  if (max_w > 0) {
    pango_layout_set_width (layout, (int)(max_w * PANGO_SCALE));
    pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  }
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
rule (cairo_t *cr, double y, double grey)
{
  cairo_set_source_rgb (cr, grey, grey, grey);
  cairo_set_line_width (cr, 0.5);
  cairo_move_to (cr, MARGIN, y);
  cairo_line_to (cr, PAGE_W - MARGIN, y);
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
}

static double
table_header (cairo_t *cr, double y)
{
  double x = MARGIN;

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++) {
    text (cr, x, y, columns[c].width - 4, 8, TRUE, columns[c].title);
    x += columns[c].width;
  }
  rule (cr, y + ROW_H - 2, 0.2);
  return y + ROW_H;
}

static void
footer (cairo_t *cr, const Report *r, guint page, guint pages)
{
  g_autofree char *left = g_strdup_printf ("Batch %s", r->batch->id);
  g_autofree char *right = g_strdup_printf ("page %u / %u", page, pages);

  rule (cr, PAGE_H - MARGIN + 4, 0.6);
  text (cr, MARGIN, PAGE_H - MARGIN + 8, 300, 7, FALSE, left);
  text (cr, PAGE_W - MARGIN - 60, PAGE_H - MARGIN + 8, 60, 7, FALSE, right);
}

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* Rows that fit on the first page (below the title block) and the others. */
#define FIRST_PAGE_TOP (MARGIN + 150)
#define ROWS_FIRST     ((guint)((PAGE_H - MARGIN - 10 - FIRST_PAGE_TOP - ROW_H) / ROW_H))
#define ROWS_OTHER     ((guint)((PAGE_H - MARGIN - 10 - MARGIN - ROW_H) / ROW_H))

GBytes *
report_to_pdf (const Report *r, GError **error)
{
  GByteArray *buf = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  const StoreBatchCounts *c = &r->counts;
  guint n = r->rows->len, pages, page = 1;
  g_autofree char *generated = unit_json_time (r->generated_at);
  g_autofree char *created = unit_json_time (r->batch->created_at);
  g_autofree char *line1 = NULL, *line2 = NULL, *line3 = NULL;
  double y;

  pages = 1 + (n > ROWS_FIRST ? (n - ROWS_FIRST + ROWS_OTHER - 1) / ROWS_OTHER : 0);
  surface = cairo_pdf_surface_create_for_stream (append_bytes, buf, PAGE_W, PAGE_H);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, r->batch->id);
  cr = cairo_create (surface);

  text (cr, MARGIN, MARGIN, 0, 18, TRUE, "Batch report");
  line1 = g_strdup_printf ("Batch %s (%s%s%s), created %s", r->batch->id, r->batch->source,
                           r->batch->order_id ? ", order " : "",
                           r->batch->order_id ? r->batch->order_id : "", created ? created : "?");
  line2 = g_strdup_printf (
      "SIMs expected %" G_GUINT64_FORMAT ", units %" G_GUINT64_FORMAT ": passed %" G_GUINT64_FORMAT
      ", failed %" G_GUINT64_FORMAT ", error %" G_GUINT64_FORMAT ", in progress %" G_GUINT64_FORMAT
      ", scrapped %" G_GUINT64_FORMAT "; SIMs not used %u; labels reprinted %u",
      c->sims, c->units, c->passed, c->failed, c->error, c->running + c->new_, c->scrapped,
      r->unused_sims->len, r->reprints);
  line3 = g_strdup_printf ("Generated %s. Passed units are tagged, IMEI-locked and parked in "
                           "standby; their label payload is in the JSON and CSV reports.%s",
                           generated,
                           c->scrapped > 0 ? " Scrapped units are not stock; their SIMs were "
                                             "left as they were."
                                           : "");
  text (cr, MARGIN, MARGIN + 32, PAGE_W - 2 * MARGIN, 10, FALSE, line1);
  text (cr, MARGIN, MARGIN + 50, PAGE_W - 2 * MARGIN, 10, TRUE, line2);
  text (cr, MARGIN, MARGIN + 68, PAGE_W - 2 * MARGIN, 8, FALSE, line3);

  y = table_header (cr, FIRST_PAGE_TOP);
  for (guint i = 0; i < n; i++) {
    const ReportRow *row = g_ptr_array_index (r->rows, i);
    const StoreUnit *u = row->unit;
    g_autofree char *outcome
        = u->failure_code
              ? g_strdup_printf ("%s: %s", store_unit_state_to_string (u->state), u->failure_code)
              : g_strdup (store_unit_state_to_string (u->state));
    /* a scrapped unit is not stock: it says so first */
    g_autofree char *result
        = u->scrapped_at != 0 ? g_strdup_printf ("SCRAPPED (%s)", outcome) : g_strdup (outcome);
    const char *cells[] = { u->device_id, u->imsi, u->iccid, u->imei, result };
    double x = MARGIN;

    if (y + ROW_H > PAGE_H - MARGIN - 10) {
      footer (cr, r, page, pages);
      cairo_show_page (cr);
      page++;
      y = table_header (cr, MARGIN);
    }
    for (guint col = 0; col < G_N_ELEMENTS (columns); col++) {
      text (cr, x, y, columns[col].width - 4, 8, FALSE, cells[col] ? cells[col] : "-");
      x += columns[col].width;
    }
    y += ROW_H;
    if (i % 5 == 4)
      rule (cr, y - 2, 0.85);
  }
  footer (cr, r, page, pages);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    g_set_error (error, REPORT_ERROR, REPORT_ERROR_WRITE, "PDF report: %s",
                 cairo_status_to_string (status));
    g_byte_array_unref (buf);
    return NULL;
  }
  return g_byte_array_free_to_bytes (buf);
}
