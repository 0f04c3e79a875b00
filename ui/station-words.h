/* ui/station-words.h - what the technician reads for the engine's names:
 * step names, results and failure codes in words (translated). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* station_ui_init: binds the "station" text domain (STATION_LOCALEDIR, or
 * $STATION_LOCALEDIR) and registers the app's resources.  Idempotent;
 * every widget class of the app calls it. */
void station_ui_init (void);

/* station_words_step: "Attach to network" for "attach"; @step itself when
 * unknown.  Static (translated) string. */
const char *station_words_step (const char *step);

/* station_words_failure: what @code means ("No SIM card in the unit" for
 * "sim-missing"), or NULL for an unknown code. */
const char *station_words_failure (const char *code);

/* station_words_result: "Passed", "Failed" or "Error" for the engine's
 * result names. */
const char *station_words_result (const char *result);

/* station_words_unit_state: the store's unit states ("new", "running",
 * "passed", "failed", "error") in words. */
const char *station_words_unit_state (const char *state);

/* station_words_key: what a lookup matched ("device_id", "imsi", "iccid",
 * "imei", "label") in words ("device ID", "label", ...). */
const char *station_words_key (const char *key);

/* station_words_sim_status: a SORACOM SIM status ("standby", ...) in words
 * with the API's name second ("Standby: no cost until first use
 * (standby)"); @status itself when unknown.  Free with g_free(). */
char *station_words_sim_status (const char *status);

/* station_words_time: an ISO 8601 time of the records as local time
 * ("2026-12-04 15:19:55"); @iso itself when it does not parse, NULL for
 * NULL.  Free with g_free(). */
char *station_words_time (const char *iso);

/* station_words_step_state: a journal step's state ("done", "failed",
 * "intent", "skipped") in words. */
const char *station_words_step_state (const char *state);

/* station_words_lookup_error: what the technician reads when a scanned
 * code is refused or not found (translated, plain words, with @code). Free
 * with g_free(). */
char *station_words_lookup_error (const GError *error, const char *code);

G_END_DECLS
