/* ui/station-window-dialogs.c - the window's questions: closing while units
 * are in the slots (which slots stop, then which units are left to
 * resume), and reprinting a label with its reason. */
#define G_LOG_DOMAIN "station-ui"

#include <glib/gi18n.h>

#include "ui/station-window-private.h"
#include "ui/station-words.h"

static void
reprint_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (StationWindow) self = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *payload = station_run_reprint_finish (STATION_RUN (source), result, &error);
  const char *device = station_record_view_get_device_id (self->record_view);

  if (payload == NULL) {
    g_autofree char *words = station_words_lookup_error (error, device ? device : "");
    g_autofree char *text = g_strdup_printf (_ ("Label not printed again: %s"), words);

    station_window_show_notice (self, STATION_NOTICE_ERROR, text);
    return;
  }
  {
    g_autofree char *text = g_strdup_printf (_ ("Label of %s printed again"), device);

    station_window_show_notice (self, STATION_NOTICE_INFO, text);
  }
  /* the record shows the new label and its reason */
  if (device != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (self), "lookup", g_variant_new_string (device));
}

static void
on_reprint_response (StationWindow *self, int response, GtkDialog *dialog)
{
  g_autofree char *reason = g_strstrip (g_strdup (gtk_entry_get_text (self->reprint_entry)));
  const char *device = station_record_view_get_device_id (self->record_view);

  if (response == GTK_RESPONSE_ACCEPT && *reason == '\0') {
    /* a reprint needs its reason: the dialog stays */
    gtk_widget_grab_focus (GTK_WIDGET (self->reprint_entry));
    return;
  }
  if (response == GTK_RESPONSE_ACCEPT && device != NULL)
    station_run_reprint_async (self->run, device, reason, NULL, reprint_done, g_object_ref (self));
  self->reprint_entry = NULL;
  g_clear_pointer (&self->reprint_dialog, gtk_widget_destroy);
  gtk_widget_grab_focus (GTK_WIDGET (self->scan_entry));
}

void
station_window_action_reprint (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  StationWindow *self = data;
  const char *device = station_record_view_get_device_id (self->record_view);
  static const char *const reasons[] = { N_ ("Label damaged or torn"), N_ ("Label does not scan"),
                                         N_ ("Label lost"), N_ ("Wrong label on the unit") };
  GtkWidget *dialog, *box, *combo, *label;
  g_autofree char *title = NULL;

  if (device == NULL || self->reprint_dialog != NULL)
    return;
  title = g_strdup_printf (_ ("Reprint the label of %s"), device);
  dialog = gtk_dialog_new_with_buttons (
      title, GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, _ ("_Cancel"),
      GTK_RESPONSE_CANCEL, _ ("_Reprint"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  box = gtk_dialog_get_content_area (GTK_DIALOG (dialog));
  g_object_set (box, "margin", 16, "spacing", 8, NULL);
  label = gtk_label_new (_ ("Why is the label printed again? The reason is kept with the unit."));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_container_add (GTK_CONTAINER (box), label);
  combo = gtk_combo_box_text_new_with_entry ();
  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (combo), _ (reasons[i]));
  gtk_container_add (GTK_CONTAINER (box), combo);
  self->reprint_entry = GTK_ENTRY (gtk_bin_get_child (GTK_BIN (combo)));
  gtk_entry_set_activates_default (self->reprint_entry, TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_reprint_response), self,
                           G_CONNECT_SWAPPED);
  self->reprint_dialog = dialog;
  gtk_widget_show_all (dialog);
}

static void
on_resume_response (StationWindow *self, int response, GtkDialog *dialog)
{
  self->resume_dialog = NULL;
  gtk_widget_destroy (GTK_WIDGET (dialog));
  gtk_widget_destroy (GTK_WIDGET (self));
}

/* The stop asked by closing is done: say which units were left half done
 * (they resume when put in again), then close. */
void
station_window_close_after_stop (StationWindow *self)
{
  const char *const *left = station_run_get_interrupted (self->run);
  g_autofree char *list = NULL;
  GtkWidget *dialog;

  if (left == NULL || left[0] == NULL) {
    gtk_widget_destroy (GTK_WIDGET (self));
    return;
  }
  list = g_strjoinv ("\n", (char **)left);
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL, GTK_MESSAGE_WARNING,
                                   GTK_BUTTONS_CLOSE, "%s",
                                   _ ("Stopped. These units were left half done:"));
  gtk_message_dialog_format_secondary_text (
      GTK_MESSAGE_DIALOG (dialog), "%s\n\n%s", list,
      _ ("Nothing is lost: put each one in again and press Start; it resumes where it stopped."));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_resume_response), self,
                           G_CONNECT_SWAPPED);
  self->resume_dialog = dialog;
  gtk_widget_show (dialog);
}

static void
on_close_response (StationWindow *self, int response, GtkDialog *dialog)
{
  self->close_dialog = NULL;
  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response != GTK_RESPONSE_ACCEPT)
    return;
  self->close_when_done = TRUE;
  station_run_stop (self->run);
  station_window_sync_state (self);
}

/* Closing while units are in the slots asks first, naming the slots that
 * will stop; then each slot finishes (or rolls back) its step, the store
 * stays consistent, and the window says which units are left to resume. */
gboolean
station_window_delete_event (GtkWidget *widget, GdkEventAny *event)
{
  StationWindow *self = STATION_WINDOW (widget);
  GListModel *slots = station_run_get_slots (self->run);
  g_autoptr (GString) busy = g_string_new (NULL);
  GtkWidget *dialog;

  if (!station_run_is_busy (self->run))
    return GDK_EVENT_PROPAGATE;
  if (self->close_when_done || self->close_dialog != NULL)
    return GDK_EVENT_STOP; /* already asked */
  if (!station_run_is_running (self->run)) {
    /* only opening the line: nothing to lose */
    self->close_when_done = TRUE;
    station_run_stop (self->run);
    return GDK_EVENT_STOP;
  }
  for (guint i = 0; i < g_list_model_get_n_items (slots); i++) {
    g_autoptr (StationSlot) slot = g_list_model_get_item (slots, i);
    const char *device = station_slot_get_device_id (slot);

    if (station_slot_get_led (slot) != STATION_LED_BUSY
        && station_slot_get_next_device_id (slot) == NULL)
      continue;
    g_string_append_printf (busy, _ ("Slot %u: %s"), station_slot_get_number (slot),
                            device ? device : _ ("starting"));
    g_string_append_c (busy, '\n');
  }
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL, GTK_MESSAGE_QUESTION,
                                   GTK_BUTTONS_NONE, "%s", _ ("Stop the line and close?"));
  gtk_message_dialog_format_secondary_text (
      GTK_MESSAGE_DIALOG (dialog), "%s%s%s",
      busy->len ? _ ("These slots will stop:\n") : _ ("No unit is in a slot now."), busy->str,
      _ ("Each finishes or undoes its current step; the units resume when put in again."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _ ("_Keep running"), GTK_RESPONSE_CANCEL,
                          _ ("_Stop and close"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response), self,
                           G_CONNECT_SWAPPED);
  self->close_dialog = dialog;
  gtk_widget_show (dialog);
  return GDK_EVENT_STOP;
}

void
station_window_stop_and_close (StationWindow *self)
{
  g_clear_pointer (&self->close_dialog, gtk_widget_destroy);
  if (!station_run_is_busy (self->run)) {
    gtk_widget_destroy (GTK_WIDGET (self));
    return;
  }
  self->close_when_done = TRUE;
  station_run_stop (self->run);
  station_window_sync_state (self);
}
