/* station/cloud/cloud-credentials.c - where the auth key comes from (config,
 * environment, keyring) and the client built from the configuration. */
#define G_LOG_DOMAIN "station-cloud"

#include <string.h>

#include "station/cloud/cloud-client.h"
#include "station/cloud/cloud-secret.h"
#include "station/secret.h"
#include "station/station-error.h"

CloudCredentials *
cloud_credentials_new (const char *auth_key_id, const char *auth_key)
{
  CloudCredentials *creds = g_new0 (CloudCredentials, 1);

  creds->auth_key_id = g_strdup (auth_key_id);
  creds->auth_key = g_strdup (auth_key);
  creds->source = "caller";
  return creds;
}

CloudCredentials *
cloud_credentials_copy (const CloudCredentials *src)
{
  CloudCredentials *creds = g_new0 (CloudCredentials, 1);

  creds->auth_key_id = g_strdup (src->auth_key_id);
  creds->auth_key = g_strdup (src->auth_key);
  creds->email = g_strdup (src->email);
  creds->password = g_strdup (src->password);
  creds->source = src->source;
  return creds;
}

void
cloud_credentials_free (CloudCredentials *creds)
{
  if (creds == NULL)
    return;
  g_free (creds->auth_key_id);
  station_secret_free (creds->auth_key);
  g_free (creds->email);
  station_secret_free (creds->password);
  g_free (creds);
}

static char *
config_string (StationConfig *config, const char *key)
{
  char *v = config != NULL ? station_config_get_string (config, "soracom", key, NULL) : NULL;

  if (v != NULL && *v == '\0')
    g_clear_pointer (&v, g_free);
  return v;
}

static char *
env_string (const char *name)
{
  const char *v = g_getenv (name);

  return v != NULL && *v != '\0' ? g_strdup (v) : NULL;
}

static gboolean
keyring_enabled (StationConfig *config)
{
  g_autofree char *v = config_string (config, "keyring");

  return v == NULL
         || !(g_ascii_strcasecmp (v, "false") == 0 || g_ascii_strcasecmp (v, "no") == 0
              || g_strcmp0 (v, "0") == 0);
}

CloudCredentials *
cloud_credentials_resolve (StationConfig *config, GCancellable *cancellable, GError **error)
{
  g_autoptr (CloudCredentials) creds = g_new0 (CloudCredentials, 1);
  g_autofree char *key_id = NULL, *found_id = NULL;
  char *key = NULL;

  creds->auth_key_id = config_string (config, "auth_key_id");
  if (creds->auth_key_id != NULL) {
    creds->source = "config";
    creds->auth_key = config_string (config, "auth_key");
  } else if ((creds->auth_key_id = env_string ("SORACOM_AUTH_KEY_ID")) != NULL) {
    creds->source = "environment";
    creds->auth_key = env_string ("SORACOM_AUTH_KEY");
  }
  if (creds->auth_key != NULL)
    return g_steal_pointer (&creds);

  if (keyring_enabled (config)) {
    GError *local = NULL;

    key_id = g_strdup (creds->auth_key_id);
    if (cloud_secret_lookup (key_id, &found_id, &key, cancellable, &local)) {
      g_free (creds->auth_key_id);
      creds->auth_key_id = g_steal_pointer (&found_id);
      creds->auth_key = key;
      creds->source = "keyring";
      return g_steal_pointer (&creds);
    }
    if (local != NULL) {
      g_propagate_error (error, local);
      return NULL;
    }
  }
  if (creds->auth_key_id != NULL)
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_NO_CREDENTIALS,
                 "SORACOM auth key %s (from the %s): no auth key for it in the %s, nor in the "
                 "keyring",
                 creds->auth_key_id, creds->source,
                 g_strcmp0 (creds->source, "config") == 0 ? "config ([soracom] auth_key)"
                                                          : "environment (SORACOM_AUTH_KEY)");
  else
    g_set_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_NO_CREDENTIALS,
                 "SORACOM credentials: none found; set [soracom] auth_key_id and auth_key in the "
                 "config, or SORACOM_AUTH_KEY_ID and SORACOM_AUTH_KEY, or store the key in the "
                 "keyring (service=soracom auth_key_id=...)");
  return NULL;
}

/* Reads an unsigned [soracom] @key into @out (unchanged when unset). */
static gboolean
config_uint (StationConfig *config, const char *key, guint *out, GError **error)
{
  gint64 v = 0;

  if (config == NULL)
    return TRUE;
  if (!station_config_get_int (config, "soracom", key, *out, &v, error))
    return FALSE;
  if (v < 0 || v > G_MAXUINT) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_CONFIG,
                 "config [soracom] %s = %" G_GINT64_FORMAT ": out of range", key, v);
    return FALSE;
  }
  *out = (guint)v;
  return TRUE;
}

CloudClient *
cloud_client_new_from_config (StationConfig *config, const char *api_url, GCancellable *cancellable,
                              GError **error)
{
  CloudClientOptions opts;
  g_autoptr (CloudCredentials) creds = NULL;
  g_autofree char *url = NULL, *rate = NULL, *lang = NULL;

  cloud_client_options_init (&opts);
  url = api_url != NULL ? g_strdup (api_url) : config_string (config, "api_url");
  if (url != NULL)
    opts.base_url = url;
  if (!config_uint (config, "token_timeout_s", &opts.token_timeout_s, error)
      || !config_uint (config, "rate_burst", &opts.rate_burst, error)
      || !config_uint (config, "max_attempts", &opts.max_attempts, error)
      || !config_uint (config, "backoff_initial_ms", &opts.backoff_initial_ms, error)
      || !config_uint (config, "backoff_max_ms", &opts.backoff_max_ms, error)
      || !config_uint (config, "budget_ms", &opts.budget_ms, error)
      || !config_uint (config, "connect_timeout_ms", &opts.connect_timeout_ms, error)
      || !config_uint (config, "timeout_ms", &opts.timeout_ms, error))
    return NULL;
  rate = config_string (config, "rate_per_s");
  if (rate != NULL) {
    char *end = NULL;
    double r = g_ascii_strtod (rate, &end);

    if (end == rate || *end != '\0' || r < 0) {
      g_set_error (error, STATION_ERROR, STATION_ERROR_CONFIG,
                   "config [soracom] rate_per_s = %s: not a number of calls per second", rate);
      return NULL;
    }
    opts.rate_per_s = r;
  }
  lang = config_string (config, "lang");
  if (lang != NULL)
    opts.lang = lang;
  creds = cloud_credentials_resolve (config, cancellable, error);
  if (creds == NULL)
    return NULL;
  return cloud_client_new (&opts, creds, error);
}
