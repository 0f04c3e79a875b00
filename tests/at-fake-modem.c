/* tests/at-fake-modem.c - scripted modem on a pty master (see header). */
#include "tests/at-fake-modem.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "tests/common/test-common.h"

struct _FakeModem {
  int master;
  char *path;
  const FakeAnswer *answers;
  const char *fallback;
  gboolean echo;
  gsize split;
  GThread *thread;
  gint stop;
  GMutex lock;
  GPtrArray *received;
  char *cancel_command;
  GCancellable *cancellable;
};

static void
write_bytes (FakeModem *f, const char *data, gsize len)
{
  while (len > 0) {
    gsize n = f->split > 0 ? MIN (f->split, len) : len;
    ssize_t w = write (f->master, data, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return;
    data += w;
    len -= (gsize)w;
  }
}

void
fake_modem_write (FakeModem *f, const void *data, gsize len)
{
  write_bytes (f, data, len);
}

/* Returns FALSE when the pty was closed on purpose. */
static gboolean
answer (FakeModem *f, const char *line)
{
  const FakeAnswer *a = NULL;
  guint seen = fake_modem_count (f, line);

  g_mutex_lock (&f->lock);
  g_ptr_array_add (f->received, g_strdup (line));
  g_mutex_unlock (&f->lock);
  if (f->echo) {
    write_bytes (f, line, strlen (line));
    write_bytes (f, "\r", 1);
  }
  if (f->cancel_command != NULL && g_ascii_strcasecmp (line, f->cancel_command) == 0) {
    g_cancellable_cancel (f->cancellable);
    return TRUE;
  }
  for (gsize i = 0; f->answers != NULL && f->answers[i].command != NULL; i++)
    if (g_ascii_strcasecmp (f->answers[i].command, line) == 0) {
      a = &f->answers[i];
      break;
    }
  if (a == NULL) {
    if (f->fallback != NULL)
      write_bytes (f, f->fallback, strlen (f->fallback));
    return TRUE;
  }
  if (a->delay_ms > 0 && seen == 0)
    g_usleep (a->delay_ms * 1000); /* the module is slow; not a test waiting */
  write_bytes (f, a->reply, a->reply_len > 0 ? a->reply_len : strlen (a->reply));
  if (a->close) {
    close (f->master);
    f->master = -1;
    return FALSE;
  }
  return TRUE;
}

static gpointer
serve (gpointer data)
{
  FakeModem *f = data;
  GString *line = g_string_new (NULL);

  while (!g_atomic_int_get (&f->stop)) {
    struct pollfd p = { .fd = f->master, .events = POLLIN };
    char buf[256];
    ssize_t n;

    if (poll (&p, 1, 50) <= 0)
      continue;
    n = read (f->master, buf, sizeof buf);
    if (n <= 0)
      continue;
    for (ssize_t i = 0; i < n; i++) {
      if (buf[i] == '\r' || buf[i] == '\n') {
        if (line->len > 0 && !answer (f, line->str))
          goto out;
        g_string_truncate (line, 0);
      } else {
        g_string_append_c (line, buf[i]);
      }
    }
  }
out:
  g_string_free (line, TRUE);
  return NULL;
}

FakeModem *
fake_modem_new (const FakeAnswer *answers, const char *fallback, gboolean echo, gsize split)
{
  FakeModem *f = g_new0 (FakeModem, 1);

  f->master = tc_pty_open (&f->path);
  f->answers = answers;
  f->fallback = fallback;
  f->echo = echo;
  f->split = split;
  f->received = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&f->lock);
  f->thread = g_thread_new ("fake-modem", serve, f);
  return f;
}

const char *
fake_modem_path (FakeModem *f)
{
  return f->path;
}

void
fake_modem_cancel_on (FakeModem *f, const char *command, GCancellable *cancellable)
{
  g_free (f->cancel_command);
  f->cancel_command = g_strdup (command);
  f->cancellable = cancellable;
}

guint
fake_modem_count (FakeModem *f, const char *command)
{
  guint n = 0;

  g_mutex_lock (&f->lock);
  for (guint i = 0; i < f->received->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (f->received, i), command) == 0)
      n++;
  g_mutex_unlock (&f->lock);
  return n;
}

void
fake_modem_free (FakeModem *f)
{
  if (f == NULL)
    return;
  g_atomic_int_set (&f->stop, 1);
  g_thread_join (f->thread);
  if (f->master >= 0)
    close (f->master);
  g_ptr_array_unref (f->received);
  g_mutex_clear (&f->lock);
  g_free (f->cancel_command);
  g_free (f->path);
  g_free (f);
}
