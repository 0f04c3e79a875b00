/* drivers/modem/modem.c - identify, registration, signal and radio off:
 * generic 3GPP steps; every vendor difference comes from the profile. */
#define G_LOG_DOMAIN "modem"

#include "drivers/modem/modem.h"

#include <string.h>

#include "drivers/identity.h"

G_DEFINE_QUARK (modem_error_quark, modem_error)

/* AT+CPIN? asked at most this often while the SIM initialises. */
#define SIM_POLLS 4
/* Identity commands in a row that may time out before the module counts as gone. */
#define MAX_TIMEOUTS_IN_A_ROW 2

struct _Modem {
  AtChannel *channel;
  const ModemProfile *profile;
  gboolean started;
  guint reg_poll_ms;
  guint sim_poll_ms;
  guint timeouts_in_a_row;
};

/* What the identity commands told about the SIM besides +CPIN. */
typedef struct {
  gboolean imsi_read;
  gboolean iccid_read;
  ModemSimState from_errors; /* MISSING / PIN / PUK seen in a +CME ERROR */
} SimEvidence;

const char *
modem_sim_state_name (ModemSimState state)
{
  switch (state) {
  case MODEM_SIM_READY:
    return "ready";
  case MODEM_SIM_MISSING:
    return "missing";
  case MODEM_SIM_PIN:
    return "pin";
  case MODEM_SIM_PUK:
    return "puk";
  case MODEM_SIM_ERROR:
  case MODEM_SIM_UNKNOWN:
  default:
    return "error";
  }
}

void
modem_identity_free (ModemIdentity *id)
{
  if (id == NULL)
    return;
  g_free (id->imei);
  g_free (id->imsi);
  g_free (id->iccid);
  g_free (id->manufacturer);
  g_free (id->model);
  g_free (id->revision);
  if (id->warnings != NULL)
    g_ptr_array_unref (id->warnings);
  g_free (id);
}

Modem *
modem_new (AtChannel *channel)
{
  Modem *m = g_new0 (Modem, 1);

  m->channel = channel;
  m->profile = modem_profile_generic ();
  m->reg_poll_ms = 1000;
  m->sim_poll_ms = 300;
  return m;
}

Modem *
modem_open (const char *path, guint baud, GError **error)
{
  AtChannel *ch = at_channel_open (path, baud, error);

  return ch != NULL ? modem_new (ch) : NULL;
}

void
modem_free (Modem *m)
{
  if (m == NULL)
    return;
  at_channel_free (m->channel);
  g_free (m);
}

AtChannel *
modem_get_channel (Modem *m)
{
  return m->channel;
}

const ModemProfile *
modem_get_profile (Modem *m)
{
  return m->profile;
}

void
modem_set_profile (Modem *m, const ModemProfile *profile)
{
  g_return_if_fail (profile != NULL);
  if (m->profile != profile)
    at_channel_add_urcs (m->channel, profile->urcs);
  m->profile = profile;
}

void
modem_set_poll_interval (Modem *m, guint registration_ms, guint sim_ms)
{
  m->reg_poll_ms = MAX (registration_ms, 1);
  m->sim_poll_ms = MAX (sim_ms, 1);
}

gboolean
modem_start (Modem *m, GCancellable *cancellable, GError **error)
{
  if (!at_channel_start (m->channel, cancellable, error))
    return FALSE;
  m->started = TRUE;
  return TRUE;
}

gboolean
modem_wait_ready (Modem *m, guint timeout_ms, GCancellable *cancellable, GError **error)
{
  const char *const *boot = modem_profile_all_boot_urcs ();
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  /* bounded: each round waits at least a second or starts the channel */
  while (g_get_monotonic_time () < deadline) {
    g_autoptr (GError) local = NULL;
    gint64 left_ms = (deadline - g_get_monotonic_time ()) / 1000;
    g_autofree char *line = NULL;

    if (at_channel_wait_urc (m->channel, boot, (guint)CLAMP (left_ms, 1, 1000), &line, cancellable,
                             &local))
      g_debug ("%s: boot line '%s'", at_channel_get_path (m->channel), line);
    else if (local != NULL) {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
    if (modem_start (m, cancellable, &local))
      return TRUE;
    if (!g_error_matches (local, AT_ERROR, AT_ERROR_NO_ANSWER)) {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  }
  g_set_error (error, MODEM_ERROR, MODEM_ERROR_NOT_READY,
               "%s: module did not become ready within %.0f s; check its power supply",
               at_channel_get_path (m->channel), timeout_ms / 1000.0);
  return FALSE;
}

static void
note_sim_error (SimEvidence *ev, const GError *e)
{
  if (e == NULL || e->domain != AT_ERROR || ev->from_errors != MODEM_SIM_UNKNOWN)
    return;
  if (e->code == AT_ERROR_SIM_MISSING)
    ev->from_errors = MODEM_SIM_MISSING;
  else if (e->code == AT_ERROR_SIM_PIN)
    ev->from_errors = MODEM_SIM_PIN;
  else if (e->code == AT_ERROR_SIM_PUK)
    ev->from_errors = MODEM_SIM_PUK;
}

/* Waits @ms between two polls, dispatching URCs; returns early when one
 * starting with @prefixes arrives (*urc set when @urc is non-NULL).  FALSE
 * only when the port fails or @cancellable fires. */
static gboolean
wait_pause (Modem *m, const char *const *prefixes, guint ms, char **urc, GCancellable *cancellable,
            GError **error)
{
  g_autoptr (GError) local = NULL;
  char *line = NULL;

  if (!at_channel_wait_urc (m->channel, prefixes, ms, &line, cancellable, &local)
      && local != NULL) {
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  if (urc != NULL)
    *urc = line;
  else
    g_free (line);
  return TRUE;
}

/* Sends @command.  *reply is NULL (and TRUE returned) when it timed out
 * but the module answered the command before; FALSE when the module stopped
 * answering or the port failed. */
static gboolean
ask (Modem *m, const char *command, char **reply, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local = NULL;

  *reply = at_channel_command (m->channel, command, 0, cancellable, &local);
  if (*reply != NULL) {
    m->timeouts_in_a_row = 0;
    return TRUE;
  }
  if (g_error_matches (local, AT_ERROR, AT_ERROR_TIMEOUT)
      && ++m->timeouts_in_a_row < MAX_TIMEOUTS_IN_A_ROW) {
    g_debug ("%s", local->message);
    return TRUE;
  }
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

/* Runs @q's command and parser; *value stays NULL when the module refused
 * or the reply did not parse (SIM errors noted in @ev). */
static gboolean
query (Modem *m, const ModemQuery *q, char **value, SimEvidence *ev, GCancellable *cancellable,
       GError **error)
{
  g_autofree char *reply = NULL;
  g_autoptr (GError) local = NULL;
  char *v = NULL;

  if (!ask (m, q->command, &reply, cancellable, error))
    return FALSE;
  if (reply == NULL)
    return TRUE;
  if (!q->parse (reply, &v, &local)) {
    g_debug ("%s: %s", q->command, local->message);
    note_sim_error (ev, local);
    return TRUE;
  }
  *value = v;
  return TRUE;
}

/* Tries @queries in order until one fills *value (left alone when set). */
static gboolean
query_first (Modem *m, const ModemQuery *queries, char **value, SimEvidence *ev,
             GCancellable *cancellable, GError **error)
{
  for (gsize i = 0; queries != NULL && queries[i].command != NULL && *value == NULL; i++) {
    if (ev->from_errors == MODEM_SIM_MISSING && queries[i].parse == at_parse_crsm_iccid)
      break; /* no card to read from */
    if (!query (m, &queries[i], value, ev, cancellable, error))
      return FALSE;
  }
  return TRUE;
}

static ModemSimState
sim_from_cpin (AtSimState s)
{
  switch (s) {
  case AT_SIM_READY:
    return MODEM_SIM_READY;
  case AT_SIM_PIN:
    return MODEM_SIM_PIN;
  case AT_SIM_PUK:
    return MODEM_SIM_PUK;
  case AT_SIM_MISSING:
    return MODEM_SIM_MISSING;
  case AT_SIM_NOT_READY:
  default:
    return MODEM_SIM_UNKNOWN;
  }
}

static ModemSimState
sim_from_error (const GError *e)
{
  if (e->domain != AT_ERROR)
    return MODEM_SIM_UNKNOWN;
  switch (e->code) {
  case AT_ERROR_SIM_MISSING:
    return MODEM_SIM_MISSING;
  case AT_ERROR_SIM_PIN:
    return MODEM_SIM_PIN;
  case AT_ERROR_SIM_PUK:
    return MODEM_SIM_PUK;
  case AT_ERROR_SIM_FAILURE:
  case AT_ERROR_SIM_WRONG:
    return MODEM_SIM_ERROR;
  default:
    return MODEM_SIM_UNKNOWN; /* busy, plain ERROR, ...: ask again */
  }
}

/* The SIM state: AT+CPIN? polled while it reports busy/not ready/ERROR,
 * then what the other commands showed. */
static const char *const cpin_urcs[] = { "+CPIN:", NULL };

static gboolean
read_sim_state (Modem *m, const SimEvidence *ev, ModemSimState *state, GCancellable *cancellable,
                GError **error)
{
  gboolean explicit_error = FALSE;

  for (int i = 0; i < SIM_POLLS; i++) {
    g_autofree char *reply = NULL;
    g_autoptr (GError) local = NULL;
    AtSimState cpin = AT_SIM_READY;
    ModemSimState s = MODEM_SIM_UNKNOWN;

    if (!ask (m, "AT+CPIN?", &reply, cancellable, error))
      return FALSE;
    if (reply != NULL && at_parse_cpin (reply, &cpin, &local))
      s = sim_from_cpin (cpin);
    else if (local != NULL)
      s = sim_from_error (local);
    /* the SIM says it is busy or broken (not just an unknown command) */
    if ((local != NULL && local->domain == AT_ERROR
         && (local->code == AT_ERROR_SIM_BUSY || local->code == AT_ERROR_SIM_FAILURE
             || local->code == AT_ERROR_SIM_WRONG || local->code == AT_ERROR_NOT_ALLOWED))
        || (local == NULL && reply != NULL && cpin == AT_SIM_NOT_READY))
      explicit_error = TRUE;
    if (s != MODEM_SIM_UNKNOWN && s != MODEM_SIM_ERROR) {
      *state = s;
      return TRUE;
    }
    /* the state query failed: other answers may settle it */
    if (ev->imsi_read) {
      *state = MODEM_SIM_READY;
      return TRUE;
    }
    if (ev->from_errors != MODEM_SIM_UNKNOWN) {
      *state = ev->from_errors;
      return TRUE;
    }
    if (i + 1 < SIM_POLLS && !wait_pause (m, cpin_urcs, m->sim_poll_ms, NULL, cancellable, error))
      return FALSE;
  }
  *state = (!explicit_error && ev->iccid_read) ? MODEM_SIM_READY : MODEM_SIM_ERROR;
  return TRUE;
}

static void
check_value (ModemIdentity *id, const char *field, const char *value,
             gboolean (*check) (const char *, GError **))
{
  g_autoptr (GError) e = NULL;

  if (value != NULL && !check (value, &e))
    g_ptr_array_add (id->warnings, g_strdup_printf ("%s: %s", field, e->message));
}

/* The identity commands of 27.007, each followed by its V.25ter twin, as
 * ModemManager does: a module that refuses +CGMI (ERROR, +CME ERROR) may
 * still answer +GMI, and each field keeps whatever answered. */
static const ModemQuery manufacturer_queries[] = {
  { "AT+CGMI", at_parse_info },
  { "AT+GMI", at_parse_info },
  { NULL, NULL },
};
static const ModemQuery model_queries[] = {
  { "AT+CGMM", at_parse_info },
  { "AT+GMM", at_parse_info },
  { NULL, NULL },
};
static const ModemQuery revision_queries[] = {
  { "AT+CGMR", at_parse_info },
  { "AT+GMR", at_parse_info },
  { NULL, NULL },
};

static gboolean
identify_make (Modem *m, ModemIdentity *id, AtIdentityInfo *ati, SimEvidence *ev,
               GCancellable *cancellable, GError **error)
{
  g_autofree char *reply = NULL;

  if (!query_first (m, manufacturer_queries, &id->manufacturer, ev, cancellable, error)
      || !query_first (m, model_queries, &id->model, ev, cancellable, error)
      || !query_first (m, revision_queries, &id->revision, ev, cancellable, error))
    return FALSE;
  if (id->manufacturer != NULL && id->model != NULL && id->revision != NULL)
    return TRUE;
  /* ATI (V.25ter) fills what the 27.007 commands did not give */
  if (!ask (m, "ATI", &reply, cancellable, error))
    return FALSE;
  if (reply != NULL && at_parse_ati (reply, ati, NULL)) {
    if (id->manufacturer == NULL)
      id->manufacturer = g_strdup (ati->manufacturer);
    if (id->model == NULL)
      id->model = g_strdup (ati->model);
    if (id->revision == NULL)
      id->revision = g_strdup (ati->revision);
  }
  return TRUE;
}

ModemIdentity *
modem_identify (Modem *m, GCancellable *cancellable, GError **error)
{
  static const ModemQuery cimi = { "AT+CIMI", at_parse_imsi };
  g_autoptr (ModemIdentity) id = g_new0 (ModemIdentity, 1);
  AtIdentityInfo ati = { 0 };
  SimEvidence ev = { 0 };
  ModemIdentity *result = NULL;

  id->warnings = g_ptr_array_new_with_free_func (g_free);
  if (!m->started && !modem_start (m, cancellable, error))
    goto out;
  if (!identify_make (m, id, &ati, &ev, cancellable, error))
    goto out;
  if (m->profile == modem_profile_generic ())
    modem_set_profile (m, modem_profile_select (id->manufacturer, id->model));
  id->profile = m->profile->name;
  g_debug ("%s: profile %s", at_channel_get_path (m->channel), m->profile->name);

  if (id->revision == NULL
      && !query_first (m, m->profile->revision, &id->revision, &ev, cancellable, error))
    goto out;
  if (!query_first (m, m->profile->imei, &id->imei, &ev, cancellable, error))
    goto out;
  if (id->imei == NULL)
    id->imei = g_strdup (ati.imei);
  if (!query (m, &cimi, &id->imsi, &ev, cancellable, error))
    goto out;
  ev.imsi_read = id->imsi != NULL;
  if (ev.from_errors != MODEM_SIM_MISSING
      && !query_first (m, m->profile->iccid, &id->iccid, &ev, cancellable, error))
    goto out;
  ev.iccid_read = id->iccid != NULL;
  if (!read_sim_state (m, &ev, &id->sim_state, cancellable, error))
    goto out;

  check_value (id, "imei", id->imei, identity_imei_check);
  check_value (id, "imsi", id->imsi, identity_imsi_check);
  check_value (id, "iccid", id->iccid, identity_iccid_check);
  result = g_steal_pointer (&id);

out:
  at_identity_info_clear (&ati);
  return result;
}

static const char *const reg_commands[] = { "AT+CEREG?", "AT+CGREG?", "AT+CREG?" };

gboolean
modem_wait_registered (Modem *m, guint timeout_ms, AtRegistration *out, GCancellable *cancellable,
                       GError **error)
{
  static const char *const reg_urcs[] = { "+CEREG:", "+CGREG:", "+CREG:", NULL };
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  gboolean supported[G_N_ELEMENTS (reg_commands)] = { TRUE, TRUE, TRUE };
  AtRegistration last = { .stat = -1 };
  gboolean denied = FALSE;

  for (guint round = 0; round < 100000; round++) {
    g_autofree char *urc = NULL;
    gint64 left_ms;

    for (gsize i = 0; i < G_N_ELEMENTS (reg_commands); i++) {
      g_autofree char *reply = NULL;
      g_autoptr (GError) local = NULL;
      AtRegistration reg;

      if (!supported[i])
        continue;
      if (!ask (m, reg_commands[i], &reply, cancellable, error))
        return FALSE;
      if (reply == NULL || !at_parse_creg (reply, &reg, &local)) {
        if (local != NULL && local->code != AT_ERROR_PARSE)
          supported[i] = FALSE; /* e.g. +CGREG on an LTE-only module */
        continue;
      }
      if (at_reg_stat_is_registered (reg.stat)) {
        if (out != NULL)
          *out = reg;
        return TRUE;
      }
      denied = denied || reg.stat == AT_REG_DENIED;
      if (last.stat < 0 || reg.family == AT_REG_CEREG)
        last = reg;
    }
    left_ms = (deadline - g_get_monotonic_time ()) / 1000;
    if (left_ms <= 0)
      break;
    if (!wait_pause (m, reg_urcs, (guint)MIN (left_ms, m->reg_poll_ms), &urc, cancellable, error))
      return FALSE;
    if (urc != NULL) {
      AtRegistration reg;
      if (at_parse_creg_urc (urc, &reg, NULL) && at_reg_stat_is_registered (reg.stat)) {
        if (out != NULL)
          *out = reg;
        return TRUE;
      }
    }
  }
  if (denied)
    g_set_error (error, MODEM_ERROR, MODEM_ERROR_REGISTRATION_DENIED,
                 "%s: the network denied registration; check the SIM's status and plan",
                 at_channel_get_path (m->channel));
  else
    g_set_error (error, MODEM_ERROR, MODEM_ERROR_NOT_REGISTERED,
                 "%s: not registered within %.0f s (last state %d); check antenna and coverage",
                 at_channel_get_path (m->channel), timeout_ms / 1000.0, last.stat);
  return FALSE;
}

gboolean
modem_signal (Modem *m, ModemSignal *sig, GCancellable *cancellable, GError **error)
{
  g_autofree char *cesq = NULL;
  g_autofree char *csq = NULL;
  AtCesq e;
  AtCsq q;

  memset (sig, 0, sizeof *sig);
  sig->csq = 99;
  sig->rsrq = 255;
  if (!ask (m, "AT+CESQ", &cesq, cancellable, error)
      || !ask (m, "AT+CSQ", &csq, cancellable, error))
    return FALSE;
  if (cesq != NULL && at_parse_cesq (cesq, &e, NULL)) {
    sig->has_rsrp = at_cesq_rsrp_dbm (e.rsrp, &sig->rsrp_dbm);
    sig->rsrq = e.rsrq;
  }
  if (csq != NULL && at_parse_csq (csq, &q, NULL)) {
    sig->csq = q.rssi;
    sig->has_rssi = at_csq_dbm (q.rssi, &sig->rssi_dbm);
  }
  if (!sig->has_rsrp && !sig->has_rssi) {
    g_set_error (error, MODEM_ERROR, MODEM_ERROR_NO_SIGNAL,
                 "%s: no signal reported (+CESQ/+CSQ unknown); check the antenna",
                 at_channel_get_path (m->channel));
    return FALSE;
  }
  return TRUE;
}

gboolean
modem_radio_off (Modem *m, GCancellable *cancellable, GError **error)
{
  const ModemProfile *p = m->profile;
  g_autofree char *reply = NULL;
  g_autoptr (GError) local = NULL;
  int fun = -1;

  if (!at_channel_command_ok (m->channel, p->radio_off, 0, cancellable, error))
    return FALSE;
  reply = at_channel_command (m->channel, "AT+CFUN?", 0, cancellable, error);
  if (reply == NULL)
    return FALSE;
  if (!at_parse_cfun (reply, &fun, &local)) {
    /* the command was accepted; a module that cannot report it is taken at its word */
    g_debug ("%s: AT+CFUN? unreadable after %s: %s", at_channel_get_path (m->channel), p->radio_off,
             local->message);
    return TRUE;
  }
  if (fun != p->radio_off_cfun && fun != 0 && fun != 4) {
    g_set_error (error, MODEM_ERROR, MODEM_ERROR_RADIO_STILL_ON,
                 "%s: radio still on after %s (+CFUN: %d); power the unit off",
                 at_channel_get_path (m->channel), p->radio_off, fun);
    return FALSE;
  }
  return TRUE;
}
