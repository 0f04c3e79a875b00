/* ui/station-app.c - station-gtk: options, the run, the window. */
#define G_LOG_DOMAIN "station-ui"

#include "ui/station-app.h"

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "station/station-error.h"
#include "ui/station-run.h"
#include "ui/station-window.h"
#include "ui/station-words.h"

#define DEFAULT_API_URL "https://api.soracom.io/v1"
#define SANDBOX_API_URL "https://api-sandbox.soracom.io/v1"

struct _StationApp {
  GtkApplication parent_instance;

  StationRun *run;
  gboolean start;
  GtkWidget *window;
  guint signals_seen;
};

G_DEFINE_FINAL_TYPE (StationApp, station_app, GTK_TYPE_APPLICATION)

static const GOptionEntry options[]
    = { { "db", 0, 0, G_OPTION_ARG_STRING, NULL, "SQLite store", "PATH" },
        { "config", 0, 0, G_OPTION_ARG_STRING, NULL, "configuration (INI)", "FILE" },
        { "api-url", 0, 0, G_OPTION_ARG_STRING, NULL, "SORACOM API base URL", "URL" },
        { "sandbox", 0, 0, G_OPTION_ARG_NONE, NULL, "use the SORACOM API sandbox", NULL },
        { "batch", 0, 0, G_OPTION_ARG_STRING, NULL, "batch to provision", "ID" },
        { "fixture", 0, 0, G_OPTION_ARG_STRING, NULL,
          "sim:, serial:/dev/ttyUSB0?baud=115200 or pty:/dev/pts/N", "URI" },
        { "slots", 0, 0, G_OPTION_ARG_INT, NULL, "slots to use (default: all)", "N" },
        { "count", 0, 0, G_OPTION_ARG_INT, NULL, "stop after N units", "N" },
        { "registry-listen", 0, 0, G_OPTION_ARG_STRING, NULL,
          "also run the Beam registration receiver", "HOST:PORT" },
        { "psk-file", 0, 0, G_OPTION_ARG_STRING, NULL, "Beam pre-shared key (mode 0600)", "FILE" },
        { "printer", 0, 0, G_OPTION_ARG_STRING, NULL,
          "file:DIR, cups:QUEUE or zpl:HOST:PORT ([printer] uri)", "URI" },
        { "recipe", 0, 0, G_OPTION_ARG_STRING, NULL, "recipe ([station] recipe)", "FILE" },
        { "template", 0, 0, G_OPTION_ARG_STRING, NULL, "label template (recipe's)", "NAME" },
        { "station", 0, 0, G_OPTION_ARG_STRING, NULL, "this station's name ([station] name)",
          "NAME" },
        { "poll-ms", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, NULL, "poll interval", "MS" },
        { "start", 0, 0, G_OPTION_ARG_NONE, NULL, "start provisioning at once", NULL },
        { NULL } };

static char *
lookup_string (GVariantDict *dict, const char *name)
{
  char *value = NULL;

  g_variant_dict_lookup (dict, name, "s", &value);
  return value;
}

static int
usage_error (const GError *error)
{
  g_printerr ("station-gtk: %s\n", error->message);
  return station_exit_code_for_error (error);
}

/* Builds the run from the options; an exit code on a bad option, -1 to go on. */
static int
station_app_handle_local_options (GApplication *app, GVariantDict *dict)
{
  StationApp *self = STATION_APP (app);
  g_autoptr (GError) error = NULL;
  g_autoptr (StationConfig) config = NULL;
  g_autofree char *config_path = lookup_string (dict, "config");
  g_autofree char *db = lookup_string (dict, "db");
  g_autofree char *api_url = lookup_string (dict, "api-url");
  g_autofree char *batch = lookup_string (dict, "batch");
  g_autofree char *fixture = lookup_string (dict, "fixture");
  g_autofree char *listen = lookup_string (dict, "registry-listen");
  g_autofree char *psk = lookup_string (dict, "psk-file");
  g_autofree char *printer = lookup_string (dict, "printer");
  g_autofree char *recipe = lookup_string (dict, "recipe");
  g_autofree char *template_name = lookup_string (dict, "template");
  g_autofree char *station = lookup_string (dict, "station");
  gboolean sandbox = g_variant_dict_contains (dict, "sandbox");
  gint32 slots = 0, count = 0, poll_ms = 0;
  StationRunOptions ro = { 0 };

  g_variant_dict_lookup (dict, "slots", "i", &slots);
  g_variant_dict_lookup (dict, "count", "i", &count);
  g_variant_dict_lookup (dict, "poll-ms", "i", &poll_ms);
  self->start = g_variant_dict_contains (dict, "start");

  if (config_path != NULL) {
    config = station_config_load (config_path, &error);
    if (config == NULL)
      return usage_error (error);
  } else {
    config = station_config_new ();
  }
  if (db != NULL)
    station_config_set_string (config, "station", "db", db);
  if (api_url != NULL)
    station_config_set_string (config, "soracom", "api_url", api_url);
  else if (sandbox)
    api_url = g_strdup (SANDBOX_API_URL);
  else
    api_url = station_config_get_string (config, "soracom", "api_url", DEFAULT_API_URL);

  if (slots < 0 || count < 0 || poll_ms < 0) {
    g_set_error (&error, STATION_ERROR, STATION_ERROR_USAGE,
                 "--slots, --count and --poll-ms must be >= 0");
    return usage_error (error);
  }
  ro.line.batch_id = batch;
  ro.line.fixture_uri = fixture;
  ro.line.api_url = api_url;
  ro.line.registry_listen = listen;
  ro.line.psk_file = psk;
  ro.line.printer_uri = printer;
  ro.line.recipe_path = recipe;
  ro.line.template_name = template_name;
  ro.line.station = station;
  ro.slots = (guint)slots;
  ro.count = (guint)count;
  ro.poll_ms = (guint)poll_ms;
  /* without batch and fixture the app only looks units up */
  if ((batch != NULL || fixture != NULL || listen != NULL || psk != NULL || self->start)
      && !station_line_options_check (&ro.line, &error))
    return usage_error (error);
  self->run = station_run_new (g_steal_pointer (&config), &ro);
  return -1;
}

/* SIGINT / SIGTERM: stop without asking (each slot finishes its step),
 * then close; a second signal quits at once. */
static gboolean
on_signal (gpointer data)
{
  StationApp *self = data;

  if (++self->signals_seen > 1 || self->window == NULL)
    g_application_quit (G_APPLICATION (self));
  else
    station_window_stop_and_close (STATION_WINDOW (self->window));
  return G_SOURCE_CONTINUE;
}

static void
station_app_startup (GApplication *app)
{
  G_APPLICATION_CLASS (station_app_parent_class)->startup (app);
  g_set_application_name (_ ("Provisioning station"));
  gtk_window_set_default_icon_name ("network-cellular-signal-excellent-symbolic");
  g_unix_signal_add (SIGINT, on_signal, app);
  g_unix_signal_add (SIGTERM, on_signal, app);
}

static void
station_app_activate (GApplication *app)
{
  StationApp *self = STATION_APP (app);

  if (self->window == NULL) {
    self->window = station_window_new (GTK_APPLICATION (app), self->run);
    g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *)&self->window);
    if (self->start)
      g_action_group_activate_action (G_ACTION_GROUP (self->window), "start", NULL);
    else
      station_run_prepare (self->run);
  }
  gtk_window_present (GTK_WINDOW (self->window));
}

static void
station_app_finalize (GObject *object)
{
  StationApp *self = STATION_APP (object);

  g_clear_object (&self->run);
  G_OBJECT_CLASS (station_app_parent_class)->finalize (object);
}

static void
station_app_class_init (StationAppClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = station_app_finalize;
  app_class->handle_local_options = station_app_handle_local_options;
  app_class->startup = station_app_startup;
  app_class->activate = station_app_activate;
}

static void
station_app_init (StationApp *self)
{
  station_ui_init ();
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_summary (
      G_APPLICATION (self), "The operator's app of the provisioning station: runs the units the "
                            "fixture presents through the pipeline and looks scanned units up.");
}

StationApp *
station_app_new (void)
{
  return g_object_new (STATION_TYPE_APP, "application-id", "io.github.station.Operator", "flags",
                       G_APPLICATION_NON_UNIQUE, NULL);
}
