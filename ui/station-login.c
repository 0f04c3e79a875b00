/* ui/station-login.c - the operator's badge + PIN login before Start. */
#define G_LOG_DOMAIN "station-ui"

#include "ui/station-login.h"

#include <glib/gi18n.h>
#include <string.h>

#include "station/secret.h"
#include "station/store/store.h"

gboolean
station_login_required (StationConfig *config)
{
  g_autofree char *who = station_config_get_string (config, "station", "operator", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = NULL;
  gboolean any = FALSE;

  if (who != NULL && *who != '\0')
    return FALSE;
  store = store_open_from_config (config, STORE_OPEN_DEFAULT, &error);
  if (store == NULL || !store_operator_has_badges (store, &any, &error)) {
    g_debug ("no login: %s", error->message);
    return FALSE;
  }
  return any;
}

gboolean
station_login_submit (StationConfig *config, const char *badge, const char *pin, GError **error)
{
  g_autoptr (Store) store = store_open_from_config (config, STORE_OPEN_DEFAULT, error);
  g_autofree char *name = NULL;

  if (store == NULL || !store_operator_login (store, badge, pin, &name, error))
    return FALSE;
  station_config_set_string (config, "station", "operator", name);
  return TRUE;
}

static GtkWidget *
child_named (GtkWidget *dialog, const char *name)
{
  return g_object_get_data (G_OBJECT (dialog), name);
}

static void
on_response (GtkDialog *dialog, int response, gpointer data)
{
  StationConfig *config = data;
  GtkEntry *badge = GTK_ENTRY (child_named (GTK_WIDGET (dialog), "badge_entry"));
  GtkEntry *pin = GTK_ENTRY (child_named (GTK_WIDGET (dialog), "pin_entry"));
  GtkLabel *label = GTK_LABEL (child_named (GTK_WIDGET (dialog), "error_label"));
  g_autoptr (GError) error = NULL;
  char *pin_text;
  gboolean ok;

  if (response != GTK_RESPONSE_OK)
    return;
  g_signal_stop_emission_by_name (dialog, "response");
  pin_text = g_strdup (gtk_entry_get_text (pin));
  /* the PIN leaves the entry at once, whatever the outcome */
  gtk_entry_set_text (pin, "");
  ok = station_login_submit (config, gtk_entry_get_text (badge), pin_text, &error);
  station_secret_free (pin_text);
  if (!ok) {
    gtk_label_set_text (label, error->message);
    gtk_widget_show (GTK_WIDGET (label));
    gtk_widget_grab_focus (GTK_WIDGET (badge));
    return;
  }
  gtk_dialog_response (dialog, GTK_RESPONSE_ACCEPT);
}

static GtkWidget *
add_named (GtkWidget *dialog, GtkWidget *w, const char *name)
{
  gtk_widget_set_name (w, name);
  g_object_set_data (G_OBJECT (dialog), name, w);
  return w;
}

GtkWidget *
station_login_dialog_new (GtkWindow *parent, StationConfig *config)
{
  GtkWidget *dialog = gtk_dialog_new_with_buttons (
      _ ("Operator login"), parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
      _ ("_Cancel"), GTK_RESPONSE_CANCEL, _ ("_Log in"), GTK_RESPONSE_OK, NULL);
  GtkWidget *area = gtk_dialog_get_content_area (GTK_DIALOG (dialog));
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *badge = add_named (dialog, gtk_entry_new (), "badge_entry");
  GtkWidget *pin = add_named (dialog, gtk_entry_new (), "pin_entry");
  GtkWidget *error = add_named (dialog, gtk_label_new (NULL), "error_label");

  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_container_set_border_width (GTK_CONTAINER (grid), 12);
  gtk_grid_attach (GTK_GRID (grid), gtk_label_new (_ ("Scan your badge")), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), badge, 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), gtk_label_new (_ ("PIN")), 0, 1, 1, 1);
  gtk_entry_set_visibility (GTK_ENTRY (pin), FALSE);
  gtk_entry_set_input_purpose (GTK_ENTRY (pin), GTK_INPUT_PURPOSE_PIN);
  gtk_entry_set_activates_default (GTK_ENTRY (pin), TRUE);
  gtk_grid_attach (GTK_GRID (grid), pin, 1, 1, 1, 1);
  gtk_label_set_line_wrap (GTK_LABEL (error), TRUE);
  gtk_grid_attach (GTK_GRID (grid), error, 0, 2, 2, 1);
  gtk_container_add (GTK_CONTAINER (area), grid);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
  gtk_widget_show_all (grid);
  gtk_widget_hide (error);
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), config);
  return dialog;
}
