/* station/pipeline/preflight.c - see preflight.h. */
#define G_LOG_DOMAIN "station-pipeline"

#include "station/pipeline/preflight.h"

#include <string.h>

#include "drivers/printer/printer.h"
#include "labels/label.h"
#include "station/cloud-setup.h"
#include "station/cloud/cloud-error.h"
#include "station/store/store-audit.h"
#include "station/store/store-operator.h"

G_DEFINE_QUARK (station_preflight_error_quark, station_preflight_error)

#define RECEIVER_TIMEOUT_S 5

/* Sample identities of the longest lengths a unit can have. */
#define SAMPLE_IMSI  "295050000000000"
#define SAMPLE_IMEI  "350000000000006"
#define SAMPLE_ICCID "89423100000000000007"

/* fail: @cause (taken) as the run's one error, same domain and code. */
static gboolean
fail (GError **error, GError *cause, const char *what)
{
  g_set_error (error, cause->domain, cause->code,
               "preflight: %s: %s; nothing was changed, fix it and start again", what,
               cause->message);
  g_error_free (cause);
  return FALSE;
}

static gboolean
check_store (StationLine *line, GError **error)
{
  GError *local = NULL;

  if (store_check_writable (line->store, &local))
    return TRUE;
  return fail (error, local, "the store cannot be written");
}

/* A batch runs with the recipe its units were provisioned with; running
 * it with another one (other steps, tags or limits) is a supervisor's
 * decision once the store has one, and is audited ("batch.recipe"). */
static gboolean
check_recipe (StationLine *line, GError **error)
{
  GError *local = NULL;
  g_autoptr (GPtrArray) hashes = store_batch_recipe_hashes (line->store, line->batch_id, &local);
  g_autofree char *actor = NULL, *what = NULL, *details = NULL;
  g_autoptr (GString) before = g_string_new (NULL);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  if (hashes == NULL)
    return fail (error, local, "the store cannot be read");
  for (guint i = 0; i < hashes->len; i++)
    if (g_strcmp0 (hashes->pdata[i], line->recipe->sha256) != 0)
      g_string_append_printf (before, "%s%.12s", before->len ? ", " : "", (char *)hashes->pdata[i]);
  if (before->len == 0)
    return TRUE; /* a new batch, or one that only ever ran with this recipe */
  what = g_strdup_printf ("batch %s was provisioned with another recipe (sha256 %s…); running "
                          "it with recipe '%s' v%u (sha256 %.12s…)",
                          line->batch_id, before->str, line->recipe->name, line->recipe->version,
                          line->recipe->sha256);
  actor = store_dup_operator (line->store);
  if (!store_operator_require (line->store, actor, STORE_ROLE_SUPERVISOR, what, &local))
    return fail (error, local, "the recipe");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "recipe");
  json_builder_add_string_value (b, line->recipe->name);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, line->recipe->version);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, line->recipe->sha256);
  json_builder_set_member_name (b, "before");
  json_builder_begin_array (b);
  for (guint i = 0; i < hashes->len; i++)
    json_builder_add_string_value (b, hashes->pdata[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  details = json_to_string (node, FALSE);
  if (!store_audit_append (line->store, "batch.recipe", line->batch_id, details, &local))
    return fail (error, local, "the store cannot be written");
  return TRUE;
}

static gboolean
check_template (StationLine *line, GError **error)
{
  GError *local = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *what = NULL;
  g_autofree char *payload = NULL;
  Printer *printer = print_queue_get_printer (line->print_queue);
  PrinterFormat pformat = printer_get_format (printer);
  LabelFormat lformat;
  LabelData data = {
    .device_id = STATION_PREFLIGHT_SAMPLE_DEVICE_ID,
    .imsi = SAMPLE_IMSI,
    .iccid = SAMPLE_ICCID,
    .imei = SAMPLE_IMEI,
    .batch = line->batch_id,
    .station = line->station,
  };

  if (label_format_from_name (printer_format_name (pformat), &lformat, &local)
      && (payload = label_payload_for (line->label_template, &data, &local)) != NULL
      && (bytes = label_render (line->label_template, &data, lformat, 0, &local)) != NULL)
    return TRUE;
  what = g_strdup_printf ("the recipe's label template cannot render a sample label (%s)",
                          printer_format_name (pformat));
  return fail (error, local, what);
}

static gboolean
check_printer (StationLine *line, GCancellable *cancellable, GError **error)
{
  GError *local = NULL;
  g_autofree char *what = NULL;

  if (printer_check (print_queue_get_printer (line->print_queue), cancellable, &local))
    return TRUE;
  what = g_strdup_printf ("the printer %s is not usable", line->printer_uri);
  return fail (error, local, what);
}

static gboolean
check_receiver (StationLine *line, GCancellable *cancellable, GError **error)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  g_autofree char *url = registry_server_get_url (line->registry);
  g_autofree char *host_port = NULL;
  GError *local = NULL;

  /* "http://HOST:PORT/" -> "HOST:PORT" */
  host_port = g_strdup (url + strlen ("http://"));
  host_port[strcspn (host_port, "/")] = '\0';
  g_socket_client_set_timeout (client, RECEIVER_TIMEOUT_S);
  conn = g_socket_client_connect_to_host (client, host_port, 0, cancellable, &local);
  if (conn != NULL) {
    g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
    return TRUE;
  }
  g_set_error (error, STATION_PREFLIGHT_ERROR, STATION_PREFLIGHT_ERROR_REGISTRY,
               "preflight: the Beam registration receiver on %s does not answer (%s); "
               "nothing was changed, check --registry-listen and start again",
               host_port, local->message);
  g_error_free (local);
  return FALSE;
}

static gboolean
check_credentials (StationLine *line, GCancellable *cancellable, GError **error)
{
  GError *local = NULL;
  g_autofree char *what = NULL;

  if (cloud_client_authenticate (line->cloud, cancellable, &local))
    return TRUE;
  if (g_error_matches (local, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_AUTH)
      || g_error_matches (local, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_FORBIDDEN))
    what = g_strdup_printf ("the SORACOM credentials do not authenticate at %s",
                            cloud_client_get_base_url (line->cloud));
  else
    what = g_strdup_printf ("the credentials could not be checked with the SORACOM API at %s",
                            cloud_client_get_base_url (line->cloud));
  return fail (error, local, what);
}

/* the batch's SIM group, when it has one, exists: else every unit would
 * stop at the group step (no mutating call is made before it, but the run
 * would only cycle units through an API error) */
static gboolean
check_group (StationLine *line, GCancellable *cancellable, GError **error)
{
  GError *local = NULL;

  if (cloud_setup_check_group (line->store, line->cloud, line->recipe, line->batch_id, cancellable,
                               &local))
    return TRUE;
  return fail (error, local, "the batch's SIM group");
}

gboolean
station_preflight_run (StationLine *line, GCancellable *cancellable, GError **error)
{
  gboolean label = line->print_queue != NULL && line->label_template != NULL;

  if (!check_store (line, error) || !check_recipe (line, error))
    return FALSE;
  if (label && !check_template (line, error))
    return FALSE;
  if (label && !check_printer (line, cancellable, error))
    return FALSE;
  if (line->registry != NULL && !check_receiver (line, cancellable, error))
    return FALSE;
  return check_credentials (line, cancellable, error) && check_group (line, cancellable, error);
}
