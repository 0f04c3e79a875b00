/* station/config.h - the station configuration: an INI file in GKeyFile
 * syntax (docs/configuration.md lists groups and keys), with values
 * given on the command line taking precedence over the file. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _StationConfig StationConfig;

/* station_config_new: an empty configuration (every getter returns its
 * default).  Free with station_config_free(). */
StationConfig *station_config_new (void);

/* station_config_load: reads @path (INI).  NULL with @error set
 * (STATION_ERROR_CONFIG, message naming the file) when the file is
 * missing or malformed, or holds [soracom] auth_key while group or others
 * have any access to it (mode & 077: refused as the PSK file is). */
StationConfig *station_config_load (const char *path, GError **error);

void station_config_free (StationConfig *config);

/* station_config_get_string: value of [group] key, or a copy of @fallback
 * when unset.  Free with g_free(). */
char *station_config_get_string (StationConfig *config, const char *group, const char *key,
                                 const char *fallback);

/* station_config_get_int: value of [group] key, @fallback when unset; FALSE
 * with @error when set but not an integer. */
gboolean station_config_get_int (StationConfig *config, const char *group, const char *key,
                                 gint64 fallback, gint64 *out, GError **error);

/* station_config_set_string: overrides [group] key (command-line options). */
void station_config_set_string (StationConfig *config, const char *group, const char *key,
                                const char *value);

/* station_config_get_path: the file the configuration was read from, or NULL. */
const char *station_config_get_path (StationConfig *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StationConfig, station_config_free)

G_END_DECLS
