/* station/store/store-site.h - the operators and stations known to a
 * store (several stations may share one store file or receiver). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _Store Store;

typedef struct {
  char *name;
  char *detail; /* station: host name; operator: display name */
  gint64 created_at;
  gint64 last_seen_at;
} StoreSite;

void store_site_free (StoreSite *site);

/* store_station_touch / store_operator_touch: records @name (created the
 * first time, last_seen_at updated every time; @detail replaces the stored
 * one when non-NULL). */
gboolean store_station_touch (Store *store, const char *name, const char *hostname, GError **error);
gboolean store_operator_touch (Store *store, const char *name, const char *display_name,
                               GError **error);

/* store_station_list / store_operator_list: StoreSite * sorted by name. */
GPtrArray *store_station_list (Store *store, GError **error);
GPtrArray *store_operator_list (Store *store, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreSite, store_site_free)

G_END_DECLS
