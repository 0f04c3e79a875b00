/* labels/label-layout.c - resolving a template for one unit. */
#define G_LOG_DOMAIN "labels"

#include "labels/label-layout.h"

#include <math.h>
#include <string.h>

#include "labels/label-text.h"

/* Text lines: em size and baseline as fractions of the box height, chosen
 * so capitals, descenders and CJK ideographs of Noto Sans CJK stay inside
 * the box; a line too wide for its box shrinks to no less than TEXT_SHRINK_MIN. */
#define TEXT_EM         0.85
#define TEXT_BASELINE   0.78
#define MARK_EM         0.62
#define TEXT_SHRINK_MIN 0.4
/* ZPL ^BQ magnifies QR modules at most 10 times. */
#define QR_MODULE_MAX_DOTS 10

static double
dots_per_mm (int dpi)
{
  return dpi / 25.4;
}

static int
mm_to_dots (double mm, int dpi)
{
  return (int)lround (mm * dots_per_mm (dpi));
}

static double
dots_to_mm (double dots, int dpi)
{
  return dots / dots_per_mm (dpi);
}

static void
item_free (gpointer data)
{
  LabelItem *it = data;

  g_free (it->name);
  g_free (it->text);
  g_free (it->font);
  g_clear_pointer (&it->symbol, label_symbol_free);
  g_free (it);
}

void
label_layout_free (LabelLayout *layout)
{
  if (layout == NULL)
    return;
  g_free (layout->payload);
  g_clear_pointer (&layout->items, g_ptr_array_unref);
  g_free (layout);
}

const LabelItem *
label_layout_find (const LabelLayout *layout, LabelElementType type)
{
  for (guint i = 0; i < layout->items->len; i++) {
    const LabelItem *it = layout->items->pdata[i];
    if (it->type == type)
      return it;
  }
  return NULL;
}

/* Value of ${name} for @data, or NULL when unknown.  @today is used for an
 * unset date. */
static const char *
field_value (const LabelData *data, const char *name, const char *device_id, const char *today)
{
  if (strcmp (name, "device_id") == 0)
    return device_id;
  if (strcmp (name, "imsi") == 0)
    return data->imsi;
  if (strcmp (name, "iccid") == 0)
    return data->iccid;
  if (strcmp (name, "imei") == 0)
    return data->imei;
  if (strcmp (name, "batch") == 0)
    return data->batch;
  if (strcmp (name, "station") == 0)
    return data->station;
  if (strcmp (name, "date") == 0)
    return data->date != NULL ? data->date : today;
  return NULL;
}

static char *
today_string (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

/* substitute: @text with every ${field} replaced.  NULL with *missing set
 * to the first field that has no value (not an error: the caller decides),
 * or NULL with @error for a value that is not UTF-8. */
static char *
substitute (const char *text, const LabelData *data, const char *device_id, const char *today,
            const char *element, char **missing, GError **error)
{
  GString *out = g_string_new (NULL);
  const char *p = text;

  *missing = NULL;
  for (int guard = 0; guard < 256; guard++) {
    const char *start = strstr (p, "${");
    const char *end;
    g_autofree char *name = NULL;
    const char *value;

    if (start == NULL)
      break;
    end = strchr (start, '}');
    g_assert (end != NULL); /* checked when the template was loaded */
    g_string_append_len (out, p, start - p);
    name = g_strndup (start + 2, end - start - 2);
    value = field_value (data, name, device_id, today);
    if (value == NULL || *value == '\0') {
      *missing = g_steal_pointer (&name);
      g_string_free (out, TRUE);
      return NULL;
    }
    if (!g_utf8_validate (value, -1, NULL)) {
      g_set_error (error, LABEL_ERROR, LABEL_ERROR_FIELD, "element '%s': ${%s} is not UTF-8 text",
                   element, name);
      g_string_free (out, TRUE);
      return NULL;
    }
    g_string_append (out, value);
    p = end + 1;
  }
  g_string_append (out, p);
  return g_string_free (out, FALSE);
}

char *
label_payload_for (const LabelTemplate *tmpl, const LabelData *data, GError **error)
{
  g_autoptr (LabelPayload) p = label_payload_new ();
  g_autofree char *today = today_string ();

  p->device_id = g_strdup (data->device_id);
  p->imsi = g_strdup (data->imsi);
  p->iccid = data->iccid != NULL && *data->iccid != '\0' ? g_strdup (data->iccid) : NULL;
  for (gsize i = 0; tmpl->payload_keys != NULL && tmpl->payload_keys[i] != NULL; i++) {
    g_autofree char *field = g_ascii_strdown (tmpl->payload_keys[i], -1);
    const char *value = field_value (data, field, data->device_id, today);

    if (value != NULL && *value != '\0'
        && !label_payload_add (p, tmpl->payload_keys[i], value, error))
      return NULL;
  }
  return label_payload_format (p, error);
}

static LabelSymbology
symbology_of (LabelElementType type)
{
  switch (type) {
  case LABEL_ELEMENT_DATAMATRIX:
    return LABEL_SYMBOLOGY_DATAMATRIX;
  case LABEL_ELEMENT_QR:
    return LABEL_SYMBOLOGY_QR;
  case LABEL_ELEMENT_CODE128:
  default:
    return LABEL_SYMBOLOGY_CODE128;
  }
}

static gboolean
place_symbol (LabelItem *it, const LabelElement *e, int dpi, GError **error)
{
  LabelSymbology sym = symbology_of (e->type);
  g_autoptr (GError) local = NULL;
  int min_dots, max_dots, across, down, fit;
  gboolean linear = sym == LABEL_SYMBOLOGY_CODE128;

  it->symbol = label_symbol_encode (sym, it->text, &local);
  if (it->symbol == NULL) {
    g_set_error (error, LABEL_ERROR, LABEL_ERROR_SYMBOL, "element '%s': %s", e->name,
                 local->message);
    return FALSE;
  }
  min_dots = MAX (1, (int)ceil (e->module_min_mm * dots_per_mm (dpi) - 1e-6));
  max_dots = MAX (min_dots, (int)floor (e->module_max_mm * dots_per_mm (dpi) + 1e-6));
  if (sym == LABEL_SYMBOLOGY_QR)
    max_dots = MIN (max_dots, QR_MODULE_MAX_DOTS);
  across = it->symbol->columns + 2 * it->symbol->quiet;
  down = linear ? 0 : it->symbol->rows + 2 * it->symbol->quiet;
  fit = it->width / across;
  if (!linear)
    fit = MIN (fit, it->height / down);
  if (fit < min_dots) {
    if (linear)
      g_set_error (error, LABEL_ERROR, LABEL_ERROR_FIT,
                   "element '%s': the Code 128 of \"%s\" is %d modules wide with its quiet "
                   "zones; at the smallest bar of %.2f mm (%d dots at %d dpi) it needs %.1f mm, "
                   "the box is %.1f mm wide (shorten the data or widen the box)",
                   e->name, it->text, across, e->module_min_mm, min_dots, dpi,
                   dots_to_mm (across * min_dots, dpi), e->width_mm);
    else
      g_set_error (error, LABEL_ERROR, LABEL_ERROR_FIT,
                   "element '%s': the %s of this payload is %dx%d modules plus quiet zones; at "
                   "the smallest module of %.2f mm (%d dots at %d dpi) it needs %.1f x %.1f mm, "
                   "the box is %.1f x %.1f mm",
                   e->name, label_symbology_name (sym), it->symbol->columns, it->symbol->rows,
                   e->module_min_mm, min_dots, dpi, dots_to_mm (across * min_dots, dpi),
                   dots_to_mm (down * min_dots, dpi), e->width_mm, e->height_mm);
    return FALSE;
  }
  it->module = MIN (fit, max_dots);
  it->sx = it->x + (it->width - it->symbol->columns * it->module) / 2;
  if (linear) {
    it->bar_height = it->height;
    it->sy = it->y;
  } else {
    it->sy = it->y + (it->height - it->symbol->rows * it->module) / 2;
  }
  return TRUE;
}

static gboolean
place_text (LabelItem *it, const LabelElement *e, int dpi, GError **error)
{
  gboolean mark = e->type == LABEL_ELEMENT_MARK;
  double em = (mark ? MARK_EM : TEXT_EM) * it->height;
  double avail = mark ? it->width - 0.5 * it->height * MARK_EM : it->width;
  double w = label_text_width (it->text, it->font, it->bold, em);

  if (w > avail) {
    double shrunk = em * avail / w * 0.999;
    if (shrunk < TEXT_SHRINK_MIN * em) {
      g_set_error (error, LABEL_ERROR, LABEL_ERROR_FIT,
                   "element '%s': \"%s\" needs %.1f mm, the box is %.1f mm wide even with the "
                   "text at %.0f%% size (widen the box or shorten the text)",
                   e->name, it->text, dots_to_mm (w * TEXT_SHRINK_MIN, dpi), e->width_mm,
                   TEXT_SHRINK_MIN * 100);
      return FALSE;
    }
    em = shrunk;
    w = label_text_width (it->text, it->font, it->bold, em);
  }
  it->font_px = em;
  it->text_width = w;
  it->baseline = mark ? it->height / 2.0 + 0.36 * em : TEXT_BASELINE * it->height;
  if (mark || e->align == LABEL_ALIGN_CENTER)
    it->text_x = it->x + (int)lround ((it->width - w) / 2);
  else if (e->align == LABEL_ALIGN_RIGHT)
    it->text_x = it->x + (int)lround (it->width - w);
  else
    it->text_x = it->x;
  return TRUE;
}

LabelLayout *
label_layout_new (const LabelTemplate *tmpl, const LabelData *data, int dpi, GError **error)
{
  g_autoptr (LabelLayout) l = g_new0 (LabelLayout, 1);
  g_autofree char *today = today_string ();
  g_autofree char *device_id = NULL;

  if (dpi == 0)
    dpi = tmpl->dpi;
  if (!label_template_dpi_valid (dpi)) {
    g_set_error (error, LABEL_ERROR, LABEL_ERROR_TEMPLATE, "%d dpi: must be 203, 300 or 600", dpi);
    return NULL;
  }
  l->items = g_ptr_array_new_with_free_func (item_free);
  l->dpi = dpi;
  l->width_mm = tmpl->width_mm;
  l->height_mm = tmpl->height_mm;
  l->width = mm_to_dots (tmpl->width_mm, dpi);
  l->height = mm_to_dots (tmpl->height_mm, dpi);
  l->payload = label_payload_for (tmpl, data, error);
  if (l->payload == NULL)
    return NULL;
  device_id = g_ascii_strup (data->device_id, -1);

  for (guint i = 0; i < tmpl->elements->len; i++) {
    const LabelElement *e = tmpl->elements->pdata[i];
    LabelItem *it = g_new0 (LabelItem, 1);
    g_autofree char *missing = NULL;
    gboolean ok;

    it->name = g_strdup (e->name);
    it->type = e->type;
    it->x = mm_to_dots (e->x_mm, dpi);
    it->y = mm_to_dots (e->y_mm, dpi);
    it->width = mm_to_dots (e->x_mm + e->width_mm, dpi) - it->x;
    it->height = mm_to_dots (e->y_mm + e->height_mm, dpi) - it->y;
    it->font = g_strdup (e->font);
    it->bold = e->bold;
    it->align = e->align;

    if (e->type == LABEL_ELEMENT_DATAMATRIX || e->type == LABEL_ELEMENT_QR) {
      it->text = g_strdup (l->payload);
    } else if (e->type == LABEL_ELEMENT_MARK && data->mark != NULL) {
      it->text = g_strdup (data->mark); /* the endpoint's mark overrides (issue 14) */
    } else {
      it->text = substitute (e->text, data, device_id, today, e->name, &missing, error);
      if (it->text == NULL && missing == NULL) {
        item_free (it);
        return NULL;
      }
      if (it->text == NULL && e->type == LABEL_ELEMENT_CODE128) {
        g_set_error (error, LABEL_ERROR, LABEL_ERROR_FIELD, "element '%s': ${%s} is not known",
                     e->name, missing);
        item_free (it);
        return NULL;
      }
      if (it->text == NULL) { /* a text line about an unknown fact is left off */
        g_debug ("element '%s' left off: ${%s} unknown", e->name, missing);
        item_free (it);
        continue;
      }
    }
    if (e->type == LABEL_ELEMENT_TEXT || e->type == LABEL_ELEMENT_MARK)
      ok = place_text (it, e, dpi, error);
    else
      ok = place_symbol (it, e, dpi, error);
    if (!ok) {
      item_free (it);
      return NULL;
    }
    g_ptr_array_add (l->items, it);
  }
  return g_steal_pointer (&l);
}
