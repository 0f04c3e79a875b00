-- station store schema version 3 (frozen copy: versions 1 and 2 then the
-- version 3 migration, as station/store/store-schema.c ran them)
CREATE TABLE operators (
  name TEXT PRIMARY KEY NOT NULL,
  display_name TEXT,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE TABLE stations (
  name TEXT PRIMARY KEY NOT NULL,
  hostname TEXT,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE TABLE batches (
  id TEXT PRIMARY KEY NOT NULL,
  created_at INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('order', 'csv', 'manual')),
  order_id TEXT,
  recipe_name TEXT,
  recipe_sha256 TEXT,
  station TEXT,
  operator TEXT,
  note TEXT
);
CREATE TABLE batch_sims (
  imsi TEXT PRIMARY KEY NOT NULL,
  iccid TEXT UNIQUE,
  serial_number TEXT,
  msisdn TEXT,
  batch_id TEXT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
  line INTEGER
);
CREATE INDEX batch_sims_batch ON batch_sims (batch_id);
CREATE TABLE units (
  id INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL UNIQUE CHECK (device_id = upper (device_id) AND length (device_id) BETWEEN 1 AND 64),
  batch_id TEXT NOT NULL REFERENCES batches (id),
  imei TEXT UNIQUE,
  imsi TEXT UNIQUE,
  iccid TEXT UNIQUE,
  state TEXT NOT NULL CHECK (state IN ('new', 'running', 'passed', 'failed', 'error')),
  failure_code TEXT,
  slot INTEGER,
  station TEXT,
  recipe_sha256 TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX units_batch ON units (batch_id, state);
CREATE TABLE steps (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
  step TEXT NOT NULL,
  attempt INTEGER NOT NULL CHECK (attempt >= 1),
  state TEXT NOT NULL CHECK (state IN ('intent', 'done', 'failed')),
  failure_code TEXT,
  detail TEXT,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  UNIQUE (unit_id, step, attempt)
);
CREATE TABLE api_calls (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER REFERENCES units (id) ON DELETE CASCADE,
  batch_id TEXT REFERENCES batches (id) ON DELETE CASCADE,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  retries INTEGER NOT NULL DEFAULT 0,
  at INTEGER NOT NULL
);
CREATE INDEX api_calls_unit ON api_calls (unit_id);
CREATE INDEX api_calls_batch ON api_calls (batch_id);
CREATE TABLE at_lines (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
  direction TEXT NOT NULL CHECK (direction IN ('tx', 'rx')),
  line TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX at_lines_unit ON at_lines (unit_id);
CREATE TABLE registrations (
  id INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL CHECK (device_id = upper (device_id)),
  imsi TEXT NOT NULL,
  imei TEXT,
  ts INTEGER NOT NULL,
  signature TEXT UNIQUE,
  remote TEXT,
  received_at INTEGER NOT NULL,
  UNIQUE (device_id, imsi, ts)
);
CREATE INDEX registrations_imsi ON registrations (imsi, ts);
CREATE TABLE labels (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
  payload TEXT NOT NULL,
  printer TEXT,
  format TEXT,
  reprint_reason TEXT,
  printed_at INTEGER NOT NULL
);
CREATE INDEX labels_unit ON labels (unit_id);
ALTER TABLE batches ADD COLUMN group_id TEXT;
ALTER TABLE units ADD COLUMN first_used_at INTEGER;
CREATE TABLE sim_events (
  id INTEGER PRIMARY KEY,
  imsi TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('first_use', 'daily_limit', 'imei_mismatch')),
  day TEXT NOT NULL,
  at INTEGER NOT NULL,
  imei TEXT,
  remote TEXT,
  received_at INTEGER NOT NULL,
  UNIQUE (imsi, kind, day)
);
CREATE INDEX sim_events_at ON sim_events (at);
ALTER TABLE operators ADD COLUMN role TEXT NOT NULL DEFAULT 'technician' CHECK (role IN ('technician', 'supervisor'));
ALTER TABLE operators ADD COLUMN badge TEXT;
ALTER TABLE operators ADD COLUMN pin_salt TEXT;
ALTER TABLE operators ADD COLUMN pin_hash TEXT;
CREATE UNIQUE INDEX operators_badge ON operators (badge);
ALTER TABLE units ADD COLUMN operator TEXT;
ALTER TABLE batches ADD COLUMN api_url TEXT;
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  operator TEXT,
  station TEXT,
  action TEXT NOT NULL,
  subject TEXT,
  details TEXT NOT NULL DEFAULT '{}',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
  SELECT RAISE (ABORT, 'the audit trail is append-only: entries cannot be changed');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
  SELECT RAISE (ABORT, 'the audit trail is append-only: entries cannot be deleted');
END;
