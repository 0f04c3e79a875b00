/* ui/station-models.c - slots and finished units as the window shows them. */
#define G_LOG_DOMAIN "station-ui"

#include "ui/station-models.h"

const char *
station_led_css_class (StationLed led)
{
  switch (led) {
  case STATION_LED_BUSY:
    return "busy";
  case STATION_LED_PASS:
    return "pass";
  case STATION_LED_FAIL:
    return "fail";
  case STATION_LED_IDLE:
  default:
    return "idle";
  }
}

/* ---- StationSlot ----------------------------------------------------------- */

struct _StationSlot {
  GObject parent_instance;
  guint number;
  guint step_count;
  char *device_id;
  char *step;
  guint step_index;
  StationLed led;
  char *failure_code;
  char *message;
  guint units;
};

G_DEFINE_FINAL_TYPE (StationSlot, station_slot, G_TYPE_OBJECT)

enum { SLOT_CHANGED, SLOT_N_SIGNALS };
static guint slot_signals[SLOT_N_SIGNALS];

static void
station_slot_finalize (GObject *object)
{
  StationSlot *self = STATION_SLOT (object);

  g_free (self->device_id);
  g_free (self->step);
  g_free (self->failure_code);
  g_free (self->message);
  G_OBJECT_CLASS (station_slot_parent_class)->finalize (object);
}

static void
station_slot_class_init (StationSlotClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = station_slot_finalize;
  /* changed: anything shown about the slot changed */
  slot_signals[SLOT_CHANGED] = g_signal_new (
      "changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
station_slot_init (StationSlot *self)
{
}

StationSlot *
station_slot_new (guint number, guint step_count)
{
  StationSlot *self = g_object_new (STATION_TYPE_SLOT, NULL);

  self->number = number;
  self->step_count = step_count;
  return self;
}

guint
station_slot_get_number (StationSlot *slot)
{
  return slot->number;
}

const char *
station_slot_get_device_id (StationSlot *slot)
{
  return slot->device_id;
}

const char *
station_slot_get_step (StationSlot *slot)
{
  return slot->step;
}

guint
station_slot_get_step_index (StationSlot *slot)
{
  return slot->step_index;
}

guint
station_slot_get_step_count (StationSlot *slot)
{
  return slot->step_count;
}

StationLed
station_slot_get_led (StationSlot *slot)
{
  return slot->led;
}

const char *
station_slot_get_failure_code (StationSlot *slot)
{
  return slot->failure_code;
}

const char *
station_slot_get_message (StationSlot *slot)
{
  return slot->message;
}

guint
station_slot_get_units (StationSlot *slot)
{
  return slot->units;
}

static void
set_string (char **field, const char *value)
{
  if (*field != value) {
    g_free (*field);
    *field = g_strdup (value);
  }
}

void
station_slot_unit_started (StationSlot *slot, const char *device_id)
{
  set_string (&slot->device_id, device_id);
  set_string (&slot->step, NULL);
  set_string (&slot->failure_code, NULL);
  set_string (&slot->message, NULL);
  slot->step_index = 0;
  slot->led = STATION_LED_BUSY;
  g_signal_emit (slot, slot_signals[SLOT_CHANGED], 0);
}

void
station_slot_step (StationSlot *slot, const char *step, guint index)
{
  set_string (&slot->step, step);
  slot->step_index = MIN (index, slot->step_count);
  slot->led = STATION_LED_BUSY;
  g_signal_emit (slot, slot_signals[SLOT_CHANGED], 0);
}

void
station_slot_unit_finished (StationSlot *slot, const char *device_id, gboolean passed,
                            const char *failure_code, const char *message)
{
  if (device_id != NULL)
    set_string (&slot->device_id, device_id);
  slot->units++;
  slot->led = passed ? STATION_LED_PASS : STATION_LED_FAIL;
  if (passed)
    slot->step_index = slot->step_count;
  set_string (&slot->failure_code, passed ? NULL : failure_code);
  set_string (&slot->message, passed ? NULL : message);
  g_signal_emit (slot, slot_signals[SLOT_CHANGED], 0);
}

void
station_slot_idle (StationSlot *slot)
{
  /* the verdict of the last unit stays visible until the next one */
  if (slot->led == STATION_LED_BUSY)
    slot->led = STATION_LED_IDLE;
  set_string (&slot->step, NULL);
  g_signal_emit (slot, slot_signals[SLOT_CHANGED], 0);
}

/* ---- StationUnitRow -------------------------------------------------------- */

struct _StationUnitRow {
  GObject parent_instance;
  guint slot;
  char *device_id;
  char *imsi;
  char *result;
  char *failure_code;
  char *message;
  gint64 finished_at;
};

G_DEFINE_FINAL_TYPE (StationUnitRow, station_unit_row, G_TYPE_OBJECT)

static void
station_unit_row_finalize (GObject *object)
{
  StationUnitRow *self = STATION_UNIT_ROW (object);

  g_free (self->device_id);
  g_free (self->imsi);
  g_free (self->result);
  g_free (self->failure_code);
  g_free (self->message);
  G_OBJECT_CLASS (station_unit_row_parent_class)->finalize (object);
}

static void
station_unit_row_class_init (StationUnitRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = station_unit_row_finalize;
}

static void
station_unit_row_init (StationUnitRow *self)
{
}

StationUnitRow *
station_unit_row_new (guint slot, const char *device_id, const char *imsi, const char *result,
                      const char *failure_code, const char *message, gint64 finished_at)
{
  StationUnitRow *self = g_object_new (STATION_TYPE_UNIT_ROW, NULL);

  self->slot = slot;
  self->device_id = g_strdup (device_id);
  self->imsi = g_strdup (imsi);
  self->result = g_strdup (result);
  self->failure_code = g_strdup (failure_code);
  self->message = g_strdup (message);
  self->finished_at = finished_at;
  return self;
}

guint
station_unit_row_get_slot (StationUnitRow *row)
{
  return row->slot;
}

const char *
station_unit_row_get_device_id (StationUnitRow *row)
{
  return row->device_id;
}

const char *
station_unit_row_get_imsi (StationUnitRow *row)
{
  return row->imsi;
}

const char *
station_unit_row_get_result (StationUnitRow *row)
{
  return row->result;
}

const char *
station_unit_row_get_failure_code (StationUnitRow *row)
{
  return row->failure_code;
}

const char *
station_unit_row_get_message (StationUnitRow *row)
{
  return row->message;
}

gint64
station_unit_row_get_finished_at (StationUnitRow *row)
{
  return row->finished_at;
}
