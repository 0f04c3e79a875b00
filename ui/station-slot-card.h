/* ui/station-slot-card.h - one fixture slot as a tile of the line screen,
 * coloured by state (grey empty, amber working, green PASS, red FAIL): its
 * number and unit, a large word, one line saying what to do, the step with
 * a progress bar over the pipeline's steps, the unit's and step's elapsed
 * time with what is left of the step's limit, and a failure in words
 * (code second).  A FAIL stays until acknowledged (StationSlot).  It shows
 * a StationSlot and follows its "changed" signal; no logic of its own. */
#pragma once

#include <gtk/gtk.h>

#include "ui/station-models.h"

G_BEGIN_DECLS

#define STATION_TYPE_SLOT_CARD (station_slot_card_get_type ())
G_DECLARE_FINAL_TYPE (StationSlotCard, station_slot_card, STATION, SLOT_CARD, GtkBox)

/* station_slot_card_new: a card showing @slot (a reference is kept). */
GtkWidget *station_slot_card_new (StationSlot *slot);

StationSlot *station_slot_card_get_slot (StationSlotCard *card);

/* station_slot_card_tick: refreshes the times at @now (monotonic µs). */
void station_slot_card_tick (StationSlotCard *card, gint64 now);

G_END_DECLS
