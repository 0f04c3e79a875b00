/* ui/station-words.c - step names, results and failure codes in words. */
#define G_LOG_DOMAIN "station-ui"

#include "ui/station-words.h"

#include <glib/gi18n.h>

#include "drivers/identity.h"
#include "station/label-reprint.h"
#include "station/pipeline/failure-codes.h"
#include "station/store/store.h"
#include "ui/station-resources.h"

void
station_ui_init (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once)) {
    const char *dir = g_getenv ("STATION_LOCALEDIR");

    bindtextdomain (GETTEXT_PACKAGE, dir != NULL ? dir : STATION_LOCALEDIR);
    bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
    textdomain (GETTEXT_PACKAGE); /* GtkBuilder translates templates in the default domain */
    station_ui_register_resource ();
    g_once_init_leave (&once, 1);
  }
}

typedef struct {
  const char *name;
  const char *words;
} Word;

static const Word results[] = {
  { "passed", N_ ("Passed") }, { "failed", N_ ("Failed") },   { "error", N_ ("Error") },
  { "new", N_ ("New") },       { "running", N_ ("Running") },
};

static const char *
find (const Word *words, gsize n, const char *name)
{
  if (name == NULL)
    return NULL;
  for (gsize i = 0; i < n; i++)
    if (g_strcmp0 (words[i].name, name) == 0)
      return _ (words[i].words);
  return NULL;
}

/* Steps and failure codes: the pipeline's table (station/pipeline/failure-codes.c)
 * holds their English words, marked N_(); they are translated here. */
const char *
station_words_step (const char *step)
{
  const StepWords *w = pipeline_step_find (step);

  return w != NULL ? _ (w->words) : step;
}

const char *
station_words_failure (const char *code)
{
  const FailureCode *f = failure_code_find (code);

  return f != NULL ? _ (f->words) : NULL;
}

const char *
station_words_result (const char *result)
{
  const char *w = find (results, G_N_ELEMENTS (results), result);

  return w != NULL ? w : result;
}

const char *
station_words_unit_state (const char *state)
{
  return station_words_result (state);
}

static const Word keys[] = {
  { "device_id", N_ ("device ID") }, { "imsi", N_ ("IMSI") },   { "iccid", N_ ("ICCID") },
  { "imei", N_ ("IMEI") },           { "label", N_ ("label") },
};

const char *
station_words_key (const char *key)
{
  const char *w = find (keys, G_N_ELEMENTS (keys), key);

  return w != NULL ? w : _ ("code");
}

static const Word step_states[] = {
  { "done", N_ ("Done") },
  { "failed", N_ ("Failed") },
  { "intent", N_ ("Started, not finished") },
  { "skipped", N_ ("Not needed") },
};

const char *
station_words_step_state (const char *state)
{
  const char *w = find (step_states, G_N_ELEMENTS (step_states), state);

  return w != NULL ? w : _ ("Unknown");
}

char *
station_words_lookup_error (const GError *error, const char *code)
{
  if (error->domain == IDENTITY_ERROR)
    return g_strdup_printf (_ ("“%s” is not a device ID, IMSI, ICCID, IMEI or label. Scan the "
                               "label again or type the device ID."),
                            code);
  if (g_error_matches (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND))
    return g_strdup_printf (_ ("No unit has the code “%s” in this station's records. Check the "
                               "code, or look it up on the station that provisioned it."),
                            code);
  if (error->domain == STATION_STORE_ERROR)
    return g_strdup_printf (_ ("The station's records cannot be read (%s). Call the line "
                               "engineer."),
                            error->message);
  if (g_error_matches (error, LABEL_REPRINT_ERROR, LABEL_REPRINT_ERROR_REASON))
    return g_strdup (_ ("Say why the label is printed again."));
  if (g_error_matches (error, LABEL_REPRINT_ERROR, LABEL_REPRINT_ERROR_NO_LABEL))
    return g_strdup (_ ("This unit has no label yet: it gets one when it passes."));
  return g_strdup_printf (_ ("Could not finish (%s)."), error->message);
}

static const Word sim_statuses[] = {
  { "ready", N_ ("Ready") },         { "active", N_ ("Active: in use") },
  { "inactive", N_ ("Inactive") },   { "standby", N_ ("Standby: no cost until first use") },
  { "suspended", N_ ("Suspended") }, { "terminated", N_ ("Terminated") },
};

char *
station_words_sim_status (const char *status)
{
  const char *w = find (sim_statuses, G_N_ELEMENTS (sim_statuses), status);

  if (status == NULL)
    return NULL;
  return w != NULL ? g_strdup_printf ("%s (%s)", w, status) : g_strdup (status);
}

char *
station_words_time (const char *iso)
{
  g_autoptr (GDateTime) t = iso != NULL ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr (GDateTime) local = t != NULL ? g_date_time_to_local (t) : NULL;

  if (local == NULL)
    return g_strdup (iso);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}
