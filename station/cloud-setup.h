/* station/cloud-setup.h - the batch's cloud side (issue 13,
 * docs/cloud-setup.md): the SIM group with the recipe's settings and the event
 * handlers that watch it, made idempotent by name and read back; and the
 * group a unit of the batch is put in (the pipeline's group step). */
#pragma once

#include <json-glib/json-glib.h>

#include "station/cloud/cloud-client.h"
#include "station/pipeline/recipe.h"
#include "station/store/store.h"

G_BEGIN_DECLS

/* The event handlers cloud-setup manages, by kind. */
typedef enum {
  CLOUD_SETUP_FIRST_USE,     /* SubscriberFirstTrafficRule -> web request */
  CLOUD_SETUP_DAILY_LIMIT,   /* SubscriberDailyTrafficRule -> speed class or suspend (+ web request)
                              */
  CLOUD_SETUP_IMEI_MISMATCH, /* SubscriberImeiMismatchedRule -> web request */
  CLOUD_SETUP_N_HANDLERS
} CloudSetupHandler;

/* cloud_setup_handler_name: the event handler's name for group @group_id
 * and @kind: "station-<kind>-<group_id>" (unique per group, stable). */
char *cloud_setup_handler_name (const char *group_id, CloudSetupHandler kind);

/* cloud_setup_events_url: the URL a web-request action of @kind calls:
 * @events_url + "?event=<first_use|daily_limit|imei_mismatch>&imsi=${imsi}"
 * (SORACOM substitutes ${imsi}).  Free with g_free(). */
char *cloud_setup_events_url (const char *events_url, CloudSetupHandler kind);

/* cloud_setup_run: makes the cloud state of batch @batch_id match
 * @recipe's [cloud] keys: finds the group ([cloud] group_id, which must
 * exist, else by group_name, created when absent), puts its tags, its
 * SoracomAir vpgId, the VPG's Gate, and the event handlers (each found by
 * name: created when absent, updated when it differs, left alone when
 * equal; a managed handler the recipe no longer wants is made inactive).
 * @secret (may be NULL when the recipe has no events_url) is the
 * receiver's secret sent in the web requests' header.  Records the group
 * id with the batch.  Returns the JSON summary (what was created, updated,
 * unchanged), or NULL with a usage (recipe), store or cloud error. */
JsonNode *cloud_setup_run (Store *store, CloudClient *cloud, const Recipe *recipe,
                           const char *batch_id, GBytes *secret, GCancellable *cancellable,
                           GError **error);

/* cloud_setup_batch_group: the group the units of @batch_id go in: the
 * recipe's [cloud] group_id, else the group cloud-setup recorded for the
 * batch, else NULL (no group: the group step is skipped).  FALSE with a
 * store error. */
gboolean cloud_setup_batch_group (Store *store, const Recipe *recipe, const char *batch_id,
                                  char **group_id, GError **error);

/* cloud_setup_check_group: preflight of a run: when the batch has a group
 * (cloud_setup_batch_group()), it must exist (getGroup), so that no unit
 * gets any mutating call before the run fails.  FALSE with
 * STATION_ERROR_CHECK_FAILED naming the group and the fix when it does not
 * exist, or with the cloud/store error. */
gboolean cloud_setup_check_group (Store *store, CloudClient *cloud, const Recipe *recipe,
                                  const char *batch_id, GCancellable *cancellable, GError **error);

G_END_DECLS
