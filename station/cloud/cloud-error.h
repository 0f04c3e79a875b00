/* station/cloud/cloud-error.h - the error domain of the SORACOM API client.
 *
 * Every error the client raises is in STATION_CLOUD_ERROR (CLI exit code 4,
 * except NO_CREDENTIALS and BAD_URL which are configuration problems, exit 2,
 * and CANCELLED, exit 1).  It is an extended GError: besides the message
 * ("SORACOM API <METHOD> <path>: HTTP <status> <SORACOM code>: <message>")
 * it carries the HTTP status and the SORACOM error code ("SEM0016") for
 * callers that branch on them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define STATION_CLOUD_ERROR (station_cloud_error_quark ())
GQuark station_cloud_error_quark (void);

typedef enum {
  STATION_CLOUD_ERROR_AUTH,             /* 401, or /auth refused the key: check credentials */
  STATION_CLOUD_ERROR_FORBIDDEN,        /* 403: the key lacks the permission */
  STATION_CLOUD_ERROR_NOT_FOUND,        /* 404: no such SIM, tag or order */
  STATION_CLOUD_ERROR_BAD_REQUEST,      /* other 4xx: the request was refused as invalid */
  STATION_CLOUD_ERROR_RATE_LIMITED,     /* 429 after every allowed retry */
  STATION_CLOUD_ERROR_SERVER,           /* 5xx after every allowed retry */
  STATION_CLOUD_ERROR_TRANSPORT,        /* connection refused/reset, TLS, DNS */
  STATION_CLOUD_ERROR_TIMEOUT,          /* connect or transfer timeout */
  STATION_CLOUD_ERROR_BAD_RESPONSE,     /* unparsable JSON or a missing required field */
  STATION_CLOUD_ERROR_BUDGET_EXHAUSTED, /* the call's total time budget ran out */
  STATION_CLOUD_ERROR_NO_CREDENTIALS,   /* no auth key in config, environment or keyring */
  STATION_CLOUD_ERROR_BAD_URL,          /* unusable API base URL (e.g. plain http off loopback) */
  STATION_CLOUD_ERROR_CANCELLED,        /* the GCancellable was triggered */
} StationCloudError;

/* station_cloud_error_get_http_status: the HTTP status behind @error (0 when
 * none was received or @error is not a STATION_CLOUD_ERROR). */
guint station_cloud_error_get_http_status (const GError *error);

/* station_cloud_error_get_api_code: the SORACOM error code ("SEM0016") from
 * the response body, or NULL.  Owned by @error. */
const char *station_cloud_error_get_api_code (const GError *error);

/* station_cloud_error_set_details: attaches @http_status and @api_code (may
 * be NULL) to @error, which must be a STATION_CLOUD_ERROR. */
void station_cloud_error_set_details (GError *error, guint http_status, const char *api_code);

/* station_cloud_error_exit_code: the CLI exit code (CONTRACT.md section 2)
 * for an error code of this domain. */
int station_cloud_error_exit_code (int code);

G_END_DECLS
