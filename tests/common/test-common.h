/* tests/common/test-common.h - helpers shared by the test programs:
 * paths to test data and built programs, temporary directories, pty pairs,
 * spawning programs with bounded waits. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdarg.h>

G_BEGIN_DECLS

/* tc_init: g_test_init plus the project's defaults (no network beyond
 * loopback, C locale for messages).  Call first in main(). */
void tc_init (int *argc, char ***argv);

/* Paths (free with g_free()): a file under tests/data, a program of the
 * build tree ("station/station-cli"), a file under ../shared. */
char *tc_data_path (const char *first, ...) G_GNUC_NULL_TERMINATED;
char *tc_build_path (const char *relative);
char *tc_shared_path (const char *first, ...) G_GNUC_NULL_TERMINATED;

/* tc_tmpdir: a fresh directory, removed with its contents when the current
 * test case ends. */
char *tc_tmpdir (void);

/* tc_rm_rf: removes @path and everything below it (no symlinks followed). */
void tc_rm_rf (const char *path);

/* tc_free_port: a loopback TCP port free a moment ago (bound to port 0,
 * then closed): for a server the test starts, or a port nothing listens
 * on.  Aborts the test on failure. */
guint tc_free_port (void);

/* tc_pty_open: a raw pty pair; returns the master fd and stores the slave
 * path in @slave_path (free with g_free()).  Aborts the test on failure. */
int tc_pty_open (char **slave_path);

/* tc_run: runs @argv (argv[0] a path) to completion with no stdin, storing
 * stdout/stderr (may be NULL) and returning its exit status (or 128+signal).
 * The process is killed after @timeout_ms. */
int tc_run (const char *const *argv, char **out, char **err, guint timeout_ms);

/* tc_json_object: @text parsed as one JSON object (asserts it is one);
 * *@keep holds the parser the object lives in (g_object_unref it). */
JsonObject *tc_json_object (const char *text, JsonParser **keep);

/* tc_cli_valist: tc_run of the built station-cli with "--db @db" and the
 * NULL-terminated arguments in @args (30 s bound); the exit code. */
int tc_cli_valist (const char *db, char **out, char **err, va_list args);

/* tc_spawn_first_line: starts @argv in the background and waits at most
 * @timeout_ms for its first stdout line (returned without the newline;
 * NULL on timeout or EOF).  @pid receives the child, @stdout_fd its stdout
 * (caller closes) when non-NULL. */
char *tc_spawn_first_line (const char *const *argv, GPid *pid, int *stdout_fd, guint timeout_ms);

/* tc_time_scale: how much slower than normal the tests run, from
 * $STATION_TEST_TIME_SCALE (the sanitizer set-up sets 4); 1 otherwise. */
guint tc_time_scale (void);

/* tc_scaled_recipe: a copy of the recipe @src in @dir whose [limits] times
 * (keys ending in _s) are multiplied by tc_time_scale(), so time limits
 * chosen for a normal build still hold under sanitizers.  Free with g_free(). */
char *tc_scaled_recipe (const char *src, const char *dir);

/* tc_kill: SIGTERM then, after @grace_ms, SIGKILL; reaps the child. */
void tc_kill (GPid pid, guint grace_ms);

G_END_DECLS
