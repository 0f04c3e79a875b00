/* station/cloud/cloud-secret.h - the one libsecret wrapper of station/: the
 * SORACOM auth key kept in the desktop keyring (Secret Service) as an item
 * with attributes service=soracom and auth_key_id=<id>, the secret being the
 * auth key.  Such an item is made by e.g.
 *   secret-tool store --label "SORACOM" service soracom auth_key_id keyId-xxx */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* cloud_secret_available: TRUE when a D-Bus session bus is reachable without
 * starting one (DBUS_SESSION_BUS_ADDRESS, or $XDG_RUNTIME_DIR/bus). */
gboolean cloud_secret_available (void);

/* cloud_secret_lookup: the keyring item for @auth_key_id (any item with
 * service=soracom when NULL).  TRUE with *@out_id (its auth_key_id) and
 * *@out_key (free both with g_free()); FALSE without @error when there is no
 * such item or no keyring; FALSE with @error when the keyring failed. */
gboolean cloud_secret_lookup (const char *auth_key_id, char **out_id, char **out_key,
                              GCancellable *cancellable, GError **error);

/* cloud_secret_store: stores @auth_key for @auth_key_id in the default
 * collection (replacing an item with the same attributes). */
gboolean cloud_secret_store (const char *auth_key_id, const char *auth_key,
                             GCancellable *cancellable, GError **error);

G_END_DECLS
