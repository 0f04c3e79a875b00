/* station/store/store-private.h - what the store files share (not for
 * users of the store). */
#pragma once

#include "station/store/store-db.h"
#include "station/store/store.h"

G_BEGIN_DECLS

/* store_schema_check: refuses a newer schema, migrates an older one (not
 * when @read_only).  store_schema_migrate: the migration itself, in one
 * transaction. */
gboolean store_schema_check (StoreDb *db, gboolean read_only, GError **error);
gboolean store_schema_migrate (StoreDb *db, GError **error);

/* store_device_id_canonical: the upper-case device ID, or NULL with an
 * IDENTITY_ERROR naming the bad character.  Free with g_free(). */
char *store_device_id_canonical (const char *device_id, GError **error);

/* store_unit_rowid: the row id of unit @device_id (canonical), or 0 with
 * STORE_ERROR_NOT_FOUND. */
gint64 store_unit_rowid (StoreDb *db, const char *device_id, GError **error);

/* store_set_not_found: STORE_ERROR_NOT_FOUND "<what> <key>: not in the store". */
void store_set_not_found (GError **error, const char *what, const char *key);

/* Write helpers: begin a transaction level on the thread's connection
 * (NULL with @error on failure) and end it (commit, or rollback when @ok is
 * FALSE); store_write_end returns @ok && the commit succeeded. */
StoreDb *store_write_begin (Store *store, GError **error);
gboolean store_write_end (StoreDb *db, gboolean ok, GError **error);

G_END_DECLS
