/* station/cloud/cloud-secret.c - libsecret behind cloud-secret.h (the only
 * file of station/ that includes libsecret). */
#define G_LOG_DOMAIN "station-cloud"

#include "station/cloud/cloud-secret.h"

#include <libsecret/secret.h>

#include "station/cloud/cloud-error.h"

/* Matched on attributes only, so items made with secret-tool count too. */
static const SecretSchema soracom_schema = {
  "io.soracom.AuthKey",
  SECRET_SCHEMA_DONT_MATCH_NAME,
  {
      { "service", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "auth_key_id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
  },
};

gboolean
cloud_secret_available (void)
{
  const char *runtime = g_getenv ("XDG_RUNTIME_DIR");
  g_autofree char *socket = NULL;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    return TRUE;
  if (runtime == NULL)
    return FALSE;
  socket = g_build_filename (runtime, "bus", NULL);
  return g_file_test (socket, G_FILE_TEST_EXISTS);
}

static gboolean
keyring_failed (GError *local, GError **error)
{
  g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_NO_CREDENTIALS,
               "keyring: %s (store the key with secret-tool, or set [soracom] auth_key)",
               local->message);
  g_error_free (local);
  return FALSE;
}

gboolean
cloud_secret_lookup (const char *auth_key_id, char **out_id, char **out_key,
                     GCancellable *cancellable, GError **error)
{
  GError *local = NULL;
  g_autofree char *id = g_strdup (auth_key_id);
  char *key;

  *out_id = *out_key = NULL;
  if (!cloud_secret_available ()) {
    g_debug ("keyring: no D-Bus session bus, not consulted");
    return FALSE;
  }

  if (id == NULL) {
    GList *items = secret_password_search_sync (&soracom_schema, SECRET_SEARCH_UNLOCK, cancellable,
                                                &local, "service", "soracom", NULL);

    if (local != NULL)
      return keyring_failed (local, error);
    if (items != NULL) {
      g_autoptr (GHashTable) attrs = secret_retrievable_get_attributes (items->data);

      id = g_strdup (g_hash_table_lookup (attrs, "auth_key_id"));
    }
    g_list_free_full (items, g_object_unref);
    if (id == NULL)
      return FALSE;
  }

  key = secret_password_lookup_sync (&soracom_schema, cancellable, &local, "service", "soracom",
                                     "auth_key_id", id, NULL);
  if (local != NULL)
    return keyring_failed (local, error);
  if (key == NULL)
    return FALSE;
  *out_id = g_steal_pointer (&id);
  *out_key = g_strdup (key);
  secret_password_free (key);
  return TRUE;
}

gboolean
cloud_secret_store (const char *auth_key_id, const char *auth_key, GCancellable *cancellable,
                    GError **error)
{
  g_autofree char *label = g_strdup_printf ("SORACOM auth key %s", auth_key_id);
  GError *local = NULL;

  if (!secret_password_store_sync (&soracom_schema, SECRET_COLLECTION_DEFAULT, label, auth_key,
                                   cancellable, &local, "service", "soracom", "auth_key_id",
                                   auth_key_id, NULL))
    return keyring_failed (local, error);
  return TRUE;
}
