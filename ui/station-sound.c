/* ui/station-sound.c - event sounds through GSound (the one wrapper). */
#define G_LOG_DOMAIN "station-ui"

#include "ui/station-sound.h"

#include <gsound.h>

struct _StationSound {
  gboolean enabled;
  GSoundContext *context;
  gboolean context_failed;
  StationSoundPlayer player;
  gpointer player_data;
};

const char *
station_sound_event_id (StationSoundEvent event)
{
  return event == STATION_SOUND_FAIL ? "dialog-error" : "complete";
}

StationSound *
station_sound_new (gboolean enabled)
{
  StationSound *sound = g_new0 (StationSound, 1);

  sound->enabled = enabled;
  return sound;
}

void
station_sound_free (StationSound *sound)
{
  if (sound == NULL)
    return;
  g_clear_object (&sound->context);
  g_free (sound);
}

void
station_sound_set_enabled (StationSound *sound, gboolean enabled)
{
  sound->enabled = enabled;
}

gboolean
station_sound_get_enabled (StationSound *sound)
{
  return sound->enabled;
}

void
station_sound_set_player (StationSound *sound, StationSoundPlayer player, gpointer user_data)
{
  sound->player = player;
  sound->player_data = user_data;
}

static void
library_play (StationSound *sound, const char *event_id)
{
  g_autoptr (GError) error = NULL;

  if (sound->context == NULL && !sound->context_failed) {
    sound->context = gsound_context_new (NULL, &error);
    if (sound->context == NULL) {
      g_debug ("no sounds: %s", error->message);
      sound->context_failed = TRUE;
      return;
    }
  }
  if (sound->context == NULL)
    return;
  if (!gsound_context_play_simple (sound->context, NULL, &error, GSOUND_ATTR_EVENT_ID, event_id,
                                   GSOUND_ATTR_EVENT_DESCRIPTION, event_id, NULL))
    g_debug ("sound %s not played: %s", event_id, error->message);
}

gboolean
station_sound_play (StationSound *sound, StationSoundEvent event)
{
  const char *id = station_sound_event_id (event);

  if (!sound->enabled)
    return FALSE;
  if (sound->player != NULL)
    sound->player (id, sound->player_data);
  else
    library_play (sound, id);
  return TRUE;
}
