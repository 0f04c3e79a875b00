/* station/pipeline/engine-private.h - what the engine's files share. */
#pragma once

#include "drivers/modem/modem.h"
#include "station/pipeline/engine.h"

G_BEGIN_DECLS

struct _Engine {
  EngineOptions opts;
  char *batch_id;
  char *station;
  GMainContext *context; /* where events are delivered */
  GCancellable *cancellable;

  GMutex lock;           /* guards the fields below */
  GHashTable *in_flight; /* device IDs being run by a slot of this process */
  guint started;         /* units taken (for --count) */
  EngineSummary summary;
  guint slots_running;
  GError *line_fault; /* why the whole line stopped (engine_line_down), or NULL */
};

/* engine_line_down: a fault no unit can get past (the store cannot be
 * written): remembers @why (the first one wins) and cancels the run, so
 * every slot stops after its current step and leaves its unit in place. */
void engine_line_down (Engine *e, const char *why);

/* Failure codes (docs/failure-codes.md).  The unit is at fault: */
#define FAIL_BAD_DEVICE_ID       "bad-device-id"
#define FAIL_ALREADY_PROVISIONED "already-provisioned"
#define FAIL_OTHER_BATCH         "other-batch"
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
#define ERR_LABEL     "label-error" /* the recipe's template cannot hold the unit's facts */
#define ERR_STORE     "store-error"
#define ERR_CANCELLED "cancelled"

/* engine_emit: queues @event (copied) for the caller's main context. */
void engine_emit (Engine *engine, const EngineEvent *event);

/* engine_note_api_call: counts an API call for the summary. */
void engine_note_api_call (Engine *engine);

/* unit_run: the whole pipeline of the unit @device_id (canonical) that the
 * fixture presented in @slot; returns how it ended. */
EngineResult unit_run (Engine *engine, guint slot, const char *device_id);

G_END_DECLS
