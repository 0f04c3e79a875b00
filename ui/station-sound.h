/* ui/station-sound.h - the line's sounds: one for a unit that failed,
 * another for one that passed, as freedesktop event sounds.  The only file
 * that talks to the sound library (GSound, over libcanberra); a sound
 * server missing is not an error (the screen says everything).  Tests
 * replace the player with a recorder and check what was asked. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  STATION_SOUND_PASS, /* "complete" */
  STATION_SOUND_FAIL, /* "dialog-error" */
} StationSoundEvent;

/* station_sound_event_id: the freedesktop sound-theme event id of @event. */
const char *station_sound_event_id (StationSoundEvent event);

/* A player: plays @event_id (a test records it instead). */
typedef void (*StationSoundPlayer) (const char *event_id, gpointer user_data);

typedef struct _StationSound StationSound;

/* station_sound_new: sounds on when @enabled.  The sound context opens on
 * first use. */
StationSound *station_sound_new (gboolean enabled);
void station_sound_free (StationSound *sound);

void station_sound_set_enabled (StationSound *sound, gboolean enabled);
gboolean station_sound_get_enabled (StationSound *sound);

/* station_sound_set_player: plays through @player instead of the sound
 * library (NULL: the library again). */
void station_sound_set_player (StationSound *sound, StationSoundPlayer player, gpointer user_data);

/* station_sound_play: plays @event when enabled; returns whether it was
 * asked for (a missing sound server is logged once at debug level). */
gboolean station_sound_play (StationSound *sound, StationSoundEvent event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StationSound, station_sound_free)

G_END_DECLS
