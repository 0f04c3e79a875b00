/* drivers/modem/modem-profile.h - modem profiles: what differs between
 * module vendors, as data (libsigrok-style const structs listed in one
 * explicit array in modem-profiles.c).  The generic code in modem.c asks
 * the selected profile and never tests a vendor itself.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Turns a reply into a value (at_parse_iccid, at_parse_crsm_iccid, ...). */
typedef gboolean (*ModemValueParser) (const char *reply, char **value, GError **error);

/* One way to read a value: a command and the parser of its reply. */
typedef struct {
  const char *command;
  ModemValueParser parse;
} ModemQuery;

typedef struct {
  const char *name;                  /* "quectel" */
  const char *vendor;                /* "Quectel", for messages */
  const char *const *manufacturers;  /* substrings of +CGMI / ATI manufacturer (any case) */
  const char *const *model_prefixes; /* prefixes of +CGMM, used when the manufacturer is unknown */
  const ModemQuery *imei;            /* tried in order until one gives a value */
  const ModemQuery *iccid;
  const ModemQuery *revision;   /* tried when AT+CGMR and AT+GMR give nothing */
  const char *radio_off;        /* "AT+CFUN=0" or "AT+CFUN=4" */
  int radio_off_cfun;           /* the +CFUN: value that radio_off leaves */
  const char *const *boot_urcs; /* lines that say the module finished booting */
  const char *const *urcs;      /* vendor URCs to recognise (at_channel_add_urcs) */
  guint boot_timeout_ms;        /* how long a power-up may take */
} ModemProfile;

/* modem_profile_generic: the 3GPP profile used when nothing else matches. */
const ModemProfile *modem_profile_generic (void);

/* modem_profile_select: the profile for a module that reports
 * @manufacturer (+CGMI or ATI) and @model (+CGMM or ATI), either may be
 * NULL; the generic profile when none matches.  Never NULL. */
const ModemProfile *modem_profile_select (const char *manufacturer, const char *model);

/* modem_profile_find: the profile called @name, or NULL. */
const ModemProfile *modem_profile_find (const char *name);

/* modem_profile_all: the explicit list (generic last), NULL-terminated. */
const ModemProfile *const *modem_profile_all (void);

/* modem_profile_all_boot_urcs: every profile's boot URCs (no duplicates),
 * NULL-terminated, for waiting on a module whose vendor is not known yet.
 * Owned by the library. */
const char *const *modem_profile_all_boot_urcs (void);

G_END_DECLS
