/* ui/station-record-view.c - the record of one unit as a scan found it. */
#define G_LOG_DOMAIN "station-ui"

#include "ui/station-record-view.h"

#include <glib/gi18n.h>

#include "ui/station-words.h"

struct _StationRecordView {
  GtkBox parent_instance;

  char *device_id;

  GtkLabel *title_label;
  GtkLabel *state_label;
  GtkLabel *subtitle_label;
  GtkLabel *warning_label;
  GtkWidget *reprint_button;
  GtkGrid *ident_grid;
  GtkWidget *sim_heading;
  GtkGrid *sim_grid;
  GtkWidget *steps_heading;
  GtkListBox *steps_list;
  GtkWidget *labels_heading;
  GtkBox *labels_box;
};

G_DEFINE_FINAL_TYPE (StationRecordView, station_record_view, GTK_TYPE_BOX)

static const char *
member (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  if (n == NULL || JSON_NODE_HOLDS_NULL (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static void
clear (GtkContainer *container)
{
  g_autoptr (GList) children = gtk_container_get_children (container);

  for (GList *l = children; l != NULL; l = l->next)
    gtk_widget_destroy (l->data);
}

static GtkWidget *
value_label (const char *text, gboolean mono)
{
  GtkWidget *label = gtk_label_new (text != NULL ? text : "—");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* selectable for copying, but not a Tab stop: Tab goes from the scan
   * field to the buttons, never through the record's fields */
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_can_focus (label, FALSE);
  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_line_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_widget_set_hexpand (label, TRUE);
  if (mono)
    gtk_style_context_add_class (gtk_widget_get_style_context (label), "monospace");
  return label;
}

static void
add_row (GtkGrid *grid, int *row, const char *name, const char *value, gboolean mono)
{
  GtkWidget *key = gtk_label_new (name);

  gtk_label_set_xalign (GTK_LABEL (key), 1);
  gtk_label_set_yalign (GTK_LABEL (key), 0);
  gtk_style_context_add_class (gtk_widget_get_style_context (key), "dim-label");
  gtk_grid_attach (grid, key, 0, *row, 1, 1);
  gtk_grid_attach (grid, value_label (value, mono), 1, *row, 1, 1);
  (*row)++;
}

static void
set_state_badge (StationRecordView *self, const char *state)
{
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self->state_label));
  static const char *const states[] = { "passed", "failed", "error", "new", "running" };

  for (gsize i = 0; i < G_N_ELEMENTS (states); i++)
    gtk_style_context_remove_class (style, states[i]);
  if (state != NULL) {
    gtk_style_context_add_class (style, state);
    gtk_label_set_text (self->state_label, station_words_unit_state (state));
  }
  gtk_widget_set_visible (GTK_WIDGET (self->state_label), state != NULL);
}

static void
show_sections (StationRecordView *self, gboolean visible)
{
  gtk_widget_set_visible (GTK_WIDGET (self->ident_grid), visible);
  gtk_widget_set_visible (self->sim_heading, visible);
  gtk_widget_set_visible (GTK_WIDGET (self->sim_grid), visible);
  gtk_widget_set_visible (self->steps_heading, visible);
  gtk_widget_set_visible (GTK_WIDGET (self->steps_list), visible);
  gtk_widget_set_visible (self->labels_heading, visible);
  gtk_widget_set_visible (GTK_WIDGET (self->labels_box), visible);
  gtk_widget_set_visible (self->reprint_button, visible);
}

static void
fill_sim (StationRecordView *self, JsonObject *record)
{
  JsonNode *node = json_object_get_member (record, "sim");
  int row = 0;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node)) {
    const char *why = member (record, "sim_error");
    g_autofree char *text
        = g_strdup_printf (_ ("Not available: %s"), why != NULL ? why : _ ("not asked"));

    add_row (self->sim_grid, &row, _ ("Status"), text, FALSE);
  } else {
    JsonObject *sim = json_node_get_object (node);
    JsonNode *tags = json_object_get_member (sim, "tags");
    g_autoptr (GString) tag_text = g_string_new (NULL);

    g_autofree char *status = station_words_sim_status (member (sim, "status"));

    add_row (self->sim_grid, &row, _ ("Status"), status, FALSE);
    add_row (self->sim_grid, &row, _ ("Online"),
             json_object_get_boolean_member_with_default (sim, "online", FALSE) ? _ ("yes")
                                                                                : _ ("no"),
             FALSE);
    add_row (self->sim_grid, &row, _ ("IMEI lock"),
             member (sim, "imei_lock") ? member (sim, "imei_lock") : _ ("not locked"), TRUE);
    if (member (sim, "group_id") != NULL)
      add_row (self->sim_grid, &row, _ ("Group"), member (sim, "group_id"), TRUE);
    if (tags != NULL && JSON_NODE_HOLDS_OBJECT (tags)) {
      g_autoptr (GList) names = json_object_get_members (json_node_get_object (tags));

      names = g_list_sort (names, (GCompareFunc)g_strcmp0);
      for (GList *l = names; l != NULL; l = l->next)
        g_string_append_printf (tag_text, "%s%s = %s", tag_text->len ? "\n" : "",
                                (const char *)l->data,
                                member (json_node_get_object (tags), l->data));
    }
    add_row (self->sim_grid, &row, _ ("Tags"), tag_text->len ? tag_text->str : NULL, TRUE);
  }
  gtk_widget_show_all (GTK_WIDGET (self->sim_grid));
}

static void
fill_steps (StationRecordView *self, JsonArray *steps)
{
  guint n = steps != NULL ? json_array_get_length (steps) : 0;

  for (guint i = 0; i < n && i < 500; i++) {
    JsonObject *s = json_array_get_object_element (steps, i);
    const char *state = member (s, "state"), *code = member (s, "failure_code");
    const char *detail = member (s, "detail");
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
    GtkWidget *mark, *name, *text;
    g_autofree char *name_text = NULL;

    if (s == NULL)
      continue;
    mark = gtk_label_new (g_strcmp0 (state, "done") == 0      ? "✔"
                          : g_strcmp0 (state, "failed") == 0  ? "✘"
                          : g_strcmp0 (state, "skipped") == 0 ? "–"
                                                              : "…");
    gtk_style_context_add_class (gtk_widget_get_style_context (mark), state ? state : "intent");
    if (json_object_get_int_member_with_default (s, "attempt", 1) > 1)
      name_text = g_strdup_printf (_ ("%s (attempt %d)"), station_words_step (member (s, "step")),
                                   (int)json_object_get_int_member_with_default (s, "attempt", 1));
    else
      name_text = g_strdup (station_words_step (member (s, "step")));
    name = gtk_label_new (name_text);
    gtk_label_set_xalign (GTK_LABEL (name), 0);
    gtk_widget_set_size_request (name, 170, -1);
    /* plain words (translated) first; the engine's English detail and the
     * code are the tooltip, for whoever fixes the station */
    if (code != NULL) {
      const char *words = station_words_failure (code);
      g_autofree char *shown = words ? g_strdup_printf ("%s (%s)", words, code) : g_strdup (code);

      text = gtk_label_new (shown);
    } else {
      text = gtk_label_new (station_words_step_state (state));
    }
    gtk_label_set_xalign (GTK_LABEL (text), 0);
    gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
    gtk_widget_set_tooltip_text (text, detail);
    gtk_widget_set_hexpand (text, TRUE);
    gtk_style_context_add_class (gtk_widget_get_style_context (text), "dim-label");
    gtk_container_add (GTK_CONTAINER (box), mark);
    gtk_container_add (GTK_CONTAINER (box), name);
    gtk_container_add (GTK_CONTAINER (box), text);
    g_object_set (box, "margin", 4, NULL);
    gtk_list_box_insert (self->steps_list, box, -1);
    /* the journal is read, not navigated: no Tab stop */
    gtk_widget_set_can_focus (gtk_widget_get_parent (box), FALSE);
  }
  gtk_widget_show_all (GTK_WIDGET (self->steps_list));
}

static void
fill_labels (StationRecordView *self, JsonArray *labels)
{
  guint n = labels != NULL ? json_array_get_length (labels) : 0;

  if (n == 0) {
    GtkWidget *none = value_label (_ ("No label printed yet"), FALSE);

    gtk_style_context_add_class (gtk_widget_get_style_context (none), "dim-label");
    gtk_container_add (GTK_CONTAINER (self->labels_box), none);
  }
  for (guint i = 0; i < n && i < 50; i++) {
    JsonObject *l = json_array_get_object_element (labels, i);
    g_autofree char *text = NULL, *printed = NULL;

    if (l == NULL)
      continue;
    printed = station_words_time (member (l, "printed_at"));
    if (member (l, "reprint_reason") != NULL)
      text = g_strdup_printf (_ ("%s\n%s · printed again: %s"), member (l, "payload"),
                              printed ? printed : "", member (l, "reprint_reason"));
    else
      text = g_strdup_printf ("%s\n%s", member (l, "payload"), printed ? printed : "");
    gtk_container_add (GTK_CONTAINER (self->labels_box), value_label (text, TRUE));
  }
  gtk_widget_show_all (GTK_WIDGET (self->labels_box));
}

static void
reset (StationRecordView *self)
{
  clear (GTK_CONTAINER (self->ident_grid));
  clear (GTK_CONTAINER (self->sim_grid));
  clear (GTK_CONTAINER (self->steps_list));
  clear (GTK_CONTAINER (self->labels_box));
  g_clear_pointer (&self->device_id, g_free);
}

void
station_record_view_show (StationRecordView *self, JsonObject *record)
{
  JsonNode *steps = json_object_get_member (record, "steps");
  JsonNode *labels = json_object_get_member (record, "labels");
  const char *code = member (record, "failure_code");
  g_autofree char *subtitle = NULL, *slot = NULL, *updated = NULL;
  int row = 0;

  reset (self);
  station_record_view_set_warning (self, NULL);
  self->device_id = g_strdup (member (record, "device_id"));
  gtk_label_set_text (self->title_label, self->device_id);
  set_state_badge (self, member (record, "state"));
  subtitle
      = g_strdup_printf (_ ("Found by its %s"), station_words_key (member (record, "matched")));
  gtk_label_set_text (self->subtitle_label, subtitle);

  if (code != NULL) {
    const char *words = station_words_failure (code);
    g_autofree char *text = words ? g_strdup_printf ("%s (%s)", words, code) : g_strdup (code);

    add_row (self->ident_grid, &row, _ ("Failure"), text, FALSE);
  }
  add_row (self->ident_grid, &row, _ ("Batch"), member (record, "batch"), FALSE);
  add_row (self->ident_grid, &row, _ ("IMEI"), member (record, "imei"), TRUE);
  add_row (self->ident_grid, &row, _ ("IMSI"), member (record, "imsi"), TRUE);
  add_row (self->ident_grid, &row, _ ("ICCID"), member (record, "iccid"), TRUE);
  if (member (record, "station") != NULL)
    add_row (self->ident_grid, &row, _ ("Station"), member (record, "station"), FALSE);
  if (json_object_has_member (record, "slot") && !json_object_get_null_member (record, "slot"))
    slot = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (record, "slot"));
  if (slot != NULL)
    add_row (self->ident_grid, &row, _ ("Slot"), slot, FALSE);
  updated = station_words_time (member (record, "updated_at"));
  add_row (self->ident_grid, &row, _ ("Updated"), updated, FALSE);
  gtk_widget_show_all (GTK_WIDGET (self->ident_grid));

  fill_sim (self, record);
  fill_steps (self, steps && JSON_NODE_HOLDS_ARRAY (steps) ? json_node_get_array (steps) : NULL);
  fill_labels (self,
               labels && JSON_NODE_HOLDS_ARRAY (labels) ? json_node_get_array (labels) : NULL);
  show_sections (self, TRUE);
}

void
station_record_view_set_warning (StationRecordView *self, const char *warning)
{
  gtk_label_set_text (self->warning_label, warning ? warning : "");
  gtk_widget_set_visible (GTK_WIDGET (self->warning_label), warning != NULL);
}

const char *
station_record_view_get_warning (StationRecordView *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->warning_label)))
    return NULL;
  return gtk_label_get_text (self->warning_label);
}

void
station_record_view_show_message (StationRecordView *self, const char *title, const char *message)
{
  reset (self);
  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->subtitle_label, message);
  station_record_view_set_warning (self, NULL);
  set_state_badge (self, NULL);
  show_sections (self, FALSE);
}

const char *
station_record_view_get_device_id (StationRecordView *self)
{
  return self->device_id;
}

static void
station_record_view_finalize (GObject *object)
{
  StationRecordView *self = STATION_RECORD_VIEW (object);

  g_free (self->device_id);
  G_OBJECT_CLASS (station_record_view_parent_class)->finalize (object);
}

static void
station_record_view_class_init (StationRecordViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  station_ui_init ();
  G_OBJECT_CLASS (klass)->finalize = station_record_view_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/station/ui/station-record-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StationRecordView, title_label);
  gtk_widget_class_bind_template_child (widget_class, StationRecordView, state_label);
  gtk_widget_class_bind_template_child (widget_class, StationRecordView, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, StationRecordView, warning_label);
  gtk_widget_class_bind_template_child (widget_class, StationRecordView, reprint_button);
  gtk_widget_class_bind_template_child (widget_class, StationRecordView, ident_grid);
  gtk_widget_class_bind_template_child (widget_class, StationRecordView, sim_heading);
  gtk_widget_class_bind_template_child (widget_class, StationRecordView, sim_grid);
  gtk_widget_class_bind_template_child (widget_class, StationRecordView, steps_heading);
  gtk_widget_class_bind_template_child (widget_class, StationRecordView, steps_list);
  gtk_widget_class_bind_template_child (widget_class, StationRecordView, labels_heading);
  gtk_widget_class_bind_template_child (widget_class, StationRecordView, labels_box);
}

static void
station_record_view_init (StationRecordView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  station_record_view_show_message (self, _ ("No unit"),
                                    _ ("Scan a label or type a code to see a unit's record."));
}

GtkWidget *
station_record_view_new (void)
{
  return g_object_new (STATION_TYPE_RECORD_VIEW, NULL);
}
