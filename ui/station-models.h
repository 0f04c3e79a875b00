/* ui/station-models.h - what the window shows, kept outside the widgets:
 * one StationSlot per fixture slot (who is in it, which step, the LED) and
 * one StationUnitRow per finished unit.  StationRun updates them from the
 * engine's events in the main thread; the widgets follow "changed". */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  STATION_LED_IDLE, /* grey: nothing in the slot */
  STATION_LED_BUSY, /* amber: a unit is being provisioned */
  STATION_LED_PASS, /* green: the last unit passed */
  STATION_LED_FAIL, /* red: the last unit failed or the station hit an error */
} StationLed;

/* station_led_css_class: "idle", "busy", "pass" or "fail". */
const char *station_led_css_class (StationLed led);

#define STATION_TYPE_SLOT (station_slot_get_type ())
G_DECLARE_FINAL_TYPE (StationSlot, station_slot, STATION, SLOT, GObject)

/* station_slot_new: slot @number (from 1) of a pipeline of @step_count steps. */
StationSlot *station_slot_new (guint number, guint step_count);

guint station_slot_get_number (StationSlot *slot);
const char *station_slot_get_device_id (StationSlot *slot); /* NULL when empty */
const char *station_slot_get_step (StationSlot *slot);      /* engine step name or NULL */
guint station_slot_get_step_index (StationSlot *slot);      /* 1..step_count, 0 before */
guint station_slot_get_step_count (StationSlot *slot);
StationLed station_slot_get_led (StationSlot *slot);
const char *station_slot_get_failure_code (StationSlot *slot); /* of the last unit, or NULL */
const char *station_slot_get_message (StationSlot *slot);      /* engine detail, or NULL */
guint station_slot_get_units (StationSlot *slot);              /* units finished in it */

/* A FAIL stays shown until the technician acknowledges it (a scan of the
 * failed unit or of the unit now in the slot, or the acknowledge key),
 * even when the feeder loads the next unit: while unacknowledged the LED
 * stays FAIL and the failed unit's device ID, code and message are kept. */
gboolean station_slot_fail_pending (StationSlot *slot);
/* station_slot_get_failed_device_id: the unit of the pending FAIL, or NULL. */
const char *station_slot_get_failed_device_id (StationSlot *slot);
/* station_slot_get_next_device_id: the unit started behind a pending
 * FAIL (running in the slot), or NULL. */
const char *station_slot_get_next_device_id (StationSlot *slot);
/* station_slot_acknowledge: clears a pending FAIL (the slot then shows the
 * unit it runs now, if any); FALSE when none was pending. */
gboolean station_slot_acknowledge (StationSlot *slot);

/* Timing (monotonic microseconds, g_get_monotonic_time()): when the
 * current unit and step started (0: none) and the step's limit from the
 * recipe (0: none). */
gint64 station_slot_get_unit_started (StationSlot *slot);
gint64 station_slot_get_step_started (StationSlot *slot);
guint station_slot_get_step_limit_ms (StationSlot *slot);

/* station_slot_time_text: "1:05 · step 0:12, 1:18 left" for a busy slot
 * at @now (monotonic µs): the unit's elapsed time, the step's, and what
 * remains of the step's limit ("over the limit" past it); NULL when idle.
 * Free with g_free(). */
char *station_slot_time_text (StationSlot *slot, gint64 now);

/* Updates (main thread); each emits "changed" once. */
void station_slot_unit_started (StationSlot *slot, const char *device_id);
void station_slot_step (StationSlot *slot, const char *step, guint index);
/* station_slot_step_timed: as station_slot_step, with the step's limit
 * from the recipe (0: none) and its start time @now (monotonic µs). */
void station_slot_step_timed (StationSlot *slot, const char *step, guint index, guint limit_ms,
                              gint64 now);
/* station_slot_unit_finished: @device_id (may be NULL: the unit that
 * started) ended; a unit refused before it started (unreadable ID) comes
 * here directly. */
void station_slot_unit_finished (StationSlot *slot, const char *device_id, gboolean passed,
                                 const char *failure_code, const char *message);
void station_slot_idle (StationSlot *slot);
/* station_slot_unit_interrupted: the run was stopped while @device_id was
 * in the slot; it resumes when put in again (LED idle, device kept). */
void station_slot_unit_interrupted (StationSlot *slot, const char *device_id);
/* station_slot_get_interrupted: the unit left to resume, or NULL. */
const char *station_slot_get_interrupted (StationSlot *slot);

#define STATION_TYPE_UNIT_ROW (station_unit_row_get_type ())
G_DECLARE_FINAL_TYPE (StationUnitRow, station_unit_row, STATION, UNIT_ROW, GObject)

/* station_unit_row_new: a finished unit; @result is "passed", "failed" or
 * "error"; @finished_at in UTC microseconds. */
StationUnitRow *station_unit_row_new (guint slot, const char *device_id, const char *imsi,
                                      const char *result, const char *failure_code,
                                      const char *message, gint64 finished_at);

guint station_unit_row_get_slot (StationUnitRow *row);
const char *station_unit_row_get_device_id (StationUnitRow *row);
const char *station_unit_row_get_imsi (StationUnitRow *row);
const char *station_unit_row_get_result (StationUnitRow *row);
const char *station_unit_row_get_failure_code (StationUnitRow *row);
const char *station_unit_row_get_message (StationUnitRow *row);
gint64 station_unit_row_get_finished_at (StationUnitRow *row);

G_END_DECLS
