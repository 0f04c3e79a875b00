/* station/store/store-batch.h - batches and the SIMs expected in them
 * (imported from a SORACOM order or a CSV file). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _Store Store;

typedef struct {
  char *id;            /* batch ID given by the operator */
  char *source;        /* "order", "csv" or "manual" */
  char *order_id;      /* SORACOM order ID, or NULL */
  char *recipe_name;   /* NULL when not known yet */
  char *recipe_sha256; /* hex SHA-256 of the recipe in force */
  char *station;
  char *operator_name;
  char *note;
  gint64 created_at; /* ms; 0 in store_batch_import() means now */
  char *api_url;     /* the SORACOM API it was imported against (NULL: not recorded) */
} StoreBatch;

typedef struct {
  char *imsi;
  char *iccid; /* NULL when not known */
  char *serial_number;
  char *msisdn;
  char *batch_id; /* set when read from the store */
  guint line;     /* line of the CSV file it came from, 0 otherwise */
} StoreSim;

typedef struct {
  guint64 sims;  /* expected SIMs */
  guint64 units; /* units created in the batch */
  guint64 new_;  /* units by state, scrapped units left out */
  guint64 running;
  guint64 passed;
  guint64 failed;
  guint64 error;
  guint64 scrapped; /* units scrapped, whatever their state (not stock) */
} StoreBatchCounts;

StoreBatch *store_batch_new (const char *id, const char *source);
void store_batch_free (StoreBatch *batch);
StoreSim *store_sim_new (const char *imsi, const char *iccid, const char *serial_number,
                         const char *msisdn);
void store_sim_free (StoreSim *sim);

/* store_batch_import: creates @batch and its expected @sims (StoreSim *,
 * may be empty) in one transaction.  STORE_ERROR_EXISTS when the batch ID
 * is taken; STORE_ERROR_CONFLICT naming the other batch (and the CSV line)
 * when an IMSI or ICCID is already expected in a batch; nothing is written
 * on any error.  The batch's station and operator default to the store's
 * actor (store_set_actor()); the import appends a "batch.import" audit
 * entry in the same transaction. */
gboolean store_batch_import (Store *store, const StoreBatch *batch, GPtrArray *sims,
                             GError **error);

/* store_api_url_kind: "SANDBOX" for a SORACOM API sandbox (a host
 * "api-sandbox.*" or a path with "/sandbox"), "PRODUCTION" for
 * api.soracom.io and its regional hosts (*.api.soracom.io), "TEST" for any
 * other endpoint (an emulator).  A static string. */
const char *store_api_url_kind (const char *api_url);

/* store_batch_check_api_url: TRUE when batch @batch_id was imported against
 * @api_url (compared without a trailing '/'), or recorded none (a batch of
 * an older store).  FALSE with STORE_ERROR_INVALID naming both endpoints
 * when it was imported against another one (one batch never mixes
 * production and sandbox SIMs), STORE_ERROR_NOT_FOUND when no such batch. */
gboolean store_batch_check_api_url (Store *store, const char *batch_id, const char *api_url,
                                    GError **error);

/* store_batch_add_sims: adds @sims to the existing batch @batch_id, all or
 * none (same conflicts as above). */
gboolean store_batch_add_sims (Store *store, const char *batch_id, GPtrArray *sims, GError **error);

/* store_batch_get: the batch, or NULL with STORE_ERROR_NOT_FOUND.  Free
 * with store_batch_free(). */
StoreBatch *store_batch_get (Store *store, const char *batch_id, GError **error);

/* store_batch_list: every batch (StoreBatch *), oldest first. */
GPtrArray *store_batch_list (Store *store, GError **error);

/* store_batch_get_sims: the expected SIMs of a batch (StoreSim *) in
 * import order; NULL with STORE_ERROR_NOT_FOUND when no such batch. */
GPtrArray *store_batch_get_sims (Store *store, const char *batch_id, GError **error);

/* store_sim_find: the expected SIM with @imsi (its batch_id set), or NULL
 * with STORE_ERROR_NOT_FOUND. */
StoreSim *store_sim_find (Store *store, const char *imsi, GError **error);

/* store_batch_recipe_hashes: the SHA-256 of every recipe the batch's
 * units were provisioned with (char *, sorted; empty before its first
 * unit).  NULL with @error when the store cannot be read. */
GPtrArray *store_batch_recipe_hashes (Store *store, const char *batch_id, GError **error);

/* store_batch_count: SIM and unit counts of a batch.  Each unit counts
 * once: a scrapped unit under scrapped only (never as passed: it is not
 * stock), the others under their state. */
gboolean store_batch_count (Store *store, const char *batch_id, StoreBatchCounts *counts,
                            GError **error);

/* store_sim_csv_parse: the SIM list in @text (CSV, RFC 4180 quoting, a
 * header line naming at least the column imsi; iccid, serial_number and
 * msisdn are optional, other columns ignored, in any order).  Each SIM is
 * checked (IMSI 15 digits, ICCID 18-20 digits with its check digit, MSISDN
 * digits with an optional '+') and duplicates refused.  NULL with
 * STORE_ERROR_CSV "<name>:<line>: <why>" on the first problem.  Returns a
 * GPtrArray of StoreSim * (line set). */
GPtrArray *store_sim_csv_parse (const char *text, gsize length, const char *name, GError **error);

/* store_sim_csv_load: reads @path (at most 64 MiB) and parses it. */
GPtrArray *store_sim_csv_load (const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreBatch, store_batch_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreSim, store_sim_free)

G_END_DECLS
