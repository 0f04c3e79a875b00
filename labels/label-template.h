/* labels/label-template.h - label templates: GKeyFile files ("*.label")
 * that give the label size, the printer resolution, the margins and the
 * elements (2D symbol, Code 128, text lines, station mark) with their boxes
 * in millimetres.  docs/labels.md documents the keys.
 *
 * Templates are found by name in a search path (label_template_find()) or
 * loaded from a file.  Loading checks everything that does not depend on
 * the data: known keys and fields, boxes inside the printable area, no
 * overlapping elements. */
#pragma once

#include <glib.h>

#include "labels/label-error.h"

G_BEGIN_DECLS

/* Environment variable: extra template folders (':'-separated), searched
 * before the installed and the source folders. */
#define LABEL_TEMPLATES_ENV "STATION_LABEL_TEMPLATES"
/* Template used when none is named. */
#define LABEL_TEMPLATE_DEFAULT "50x30"
/* LABEL_TEMPLATE_WIDE: the shipped label for device IDs too long for the default one. */
#define LABEL_TEMPLATE_WIDE "100x40"
/* LABEL_TEMPLATE_WIDE_2D: the shipped label for device IDs that no Code 128
 * holds (more than 60 symbol characters, e.g. 64 letters): Data Matrix only,
 * with a line saying why. */
#define LABEL_TEMPLATE_WIDE_2D "100x40-2d"
#define LABEL_TEMPLATE_SUFFIX  ".label"

typedef enum {
  LABEL_ELEMENT_DATAMATRIX, /* payload as Data Matrix ECC 200 */
  LABEL_ELEMENT_QR,         /* payload as QR Code (model 2, level M) */
  LABEL_ELEMENT_CODE128,    /* Code 128 of its data (default ${device_id}) */
  LABEL_ELEMENT_TEXT,       /* one line of text */
  LABEL_ELEMENT_MARK,       /* station mark: text reversed out of a black box */
} LabelElementType;

typedef enum {
  LABEL_ALIGN_LEFT,
  LABEL_ALIGN_CENTER,
  LABEL_ALIGN_RIGHT,
} LabelAlign;

typedef struct {
  char *name; /* the group name, used in every error message */
  LabelElementType type;
  double x_mm, y_mm, width_mm, height_mm; /* box, from the label's top-left corner */
  char *text;                             /* text, mark and code128 data with ${fields} */
  char *font;                             /* Pango family list */
  gboolean bold;
  LabelAlign align;
  double module_min_mm; /* symbols: smallest module (bar) allowed */
  double module_max_mm; /* symbols: largest module used */
} LabelElement;

typedef struct {
  char *name;
  char *description;
  char *path; /* the file it was loaded from */
  double width_mm, height_mm, margin_mm;
  int dpi;
  char **payload_keys; /* extra payload pairs, e.g. IMEI, BATCH (fields of the same name) */
  GPtrArray *elements; /* LabelElement *, in file order */
} LabelTemplate;

/* label_template_fields: the ${field} names a template may use, NULL
 * terminated: device_id imsi iccid imei batch station date. */
const char *const *label_template_fields (void);

/* label_template_dpi_valid: TRUE for the printer resolutions supported
 * (203, 300, 600). */
gboolean label_template_dpi_valid (int dpi);

/* label_template_load: reads and checks @path.  NULL with LABEL_ERROR_TEMPLATE
 * (or _FIELD, _FIT) naming the file and the element otherwise. */
LabelTemplate *label_template_load (const char *path, GError **error);

/* label_template_load_data: the same from text in memory; @origin names it in
 * messages. */
LabelTemplate *label_template_load_data (const char *data, const char *origin, GError **error);

/* label_template_search_path: the folders searched for templates, in order:
 * @extra_dir (may be NULL, e.g. from the configuration), $STATION_LABEL_TEMPLATES,
 * the installed folder, the source tree's labels/templates.  Free with g_strfreev(). */
char **label_template_search_path (const char *extra_dir);

/* label_template_find: @name_or_path is a file path (contains '/' or ends in
 * ".label") or a template name looked up as NAME.label in the search path
 * (see label_template_search_path()); NULL means LABEL_TEMPLATE_DEFAULT.
 * NULL with LABEL_ERROR_NOT_FOUND listing the folders searched. */
LabelTemplate *label_template_find (const char *name_or_path, const char *extra_dir,
                                    GError **error);

/* label_template_list: names of the templates found in the search path
 * (first one of each name wins), sorted.  Free with g_strfreev(). */
char **label_template_list (const char *extra_dir);

void label_template_free (LabelTemplate *tmpl);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabelTemplate, label_template_free)

G_END_DECLS
