/* station/pipeline/failure-codes.h - the one vocabulary of how a unit can
 * end and of the steps it goes through: each failure code with whose fault
 * it is (the unit's: result "failed"; the station's: result "error"), the
 * exit class station-cli provision gives it, and its words for the
 * technician (English, marked N_() for gettext: the app translates them
 * with _()).  The engine, the app (ui/station-words.c), the tests and the
 * generated docs/failure-codes.md all read this table. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The unit is at fault (result "failed"): */
#define FAIL_BAD_DEVICE_ID       "bad-device-id"
#define FAIL_ALREADY_PROVISIONED "already-provisioned"
#define FAIL_OTHER_BATCH         "other-batch"
#define FAIL_SCRAPPED            "scrapped"
#define FAIL_DUPLICATE_DEVICE_ID "duplicate-device-id"
#define FAIL_MODEM_SILENT        "modem-silent"
#define FAIL_SIM_MISSING         "sim-missing"
#define FAIL_SIM_PIN             "sim-pin"
#define FAIL_SIM_PUK             "sim-puk"
#define FAIL_SIM_ERROR           "sim-error"
#define FAIL_IMEI_INVALID        "imei-invalid"
#define FAIL_IMSI_UNREADABLE     "imsi-unreadable"
#define FAIL_ICCID_INVALID       "iccid-invalid"
#define FAIL_IMSI_NOT_IN_BATCH   "imsi-not-in-batch"
#define FAIL_ICCID_MISMATCH      "iccid-mismatch"
#define FAIL_IDENTITY_CHANGED    "identity-changed"
#define FAIL_DUPLICATE_IMSI      "duplicate-imsi"
#define FAIL_DUPLICATE_IMEI      "duplicate-imei"
#define FAIL_DUPLICATE_ICCID     "duplicate-iccid"
#define FAIL_SIM_UNKNOWN         "sim-unknown"
#define FAIL_SIM_TERMINATED      "sim-terminated"
#define FAIL_SIM_SUSPENDED       "sim-suspended"
#define FAIL_PLAN_NO_STANDBY     "plan-no-standby"
#define FAIL_ATTACH_TIMEOUT      "attach-timeout"
#define FAIL_ATTACH_DENIED       "attach-denied"
#define FAIL_WEAK_SIGNAL         "weak-signal"
#define FAIL_REGISTER_TIMEOUT    "register-timeout"
#define FAIL_REGISTER_IMSI       "register-imsi-mismatch"
#define FAIL_REGISTER_DEVICE_ID  "register-wrong-device-id"
#define FAIL_SELFTEST            "selftest-failed"
#define FAIL_SELFTEST_TIMEOUT    "selftest-timeout"
#define FAIL_RADIO_OFF           "radio-off-failed"
#define FAIL_RADIO_OFF_IGNORED   "radio-off-ignored"
#define FAIL_NOT_LOCKED          "not-imei-locked"
/* The station could not finish (result "error"; the unit resumes later): */
#define ERR_FIXTURE   "fixture-error"
#define ERR_PORT_LOST "port-lost"
#define ERR_REMOVED   "unit-removed"
#define ERR_API       "api-error"
#define ERR_READBACK  "readback-mismatch"
#define ERR_PRINTER   "printer-error"
#define ERR_LABEL     "label-error"
#define ERR_STORE     "store-error"
#define ERR_CANCELLED "cancelled"

typedef enum {
  FAILURE_KIND_FAILED, /* the unit is at fault: result "failed" */
  FAILURE_KIND_ERROR,  /* the station could not finish: result "error" */
} FailureKind;

typedef struct {
  const char *code;  /* as in the unit's JSON line and the store */
  FailureKind kind;  /* whose fault */
  int exit_class;    /* STATION_EXIT_* of station-cli provision */
  const char *words; /* for the technician, untranslated (N_()) */
  const char *note;  /* more for the reference (English only), or NULL */
} FailureCode;

typedef struct {
  const char *name;  /* as in the journal and the events */
  const char *words; /* for the technician, untranslated (N_()) */
} StepWords;

/* failure_codes: the table, the unit's faults first, then the station's;
 * @n_codes (may be NULL) gets its length. */
const FailureCode *failure_codes (guint *n_codes);

/* failure_code_find: the entry of @code, or NULL (also for NULL). */
const FailureCode *failure_code_find (const char *code);

/* failure_code_exit_class: the exit class station-cli provision gives a
 * unit that ended in error with @code: STATION_EXIT_CHECK for NULL or a
 * unit's fault, STATION_EXIT_DEVICE for a code not in the table. */
int failure_code_exit_class (const char *code);

/* failure_kind_name: "failed" or "error" (the unit's result). */
const char *failure_kind_name (FailureKind kind);

/* pipeline_steps: the steps in pipeline order with their words;
 * @n_steps (may be NULL) gets their number. */
const StepWords *pipeline_steps (guint *n_steps);

/* pipeline_step_find: the entry of step @name, or NULL. */
const StepWords *pipeline_step_find (const char *name);

/* failure_codes_markdown: docs/failure-codes.md as generated from the
 * tables (free with g_free). */
char *failure_codes_markdown (void);

G_END_DECLS
