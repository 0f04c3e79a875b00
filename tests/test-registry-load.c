/* tests/test-registry-load.c - the Beam registration receiver under hostile
 * load (issue 16), as a station-cli registry process: accepting resumes
 * after file-descriptor exhaustion (RLIMIT_NOFILE 128, 130 half-open
 * connections), half-open connections are closed by the request deadline,
 * the connection cap holds and makes the longest-waiting one room for a
 * new connection, a burst of 200 connections made while
 * the receiver is stopped all complete (listen backlog SOMAXCONN) and are
 * all recorded, and control bytes in a request never reach the log raw.
 * Issue 14: eleven 10 MB bodies at once (chunked and declared, to /register
 * and other paths) are answered 413/404/405 while registrations are
 * recorded and the receiver's peak RSS stays flat; 40 slow clients
 * (slowloris) do not hold registrations back, and are closed by the
 * request deadline, which is total (headers and body), not per idle gap. */
#include <arpa/inet.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "station/beam-signature.h"
#include "station/registry/registry.h"
#include "station/store/store.h"
#include "tests/common/test-common.h"

#define PSK  "test-psk-0123"
#define IMSI "440100000000001"
#define IMEI "356938035643809"

typedef struct {
  char *dir;
  char *db;
  GPid pid;
  int out; /* the child's stdout */
  guint port;
  GString *seen; /* stdout read so far */
} Receiver;

/* Reads the child's stdout until @needle has appeared (TRUE) or
 * @timeout_ms passed (FALSE). */
static gboolean
receiver_wait_output (Receiver *r, const char *needle, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  while (strstr (r->seen->str, needle) == NULL) {
    struct pollfd p = { .fd = r->out, .events = POLLIN };
    gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
    char buf[4096];
    ssize_t n;

    if (left <= 0 || poll (&p, 1, (int)left) <= 0)
      return FALSE;
    n = read (r->out, buf, sizeof buf);
    if (n <= 0)
      return FALSE;
    g_string_append_len (r->seen, buf, n);
  }
  return TRUE;
}

static rlim_t child_nofile;

/* In the child before exec: its file-descriptor limit, and death with the
 * test (a failed assertion must not leave a receiver behind). */
static void
child_setup (gpointer data)
{
  struct rlimit rl;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (child_nofile > 0 && getrlimit (RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = child_nofile;
    setrlimit (RLIMIT_NOFILE, &rl);
  }
}

/* Starts station-cli registry with @config_lines in a config file, under
 * an RLIMIT_NOFILE soft limit of @nofile (0: unchanged), and waits for its
 * "registry listening on" line. */
static void
receiver_start (Receiver *r, const char *config_lines, rlim_t nofile)
{
  g_autofree char *psk = NULL, *config = NULL, *exe = NULL, *text = NULL;
  g_autoptr (GError) error = NULL;
  const char *p;

  r->dir = tc_tmpdir ();
  r->db = g_build_filename (r->dir, "reg.db", NULL);
  psk = g_build_filename (r->dir, "beam.psk", NULL);
  config = g_build_filename (r->dir, "station.ini", NULL);
  exe = tc_build_path ("station/station-cli");
  g_assert_true (g_file_set_contents (psk, PSK "\n", -1, NULL));
  g_assert_cmpint (g_chmod (psk, 0600), ==, 0);
  text = g_strdup_printf ("[registry]\n%s\n", config_lines ? config_lines : "");
  g_assert_true (g_file_set_contents (config, text, -1, NULL));
  r->seen = g_string_new (NULL);

  {
    const char *argv[] = { exe,        "--config",    config,       "--db", r->db, "registry",
                           "--listen", "127.0.0.1:0", "--psk-file", psk,    NULL };

    child_nofile = nofile;
    g_spawn_async_with_pipes (NULL, (char **)argv, NULL,
                              G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL, child_setup,
                              NULL, &r->pid, NULL, &r->out, NULL, &error);
    g_assert_no_error (error);
  }
  g_assert_true (receiver_wait_output (r, "\n", 30000));
  g_test_message ("%s", r->seen->str);
  p = strstr (r->seen->str, "registry listening on http://127.0.0.1:");
  g_assert_nonnull (p);
  r->port = (guint)atoi (p + strlen ("registry listening on http://127.0.0.1:"));
  g_assert_cmpuint (r->port, >, 0);
}

static void
receiver_stop (Receiver *r)
{
  tc_kill (r->pid, 5000);
  close (r->out);
  g_string_free (r->seen, TRUE);
  tc_rm_rf (r->dir);
  g_free (r->dir);
  g_free (r->db);
}

static guint
count_records (Receiver *r)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = store_open (r->db, STORE_OPEN_DEFAULT, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < 1000; i++) {
    g_autofree char *id = g_strdup_printf ("load-%04u", i);
    g_autoptr (GPtrArray) list = store_registration_list_by_device (store, id, &error);

    g_assert_no_error (error);
    n += list->len;
  }
  return n;
}

/* A TCP connection to 127.0.0.1:@port; non-blocking when @nonblock (the
 * connect may then still be in progress). */
static int
connect_port (guint port, gboolean nonblock)
{
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons ((guint16)port) };
  int fd = socket (AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
  int rc;

  g_assert_cmpint (fd, >=, 0);
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  rc = connect (fd, (struct sockaddr *)&a, sizeof a);
  if (rc != 0)
    g_assert_true (nonblock && errno == EINPROGRESS);
  return fd;
}

/* A complete signed registration of device "LOAD-<n>". */
static char *
signed_request (guint n)
{
  g_autofree char *ts = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / 1000 + n);
  BeamSignedHeaders h = { .imei = IMEI, .imsi = IMSI, .timestamp = ts };
  g_autofree char *sig = beam_signature_compute (PSK, strlen (PSK), &h);

  return g_strdup_printf ("POST /LOAD-%04u/register HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "x-soracom-imsi: %s\r\nx-soracom-imei: %s\r\n"
                          "x-soracom-timestamp: %s\r\nx-soracom-signature: %s\r\n"
                          "x-soracom-signature-version: %s\r\nContent-Length: 0\r\n"
                          "Connection: close\r\n\r\n",
                          n, IMSI, IMEI, ts, sig, BEAM_SIGNATURE_VERSION);
}

static void
write_all (int fd, const char *text)
{
  gsize len = strlen (text), done = 0;

  while (done < len) {
    ssize_t n = write (fd, text + done, len - done);

    if (n < 0 && errno == EAGAIN) {
      struct pollfd p = { .fd = fd, .events = POLLOUT };

      g_assert_cmpint (poll (&p, 1, 10000), ==, 1);
      continue;
    }
    g_assert_cmpint (n, >, 0);
    done += (gsize)n;
  }
}

/* The HTTP status the server answered on @fd (0: closed without one, or
 * nothing within @timeout_ms). */
static guint
read_status (int fd, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  char buf[64];
  gsize have = 0;

  while (have < 12) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
    ssize_t n;

    if (left <= 0 || poll (&p, 1, (int)left) <= 0)
      return 0;
    n = read (fd, buf + have, sizeof buf - 1 - have);
    if (n < 0 && errno == EAGAIN)
      continue;
    if (n <= 0)
      return 0;
    have += (gsize)n;
  }
  buf[have] = '\0';
  return g_str_has_prefix (buf, "HTTP/1.1 ") ? (guint)atoi (buf + 9) : 0;
}

/* One signed registration on a new connection: its status. */
static guint
register_one (Receiver *r, guint n, guint timeout_ms)
{
  g_autofree char *req = signed_request (n);
  int fd = connect_port (r->port, FALSE);
  guint status;

  write_all (fd, req);
  status = read_status (fd, timeout_ms);
  close (fd);
  return status;
}

/* @n connections that each send the start of a request and stop there. */
static int *
open_half (Receiver *r, guint n)
{
  int *fds = g_new (int, n);

  for (guint i = 0; i < n; i++) {
    fds[i] = connect_port (r->port, TRUE);
  }
  for (guint i = 0; i < n; i++) {
    struct pollfd p = { .fd = fds[i], .events = POLLOUT };

    g_assert_cmpint (poll (&p, 1, 10000), ==, 1);
    write_all (fds[i], "POST /HALF/register HTTP/1.1\r\nHost: 127.0.0.1\r\nx-soracom-imsi: 44");
  }
  return fds;
}

/* RLIMIT_NOFILE 128 and a cap above it (so accept really runs out of file
 * descriptors): 130 half-open connections exhaust the descriptors; once
 * they close, accepting resumes and a registration is recorded. */
static void
test_fd_exhaustion_recovers (void)
{
  Receiver r = { 0 };
  int *fds;

  receiver_start (&r, "max_connections=1000\nrequest_timeout_ms=600000", 128);
  fds = open_half (&r, 130);
  g_assert_true (receiver_wait_output (&r, "Too many open files", 30000));
  for (guint i = 0; i < 130; i++)
    close (fds[i]);
  g_free (fds);
  g_assert_cmpuint (register_one (&r, 1, 30000), ==, 200);
  g_assert_true (receiver_wait_output (&r, "accept resumed", 5000));
  g_assert_cmpuint (count_records (&r), ==, 1);
  receiver_stop (&r);
}

/* Waits until the receiver ended each of @fds[0..n) (end of stream or
 * reset, nothing answered): FALSE when one is still open at @timeout_ms. */
static gboolean
all_closed_by_peer (int *fds, guint n, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  for (guint i = 0; i < n; i++) {
    char buf[256];
    ssize_t got;

    for (;;) {
      struct pollfd p = { .fd = fds[i], .events = POLLIN };
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;

      if (left <= 0 || poll (&p, 1, (int)left) != 1)
        return FALSE;
      got = read (fds[i], buf, sizeof buf);
      if (got < 0 && errno == EAGAIN)
        continue;
      break;
    }
    if (got > 0)
      return FALSE; /* an answer to half a request */
  }
  return TRUE;
}

/* Below the cap: connections that never finish their request are closed
 * by the request deadline (request_timeout_ms). */
static void
test_half_open_timeout (void)
{
  Receiver r = { 0 };
  int *fds;

  receiver_start (&r, "request_timeout_ms=300", 0);
  fds = open_half (&r, 10);
  g_assert_true (all_closed_by_peer (fds, 10, 30000));
  for (guint i = 0; i < 10; i++)
    close (fds[i]);
  g_free (fds);
  g_assert_cmpuint (register_one (&r, 2, 30000), ==, 200);
  g_assert_cmpuint (count_records (&r), ==, 1);
  receiver_stop (&r);
}

/* RLIMIT_NOFILE 128 with the default cap (64) and a request timeout of 10
 * minutes: 130 half-open connections that never close.  The cap holds (no
 * EMFILE), each waiting connection makes the one that waited longest close,
 * so a registration behind the flood is answered long before any timeout,
 * and the first 66 half-open connections were closed by the receiver. */
static void
test_cap_evicts_oldest (void)
{
  Receiver r = { 0 };
  int *fds;

  receiver_start (&r, "request_timeout_ms=600000", 128);
  fds = open_half (&r, 130);
  g_assert_true (receiver_wait_output (&r, "accept paused: 64 connections open", 30000));
  g_assert_cmpuint (register_one (&r, 3, 30000), ==, 200);
  g_assert_true (all_closed_by_peer (fds, 130 - 64, 30000));
  for (guint i = 0; i < 130; i++)
    close (fds[i]);
  g_free (fds);
  g_assert_null (strstr (r.seen->str, "Too many open files"));
  g_assert_cmpuint (count_records (&r), ==, 1);
  receiver_stop (&r);
}

/* 200 connections made while the receiver is stopped (SIGSTOP) all
 * complete their handshake (a backlog of 10 would leave most in SYN
 * retries), and once it runs again all 200 registrations are answered 200
 * and recorded (none reset). */
static void
test_burst_200 (void)
{
  Receiver r = { 0 };
  enum { N = 200 };
  int fds[N];
  guint connected = 0, ok = 0;
  gint64 deadline;

  receiver_start (&r, NULL, 0);
  g_assert_cmpint (kill (r.pid, SIGSTOP), ==, 0);
  for (guint i = 0; i < N; i++)
    fds[i] = connect_port (r.port, TRUE);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  for (guint i = 0; i < N; i++) {
    struct pollfd p = { .fd = fds[i], .events = POLLOUT };
    gint64 left = MAX (0, (deadline - g_get_monotonic_time ()) / 1000);
    int err = 0;
    socklen_t len = sizeof err;

    if (poll (&p, 1, (int)left) == 1 && getsockopt (fds[i], SOL_SOCKET, SO_ERROR, &err, &len) == 0
        && err == 0)
      connected++;
  }
  g_assert_cmpint (kill (r.pid, SIGCONT), ==, 0);
  g_assert_cmpuint (connected, ==, N);
  for (guint i = 0; i < N; i++) {
    g_autofree char *req = signed_request (100 + i);

    write_all (fds[i], req);
  }
  for (guint i = 0; i < N; i++) {
    if (read_status (fds[i], 60000) == 200)
      ok++;
    close (fds[i]);
  }
  g_assert_cmpuint (ok, ==, N);
  g_assert_cmpuint (count_records (&r), ==, N);
  receiver_stop (&r);
}

/* Control bytes and non-ASCII in the method and the path are escaped in the
 * log line: the receiver's stdout holds them as \xNN, never raw. */
static void
test_log_escapes_request (void)
{
  Receiver r = { 0 };
  int fd;
  const char *req = "G\x1b[31mET /x\x7f%0a\xc3\xa9/register HTTP/1.1\r\nHost: a\r\n"
                    "Content-Length: 0\r\nConnection: close\r\n\r\n";

  receiver_start (&r, NULL, 0);
  fd = connect_port (r.port, FALSE);
  write_all (fd, req);
  g_assert_cmpuint (read_status (fd, 30000), !=, 0);
  close (fd);
  g_assert_true (receiver_wait_output (&r, "G\\x1b[31mET", 10000));
  g_assert_true (receiver_wait_output (&r, "\n", 10000));
  g_assert_null (strchr (r.seen->str, '\x1b'));
  g_assert_null (strchr (r.seen->str, '\x7f'));
  for (const char *p = r.seen->str; *p; p++)
    g_assert_true (*p == '\n' || (*p >= 0x20 && *p <= 0x7e));
  receiver_stop (&r);
}

/* The receiver's memory in kB: @field ("VmHWM:" peak, "VmRSS:" now) from
 * /proc/<pid>/status. */
static guint64
proc_status_kb (GPid pid, const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int)pid);
  g_autofree char *text = NULL;
  const char *p;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  p = strstr (text, field);
  g_assert_nonnull (p);
  return g_ascii_strtoull (p + strlen (field), NULL, 10);
}

#define BIG_BODY  (10 * 1024 * 1024)
#define BIG_PIECE (64 * 1024)

/* How a client sends its 10 MB body. */
typedef enum {
  BIG_CHUNKED,  /* Transfer-Encoding: chunked, no length */
  BIG_DECLARED, /* Content-Length: 10485760, the body right behind */
  BIG_EXPECT,   /* the same with Expect: 100-continue: no body before a 100 */
} BigKind;

/* One client sending a 10 MB body. */
typedef struct {
  const char *method, *path;
  BigKind kind;
  guint expect; /* the status the receiver must answer */
  int fd;
  GString *out;   /* bytes to write */
  gsize out_done; /* of them written */
  gsize queued;   /* body bytes queued so far */
  gsize wrote;    /* bytes written to the socket in all */
  GString *in;    /* the receiver's answer */
  gboolean ended; /* the receiver closed (end of stream or reset) */
} BigClient;

/* Queues the next piece of @c's body when the last one is written and
 * fewer than @limit body bytes were queued. */
static void
big_queue (BigClient *c, gsize limit)
{
  static char piece[BIG_PIECE];
  gsize n = MIN ((gsize)BIG_PIECE, limit - MIN (limit, c->queued));

  if (c->out_done < c->out->len || n == 0 || c->kind == BIG_EXPECT)
    return;
  if (piece[0] == '\0')
    memset (piece, 'b', sizeof piece);
  g_string_truncate (c->out, 0);
  c->out_done = 0;
  if (c->kind == BIG_CHUNKED)
    g_string_append_printf (c->out, "%zx\r\n", n);
  g_string_append_len (c->out, piece, (gssize)n);
  if (c->kind == BIG_CHUNKED)
    g_string_append (c->out, "\r\n");
  c->queued += n;
  if (c->kind == BIG_CHUNKED && c->queued == BIG_BODY)
    g_string_append (c->out, "0\r\n\r\n");
}

/* Opens @c's connection and queues its request headers. */
static void
big_open (Receiver *r, BigClient *c)
{
  c->fd = connect_port (r->port, TRUE);
  c->out = g_string_new (NULL);
  c->in = g_string_new (NULL);
  g_string_append_printf (c->out, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", c->method, c->path);
  if (c->kind == BIG_CHUNKED)
    g_string_append (c->out, "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
  else
    g_string_append_printf (c->out, "Content-Length: %d\r\n%s\r\n", BIG_BODY,
                            c->kind == BIG_EXPECT ? "Expect: 100-continue\r\n" : "");
}

/* Writes the bodies of @cs[0..n) until each has written @limit body bytes
 * (or was closed by the receiver), reading what the receiver answers;
 * with @to_end, also until the receiver closed each.  FALSE when
 * @timeout_ms passes first. */
static gboolean
big_pump (BigClient *cs, guint n, gsize limit, gboolean to_end, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  for (;;) {
    g_autofree struct pollfd *p = g_new0 (struct pollfd, n);
    guint waiting = 0;
    gint64 left = (deadline - g_get_monotonic_time ()) / 1000;

    for (guint i = 0; i < n; i++) {
      BigClient *c = &cs[i];

      p[i].fd = -1;
      if (c->ended)
        continue;
      big_queue (c, limit);
      if (c->out_done < c->out->len)
        p[i].events = POLLOUT;
      else if (!to_end)
        continue;
      p[i].fd = c->fd;
      p[i].events |= POLLIN;
      waiting++;
    }
    if (waiting == 0)
      return TRUE;
    if (left <= 0 || poll (p, n, (int)left) <= 0)
      return FALSE;
    for (guint i = 0; i < n; i++) {
      BigClient *c = &cs[i];
      ssize_t got;

      if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[4096];

        got = read (c->fd, buf, sizeof buf);
        if (got > 0)
          g_string_append_len (c->in, buf, got);
        else if (got == 0 || errno != EAGAIN)
          c->ended = TRUE;
      }
      if (!c->ended && (p[i].revents & POLLOUT)) {
        got = write (c->fd, c->out->str + c->out_done, c->out->len - c->out_done);
        if (got > 0) {
          c->out_done += (gsize)got;
          c->wrote += (gsize)got;
        } else if (got < 0 && errno != EAGAIN)
          c->ended = TRUE; /* EPIPE, ECONNRESET: the receiver closed */
      }
    }
  }
}

/* Eleven clients send 10 MB bodies at once: chunked to /register
 * (counted, then 413), chunked to other paths (404, 405: read and
 * dropped), with a declared Content-Length of 10 MB (413 and "Connection:
 * close"; libsoup reads the declared body before it answers) and one with
 * "Expect: 100-continue" (413 and closed without a byte of body).  Half
 * way through the bodies, eight signed registrations on fresh connections
 * are answered 200 and recorded; then every body is answered as it must
 * be, and the receiver's peak RSS (VmHWM) grew by less than 8 MB while
 * 100 MB were sent (bodies are counted, never kept: keeping even one, as
 * libsoup does by default, fails this). */
static void
test_big_bodies (void)
{
  static const struct {
    const char *method, *path;
    BigKind kind;
    guint expect;
  } cases[] = {
    { "POST", "/BIG-0/register", BIG_CHUNKED, 413 },
    { "POST", "/BIG-1/register", BIG_CHUNKED, 413 },
    { "POST", "/BIG-2/register", BIG_CHUNKED, 413 },
    { "POST", "/BIG-3/register", BIG_CHUNKED, 413 },
    { "POST", "/BIG-4/upload", BIG_CHUNKED, 404 },
    { "PUT", "/BIG-5/register", BIG_CHUNKED, 405 },
    { "POST", "/registrations/BIG-6", BIG_CHUNKED, 405 },
    { "POST", "/BIG-7/register", BIG_DECLARED, 413 },
    { "POST", "/BIG-8/register", BIG_DECLARED, 413 },
    { "POST", "/BIG-9/upload", BIG_DECLARED, 413 },
    { "POST", "/BIG-10/register", BIG_EXPECT, 413 },
  };
  enum { N = G_N_ELEMENTS (cases), REGS = 8 };
  Receiver r = { 0 };
  BigClient cs[N] = { 0 };
  guint64 hwm_before, hwm_after, sent = 0;

  /* the deadline is not what this test is about: give the bodies time */
  receiver_start (&r, "request_timeout_ms=120000", 0);
  g_assert_cmpuint (register_one (&r, 200, 30000), ==, 200);
  hwm_before = proc_status_kb (r.pid, "VmHWM:");
  for (guint i = 0; i < N; i++) {
    cs[i].method = cases[i].method;
    cs[i].path = cases[i].path;
    cs[i].kind = cases[i].kind;
    cs[i].expect = cases[i].expect;
    big_open (&r, &cs[i]);
  }
  /* half of every body is written; the receiver holds ten requests open */
  g_assert_true (big_pump (cs, N, BIG_BODY / 2, FALSE, 60000));
  for (guint i = 0; i < N; i++)
    g_assert_true (cs[i].kind == BIG_EXPECT || !cs[i].ended);
  for (guint i = 0; i < REGS; i++)
    g_assert_cmpuint (register_one (&r, 201 + i, 30000), ==, 200);
  for (guint i = 0; i < N; i++)
    g_assert_true (cs[i].kind == BIG_EXPECT || !cs[i].ended);
  /* the rest, and every answer */
  g_assert_true (big_pump (cs, N, BIG_BODY, TRUE, 60000));
  hwm_after = proc_status_kb (r.pid, "VmHWM:");
  for (guint i = 0; i < N; i++) {
    g_autofree char *want = g_strdup_printf ("HTTP/1.1 %u ", cs[i].expect);

    g_test_message ("%s %s: %zu bytes written, answer %.12s", cs[i].method, cs[i].path, cs[i].wrote,
                    cs[i].in->str);
    g_assert_true (cs[i].ended);
    g_assert_true (g_str_has_prefix (cs[i].in->str, want));
    if (cs[i].kind == BIG_CHUNKED)
      g_assert_cmpuint (cs[i].queued, ==, BIG_BODY); /* answered after the whole body */
    else
      g_assert_nonnull (strstr (cs[i].in->str, "\r\nConnection: close\r\n"));
    if (cs[i].kind == BIG_EXPECT)
      g_assert_cmpuint (cs[i].queued, ==, 0);
    sent += cs[i].wrote;
    close (cs[i].fd);
    g_string_free (cs[i].out, TRUE);
    g_string_free (cs[i].in, TRUE);
  }
  g_test_message ("receiver VmHWM %" G_GUINT64_FORMAT " kB before, %" G_GUINT64_FORMAT
                  " kB after %" G_GUINT64_FORMAT " MB of bodies",
                  hwm_before, hwm_after, sent >> 20);
  g_assert_cmpuint (sent, >=, (guint64)8 * BIG_BODY);
#if defined(__SANITIZE_ADDRESS__)
  g_test_message ("memory bound not checked: AddressSanitizer keeps freed memory in quarantine");
#else
  /* one 10 MB body kept would be 10 MB more; counted, they cost ~0.3 MB */
  g_assert_cmpuint (hwm_after - hwm_before, <, 8 * 1024);
#endif
  g_assert_cmpuint (count_records (&r), ==, 1 + REGS);
  receiver_stop (&r);
}

#define SLOW_N       40
#define SLOW_TICK_MS 100

/* A slow client (slowloris): sends @head at once, then one byte of its
 * drip every tick. */
typedef struct {
  int fd;
  char *drip;
  gsize dripped;
  gint64 opened;  /* monotonic µs before connect */
  gint64 ended;   /* when the receiver closed it (0: open) */
  gint64 max_gap; /* longest time between two bytes sent, µs */
  gint64 last;    /* when the last byte was sent */
  gsize answered; /* bytes the receiver answered */
} Slow;

/* @n slow clients, in turn: headers never finished, a declared body of
 * 4 KiB and a chunked one, each sent a byte per tick. */
static Slow *
slow_open (Receiver *r, guint n)
{
  Slow *s = g_new0 (Slow, n);

  for (guint i = 0; i < n; i++) {
    g_autofree char *head = NULL;
    g_autofree char *pad = g_strnfill (4096, 'a');

    s[i].opened = g_get_monotonic_time ();
    s[i].fd = connect_port (r->port, FALSE);
    switch (i % 3) {
    case 0:
      head = g_strdup_printf ("POST /SLOW-%02u/register HTTP/1.1\r\n", i);
      s[i].drip = g_strdup_printf ("Host: 127.0.0.1\r\nx-soracom-imsi: %s", pad);
      break;
    case 1:
      head = g_strdup_printf ("POST /SLOW-%02u/register HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Content-Length: 4096\r\n\r\n",
                              i);
      s[i].drip = g_steal_pointer (&pad);
      break;
    default:
      head = g_strdup_printf ("POST /SLOW-%02u/register HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n",
                              i);
      s[i].drip = g_strdup_printf ("1000\r\n%s\r\n0\r\n\r\n", pad);
      break;
    }
    write_all (s[i].fd, head);
    s[i].last = g_get_monotonic_time ();
  }
  return s;
}

/* One tick: a byte more on every slow client still open, then what the
 * receiver did with them within @wait_ms (answered, or closed). */
static void
slow_tick (Slow *s, guint n, guint wait_ms)
{
  g_autofree struct pollfd *p = g_new0 (struct pollfd, n);
  gint64 deadline;

  for (guint i = 0; i < n; i++) {
    gint64 now = g_get_monotonic_time ();

    if (s[i].ended || s[i].drip[s[i].dripped] == '\0')
      continue;
    if (write (s[i].fd, s[i].drip + s[i].dripped, 1) == 1) {
      s[i].dripped++;
      s[i].max_gap = MAX (s[i].max_gap, now - s[i].last);
      s[i].last = now;
    } else if (errno != EAGAIN)
      s[i].ended = now; /* EPIPE, ECONNRESET: the receiver closed */
  }
  deadline = g_get_monotonic_time () + (gint64)wait_ms * 1000;
  for (;;) {
    gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
    int ready;

    for (guint i = 0; i < n; i++) {
      p[i].fd = s[i].ended ? -1 : s[i].fd;
      p[i].events = POLLIN;
      p[i].revents = 0;
    }
    ready = left > 0 ? poll (p, n, (int)left) : 0;
    if (ready <= 0)
      return;
    for (guint i = 0; i < n; i++) {
      char buf[512];
      ssize_t got;

      if (p[i].revents == 0)
        continue;
      got = read (s[i].fd, buf, sizeof buf);
      if (got > 0)
        s[i].answered += (gsize)got;
      else if (got == 0 || errno != EAGAIN)
        s[i].ended = g_get_monotonic_time ();
    }
  }
}

static void
slow_free (Slow *s, guint n)
{
  for (guint i = 0; i < n; i++) {
    close (s[i].fd);
    g_free (s[i].drip);
  }
  g_free (s);
}

/* 40 slow clients (headers never finished, declared and chunked bodies a
 * byte per 100 ms) hold connections open on a receiver with a long
 * request deadline: signed registrations on fresh connections meanwhile
 * are answered 200 and recorded, and every slow client is still open and
 * unanswered when they are. */
static void
test_slow_clients (void)
{
  enum { REGS = 8 };
  Receiver r = { 0 };
  Slow *s;

  receiver_start (&r, "request_timeout_ms=600000", 0);
  s = slow_open (&r, SLOW_N);
  for (guint i = 0; i < REGS; i++) {
    slow_tick (s, SLOW_N, SLOW_TICK_MS);
    g_assert_cmpuint (register_one (&r, 300 + i, 30000), ==, 200);
  }
  slow_tick (s, SLOW_N, SLOW_TICK_MS);
  for (guint i = 0; i < SLOW_N; i++) {
    g_assert_cmpint (s[i].ended, ==, 0);
    g_assert_cmpuint (s[i].answered, ==, 0);
    g_assert_cmpuint (s[i].dripped, >=, REGS);
  }
  g_assert_cmpuint (count_records (&r), ==, REGS);
  slow_free (s, SLOW_N);
  receiver_stop (&r);
}

/* The request deadline is total, not per idle gap: 40 slow clients that
 * each send a byte every 100 ms (never idle for long) are closed by the
 * receiver, unanswered, no sooner than request_timeout_ms (1.5 s) after
 * they connected and long before the test gives up (an idle timeout would
 * never close them); registrations meanwhile are answered 200. */
static void
test_slow_deadline (void)
{
  enum { TIMEOUT_MS = 1500, REGS = 3 };
  Receiver r = { 0 };
  gint64 give_up = 0, first = G_MAXINT64, last = 0, gap = 0;
  guint open = SLOW_N;
  Slow *s;

  receiver_start (&r, "request_timeout_ms=1500", 0);
  s = slow_open (&r, SLOW_N);
  for (guint i = 0; i < REGS; i++) {
    slow_tick (s, SLOW_N, SLOW_TICK_MS);
    g_assert_cmpuint (register_one (&r, 400 + i, 30000), ==, 200);
  }
  give_up = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (open > 0 && g_get_monotonic_time () < give_up) {
    slow_tick (s, SLOW_N, SLOW_TICK_MS);
    open = 0;
    for (guint i = 0; i < SLOW_N; i++)
      open += s[i].ended == 0;
  }
  g_assert_cmpuint (open, ==, 0);
  for (guint i = 0; i < SLOW_N; i++) {
    gint64 lived = s[i].ended - s[i].opened;

    g_assert_cmpint (lived, >=, (gint64)TIMEOUT_MS * 1000);
    g_assert_cmpuint (s[i].answered, ==, 0);
    first = MIN (first, lived);
    last = MAX (last, lived);
    gap = MAX (gap, s[i].max_gap);
  }
  g_test_message ("slow clients closed %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT
                  " ms after connecting; longest gap between two bytes %" G_GINT64_FORMAT " ms",
                  first / 1000, last / 1000, gap / 1000);
  g_assert_cmpuint (count_records (&r), ==, REGS);
  slow_free (s, SLOW_N);
  receiver_stop (&r);
}

/* A request whose headers never end (256 KiB of header lines, then
 * nothing) is closed by the receiver, unanswered: libsoup stops at 64 KiB
 * of headers instead of keeping them. */
static void
test_endless_headers (void)
{
  Receiver r = { 0 };
  g_autofree char *pad = g_strnfill (1000, 'a');
  g_autofree char *line = g_strdup_printf ("x-pad: %s\r\n", pad);
  gsize sent = 0;
  int fd;

  receiver_start (&r, "request_timeout_ms=600000", 0);
  fd = connect_port (r.port, FALSE);
  write_all (fd, "POST /ENDLESS/register HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  /* blocking writes: they stop early only when the receiver closed */
  while (sent < 256 * 1024 && write (fd, line, strlen (line)) > 0)
    sent += strlen (line);
  g_test_message ("%zu bytes of headers written", sent);
  g_assert_true (all_closed_by_peer (&fd, 1, 30000));
  close (fd);
  g_assert_cmpuint (register_one (&r, 500, 30000), ==, 200);
  g_assert_cmpuint (count_records (&r), ==, 1);
  receiver_stop (&r);
}

static void
test_escape_table (void)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
    { "POST", "POST" },
    { "G\x1b[2JET", "G\\x1b[2JET" },
    { "/a\r\nb", "/a\\x0d\\x0ab" },
    { "back\\slash", "back\\\\slash" },
    { "\xc3\xa9t\xc3\xa9", "\\xc3\\xa9t\\xc3\\xa9" },
    { "\x7f\x01", "\\x7f\\x01" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *got = registry_log_escape (cases[i].in);

    g_assert_cmpstr (got, ==, cases[i].out);
  }
}

int
main (int argc, char **argv)
{
  signal (SIGPIPE, SIG_IGN);
  tc_init (&argc, &argv);
  g_test_add_func ("/registry-load/escape-table", test_escape_table);
  g_test_add_func ("/registry-load/log-escapes-request", test_log_escapes_request);
  g_test_add_func ("/registry-load/fd-exhaustion-recovers", test_fd_exhaustion_recovers);
  g_test_add_func ("/registry-load/half-open-timeout", test_half_open_timeout);
  g_test_add_func ("/registry-load/cap-evicts-oldest", test_cap_evicts_oldest);
  g_test_add_func ("/registry-load/burst-200", test_burst_200);
  g_test_add_func ("/registry-load/big-bodies", test_big_bodies);
  g_test_add_func ("/registry-load/slow-clients", test_slow_clients);
  g_test_add_func ("/registry-load/slow-deadline", test_slow_deadline);
  g_test_add_func ("/registry-load/endless-headers", test_endless_headers);
  return g_test_run ();
}
