/* tests/at-fake-modem.h - a scripted modem on the master side of a pty,
 * run in a thread, for the AT channel and modem tests. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  const char *command; /* matched ignoring case; NULL ends a table */
  const char *reply;   /* bytes written back (may hold NULs: see reply_len) */
  gsize reply_len;     /* 0 = strlen (reply) */
  gboolean close;      /* close the pty after writing the reply */
  guint delay_ms;      /* a slow module: wait this long before the first reply */
} FakeAnswer;

typedef struct _FakeModem FakeModem;

/* fake_modem_new: opens a pty and serves @answers (static) on its master:
 * each line the host sends (ended by CR) is echoed when @echo, then
 * answered by the first matching answer, else by @fallback (NULL: silence).
 * Replies are written @split bytes at a time (0 = at once).  The slave path
 * is in fake_modem_path(). */
FakeModem *fake_modem_new (const FakeAnswer *answers, const char *fallback, gboolean echo,
                           gsize split);
const char *fake_modem_path (FakeModem *fake);

/* fake_modem_cancel_on: @cancellable is cancelled when a line equal to
 * @command arrives (instead of answering it). */
void fake_modem_cancel_on (FakeModem *fake, const char *command, GCancellable *cancellable);

/* fake_modem_count: how many times @command was received. */
guint fake_modem_count (FakeModem *fake, const char *command);

/* fake_modem_write: writes @len bytes to the host now. */
void fake_modem_write (FakeModem *fake, const void *data, gsize len);

/* fake_modem_free: stops the thread, closes the pty. */
void fake_modem_free (FakeModem *fake);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeModem, fake_modem_free)

G_END_DECLS
