/* station/secret.c - see secret.h. */
#define G_LOG_DOMAIN "station"

#include "station/secret.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

void
station_secret_wipe (void *p, gsize len)
{
  if (p != NULL && len > 0)
    explicit_bzero (p, len);
}

void
station_secret_free (char *s)
{
  if (s == NULL)
    return;
  station_secret_wipe (s, strlen (s));
  g_free (s);
}

typedef struct {
  void *data;
  gsize len;
} SecretBlock;

static void
secret_block_free (gpointer p)
{
  SecretBlock *b = p;

  station_secret_wipe (b->data, b->len);
  g_free (b->data);
  g_free (b);
}

GBytes *
station_secret_bytes_new_take (void *data, gsize len)
{
  SecretBlock *b = g_new (SecretBlock, 1);

  b->data = data;
  b->len = len;
  return g_bytes_new_with_free_func (data, len, secret_block_free, b);
}

gboolean
station_secret_protect_process (void)
{
  struct rlimit none = { 0, 0 };
  gboolean ok = TRUE;

  if (setrlimit (RLIMIT_CORE, &none) != 0) {
    g_warning ("cannot turn core dumps off (RLIMIT_CORE): %s", g_strerror (errno));
    ok = FALSE;
  }
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    g_warning ("cannot make the process non-dumpable: %s", g_strerror (errno));
    ok = FALSE;
  }
  return ok;
}
