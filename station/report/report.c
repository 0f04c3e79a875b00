/* station/report/report.c - batch report data, CSV and JSON. */
#define G_LOG_DOMAIN "station-report"

#include "station/report/report.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "station/unit-json.h"

G_DEFINE_QUARK (report_error_quark, report_error)

gboolean
report_format_from_name (const char *name, ReportFormat *format, GError **error)
{
  static const char *const names[] = { "csv", "json", "pdf" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i]) == 0) {
      *format = (ReportFormat)i;
      return TRUE;
    }
  g_set_error (error, REPORT_ERROR, REPORT_ERROR_FORMAT, "format '%s' is not one of csv, json, pdf",
               name);
  return FALSE;
}

static void
row_free (gpointer data)
{
  ReportRow *r = data;

  store_unit_free (r->unit);
  g_free (r->label_payload);
  g_free (r);
}

void
report_free (Report *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->batch, store_batch_free);
  g_clear_pointer (&report->rows, g_ptr_array_unref);
  g_clear_pointer (&report->unused_sims, g_ptr_array_unref);
  g_free (report);
}

Report *
report_collect (Store *store, const char *batch_id, GError **error)
{
  g_autoptr (Report) r = g_new0 (Report, 1);
  g_autoptr (GPtrArray) units = NULL;
  g_autoptr (GPtrArray) sims = NULL;
  g_autoptr (GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);

  r->generated_at = store_now_ms ();
  r->batch = store_batch_get (store, batch_id, error);
  if (r->batch == NULL)
    return NULL;
  if (!store_batch_count (store, batch_id, &r->counts, error))
    return NULL;
  units = store_unit_list_by_batch (store, batch_id, error);
  if (units == NULL)
    return NULL;
  sims = store_batch_get_sims (store, batch_id, error);
  if (sims == NULL)
    return NULL;

  r->rows = g_ptr_array_new_with_free_func (row_free);
  for (guint i = 0; i < units->len; i++) {
    ReportRow *row = g_new0 (ReportRow, 1);
    g_autoptr (GPtrArray) labels = NULL;

    row->unit = g_ptr_array_index (units, i); /* taken: the array frees NULLs */
    g_ptr_array_index (units, i) = NULL;
    labels = store_label_list (store, row->unit->device_id, error);
    if (labels == NULL) {
      row_free (row);
      return NULL;
    }
    if (labels->len > 0) {
      StoreLabel *last = g_ptr_array_index (labels, labels->len - 1);
      row->label_payload = g_strdup (last->payload);
      row->label_printed_at = last->printed_at;
      row->label_prints = labels->len;
      for (guint k = 0; k < labels->len; k++)
        if (((StoreLabel *)g_ptr_array_index (labels, k))->reprint_reason != NULL)
          row->label_reprints++;
      r->reprints += row->label_reprints;
    }
    if (row->unit->imsi != NULL)
      g_hash_table_add (used, row->unit->imsi);
    g_ptr_array_add (r->rows, row);
  }
  r->unused_sims = g_ptr_array_new_with_free_func ((GDestroyNotify)store_sim_free);
  for (guint i = 0; i < sims->len; i++) {
    StoreSim *sim = g_ptr_array_index (sims, i);
    if (!g_hash_table_contains (used, sim->imsi)) {
      g_ptr_array_add (r->unused_sims, sim);
      g_ptr_array_index (sims, i) = NULL;
    }
  }
  return g_steal_pointer (&r);
}

/* RFC 4180: quote a field holding a comma, quote or line break. */
static void
csv_field (GString *out, const char *value, gboolean last)
{
  if (value != NULL) {
    if (strpbrk (value, ",\"\r\n") != NULL) {
      g_string_append_c (out, '"');
      for (const char *p = value; *p; p++) {
        if (*p == '"')
          g_string_append_c (out, '"');
        g_string_append_c (out, *p);
      }
      g_string_append_c (out, '"');
    } else {
      g_string_append (out, value);
    }
  }
  g_string_append (out, last ? "\r\n" : ",");
}

char *
report_to_csv (const Report *report)
{
  GString *out = g_string_new ("device_id,batch,state,failure_code,imei,imsi,iccid,"
                               "label_payload,label_printed_at,label_prints,station,updated_at,"
                               "scrapped_at,scrapped_by,scrap_reason\r\n");

  for (guint i = 0; i < report->rows->len; i++) {
    const ReportRow *row = g_ptr_array_index (report->rows, i);
    const StoreUnit *u = row->unit;
    g_autofree char *printed = unit_json_time (row->label_printed_at);
    g_autofree char *updated = unit_json_time (u->updated_at);
    g_autofree char *prints = g_strdup_printf ("%u", row->label_prints);
    g_autofree char *scrapped = unit_json_time (u->scrapped_at);

    csv_field (out, u->device_id, FALSE);
    csv_field (out, u->batch_id, FALSE);
    csv_field (out, store_unit_state_to_string (u->state), FALSE);
    csv_field (out, u->failure_code, FALSE);
    csv_field (out, u->imei, FALSE);
    csv_field (out, u->imsi, FALSE);
    csv_field (out, u->iccid, FALSE);
    csv_field (out, row->label_payload, FALSE);
    csv_field (out, printed, FALSE);
    csv_field (out, prints, FALSE);
    csv_field (out, u->station, FALSE);
    csv_field (out, updated, FALSE);
    csv_field (out, scrapped, FALSE);
    csv_field (out, u->scrapped_by, FALSE);
    csv_field (out, u->scrap_reason, TRUE);
  }
  return g_string_free (out, FALSE);
}

static void
member_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

char *
report_to_json (const Report *report)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  const StoreBatchCounts *c = &report->counts;

  json_builder_begin_object (b);
  unit_json_member_string (b, "batch", report->batch->id);
  unit_json_member_string (b, "source", report->batch->source);
  unit_json_member_string (b, "order_id", report->batch->order_id);
  unit_json_member_time (b, "created_at", report->batch->created_at);
  unit_json_member_time (b, "generated_at", report->generated_at);
  json_builder_set_member_name (b, "counts");
  json_builder_begin_object (b);
  member_int (b, "sims", (gint64)c->sims);
  member_int (b, "units", (gint64)c->units);
  member_int (b, "passed", (gint64)c->passed);
  member_int (b, "failed", (gint64)c->failed);
  member_int (b, "error", (gint64)c->error);
  member_int (b, "running", (gint64)c->running);
  member_int (b, "new", (gint64)c->new_);
  member_int (b, "scrapped", (gint64)c->scrapped);
  member_int (b, "unused_sims", report->unused_sims->len);
  member_int (b, "reprints", report->reprints);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "units");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->rows->len; i++) {
    const ReportRow *row = g_ptr_array_index (report->rows, i);

    json_builder_begin_object (b);
    unit_json_add_unit_fields (b, row->unit);
    unit_json_member_string (b, "label_payload", row->label_payload);
    unit_json_member_time (b, "label_printed_at", row->label_printed_at);
    member_int (b, "label_prints", row->label_prints);
    member_int (b, "label_reprints", row->label_reprints);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "unused_sims");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->unused_sims->len; i++) {
    const StoreSim *sim = g_ptr_array_index (report->unused_sims, i);
    json_builder_begin_object (b);
    unit_json_member_string (b, "imsi", sim->imsi);
    unit_json_member_string (b, "iccid", sim->iccid);
    unit_json_member_string (b, "serial_number", sim->serial_number);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, TRUE);
}

gboolean
report_write (const Report *report, ReportFormat format, const char *path, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) local = NULL;

  switch (format) {
  case REPORT_FORMAT_CSV:
  case REPORT_FORMAT_JSON: {
    char *text = format == REPORT_FORMAT_CSV ? report_to_csv (report) : report_to_json (report);
    bytes = g_bytes_new_take (text, strlen (text));
    break;
  }
  case REPORT_FORMAT_PDF:
    bytes = report_to_pdf (report, error);
    if (bytes == NULL)
      return FALSE;
    break;
  }
  /* g_file_set_contents writes a temporary file and renames it */
  if (!g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize)g_bytes_get_size (bytes),
                            &local)) {
    g_set_error (error, REPORT_ERROR, REPORT_ERROR_WRITE, "%s", local->message);
    return FALSE;
  }
  return TRUE;
}
