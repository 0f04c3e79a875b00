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

/* Updates (main thread); each emits "changed" once. */
void station_slot_unit_started (StationSlot *slot, const char *device_id);
void station_slot_step (StationSlot *slot, const char *step, guint index);
/* station_slot_unit_finished: @device_id (may be NULL: the unit that
 * started) ended; a unit refused before it started (unreadable ID) comes
 * here directly. */
void station_slot_unit_finished (StationSlot *slot, const char *device_id, gboolean passed,
                                 const char *failure_code, const char *message);
void station_slot_idle (StationSlot *slot);

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
