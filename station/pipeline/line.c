/* station/pipeline/line.c - the whole production line opened from options
 * (shared by station-cli provision and station-gtk). */
#define G_LOG_DOMAIN "station-pipeline"

#include "station/pipeline/line.h"

#include <glib/gstdio.h>
#include <string.h>

#include "drivers/identity.h"
#include "drivers/printer/printer.h"
#include "station/pipeline/preflight.h"
#include "station/pipeline/unit-steps.h"
#include "station/station-error.h"

gboolean
station_line_options_check (const StationLineOptions *o, GError **error)
{
  if (o->batch_id == NULL || o->fixture_uri == NULL) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "--batch ID and --fixture URI are required");
    return FALSE;
  }
  if ((o->registry_listen == NULL) != (o->psk_file == NULL)) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "--registry-listen HOST:PORT and --psk-file FILE go together");
    return FALSE;
  }
  return identity_code_check ("batch ID", o->batch_id, error);
}

/* The emulator's and simulator's root URL: the API base without /v1. */
static char *
root_url (const char *api_url)
{
  char *root = g_strdup (api_url);
  gsize n = strlen (root);

  while (n > 0 && root[n - 1] == '/')
    root[--n] = '\0';
  if (g_str_has_suffix (root, "/v1"))
    root[n - 3] = '\0';
  return root;
}

/* The printer: the option, [printer] uri, else PNG files beside the store. */
static char *
default_printer (StationConfig *config, Store *store)
{
  g_autofree char *folder = NULL;
  g_autofree char *dir = NULL;
  char *uri = station_config_get_string (config, "printer", "uri", NULL);

  if (uri != NULL)
    return uri;
  /* the folder holding the store file, not a path through the file */
  folder = g_path_get_dirname (store_get_path (store));
  dir = g_build_filename (folder, "labels", NULL);
  g_mkdir_with_parents (dir, 0755); /* a folder that cannot be made fails the preflight */
  return g_strdup_printf ("file:%s", dir);
}

static gboolean
open_printer (StationLine *line, StationConfig *config, const StationLineOptions *o, GError **error)
{
  g_autoptr (Printer) printer = NULL;

  line->printer_uri
      = o->printer_uri ? g_strdup (o->printer_uri) : default_printer (config, line->store);
  line->label_template = label_template_find (
      o->template_name ? o->template_name : line->recipe->label_template, NULL, error);
  if (line->label_template == NULL)
    return FALSE;
  printer = printer_open (line->printer_uri, error);
  if (printer == NULL)
    return FALSE;
  line->print_queue = print_queue_new (g_steal_pointer (&printer), o->print_recorder,
                                       o->print_recorder_data, NULL);
  return TRUE;
}

static gboolean
open_registry (StationLine *line, const StationLineOptions *o, GError **error)
{
  g_autofree char *host = NULL;
  g_autoptr (GBytes) psk = NULL;
  guint port = 0;
  RegistryOptions ropts = { 0 };

  if (!registry_parse_listen (o->registry_listen, &host, &port, error))
    return FALSE;
  psk = registry_psk_load (o->psk_file, error);
  if (psk == NULL)
    return FALSE;
  ropts.psk = psk; /* copied by the server */
  line->registry = registry_server_new (line->store, &ropts);
  if (!registry_server_start (line->registry, host, port, error))
    return FALSE;
  return TRUE;
}

StationLine *
station_line_open (StationConfig *config, const StationLineOptions *o, GCancellable *cancellable,
                   GError **error)
{
  g_autoptr (StationLine) line = g_new0 (StationLine, 1);
  g_autofree char *recipe_path = NULL;
  FixtureOpenOptions fopts = { 0 };

  if (!station_line_options_check (o, error))
    return NULL;
  line->batch_id = g_strdup (o->batch_id);
  line->store = store_open_from_config (config, STORE_OPEN_DEFAULT, error);
  if (line->store == NULL)
    return NULL;
  recipe_path = o->recipe_path ? g_strdup (o->recipe_path)
                               : station_config_get_string (config, "station", "recipe",
                                                            STATION_RECIPES_DIR "/default.ini");
  line->recipe = recipe_load (recipe_path, error);
  if (line->recipe == NULL)
    return NULL;
  line->station = o->station
                      ? g_strdup (o->station)
                      : station_config_get_string (config, "station", "name", g_get_host_name ());
  /* a batch never mixes production and sandbox SIMs (issue 14) */
  if (!store_batch_check_api_url (line->store, o->batch_id, o->api_url, error))
    return NULL;

  if ((line->recipe->steps & RECIPE_STEP_LABEL) && !open_printer (line, config, o, error))
    return NULL;
  if (o->registry_listen != NULL && !open_registry (line, o, error))
    return NULL;

  line->cloud = cloud_client_new_from_config (config, o->api_url, cancellable, error);
  if (line->cloud == NULL)
    return NULL;
  /* before the fixture powers anything and before any API call changes
   * anything: what would fail every unit the same way stops the run here */
  if (!station_preflight_run (line, cancellable, error))
    return NULL;
  line->api_root = root_url (o->api_url ? o->api_url : cloud_client_get_base_url (line->cloud));
  fopts.api_url = line->api_root;
  fopts.operator= o->operator;
  fopts.operator_data = o->operator_data;
  line->fixture = fixture_open (o->fixture_uri, &fopts, cancellable, error);
  if (line->fixture == NULL)
    return NULL;
  return g_steal_pointer (&line);
}

void
station_line_close (StationLine *line)
{
  if (line == NULL)
    return;
  if (line->registry != NULL)
    registry_server_stop (line->registry);
  g_clear_pointer (&line->fixture, fixture_close);
  g_clear_pointer (&line->cloud, cloud_client_free);
  g_clear_pointer (&line->print_queue, print_queue_free);
  g_clear_pointer (&line->label_template, label_template_free);
  g_clear_pointer (&line->registry, registry_server_free);
  g_clear_pointer (&line->recipe, recipe_free);
  g_clear_pointer (&line->store, store_close);
  g_free (line->batch_id);
  g_free (line->printer_uri);
  g_free (line->station);
  g_free (line->api_root);
  g_free (line);
}

void
station_line_engine_options (StationLine *line, EngineOptions *eopts)
{
  eopts->store = line->store;
  eopts->cloud = line->cloud;
  eopts->fixture = line->fixture;
  eopts->print_queue = line->print_queue;
  eopts->label_template = line->label_template;
  eopts->printer_uri = line->printer_uri;
  eopts->recipe = line->recipe;
  eopts->batch_id = line->batch_id;
  eopts->station = line->station;
  /* a sandbox unit's label says so (issue 14) */
  eopts->label_mark
      = g_strcmp0 (store_api_url_kind (line->api_root), "SANDBOX") == 0 ? "SANDBOX" : NULL;
}

const char *const *
station_line_step_names (guint *n_steps)
{
  static const char *names[32];
  static gsize once = 0;

  if (g_once_init_enter (&once)) {
    g_assert (unit_steps_count < G_N_ELEMENTS (names));
    for (guint i = 0; i < unit_steps_count; i++)
      names[i] = unit_steps[i].name;
    g_once_init_leave (&once, 1);
  }
  if (n_steps != NULL)
    *n_steps = unit_steps_count;
  return names;
}
