/* station/store/store-schema.c - the store schema and its migrations
 * (PRAGMA user_version).  Version N+1 is reached from N by migrations[N];
 * adding a version means one more migration function, one more row and a
 * frozen copy of the previous schema under tests/data/store/. */
#define G_LOG_DOMAIN "station-store"

#include "station/store/store-private.h"

/* Version 1, the first schema; tests/data/store/schema-v1.sql is its frozen
 * copy (the test compares them). */
static const char schema_v1[]
    = "CREATE TABLE operators (\n"
      "  name TEXT PRIMARY KEY NOT NULL,\n"
      "  display_name TEXT,\n"
      "  created_at INTEGER NOT NULL,\n"
      "  last_seen_at INTEGER NOT NULL\n"
      ");\n"
      "CREATE TABLE stations (\n"
      "  name TEXT PRIMARY KEY NOT NULL,\n"
      "  hostname TEXT,\n"
      "  created_at INTEGER NOT NULL,\n"
      "  last_seen_at INTEGER NOT NULL\n"
      ");\n"
      "CREATE TABLE batches (\n"
      "  id TEXT PRIMARY KEY NOT NULL,\n"
      "  created_at INTEGER NOT NULL,\n"
      "  source TEXT NOT NULL CHECK (source IN ('order', 'csv', 'manual')),\n"
      "  order_id TEXT,\n"
      "  recipe_name TEXT,\n"
      "  recipe_sha256 TEXT,\n"
      "  station TEXT,\n"
      "  operator TEXT,\n"
      "  note TEXT\n"
      ");\n"
      "CREATE TABLE batch_sims (\n"
      "  imsi TEXT PRIMARY KEY NOT NULL,\n"
      "  iccid TEXT UNIQUE,\n"
      "  serial_number TEXT,\n"
      "  msisdn TEXT,\n"
      "  batch_id TEXT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,\n"
      "  line INTEGER\n"
      ");\n"
      "CREATE INDEX batch_sims_batch ON batch_sims (batch_id);\n"
      "CREATE TABLE units (\n"
      "  id INTEGER PRIMARY KEY,\n"
      "  device_id TEXT NOT NULL UNIQUE CHECK (device_id = upper (device_id) AND length "
      "(device_id) BETWEEN 1 AND 64),\n"
      "  batch_id TEXT NOT NULL REFERENCES batches (id),\n"
      "  imei TEXT UNIQUE,\n"
      "  imsi TEXT UNIQUE,\n"
      "  iccid TEXT UNIQUE,\n"
      "  state TEXT NOT NULL CHECK (state IN ('new', 'running', 'passed', 'failed', 'error')),\n"
      "  failure_code TEXT,\n"
      "  slot INTEGER,\n"
      "  station TEXT,\n"
      "  recipe_sha256 TEXT,\n"
      "  created_at INTEGER NOT NULL,\n"
      "  updated_at INTEGER NOT NULL\n"
      ");\n"
      "CREATE INDEX units_batch ON units (batch_id, state);\n"
      "CREATE TABLE steps (\n"
      "  id INTEGER PRIMARY KEY,\n"
      "  unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,\n"
      "  step TEXT NOT NULL,\n"
      "  attempt INTEGER NOT NULL CHECK (attempt >= 1),\n"
      "  state TEXT NOT NULL CHECK (state IN ('intent', 'done', 'failed')),\n"
      "  failure_code TEXT,\n"
      "  detail TEXT,\n"
      "  started_at INTEGER NOT NULL,\n"
      "  ended_at INTEGER,\n"
      "  UNIQUE (unit_id, step, attempt)\n"
      ");\n"
      "CREATE TABLE api_calls (\n"
      "  id INTEGER PRIMARY KEY,\n"
      "  unit_id INTEGER REFERENCES units (id) ON DELETE CASCADE,\n"
      "  batch_id TEXT REFERENCES batches (id) ON DELETE CASCADE,\n"
      "  method TEXT NOT NULL,\n"
      "  path TEXT NOT NULL,\n"
      "  status INTEGER NOT NULL,\n"
      "  duration_ms INTEGER NOT NULL,\n"
      "  retries INTEGER NOT NULL DEFAULT 0,\n"
      "  at INTEGER NOT NULL\n"
      ");\n"
      "CREATE INDEX api_calls_unit ON api_calls (unit_id);\n"
      "CREATE INDEX api_calls_batch ON api_calls (batch_id);\n"
      "CREATE TABLE at_lines (\n"
      "  id INTEGER PRIMARY KEY,\n"
      "  unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,\n"
      "  direction TEXT NOT NULL CHECK (direction IN ('tx', 'rx')),\n"
      "  line TEXT NOT NULL,\n"
      "  at INTEGER NOT NULL\n"
      ");\n"
      "CREATE INDEX at_lines_unit ON at_lines (unit_id);\n"
      "CREATE TABLE registrations (\n"
      "  id INTEGER PRIMARY KEY,\n"
      "  device_id TEXT NOT NULL CHECK (device_id = upper (device_id)),\n"
      "  imsi TEXT NOT NULL,\n"
      "  imei TEXT,\n"
      "  ts INTEGER NOT NULL,\n"
      "  signature TEXT UNIQUE,\n"
      "  remote TEXT,\n"
      "  received_at INTEGER NOT NULL,\n"
      "  UNIQUE (device_id, imsi, ts)\n"
      ");\n"
      "CREATE INDEX registrations_imsi ON registrations (imsi, ts);\n"
      "CREATE TABLE labels (\n"
      "  id INTEGER PRIMARY KEY,\n"
      "  unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,\n"
      "  payload TEXT NOT NULL,\n"
      "  printer TEXT,\n"
      "  format TEXT,\n"
      "  reprint_reason TEXT,\n"
      "  printed_at INTEGER NOT NULL\n"
      ");\n"
      "CREATE INDEX labels_unit ON labels (unit_id);\n";

static gboolean
migrate_0_to_1 (StoreDb *db, GError **error)
{
  return store_db_exec (db, schema_v1, error);
}

/* Version 2 (issue 13): the batch's SIM group (batch cloud-setup), a
 * unit's first use in the field, and the SIM events the event-handler
 * receiver records (one row per IMSI, kind and UTC day: a repeated delivery
 * adds nothing).  Version 1 is frozen in tests/data/store/schema-v1.sql. */
static const char schema_v2[]
    = "ALTER TABLE batches ADD COLUMN group_id TEXT;\n"
      "ALTER TABLE units ADD COLUMN first_used_at INTEGER;\n"
      "CREATE TABLE sim_events (\n"
      "  id INTEGER PRIMARY KEY,\n"
      "  imsi TEXT NOT NULL,\n"
      "  kind TEXT NOT NULL CHECK (kind IN ('first_use', 'daily_limit', 'imei_mismatch')),\n"
      "  day TEXT NOT NULL,\n"
      "  at INTEGER NOT NULL,\n"
      "  imei TEXT,\n"
      "  remote TEXT,\n"
      "  received_at INTEGER NOT NULL,\n"
      "  UNIQUE (imsi, kind, day)\n"
      ");\n"
      "CREATE INDEX sim_events_at ON sim_events (at);\n";

static gboolean
migrate_1_to_2 (StoreDb *db, GError **error)
{
  return store_db_exec (db, schema_v2, error);
}

/* Version 3 (issue 14): operators with a role, a badge and a salted PIN
 * hash; who ran each unit; the API endpoint a batch was imported against
 * (production or sandbox: a batch never mixes them); and the audit trail,
 * append-only (the triggers refuse UPDATE and DELETE) and chained by
 * SHA-256 (store-audit.c).  Version 2 is frozen in
 * tests/data/store/schema-v2.sql. */
static const char schema_v3[]
    = "ALTER TABLE operators ADD COLUMN role TEXT NOT NULL DEFAULT 'technician' CHECK (role IN "
      "('technician', 'supervisor'));\n"
      "ALTER TABLE operators ADD COLUMN badge TEXT;\n"
      "ALTER TABLE operators ADD COLUMN pin_salt TEXT;\n"
      "ALTER TABLE operators ADD COLUMN pin_hash TEXT;\n"
      "CREATE UNIQUE INDEX operators_badge ON operators (badge);\n"
      "ALTER TABLE units ADD COLUMN operator TEXT;\n"
      "ALTER TABLE batches ADD COLUMN api_url TEXT;\n"
      "CREATE TABLE audit (\n"
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
      "  at INTEGER NOT NULL,\n"
      "  operator TEXT,\n"
      "  station TEXT,\n"
      "  action TEXT NOT NULL,\n"
      "  subject TEXT,\n"
      "  details TEXT NOT NULL DEFAULT '{}',\n"
      "  prev_hash TEXT NOT NULL,\n"
      "  hash TEXT NOT NULL UNIQUE\n"
      ");\n"
      "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN\n"
      "  SELECT RAISE (ABORT, 'the audit trail is append-only: entries cannot be changed');\n"
      "END;\n"
      "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN\n"
      "  SELECT RAISE (ABORT, 'the audit trail is append-only: entries cannot be deleted');\n"
      "END;\n";

static gboolean
migrate_2_to_3 (StoreDb *db, GError **error)
{
  return store_db_exec (db, schema_v3, error);
}

/* Version 4 (issue 14): a unit can be scrapped, taken out of stock for
 * good by a supervisor: when, by whom and why.  Columns rather than a new
 * state: the CHECK on units.state cannot change without rebuilding the
 * table, and the state keeps the pipeline's outcome (a passed unit
 * scrapped later still shows it passed).  Version 3 is frozen in
 * tests/data/store/schema-v3.sql. */
static const char schema_v4[] = "ALTER TABLE units ADD COLUMN scrapped_at INTEGER;\n"
                                "ALTER TABLE units ADD COLUMN scrapped_by TEXT;\n"
                                "ALTER TABLE units ADD COLUMN scrap_reason TEXT;\n";

static gboolean
migrate_3_to_4 (StoreDb *db, GError **error)
{
  return store_db_exec (db, schema_v4, error);
}

typedef gboolean (*StoreMigration) (StoreDb *db, GError **error);

/* migrations[v] takes a store from version v to v + 1. */
static const StoreMigration migrations[] = {
  migrate_0_to_1,
  migrate_1_to_2,
  migrate_2_to_3,
  migrate_3_to_4,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == STORE_SCHEMA_VERSION);

static gboolean
check_version (StoreDb *db, gint64 version, GError **error)
{
  if (version > STORE_SCHEMA_VERSION) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_TOO_NEW,
                 "%s: written by a newer station (schema version %" G_GINT64_FORMAT
                 ", this program knows up to %d); update the station software",
                 store_db_get_path (db), version, STORE_SCHEMA_VERSION);
    return FALSE;
  }
  if (version < 0) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CORRUPT,
                 "%s: not a station store (schema version %" G_GINT64_FORMAT ")",
                 store_db_get_path (db), version);
    return FALSE;
  }
  return TRUE;
}

/* A version-0 file must be empty: a foreign SQLite database is refused
 * rather than having the station's tables added to it. */
static gboolean
check_empty (StoreDb *db, GError **error)
{
  gint64 n = 0;

  if (!store_db_get_int (db, "SELECT count(*) FROM sqlite_master", &n, error))
    return FALSE;
  if (n > 0) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CORRUPT,
                 "%s: a SQLite database, but not a station store (it has other tables and no "
                 "schema version); give another --db",
                 store_db_get_path (db));
    return FALSE;
  }
  return TRUE;
}

gboolean
store_schema_check (StoreDb *db, gboolean read_only, GError **error)
{
  gint64 version = 0;

  if (!store_db_get_user_version (db, &version, error))
    return FALSE;
  if (!check_version (db, version, error))
    return FALSE;
  if (version == STORE_SCHEMA_VERSION)
    return TRUE;
  if (read_only) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_FAILED,
                 "%s: schema version %" G_GINT64_FORMAT " needs an upgrade to %d; open it once "
                 "with a command that writes",
                 store_db_get_path (db), version, STORE_SCHEMA_VERSION);
    return FALSE;
  }
  return store_schema_migrate (db, error);
}

gboolean
store_schema_migrate (StoreDb *db, GError **error)
{
  gint64 version = 0;

  if (!store_db_begin (db, error))
    return FALSE;
  /* read again under the write lock: another process may have migrated */
  if (!store_db_get_user_version (db, &version, error))
    goto fail;
  if (!check_version (db, version, error))
    goto fail;
  if (version == 0 && !check_empty (db, error))
    goto fail;
  for (gint64 v = version; v < STORE_SCHEMA_VERSION; v++) {
    g_debug ("%s: migrating schema %" G_GINT64_FORMAT " -> %" G_GINT64_FORMAT,
             store_db_get_path (db), v, v + 1);
    if (!migrations[v](db, error))
      goto fail;
  }
  if (!store_db_set_user_version (db, STORE_SCHEMA_VERSION, error))
    goto fail;
  return store_db_commit (db, error);

fail:
  store_db_rollback (db);
  return FALSE;
}
