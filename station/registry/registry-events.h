/* station/registry/registry-events.h - the receiver of SORACOM event-handler
 * web requests (ExecuteWebRequestAction) that batch cloud-setup points at
 * the registry service (same process and port as Beam registrations):
 *
 *   POST /events?event=<kind>&imsi=<IMSI>[&imei=<IMEI>]   header X-Station-Event-Secret
 *     kind: first_use | daily_limit | imei_mismatch
 *     200 {"result":"recorded"}     the event is in the store
 *     200 {"result":"duplicate"}    already recorded (same IMSI, kind, UTC day)
 *     401 no secret header; 403 a wrong secret (nothing recorded)
 *     400 unknown event or malformed IMSI; 405 another method
 *     404 when the service runs without an events secret
 *
 * The secret comes from a file that must be mode 0600 (like the Beam PSK);
 * the same file is named by the recipe's [cloud] events_secret_file so that
 * the handlers send it. */
#pragma once

#include <glib.h>

#include "station/store/store.h"

G_BEGIN_DECLS

#define REGISTRY_EVENTS_PATH          "/events"
#define REGISTRY_EVENTS_SECRET_HEADER "X-Station-Event-Secret"

/* registry_events_secret_load: the secret in @path (one trailing newline
 * dropped).  Refused with REGISTRY_ERROR_PSK naming the file and the fix
 * when it is not a regular file of mode 0600 (or stricter), is empty or
 * too large. */
GBytes *registry_events_secret_load (const char *path, GError **error);

typedef struct {
  const char *method;
  const char *secret; /* the X-Station-Event-Secret header, NULL when absent */
  const char *event;  /* query "event" */
  const char *imsi;   /* query "imsi" */
  const char *imei;   /* query "imei" (kept when a valid IMEI; else ignored) */
  const char *remote; /* peer address */
} RegistryEventRequest;

/* registry_events_handle: checks @req against @secret and records the event
 * in @store at @now_ms.  Returns the HTTP status and in *@reason a static
 * text for the answer and the log. */
guint registry_events_handle (Store *store, GBytes *secret, const RegistryEventRequest *req,
                              gint64 now_ms, const char **reason);

G_END_DECLS
