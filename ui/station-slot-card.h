/* ui/station-slot-card.h - one fixture slot on the operator's screen: its
 * number, the device ID in it, the current step with a progress bar over
 * the pipeline's steps, a coloured LED (idle grey, busy amber, pass green,
 * fail red) and the last failure in words.  It shows a StationSlot and
 * follows its "changed" signal; it holds no logic of its own. */
#pragma once

#include <gtk/gtk.h>

#include "ui/station-models.h"

G_BEGIN_DECLS

#define STATION_TYPE_SLOT_CARD (station_slot_card_get_type ())
G_DECLARE_FINAL_TYPE (StationSlotCard, station_slot_card, STATION, SLOT_CARD, GtkBox)

/* station_slot_card_new: a card showing @slot (a reference is kept). */
GtkWidget *station_slot_card_new (StationSlot *slot);

StationSlot *station_slot_card_get_slot (StationSlotCard *card);

G_END_DECLS
