/* station/report/fleet.h - the fleet / stock view: every unit this station
 * provisioned (state passed), joined with its SIM as the SORACOM API shows
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
} FleetRow;

typedef struct {
  GPtrArray *rows; /* FleetRow *, by device ID */
  guint counts[FLEET_N_CATEGORIES];
  guint stale_days;
  gint64 generated_at;
} Fleet;

/* fleet_collect: the passed units of @store joined with every page of
 * GET /subscribers.  NULL with a store or cloud error. */
Fleet *fleet_collect (Store *store, CloudClient *cloud, guint stale_days, gint64 now_ms,
                      GCancellable *cancellable, GError **error);
void fleet_free (Fleet *fleet);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fleet, fleet_free)

/* The view as an aligned text table with counts, CSV or JSON (g_free()). */
char *fleet_to_text (const Fleet *fleet);
char *fleet_to_csv (const Fleet *fleet);
char *fleet_to_json (const Fleet *fleet);

G_END_DECLS
