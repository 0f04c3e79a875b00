/* tests/fuzz/fuzz-template.c - a label template (labels/templates/)
 * as the station loads it.  Invariant: a template that loads has a finite,
 * positive size and finite boxes; one that does not names the problem. */
#include <math.h>

#include "labels/label-template.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  LabelTemplate *tmpl;

  if (size > 64 * 1024)
    return 0;
  text = fuzz_text (data, size);
  tmpl = label_template_load_data (text, "fuzz.label", &error);
  if (tmpl == NULL) {
    g_assert_nonnull (error);
    return 0;
  }
  g_assert_true (isfinite (tmpl->width_mm) && tmpl->width_mm > 0);
  g_assert_true (isfinite (tmpl->height_mm) && tmpl->height_mm > 0);
  g_assert_true (isfinite (tmpl->margin_mm) && tmpl->margin_mm >= 0);
  for (guint i = 0; i < tmpl->elements->len; i++) {
    const LabelElement *el = tmpl->elements->pdata[i];
    g_assert_true (isfinite (el->x_mm) && isfinite (el->y_mm));
    g_assert_true (isfinite (el->width_mm) && el->width_mm >= 0);
    g_assert_true (isfinite (el->height_mm) && el->height_mm >= 0);
  }
  label_template_free (tmpl);
  return 0;
}
