/* station/pipeline/recipe-cloud.c - the [cloud] group of a recipe: the
 * batch's SIM group and its settings, and the event handlers that
 * batch cloud-setup creates (docs/cloud-setup.md). */
#define G_LOG_DOMAIN "station-recipe"

#include <string.h>

#include "station/pipeline/recipe.h"

#define GROUP_TAG_PREFIX "group_tag."

static const char *const cloud_keys[] = {
  "group_id",        "group_name",        "vpg_id",     "gate",
  "daily_limit_mib", "over_limit_action", "events_url", "events_secret_file",
};

/* Speed classes of the spec's ChangeSpeedClassAction speedClass enum. */
static const char *const speed_classes[] = {
  "s1.minimum", "s1.slow",   "s1.standard", "s1.fast",
  "s1.4xfast",  "s1.8xfast", "u1.standard", "u1.slow",
};

void
recipe_cloud_clear (Recipe *r)
{
  g_clear_pointer (&r->group_id, g_free);
  g_clear_pointer (&r->group_name, g_free);
  g_clear_pointer (&r->group_tag_names, g_ptr_array_unref);
  g_clear_pointer (&r->group_tag_values, g_ptr_array_unref);
  g_clear_pointer (&r->vpg_id, g_free);
  g_clear_pointer (&r->over_limit_action, g_free);
  g_clear_pointer (&r->events_url, g_free);
  g_clear_pointer (&r->events_secret_file, g_free);
}

static gboolean
bad (GError **error, const char *origin, const char *key, const char *why)
{
  g_set_error (error, RECIPE_ERROR, RECIPE_ERROR_VALUE, "%s: [cloud] %s %s", origin, key, why);
  return FALSE;
}

/* A stripped string value, NULL when absent or empty. */
static char *
get (GKeyFile *kf, const char *key)
{
  char *v = g_key_file_get_string (kf, "cloud", key, NULL);

  if (v != NULL && *g_strstrip (v) == '\0')
    g_clear_pointer (&v, g_free);
  return v;
}

static gboolean
known_key (const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cloud_keys); i++)
    if (strcmp (key, cloud_keys[i]) == 0)
      return TRUE;
  return g_str_has_prefix (key, GROUP_TAG_PREFIX) && key[strlen (GROUP_TAG_PREFIX)] != '\0';
}

static gboolean
is_speed_class (const char *s)
{
  for (gsize i = 0; i < G_N_ELEMENTS (speed_classes); i++)
    if (strcmp (s, speed_classes[i]) == 0)
      return TRUE;
  return FALSE;
}

/* group_name may use ${batch} and nothing else. */
static gboolean
check_group_name (const char *name, const char *origin, GError **error)
{
  const char *p = name;

  while ((p = strstr (p, "${")) != NULL) {
    if (!g_str_has_prefix (p, "${batch}"))
      return bad (error, origin, "group_name", "may use only ${batch}");
    p += strlen ("${batch}");
  }
  return TRUE;
}

static gboolean
check_url (const char *url, const char *origin, GError **error)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL
      || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    return bad (error, origin, "events_url",
                "must be an http(s) URL by which SORACOM reaches the station's receiver "
                "(e.g. https://station.example.com/events)");
  if (g_uri_get_query (uri) != NULL)
    return bad (error, origin, "events_url", "must have no query (the station adds one)");
  return TRUE;
}

gboolean
recipe_cloud_parse (GKeyFile *kf, const char *origin, Recipe *r, GError **error)
{
  g_auto (GStrv) keys = NULL;
  g_autofree char *gate = NULL, *limit = NULL;
  guint64 v = 0;

  r->gate = -1;
  r->group_tag_names = g_ptr_array_new_with_free_func (g_free);
  r->group_tag_values = g_ptr_array_new_with_free_func (g_free);
  if (!g_key_file_has_group (kf, "cloud"))
    return TRUE;
  keys = g_key_file_get_keys (kf, "cloud", NULL, NULL);
  for (gsize i = 0; keys != NULL && keys[i]; i++) {
    if (!known_key (keys[i])) {
      g_set_error (error, RECIPE_ERROR, RECIPE_ERROR_UNKNOWN,
                   "%s: [cloud] unknown key '%s' (known: group_id, group_name, group_tag.<name>, "
                   "vpg_id, gate, daily_limit_mib, over_limit_action, events_url, "
                   "events_secret_file)",
                   origin, keys[i]);
      return FALSE;
    }
    if (g_str_has_prefix (keys[i], GROUP_TAG_PREFIX)) {
      char *value = get (kf, keys[i]);

      if (value == NULL)
        return bad (error, origin, keys[i], "needs a value");
      g_ptr_array_add (r->group_tag_names, g_strdup (keys[i] + strlen (GROUP_TAG_PREFIX)));
      g_ptr_array_add (r->group_tag_values, value);
    }
  }
  r->group_id = get (kf, "group_id");
  r->group_name = get (kf, "group_name");
  r->vpg_id = get (kf, "vpg_id");
  r->over_limit_action = get (kf, "over_limit_action");
  r->events_url = get (kf, "events_url");
  r->events_secret_file = get (kf, "events_secret_file");
  gate = get (kf, "gate");
  limit = get (kf, "daily_limit_mib");

  if (r->group_name != NULL && !check_group_name (r->group_name, origin, error))
    return FALSE;
  if (r->group_tag_names->len > 0 && r->group_name == NULL && r->group_id == NULL)
    return bad (error, origin, "group_tag.*", "needs group_name or group_id (the group to tag)");
  if (gate != NULL) {
    if (g_ascii_strcasecmp (gate, "true") == 0)
      r->gate = 1;
    else if (g_ascii_strcasecmp (gate, "false") == 0)
      r->gate = 0;
    else
      return bad (error, origin, "gate", "must be true or false");
    if (r->vpg_id == NULL)
      return bad (error, origin, "gate", "needs vpg_id (Gate is switched on the VPG)");
  }
  if ((r->vpg_id != NULL) && r->group_name == NULL && r->group_id == NULL)
    return bad (error, origin, "vpg_id", "needs group_name or group_id (the group to set)");
  if (limit != NULL) {
    if (!g_ascii_string_to_unsigned (limit, 10, 1, G_MAXINT32, &v, NULL))
      return bad (error, origin, "daily_limit_mib", "must be a whole number from 1 to 2147483647");
    r->daily_limit_mib = (guint)v;
  }
  if (r->over_limit_action != NULL) {
    if (strcmp (r->over_limit_action, "suspend") != 0 && !is_speed_class (r->over_limit_action))
      return bad (error, origin, "over_limit_action",
                  "must be a speed class (s1.minimum, s1.slow, s1.standard, s1.fast, s1.4xfast, "
                  "s1.8xfast, u1.standard, u1.slow) or suspend");
    if (r->daily_limit_mib == 0)
      return bad (error, origin, "over_limit_action", "needs daily_limit_mib");
  } else if (r->daily_limit_mib > 0) {
    r->over_limit_action = g_strdup ("s1.minimum");
  }
  if (r->events_url != NULL && !check_url (r->events_url, origin, error))
    return FALSE;
  if ((r->events_url == NULL) != (r->events_secret_file == NULL))
    return bad (error, origin, r->events_url ? "events_url" : "events_secret_file",
                "needs both events_url and events_secret_file (the receiver refuses requests "
                "without the secret)");
  return TRUE;
}

char *
recipe_cloud_group_name (const Recipe *r, const char *batch_id)
{
  g_auto (GStrv) parts = NULL;

  if (r->group_name == NULL)
    return NULL;
  parts = g_strsplit (r->group_name, "${batch}", -1);
  return g_strjoinv (batch_id, parts);
}
