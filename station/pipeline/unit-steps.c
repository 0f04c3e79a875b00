/* station/pipeline/unit-steps.c - what each step of the pipeline does and
 * how it verifies it (DESIGN.md "The pipeline of one unit"). */
#define G_LOG_DOMAIN "station-pipeline"

#include <string.h>

#include "drivers/identity.h"
#include "labels/label.h"
#include "station/cloud/cloud-error.h"
#include "station/pipeline/unit-steps.h"

#define STORE(u)   ((u)->e->opts.store)
#define CLOUD(u)   ((u)->e->opts.cloud)
#define FIXTURE(u) ((u)->e->opts.fixture)
#define RECIPE(u)  ((u)->e->opts.recipe)
#define CANCEL(u)  ((u)->e->cancellable)

static void set_detail (Unit *u, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
set_detail (Unit *u, const char *fmt, ...)
{
  va_list ap;

  g_free (u->detail);
  va_start (ap, fmt);
  u->detail = g_strdup_vprintf (fmt, ap);
  va_end (ap);
}

static void
keep_sub (Unit *u, CloudSubscriber *sub)
{
  g_clear_pointer (&u->sub, cloud_subscriber_free);
  u->sub = sub;
}

/* The SIM statuses that stop a unit (DESIGN.md: suspended, terminated). */
static Outcome
check_status (Unit *u)
{
  if (u->sub->status_code == CLOUD_SIM_STATUS_TERMINATED)
    return unit_fail (u, FAIL_SIM_TERMINATED, "SIM %s is terminated: use another SIM", u->imsi);
  if (u->sub->status_code == CLOUD_SIM_STATUS_SUSPENDED)
    return unit_fail (u, FAIL_SIM_SUSPENDED,
                      "SIM %s is suspended: resolve it in the SORACOM console first", u->imsi);
  /* before the first change to the SIM: a unit the recipe parks in standby
   * whose plan cannot be parked would be tagged and locked for nothing */
  if ((RECIPE (u)->steps & RECIPE_STEP_STANDBY)
      && !cloud_subscription_has_standby (u->sub->subscription))
    return unit_fail (u, FAIL_PLAN_NO_STANDBY,
                      "SIM %s is on %s, which SORACOM cannot put in standby, but recipe %s "
                      "parks units in standby: use a SIM of a plan with standby (plan01s, "
                      "planX3, planP1, ...) or a recipe without standby",
                      u->imsi, u->sub->subscription, RECIPE (u)->name);
  return STEP_OK;
}

/* read_sim: GET subscriber into u->sub, then the status guard. */
static Outcome
read_sim (Unit *u)
{
  GError *error = NULL;
  CloudSubscriber *sub = cloud_client_get_subscriber (CLOUD (u), u->imsi, CANCEL (u), &error);

  if (sub == NULL)
    return unit_outcome_for_error (u, error);
  keep_sub (u, sub);
  return check_status (u);
}

/* unit_ensure_sim: u->sub as known in this run, read (with the status
 * and plan guards) when not yet. */
Outcome
unit_ensure_sim (Unit *u)
{
  return u->sub != NULL ? STEP_OK : read_sim (u);
}

/* ---- scan ---------------------------------------------------------------- */

static Outcome
step_scan (Unit *u)
{
  Engine *e = u->e;
  GError *error = NULL;
  g_autoptr (StoreUnit) unit = NULL;
  gboolean mine;

  g_mutex_lock (&e->lock);
  mine = !g_hash_table_contains (e->in_flight, u->device_id);
  if (mine)
    g_hash_table_add (e->in_flight, g_strdup (u->device_id));
  u->claimed = mine;
  g_mutex_unlock (&e->lock);
  if (!mine) {
    u->foreign = TRUE;
    return unit_fail (u, FAIL_DUPLICATE_DEVICE_ID,
                      "device ID %s is being provisioned in another slot: two units carry "
                      "the same ID",
                      u->device_id);
  }

  unit = store_unit_get (STORE (u), u->device_id, &error);
  if (unit == NULL && g_error_matches (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND)) {
    g_clear_error (&error);
    unit = store_unit_create (STORE (u), u->device_id, e->batch_id, e->station, (int)u->slot,
                              RECIPE (u)->sha256, &error);
  }
  if (unit == NULL)
    return unit_outcome_for_error (u, error);

  /* a scrapped unit is out of stock for good: nothing is done to it or to
   * its SIM, and its record stays as the scrap left it */
  if (unit->scrapped_at != 0) {
    g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (unit->scrapped_at / 1000);
    g_autofree char *when = t ? g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("?");

    u->foreign = TRUE;
    return unit_fail (u, FAIL_SCRAPPED,
                      "device ID %s was scrapped on %s by %s (%s): take it off the line",
                      u->device_id, when, unit->scrapped_by ? unit->scrapped_by : "?",
                      unit->scrap_reason ? unit->scrap_reason : "no reason");
  }
  if (g_strcmp0 (unit->batch_id, e->batch_id) != 0) {
    u->foreign = TRUE;
    return unit_fail (u, FAIL_OTHER_BATCH, "device ID %s belongs to batch %s (state %s)",
                      u->device_id, unit->batch_id, store_unit_state_to_string (unit->state));
  }
  if (unit->state == STORE_UNIT_PASSED) {
    u->foreign = TRUE;
    return unit_fail (u, FAIL_ALREADY_PROVISIONED,
                      "device ID %s was already provisioned: look it up, or reprint its label",
                      u->device_id);
  }
  u->imei = g_strdup (unit->imei);
  u->imsi = g_strdup (unit->imsi);
  u->iccid = g_strdup (unit->iccid);
  if (!store_unit_set_state (STORE (u), u->device_id, STORE_UNIT_RUNNING, NULL, &error)
      || !store_unit_set_slot (STORE (u), u->device_id, e->station, (int)u->slot, &error))
    return unit_outcome_for_error (u, error);
  set_detail (u, "slot %u, previous state %s", u->slot, store_unit_state_to_string (unit->state));
  return STEP_OK;
}

/* ---- insert_boot ----------------------------------------------------------- */

static Outcome
step_insert_boot (Unit *u)
{
  GError *error = NULL;
  g_autofree char *port = NULL;
  Modem *modem;

  if (fixture_has_actuator (FIXTURE (u))
      && !fixture_insert (FIXTURE (u), u->slot, CANCEL (u), &error))
    return unit_outcome_for_error (u, error);
  fixture_set_led (FIXTURE (u), u->slot, FIXTURE_LED_BUSY, CANCEL (u), NULL);
  /* A unit may be on already (a jig that powers units as they load, or an
   * earlier, killed run), its firmware's bootstrap over, perhaps given up
   * while no receiver listened: power-cycle it so that it boots, attaches
   * and registers while this station watches. */
  if (!fixture_power (FIXTURE (u), u->slot, FALSE, CANCEL (u), &error))
    return unit_outcome_for_error (u, error);
  if (!fixture_power (FIXTURE (u), u->slot, TRUE, CANCEL (u), &error))
    return unit_outcome_for_error (u, error);
  u->powered = TRUE;
  port = fixture_port (FIXTURE (u), u->slot, CANCEL (u), &error);
  if (port == NULL)
    return unit_outcome_for_error (u, error);
  modem = modem_open (port, u->e->opts.baud, &error);
  if (modem == NULL)
    return unit_outcome_for_error (u, error);
  unit_attach_modem (u, modem);
  if (!modem_wait_ready (u->modem, u->e->opts.boot_timeout_ms, CANCEL (u), &error))
    return unit_outcome_for_error (u, error);
  set_detail (u, "powered, modem answers on %s", port);
  return STEP_OK;
}

/* ---- identify -------------------------------------------------------------- */

static Outcome
sim_state_outcome (Unit *u, ModemSimState state)
{
  switch (state) {
  case MODEM_SIM_READY:
    return STEP_OK;
  case MODEM_SIM_MISSING:
    return unit_fail (u, FAIL_SIM_MISSING, "no SIM in the unit: insert the batch's SIM");
  case MODEM_SIM_PIN:
    return unit_fail (u, FAIL_SIM_PIN, "the SIM asks for its PIN: SORACOM SIMs ship without one");
  case MODEM_SIM_PUK:
    return unit_fail (u, FAIL_SIM_PUK, "the SIM is PUK-locked: replace it");
  default:
    return unit_fail (u, FAIL_SIM_ERROR, "the SIM does not answer (not ready or faulty)");
  }
}

/* An identity already bound to another unit stops this one. */
static Outcome
check_not_bound (Unit *u, StoreKey key, const char *value, const char *code, const char *what)
{
  GError *error = NULL;
  g_autoptr (StoreUnit) other = store_unit_find (STORE (u), key, value, &error);

  if (other == NULL) {
    if (g_error_matches (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND)) {
      g_error_free (error);
      return STEP_OK;
    }
    return unit_outcome_for_error (u, error);
  }
  if (strcmp (other->device_id, u->device_id) == 0)
    return STEP_OK;
  return unit_fail (u, code, "%s %s is already bound to unit %s of batch %s", what, value,
                    other->device_id, other->batch_id);
}

static Outcome
check_bindings (Unit *u, const ModemIdentity *id)
{
  Outcome out;

  if ((out = check_not_bound (u, STORE_KEY_IMSI, id->imsi, FAIL_DUPLICATE_IMSI, "IMSI")) != STEP_OK)
    return out;
  if ((out = check_not_bound (u, STORE_KEY_IMEI, id->imei, FAIL_DUPLICATE_IMEI, "IMEI")) != STEP_OK)
    return out;
  if (id->iccid != NULL)
    return check_not_bound (u, STORE_KEY_ICCID, id->iccid, FAIL_DUPLICATE_ICCID, "ICCID");
  return STEP_OK;
}

static Outcome
step_identify (Unit *u)
{
  GError *error = NULL;
  g_autoptr (StoreSim) sim = NULL;
  ModemIdentity *id;
  Outcome out;

  id = modem_identify (u->modem, CANCEL (u), &error);
  if (id == NULL)
    return unit_outcome_for_error (u, error);
  g_clear_pointer (&u->ident, modem_identity_free);
  u->ident = id;

  if ((out = sim_state_outcome (u, id->sim_state)) != STEP_OK)
    return out;
  if (id->imei == NULL || !identity_imei_check (id->imei, &error)) {
    out = unit_fail (u, FAIL_IMEI_INVALID, "%s",
                     error ? error->message : "the modem gives no IMEI");
    g_clear_error (&error);
    return out;
  }
  if (id->imsi == NULL || !identity_imsi_check (id->imsi, &error)) {
    out = unit_fail (u, FAIL_IMSI_UNREADABLE, "%s",
                     error ? error->message : "the modem gives no IMSI");
    g_clear_error (&error);
    return out;
  }
  if (id->iccid != NULL && !identity_iccid_check (id->iccid, &error)) {
    out = unit_fail (u, FAIL_ICCID_INVALID, "%s", error->message);
    g_clear_error (&error);
    return out;
  }

  /* a resumed unit must still be the device it was */
  if ((u->imei && strcmp (u->imei, id->imei) != 0) || (u->imsi && strcmp (u->imsi, id->imsi) != 0))
    return unit_fail (u, FAIL_IDENTITY_CHANGED,
                      "unit %s was IMEI %s / IMSI %s, now reads IMEI %s / IMSI %s", u->device_id,
                      u->imei, u->imsi, id->imei, id->imsi);

  sim = store_sim_find (STORE (u), id->imsi, &error);
  if (sim == NULL && g_error_matches (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND)) {
    g_clear_error (&error);
    return unit_fail (u, FAIL_IMSI_NOT_IN_BATCH,
                      "IMSI %s is not one of batch %s's SIMs: wrong SIM in the unit", id->imsi,
                      u->e->batch_id);
  }
  if (sim == NULL)
    return unit_outcome_for_error (u, error);
  if (strcmp (sim->batch_id, u->e->batch_id) != 0)
    return unit_fail (u, FAIL_IMSI_NOT_IN_BATCH, "IMSI %s belongs to batch %s, not %s", id->imsi,
                      sim->batch_id, u->e->batch_id);
  if (sim->iccid != NULL && id->iccid != NULL && g_ascii_strcasecmp (sim->iccid, id->iccid) != 0)
    return unit_fail (u, FAIL_ICCID_MISMATCH,
                      "ICCID %s read from the SIM differs from %s in the batch's list for IMSI %s",
                      id->iccid, sim->iccid, id->imsi);

  /* the identities must be the unit's that was scanned: one pulled out and
   * replaced by the next while it was read is not bound to anything */
  if (!fixture_slot_check (FIXTURE (u), u->slot, &error))
    return unit_outcome_for_error (u, error);
  /* checked first for a message naming the other unit; the claim itself
   * is atomic, so a unit claiming the same identity at the same moment in
   * another slot or station loses there, and is then told which one */
  if ((out = check_bindings (u, id)) != STEP_OK)
    return out;
  if (!store_unit_claim (STORE (u), u->device_id, id->imei, id->imsi, id->iccid, &error)) {
    g_autofree char *why = NULL;

    if (!g_error_matches (error, STATION_STORE_ERROR, STORE_ERROR_CONFLICT))
      return unit_outcome_for_error (u, error);
    why = g_strdup (error->message);
    g_clear_error (&error);
    if ((out = check_bindings (u, id)) != STEP_OK)
      return out;
    return unit_fail (u, FAIL_DUPLICATE_IMSI, "%s", why);
  }
  g_free (u->imei);
  g_free (u->imsi);
  g_free (u->iccid);
  u->imei = g_strdup (id->imei);
  u->imsi = g_strdup (id->imsi);
  u->iccid = g_strdup (id->iccid);
  set_detail (u, "%s %s (%s), IMEI %s, IMSI %s, ICCID %s",
              id->manufacturer ? id->manufacturer : "?", id->model ? id->model : "?", id->profile,
              id->imei, id->imsi, id->iccid ? id->iccid : "(not given)");
  return STEP_OK;
}

/* ---- attach ---------------------------------------------------------------- */

static Outcome
step_attach (Unit *u)
{
  GError *error = NULL;
  AtRegistration reg = { 0 };
  ModemSignal sig = { 0 };

  if (!modem_wait_registered (u->modem, RECIPE (u)->attach_timeout_ms, &reg, CANCEL (u), &error))
    return unit_outcome_for_error (u, error);
  if (!modem_signal (u->modem, &sig, CANCEL (u), &error))
    return unit_outcome_for_error (u, error);
  if (sig.has_rssi && (sig.csq == 99 || (guint)sig.csq < RECIPE (u)->min_csq))
    return unit_fail (u, FAIL_WEAK_SIGNAL, "signal CSQ %d is below the recipe's %u", sig.csq,
                      RECIPE (u)->min_csq);
  if (sig.has_rssi)
    set_detail (u, "registered, CSQ %d (%d dBm)", sig.csq, sig.rssi_dbm);
  else
    set_detail (u, "registered, RSRP %d dBm", sig.rsrp_dbm);
  return STEP_OK;
}

/* ---- register -------------------------------------------------------------- */

/* Why no registration came: a Beam record under another ID or IMSI, or a
 * SIM whose status refuses its traffic. */
static Outcome
diagnose_register (Unit *u)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) by_imsi = store_registration_list_by_imsi (STORE (u), u->imsi, &error);
  g_autoptr (GPtrArray) by_dev = NULL;
  Outcome out;

  if (by_imsi == NULL)
    return unit_outcome_for_error (u, error);
  for (guint i = 0; i < by_imsi->len; i++) {
    StoreRegistration *r = g_ptr_array_index (by_imsi, i);
    if (g_ascii_strcasecmp (r->device_id, u->device_id) != 0)
      return unit_fail (u, FAIL_REGISTER_DEVICE_ID,
                        "the SIM %s registered as device %s, not %s: check the device's "
                        "configured ID",
                        u->imsi, r->device_id, u->device_id);
  }
  by_dev = store_registration_list_by_device (STORE (u), u->device_id, &error);
  if (by_dev == NULL)
    return unit_outcome_for_error (u, error);
  if (by_dev->len > 0) {
    StoreRegistration *r = g_ptr_array_index (by_dev, by_dev->len - 1);
    return unit_fail (u, FAIL_REGISTER_IMSI,
                      "device %s registered with IMSI %s, but its modem reads IMSI %s",
                      u->device_id, r->imsi, u->imsi);
  }
  if ((out = read_sim (u)) != STEP_OK)
    return out;
  return unit_fail (u, FAIL_REGISTER_TIMEOUT,
                    "no Beam registration from %s within %u s (SIM status %s, %s)", u->device_id,
                    RECIPE (u)->register_timeout_ms / 1000, u->sub->status,
                    u->sub->online ? "online" : "offline");
}

static Outcome
step_register (Unit *u)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)RECIPE (u)->register_timeout_ms * 1000;

  for (;;) {
    GError *error = NULL;
    g_autoptr (StoreRegistration) r
        = store_registration_latest (STORE (u), u->device_id, u->imsi, 0, &error);

    if (r != NULL) {
      set_detail (u, "Beam-signed registration of IMSI %s (IMEI %s) from %s", r->imsi,
                  r->imei ? r->imei : "not sent", r->remote ? r->remote : "?");
      return STEP_OK;
    }
    if (!g_error_matches (error, STATION_STORE_ERROR, STORE_ERROR_NOT_FOUND))
      return unit_outcome_for_error (u, error);
    g_error_free (error);
    if (g_get_monotonic_time () >= deadline)
      return diagnose_register (u);
    if (!unit_wait (u, u->e->opts.poll_ms))
      return unit_outcome_for_error (
          u, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "stopped by the operator"));
  }
}

/* ---- selftest -------------------------------------------------------------- */

static Outcome
step_selftest (Unit *u)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)RECIPE (u)->selftest_timeout_ms * 1000;
  guint pause = u->e->opts.poll_ms;

  for (;;) {
    Outcome out = read_sim (u);
    const char *result;

    if (out != STEP_OK)
      return out;
    result = cloud_subscriber_get_tag (u->sub, "selftest");
    if (result != NULL && strcmp (result, "pass") == 0) {
      set_detail (u, "self-test passed (tag selftest=pass), SIM %s", u->sub->status);
      return STEP_OK;
    }
    if (result != NULL && g_str_has_prefix (result, "fail"))
      return unit_fail (u, FAIL_SELFTEST, "the device's self-test failed: %s", result);
    if (g_get_monotonic_time () >= deadline)
      return unit_fail (u, FAIL_SELFTEST_TIMEOUT, "no self-test result (tag selftest) within %u s",
                        RECIPE (u)->selftest_timeout_ms / 1000);
    if (!unit_wait (u, pause))
      return unit_outcome_for_error (
          u, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "stopped by the operator"));
    pause = MIN (pause * 2, 5000); /* each poll is an API call */
  }
}

/* ---- tags ------------------------------------------------------------------ */

static GHashTable *
tag_fields (Unit *u)
{
  GHashTable *f = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  g_hash_table_insert (f, "device_id", g_strdup (u->device_id));
  g_hash_table_insert (f, "batch", g_strdup (u->e->batch_id));
  g_hash_table_insert (f, "station", g_strdup (u->e->station));
  g_hash_table_insert (f, "imei", g_strdup (u->imei));
  g_hash_table_insert (f, "imsi", g_strdup (u->imsi));
  g_hash_table_insert (f, "iccid", g_strdup (u->iccid ? u->iccid : ""));
  g_hash_table_insert (f, "recipe_name", g_strdup (RECIPE (u)->name));
  g_hash_table_insert (f, "recipe_version", g_strdup_printf ("%u", RECIPE (u)->version));
  g_hash_table_insert (f, "provisioned_at", g_date_time_format_iso8601 (now));
  return f;
}

static Outcome
step_tags (Unit *u)
{
  const Recipe *r = RECIPE (u);
  g_autoptr (GHashTable) fields = tag_fields (u);
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autofree CloudTag *tags = g_new0 (CloudTag, r->tag_names->len + 1);
  GError *error = NULL;
  CloudSubscriber *sub;
  gsize n = 0;
  Outcome out;

  if ((out = unit_ensure_sim (u)) != STEP_OK)
    return out;
  for (guint i = 0; i < r->tag_names->len; i++) {
    const char *name = g_ptr_array_index (r->tag_names, i);
    char *value = recipe_expand (g_ptr_array_index (r->tag_templates, i), fields, &error);
    const char *have;

    if (value == NULL)
      return unit_outcome_for_error (u, error);
    g_ptr_array_add (values, value);
    have = cloud_subscriber_get_tag (u->sub, name);
    /* provisioned_at changes every run: an earlier value is kept */
    if (have != NULL && (strcmp (have, value) == 0 || strcmp (name, "provisioned_at") == 0))
      continue;
    tags[n].name = name;
    tags[n].value = value;
    n++;
  }
  if (n == 0) {
    set_detail (u, "all %u tags already set", r->tag_names->len);
    return STEP_OK;
  }
  sub = cloud_client_put_subscriber_tags (CLOUD (u), u->imsi, tags, n, CANCEL (u), &error);
  if (sub == NULL)
    return unit_outcome_for_error (u, error);
  keep_sub (u, sub);
  for (gsize i = 0; i < n; i++) {
    const char *have = cloud_subscriber_get_tag (u->sub, tags[i].name);
    if (g_strcmp0 (have, tags[i].value) != 0) {
      return unit_error_msg (u, ERR_READBACK, "tag %s reads back as '%s', not '%s'", tags[i].name,
                             have ? have : "(absent)", tags[i].value);
    }
  }
  set_detail (u, "%zu tags set and read back", n);
  return STEP_OK;
}

/* ---- imei_lock ------------------------------------------------------------- */

static Outcome
step_imei_lock (Unit *u)
{
  GError *error = NULL;
  CloudSubscriber *sub;
  Outcome out;

  if ((out = unit_ensure_sim (u)) != STEP_OK)
    return out;
  if (g_strcmp0 (u->sub->imei_lock, u->imei) == 0) {
    set_detail (u, "already locked to IMEI %s", u->imei);
    return STEP_OK;
  }
  sub = cloud_client_set_imei_lock (CLOUD (u), u->imsi, u->imei, CANCEL (u), &error);
  if (sub == NULL)
    return unit_outcome_for_error (u, error);
  keep_sub (u, sub);
  if (g_strcmp0 (u->sub->imei_lock, u->imei) != 0) {
    return unit_error_msg (u, ERR_READBACK, "IMEI lock reads back as '%s', not %s",
                           u->sub->imei_lock ? u->sub->imei_lock : "(none)", u->imei);
  }
  set_detail (u, "SIM locked to IMEI %s", u->imei);
  return STEP_OK;
}

/* ---- radio_off ------------------------------------------------------------- */

static Outcome
step_radio_off (Unit *u)
{
  GError *error = NULL;
  gint64 deadline;
  Outcome out;

  if (u->modem != NULL) {
    if (!modem_radio_off (u->modem, CANCEL (u), &error))
      return unit_outcome_for_error (u, error);
    unit_attach_modem (u, NULL);
  }
  /* the SIM's session must end, or standby would reactivate it at once.
   * The network ends it a moment after the detach: read it after a first
   * pause rather than at once, which only finds it still online and costs
   * one more API call per unit. */
  deadline = g_get_monotonic_time () + (gint64)RECIPE (u)->radio_off_timeout_ms * 1000;
  for (guint pause = u->e->opts.poll_ms;; pause = MIN (pause * 2, 5000)) {
    if (!unit_wait (u, pause))
      return unit_outcome_for_error (
          u, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "stopped by the operator"));
    if ((out = read_sim (u)) != STEP_OK)
      return out;
    if (!u->sub->online) {
      set_detail (u, "radio off, SIM session offline");
      return STEP_OK;
    }
    if (g_get_monotonic_time () >= deadline)
      break;
  }
  {
    CloudSubscriber *sub = cloud_client_delete_session (CLOUD (u), u->imsi, CANCEL (u), &error);
    if (sub == NULL)
      return unit_outcome_for_error (u, error);
    keep_sub (u, sub);
  }
  if ((out = read_sim (u)) != STEP_OK)
    return out;
  if (u->sub->online)
    return unit_fail (u, FAIL_RADIO_OFF_IGNORED,
                      "the SIM's session is still online after radio off and delete_session: "
                      "the device keeps reconnecting");
  set_detail (u, "radio off; session still online after %u s, ended with delete_session",
              RECIPE (u)->radio_off_timeout_ms / 1000);
  return STEP_OK;
}

/* ---- standby --------------------------------------------------------------- */

static Outcome
step_standby (Unit *u)
{
  GError *error = NULL;
  Outcome out;

  if ((out = unit_ensure_sim (u)) != STEP_OK)
    return out;
  /* compensation: a SIM parked without its lock could be taken by any device */
  if ((RECIPE (u)->steps & RECIPE_STEP_IMEI_LOCK) && g_strcmp0 (u->sub->imei_lock, u->imei) != 0)
    return unit_fail (u, FAIL_NOT_LOCKED, "SIM %s is not IMEI-locked: not parked in standby",
                      u->imsi);
  if (u->sub->status_code != CLOUD_SIM_STATUS_STANDBY) {
    CloudSubscriber *sub = cloud_client_set_to_standby (CLOUD (u), u->imsi, CANCEL (u), &error);
    if (sub == NULL) {
      if (g_error_matches (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_REQUEST)) {
        g_autofree char *why = g_strdup (error->message);
        g_error_free (error);
        if ((out = read_sim (u)) != STEP_OK)
          return out;
        if (u->sub->online)
          return unit_fail (u, FAIL_RADIO_OFF_IGNORED,
                            "the device reconnected after radio off; SIM %s stays %s (%s)", u->imsi,
                            u->sub->status, why);
        /* not the unit's fault (plans without standby stop at read_sim) */
        return unit_error_msg (u, ERR_API, "standby refused for SIM %s (%s, offline): %s", u->imsi,
                               u->sub->status, why);
      }
      return unit_outcome_for_error (u, error);
    }
    keep_sub (u, sub);
    if (u->sub->status_code != CLOUD_SIM_STATUS_STANDBY) {
      return unit_error_msg (u, ERR_READBACK, "status reads back as %s after set_to_standby",
                             u->sub->status);
    }
  }
  if (!unit_wait (u, RECIPE (u)->standby_settle_ms))
    return unit_outcome_for_error (
        u, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "stopped by the operator"));
  if ((out = read_sim (u)) != STEP_OK)
    return out;
  if (u->sub->status_code != CLOUD_SIM_STATUS_STANDBY)
    return unit_fail (u, FAIL_RADIO_OFF_IGNORED,
                      "SIM %s went %s within %u s of standby: the device reconnects with its "
                      "radio off",
                      u->imsi, u->sub->status, RECIPE (u)->standby_settle_ms / 1000);
  set_detail (u, "SIM in standby, still so after %u ms", RECIPE (u)->standby_settle_ms);
  return STEP_OK;
}

/* ---- label ----------------------------------------------------------------- */

/* A printer that cannot be reached (switched off and on, its cable
 * reseated, its queue's server restarting), or whose connection broke
 * during the job, is tried again every LABEL_PRINTER_RETRY_MS for
 * LABEL_PRINTER_WAIT_MS before the unit ends in error.  When the
 * connection failed nothing reached the printer; when it broke during the
 * job the label may have come out before the printer went off, and the
 * retry then prints a spare, which the operator is told to discard (the
 * same label a resumed unit would print).  Any other printer fault (paper
 * out, head open) needs the operator and ends the step at once. */
#define LABEL_PRINTER_WAIT_MS  60000
#define LABEL_PRINTER_RETRY_MS 1000

/* print_label: submits the unit's label to the print queue and waits out
 * a printer that went away, telling the operator once when it starts
 * waiting and once when the printer is back. */
static gboolean
print_label (Unit *u, PrinterFormat format, GBytes *bytes, GError **error)
{
  PrintQueue *queue = u->e->opts.print_queue;
  gint64 give_up = g_get_monotonic_time () + (gint64)LABEL_PRINTER_WAIT_MS * 1000;
  gboolean maybe_printed;
  guint64 job = 0;
  guint tries = 1;
  gboolean ok;

  ok = print_queue_submit (queue, u->device_id, u->device_id, format, bytes, NULL, &job, CANCEL (u),
                           error);
  if (ok || !printer_error_is_gone (*error))
    return ok;
  maybe_printed = g_error_matches (*error, PRINTER_ERROR, PRINTER_ERROR_CONNECTION_LOST);
  {
    g_autofree char *msg = g_strdup_printf (
        "%s: the printer cannot be reached (%s); the label waits up to %u s for it to come back%s",
        u->device_id, (*error)->message, LABEL_PRINTER_WAIT_MS / 1000,
        maybe_printed ? " (a label that came out before the printer went off is a spare: "
                        "discard it)"
                      : "");
    engine_notice (u->e, u->slot, msg);
  }
  while (!ok && printer_error_is_gone (*error) && g_get_monotonic_time () < give_up) {
    g_clear_error (error);
    if (!unit_wait (u, LABEL_PRINTER_RETRY_MS)) {
      print_queue_cancel (queue, job, NULL);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "stopped by the operator");
      return FALSE;
    }
    tries++;
    ok = print_queue_retry (queue, job, CANCEL (u), error);
  }
  if (ok) {
    g_autofree char *msg = g_strdup_printf ("%s: the printer is back; label printed (attempt %u)",
                                            u->device_id, tries);
    engine_notice (u->e, u->slot, msg);
    return TRUE;
  }
  /* still gone: the unit ends in error and is resumed when it is put
   * back, and no held job may stand in the way of that run's print (a
   * printer back with a fault holds the job as any fault does) */
  if (printer_error_is_gone (*error)) {
    print_queue_cancel (queue, job, NULL);
    g_prefix_error (error, "printer gone for %u s (%u attempts): ", LABEL_PRINTER_WAIT_MS / 1000,
                    tries);
  }
  return FALSE;
}

static Outcome
step_label (Unit *u)
{
  Engine *e = u->e;
  GError *error = NULL;
  g_autoptr (GPtrArray) printed = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *payload = NULL;
  PrinterFormat pformat;
  LabelFormat lformat;
  StoreLabel rec = { 0 };
  LabelData data = {
    .device_id = u->device_id,
    .imsi = u->imsi,
    .iccid = u->iccid,
    .imei = u->imei,
    .batch = e->batch_id,
    .station = e->station,
    .mark = e->opts.label_mark,
  };

  printed = store_label_list (STORE (u), u->device_id, &error);
  if (printed == NULL)
    return unit_outcome_for_error (u, error);
  if (printed->len > 0) {
    set_detail (u, "label already printed (%u print(s)): not printed again", printed->len);
    return STEP_OK;
  }
  if (e->opts.print_queue == NULL || e->opts.label_template == NULL) {
    return unit_error_msg (u, ERR_PRINTER,
                           "the recipe prints a label but no printer is configured");
  }
  pformat = printer_get_format (print_queue_get_printer (e->opts.print_queue));
  if (!label_format_from_name (printer_format_name (pformat), &lformat, &error))
    return unit_outcome_for_error (u, error);
  payload = label_payload_for (e->opts.label_template, &data, &error);
  if (payload == NULL)
    return unit_outcome_for_error (u, error);
  bytes = label_render (e->opts.label_template, &data, lformat, 0, &error);
  if (bytes == NULL)
    return unit_outcome_for_error (u, error);
  if (!print_label (u, pformat, bytes, &error)) {
    if (!g_error_matches (error, PRINTER_ERROR, PRINTER_ERROR_REASON))
      return unit_outcome_for_error (u, error);
    g_clear_error (&error); /* this queue printed it already in this process */
  }
  rec.device_id = u->device_id;
  rec.payload = payload;
  rec.printer = (char *)e->opts.printer_uri;
  rec.format = (char *)printer_format_name (pformat);
  if (!store_label_add (STORE (u), &rec, &error))
    return unit_outcome_for_error (u, error);
  set_detail (u, "label '%s' printed on %s", payload, e->opts.printer_uri);
  return STEP_OK;
}

/* ---- release --------------------------------------------------------------- */

static Outcome
step_release (Unit *u)
{
  GError *error = NULL;

  unit_attach_modem (u, NULL);
  if (!fixture_set_led (FIXTURE (u), u->slot, FIXTURE_LED_PASS, CANCEL (u), &error))
    return unit_outcome_for_error (u, error);
  if (u->powered && !fixture_power (FIXTURE (u), u->slot, FALSE, CANCEL (u), &error))
    return unit_outcome_for_error (u, error);
  u->powered = FALSE;
  if (!fixture_eject (FIXTURE (u), u->slot, FIXTURE_LED_PASS, CANCEL (u), &error))
    return unit_outcome_for_error (u, error);
  /* the record is closed before release is journaled done: the unit has
   * left the slot, so no later run would be presented it to close it */
  if (!store_unit_finish (STORE (u), u->device_id, STORE_UNIT_PASSED, NULL, u->e->station, &error))
    return unit_outcome_for_error (u, error);
  set_detail (u, "passed: LED green, unit released");
  return STEP_OK;
}

const StepDef unit_steps[] = {
  { .name = "scan", .run = step_scan, .always = TRUE, .journal_after = TRUE },
  { .name = "insert_boot", .run = step_insert_boot, .needs = NEEDS_SESSION },
  { .name = "identify", .run = step_identify, .needs = NEEDS_SESSION },
  { .name = "attach", .run = step_attach, .needs = NEEDS_DEVICE | NEEDS_ATTACH_STEP },
  { .name = "register",
    .run = step_register,
    .recipe_bit = RECIPE_STEP_REGISTER,
    .needs = NEEDS_DEVICE | NEEDS_ATTACH },
  { .name = "selftest",
    .run = step_selftest,
    .recipe_bit = RECIPE_STEP_SELFTEST,
    .needs = NEEDS_DEVICE | NEEDS_ATTACH },
  { .name = "group", .run = unit_step_group }, /* unit-group.c */
  { .name = "tags", .run = step_tags, .recipe_bit = RECIPE_STEP_TAGS },
  { .name = "imei_lock", .run = step_imei_lock, .recipe_bit = RECIPE_STEP_IMEI_LOCK },
  { .name = "radio_off",
    .run = step_radio_off,
    .recipe_bit = RECIPE_STEP_RADIO_OFF,
    .needs = NEEDS_DEVICE | NEEDS_RADIO_OFF },
  { .name = "standby", .run = step_standby, .recipe_bit = RECIPE_STEP_STANDBY },
  { .name = "label", .run = step_label, .recipe_bit = RECIPE_STEP_LABEL },
  { .name = "release", .run = step_release, .always = TRUE },
};

const guint unit_steps_count = G_N_ELEMENTS (unit_steps);
