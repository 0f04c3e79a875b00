/* station/label-reprint.c - a unit's label printed again, with its reason. */
#define G_LOG_DOMAIN "station-reprint"

#include "station/label-reprint.h"

#include "labels/label.h"

#define REASON_MAX 200

G_DEFINE_QUARK (label - reprint - error - quark, label_reprint_error)

gboolean
label_reprint (Store *store, PrintQueue *queue, const LabelTemplate *tmpl, const char *printer_uri,
               const char *device_id, const char *reason, char **payload_out,
               GCancellable *cancellable, GError **error)
{
  g_autoptr (StoreUnit) unit = NULL;
  g_autoptr (StoreBatch) batch = NULL;
  g_autoptr (GPtrArray) printed = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *why = NULL, *payload = NULL;
  PrinterFormat pformat;
  LabelFormat lformat;
  StoreLabel rec = { 0 };
  LabelData data = { 0 };

  why = g_strstrip (g_strdup (reason != NULL ? reason : ""));
  if (*why == '\0') {
    g_set_error (error, LABEL_REPRINT_ERROR, LABEL_REPRINT_ERROR_REASON,
                 "reprint of %s: say why the label is printed again (torn, smudged, lost, ...)",
                 device_id);
    return FALSE;
  }
  if (g_utf8_strlen (why, -1) > REASON_MAX)
    *g_utf8_offset_to_pointer (why, REASON_MAX) = '\0';
  unit = store_unit_get (store, device_id, error);
  if (unit == NULL)
    return FALSE;
  printed = store_label_list (store, unit->device_id, error);
  if (printed == NULL)
    return FALSE;
  if (printed->len == 0) {
    g_set_error (error, LABEL_REPRINT_ERROR, LABEL_REPRINT_ERROR_NO_LABEL,
                 "%s has no printed label yet: its label prints at the label step when it "
                 "passes",
                 unit->device_id);
    return FALSE;
  }
  if (unit->imsi == NULL) {
    g_set_error (error, LABEL_REPRINT_ERROR, LABEL_REPRINT_ERROR_NO_IMSI,
                 "the record of %s has no IMSI: its label cannot be made", unit->device_id);
    return FALSE;
  }
  data.device_id = unit->device_id;
  data.imsi = unit->imsi;
  data.iccid = unit->iccid;
  data.imei = unit->imei;
  data.batch = unit->batch_id;
  data.station = unit->station;
  /* a batch imported against the sandbox reprints with its mark */
  batch = store_batch_get (store, unit->batch_id, NULL);
  if (batch != NULL && g_strcmp0 (store_api_url_kind (batch->api_url), "SANDBOX") == 0)
    data.mark = "SANDBOX";
  pformat = printer_get_format (print_queue_get_printer (queue));
  if (!label_format_from_name (printer_format_name (pformat), &lformat, error))
    return FALSE;
  payload = label_payload_for (tmpl, &data, error);
  if (payload == NULL)
    return FALSE;
  bytes = label_render (tmpl, &data, lformat, 0, error);
  if (bytes == NULL)
    return FALSE;
  if (!print_queue_submit (queue, unit->device_id, unit->device_id, pformat, bytes, why, NULL,
                           cancellable, error))
    return FALSE;
  rec.device_id = unit->device_id;
  rec.payload = payload;
  rec.printer = (char *)printer_uri;
  rec.format = (char *)printer_format_name (pformat);
  rec.reprint_reason = why;
  if (!store_label_add (store, &rec, error))
    return FALSE;
  g_message ("label of %s printed again on %s: %s", unit->device_id, printer_uri, why);
  if (payload_out != NULL)
    *payload_out = g_steal_pointer (&payload);
  return TRUE;
}
