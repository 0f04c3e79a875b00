/* ui/station-record-view.h - the record of one unit as a scan found it:
 * state, identities, the SIM as the SORACOM API shows it now, every step
 * of its journal and its labels.  Shows the JSON of unit_lookup_record(). */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define STATION_TYPE_RECORD_VIEW (station_record_view_get_type ())
G_DECLARE_FINAL_TYPE (StationRecordView, station_record_view, STATION, RECORD_VIEW, GtkBox)

GtkWidget *station_record_view_new (void);

/* station_record_view_show: shows @record (an object as `station-cli
 * lookup` prints it). */
void station_record_view_show (StationRecordView *view, JsonObject *record);

/* station_record_view_set_warning: a loud warning above the record (the
 * scanned label disagrees with it), or none for NULL. */
void station_record_view_set_warning (StationRecordView *view, const char *warning);
const char *station_record_view_get_warning (StationRecordView *view); /* NULL: none */

/* station_record_view_show_message: no record: says why (@code not found,
 * a malformed code, or "Looking up…"). */
void station_record_view_show_message (StationRecordView *view, const char *title,
                                       const char *message);

/* station_record_view_get_device_id: the device ID shown, or NULL. */
const char *station_record_view_get_device_id (StationRecordView *view);

G_END_DECLS
