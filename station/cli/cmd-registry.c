/* station/cli/cmd-registry.c - station-cli registry: the Beam registration
 * receiver (CONTRACT.md sections 2 and 4) in the foreground. */
#define G_LOG_DOMAIN "station-cli"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>

#include "station/cli/cli-commands.h"
#include "station/registry/registry-events.h"
#include "station/registry/registry.h"
#include "station/store/store.h"

/* Log lines go to stdout as they happen: "<UTC time> <remote> <method>
 * <device id> <status> <reason>". */
static void
print_log_line (const char *line, gpointer data)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format_iso8601 (now);

  fprintf (stdout, "%s %s\n", stamp, line);
  fflush (stdout);
}

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

static int
registry_run (StationCli *cli, int argc, char **argv, GError **error)
{
  g_autofree char *listen = NULL, *psk_file = NULL, *host = NULL, *token = NULL;
  g_autofree char *events_secret_file = NULL;
  g_autofree char *url = NULL;
  gint64 max_body = 0, max_connections = 0, request_timeout_ms = 0;
  const GOptionEntry entries[]
      = { { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
            "address to listen on, e.g. 127.0.0.1:8888 ([registry] listen)", "HOST:PORT" },
          { "psk-file", 0, 0, G_OPTION_ARG_FILENAME, &psk_file,
            "file holding the Beam pre-shared key, mode 0600 ([registry] psk_file)", "FILE" },
          { "events-secret-file", 0, 0, G_OPTION_ARG_FILENAME, &events_secret_file,
            "serve POST /events (SORACOM event handlers) checking this secret, mode 0600 "
            "([registry] events_secret_file)",
            "FILE" },
          { NULL } };
  g_autoptr (GBytes) events_secret = NULL;
  g_autoptr (GBytes) psk = NULL;
  g_autoptr (Store) store = NULL;
  g_autoptr (RegistryServer) server = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  RegistryOptions opts = { 0 };
  guint port = 0, sig_int, sig_term;

  if (!station_cli_parse (cli, "registry", "", entries, &argc, &argv, error))
    return -1;
  if (argc > 1) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE, "unexpected argument '%s'", argv[1]);
    return -1;
  }
  if (listen == NULL)
    listen = station_config_get_string (cli->config, "registry", "listen", NULL);
  if (psk_file == NULL)
    psk_file = station_config_get_string (cli->config, "registry", "psk_file", NULL);
  if (listen == NULL || psk_file == NULL) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "--listen HOST:PORT and --psk-file FILE are required");
    return -1;
  }
  if (!registry_parse_listen (listen, &host, &port, error))
    return -1;
  if (!station_config_get_int (cli->config, "registry", "max_body", 0, &max_body, error))
    return -1;
  if (!station_config_get_int (cli->config, "registry", "max_connections", 0, &max_connections,
                               error)
      || !station_config_get_int (cli->config, "registry", "request_timeout_ms", 0,
                                  &request_timeout_ms, error))
    return -1;
  if (max_body < 0 || max_connections < 0 || max_connections > 65536 || request_timeout_ms < 0
      || request_timeout_ms > 3600 * 1000) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "[registry] max_body must be >= 0, max_connections 0-65536 and "
                 "request_timeout_ms 0-3600000 (0: the default)");
    return -1;
  }
  psk = registry_psk_load (psk_file, error);
  if (psk == NULL)
    return -1;
  if (events_secret_file == NULL)
    events_secret_file
        = station_config_get_string (cli->config, "registry", "events_secret_file", NULL);
  if (events_secret_file != NULL) {
    events_secret = registry_events_secret_load (events_secret_file, error);
    if (events_secret == NULL)
      return -1;
  }
  store = store_open_from_config (cli->config, STORE_OPEN_DEFAULT, error);
  if (store == NULL)
    return -1;

  token = station_config_get_string (cli->config, "registry", "token", NULL);
  opts.psk = psk;
  opts.events_secret = events_secret;
  opts.token = token;
  opts.max_body = max_body > 0 ? (gsize)max_body : 0;
  opts.max_connections = (guint)max_connections;
  opts.request_timeout_ms = (guint)request_timeout_ms;
  opts.log = print_log_line;
  server = registry_server_new (store, &opts);
  if (!registry_server_start (server, host, port, error))
    return -1;

  url = registry_server_get_url (server);
  fprintf (stdout, "registry listening on %s (store %s, GET /registrations %s, POST /events %s)\n",
           url, store_get_path (store), token ? "enabled" : "disabled",
           events_secret ? "enabled" : "disabled");
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sig_int = g_unix_signal_add (SIGINT, on_signal, loop);
  sig_term = g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);
  g_source_remove (sig_int);
  g_source_remove (sig_term);

  registry_server_stop (server);
  fprintf (stdout, "registry stopped after %u requests\n", registry_server_get_count (server));
  fflush (stdout);
  return STATION_EXIT_OK;
}

const StationCliCommand station_cli_registry_command = {
  .name = "registry",
  .synopsis = "--listen HOST:PORT --psk-file FILE [--events-secret-file FILE]",
  .summary = "run the Beam registration receiver in the foreground (CONTRACT section 4)",
  .run = registry_run,
};
