/* station/config.c - INI configuration with command-line overrides. */
#define G_LOG_DOMAIN "station-config"

#include "station/config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "station/station-error.h"

struct _StationConfig {
  GKeyFile *file;
  char *path;
};

StationConfig *
station_config_new (void)
{
  StationConfig *config = g_new0 (StationConfig, 1);

  config->file = g_key_file_new ();
  return config;
}

StationConfig *
station_config_load (const char *path, GError **error)
{
  g_autoptr (StationConfig) config = station_config_new ();
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_key_file_load_from_file (config->file, path, G_KEY_FILE_NONE, &local)) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_CONFIG, "configuration %s: %s", path,
                 local->message);
    return NULL;
  }
  if (g_key_file_has_key (config->file, "soracom", "auth_key", NULL)) {
    GStatBuf st;

    /* a secret in the file: only its owner may read it (as the PSK file) */
    if (g_stat (path, &st) != 0 || (st.st_mode & 077) != 0) {
      g_set_error (error, STATION_ERROR, STATION_ERROR_CONFIG,
                   "configuration %s: holds [soracom] auth_key but has mode %04o (group or others "
                   "may read or write it); chmod 600 %s, or keep the key in libsecret or "
                   "SORACOM_AUTH_KEY",
                   path, (guint)(st.st_mode & 07777), path);
      return NULL;
    }
  }
  config->path = g_strdup (path);
  return g_steal_pointer (&config);
}

void
station_config_free (StationConfig *config)
{
  if (config == NULL)
    return;
  g_key_file_unref (config->file);
  g_free (config->path);
  g_free (config);
}

char *
station_config_get_string (StationConfig *config, const char *group, const char *key,
                           const char *fallback)
{
  char *value = g_key_file_get_string (config->file, group, key, NULL);

  if (value == NULL)
    return g_strdup (fallback);
  g_strstrip (value);
  return value;
}

gboolean
station_config_get_int (StationConfig *config, const char *group, const char *key, gint64 fallback,
                        gint64 *out, GError **error)
{
  g_autofree char *raw = station_config_get_string (config, group, key, NULL);
  gint64 value;
  char *end = NULL;

  if (raw == NULL) {
    *out = fallback;
    return TRUE;
  }
  value = g_ascii_strtoll (raw, &end, 10);
  if (end == raw || *end != '\0') {
    g_set_error (error, STATION_ERROR, STATION_ERROR_CONFIG,
                 "configuration %s: [%s] %s = '%s' is not a whole number",
                 config->path ? config->path : "(command line)", group, key, raw);
    return FALSE;
  }
  *out = value;
  return TRUE;
}

void
station_config_set_string (StationConfig *config, const char *group, const char *key,
                           const char *value)
{
  g_key_file_set_string (config->file, group, key, value);
}

const char *
station_config_get_path (StationConfig *config)
{
  return config->path;
}
