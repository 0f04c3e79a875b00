/* ui/station-run-scan.c - what the app does for a scan or a reprint, in
 * worker threads (lookups, reprints), and the words it shows: a scanned
 * label checked against its record, the engine's notices, the sounds
 * setting. */
#define G_LOG_DOMAIN "station-ui"

#include <glib/gi18n.h>
#include <string.h>

#include "labels/label-payload.h"
#include "station/label-reprint.h"
#include "station/unit-lookup.h"
#include "ui/station-run-private.h"

char *
station_run_notice_words (guint slot, const char *message)
{
  const char *stops = message ? strstr (message, " stops: ") : NULL;
  const char *detail = message ? strstr (message, "scanned: ") : NULL;

  if (message == NULL)
    return NULL;
  if (strstr (message, "could not be scanned") != NULL)
    return g_strdup_printf (_ ("Slot %u: the unit's device ID could not be read. Scan its label "
                               "or type the ID (%s)."),
                            slot, detail ? detail + 9 : "");
  if (stops != NULL)
    return g_strdup_printf (_ ("Slot %u stopped: the fixture reports a problem. Check the jig, "
                               "then press Start (%s)."),
                            slot, stops + 8);
  return g_strdup (message);
}

gboolean
station_run_can_reprint (StationRun *self)
{
  return self->line != NULL && self->line->print_queue != NULL
         && self->line->label_template != NULL;
}

typedef struct {
  char *device_id;
  char *reason;
} Reprint;

static void
reprint_free (gpointer data)
{
  Reprint *r = data;

  g_free (r->device_id);
  g_free (r->reason);
  g_free (r);
}

static void
reprint_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  StationRun *self = source;
  Reprint *r = data;
  GError *error = NULL;
  char *payload = NULL;

  if (!label_reprint (self->line->store, self->line->print_queue, self->line->label_template,
                      self->line->printer_uri, r->device_id, r->reason, &payload, cancellable,
                      &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, payload, g_free);
  store_release_thread (self->line->store);
}

void
station_run_reprint_async (StationRun *self, const char *device_id, const char *reason,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  Reprint *r = g_new0 (Reprint, 1);

  g_task_set_source_tag (task, station_run_reprint_async);
  r->device_id = g_strdup (device_id);
  r->reason = g_strdup (reason);
  g_task_set_task_data (task, r, reprint_free);
  if (!station_run_can_reprint (self)) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                             _ ("No printer here: reprint on a station running a batch"));
    return;
  }
  g_task_run_in_thread (task, reprint_thread);
}

char *
station_run_reprint_finish (StationRun *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
station_run_sounds_enabled (StationRun *self)
{
  g_autofree char *value = station_config_get_string (self->config, "ui", "sounds", "true");

  return !(g_ascii_strcasecmp (value, "false") == 0 || g_ascii_strcasecmp (value, "off") == 0
           || g_ascii_strcasecmp (value, "no") == 0 || g_strcmp0 (value, "0") == 0);
}

static const char *
json_string (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

char *
station_run_label_mismatch (const char *code, JsonObject *record)
{
  g_autoptr (LabelPayload) payload = NULL;
  g_autoptr (GString) what = g_string_new (NULL);
  const char *imsi = json_string (record, "imsi"), *iccid = json_string (record, "iccid");

  if (code == NULL || g_ascii_strncasecmp (code, "DEV ", 4) != 0)
    return NULL;
  payload = label_payload_parse (code, NULL);
  if (payload == NULL)
    return NULL;
  if (payload->imsi != NULL && g_strcmp0 (payload->imsi, imsi) != 0)
    g_string_append_printf (what, _ ("the label says IMSI %s, the record %s"), payload->imsi,
                            imsi ? imsi : _ ("none"));
  if (payload->iccid != NULL && iccid != NULL && g_strcmp0 (payload->iccid, iccid) != 0) {
    if (what->len > 0)
      g_string_append (what, "; ");
    g_string_append_printf (what, _ ("the label says ICCID %s, the record %s"), payload->iccid,
                            iccid);
  }
  if (what->len == 0)
    return NULL;
  return g_strdup_printf (_ ("WRONG LABEL: this label does not belong to this unit's SIM (%s). "
                             "Do not ship it: set the unit aside and reprint its label."),
                          what->str);
}

static void
lookup_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  StationRun *self = source;
  GError *error = NULL;
  JsonNode *node;

  node = unit_lookup_record (self->config, data, self->api_url, FALSE, &error);
  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify)json_node_unref);
}

void
station_run_lookup_async (StationRun *self, const char *code, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, station_run_lookup_async);
  g_task_set_task_data (task, g_strdup (code), g_free);
  g_task_run_in_thread (task, lookup_thread);
}

JsonNode *
station_run_lookup_finish (StationRun *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
