/* tests/common/test-common.c - shared test helpers. */
#include "tests/common/test-common.h"

#include <errno.h>
#include <gio/gio.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

void
tc_init (int *argc, char ***argv)
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  g_unsetenv ("http_proxy");
  g_unsetenv ("https_proxy");
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  signal (SIGPIPE, SIG_IGN);
}

static char *
path_from_env (const char *var, const char *fallback, const char *first, va_list ap)
{
  const char *root = g_getenv (var);
  GPtrArray *parts = g_ptr_array_new ();
  char *result;

  g_ptr_array_add (parts, (gpointer)(root ? root : fallback));
  for (const char *p = first; p != NULL; p = va_arg (ap, const char *))
    g_ptr_array_add (parts, (gpointer)p);
  g_ptr_array_add (parts, NULL);
  result = g_build_filenamev ((char **)parts->pdata);
  g_ptr_array_free (parts, TRUE);
  return result;
}

char *
tc_data_path (const char *first, ...)
{
  va_list ap;
  char *r;

  va_start (ap, first);
  r = path_from_env ("TEST_DATA_DIR", "tests/data", first, ap);
  va_end (ap);
  return r;
}

char *
tc_shared_path (const char *first, ...)
{
  va_list ap;
  char *r;

  va_start (ap, first);
  r = path_from_env ("SHARED_DIR", "../shared", first, ap);
  va_end (ap);
  return r;
}

char *
tc_build_path (const char *relative)
{
  const char *root = g_getenv ("BUILD_ROOT");

  return g_build_filename (root ? root : ".", relative, NULL);
}

void
tc_rm_rf (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode)) {
    GDir *dir = g_dir_open (path, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
      g_autofree char *child = g_build_filename (path, name, NULL);
      tc_rm_rf (child);
    }
    if (dir != NULL)
      g_dir_close (dir);
    g_rmdir (path);
  } else {
    g_unlink (path);
  }
}

static void
rm_rf_and_free (gpointer path)
{
  tc_rm_rf (path);
  g_free (path);
}

char *
tc_tmpdir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("station-test-XXXXXX", &error);

  g_assert_no_error (error);
  g_test_queue_destroy (rm_rf_and_free, g_strdup (dir));
  return dir;
}

int
tc_pty_open (char **slave_path)
{
  int master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  struct termios tio;

  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  g_assert_cmpint (tcgetattr (master, &tio), ==, 0);
  cfmakeraw (&tio);
  g_assert_cmpint (tcsetattr (master, TCSANOW, &tio), ==, 0);
  *slave_path = g_strdup (ptsname (master));
  return master;
}

typedef struct {
  GMainLoop *loop;
  gboolean timed_out;
  int status;
  gboolean exited;
} RunState;

static void
child_done (GPid pid, int status, gpointer data)
{
  RunState *st = data;

  st->status = status;
  st->exited = TRUE;
  g_spawn_close_pid (pid);
  g_main_loop_quit (st->loop);
}

static gboolean
run_timeout (gpointer data)
{
  RunState *st = data;

  st->timed_out = TRUE;
  g_main_loop_quit (st->loop);
  return G_SOURCE_REMOVE;
}

static char *
drain_fd (int fd)
{
  GString *s = g_string_new (NULL);
  char buf[4096];
  ssize_t n;

  while ((n = read (fd, buf, sizeof buf)) > 0)
    g_string_append_len (s, buf, n);
  close (fd);
  return g_string_free (s, FALSE);
}

typedef struct {
  int fd;
  GString *data;
} Drain;

static gpointer
drain_thread (gpointer data)
{
  Drain *d = data;
  char *s = drain_fd (d->fd);

  g_string_append (d->data, s);
  g_free (s);
  return NULL;
}

JsonObject *
tc_json_object (const char *text, JsonParser **keep)
{
  g_autoptr (GError) error = NULL;

  *keep = json_parser_new ();
  json_parser_load_from_data (*keep, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (*keep)));
  return json_node_get_object (json_parser_get_root (*keep));
}

int
tc_cli_valist (const char *db, char **out, char **err, va_list args)
{
  g_autofree char *exe = tc_build_path ("station/station-cli");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *a;

  g_ptr_array_add (argv, exe);
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, (gpointer)db);
  while ((a = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer)a);
  g_ptr_array_add (argv, NULL);
  return tc_run ((const char *const *)argv->pdata, out, err, 30000);
}

int
tc_run (const char *const *argv, char **out, char **err, guint timeout_ms)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainContext) ctx = g_main_context_new ();
  RunState st = { 0 };
  GPid pid;
  int out_fd, err_fd;
  Drain d_out, d_err;
  GThread *t_out, *t_err;
  GSource *src;
  int rc;

  g_main_context_push_thread_default (ctx);
  g_spawn_async_with_pipes (NULL, (char **)argv, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL,
                            &pid, NULL, &out_fd, &err_fd, &error);
  g_assert_no_error (error);

  d_out = (Drain){ out_fd, g_string_new (NULL) };
  d_err = (Drain){ err_fd, g_string_new (NULL) };
  t_out = g_thread_new ("drain-out", drain_thread, &d_out);
  t_err = g_thread_new ("drain-err", drain_thread, &d_err);

  st.loop = g_main_loop_new (ctx, FALSE);
  src = g_child_watch_source_new (pid);
  g_source_set_callback (src, (GSourceFunc)(void (*) (void))child_done, &st, NULL);
  g_source_attach (src, ctx);
  g_source_unref (src);
  src = g_timeout_source_new (timeout_ms);
  g_source_set_callback (src, run_timeout, &st, NULL);
  g_source_attach (src, ctx);
  g_main_loop_run (st.loop);
  g_source_destroy (src);
  g_source_unref (src);
  if (!st.exited) {
    kill (pid, SIGKILL);
    g_main_loop_run (st.loop);
  }
  g_main_loop_unref (st.loop);
  g_main_context_pop_thread_default (ctx);

  g_thread_join (t_out);
  g_thread_join (t_err);
  if (out)
    *out = g_string_free (d_out.data, FALSE);
  else
    g_string_free (d_out.data, TRUE);
  if (err)
    *err = g_string_free (d_err.data, FALSE);
  else
    g_string_free (d_err.data, TRUE);

  if (st.timed_out)
    g_test_message ("%s killed after %u ms", argv[0], timeout_ms);
  if (WIFEXITED (st.status))
    rc = WEXITSTATUS (st.status);
  else if (WIFSIGNALED (st.status))
    rc = 128 + WTERMSIG (st.status);
  else
    rc = -1;
  return rc;
}

char *
tc_spawn_first_line (const char *const *argv, GPid *pid, int *stdout_fd, guint timeout_ms)
{
  g_autoptr (GError) error = NULL;
  GString *line = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  int fd;

  g_spawn_async_with_pipes (NULL, (char **)argv, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL,
                            pid, NULL, &fd, NULL, &error);
  g_assert_no_error (error);

  for (;;) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
    char c;
    ssize_t n;

    if (left <= 0 || poll (&p, 1, (int)left) <= 0)
      goto fail;
    n = read (fd, &c, 1);
    if (n <= 0)
      goto fail;
    if (c == '\n')
      break;
    g_string_append_c (line, c);
  }
  if (stdout_fd)
    *stdout_fd = fd;
  else
    close (fd);
  return g_string_free (line, FALSE);

fail:
  if (stdout_fd)
    *stdout_fd = fd;
  else
    close (fd);
  g_string_free (line, TRUE);
  return NULL;
}

void
tc_kill (GPid pid, guint grace_ms)
{
  int status;
  gint64 deadline;

  if (pid <= 0)
    return;
  kill (pid, SIGTERM);
  deadline = g_get_monotonic_time () + (gint64)grace_ms * 1000;
  while (g_get_monotonic_time () < deadline) {
    if (waitpid (pid, &status, WNOHANG) == pid)
      return;
    g_usleep (10 * 1000);
  }
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
}

guint
tc_time_scale (void)
{
  const char *v = g_getenv ("STATION_TEST_TIME_SCALE");
  guint64 n = 1;

  if (v != NULL && !g_ascii_string_to_unsigned (v, 10, 1, 100, &n, NULL))
    n = 1;
  return (guint)n;
}

char *
tc_scaled_recipe (const char *src, const char *dir)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) keys = NULL;
  g_autofree char *base = g_path_get_basename (src);
  char *out = g_build_filename (dir, base, NULL);
  guint scale = tc_time_scale ();

  g_key_file_load_from_file (kf, src, G_KEY_FILE_KEEP_COMMENTS, &error);
  g_assert_no_error (error);
  keys = g_key_file_get_keys (kf, "limits", NULL, NULL);
  for (gsize i = 0; keys != NULL && keys[i] != NULL; i++) {
    if (g_str_has_suffix (keys[i], "_s"))
      g_key_file_set_integer (kf, "limits", keys[i],
                              g_key_file_get_integer (kf, "limits", keys[i], NULL) * (int)scale);
  }
  g_key_file_save_to_file (kf, out, &error);
  g_assert_no_error (error);
  return out;
}

guint
tc_free_port (void)
{
  g_autoptr (GSocket) s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (s);
  g_socket_bind (s, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (s, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}
