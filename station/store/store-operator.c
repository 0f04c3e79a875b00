/* station/store/store-operator.c - operators' roles, badges and PINs. */
#define G_LOG_DOMAIN "station-store"

#include "station/store/store-private.h"

#include <string.h>

#include "station/secret.h"

#define PIN_ROUNDS 20000

static const char *const role_names[] = { "technician", "supervisor" };

const char *
store_role_to_string (StoreRole role)
{
  g_return_val_if_fail ((guint)role < G_N_ELEMENTS (role_names), "technician");
  return role_names[role];
}

gboolean
store_role_from_string (const char *text, StoreRole *role)
{
  for (gsize i = 0; i < G_N_ELEMENTS (role_names); i++) {
    if (g_strcmp0 (text, role_names[i]) == 0) {
      *role = (StoreRole)i;
      return TRUE;
    }
  }
  return FALSE;
}

/* The stored form of @pin: HMAC-SHA256 keyed by the salt, iterated so that
 * a stolen store file does not give the PINs away to a quick search. */
static char *
pin_hash (const char *salt, const char *pin)
{
  char *digest
      = g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *)salt, strlen (salt), pin, -1);

  for (int i = 1; i < PIN_ROUNDS; i++) {
    char *next = g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *)salt, strlen (salt),
                                            digest, -1);

    station_secret_free (digest);
    digest = next;
  }
  return digest;
}

static char *
new_salt (void)
{
  GString *s = g_string_new (NULL);

  for (int i = 0; i < 4; i++)
    g_string_append_printf (s, "%08x", g_random_int ());
  return g_string_free (s, FALSE);
}

static gboolean
check_pin (const char *pin, GError **error)
{
  gsize n = strlen (pin);

  for (gsize i = 0; i < n; i++) {
    if (!g_ascii_isdigit (pin[i])) {
      g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID,
                   "a PIN is 4 to 12 digits (it has another character); choose another PIN");
      return FALSE;
    }
  }
  if (n < 4 || n > 12) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID,
                 "a PIN is 4 to 12 digits (this one has %zu); choose another PIN", n);
    return FALSE;
  }
  return TRUE;
}

/* The role of @name on @db: TRUE with @found FALSE when unknown. */
static gboolean
role_of (StoreDb *db, const char *name, StoreRole *role, gboolean *found, GError **error)
{
  StoreStmt *st = store_db_prepare (db, "SELECT role FROM operators WHERE name = ?1", error);
  StoreStep r;

  *found = FALSE;
  if (st == NULL)
    return FALSE;
  store_stmt_bind_text (st, 1, name);
  r = store_stmt_step (st, error);
  if (r == STORE_STEP_ROW) {
    g_autofree char *text = store_stmt_dup_text (st, 0);

    *found = store_role_from_string (text, role);
  }
  store_stmt_reset (st);
  return r != STORE_STEP_ERROR;
}

gboolean
store_operator_get_role (Store *store, const char *name, StoreRole *role, GError **error)
{
  StoreDb *db = store_get_db (store, error);
  gboolean found = FALSE;

  if (db == NULL || !role_of (db, name, role, &found, error))
    return FALSE;
  if (!found)
    store_set_not_found (error, "operator", name);
  return found;
}

static gboolean
require_on (StoreDb *db, const char *name, StoreRole needed, const char *what, GError **error)
{
  StoreRole role = STORE_ROLE_TECHNICIAN;
  gboolean found = FALSE;

  if (needed == STORE_ROLE_TECHNICIAN)
    return TRUE;
  if (name != NULL && !role_of (db, name, &role, &found, error))
    return FALSE;
  if (found && role == STORE_ROLE_SUPERVISOR)
    return TRUE;
  if (name == NULL)
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_DENIED,
                 "%s needs a supervisor; say who you are with --operator NAME (or [station] "
                 "operator)",
                 what);
  else if (!found)
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_DENIED,
                 "%s needs a supervisor; operator %s is not known to this store (a supervisor "
                 "adds operators)",
                 what, name);
  else
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_DENIED,
                 "%s needs a supervisor; %s is a technician: ask a supervisor to do it", what,
                 name);
  return FALSE;
}

gboolean
store_operator_require (Store *store, const char *name, StoreRole needed, const char *what,
                        GError **error)
{
  StoreDb *db = store_get_db (store, error);
  gint64 supervisors = 0;

  if (db == NULL
      || !store_db_get_int (db, "SELECT count(*) FROM operators WHERE role = 'supervisor'",
                            &supervisors, error))
    return FALSE;
  /* roles are in force once the store has a supervisor */
  return supervisors == 0 || require_on (db, name, needed, what, error);
}

gboolean
store_operator_add (Store *store, const char *name, const char *display_name, StoreRole role,
                    const char *badge, const char *pin, GError **error)
{
  g_autofree char *actor = store_dup_operator (store), *salt = NULL, *hash = NULL;
  g_autofree char *details = NULL;
  gint64 supervisors = 0;
  StoreDb *db;
  StoreStmt *st;
  gboolean ok = FALSE;

  if (name == NULL || *name == '\0') {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_INVALID, "an operator needs a name");
    return FALSE;
  }
  if (pin != NULL && !check_pin (pin, error))
    return FALSE;
  db = store_write_begin (store, error);
  if (db == NULL)
    return FALSE;
  if (!store_db_get_int (db, "SELECT count(*) FROM operators WHERE role = 'supervisor'",
                         &supervisors, error))
    goto out;
  /* the first supervisor bootstraps the role table */
  if (supervisors > 0
      && !require_on (db, actor, STORE_ROLE_SUPERVISOR, "adding an operator", error))
    goto out;
  if (supervisors == 0 && role != STORE_ROLE_SUPERVISOR) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_DENIED,
                 "the store has no supervisor yet: add one first (--role supervisor)");
    goto out;
  }
  if (badge != NULL) {
    g_autoptr (GError) local = NULL;
    StoreStep r;

    st = store_db_prepare (db, "SELECT name FROM operators WHERE badge = ?1 AND name != ?2", error);
    if (st == NULL)
      goto out;
    store_stmt_bind_text (st, 1, badge);
    store_stmt_bind_text (st, 2, name);
    r = store_stmt_step (st, &local);
    if (r == STORE_STEP_ROW) {
      g_autofree char *other = store_stmt_dup_text (st, 0);

      g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_CONFLICT,
                   "badge %s already belongs to operator %s; scan another badge", badge, other);
    }
    store_stmt_reset (st);
    if (r == STORE_STEP_ERROR)
      g_propagate_error (error, g_steal_pointer (&local));
    if (r != STORE_STEP_DONE)
      goto out;
  }
  if (pin != NULL) {
    salt = new_salt ();
    hash = pin_hash (salt, pin);
  }
  st = store_db_prepare (db,
                         "INSERT INTO operators (name, display_name, created_at, last_seen_at, "
                         "role, badge, pin_salt, pin_hash) VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7) "
                         "ON CONFLICT (name) DO UPDATE SET display_name = coalesce (?2, "
                         "display_name), role = ?4, badge = coalesce (?5, badge), pin_salt = "
                         "coalesce (?6, pin_salt), pin_hash = coalesce (?7, pin_hash)",
                         error);
  if (st == NULL)
    goto out;
  store_stmt_bind_text (st, 1, name);
  store_stmt_bind_text (st, 2, display_name);
  store_stmt_bind_int (st, 3, store_now_ms ());
  store_stmt_bind_text (st, 4, store_role_to_string (role));
  store_stmt_bind_text (st, 5, badge);
  store_stmt_bind_text (st, 6, salt);
  store_stmt_bind_text (st, 7, hash);
  if (!store_stmt_run (st, error))
    goto out;
  details = store_audit_details ("role", store_role_to_string (role), "badge", badge, "pin",
                                 pin != NULL ? "set" : "unchanged", NULL);
  ok = store_audit_append_db (store, db, "operator.add", name, details, error);

out:
  if (hash != NULL)
    station_secret_wipe (hash, strlen (hash));
  return store_write_end (db, ok, error);
}

gboolean
store_operator_login (Store *store, const char *badge, const char *pin, char **name, GError **error)
{
  g_autofree char *who = NULL, *salt = NULL, *stored = NULL, *details = NULL;
  g_autofree char *station = store_dup_station (store);
  gboolean match = FALSE, ok = FALSE;
  StoreDb *db;
  StoreStmt *st;
  StoreStep r;

  g_return_val_if_fail (badge != NULL && pin != NULL, FALSE);
  db = store_write_begin (store, error);
  if (db == NULL)
    return FALSE;
  st = store_db_prepare (db, "SELECT name, pin_salt, pin_hash FROM operators WHERE badge = ?1",
                         error);
  if (st == NULL)
    goto out;
  store_stmt_bind_text (st, 1, badge);
  r = store_stmt_step (st, error);
  if (r == STORE_STEP_ROW) {
    who = store_stmt_dup_text (st, 0);
    salt = store_stmt_dup_text (st, 1);
    stored = store_stmt_dup_text (st, 2);
  }
  store_stmt_reset (st);
  if (r == STORE_STEP_ERROR)
    goto out;
  if (salt != NULL && stored != NULL) {
    g_autofree char *hash = pin_hash (salt, pin);

    match = g_strcmp0 (hash, stored) == 0;
    station_secret_wipe (hash, strlen (hash));
  }
  if (match) {
    st = store_db_prepare (db, "UPDATE operators SET last_seen_at = ?2 WHERE name = ?1", error);
    if (st == NULL)
      goto out;
    store_stmt_bind_text (st, 1, who);
    store_stmt_bind_int (st, 2, store_now_ms ());
    if (!store_stmt_run (st, error))
      goto out;
    store_set_actor (store, who, station);
  }
  details = store_audit_details ("result", match ? "ok" : "refused", "badge", badge, NULL);
  ok = store_audit_append_db (store, db, "operator.login", match ? who : NULL, details, error);

out:
  if (!store_write_end (db, ok, error))
    return FALSE;
  if (!match) {
    g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_DENIED,
                 "badge or PIN not recognised; scan your badge and type your PIN again");
    return FALSE;
  }
  if (name != NULL)
    *name = g_steal_pointer (&who);
  return TRUE;
}

gboolean
store_operator_has_badges (Store *store, gboolean *any, GError **error)
{
  StoreDb *db = store_get_db (store, error);
  gint64 n = 0;

  *any = FALSE;
  if (db == NULL
      || !store_db_get_int (db, "SELECT count(*) FROM operators WHERE badge IS NOT NULL", &n,
                            error))
    return FALSE;
  *any = n > 0;
  return TRUE;
}
