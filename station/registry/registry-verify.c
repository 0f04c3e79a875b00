/* station/registry/registry-verify.c - the checks of the Beam registration
 * receiver (pure functions), the PSK file and the listen address. */
#define G_LOG_DOMAIN "station-registry"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/identity.h"
#include "station/beam-signature.h"
#include "station/registry/registry.h"
#include "station/secret.h"

G_DEFINE_QUARK (station_registry_error_quark, station_registry_error)

GBytes *
registry_psk_load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  GStatBuf st;
  int fd = -1;
  GBytes *psk = NULL;
  char buf[REGISTRY_MAX_PSK_SIZE + 2];
  ssize_t n;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0) {
    int e = errno;
    g_set_error (error, REGISTRY_ERROR, REGISTRY_ERROR_PSK, "%s: cannot read the PSK file: %s",
                 path, g_strerror (e));
    goto out;
  }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    g_set_error (error, REGISTRY_ERROR, REGISTRY_ERROR_PSK,
                 "%s: the PSK file is not a regular file", path);
    goto out;
  }
  if ((st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) != 0) {
    g_set_error (error, REGISTRY_ERROR, REGISTRY_ERROR_PSK,
                 "%s: the PSK file has mode %04o, so other users can read or change the Beam "
                 "secret; run 'chmod 600 %s'",
                 path, (unsigned)(st.st_mode & 07777), path);
    goto out;
  }
  /* one read more than the limit tells a too large file */
  while (len < sizeof buf && (n = read (fd, buf + len, sizeof buf - len)) != 0) {
    if (n < 0) {
      int e = errno;
      if (e == EINTR)
        continue;
      g_set_error (error, REGISTRY_ERROR, REGISTRY_ERROR_PSK, "%s: %s", path, g_strerror (e));
      goto out;
    }
    len += (gsize)n;
  }
  if (len > REGISTRY_MAX_PSK_SIZE) {
    g_set_error (error, REGISTRY_ERROR, REGISTRY_ERROR_PSK,
                 "%s: larger than %d bytes; a PSK file holds only the key", path,
                 REGISTRY_MAX_PSK_SIZE);
    goto out;
  }
  if (len > 0 && buf[len - 1] == '\n') {
    len--;
    if (len > 0 && buf[len - 1] == '\r')
      len--;
  }
  if (len == 0) {
    g_set_error (error, REGISTRY_ERROR, REGISTRY_ERROR_PSK, "%s: the PSK file is empty", path);
    goto out;
  }
  text = g_strndup (buf, len);
  psk = station_secret_bytes_new_take (g_steal_pointer (&text), len);

out:
  station_secret_wipe (buf, sizeof buf);
  if (fd >= 0)
    close (fd);
  return psk;
}

gboolean
registry_parse_listen (const char *text, char **host, guint *port, GError **error)
{
  g_autofree char *h = NULL;
  const char *colon;
  g_autoptr (GInetAddress) addr = NULL;
  guint64 p = 0;

  colon = text ? strrchr (text, ':') : NULL;
  if (colon == NULL || colon == text || colon[1] == '\0'
      || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &p, NULL)) {
    g_set_error (error, REGISTRY_ERROR, REGISTRY_ERROR_LISTEN,
                 "--listen '%s': expected HOST:PORT, e.g. 127.0.0.1:8888 or [::1]:8888 (port "
                 "0-65535)",
                 text ? text : "");
    return FALSE;
  }
  h = g_strndup (text, (gsize)(colon - text));
  if (h[0] == '[' && h[strlen (h) - 1] == ']') {
    char *inner = g_strndup (h + 1, strlen (h) - 2);
    g_free (h);
    h = inner;
  }
  if (g_ascii_strcasecmp (h, "localhost") == 0) {
    g_free (h);
    h = g_strdup ("127.0.0.1");
  }
  addr = g_inet_address_new_from_string (h);
  if (addr == NULL) {
    g_set_error (error, REGISTRY_ERROR, REGISTRY_ERROR_LISTEN,
                 "--listen '%s': '%s' is not an IP address (give one of this machine's addresses)",
                 text, h);
    return FALSE;
  }
  *host = g_steal_pointer (&h);
  *port = (guint)p;
  return TRUE;
}

static gboolean
digits (const char *s, gsize min, gsize max)
{
  gsize n = 0;

  for (; s[n] != '\0'; n++)
    if (!g_ascii_isdigit (s[n]) || n >= max)
      return FALSE;
  return n >= min;
}

static void
verdict (RegistryVerdict *v, guint status, const char *reason)
{
  v->status = status;
  v->reason = reason;
}

void
registry_verify (const RegistryRequest *req, GBytes *psk, gint64 now_ms, gint64 max_skew_ms,
                 RegistryVerdict *v)
{
  g_autofree char *id = NULL;
  g_autofree char *expected = NULL;
  const char *p = req->path, *slash;
  BeamSignedHeaders signed_headers;
  gsize psk_len = 0;
  const char *psk_data = g_bytes_get_data (psk, &psk_len);
  guint64 ts = 0;

  memset (v, 0, sizeof *v);
  /* "/<device_id>/register" */
  if (p == NULL || p[0] != '/' || (slash = strchr (p + 1, '/')) == NULL
      || strcmp (slash, "/register") != 0 || slash == p + 1) {
    verdict (v, 404, "unknown path: POST /<device_id>/register");
    return;
  }
  id = g_strndup (p + 1, (gsize)(slash - p - 1));
  v->device_id = identity_device_id_normalize (id, NULL);
  if (v->device_id == NULL) {
    verdict (v, 403, "bad device id (1-64 characters from A-Z a-z 0-9 - .)");
    return;
  }
  if (req->signature_version == NULL) {
    verdict (v, 403, "missing header x-soracom-signature-version");
    return;
  }
  if (strcmp (req->signature_version, BEAM_SIGNATURE_VERSION) != 0) {
    verdict (v, 403, "unsupported signature version (expected " BEAM_SIGNATURE_VERSION ")");
    return;
  }
  if (req->signature == NULL) {
    verdict (v, 403, "missing header x-soracom-signature");
    return;
  }
  if (req->imsi == NULL) {
    verdict (v, 403, "missing header x-soracom-imsi");
    return;
  }
  if (req->timestamp == NULL) {
    verdict (v, 403, "missing header x-soracom-timestamp");
    return;
  }
  signed_headers = (BeamSignedHeaders){ .imei = req->imei,
                                        .imsi = req->imsi,
                                        .msisdn = req->msisdn,
                                        .sim_id = req->sim_id,
                                        .timestamp = req->timestamp };
  expected = beam_signature_compute (psk_data, psk_len, &signed_headers);
  if (!beam_signature_equal (expected, req->signature)) {
    verdict (v, 403, "bad signature");
    return;
  }
  if (!digits (req->timestamp, 1, 15)
      || !g_ascii_string_to_unsigned (req->timestamp, 10, 0, G_MAXINT64, &ts, NULL)) {
    verdict (v, 403, "bad timestamp (milliseconds expected)");
    return;
  }
  v->timestamp = (gint64)ts;
  if (v->timestamp < now_ms - max_skew_ms) {
    verdict (v, 403, "stale timestamp (more than 5 minutes old)");
    return;
  }
  if (v->timestamp > now_ms + max_skew_ms) {
    verdict (v, 403, "timestamp in the future (more than 5 minutes ahead)");
    return;
  }
  if (!digits (req->imsi, 5, 15)) {
    verdict (v, 403, "malformed x-soracom-imsi (digits expected)");
    return;
  }
  if (req->imei != NULL && !digits (req->imei, 14, 16)) {
    verdict (v, 403, "malformed x-soracom-imei (digits expected)");
    return;
  }
  verdict (v, 200, "recorded");
}

void
registry_verdict_clear (RegistryVerdict *v)
{
  g_clear_pointer (&v->device_id, g_free);
}

char *
registry_log_escape (const char *text)
{
  GString *out = g_string_sized_new (text ? strlen (text) : 1);

  for (const guchar *p = (const guchar *)(text ? text : ""); *p != '\0'; p++) {
    if (*p == '\\')
      g_string_append (out, "\\\\");
    else if (*p < 0x20 || *p > 0x7e)
      g_string_append_printf (out, "\\x%02x", *p);
    else
      g_string_append_c (out, (char)*p);
  }
  return g_string_free (out, FALSE);
}
