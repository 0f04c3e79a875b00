/* station/pipeline/unit-steps.h - the steps of the pipeline (DESIGN.md "The
 * pipeline of one unit") and the state of one unit's run that they share. */
#pragma once

#include "station/pipeline/engine-private.h"

G_BEGIN_DECLS

typedef enum {
  STEP_OK,
  STEP_FAIL,  /* the unit is at fault: Unit.failure_code */
  STEP_ERROR, /* the station could not finish: Unit.failure_code (ERR_*) */
} Outcome;

/* One unit's run in its slot's thread. */
typedef struct {
  Engine *e;
  guint slot;
  char *device_id;  /* canonical */
  gboolean foreign; /* the record belongs to another run: write nothing */
  gboolean claimed; /* this run put device_id in the engine's in_flight set */
  gboolean resumed; /* the journal had done steps before this run */
  GHashTable *done; /* steps whose last journal attempt is done */
  gboolean powered; /* this run switched the unit on */
  Modem *modem;
  ModemIdentity *ident;
  char *imei, *imsi, *iccid; /* as bound to the unit in the store */
  CloudSubscriber *sub;      /* the SIM as last read from the API */
  GPtrArray *at_lines;       /* StoreAtLine * not yet stored */
  guint api_calls;
  gint64 started_us;
  char *failure_code;
  char *detail; /* what the current step did or why it stopped */
} Unit;

/* What a step needs, for planning a resumed run. */
enum {
  NEEDS_DEVICE = 1 << 0,      /* the unit powered and its modem open */
  NEEDS_SESSION = 1 << 1,     /* insert_boot, identify: run whenever the device is needed */
  NEEDS_ATTACH = 1 << 2,      /* register, selftest: need a network session */
  NEEDS_ATTACH_STEP = 1 << 3, /* attach: run whenever NEEDS_ATTACH steps run */
  NEEDS_RADIO_OFF = 1 << 4,   /* radio_off: run again whenever the unit was powered */
};

typedef struct {
  const char *name;
  Outcome (*run) (Unit *u);
  RecipeSteps recipe_bit; /* 0: always part of the pipeline */
  guint needs;
  gboolean always;        /* runs even when the journal shows it done (scan, release) */
  gboolean journal_after; /* journaled once it ran: it creates the unit (scan) */
} StepDef;

/* unit_step_group: the group step (unit-group.c). */
Outcome unit_step_group (Unit *u);

/* unit_ensure_sim: the unit's Subscriber (u->sub), read once per run, and
 * the guards every step that changes the SIM needs first: a terminated or
 * suspended SIM, or one whose plan cannot reach the recipe's standby,
 * fails the unit before any change. */
Outcome unit_ensure_sim (Unit *u);

extern const StepDef unit_steps[];
extern const guint unit_steps_count;

/* Helpers of unit-run.c for the steps. */
Unit *unit_current (void);
Outcome unit_fail (Unit *u, const char *code, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
/* unit_error_msg: the station could not finish (an ERR_* code). */
Outcome unit_error_msg (Unit *u, const char *code, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
/* unit_outcome_for_error: classifies @error (taken) as the unit's fault
 * (FAIL with a failure code) or the station's (ERROR). */
Outcome unit_outcome_for_error (Unit *u, GError *error);
/* unit_attach_modem: makes @modem (taken; NULL closes) the unit's modem and
 * records its AT transcript. */
void unit_attach_modem (Unit *u, Modem *modem);
/* unit_wait: sleeps @ms unless the run is cancelled (then FALSE). */
gboolean unit_wait (Unit *u, guint ms);

G_END_DECLS
