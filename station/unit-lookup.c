/* station/unit-lookup.c - the record of the unit a scanned code names. */
#define G_LOG_DOMAIN "station"

#include "station/unit-lookup.h"

#include "drivers/identity.h"
#include "station/cloud/cloud-client.h"
#include "station/store/store.h"
#include "station/unit-json.h"

gboolean
unit_lookup_check_code (const char *code, GError **error)
{
  gboolean digits = *code != '\0';

  if (g_ascii_strncasecmp (code, "DEV ", 4) == 0)
    return TRUE;
  for (const char *p = code; *p; p++)
    digits &= g_ascii_isdigit (*p) != 0;
  if (digits)
    return TRUE;
  return identity_device_id_check (code, error);
}

/* The SIM as the API shows it now; NULL with *why set when it cannot be
 * read (no credentials, API down): the stored record is still shown. */
static CloudSubscriber *
read_sim (StationConfig *config, const char *api_url, const char *imsi, char **why)
{
  g_autoptr (GError) error = NULL;
  CloudClient *client;
  CloudSubscriber *sub = NULL;

  client = cloud_client_new_from_config (config, api_url, NULL, &error);
  if (client != NULL) {
    sub = cloud_client_get_subscriber (client, imsi, NULL, &error);
    cloud_client_free (client);
  }
  if (sub == NULL)
    *why = g_strdup (error->message);
  return sub;
}

JsonNode *
unit_lookup_record (StationConfig *config, const char *code_in, const char *api_url,
                    gboolean offline, GError **error)
{
  g_autofree char *code = g_strstrip (g_strdup (code_in));
  g_autoptr (Store) store = NULL;
  g_autoptr (StoreUnit) unit = NULL;
  g_autofree char *why = NULL;
  CloudSubscriber *sub = NULL;
  JsonNode *node;
  StoreKey matched;

  if (!unit_lookup_check_code (code, error))
    return NULL;
  store = store_open_from_config (config, STORE_OPEN_READ_ONLY, error);
  if (store == NULL)
    return NULL;
  unit = store_lookup (store, code, &matched, error);
  if (unit == NULL)
    return NULL;

  if (offline)
    why = g_strdup ("not asked (--offline)");
  else if (unit->imsi == NULL)
    why = g_strdup ("no IMSI read from the device yet");
  else
    sub = read_sim (config, api_url, unit->imsi, &why);

  node = unit_json_record (store, unit, sub, why, error);
  g_clear_pointer (&sub, cloud_subscriber_free);
  if (node != NULL)
    json_object_set_string_member (json_node_get_object (node), "matched",
                                   store_key_to_string (matched));
  return node;
}
