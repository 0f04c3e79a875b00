/* station/cloud/cloud-error.c - STATION_CLOUD_ERROR, an extended GError
 * domain carrying the HTTP status and the SORACOM error code. */
#define G_LOG_DOMAIN "station-cloud"

#include "station/cloud/cloud-error.h"

#include "station/station-error.h"

typedef struct {
  guint http_status;
  char *api_code;
} StationCloudErrorPrivate;

static void
station_cloud_error_private_init (StationCloudErrorPrivate *priv)
{
  priv->http_status = 0;
  priv->api_code = NULL;
}

static void
station_cloud_error_private_copy (const StationCloudErrorPrivate *src,
                                  StationCloudErrorPrivate *dest)
{
  dest->http_status = src->http_status;
  dest->api_code = g_strdup (src->api_code);
}

static void
station_cloud_error_private_clear (StationCloudErrorPrivate *priv)
{
  g_clear_pointer (&priv->api_code, g_free);
}

G_DEFINE_EXTENDED_ERROR (StationCloudError, station_cloud_error)

guint
station_cloud_error_get_http_status (const GError *error)
{
  StationCloudErrorPrivate *priv;

  if (error == NULL || error->domain != STATION_CLOUD_ERROR)
    return 0;
  priv = station_cloud_error_get_private (error);
  return priv != NULL ? priv->http_status : 0;
}

const char *
station_cloud_error_get_api_code (const GError *error)
{
  StationCloudErrorPrivate *priv;

  if (error == NULL || error->domain != STATION_CLOUD_ERROR)
    return NULL;
  priv = station_cloud_error_get_private (error);
  return priv != NULL ? priv->api_code : NULL;
}

void
station_cloud_error_set_details (GError *error, guint http_status, const char *api_code)
{
  StationCloudErrorPrivate *priv;

  g_return_if_fail (error != NULL && error->domain == STATION_CLOUD_ERROR);
  priv = station_cloud_error_get_private (error);
  g_return_if_fail (priv != NULL);
  priv->http_status = http_status;
  g_free (priv->api_code);
  priv->api_code = g_strdup (api_code);
}

int
station_cloud_error_exit_code (int code)
{
  switch ((StationCloudError)code) {
  case STATION_CLOUD_ERROR_NO_CREDENTIALS:
  case STATION_CLOUD_ERROR_BAD_URL:
    return STATION_EXIT_USAGE;
  case STATION_CLOUD_ERROR_CANCELLED:
    return STATION_EXIT_CHECK;
  default:
    return STATION_EXIT_CLOUD;
  }
}
