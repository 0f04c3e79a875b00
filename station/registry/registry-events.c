/* station/registry/registry-events.c - what the event-handler receiver
 * decides and records (the HTTP side is in registry-server.c). */
#define G_LOG_DOMAIN "station-registry"

#include "station/registry/registry-events.h"

#include <string.h>

#include "drivers/identity.h"
#include "station/registry/registry.h"

/* @text with every @from replaced by @to (a new string). */
static char *
replace_all (const char *text, const char *from, const char *to)
{
  g_auto (GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

GBytes *
registry_events_secret_load (const char *path, GError **error)
{
  GError *local = NULL;
  GBytes *secret = registry_psk_load (path, &local);

  /* the same rules as the Beam PSK file, said of the events secret */
  if (secret == NULL) {
    g_autofree char *a = replace_all (local->message, "PSK file", "events secret file");
    g_autofree char *b = replace_all (a, "Beam secret", "events secret");
    g_autofree char *c = replace_all (b, "a PSK", "an events secret");

    g_set_error (error, local->domain, local->code, "%s", c);
    g_error_free (local);
  }
  return secret;
}

/* Constant-time comparison of the header with the secret. */
static gboolean
secret_equal (GBytes *secret, const char *given)
{
  gsize n = 0, m = strlen (given);
  const guint8 *s = g_bytes_get_data (secret, &n);
  guint diff = n == m ? 0 : 1;

  for (gsize i = 0; i < m; i++)
    diff |= (guint)(s[n ? i % n : 0] ^ (guint8)given[i]);
  return diff == 0 && n == m && n > 0;
}

guint
registry_events_handle (Store *store, GBytes *secret, const RegistryEventRequest *req,
                        gint64 now_ms, const char **reason)
{
  StoreSimEventKind kind;
  gboolean recorded = FALSE;
  g_autoptr (GError) error = NULL;
  const char *imei;

  if (g_strcmp0 (req->method, "POST") != 0) {
    *reason = "method not allowed (POST /events)";
    return 405;
  }
  if (req->secret == NULL) {
    *reason = "missing " REGISTRY_EVENTS_SECRET_HEADER " header";
    return 401;
  }
  if (!secret_equal (secret, req->secret)) {
    *reason = "wrong " REGISTRY_EVENTS_SECRET_HEADER;
    return 403;
  }
  if (!store_sim_event_kind_from_string (req->event, &kind)) {
    *reason = "unknown event (first_use, daily_limit or imei_mismatch)";
    return 400;
  }
  /* an unsubstituted ${imei} or a device without one: no IMEI */
  imei = req->imei != NULL && identity_imei_check (req->imei, NULL) ? req->imei : NULL;
  if (!store_sim_event_add (store, req->imsi, kind, now_ms, imei, req->remote, &recorded, &error)) {
    if (g_error_matches (error, STATION_STORE_ERROR, STORE_ERROR_INVALID)) {
      *reason = "malformed or missing imsi";
      return 400;
    }
    g_warning ("events: %s", error->message);
    *reason = "store error";
    return 500;
  }
  *reason = recorded ? "recorded" : "duplicate";
  return 200;
}
