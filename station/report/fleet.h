/* station/report/fleet.h - the fleet / stock view: every unit this station
 * provisioned (state passed) and nobody scrapped, joined with its SIM as the SORACOM API shows
 * it now, sorted into: in stock (standby), online, active (used, offline
 * lately), silent (used, but no session for more than N days), other
 * statuses, and SIMs the API no longer lists. */
#pragma once

#include "station/cloud/cloud-client.h"
#include "station/store/store.h"

G_BEGIN_DECLS

typedef enum {
  FLEET_STANDBY, /* still in stock: no basic fee */
  FLEET_ONLINE,  /* in use, session online now */
  FLEET_ACTIVE,  /* in use, offline for less than the stale limit */
  FLEET_SILENT,  /* in use once, no session for more than the stale limit */
  FLEET_OTHER,   /* inactive, suspended, terminated, ready, testing */
  FLEET_MISSING, /* the API does not list the SIM (another operator?) */
  FLEET_N_CATEGORIES
} FleetCategory;

const char *fleet_category_name (FleetCategory category);

typedef struct {
  StoreUnit *unit;
  char *status; /* SIM status now, NULL when missing */
  gboolean online;
  gint64 last_seen_ms; /* sessionStatus.lastUpdatedAt, else lastModifiedAt; 0 unknown */
  double days_silent;  /* since last_seen_ms (0 when online) */
  FleetCategory category;
  char *speed_class;          /* speedClass now (a daily-limit action may have slowed it) */
  gint64 first_use_ms;        /* first use in the field; 0 not seen yet */
  const char *first_use_from; /* "event" (first-traffic handler), "subscriber" or NULL */
  gint64 daily_limit_ms;      /* last daily-limit event; 0 none */
  gint64 imei_mismatch_ms;    /* last IMEI-mismatch event (SIM in another device); 0 none */
} FleetRow;

typedef struct {
  GPtrArray *rows; /* FleetRow *, by device ID */
  guint counts[FLEET_N_CATEGORIES];
  guint stale_days;
  gint64 generated_at;
} Fleet;

/* fleet_collect: the passed units of @store that were not scrapped (of
 * batch @batch_id only, when not NULL) joined with their SIMs read in pages of GET /subscribers
 * (with
 * @batch_id: filtered by the SIM tag batch=@batch_id that the tags step
 * writes; never one call per SIM), and with the SIM events the receiver
 * recorded.  A unit's first use is the first-use event's time, else, the
 * first time its SIM is seen used (not ready/standby), the subscriber's
 * last session or modification time, which is then kept in the store
 * (@store must be writable).  NULL with a store or cloud error
 * (STORE_ERROR_NOT_FOUND for an unknown batch). */
Fleet *fleet_collect (Store *store, CloudClient *cloud, const char *batch_id, guint stale_days,
                      gint64 now_ms, GCancellable *cancellable, GError **error);
void fleet_free (Fleet *fleet);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fleet, fleet_free)

/* The view as an aligned text table with counts, CSV or JSON (g_free()). */
char *fleet_to_text (const Fleet *fleet);
char *fleet_to_csv (const Fleet *fleet);
char *fleet_to_json (const Fleet *fleet);

G_END_DECLS
