/* ui/station-slot-card.c - one fixture slot as a tile on the line screen. */
#define G_LOG_DOMAIN "station-ui"

#include "ui/station-slot-card.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ui/station-words.h"

struct _StationSlotCard {
  GtkBox parent_instance;

  StationSlot *slot;
  gulong changed_id;
  const char *size_class;
  int verdict_size; /* Pango units, 0 before the first allocation */

  GtkWidget *led;
  GtkLabel *title_label;
  GtkLabel *device_label;
  GtkLabel *verdict_label;
  GtkLabel *action_label;
  GtkLabel *step_label;
  GtkProgressBar *progress;
  GtkLabel *time_label;
  GtkLabel *failure_label;
};

G_DEFINE_FINAL_TYPE (StationSlotCard, station_slot_card, GTK_TYPE_BOX)

static void
set_state_class (GtkWidget *widget, StationLed led)
{
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  static const StationLed all[]
      = { STATION_LED_IDLE, STATION_LED_BUSY, STATION_LED_PASS, STATION_LED_FAIL };

  for (gsize i = 0; i < G_N_ELEMENTS (all); i++)
    gtk_style_context_remove_class (style, station_led_css_class (all[i]));
  gtk_style_context_add_class (style, station_led_css_class (led));
}

static void
card_sync (StationSlotCard *self)
{
  StationSlot *slot = self->slot;
  const char *step = station_slot_get_step (slot);
  const char *code = station_slot_get_failure_code (slot);
  const char *failed = station_slot_get_failed_device_id (slot);
  const char *next = station_slot_get_next_device_id (slot);
  const char *interrupted = station_slot_get_interrupted (slot);
  const char *device = failed ? failed : station_slot_get_device_id (slot);
  guint index = station_slot_get_step_index (slot), count = station_slot_get_step_count (slot);
  StationLed led = station_slot_get_led (slot);
  g_autofree char *title = g_strdup_printf (_ ("Slot %u"), station_slot_get_number (slot));
  g_autofree char *step_text = NULL, *action = NULL;
  const char *verdict;

  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->device_label, device ? device : _ ("empty"));
  if (led == STATION_LED_FAIL) {
    verdict = _ ("FAIL");
    action = g_strdup (_ ("Reject tray · scan it or press F4"));
  } else if (led == STATION_LED_PASS) {
    verdict = _ ("PASS");
    action = g_strdup (_ ("Put it in the good tray"));
  } else if (led == STATION_LED_BUSY) {
    verdict = _ ("WORKING");
    action = g_strdup (_ ("Leave the unit in the slot"));
  } else if (interrupted != NULL) {
    verdict = _ ("STOPPED");
    action = g_strdup_printf (_ ("Put %s in again to resume"), interrupted);
  } else {
    verdict = _ ("EMPTY");
    action = g_strdup (_ ("Waiting for a unit"));
  }
  if (g_strcmp0 (gtk_label_get_text (self->verdict_label), verdict) != 0) {
    gtk_label_set_text (self->verdict_label, verdict);
    self->verdict_size = 0; /* sized again for its length */
    gtk_widget_queue_resize (GTK_WIDGET (self));
  }
  gtk_label_set_text (self->action_label, action);

  if (next != NULL && step != NULL)
    step_text = g_strdup_printf (_ ("Next unit %s: %s (step %u of %u)"), next,
                                 station_words_step (step), index, count);
  else if (next != NULL)
    step_text = g_strdup_printf (_ ("Next unit %s: starting…"), next);
  else if (led == STATION_LED_BUSY && step != NULL)
    step_text = g_strdup_printf (_ ("%s (step %u of %u)"), station_words_step (step), index, count);
  else if (led == STATION_LED_BUSY)
    step_text = g_strdup (_ ("Starting…"));
  else if (led == STATION_LED_PASS)
    step_text = g_strdup (_ ("All steps done"));
  else if (led == STATION_LED_FAIL && step != NULL)
    step_text = g_strdup_printf (_ ("Stopped at: %s"), station_words_step (step));
  else
    step_text = g_strdup ("");
  gtk_label_set_text (self->step_label, step_text);
  gtk_progress_bar_set_fraction (self->progress, count > 0 ? (double)index / count : 0.0);
  set_state_class (self->led, led);
  set_state_class (GTK_WIDGET (self), led);
  station_slot_card_tick (self, g_get_monotonic_time ());

  if (led == STATION_LED_FAIL && code != NULL) {
    const char *words = station_words_failure (code);
    const char *message = station_slot_get_message (slot);
    g_autofree char *text = words ? g_strdup_printf ("%s (%s)", words, code) : g_strdup (code);
    g_autofree char *tip
        = g_strdup_printf ("%s%s%s", text, message ? "\n" : "", message ? message : "");

    gtk_label_set_text (self->failure_label, text);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->failure_label), tip);
    gtk_widget_show (GTK_WIDGET (self->failure_label));
  } else {
    gtk_widget_hide (GTK_WIDGET (self->failure_label));
  }
}

void
station_slot_card_tick (StationSlotCard *self, gint64 now)
{
  g_autofree char *text = station_slot_time_text (self->slot, now);

  gtk_label_set_text (self->time_label, text ? text : "");
}

/* Fonts follow the tile: a larger tile gets larger words (style.css). */
static void
station_slot_card_size_allocate (GtkWidget *widget, GtkAllocation *allocation)
{
  StationSlotCard *self = STATION_SLOT_CARD (widget);
  const char *size = allocation->height >= 480 && allocation->width >= 400   ? "size-l"
                     : allocation->height >= 300 && allocation->width >= 280 ? "size-m"
                                                                             : "size-s";

  /* the big word as large as the tile allows: a third of its height, and
   * its letters across the width */
  {
    int chars = MAX (4, g_utf8_strlen (gtk_label_get_text (self->verdict_label), -1));
    gboolean wide = g_utf8_strlen (gtk_label_get_text (self->verdict_label), -1)
                    < (glong)strlen (gtk_label_get_text (self->verdict_label));
    double px
        = MIN (allocation->height * 0.25, (allocation->width - 36) / (chars * (wide ? 1.15 : 0.9)));
    int pango_size = (int)CLAMP (px, 28, 170) * PANGO_SCALE;

    if (pango_size != self->verdict_size) {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_size_new_absolute (pango_size));
      gtk_label_set_attributes (self->verdict_label, attrs);
      pango_attr_list_unref (attrs);
      self->verdict_size = pango_size;
    }
  }
  GTK_WIDGET_CLASS (station_slot_card_parent_class)->size_allocate (widget, allocation);
  if (size != self->size_class) {
    GtkStyleContext *style = gtk_widget_get_style_context (widget);

    if (self->size_class != NULL)
      gtk_style_context_remove_class (style, self->size_class);
    gtk_style_context_add_class (style, size);
    self->size_class = size;
  }
}

static void
station_slot_card_dispose (GObject *object)
{
  StationSlotCard *self = STATION_SLOT_CARD (object);

  if (self->slot != NULL) {
    g_clear_signal_handler (&self->changed_id, self->slot);
    g_clear_object (&self->slot);
  }
  G_OBJECT_CLASS (station_slot_card_parent_class)->dispose (object);
}

static void
station_slot_card_class_init (StationSlotCardClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  station_ui_init ();
  G_OBJECT_CLASS (klass)->dispose = station_slot_card_dispose;
  widget_class->size_allocate = station_slot_card_size_allocate;
  gtk_widget_class_set_template_from_resource (widget_class, "/station/ui/station-slot-card.ui");
  gtk_widget_class_bind_template_child (widget_class, StationSlotCard, led);
  gtk_widget_class_bind_template_child (widget_class, StationSlotCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, StationSlotCard, device_label);
  gtk_widget_class_bind_template_child (widget_class, StationSlotCard, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, StationSlotCard, action_label);
  gtk_widget_class_bind_template_child (widget_class, StationSlotCard, step_label);
  gtk_widget_class_bind_template_child (widget_class, StationSlotCard, progress);
  gtk_widget_class_bind_template_child (widget_class, StationSlotCard, time_label);
  gtk_widget_class_bind_template_child (widget_class, StationSlotCard, failure_label);
}

static void
station_slot_card_init (StationSlotCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->size_class = "size-s";
}

GtkWidget *
station_slot_card_new (StationSlot *slot)
{
  StationSlotCard *self = g_object_new (STATION_TYPE_SLOT_CARD, NULL);

  self->slot = g_object_ref (slot);
  self->changed_id = g_signal_connect_swapped (slot, "changed", G_CALLBACK (card_sync), self);
  card_sync (self);
  return GTK_WIDGET (self);
}

StationSlot *
station_slot_card_get_slot (StationSlotCard *card)
{
  return card->slot;
}
