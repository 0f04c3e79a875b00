/* station/store/store-registration.h - Beam registrations (CONTRACT.md
 * section 4) as the registration receiver records them and the pipeline's
 * register step reads them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _Store Store;

typedef struct {
  gint64 id;
  char *device_id; /* canonical (upper-case) */
  char *imsi;
  char *imei;       /* NULL when Beam sent none */
  gint64 timestamp; /* x-soracom-timestamp, ms */
  char *signature;  /* x-soracom-signature (replay key), may be NULL */
  char *remote;     /* peer address the request came from */
  gint64 received_at;
} StoreRegistration;

void store_registration_free (StoreRegistration *reg);

/* store_registration_add: records @reg (device ID in any case; received_at
 * 0 means now).  A replay (the same device ID, IMSI and timestamp, or the
 * same signature, already recorded) fails with STORE_ERROR_EXISTS and
 * writes nothing. */
gboolean store_registration_add (Store *store, const StoreRegistration *reg, GError **error);

/* store_registration_list_by_device / _by_imsi: the records
 * (StoreRegistration *), oldest timestamp first; empty when none. */
GPtrArray *store_registration_list_by_device (Store *store, const char *device_id, GError **error);
GPtrArray *store_registration_list_by_imsi (Store *store, const char *imsi, GError **error);

/* store_registration_latest: the newest record of @device_id (with @imsi
 * when non-NULL) whose timestamp is at least @since_ms, or NULL with
 * STORE_ERROR_NOT_FOUND: what the pipeline's register step waits for. */
StoreRegistration *store_registration_latest (Store *store, const char *device_id, const char *imsi,
                                              gint64 since_ms, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreRegistration, store_registration_free)

G_END_DECLS
