/* station/cli/cmd-provision.c - station-cli provision: runs the units the
 * fixture presents through the pipeline (CONTRACT.md section 2), one JSON
 * line per unit on stdout, then a JSON summary; human-readable progress on
 * stderr when it is a terminal (or with --progress). */
#define G_LOG_DOMAIN "station-cli"

#include <errno.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "drivers/fixture/fixture.h"
#include "drivers/identity.h"
#include "drivers/printer/print-queue.h"
#include "drivers/printer/printer.h"
#include "labels/label-template.h"
#include "station/cli/cli-commands.h"
#include "station/cloud/cloud-client.h"
#include "station/pipeline/engine.h"
#include "station/pipeline/line.h"
#include "station/registry/registry.h"
#include "station/store/store.h"

typedef struct {
  gboolean progress;
  guint exit_class; /* worst station error seen: STATION_EXIT_* */
  GCancellable *cancellable;
} Run;

/* ---- the operator of a manual: fixture, on this terminal ------------------ */

/* Reads one line from stdin, giving up when @cancellable fires or after
 * @timeout_ms.  NULL at end of input. */
static char *
read_line (guint timeout_ms, GCancellable *cancellable, GError **error)
{
  GString *line = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  while (line->len < 256) {
    struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
    char c;
    ssize_t n;

    if (g_cancellable_set_error_if_cancelled (cancellable, error))
      goto fail;
    if (g_get_monotonic_time () >= deadline) {
      g_set_error (error, FIXTURE_ERROR, FIXTURE_ERROR_TIMEOUT, "no answer from the operator");
      goto fail;
    }
    if (poll (&p, 1, 200) <= 0)
      continue;
    n = read (STDIN_FILENO, &c, 1);
    if (n <= 0) {
      if (line->len > 0)
        break;
      g_set_error (error, FIXTURE_ERROR, FIXTURE_ERROR_NO_MORE_UNITS, "end of operator input");
      goto fail;
    }
    if (c == '\n' || c == '\r')
      break;
    g_string_append_c (line, c);
  }
  return g_strstrip (g_string_free (line, FALSE));

fail:
  g_string_free (line, TRUE);
  return NULL;
}

static GMutex operator_lock; /* one prompt at a time on the terminal */

static char *
operator_insert (gpointer data, guint slot, guint timeout_ms, GCancellable *cancellable,
                 GError **error)
{
  char *line;

  g_mutex_lock (&operator_lock);
  fprintf (stderr,
           "slot %u: insert a unit and scan its device ID (empty line: end the batch): ", slot);
  fflush (stderr);
  line = read_line (timeout_ms, cancellable, error);
  g_mutex_unlock (&operator_lock);
  if (line != NULL && *line == '\0') {
    g_free (line);
    g_set_error (error, FIXTURE_ERROR, FIXTURE_ERROR_NO_MORE_UNITS, "the operator ended the batch");
    return NULL;
  }
  return line;
}

static gboolean
operator_remove (gpointer data, guint slot, FixtureLed led, guint timeout_ms,
                 GCancellable *cancellable, GError **error)
{
  g_autofree char *line = NULL;

  g_mutex_lock (&operator_lock);
  fprintf (stderr, "slot %u: %s: take the unit out and press Enter: ", slot,
           led == FIXTURE_LED_PASS ? "PASSED" : "FAILED");
  fflush (stderr);
  line = read_line (timeout_ms, cancellable, error);
  g_mutex_unlock (&operator_lock);
  return line != NULL || g_error_matches (*error, FIXTURE_ERROR, FIXTURE_ERROR_NO_MORE_UNITS);
}

static const FixtureOperator terminal_operator = {
  .insert = operator_insert,
  .remove = operator_remove,
};

/* ---- output ----------------------------------------------------------------- */

static guint
exit_class_for (const char *code)
{
  if (code == NULL)
    return STATION_EXIT_CHECK;
  if (strcmp (code, "api-error") == 0 || strcmp (code, "readback-mismatch") == 0)
    return STATION_EXIT_CLOUD;
  if (strcmp (code, "store-error") == 0)
    return STATION_EXIT_STORE;
  if (strcmp (code, "cancelled") == 0)
    return STATION_EXIT_CHECK;
  if (strcmp (code, "label-error") == 0) /* the recipe's template: configuration */
    return STATION_EXIT_USAGE;
  return STATION_EXIT_DEVICE;
}

static void
json_string_or_null (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
on_event (const EngineEvent *ev, gpointer data)
{
  Run *run = data;

  switch (ev->kind) {
  case ENGINE_EVENT_UNIT_FINISHED: {
    g_autoptr (JsonBuilder) b = json_builder_new ();
    g_autoptr (JsonNode) node = NULL;

    json_builder_begin_object (b);
    json_string_or_null (b, "device_id", ev->device_id);
    json_string_or_null (b, "imsi", ev->imsi);
    json_string_or_null (b, "result", engine_result_name (ev->result));
    json_string_or_null (b, "failure_code", ev->failure_code);
    json_string_or_null (b, "imei", ev->imei);
    json_string_or_null (b, "iccid", ev->iccid);
    json_builder_set_member_name (b, "slot");
    json_builder_add_int_value (b, ev->slot);
    json_string_or_null (b, "message", ev->message);
    json_builder_set_member_name (b, "elapsed_ms");
    json_builder_add_int_value (b, ev->elapsed_ms);
    json_builder_set_member_name (b, "api_calls");
    json_builder_add_int_value (b, ev->api_calls);
    json_builder_end_object (b);
    node = json_builder_get_root (b);
    station_cli_print_json (node);
    if (ev->result == ENGINE_RESULT_ERROR)
      run->exit_class = MAX (run->exit_class, exit_class_for (ev->failure_code));
    if (run->progress)
      fprintf (stderr, "slot %-2u %-20s %s%s%s%s  (%.1f s)\n", ev->slot,
               ev->device_id ? ev->device_id : "?",
               ev->result == ENGINE_RESULT_PASSED   ? "PASSED"
               : ev->result == ENGINE_RESULT_FAILED ? "FAILED "
                                                    : "ERROR ",
               ev->failure_code ? ev->failure_code : "", ev->message ? ": " : "",
               ev->message ? ev->message : "", ev->elapsed_ms / 1000.0);
    break;
  }
  case ENGINE_EVENT_STEP_FINISHED:
    if (run->progress)
      fprintf (stderr, "slot %-2u %-20s   %-11s %s %5" G_GINT64_FORMAT " ms  %s\n", ev->slot,
               ev->device_id, ev->step,
               ev->result == ENGINE_RESULT_PASSED   ? "ok  "
               : ev->result == ENGINE_RESULT_FAILED ? "FAIL"
                                                    : "ERR ",
               ev->elapsed_ms, ev->message ? ev->message : "");
    break;
  case ENGINE_EVENT_STEP_SKIPPED:
    if (run->progress)
      fprintf (stderr, "slot %-2u %-20s   %-11s done earlier (journal)\n", ev->slot, ev->device_id,
               ev->step);
    break;
  case ENGINE_EVENT_NOTICE:
    fprintf (stderr, "station-cli: provision: %s\n", ev->message);
    break;
  default:
    break;
  }
}

static gboolean
on_signal (gpointer data)
{
  Run *run = data;

  if (!g_cancellable_is_cancelled (run->cancellable))
    fprintf (stderr, "station-cli: provision: stopping: finishing the current step of each "
                     "slot (again to force)\n");
  else
    _exit (130);
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
print_recorder (const PrintRecord *rec, gpointer data)
{
  if (rec->state == PRINT_JOB_HELD && rec->error != NULL)
    fprintf (stderr,
             "station-cli: provision: label for %s held: %s (fix the printer; "
             "the unit resumes with --resume)\n",
             rec->key, rec->error->message);
}

static int
provision_run (StationCli *cli, int argc, char **argv, GError **error)
{
  g_autofree char *batch = NULL, *fixture_uri = NULL, *registry_listen = NULL;
  g_autofree char *psk_file = NULL, *recipe_path = NULL, *printer_uri = NULL, *station = NULL;
  g_autofree char *template_name = NULL, *api_url = NULL;
  int slots = 0, count = 0, poll_ms = 0;
  gboolean resume = FALSE, progress = FALSE; /* resuming is automatic: see README */
  const GOptionEntry entries[] = {
    { "batch", 0, 0, G_OPTION_ARG_STRING, &batch, "batch to provision", "ID" },
    { "fixture", 0, 0, G_OPTION_ARG_STRING, &fixture_uri,
      "sim:, serial:/dev/ttyUSB0?baud=115200, pty:/dev/pts/N or manual:", "URI" },
    { "slots", 0, 0, G_OPTION_ARG_INT, &slots, "slots to use (default: all)", "N" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "stop after N units", "N" },
    { "resume", 0, 0, G_OPTION_ARG_NONE, &resume,
      "continue the units an earlier run left unfinished", NULL },
    { "registry-listen", 0, 0, G_OPTION_ARG_STRING, &registry_listen,
      "also run the Beam registration receiver", "HOST:PORT" },
    { "psk-file", 0, 0, G_OPTION_ARG_FILENAME, &psk_file, "Beam pre-shared key (mode 0600)",
      "FILE" },
    { "recipe", 0, 0, G_OPTION_ARG_FILENAME, &recipe_path, "recipe ([station] recipe)", "FILE" },
    { "printer", 0, 0, G_OPTION_ARG_STRING, &printer_uri,
      "file:DIR, cups:QUEUE or zpl:HOST:PORT ([printer] uri)", "URI" },
    { "template", 0, 0, G_OPTION_ARG_STRING, &template_name, "label template (recipe's)", "NAME" },
    { "station", 0, 0, G_OPTION_ARG_STRING, &station, "this station's name ([station] name)",
      "NAME" },
    { "poll-ms", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &poll_ms, "poll interval", "MS" },
    { "progress", 0, 0, G_OPTION_ARG_NONE, &progress, "step-by-step progress on stderr", NULL },
    { NULL }
  };
  g_autoptr (StationLine) line = NULL;
  g_autoptr (Engine) engine = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) run_error = NULL;
  StationLineOptions lopts = { 0 };
  EngineOptions eopts = { 0 };
  EngineSummary sum = { 0 };
  Run run = { 0 };
  guint sig_int = 0, sig_term = 0;
  int rc = -1;

  if (!station_cli_parse (cli, "provision", "", entries, &argc, &argv, error))
    return -1;
  if (argc > 1) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE, "unexpected argument '%s'", argv[1]);
    return -1;
  }
  if (slots < 0 || count < 0) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE, "--slots and --count must be >= 0");
    return -1;
  }
  lopts.batch_id = batch;
  lopts.fixture_uri = fixture_uri;
  lopts.registry_listen = registry_listen;
  lopts.psk_file = psk_file;
  lopts.recipe_path = recipe_path;
  lopts.printer_uri = printer_uri;
  lopts.template_name = template_name;
  lopts.station = station;
  lopts.operator= & terminal_operator;
  lopts.print_recorder = print_recorder;
  if (!station_line_options_check (&lopts, error))
    return -1;

  api_url = station_cli_api_url (cli);
  lopts.api_url = api_url;
  station_cli_banner (cli, "provision");
  line = station_line_open (cli->config, &lopts, cancellable, error);
  if (line == NULL)
    goto out;

  run.progress = progress || isatty (STDERR_FILENO);
  run.cancellable = cancellable;
  station_line_engine_options (line, &eopts);
  eopts.slots = (guint)slots;
  eopts.count = (guint)count;
  eopts.poll_ms = (guint)poll_ms;
  eopts.on_event = on_event;
  eopts.user_data = &run;
  engine = engine_new (&eopts, error);
  if (engine == NULL)
    goto out;

  sig_int = g_unix_signal_add (SIGINT, on_signal, &run);
  sig_term = g_unix_signal_add (SIGTERM, on_signal, &run);
  engine_run (engine, cancellable, &sum, &run_error);
  g_source_remove (sig_int);
  g_source_remove (sig_term);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "batch");
  json_builder_add_string_value (b, batch);
  json_builder_set_member_name (b, "units");
  json_builder_add_int_value (b, sum.units);
  json_builder_set_member_name (b, "passed");
  json_builder_add_int_value (b, sum.passed);
  json_builder_set_member_name (b, "failed");
  json_builder_add_int_value (b, sum.failed);
  json_builder_set_member_name (b, "error");
  json_builder_add_int_value (b, sum.error);
  json_builder_set_member_name (b, "resumed");
  json_builder_add_int_value (b, sum.resumed);
  json_builder_set_member_name (b, "api_calls");
  json_builder_add_int_value (b, sum.api_calls);
  json_builder_set_member_name (b, "elapsed_ms");
  json_builder_add_int_value (b, sum.elapsed_ms);
  json_builder_set_member_name (b, "cancelled");
  json_builder_add_boolean_value (
      b, g_error_matches (run_error, ENGINE_ERROR, ENGINE_ERROR_CANCELLED));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  station_cli_print_json (root);
  if (run_error != NULL)
    fprintf (stderr, "station-cli: provision: %s\n", run_error->message);

  if (run.exit_class != 0)
    rc = (int)run.exit_class;
  else if (sum.failed > 0 || run_error != NULL)
    rc = STATION_EXIT_CHECK;
  else
    rc = STATION_EXIT_OK;

out:
  g_clear_pointer (&engine, engine_free);
  g_clear_pointer (&line, station_line_close);
  return rc;
}

const StationCliCommand station_cli_provision_command = {
  .name = "provision",
  .synopsis = "--batch ID --fixture URI [--slots N] [--count N] [--resume] "
              "[--registry-listen HOST:PORT --psk-file FILE]",
  .summary = "run units through the pipeline; one JSON line per unit, then a summary",
  .run = provision_run,
};
