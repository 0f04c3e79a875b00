/* labels/label-error.h - the error domain of the labels/ folder: templates,
 * payloads, symbols and rendering.  Every message names the template element
 * (or the payload part) at fault and what to change. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LABEL_ERROR (label_error_quark ())
GQuark label_error_quark (void);

typedef enum {
  LABEL_ERROR_NOT_FOUND, /* no template of that name in the search path */
  LABEL_ERROR_TEMPLATE,  /* a template file that is malformed or inconsistent */
  LABEL_ERROR_FIELD,     /* unknown ${field}, or a value a field cannot hold */
  LABEL_ERROR_SYMBOL,    /* the symbology cannot encode the data */
  LABEL_ERROR_FIT,       /* an element does not fit its box or the label */
  LABEL_ERROR_PAYLOAD,   /* a scanned payload that is not CONTRACT.md section 3 */
  LABEL_ERROR_FORMAT,    /* unknown output format or file extension */
  LABEL_ERROR_WRITE,     /* the output file could not be written */
} LabelError;

G_END_DECLS
