/* ui/station-slot-card.c - one fixture slot on the operator's screen. */
#define G_LOG_DOMAIN "station-ui"

#include "ui/station-slot-card.h"

#include <glib/gi18n.h>

#include "ui/station-words.h"

struct _StationSlotCard {
  GtkBox parent_instance;

  StationSlot *slot;
  gulong changed_id;

  GtkWidget *led;
  GtkLabel *title_label;
  GtkLabel *device_label;
  GtkLabel *step_label;
  GtkProgressBar *progress;
  GtkLabel *failure_label;
};

G_DEFINE_FINAL_TYPE (StationSlotCard, station_slot_card, GTK_TYPE_BOX)

static void
set_led (StationSlotCard *self, StationLed led)
{
  GtkStyleContext *style = gtk_widget_get_style_context (self->led);
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
  const char *device = station_slot_get_device_id (slot);
  const char *step = station_slot_get_step (slot);
  const char *code = station_slot_get_failure_code (slot);
  guint index = station_slot_get_step_index (slot), count = station_slot_get_step_count (slot);
  StationLed led = station_slot_get_led (slot);
  g_autofree char *title = g_strdup_printf (_ ("Slot %u"), station_slot_get_number (slot));
  g_autofree char *step_text = NULL;

  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->device_label, device ? device : _ ("empty"));
  if (led == STATION_LED_BUSY && step != NULL)
    step_text = g_strdup_printf (_ ("%s (step %u of %u)"), station_words_step (step), index, count);
  else if (led == STATION_LED_BUSY)
    step_text = g_strdup (_ ("Starting…"));
  else if (led == STATION_LED_PASS)
    step_text = g_strdup (_ ("Passed: take the unit to the good tray"));
  else if (led == STATION_LED_FAIL)
    step_text = g_strdup (_ ("Not passed: take the unit to the reject tray"));
  else
    step_text = g_strdup (_ ("Waiting for a unit"));
  gtk_label_set_text (self->step_label, step_text);
  gtk_progress_bar_set_fraction (self->progress, count > 0 ? (double)index / count : 0.0);
  set_led (self, led);

  if (led == STATION_LED_FAIL && code != NULL) {
    const char *words = station_words_failure (code);
    const char *message = station_slot_get_message (slot);
    g_autofree char *text = g_strdup_printf ("%s — %s%s%s", code, words ? words : "",
                                             message && words ? ": " : "", message ? message : "");

    gtk_label_set_text (self->failure_label, text);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->failure_label), text);
    gtk_widget_show (GTK_WIDGET (self->failure_label));
  } else {
    gtk_widget_hide (GTK_WIDGET (self->failure_label));
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
  gtk_widget_class_set_template_from_resource (widget_class, "/station/ui/station-slot-card.ui");
  gtk_widget_class_bind_template_child (widget_class, StationSlotCard, led);
  gtk_widget_class_bind_template_child (widget_class, StationSlotCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, StationSlotCard, device_label);
  gtk_widget_class_bind_template_child (widget_class, StationSlotCard, step_label);
  gtk_widget_class_bind_template_child (widget_class, StationSlotCard, progress);
  gtk_widget_class_bind_template_child (widget_class, StationSlotCard, failure_label);
}

static void
station_slot_card_init (StationSlotCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
