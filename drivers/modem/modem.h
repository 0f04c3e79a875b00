/* drivers/modem/modem.h - what the station asks of a cellular module:
 * identity (IMEI, IMSI, ICCID, make, SIM state), network registration,
 * signal, radio off.  Generic 3GPP code steered by the module's profile
 * (modem-profile.h), over an AtChannel.
 *
 * A Modem belongs to one thread at a time (a slot's worker thread); every
 * blocking call is bounded and takes a GCancellable.  Errors: MODEM_ERROR
 * for conditions of the module or network, AT_ERROR and SERIAL_ERROR from
 * the layers below, G_IO_ERROR_CANCELLED.  SIM conditions met while
 * identifying are reported as data (ModemIdentity.sim_state), not errors.
 */
#pragma once

#include <gio/gio.h>

#include "drivers/at/at-channel.h"
#include "drivers/modem/modem-profile.h"

G_BEGIN_DECLS

#define MODEM_ERROR (modem_error_quark ())
GQuark modem_error_quark (void);

typedef enum {
  MODEM_ERROR_NOT_READY,           /* the module did not finish booting in time */
  MODEM_ERROR_NOT_REGISTERED,      /* no network registration in time */
  MODEM_ERROR_REGISTRATION_DENIED, /* the network refused the SIM */
  MODEM_ERROR_NO_SIGNAL,           /* neither +CESQ nor +CSQ gave a value */
  MODEM_ERROR_RADIO_STILL_ON,      /* the radio-off command did not take */
} ModemError;

typedef enum {
  MODEM_SIM_UNKNOWN,
  MODEM_SIM_READY,
  MODEM_SIM_MISSING,
  MODEM_SIM_PIN,
  MODEM_SIM_PUK,
  MODEM_SIM_ERROR, /* busy, failure, or the state query kept failing */
} ModemSimState;

/* modem_sim_state_name: "ready", "missing", "pin", "puk", "error" (also for
 * MODEM_SIM_UNKNOWN): the "sim" values of `station-cli probe`. */
const char *modem_sim_state_name (ModemSimState state);

typedef struct {
  char *imei; /* each NULL when the module did not give it */
  char *imsi;
  char *iccid;
  char *manufacturer;
  char *model;
  char *revision;
  ModemSimState sim_state;
  const char *profile; /* name of the profile used */
  GPtrArray *warnings; /* char *: "imei: IMEI '...' fails the Luhn check ..." */
} ModemIdentity;

void modem_identity_free (ModemIdentity *identity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModemIdentity, modem_identity_free)

typedef struct {
  gboolean has_rssi;
  int rssi_dbm; /* from +CSQ */
  int csq;      /* raw +CSQ rssi (0..31, 99) */
  gboolean has_rsrp;
  int rsrp_dbm; /* from +CESQ (LTE) */
  int rsrq;     /* raw +CESQ rsrq (0..34, 255) */
} ModemSignal;

typedef struct _Modem Modem;

/* modem_new: a modem on @channel, which it takes (freed by modem_free). */
Modem *modem_new (AtChannel *channel);

/* modem_open: at_channel_open (@path, @baud) + modem_new. */
Modem *modem_open (const char *path, guint baud, GError **error);

void modem_free (Modem *modem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Modem, modem_free)

AtChannel *modem_get_channel (Modem *modem);

/* modem_get_profile: the profile in use (generic until identified). */
const ModemProfile *modem_get_profile (Modem *modem);

/* modem_set_profile: forces a profile (a recipe that names the module). */
void modem_set_profile (Modem *modem, const ModemProfile *profile);

/* modem_set_poll_interval: pause between polls of modem_wait_registered
 * and of the SIM state (default 1000 ms and 300 ms). */
void modem_set_poll_interval (Modem *modem, guint registration_ms, guint sim_ms);

/* modem_start: at_channel_start (AT, ATE0, AT+CMEE=2).  modem_identify
 * calls it when it was not called. */
gboolean modem_start (Modem *modem, GCancellable *cancellable, GError **error);

/* modem_wait_ready: after power-up, waits up to @timeout_ms for a boot URC
 * of any profile (RDY, Ready, ^SYSSTART, ...) or an answer to AT, then
 * starts the channel.  MODEM_ERROR_NOT_READY when neither comes. */
gboolean modem_wait_ready (Modem *modem, guint timeout_ms, GCancellable *cancellable,
                           GError **error);

/* modem_identify: reads manufacturer, model, revision (AT+CGMI/CGMM/CGMR,
 * each refused one followed by its V.25ter twin AT+GMI/GMM/GMR, then ATI
 * for what none gave; each field keeps whatever answered), selects the profile, then IMEI, IMSI,
 * ICCID through the profile's commands and the SIM state (AT+CPIN?, polled
 * while the SIM initialises, and the SIM errors any command returned).
 * Values that fail their check (identity.h) are kept and named in
 * warnings.  NULL with @error only when the module stops answering or the
 * port fails. */
ModemIdentity *modem_identify (Modem *modem, GCancellable *cancellable, GError **error);

/* modem_wait_registered: polls AT+CEREG?, AT+CGREG?, AT+CREG? (and watches
 * their URCs) until one reports home or roaming registration, for at most
 * @timeout_ms.  @reg (may be NULL) receives that registration.
 * MODEM_ERROR_REGISTRATION_DENIED / MODEM_ERROR_NOT_REGISTERED otherwise. */
gboolean modem_wait_registered (Modem *modem, guint timeout_ms, AtRegistration *reg,
                                GCancellable *cancellable, GError **error);

/* modem_signal: signal from AT+CESQ (RSRP) and AT+CSQ (RSSI); TRUE when at
 * least one is known, MODEM_ERROR_NO_SIGNAL otherwise. */
gboolean modem_signal (Modem *modem, ModemSignal *signal, GCancellable *cancellable,
                       GError **error);

/* modem_radio_off: the profile's radio-off command (AT+CFUN=0 or =4), then
 * AT+CFUN? to verify.  MODEM_ERROR_RADIO_STILL_ON when it did not take. */
gboolean modem_radio_off (Modem *modem, GCancellable *cancellable, GError **error);

G_END_DECLS
