/* ui/station-models.c - slots and finished units as the window shows them. */
#define G_LOG_DOMAIN "station-ui"

#include "ui/station-models.h"

#include <glib/gi18n.h>

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
  gboolean fail_pending;
  char *failed_device_id;
  char *interrupted;
  gint64 unit_started;
  gint64 step_started;
  guint step_limit_ms;
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
  g_free (self->failed_device_id);
  g_free (self->interrupted);
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
  return slot->fail_pending ? STATION_LED_FAIL : slot->led;
}

gboolean
station_slot_fail_pending (StationSlot *slot)
{
  return slot->fail_pending;
}

const char *
station_slot_get_failed_device_id (StationSlot *slot)
{
  return slot->fail_pending ? slot->failed_device_id : NULL;
}

const char *
station_slot_get_next_device_id (StationSlot *slot)
{
  if (!slot->fail_pending || slot->led != STATION_LED_BUSY)
    return NULL;
  return slot->device_id;
}

gint64
station_slot_get_unit_started (StationSlot *slot)
{
  return slot->unit_started;
}

gint64
station_slot_get_step_started (StationSlot *slot)
{
  return slot->step_started;
}

guint
station_slot_get_step_limit_ms (StationSlot *slot)
{
  return slot->step_limit_ms;
}

static char *
duration_text (gint64 us)
{
  gint64 s = MAX (us, 0) / G_USEC_PER_SEC;

  if (s >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
  return g_strdup_printf ("%d:%02d", (int)(s / 60), (int)(s % 60));
}

char *
station_slot_time_text (StationSlot *slot, gint64 now)
{
  g_autofree char *unit = NULL, *step = NULL, *left = NULL;

  if (slot->led != STATION_LED_BUSY || slot->unit_started == 0)
    return NULL;
  unit = duration_text (now - slot->unit_started);
  if (slot->step_started == 0)
    return g_strdup (unit);
  step = duration_text (now - slot->step_started);
  if (slot->step_limit_ms == 0)
    /* TRANSLATORS: the unit's elapsed time, then the current step's */
    return g_strdup_printf (_ ("%s · step %s"), unit, step);
  if (now - slot->step_started > (gint64)slot->step_limit_ms * 1000)
    /* TRANSLATORS: the unit's elapsed time, the step's, past the recipe's limit */
    return g_strdup_printf (_ ("%s · step %s, over the limit"), unit, step);
  left = duration_text ((gint64)slot->step_limit_ms * 1000 - (now - slot->step_started)
                        + G_USEC_PER_SEC - 1);
  /* TRANSLATORS: the unit's elapsed time, the step's, and what is left of its limit */
  return g_strdup_printf (_ ("%s · step %s, %s left"), unit, step, left);
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
  set_string (&slot->interrupted, NULL);
  /* a pending FAIL keeps its code and message until acknowledged */
  if (!slot->fail_pending) {
    set_string (&slot->failure_code, NULL);
    set_string (&slot->message, NULL);
  }
  slot->step_index = 0;
  slot->led = STATION_LED_BUSY;
  slot->unit_started = g_get_monotonic_time ();
  slot->step_started = 0;
  slot->step_limit_ms = 0;
  g_signal_emit (slot, slot_signals[SLOT_CHANGED], 0);
}

void
station_slot_step_timed (StationSlot *slot, const char *step, guint index, guint limit_ms,
                         gint64 now)
{
  set_string (&slot->step, step);
  slot->step_index = MIN (index, slot->step_count);
  slot->led = STATION_LED_BUSY;
  if (slot->unit_started == 0)
    slot->unit_started = now;
  slot->step_started = now;
  slot->step_limit_ms = limit_ms;
  g_signal_emit (slot, slot_signals[SLOT_CHANGED], 0);
}

void
station_slot_step (StationSlot *slot, const char *step, guint index)
{
  station_slot_step_timed (slot, step, index, 0, g_get_monotonic_time ());
}

gboolean
station_slot_acknowledge (StationSlot *slot)
{
  if (!slot->fail_pending)
    return FALSE;
  slot->fail_pending = FALSE;
  g_clear_pointer (&slot->failed_device_id, g_free);
  if (slot->led == STATION_LED_BUSY) {
    /* the next unit runs: its own state shows now */
    set_string (&slot->failure_code, NULL);
    set_string (&slot->message, NULL);
  } else if (slot->led == STATION_LED_FAIL) {
    slot->led = STATION_LED_IDLE;
    set_string (&slot->device_id, NULL);
    set_string (&slot->failure_code, NULL);
    set_string (&slot->message, NULL);
  }
  g_signal_emit (slot, slot_signals[SLOT_CHANGED], 0);
  return TRUE;
}

void
station_slot_unit_finished (StationSlot *slot, const char *device_id, gboolean passed,
                            const char *failure_code, const char *message)
{
  if (device_id != NULL)
    set_string (&slot->device_id, device_id);
  slot->units++;
  slot->unit_started = slot->step_started = 0;
  slot->step_limit_ms = 0;
  if (passed && slot->fail_pending) {
    /* the earlier FAIL is still not acknowledged: it stays on the tile */
    slot->led = STATION_LED_PASS;
    slot->step_index = slot->step_count;
    g_signal_emit (slot, slot_signals[SLOT_CHANGED], 0);
    return;
  }
  slot->led = passed ? STATION_LED_PASS : STATION_LED_FAIL;
  if (passed)
    slot->step_index = slot->step_count;
  set_string (&slot->failure_code, passed ? NULL : failure_code);
  set_string (&slot->message, passed ? NULL : message);
  if (!passed) {
    slot->fail_pending = TRUE;
    set_string (&slot->failed_device_id, slot->device_id);
  }
  g_signal_emit (slot, slot_signals[SLOT_CHANGED], 0);
}

void
station_slot_unit_interrupted (StationSlot *slot, const char *device_id)
{
  if (device_id != NULL)
    set_string (&slot->device_id, device_id);
  set_string (&slot->interrupted, slot->device_id);
  set_string (&slot->step, NULL);
  slot->led = STATION_LED_IDLE;
  slot->unit_started = slot->step_started = 0;
  slot->step_limit_ms = 0;
  g_signal_emit (slot, slot_signals[SLOT_CHANGED], 0);
}

const char *
station_slot_get_interrupted (StationSlot *slot)
{
  return slot->interrupted;
}

void
station_slot_idle (StationSlot *slot)
{
  /* the verdict of the last unit stays visible until the next one */
  if (slot->led == STATION_LED_BUSY)
    slot->led = STATION_LED_IDLE;
  set_string (&slot->step, NULL);
  slot->unit_started = slot->step_started = 0;
  slot->step_limit_ms = 0;
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
