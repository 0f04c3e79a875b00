/* labels/label-template.c - loading and checking label templates. */
#define G_LOG_DOMAIN "labels"

#include "labels/label-template.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#define GROUP_LABEL "label"
/* Bounds of a sane label, in mm (a 4 x 6 inch shipping label is 102 x 152). */
#define LABEL_MIN_MM 5.0
#define LABEL_MAX_MM 300.0
#define ELEMENTS_MAX 64
#define EPS_MM       1e-6
/* A template is a few KiB; anything much larger is not one. */
#define TEMPLATE_MAX_BYTES (256 * 1024)

/* Where a template comes from: its name in messages and its text (to name
 * the line of a bad key). */
typedef struct {
  const char *name;
  const char *data;
} Origin;

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

/* line_of: the 1-based line of "[group]" (@key NULL) or of "key=" inside
 * [group] in @data; 0 when not found. */
static guint
line_of (const char *data, const char *group, const char *key)
{
  g_autofree char *header = g_strdup_printf ("[%s]", group);
  gboolean in_group = FALSE;
  guint line = 0;

  for (const char *p = data; p != NULL && *p != '\0';) {
    const char *end = strchr (p, '\n');
    gsize len = end ? (gsize)(end - p) : strlen (p);
    g_autofree char *text = g_strstrip (g_strndup (p, len));

    line++;
    if (text[0] == '[') {
      in_group = strcmp (text, header) == 0;
      if (in_group && key == NULL)
        return line;
    } else if (in_group && key != NULL && g_str_has_prefix (text, key)) {
      const char *rest = text + strlen (key);

      while (*rest == ' ' || *rest == '\t')
        rest++;
      if (*rest == '=')
        return line;
    }
    p = end ? end + 1 : NULL;
  }
  return 0;
}

static gboolean fail_at (GError **error, int code, const Origin *origin, const char *group,
                         const char *key, const char *fmt, ...) G_GNUC_PRINTF (6, 7);

/* fail_at: sets @error to "<origin>:<line>: <message>", the line being that
 * of @key in [@group] (or of [@group] when @key is NULL; none when neither
 * is found or @group is NULL). */
static gboolean
fail_at (GError **error, int code, const Origin *origin, const char *group, const char *key,
         const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  guint line = group ? line_of (origin->data, group, key) : 0;

  if (line == 0 && group != NULL && key != NULL)
    line = line_of (origin->data, group, NULL);
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (line > 0)
    g_set_error (error, LABEL_ERROR, code, "%s:%u: %s", origin->name, line, msg);
  else
    g_set_error (error, LABEL_ERROR, code, "%s: %s", origin->name, msg);
  return FALSE;
}

/* syntax_error_line: the first line of @data that is neither blank, a
 * comment, a [group] nor key=value, or any line before the first group;
 * 0 when there is none.  Bounded by the data's length. */
static guint
syntax_error_line (const char *data)
{
  guint line = 0;
  gboolean grouped = FALSE;

  for (const char *p = data; p != NULL && *p != '\0';) {
    const char *end = strchr (p, '\n');
    gsize len = end ? (gsize)(end - p) : strlen (p);
    g_autofree char *text = g_strstrip (g_strndup (p, len));

    line++;
    if (!g_utf8_validate (text, -1, NULL))
      return line;
    if (text[0] == '[') {
      if (text[strlen (text) - 1] != ']')
        return line;
      grouped = TRUE;
    } else if (text[0] != '\0' && text[0] != '#') {
      const char *eq = strchr (text, '=');

      if (!grouped || eq == NULL || eq == text)
        return line;
    }
    p = end ? end + 1 : NULL;
  }
  return 0;
}

#define fail(error, code, origin, ...) fail_at (error, code, origin, NULL, NULL, __VA_ARGS__)

static gboolean
check_keys (GKeyFile *kf, const char *group, const char *const *known, const Origin *origin,
            GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);

  for (gsize i = 0; keys != NULL && keys[i] != NULL; i++)
    if (!g_strv_contains (known, keys[i]))
      return fail_at (error, LABEL_ERROR_TEMPLATE, origin, group, keys[i], "[%s]: unknown key '%s'",
                      group, keys[i]);
  return TRUE;
}

static gboolean
get_mm (GKeyFile *kf, const char *group, const char *key, gboolean required, double fallback,
        double *out, const Origin *origin, GError **error)
{
  g_autoptr (GError) local = NULL;
  double v;

  if (!g_key_file_has_key (kf, group, key, NULL)) {
    if (required)
      return fail_at (error, LABEL_ERROR_TEMPLATE, origin, group, NULL, "[%s]: %s is missing",
                      group, key);
    *out = fallback;
    return TRUE;
  }
  v = g_key_file_get_double (kf, group, key, &local);
  if (local != NULL || !isfinite (v) || v < 0 || v > LABEL_MAX_MM)
    return fail_at (error, LABEL_ERROR_TEMPLATE, origin, group, key,
                    "[%s]: %s must be a number from 0 to %.0f (mm)", group, key, LABEL_MAX_MM);
  *out = v;
  return TRUE;
}

/* check_fields: every ${name} in @text is a known field. */
static gboolean
check_fields (const char *text, const char *element, const Origin *origin, GError **error)
{
  const char *p = text;

  for (int guard = 0; guard < 256 && (p = strstr (p, "${")) != NULL; guard++) {
    const char *end = strchr (p, '}');
    g_autofree char *name = NULL;

    if (end == NULL)
      return fail_at (error, LABEL_ERROR_FIELD, origin, element, NULL,
                      "element '%s': unterminated ${ in \"%s\"", element, text);
    name = g_strndup (p + 2, end - p - 2);
    if (!g_strv_contains (fields, name)) {
      g_autofree char *known = g_strjoinv (", ", (char **)fields);
      return fail_at (error, LABEL_ERROR_FIELD, origin, element, NULL,
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
load_element (GKeyFile *kf, const char *group, const LabelTemplate *t, const Origin *origin,
              GError **error)
{
  g_autofree char *type = NULL;
  g_autofree double *box = NULL;
  g_autofree char *align = NULL;
  gsize n = 0;
  LabelElement *e = g_new0 (LabelElement, 1);
  gboolean found = FALSE, finite = TRUE;
  g_autoptr (GError) local = NULL;
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
    fail_at (error, LABEL_ERROR_TEMPLATE, origin, group, "type",
             "element '%s': type must be datamatrix, qr, code128, text or mark", group);
    goto fail;
  }

  box = g_key_file_get_double_list (kf, group, "box_mm", &n, NULL);
  for (gsize i = 0; box != NULL && i < n; i++)
    finite = finite && isfinite (box[i]) && box[i] <= LABEL_MAX_MM;
  if (box == NULL || n != 4 || !finite || box[0] < 0 || box[1] < 0 || box[2] <= 0 || box[3] <= 0) {
    fail_at (error, LABEL_ERROR_TEMPLATE, origin, group, "box_mm",
             "element '%s': box_mm must be x,y,width,height: 4 numbers of mm, each at most %.0f "
             "(width and height > 0; no nan or inf)",
             group, LABEL_MAX_MM);
    goto fail;
  }
  e->x_mm = box[0];
  e->y_mm = box[1];
  e->width_mm = box[2];
  e->height_mm = box[3];
  if (e->x_mm < t->margin_mm - EPS_MM || e->y_mm < t->margin_mm - EPS_MM
      || e->x_mm + e->width_mm > t->width_mm - t->margin_mm + EPS_MM
      || e->y_mm + e->height_mm > t->height_mm - t->margin_mm + EPS_MM) {
    fail_at (error, LABEL_ERROR_FIT, origin, group, "box_mm",
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
    fail_at (error, LABEL_ERROR_TEMPLATE, origin, group, NULL, "element '%s': text is missing",
             group);
    goto fail;
  }
  if (e->text != NULL && !check_fields (e->text, group, origin, error))
    goto fail;

  e->font = g_key_file_get_string (kf, group, "font", NULL);
  if (e->font == NULL)
    e->font = g_strdup ("Noto Sans CJK JP");
  if (g_key_file_has_key (kf, group, "bold", NULL)) {
    e->bold = g_key_file_get_boolean (kf, group, "bold", &local);
    if (local != NULL) {
      fail_at (error, LABEL_ERROR_TEMPLATE, origin, group, "bold",
               "element '%s': bold must be true or false", group);
      goto fail;
    }
  }
  align = g_key_file_get_string (kf, group, "align", NULL);
  if (align == NULL || strcmp (align, "left") == 0)
    e->align = LABEL_ALIGN_LEFT;
  else if (strcmp (align, "center") == 0)
    e->align = LABEL_ALIGN_CENTER;
  else if (strcmp (align, "right") == 0)
    e->align = LABEL_ALIGN_RIGHT;
  else {
    fail_at (error, LABEL_ERROR_TEMPLATE, origin, group, "align",
             "element '%s': align must be left, center or right", group);
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
    fail_at (error, LABEL_ERROR_TEMPLATE, origin, group, "module_min_mm",
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
check_payload_keys (char **keys, const Origin *origin, GError **error)
{
  for (gsize i = 0; keys != NULL && keys[i] != NULL; i++) {
    g_autofree char *field = g_ascii_strdown (keys[i], -1);
    if (g_ascii_strcasecmp (keys[i], "DEV") == 0 || strcmp (field, "device_id") == 0
        || strcmp (field, "imsi") == 0 || strcmp (field, "iccid") == 0
        || !g_strv_contains (fields, field))
      return fail_at (error, LABEL_ERROR_FIELD, origin, GROUP_LABEL, "payload_keys",
                      "[label]: payload_keys: '%s' is not one of IMEI, BATCH, STATION, DATE",
                      keys[i]);
    g_free (keys[i]);
    keys[i] = g_ascii_strup (field, -1);
  }
  return TRUE;
}

static LabelTemplate *
load_keyfile (GKeyFile *kf, const Origin *origin, GError **error)
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
    fail_at (error, LABEL_ERROR_TEMPLATE, origin, GROUP_LABEL, NULL,
             "[label]: width and height must be %.0f-%.0f mm", LABEL_MIN_MM, LABEL_MAX_MM);
    return NULL;
  }
  if (2 * t->margin_mm >= MIN (t->width_mm, t->height_mm)) {
    fail_at (error, LABEL_ERROR_FIT, origin, GROUP_LABEL, "margin_mm",
             "[label]: margins leave no printable area");
    return NULL;
  }
  t->dpi = g_key_file_get_integer (kf, GROUP_LABEL, "dpi", &local);
  if (local != NULL || !label_template_dpi_valid (t->dpi)) {
    fail_at (error, LABEL_ERROR_TEMPLATE, origin, GROUP_LABEL, "dpi",
             "[label]: dpi must be 203, 300 or 600");
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
        fail_at (error, LABEL_ERROR_FIT, origin, e->name, "box_mm",
                 "elements '%s' and '%s' overlap", o->name, e->name);
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
label_template_load_data (const char *data, const char *origin_name, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;
  const Origin origin_s = { origin_name, data }, *origin = &origin_s;
  LabelTemplate *t;

  g_key_file_set_list_separator (kf, ',');
  if (!g_utf8_validate (data, -1, NULL)
      || !g_key_file_load_from_data (kf, data, -1, G_KEY_FILE_NONE, &local)) {
    /* the parser's message quotes the offending line: never echo the
     * content of a file that may not be a template at all */
    guint line = syntax_error_line (data);

    if (line > 0)
      g_set_error (error, LABEL_ERROR, LABEL_ERROR_TEMPLATE,
                   "%s:%u: is not a [group], a key = value or a # comment: not a label template",
                   origin->name, line);
    else
      fail (error, LABEL_ERROR_TEMPLATE, origin,
            "not a label template (INI syntax: [label], [element] groups of key = value lines)");
    return NULL;
  }
  t = load_keyfile (kf, origin, error);
  if (t != NULL && t->name == NULL) {
    g_autofree char *base = g_path_get_basename (origin_name);
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
  GStatBuf st;
  LabelTemplate *t;

  /* only a regular file of a sane size is read: a FIFO or device would
   * block or never end */
  if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode)) {
    g_set_error (error, LABEL_ERROR, LABEL_ERROR_NOT_FOUND,
                 "template %s: not a regular file; give a .label file", path);
    return NULL;
  }
  if (g_stat (path, &st) == 0 && st.st_size > TEMPLATE_MAX_BYTES) {
    g_set_error (error, LABEL_ERROR, LABEL_ERROR_TEMPLATE,
                 "template %s: larger than %d KiB: not a label template", path,
                 TEMPLATE_MAX_BYTES / 1024);
    return NULL;
  }
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
