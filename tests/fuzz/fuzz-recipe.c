/* tests/fuzz/fuzz-recipe.c - a recipe file (recipes/ folder) as the station
 * loads it.  Invariant: a recipe that loads has a name and limits inside
 * the ranges the loader promises; one that does not says why. */
#include "station/pipeline/recipe.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  Recipe *recipe;

  if (size > 64 * 1024)
    return 0;
  recipe = recipe_load_data ((const char *)data, size, "fuzz.ini", &error);
  if (recipe == NULL) {
    g_assert_nonnull (error);
    g_assert_nonnull (error->message);
    return 0;
  }
  g_assert_nonnull (recipe->name);
  g_assert_nonnull (recipe->sha256);
  g_assert_cmpuint (recipe->min_csq, <=, 31);
  g_assert_cmpuint (recipe->tag_names->len, ==, recipe->tag_templates->len);
  recipe_free (recipe);
  return 0;
}
