/* ui/station-words.c - step names, results and failure codes in words. */
#define G_LOG_DOMAIN "station-ui"

#include "ui/station-words.h"

#include <glib/gi18n.h>

#include "drivers/identity.h"
#include "station/label-reprint.h"
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

static const Word steps[] = {
  { "scan", N_ ("Scan") },
  { "insert_boot", N_ ("Insert and boot") },
  { "identify", N_ ("Identify modem and SIM") },
  { "attach", N_ ("Attach to network") },
  { "register", N_ ("Beam registration") },
  { "selftest", N_ ("Self-test") },
  { "group", N_ ("SIM group") },
  { "tags", N_ ("SIM tags") },
  { "imei_lock", N_ ("IMEI lock") },
  { "radio_off", N_ ("Radio off") },
  { "standby", N_ ("SIM to standby") },
  { "label", N_ ("Print label") },
  { "release", N_ ("Release") },
};

/* docs/failure-codes.md: the unit at fault, then the station. */
static const Word failures[] = {
  { "bad-device-id", N_ ("The device ID of the unit is missing or not valid") },
  { "already-provisioned", N_ ("This unit was already provisioned") },
  { "other-batch", N_ ("This unit belongs to another batch") },
  { "duplicate-device-id", N_ ("The same device ID is in two slots") },
  { "modem-silent", N_ ("The modem does not answer") },
  { "sim-missing", N_ ("No SIM card in the unit") },
  { "sim-pin", N_ ("The SIM asks for a PIN") },
  { "sim-puk", N_ ("The SIM is blocked (PUK)") },
  { "sim-error", N_ ("The SIM card does not work") },
  { "imei-invalid", N_ ("The modem reports an invalid IMEI") },
  { "imsi-unreadable", N_ ("The IMSI of the SIM cannot be read") },
  { "iccid-invalid", N_ ("The SIM reports an invalid ICCID") },
  { "imsi-not-in-batch", N_ ("This SIM is not on the SIM list of the batch") },
  { "iccid-mismatch", N_ ("The ICCID of the SIM differs from the SIM list") },
  { "identity-changed", N_ ("The modem or SIM of the unit changed since its first scan") },
  { "duplicate-imsi", N_ ("This SIM is already used by another unit") },
  { "duplicate-imei", N_ ("This modem (IMEI) is already used by another unit") },
  { "duplicate-iccid", N_ ("This SIM (ICCID) is already used by another unit") },
  { "sim-unknown", N_ ("SORACOM does not know this SIM") },
  { "sim-terminated", N_ ("The SIM is terminated") },
  { "sim-suspended", N_ ("The SIM is suspended") },
  { "plan-no-standby", N_ ("The SIM's plan cannot be parked in standby: use another SIM") },
  { "attach-timeout", N_ ("The unit did not attach to the network in time") },
  { "attach-denied", N_ ("The network refused the unit") },
  { "weak-signal", N_ ("The signal is too weak") },
  { "register-timeout", N_ ("The unit did not register through Beam in time") },
  { "register-imsi-mismatch", N_ ("The Beam registration came from another SIM") },
  { "register-wrong-device-id", N_ ("The unit registered with another device ID") },
  { "selftest-failed", N_ ("The self-test of the unit failed") },
  { "selftest-timeout", N_ ("The unit did not report its self-test in time") },
  { "radio-off-failed", N_ ("The radio of the unit could not be switched off") },
  { "radio-off-ignored", N_ ("The unit keeps reconnecting after radio off") },
  { "not-imei-locked", N_ ("The SIM could not be locked to the IMEI") },
  { "fixture-error", N_ ("Fixture problem: check the jig") },
  { "port-lost", N_ ("The serial link of the unit was lost") },
  { "unit-removed", N_ ("The unit was taken out during the test") },
  { "api-error", N_ ("The SORACOM API could not be reached or refused the call") },
  { "readback-mismatch", N_ ("The SORACOM API did not confirm the change") },
  { "printer-error", N_ ("The label could not be printed: check the printer") },
  { "label-error", N_ ("The device ID does not fit the recipe's label: use a wider template") },
  { "store-error", N_ ("The station database could not be written") },
  { "cancelled", N_ ("Stopped by the operator") },
};

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

const char *
station_words_step (const char *step)
{
  const char *w = find (steps, G_N_ELEMENTS (steps), step);

  return w != NULL ? w : step;
}

const char *
station_words_failure (const char *code)
{
  return find (failures, G_N_ELEMENTS (failures), code);
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
