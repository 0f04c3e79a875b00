/* labels/label-template.c - loading and checking label templates. */
#define G_LOG_DOMAIN "labels"

#include "labels/label-template.h"

#include <math.h>
#include <string.h>

#define GROUP_LABEL "label"
/* Bounds of a sane label, in mm (a 4 x 6 inch shipping label is 102 x 152). */
#define LABEL_MIN_MM 5.0
#define LABEL_MAX_MM 300.0
#define ELEMENTS_MAX 64
#define EPS_MM       1e-6

static const char *const fields[] = {
  "device_id", "imsi", "iccid", "imei", "batch", "station", "date", NULL,
};

static const struct {
  const char *name;
  LabelElementType type;
} element_types[] = {
  { "datamatrix", LABEL_ELEMENT_DATAMATRIX },
  { "qr", LABEL_ELEMENT_QR },
  { "code128", LABEL_ELEMENT_CODE128 },
  { "text", LABEL_ELEMENT_TEXT },
  { "mark", LABEL_ELEMENT_MARK },
};

static const char *const label_keys[] = {
  "name", "description", "width_mm", "height_mm", "dpi", "margin_mm", "payload_keys", NULL,
};
static const char *const element_keys[] = {
  "type", "box_mm", "text", "data", "font", "bold", "align", "module_min_mm", "module_max_mm", NULL,
};

const char *const *
label_template_fields (void)
{
  return fields;
}

gboolean
label_template_dpi_valid (int dpi)
{
  return dpi == 203 || dpi == 300 || dpi == 600;
}

static void
element_free (gpointer data)
{
  LabelElement *e = data;

  g_free (e->name);
  g_free (e->text);
  g_free (e->font);
  g_free (e);
}

void
label_template_free (LabelTemplate *tmpl)
{
  if (tmpl == NULL)
    return;
  g_free (tmpl->name);
  g_free (tmpl->description);
  g_free (tmpl->path);
  g_strfreev (tmpl->payload_keys);
  g_ptr_array_unref (tmpl->elements);
  g_free (tmpl);
}

static gboolean fail (GError **error, int code, const char *origin, const char *fmt, ...)
    G_GNUC_PRINTF (4, 5);

static gboolean
fail (GError **error, int code, const char *origin, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, LABEL_ERROR, code, "%s: %s", origin, msg);
  return FALSE;
}

static gboolean
check_keys (GKeyFile *kf, const char *group, const char *const *known, const char *origin,
            GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);

  for (gsize i = 0; keys != NULL && keys[i] != NULL; i++)
    if (!g_strv_contains (known, keys[i]))
      return fail (error, LABEL_ERROR_TEMPLATE, origin, "[%s]: unknown key '%s'", group, keys[i]);
  return TRUE;
}

static gboolean
get_mm (GKeyFile *kf, const char *group, const char *key, gboolean required, double fallback,
        double *out, const char *origin, GError **error)
{
  g_autoptr (GError) local = NULL;
  double v;

  if (!g_key_file_has_key (kf, group, key, NULL)) {
    if (required)
      return fail (error, LABEL_ERROR_TEMPLATE, origin, "[%s]: %s is missing", group, key);
    *out = fallback;
    return TRUE;
  }
  v = g_key_file_get_double (kf, group, key, &local);
  if (local != NULL || !isfinite (v) || v < 0)
    return fail (error, LABEL_ERROR_TEMPLATE, origin, "[%s]: %s must be a number >= 0", group, key);
  *out = v;
  return TRUE;
}

/* check_fields: every ${name} in @text is a known field. */
static gboolean
check_fields (const char *text, const char *element, const char *origin, GError **error)
{
  const char *p = text;

  for (int guard = 0; guard < 256 && (p = strstr (p, "${")) != NULL; guard++) {
    const char *end = strchr (p, '}');
    g_autofree char *name = NULL;

    if (end == NULL)
      return fail (error, LABEL_ERROR_FIELD, origin, "element '%s': unterminated ${ in \"%s\"",
                   element, text);
    name = g_strndup (p + 2, end - p - 2);
    if (!g_strv_contains (fields, name)) {
      g_autofree char *known = g_strjoinv (", ", (char **)fields);
      return fail (error, LABEL_ERROR_FIELD, origin,
                   "element '%s': unknown field ${%s} (known: %s)", element, name, known);
    }
    p = end + 1;
  }
  return TRUE;
}

static gboolean
is_symbol (LabelElementType t)
{
  return t == LABEL_ELEMENT_DATAMATRIX || t == LABEL_ELEMENT_QR || t == LABEL_ELEMENT_CODE128;
}

static LabelElement *
load_element (GKeyFile *kf, const char *group, const LabelTemplate *t, const char *origin,
              GError **error)
{
  g_autofree char *type = NULL;
  g_autofree double *box = NULL;
  g_autofree char *align = NULL;
  gsize n = 0;
  LabelElement *e = g_new0 (LabelElement, 1);
  gboolean found = FALSE;
  double min_def, max_def;

  e->name = g_strdup (group);
  if (!check_keys (kf, group, element_keys, origin, error))
    goto fail;
  type = g_key_file_get_string (kf, group, "type", NULL);
  for (gsize i = 0; type != NULL && i < G_N_ELEMENTS (element_types); i++) {
    if (strcmp (type, element_types[i].name) == 0) {
      e->type = element_types[i].type;
      found = TRUE;
    }
  }
  if (!found) {
    fail (error, LABEL_ERROR_TEMPLATE, origin,
          "element '%s': type must be datamatrix, qr, code128, text or mark", group);
    goto fail;
  }

  box = g_key_file_get_double_list (kf, group, "box_mm", &n, NULL);
  if (box == NULL || n != 4 || box[0] < 0 || box[1] < 0 || box[2] <= 0 || box[3] <= 0) {
    fail (error, LABEL_ERROR_TEMPLATE, origin,
          "element '%s': box_mm must be x,y,width,height in mm (width and height > 0)", group);
    goto fail;
  }
  e->x_mm = box[0];
  e->y_mm = box[1];
  e->width_mm = box[2];
  e->height_mm = box[3];
  if (e->x_mm < t->margin_mm - EPS_MM || e->y_mm < t->margin_mm - EPS_MM
      || e->x_mm + e->width_mm > t->width_mm - t->margin_mm + EPS_MM
      || e->y_mm + e->height_mm > t->height_mm - t->margin_mm + EPS_MM) {
    fail (error, LABEL_ERROR_FIT, origin,
          "element '%s': box %.1f,%.1f %.1fx%.1f mm does not fit the printable area of the "
          "%.1fx%.1f mm label with %.1f mm margins",
          group, e->x_mm, e->y_mm, e->width_mm, e->height_mm, t->width_mm, t->height_mm,
          t->margin_mm);
    goto fail;
  }

  e->text
      = g_key_file_get_string (kf, group, e->type == LABEL_ELEMENT_CODE128 ? "data" : "text", NULL);
  if (e->type == LABEL_ELEMENT_CODE128 && e->text == NULL)
    e->text = g_strdup ("${device_id}");
  if ((e->type == LABEL_ELEMENT_TEXT || e->type == LABEL_ELEMENT_MARK) && e->text == NULL) {
    fail (error, LABEL_ERROR_TEMPLATE, origin, "element '%s': text is missing", group);
    goto fail;
  }
  if (e->text != NULL && !check_fields (e->text, group, origin, error))
    goto fail;

  e->font = g_key_file_get_string (kf, group, "font", NULL);
  if (e->font == NULL)
    e->font = g_strdup ("Noto Sans CJK JP");
  e->bold = g_key_file_get_boolean (kf, group, "bold", NULL);
  align = g_key_file_get_string (kf, group, "align", NULL);
  if (align == NULL || strcmp (align, "left") == 0)
    e->align = LABEL_ALIGN_LEFT;
  else if (strcmp (align, "center") == 0)
    e->align = LABEL_ALIGN_CENTER;
  else if (strcmp (align, "right") == 0)
    e->align = LABEL_ALIGN_RIGHT;
  else {
    fail (error, LABEL_ERROR_TEMPLATE, origin, "element '%s': align must be left, center or right",
          group);
    goto fail;
  }

  /* Data Matrix and QR: 0.25 mm is the smallest module that thermal
   * printers and handheld imagers handle reliably; Code 128: 0.16 mm, so
   * that bars are at least 2 dots wide at 203 and 300 dpi (1-dot bars of
   * a thermal head print unevenly). */
  min_def = e->type == LABEL_ELEMENT_CODE128 ? 0.16 : 0.25;
  max_def = e->type == LABEL_ELEMENT_CODE128 ? 0.5 : 1.0;
  if (!get_mm (kf, group, "module_min_mm", FALSE, min_def, &e->module_min_mm, origin, error)
      || !get_mm (kf, group, "module_max_mm", FALSE, max_def, &e->module_max_mm, origin, error))
    goto fail;
  if (is_symbol (e->type) && (e->module_min_mm <= 0 || e->module_max_mm < e->module_min_mm)) {
    fail (error, LABEL_ERROR_TEMPLATE, origin,
          "element '%s': need 0 < module_min_mm <= module_max_mm", group);
    goto fail;
  }
  return e;

fail:
  element_free (e);
  return NULL;
}

static gboolean
overlap (const LabelElement *a, const LabelElement *b)
{
  return a->x_mm < b->x_mm + b->width_mm - EPS_MM && b->x_mm < a->x_mm + a->width_mm - EPS_MM
         && a->y_mm < b->y_mm + b->height_mm - EPS_MM && b->y_mm < a->y_mm + a->height_mm - EPS_MM;
}

static gboolean
check_payload_keys (char **keys, const char *origin, GError **error)
{
  for (gsize i = 0; keys != NULL && keys[i] != NULL; i++) {
    g_autofree char *field = g_ascii_strdown (keys[i], -1);
    if (g_ascii_strcasecmp (keys[i], "DEV") == 0 || strcmp (field, "device_id") == 0
        || strcmp (field, "imsi") == 0 || strcmp (field, "iccid") == 0
        || !g_strv_contains (fields, field))
      return fail (error, LABEL_ERROR_FIELD, origin,
                   "[label]: payload_keys: '%s' is not one of IMEI, BATCH, STATION, DATE", keys[i]);
    g_free (keys[i]);
    keys[i] = g_ascii_strup (field, -1);
  }
  return TRUE;
}

static LabelTemplate *
load_keyfile (GKeyFile *kf, const char *origin, GError **error)
{
  g_autoptr (LabelTemplate) t = g_new0 (LabelTemplate, 1);
  g_auto (GStrv) groups = NULL;
  g_autoptr (GError) local = NULL;
  gboolean has_2d = FALSE;

  t->elements = g_ptr_array_new_with_free_func (element_free);
  if (!g_key_file_has_group (kf, GROUP_LABEL)) {
    fail (error, LABEL_ERROR_TEMPLATE, origin, "no [label] group");
    return NULL;
  }
  if (!check_keys (kf, GROUP_LABEL, label_keys, origin, error))
    return NULL;
  t->name = g_key_file_get_string (kf, GROUP_LABEL, "name", NULL);
  t->description = g_key_file_get_string (kf, GROUP_LABEL, "description", NULL);
  if (!get_mm (kf, GROUP_LABEL, "width_mm", TRUE, 0, &t->width_mm, origin, error)
      || !get_mm (kf, GROUP_LABEL, "height_mm", TRUE, 0, &t->height_mm, origin, error)
      || !get_mm (kf, GROUP_LABEL, "margin_mm", FALSE, 1.5, &t->margin_mm, origin, error))
    return NULL;
  if (t->width_mm < LABEL_MIN_MM || t->width_mm > LABEL_MAX_MM || t->height_mm < LABEL_MIN_MM
      || t->height_mm > LABEL_MAX_MM) {
    fail (error, LABEL_ERROR_TEMPLATE, origin, "[label]: width and height must be %.0f-%.0f mm",
          LABEL_MIN_MM, LABEL_MAX_MM);
    return NULL;
  }
  if (2 * t->margin_mm >= MIN (t->width_mm, t->height_mm)) {
    fail (error, LABEL_ERROR_FIT, origin, "[label]: margins leave no printable area");
    return NULL;
  }
  t->dpi = g_key_file_get_integer (kf, GROUP_LABEL, "dpi", &local);
  if (local != NULL || !label_template_dpi_valid (t->dpi)) {
    fail (error, LABEL_ERROR_TEMPLATE, origin, "[label]: dpi must be 203, 300 or 600");
    return NULL;
  }
  t->payload_keys = g_key_file_get_string_list (kf, GROUP_LABEL, "payload_keys", NULL, NULL);
  if (!check_payload_keys (t->payload_keys, origin, error))
    return NULL;

  groups = g_key_file_get_groups (kf, NULL);
  for (gsize i = 0; groups[i] != NULL; i++) {
    LabelElement *e;

    if (strcmp (groups[i], GROUP_LABEL) == 0)
      continue;
    if (t->elements->len >= ELEMENTS_MAX) {
      fail (error, LABEL_ERROR_TEMPLATE, origin, "more than %d elements", ELEMENTS_MAX);
      return NULL;
    }
    e = load_element (kf, groups[i], t, origin, error);
    if (e == NULL)
      return NULL;
    for (guint k = 0; k < t->elements->len; k++) {
      const LabelElement *o = t->elements->pdata[k];
      if (overlap (e, o)) {
        fail (error, LABEL_ERROR_FIT, origin, "elements '%s' and '%s' overlap", o->name, e->name);
        element_free (e);
        return NULL;
      }
    }
    has_2d = has_2d || e->type == LABEL_ELEMENT_DATAMATRIX || e->type == LABEL_ELEMENT_QR;
    g_ptr_array_add (t->elements, e);
  }
  if (!has_2d) {
    fail (error, LABEL_ERROR_TEMPLATE, origin,
          "no datamatrix or qr element: every label carries its payload in a 2D symbol");
    return NULL;
  }
  return g_steal_pointer (&t);
}

LabelTemplate *
label_template_load_data (const char *data, const char *origin, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;
  LabelTemplate *t;

  g_key_file_set_list_separator (kf, ',');
  if (!g_key_file_load_from_data (kf, data, -1, G_KEY_FILE_NONE, &local)) {
    fail (error, LABEL_ERROR_TEMPLATE, origin, "%s", local->message);
    return NULL;
  }
  t = load_keyfile (kf, origin, error);
  if (t != NULL && t->name == NULL) {
    g_autofree char *base = g_path_get_basename (origin);
    if (g_str_has_suffix (base, LABEL_TEMPLATE_SUFFIX))
      base[strlen (base) - strlen (LABEL_TEMPLATE_SUFFIX)] = '\0';
    t->name = g_steal_pointer (&base);
  }
  return t;
}

LabelTemplate *
label_template_load (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) local = NULL;
  LabelTemplate *t;

  if (!g_file_get_contents (path, &data, NULL, &local)) {
    g_set_error (error, LABEL_ERROR, LABEL_ERROR_NOT_FOUND, "template %s: %s", path,
                 local->message);
    return NULL;
  }
  t = label_template_load_data (data, path, error);
  if (t != NULL)
    t->path = g_strdup (path);
  return t;
}

char **
label_template_search_path (const char *extra_dir)
{
  GPtrArray *dirs = g_ptr_array_new ();
  const char *env = g_getenv (LABEL_TEMPLATES_ENV);

  if (extra_dir != NULL && *extra_dir != '\0')
    g_ptr_array_add (dirs, g_strdup (extra_dir));
  if (env != NULL) {
    g_auto (GStrv) parts = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, 0);
    for (gsize i = 0; parts[i] != NULL; i++)
      if (*parts[i] != '\0')
        g_ptr_array_add (dirs, g_strdup (parts[i]));
  }
  g_ptr_array_add (dirs, g_strdup (LABELS_TEMPLATES_INSTALL_DIR));
  g_ptr_array_add (dirs, g_strdup (LABELS_TEMPLATES_SOURCE_DIR));
  g_ptr_array_add (dirs, NULL);
  return (char **)g_ptr_array_free (dirs, FALSE);
}

LabelTemplate *
label_template_find (const char *name_or_path, const char *extra_dir, GError **error)
{
  const char *name = name_or_path != NULL ? name_or_path : LABEL_TEMPLATE_DEFAULT;
  g_auto (GStrv) dirs = NULL;
  g_autofree char *file = NULL;
  g_autofree char *searched = NULL;

  if (strchr (name, G_DIR_SEPARATOR) != NULL || g_str_has_suffix (name, LABEL_TEMPLATE_SUFFIX))
    return label_template_load (name, error);

  dirs = label_template_search_path (extra_dir);
  file = g_strconcat (name, LABEL_TEMPLATE_SUFFIX, NULL);
  for (gsize i = 0; dirs[i] != NULL; i++) {
    g_autofree char *path = g_build_filename (dirs[i], file, NULL);
    if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
      return label_template_load (path, error);
  }
  searched = g_strjoinv (", ", dirs);
  g_set_error (error, LABEL_ERROR, LABEL_ERROR_NOT_FOUND,
               "template '%s': no %s in %s (set %s or [labels] templates_dir)", name, file,
               searched, LABEL_TEMPLATES_ENV);
  return NULL;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *)a, *(char *const *)b);
}

char **
label_template_list (const char *extra_dir)
{
  g_auto (GStrv) dirs = label_template_search_path (extra_dir);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (gsize i = 0; dirs[i] != NULL; i++) {
    g_autoptr (GDir) dir = g_dir_open (dirs[i], 0, NULL);
    const char *entry;

    while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL) {
      g_autofree char *n = NULL;
      gboolean seen = FALSE;

      if (!g_str_has_suffix (entry, LABEL_TEMPLATE_SUFFIX))
        continue;
      n = g_strndup (entry, strlen (entry) - strlen (LABEL_TEMPLATE_SUFFIX));
      for (guint k = 0; k < names->len; k++)
        seen = seen || strcmp (names->pdata[k], n) == 0;
      if (!seen)
        g_ptr_array_add (names, g_steal_pointer (&n));
    }
  }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&names), FALSE);
}
