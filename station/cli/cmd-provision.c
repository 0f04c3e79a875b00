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
#include "station/pipeline/failure-codes.h"
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

/* json-glib builder helpers: one member each. */
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
json_int_member (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
json_bool_member (JsonBuilder *b, const char *name, gboolean value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
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
    json_int_member (b, "slot", ev->slot);
    json_string_or_null (b, "message", ev->message);
    json_int_member (b, "elapsed_ms", ev->elapsed_ms);
    json_int_member (b, "api_calls", ev->api_calls);
    json_builder_end_object (b);
    node = json_builder_get_root (b);
    station_cli_print_json (node);
    if (ev->result == ENGINE_RESULT_ERROR)
      run->exit_class = MAX (run->exit_class, (guint)failure_code_exit_class (ev->failure_code));
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

/* A label held for a printer fault the operator must fix (paper out, head
 * open).  A printer that went away is not told here: the label step waits
 * for it and says so once (a notice), instead of a line per attempt. */
static void
print_recorder (const PrintRecord *rec, gpointer data)
{
  if (rec->state == PRINT_JOB_HELD && rec->error != NULL && !printer_error_is_gone (rec->error))
    fprintf (stderr,
             "station-cli: provision: label for %s held: %s (fix the printer; "
             "the unit resumes with --resume)\n",
             rec->key, rec->error->message);
}

/* ---- the command -------------------------------------------------------------- */

/* What the command line says. */
typedef struct {
  char *batch, *fixture_uri, *registry_listen, *psk_file, *recipe_path, *printer_uri;
  char *station, *template_name;
  int slots, count, poll_ms;
  gboolean resume; /* resuming is automatic: accepted for scripts (see docs/provisioning.md) */
  gboolean progress;
} ProvisionArgs;

static void
provision_args_clear (ProvisionArgs *a)
{
  g_free (a->batch);
  g_free (a->fixture_uri);
  g_free (a->registry_listen);
  g_free (a->psk_file);
  g_free (a->recipe_path);
  g_free (a->printer_uri);
  g_free (a->station);
  g_free (a->template_name);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ProvisionArgs, provision_args_clear)

/* provision_parse: the options into @a; FALSE with STATION_ERROR_USAGE for
 * an unknown option, a stray argument or a negative count. */
static gboolean
provision_parse (StationCli *cli, int argc, char **argv, ProvisionArgs *a, GError **error)
{
  const GOptionEntry entries[] = {
    { "batch", 0, 0, G_OPTION_ARG_STRING, &a->batch, "batch to provision", "ID" },
    { "fixture", 0, 0, G_OPTION_ARG_STRING, &a->fixture_uri,
      "sim:, serial:/dev/ttyUSB0?baud=115200, pty:/dev/pts/N or manual:", "URI" },
    { "slots", 0, 0, G_OPTION_ARG_INT, &a->slots, "slots to use (default: all)", "N" },
    { "count", 0, 0, G_OPTION_ARG_INT, &a->count, "stop after N units", "N" },
    { "resume", 0, 0, G_OPTION_ARG_NONE, &a->resume,
      "continue the units an earlier run left unfinished", NULL },
    { "registry-listen", 0, 0, G_OPTION_ARG_STRING, &a->registry_listen,
      "also run the Beam registration receiver", "HOST:PORT" },
    { "psk-file", 0, 0, G_OPTION_ARG_FILENAME, &a->psk_file, "Beam pre-shared key (mode 0600)",
      "FILE" },
    { "recipe", 0, 0, G_OPTION_ARG_FILENAME, &a->recipe_path, "recipe ([station] recipe)", "FILE" },
    { "printer", 0, 0, G_OPTION_ARG_STRING, &a->printer_uri,
      "file:DIR, cups:QUEUE or zpl:HOST:PORT ([printer] uri)", "URI" },
    { "template", 0, 0, G_OPTION_ARG_STRING, &a->template_name, "label template (recipe's)",
      "NAME" },
    { "station", 0, 0, G_OPTION_ARG_STRING, &a->station, "this station's name ([station] name)",
      "NAME" },
    { "poll-ms", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &a->poll_ms, "poll interval", "MS" },
    { "progress", 0, 0, G_OPTION_ARG_NONE, &a->progress, "step-by-step progress on stderr", NULL },
    { NULL }
  };

  if (!station_cli_parse (cli, "provision", "", entries, &argc, &argv, error))
    return FALSE;
  if (argc > 1) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE, "unexpected argument '%s'", argv[1]);
    return FALSE;
  }
  if (a->slots < 0 || a->count < 0) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE, "--slots and --count must be >= 0");
    return FALSE;
  }
  return TRUE;
}

/* provision_line_options: the line's options from @a (borrowed: @a
 * outlives them); FALSE with the line's usage error. */
static gboolean
provision_line_options (const ProvisionArgs *a, StationLineOptions *lopts, GError **error)
{
  lopts->batch_id = a->batch;
  lopts->fixture_uri = a->fixture_uri;
  lopts->registry_listen = a->registry_listen;
  lopts->psk_file = a->psk_file;
  lopts->recipe_path = a->recipe_path;
  lopts->printer_uri = a->printer_uri;
  lopts->template_name = a->template_name;
  lopts->station = a->station;
  lopts->operator= & terminal_operator;
  lopts->print_recorder = print_recorder;
  return station_line_options_check (lopts, error);
}

/* provision_engine: the engine on the open @line, its events to @run in
 * this thread's context; NULL with ENGINE_ERROR_SETUP. */
static Engine *
provision_engine (StationLine *line, const ProvisionArgs *a, Run *run, GError **error)
{
  EngineOptions eopts = { 0 };

  station_line_engine_options (line, &eopts);
  eopts.slots = (guint)a->slots;
  eopts.count = (guint)a->count;
  eopts.poll_ms = (guint)a->poll_ms;
  eopts.on_event = on_event;
  eopts.user_data = run;
  return engine_new (&eopts, error);
}

/* provision_summary_json: the run's last line (CONTRACT.md section 2). */
static JsonNode *
provision_summary_json (const char *batch, const EngineSummary *sum, const GError *run_error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_string_or_null (b, "batch", batch);
  json_int_member (b, "units", sum->units);
  json_int_member (b, "passed", sum->passed);
  json_int_member (b, "failed", sum->failed);
  json_int_member (b, "error", sum->error);
  json_int_member (b, "resumed", sum->resumed);
  json_int_member (b, "api_calls", sum->api_calls);
  json_int_member (b, "elapsed_ms", sum->elapsed_ms);
  json_bool_member (b, "cancelled",
                    g_error_matches (run_error, ENGINE_ERROR, ENGINE_ERROR_CANCELLED));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* provision_exit_code: the worst station error a unit ended in, else 1
 * when a unit failed or the run stopped early, else 0. */
static int
provision_exit_code (const Run *run, const EngineSummary *sum, const GError *run_error)
{
  if (run->exit_class != 0)
    return (int)run->exit_class;
  if (sum->failed > 0 || run_error != NULL)
    return STATION_EXIT_CHECK;
  return STATION_EXIT_OK;
}

static int
provision_run (StationCli *cli, int argc, char **argv, GError **error)
{
  g_auto (ProvisionArgs) args = { 0 };
  g_autofree char *api_url = NULL;
  g_autoptr (StationLine) line = NULL;
  g_autoptr (Engine) engine = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (JsonNode) summary = NULL;
  g_autoptr (GError) run_error = NULL;
  StationLineOptions lopts = { 0 };
  EngineSummary sum = { 0 };
  Run run = { 0 };
  guint sig_int, sig_term;

  if (!provision_parse (cli, argc, argv, &args, error))
    return -1;
  if (!provision_line_options (&args, &lopts, error))
    return -1;
  api_url = station_cli_api_url (cli);
  lopts.api_url = api_url;
  station_cli_banner (cli, "provision");
  line = station_line_open (cli->config, &lopts, cancellable, error);
  if (line == NULL)
    return -1;

  run.progress = args.progress || isatty (STDERR_FILENO);
  run.cancellable = cancellable;
  engine = provision_engine (line, &args, &run, error);
  if (engine == NULL)
    return -1;

  sig_int = g_unix_signal_add (SIGINT, on_signal, &run);
  sig_term = g_unix_signal_add (SIGTERM, on_signal, &run);
  engine_run (engine, cancellable, &sum, &run_error);
  g_source_remove (sig_int);
  g_source_remove (sig_term);

  summary = provision_summary_json (args.batch, &sum, run_error);
  station_cli_print_json (summary);
  if (run_error != NULL)
    fprintf (stderr, "station-cli: provision: %s\n", run_error->message);
  return provision_exit_code (&run, &sum, run_error);
}

const StationCliCommand station_cli_provision_command = {
  .name = "provision",
  .synopsis = "--batch ID --fixture URI [--slots N] [--count N] [--resume] "
              "[--registry-listen HOST:PORT --psk-file FILE]",
  .summary = "run units through the pipeline; one JSON line per unit, then a summary",
  .run = provision_run,
};
