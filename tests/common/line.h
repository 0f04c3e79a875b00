/* tests/common/line.h - a virtual production line for the engine tests:
 * the cloud emulator (its own state file, Beam forwarded to a free
 * loopback port), one or more fixture-sim processes fed with a manifest
 * the test writes (--speed 20: boots and attaches take milliseconds), a
 * store with the batch imported by `station-cli batch import`, and
 * `station-cli provision` runs as processes whose JSON lines are parsed.
 * Everything lives in a tc_tmpdir() and on 127.0.0.1; processes die with
 * the test. */
#pragma once

#include <json-glib/json-glib.h>

#include "tests/emulator-client.h"

G_BEGIN_DECLS

#define LINE_SPEED "20"

/* One unit as fixture-sim announced it (its first JSON line). */
typedef struct {
  char *device_id;
  char *imei;
  char *imsi;  /* NULL for a unit without SIM */
  char *iccid; /* likewise */
  char **faults;
} LineUnit;

gboolean line_unit_has_fault (const LineUnit *u, const char *fault);

/* A process of the line and its stdout lines. */
typedef struct {
  GSubprocess *proc;
  char *err_path; /* its stderr */
  GThread *reader;
  GMutex lock;
  GCond cond;
  GPtrArray *lines; /* stdout lines (char *) */
  gboolean eof;
  int status; /* after line_run_wait: exit code, or 128 + signal */
} LineRun;

typedef struct {
  char *dir;
  Emu *emu;      /* emulator-client.h: base URL, HTTP session */
  char *api_url; /* emu->base + "/v1" */
  char *psk_path;
  guint registry_port;
  char *db;
  char *labels; /* directory of the file printer */
  char *recipe;
  char *config;
  guint runs;        /* provision runs so far (names their stderr files) */
  LineRun *registry; /* a `station-cli registry` sharing the store, or NULL */
  /* provision runs: */
  gboolean default_printer; /* no --printer: the station's default folder */
  const char *auth_key;     /* SORACOM_AUTH_KEY instead of the emulator's */
  guint64 fsize_limit;      /* > 0: RLIMIT_FSIZE in bytes (SIGXFSZ ignored) */
  /* a fake ZPL printer instead of the file printer (line_printer_start) */
  LineRun *printer;
  guint printer_port;
  guint printer_starts;  /* processes started so far (names their record folders) */
  guint printer_printed; /* labels printed by the processes that ended */
} Line;

/* A running fixture-sim. */
typedef struct {
  LineRun *run;     /* the process and its stdout */
  char *fixture;    /* URI for provision --fixture */
  GPtrArray *units; /* LineUnit * in manifest order */
} LineSim;

/* line_new: starts the emulator (state file, Beam target, PSK) in a fresh
 * temporary directory.  Aborts the test on failure.  line_free stops every
 * process it started. */
Line *line_new (void);
void line_free (Line *line);

/* line_emulator_restart: SIGKILL the emulator, leave the port dark for
 * @down_ms, start it again on the same port and state file. */
void line_emulator_restart (Line *line, guint down_ms);

/* line_registry_restart: SIGKILL the line's `station-cli registry`, leave
 * its port dark for @down_ms, start it again (line_registry_start). */
void line_registry_restart (Line *line, guint down_ms);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Line, line_free)

/* line_printer_start: runs the fake-zpl-printer program on 127.0.0.1 (the
 * port of the previous one, if any), recording each label it prints in
 * labels/zpl-N/; the provision runs then print to it (zpl:) instead of the
 * file printer. */
void line_printer_start (Line *line);

/* line_printer_kill: SIGKILL the printer (its port stays dark until
 * line_printer_start). */
void line_printer_kill (Line *line);

/* line_printer_restart: SIGKILL the printer (what it holds is lost, as on
 * a power cycle), leave its port dark for @down_ms, start it again on the
 * same port. */
void line_printer_restart (Line *line, guint down_ms);

/* line_printer_command: writes @command (a fake-zpl-printer stdin
 * command, e.g. "drop next") to the running printer and waits for its
 * reply line. */
void line_printer_command (Line *line, const char *command);

/* line_printer_printed: labels printed by every printer process so far. */
guint line_printer_printed (Line *line);

/* line_registry_start: runs `station-cli registry` on the line's Beam
 * target port, sharing the store (several stations on one store); the
 * provision runs then start no receiver of their own. */
void line_registry_start (Line *line);
/* line_registry_start_args: the same with @extra arguments (NULL-terminated). */
void line_registry_start_args (Line *line, const char *const *extra);

/* line_sim_start: writes @manifest_json into the line's directory and
 * starts fixture-sim with @slots slots on it ("register": true makes it
 * insert the SIMs into the emulator).  line_sim_stop: SIGTERM and wait. */
LineSim *line_sim_start (Line *line, const char *manifest_json, guint slots);
void line_sim_stop (LineSim *sim);

/* line_sim_unit: the unit with @device_id (case-insensitive); aborts if none. */
LineUnit *line_sim_unit (LineSim *sim, const char *device_id);

/* line_import: `station-cli batch import --batch @batch` of the SIMs of
 * @sim's units that belong to the batch (every unit with a SIM except the
 * unknown-imsi ones).  Asserts success; returns how many SIMs it listed. */
guint line_import (Line *line, const char *batch, LineSim *sim);

/* line_provision_start: `station-cli provision --batch @batch --fixture ...
 * --registry-listen ... --psk-file ... --printer file:DIR --recipe ...
 * --poll-ms 50` plus @extra (NULL-terminated, may be NULL); @crash_at
 * non-NULL sets STATION_CRASH_AT. */
LineRun *line_provision_start (Line *line, LineSim *sim, const char *batch, const char *crash_at,
                               const char *const *extra);
/* line_run_wait_lines: waits at most @timeout_ms for @n stdout lines. */
gboolean line_run_wait_lines (LineRun *run, guint n, guint timeout_ms);
/* line_run_wait_stderr: waits at most @timeout_ms for @needle to appear in
 * the run's stderr; FALSE when it did not (or the process ended first). */
gboolean line_run_wait_stderr (LineRun *run, const char *needle, guint timeout_ms);
/* line_run_wait: waits for the process (killed after @timeout_ms, which
 * fails the test) and its output; returns run->status. */
int line_run_wait (LineRun *run, guint timeout_ms);
void line_run_free (LineRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LineRun, line_run_free)

/* line_provision: start + wait (180 s bound). */
LineRun *line_provision (Line *line, LineSim *sim, const char *batch, const char *crash_at,
                         const char *const *extra);

/* line_run_results: the unit lines (JsonObject *, owned by the array) and
 * the summary (the last line, with "cancelled"); NULL when absent. */
GPtrArray *line_run_results (LineRun *run);
JsonObject *line_run_summary (LineRun *run);
/* line_run_result: the unit line of @device_id; NULL when none; aborts
 * when there are several. */
JsonObject *line_run_result (LineRun *run, const char *device_id);
/* line_run_dump: the run's stdout and stderr as a test message. */
void line_run_dump (LineRun *run);

/* line_state: GET /_emulator/state. */
JsonObject *line_state (Line *line, JsonNode **keep);
/* line_sim_json: the subscriber @imsi in @state (NULL when unknown). */
JsonObject *line_state_sim (JsonObject *state, const char *imsi);
/* line_state_calls: calls.<operation>.<key> (0 when absent). */
gint64 line_state_calls (JsonObject *state, const char *operation, const char *key);

/* line_cli: runs station-cli with the line's --db/--config/--api-url and
 * @args; returns the exit code, stdout in @out. */
int line_cli (Line *line, const char *const *args, char **out);
/* line_lookup: `station-cli lookup @code` parsed (asserts exit 0). */
JsonNode *line_lookup (Line *line, const char *code);

/* line_lookup_maybe: the same, NULL when the unit has no record. */
JsonNode *line_lookup_maybe (Line *line, const char *code);

/* line_label_files: labels printed for @device_id: files in the label
 * directory whose name starts with @device_id (the file printer names them
 * after the unit), or, with the fake ZPL printer, recorded formats that
 * carry "DEV <device_id> IMSI" in their payload. */
guint line_label_files (Line *line, const char *device_id);

G_END_DECLS
