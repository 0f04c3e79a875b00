/* station/pipeline/failure-codes.c - the failure codes and steps in one
 * table (see failure-codes.h). */
#define G_LOG_DOMAIN "station-pipeline"

#include "station/pipeline/failure-codes.h"

#include <glib/gi18n.h>
#include <string.h>

#include "station/station-error.h"

#define UNIT(c, w, n)                                                                              \
  {                                                                                                \
    .code = c, .kind = FAILURE_KIND_FAILED, .exit_class = STATION_EXIT_CHECK, .words = w,          \
    .note = n                                                                                      \
  }
#define STATION(c, x, w, n)                                                                        \
  {                                                                                                \
    .code = c, .kind = FAILURE_KIND_ERROR, .exit_class = x, .words = w, .note = n                  \
  }

static const FailureCode codes[] = {
  UNIT (FAIL_BAD_DEVICE_ID, N_ ("The device ID of the unit is missing or not valid"), NULL),
  UNIT (FAIL_ALREADY_PROVISIONED, N_ ("This unit was already provisioned"), NULL),
  UNIT (FAIL_OTHER_BATCH, N_ ("This unit belongs to another batch"), NULL),
  UNIT (FAIL_SCRAPPED, N_ ("This unit was scrapped: take it off the line"),
        "a supervisor took it out of stock (`station-cli unit scrap`); the scan step refuses it "
        "before any API call and leaves its record and its SIM as they are"),
  UNIT (FAIL_DUPLICATE_DEVICE_ID, N_ ("The same device ID is in two slots"), NULL),
  UNIT (FAIL_MODEM_SILENT, N_ ("The modem does not answer"), NULL),
  UNIT (FAIL_SIM_MISSING, N_ ("No SIM card in the unit"), NULL),
  UNIT (FAIL_SIM_PIN, N_ ("The SIM asks for a PIN"), NULL),
  UNIT (FAIL_SIM_PUK, N_ ("The SIM is blocked (PUK)"), NULL),
  UNIT (FAIL_SIM_ERROR, N_ ("The SIM card does not work"), NULL),
  UNIT (FAIL_IMEI_INVALID, N_ ("The modem reports an invalid IMEI"), NULL),
  UNIT (FAIL_IMSI_UNREADABLE, N_ ("The IMSI of the SIM cannot be read"), NULL),
  UNIT (FAIL_ICCID_INVALID, N_ ("The SIM reports an invalid ICCID"), NULL),
  UNIT (FAIL_IMSI_NOT_IN_BATCH, N_ ("This SIM is not on the SIM list of the batch"), NULL),
  UNIT (FAIL_ICCID_MISMATCH, N_ ("The ICCID of the SIM differs from the SIM list"), NULL),
  UNIT (FAIL_IDENTITY_CHANGED, N_ ("The modem or SIM of the unit changed since its first scan"),
        NULL),
  UNIT (FAIL_DUPLICATE_IMSI, N_ ("This SIM is already used by another unit"), NULL),
  UNIT (FAIL_DUPLICATE_IMEI, N_ ("This modem (IMEI) is already used by another unit"), NULL),
  UNIT (FAIL_DUPLICATE_ICCID, N_ ("This SIM (ICCID) is already used by another unit"), NULL),
  UNIT (FAIL_SIM_UNKNOWN, N_ ("SORACOM does not know this SIM"), NULL),
  UNIT (FAIL_SIM_TERMINATED, N_ ("The SIM is terminated"), NULL),
  UNIT (FAIL_SIM_SUSPENDED, N_ ("The SIM is suspended"), NULL),
  UNIT (FAIL_PLAN_NO_STANDBY, N_ ("The SIM's plan cannot be parked in standby: use another SIM"),
        "the recipe parks units in standby but the SIM's plan, read before any change to the "
        "SIM, cannot be: plan-D, plan-DU, plan-K, plan-K2, plan-KM1; nothing is tagged, locked "
        "or parked"),
  UNIT (FAIL_ATTACH_TIMEOUT, N_ ("The unit did not attach to the network in time"), NULL),
  UNIT (FAIL_ATTACH_DENIED, N_ ("The network refused the unit"), NULL),
  UNIT (FAIL_WEAK_SIGNAL, N_ ("The signal is too weak"), NULL),
  UNIT (FAIL_REGISTER_TIMEOUT, N_ ("The unit did not register through Beam in time"), NULL),
  UNIT (FAIL_REGISTER_IMSI, N_ ("The Beam registration came from another SIM"), NULL),
  UNIT (FAIL_REGISTER_DEVICE_ID, N_ ("The unit registered with another device ID"), NULL),
  UNIT (FAIL_SELFTEST, N_ ("The self-test of the unit failed"), NULL),
  UNIT (FAIL_SELFTEST_TIMEOUT, N_ ("The unit did not report its self-test in time"), NULL),
  UNIT (FAIL_RADIO_OFF, N_ ("The radio of the unit could not be switched off"), NULL),
  UNIT (FAIL_RADIO_OFF_IGNORED, N_ ("The unit keeps reconnecting after radio off"),
        "the SIM is left active with its lock"),
  UNIT (FAIL_NOT_LOCKED, N_ ("The SIM could not be locked to the IMEI"), NULL),
  STATION (ERR_FIXTURE, STATION_EXIT_DEVICE, N_ ("Fixture problem: check the jig"), NULL),
  STATION (ERR_PORT_LOST, STATION_EXIT_DEVICE, N_ ("The serial link of the unit was lost"), NULL),
  STATION (ERR_REMOVED, STATION_EXIT_DEVICE, N_ ("The unit was taken out during the test"), NULL),
  STATION (ERR_API, STATION_EXIT_CLOUD,
           N_ ("The SORACOM API could not be reached or refused the call"), NULL),
  STATION (ERR_READBACK, STATION_EXIT_CLOUD, N_ ("The SORACOM API did not confirm the change"),
           NULL),
  STATION (ERR_PRINTER, STATION_EXIT_DEVICE,
           N_ ("The label could not be printed: check the printer"), NULL),
  STATION (ERR_LABEL, STATION_EXIT_USAGE,
           N_ ("The device ID does not fit the recipe's label: use a wider template"),
           "the recipe's label template cannot hold the unit's device ID (a configuration "
           "problem): choose `100x40`"),
  STATION (ERR_STORE, STATION_EXIT_STORE, N_ ("The station database could not be written"), NULL),
  STATION (ERR_CANCELLED, STATION_EXIT_CHECK, N_ ("Stopped by the operator"), NULL),
};

#undef UNIT
#undef STATION

static const StepWords steps[] = {
  { .name = "scan", .words = N_ ("Scan") },
  { .name = "insert_boot", .words = N_ ("Insert and boot") },
  { .name = "identify", .words = N_ ("Identify modem and SIM") },
  { .name = "attach", .words = N_ ("Attach to network") },
  { .name = "register", .words = N_ ("Beam registration") },
  { .name = "selftest", .words = N_ ("Self-test") },
  { .name = "group", .words = N_ ("SIM group") },
  { .name = "tags", .words = N_ ("SIM tags") },
  { .name = "imei_lock", .words = N_ ("IMEI lock") },
  { .name = "radio_off", .words = N_ ("Radio off") },
  { .name = "standby", .words = N_ ("SIM to standby") },
  { .name = "label", .words = N_ ("Print label") },
  { .name = "release", .words = N_ ("Release") },
};

const FailureCode *
failure_codes (guint *n_codes)
{
  if (n_codes != NULL)
    *n_codes = G_N_ELEMENTS (codes);
  return codes;
}

const FailureCode *
failure_code_find (const char *code)
{
  if (code == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    if (strcmp (codes[i].code, code) == 0)
      return &codes[i];
  return NULL;
}

int
failure_code_exit_class (const char *code)
{
  const FailureCode *f;

  if (code == NULL)
    return STATION_EXIT_CHECK;
  f = failure_code_find (code);
  return f != NULL ? f->exit_class : STATION_EXIT_DEVICE;
}

const char *
failure_kind_name (FailureKind kind)
{
  return kind == FAILURE_KIND_FAILED ? "failed" : "error";
}

const StepWords *
pipeline_steps (guint *n_steps)
{
  if (n_steps != NULL)
    *n_steps = G_N_ELEMENTS (steps);
  return steps;
}

const StepWords *
pipeline_step_find (const char *name)
{
  if (name == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    if (strcmp (steps[i].name, name) == 0)
      return &steps[i];
  return NULL;
}

static void
append_codes (GString *md, FailureKind kind)
{
  g_string_append (md, "| code | exit | words | note |\n|---|---|---|---|\n");
  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++) {
    if (codes[i].kind != kind)
      continue;
    g_string_append_printf (md, "| `%s` | %d | %s | %s |\n", codes[i].code, codes[i].exit_class,
                            codes[i].words, codes[i].note != NULL ? codes[i].note : "");
  }
}

char *
failure_codes_markdown (void)
{
  GString *md = g_string_new (NULL);

  g_string_append (
      md, "<!-- Generated from station/pipeline/failure-codes.c by tests/gen-failure-codes\n"
          "     (meson compile -C build failure-codes-doc). Do not edit by hand: the\n"
          "     failure-codes test (/failure-codes/doc-fresh) fails when this file is stale. -->\n"
          "# Failure codes\n\n"
          "How a unit can end: `failure_code` in the unit's JSON line of `station-cli\n"
          "provision`, in the store and in the operator app (which shows the words,\n"
          "translated). The exit column is the exit code of `station-cli provision`\n"
          "when a unit ends with that code (the worst one wins).\n\n"
          "## The unit is at fault (`failed`)\n\n"
          "The unit leaves its slot with the fail LED; its SIM is untouched before\n"
          "`tags`, tagged (and locked) after.\n\n");
  append_codes (md, FAILURE_KIND_FAILED);
  g_string_append (md, "\n## The station could not finish (`error`)\n\n"
                       "The unit resumes with the next run (`--resume`).\n\n");
  append_codes (md, FAILURE_KIND_ERROR);
  g_string_append (md, "\n## Steps\n\nIn pipeline order, as in the journal and the events.\n\n"
                       "| step | words |\n|---|---|\n");
  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    g_string_append_printf (md, "| `%s` | %s |\n", steps[i].name, steps[i].words);
  return g_string_free (md, FALSE);
}
