/* ui/station-login.h - the operator's badge + PIN login before Start
 * (issue 14).  A store whose operators have badges requires a login; the
 * operator then works as [station] operator (units, reprints and batch
 * actions record the name) and shows in the header.  The PIN is checked
 * against its salted hash in the store (store-operator.h); it is never
 * shown and its entry is wiped after each try. */
#pragma once

#include <gtk/gtk.h>

#include "station/config.h"

G_BEGIN_DECLS

/* station_login_required: TRUE when the store of @config has an operator
 * with a badge and @config names no operator yet.  FALSE (and the app
 * runs without a login) when the store cannot be read: opening the line
 * reports that. */
gboolean station_login_required (StationConfig *config);

/* station_login_submit: checks @badge and @pin against the store of
 * @config; on success sets [station] operator in @config and returns TRUE.
 * FALSE with a STATION_STORE_ERROR message to show otherwise (a wrong PIN
 * and an unknown badge read the same).  Each try is audited. */
gboolean station_login_submit (StationConfig *config, const char *badge, const char *pin,
                               GError **error);

/* station_login_dialog_new: a modal dialog (badge entry, hidden PIN
 * entry, an error line) over @parent.  Its OK response checks the entries
 * with station_login_submit(): a failure shows the message in the dialog,
 * clears the PIN and keeps it open; a success emits GTK_RESPONSE_ACCEPT.
 * Widgets are named "badge_entry", "pin_entry" and "error_label"
 * (gtk_widget_get_name) for tests. */
GtkWidget *station_login_dialog_new (GtkWindow *parent, StationConfig *config);

G_END_DECLS
