/* station/pipeline/recipe.c - recipe files. */
#define G_LOG_DOMAIN "station-recipe"

#include "station/pipeline/recipe.h"

#include <string.h>

G_DEFINE_QUARK (recipe_error_quark, recipe_error)

static const char *const known_fields[] = {
  "device_id", "batch",       "station",        "imei",           "imsi",
  "iccid",     "recipe_name", "recipe_version", "provisioned_at",
};

static const struct {
  const char *key;
  RecipeSteps bit;
} step_keys[] = {
  { "register", RECIPE_STEP_REGISTER },   { "selftest", RECIPE_STEP_SELFTEST },
  { "tags", RECIPE_STEP_TAGS },           { "imei_lock", RECIPE_STEP_IMEI_LOCK },
  { "radio_off", RECIPE_STEP_RADIO_OFF }, { "standby", RECIPE_STEP_STANDBY },
  { "label", RECIPE_STEP_LABEL },
};

typedef struct {
  const char *key;
  gsize offset;
  guint64 min, max, fallback;
  guint scale; /* file unit -> stored unit (s -> ms) */
} LimitKey;

static const LimitKey limit_keys[] = {
  { "min_csq", G_STRUCT_OFFSET (Recipe, min_csq), 0, 31, 5, 1 },
  { "boot_timeout_s", G_STRUCT_OFFSET (Recipe, boot_timeout_ms), 1, 600, 30, 1000 },
  { "attach_timeout_s", G_STRUCT_OFFSET (Recipe, attach_timeout_ms), 1, 3600, 180, 1000 },
  { "register_timeout_s", G_STRUCT_OFFSET (Recipe, register_timeout_ms), 1, 3600, 120, 1000 },
  { "selftest_timeout_s", G_STRUCT_OFFSET (Recipe, selftest_timeout_ms), 1, 3600, 180, 1000 },
  { "radio_off_timeout_s", G_STRUCT_OFFSET (Recipe, radio_off_timeout_ms), 1, 600, 30, 1000 },
  { "standby_settle_s", G_STRUCT_OFFSET (Recipe, standby_settle_ms), 0, 600, 2, 1000 },
};

static const char *const known_groups[] = { "recipe", "steps", "limits", "tags", "cloud", "label" };

gboolean
recipe_field_known (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (known_fields); i++)
    if (strcmp (known_fields[i], name) == 0)
      return TRUE;
  return FALSE;
}

void
recipe_free (Recipe *recipe)
{
  if (recipe == NULL)
    return;
  g_free (recipe->name);
  g_free (recipe->sha256);
  g_clear_pointer (&recipe->tag_names, g_ptr_array_unref);
  g_clear_pointer (&recipe->tag_templates, g_ptr_array_unref);
  recipe_cloud_clear (recipe);
  g_free (recipe->label_template);
  g_free (recipe);
}

/* Walks the ${...} references of @tmpl; with @fields NULL only checks the
 * names, otherwise builds the expansion. */
static char *
expand (const char *tmpl, GHashTable *fields, const char *origin, GError **error)
{
  GString *out = g_string_new (NULL);
  const char *p = tmpl;

  while (*p) {
    const char *open = strstr (p, "${");
    const char *close;
    g_autofree char *name = NULL;

    if (open == NULL) {
      g_string_append (out, p);
      break;
    }
    g_string_append_len (out, p, open - p);
    close = strchr (open + 2, '}');
    if (close == NULL) {
      g_set_error (error, RECIPE_ERROR, RECIPE_ERROR_VALUE, "%s: '%s' has '${' without '}'", origin,
                   tmpl);
      goto fail;
    }
    name = g_strndup (open + 2, close - open - 2);
    if (!recipe_field_known (name)) {
      g_set_error (error, RECIPE_ERROR, RECIPE_ERROR_UNKNOWN,
                   "%s: unknown field ${%s} in '%s' (known: device_id, batch, station, imei, "
                   "imsi, iccid, recipe_name, recipe_version, provisioned_at)",
                   origin, name, tmpl);
      goto fail;
    }
    if (fields != NULL) {
      const char *value = g_hash_table_lookup (fields, name);
      if (value == NULL) {
        g_set_error (error, RECIPE_ERROR, RECIPE_ERROR_UNKNOWN, "%s: no value for ${%s}", origin,
                     name);
        goto fail;
      }
      g_string_append (out, value);
    }
    p = close + 1;
  }
  return g_string_free (out, FALSE);

fail:
  g_string_free (out, TRUE);
  return NULL;
}

char *
recipe_expand (const char *tmpl, GHashTable *fields, GError **error)
{
  return expand (tmpl, fields, "recipe tag", error);
}

static gboolean
check_keys (GKeyFile *kf, const char *origin, GError **error)
{
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);

  for (gsize g = 0; groups[g]; g++) {
    gboolean known = FALSE;
    for (gsize k = 0; k < G_N_ELEMENTS (known_groups); k++)
      known |= strcmp (groups[g], known_groups[k]) == 0;
    if (!known) {
      g_set_error (error, RECIPE_ERROR, RECIPE_ERROR_UNKNOWN,
                   "%s: unknown group [%s] (known: recipe, steps, limits, tags, cloud, label)",
                   origin, groups[g]);
      return FALSE;
    }
  }
  if (g_key_file_has_group (kf, "steps")) {
    g_auto (GStrv) keys = g_key_file_get_keys (kf, "steps", NULL, NULL);
    for (gsize i = 0; keys[i]; i++) {
      gboolean known = FALSE;
      for (gsize k = 0; k < G_N_ELEMENTS (step_keys); k++)
        known |= strcmp (keys[i], step_keys[k].key) == 0;
      if (!known) {
        g_set_error (error, RECIPE_ERROR, RECIPE_ERROR_UNKNOWN, "%s: [steps] unknown step '%s'",
                     origin, keys[i]);
        return FALSE;
      }
    }
  }
  if (g_key_file_has_group (kf, "limits")) {
    g_auto (GStrv) keys = g_key_file_get_keys (kf, "limits", NULL, NULL);
    for (gsize i = 0; keys[i]; i++) {
      gboolean known = FALSE;
      for (gsize k = 0; k < G_N_ELEMENTS (limit_keys); k++)
        known |= strcmp (keys[i], limit_keys[k].key) == 0;
      if (!known) {
        g_set_error (error, RECIPE_ERROR, RECIPE_ERROR_UNKNOWN, "%s: [limits] unknown key '%s'",
                     origin, keys[i]);
        return FALSE;
      }
    }
  }
  return TRUE;
}

static gboolean
read_uint (GKeyFile *kf, const char *origin, const char *group, const LimitKey *lk, guint *out,
           GError **error)
{
  g_autofree char *raw = g_key_file_get_value (kf, group, lk->key, NULL);
  guint64 v;

  if (raw == NULL) {
    *out = (guint)(lk->fallback * lk->scale);
    return TRUE;
  }
  g_strstrip (raw);
  if (!g_ascii_string_to_unsigned (raw, 10, lk->min, lk->max, &v, NULL)) {
    g_set_error (error, RECIPE_ERROR, RECIPE_ERROR_VALUE,
                 "%s: [%s] %s = '%s' must be a whole number from %" G_GUINT64_FORMAT
                 " to %" G_GUINT64_FORMAT,
                 origin, group, lk->key, raw, lk->min, lk->max);
    return FALSE;
  }
  *out = (guint)(v * lk->scale);
  return TRUE;
}

static gboolean
read_bool (GKeyFile *kf, const char *origin, const char *group, const char *key, gboolean fallback,
           gboolean *out, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!g_key_file_has_key (kf, group, key, NULL)) {
    *out = fallback;
    return TRUE;
  }
  *out = g_key_file_get_boolean (kf, group, key, &local);
  if (local != NULL) {
    g_set_error (error, RECIPE_ERROR, RECIPE_ERROR_VALUE, "%s: [%s] %s must be true or false",
                 origin, group, key);
    return FALSE;
  }
  return TRUE;
}

Recipe *
recipe_load_data (const char *data, gsize len, const char *origin, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (Recipe) r = g_new0 (Recipe, 1);
  g_autoptr (GError) local = NULL;
  guint64 version;
  g_autofree char *raw_version = NULL;

  if (!g_key_file_load_from_data (kf, data, len, G_KEY_FILE_KEEP_COMMENTS, &local)) {
    g_set_error (error, RECIPE_ERROR, RECIPE_ERROR_SYNTAX, "%s: %s", origin, local->message);
    return NULL;
  }
  if (!check_keys (kf, origin, error))
    return NULL;

  r->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)data, len);
  r->name = g_key_file_get_string (kf, "recipe", "name", NULL);
  if (r->name == NULL || *g_strstrip (r->name) == '\0') {
    g_set_error (error, RECIPE_ERROR, RECIPE_ERROR_VALUE, "%s: [recipe] name is missing", origin);
    return NULL;
  }
  raw_version = g_key_file_get_value (kf, "recipe", "version", NULL);
  if (raw_version == NULL
      || !g_ascii_string_to_unsigned (g_strstrip (raw_version), 10, 1, G_MAXUINT, &version, NULL)) {
    g_set_error (error, RECIPE_ERROR, RECIPE_ERROR_VALUE,
                 "%s: [recipe] version must be a whole number from 1", origin);
    return NULL;
  }
  r->version = (guint)version;

  for (gsize i = 0; i < G_N_ELEMENTS (step_keys); i++) {
    gboolean on;
    if (!read_bool (kf, origin, "steps", step_keys[i].key, TRUE, &on, error))
      return NULL;
    if (on)
      r->steps |= step_keys[i].bit;
  }
  for (gsize i = 0; i < G_N_ELEMENTS (limit_keys); i++)
    if (!read_uint (kf, origin, "limits", &limit_keys[i],
                    (guint *)((char *)r + limit_keys[i].offset), error))
      return NULL;

  r->tag_names = g_ptr_array_new_with_free_func (g_free);
  r->tag_templates = g_ptr_array_new_with_free_func (g_free);
  if (g_key_file_has_group (kf, "tags")) {
    g_auto (GStrv) keys = g_key_file_get_keys (kf, "tags", NULL, NULL);
    for (gsize i = 0; keys[i]; i++) {
      g_autofree char *tmpl = g_key_file_get_value (kf, "tags", keys[i], NULL);
      g_autofree char *checked = NULL;
      g_autofree char *where = g_strdup_printf ("%s: [tags] %s", origin, keys[i]);

      checked = expand (tmpl, NULL, where, error);
      if (checked == NULL)
        return NULL;
      g_ptr_array_add (r->tag_names, g_strdup (keys[i]));
      g_ptr_array_add (r->tag_templates, g_steal_pointer (&tmpl));
    }
  }
  if (!recipe_cloud_parse (kf, origin, r, error))
    return NULL;
  r->label_template = g_key_file_get_string (kf, "label", "template", NULL);
  if (r->label_template == NULL)
    r->label_template = g_strdup ("50x30");
  g_strstrip (r->label_template);
  return g_steal_pointer (&r);
}

Recipe *
recipe_load (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) local = NULL;

  if (!g_file_get_contents (path, &data, &len, &local)) {
    g_set_error (error, RECIPE_ERROR, RECIPE_ERROR_READ, "recipe %s: %s", path, local->message);
    return NULL;
  }
  return recipe_load_data (data, len, path, error);
}
