/* station/store/store-log.h - what is kept with each unit record
 * (STYLE.md "Logging"): every SORACOM API call (method, path, status,
 * duration; never keys or tokens), the AT transcript, and the labels
 * printed. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _Store Store;

typedef struct {
  char *device_id; /* the unit the call was for, or NULL */
  char *batch_id;  /* the batch (calls for a whole batch), or NULL */
  char *method;    /* "GET", "PUT", ... */
  char *path;      /* "/v1/subscribers/440.../set_imei_lock" (no query secrets) */
  int status;      /* HTTP status, 0 when no answer */
  gint64 duration_ms;
  guint retries;
  gint64 at; /* when the call started; 0 in store_api_call_add() means now */
} StoreApiCall;

typedef enum {
  STORE_AT_TX, /* station -> modem */
  STORE_AT_RX, /* modem -> station */
} StoreAtDirection;

typedef struct {
  StoreAtDirection direction;
  char *line;
  gint64 at;
} StoreAtLine;

typedef struct {
  gint64 id;
  char *device_id;
  char *payload; /* the 2D symbol's text, CONTRACT.md section 3 */
  char *printer;
  char *format;         /* "png", "pdf", "zpl", ... */
  char *reprint_reason; /* NULL for the first print */
  gint64 printed_at;
} StoreLabel;

void store_api_call_free (StoreApiCall *call);
void store_at_line_free (StoreAtLine *line);
void store_label_free (StoreLabel *label);

/* store_api_call_add: appends one call.  STORE_ERROR_NOT_FOUND when the
 * unit or batch named does not exist. */
gboolean store_api_call_add (Store *store, const StoreApiCall *call, GError **error);

/* store_api_call_list: the calls of a unit (StoreApiCall *), oldest first. */
GPtrArray *store_api_call_list (Store *store, const char *device_id, GError **error);

/* store_at_lines_add: appends @lines (StoreAtLine *; at 0 means now) to
 * the unit's AT transcript in one transaction. */
gboolean store_at_lines_add (Store *store, const char *device_id, GPtrArray *lines, GError **error);

/* store_at_line_add: appends one line. */
gboolean store_at_line_add (Store *store, const char *device_id, StoreAtDirection direction,
                            const char *line, gint64 at, GError **error);

/* store_at_line_list: the unit's transcript (StoreAtLine *) in order. */
GPtrArray *store_at_line_list (Store *store, const char *device_id, GError **error);

/* store_label_add: records a printed label of unit @label->device_id
 * (printed_at 0 means now).  A unit that already has a label needs a
 * reprint_reason (STORE_ERROR_INVALID otherwise), so every reprint is
 * accounted for; a reprint appends a "label.reprint" audit entry in the
 * same transaction. */
gboolean store_label_add (Store *store, const StoreLabel *label, GError **error);

/* store_label_list: the labels of a unit (StoreLabel *), oldest first. */
GPtrArray *store_label_list (Store *store, const char *device_id, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreApiCall, store_api_call_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreLabel, store_label_free)

G_END_DECLS
