/* station/secret.h - secrets (the SORACOM auth key, the API key and token,
 * the Beam PSK) leave memory as soon as they are no longer needed, and
 * never reach a core dump.  The one place that wipes memory: every holder
 * of a secret frees it through these functions. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* station_secret_wipe: overwrites @len bytes at @p with zeros in a way the
 * compiler cannot drop (explicit_bzero).  @p may be NULL when @len is 0. */
void station_secret_wipe (void *p, gsize len);

/* station_secret_free: wipes the string @s (up to its NUL) and frees it
 * with g_free().  NULL is fine. */
void station_secret_free (char *s);

/* station_secret_bytes_new_take: a GBytes over @data (@len bytes, taken,
 * allocated with g_malloc) whose last unref wipes it before freeing. */
GBytes *station_secret_bytes_new_take (void *data, gsize len);

/* station_secret_protect_process: no core dump of this process can hold a
 * secret: RLIMIT_CORE 0 and not dumpable (PR_SET_DUMPABLE 0, which also
 * keeps other users' debuggers out).  Call once at start, before any
 * secret is read.  Returns FALSE (and logs why) when the kernel refused. */
gboolean station_secret_protect_process (void);

typedef char StationSecretString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StationSecretString, station_secret_free)

G_END_DECLS
