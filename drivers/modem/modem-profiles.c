/* drivers/modem/modem-profiles.c - the modem profiles and the one explicit
 * list of them.  Each quirk is written here as data; see the transcripts in
 * ../shared/reference/modems for the replies behind them. */
#define G_LOG_DOMAIN "modem"

#include "drivers/modem/modem-profile.h"

#include <string.h>

#include "drivers/at/at-parse.h"

#define CRSM_ICCID                                                                                 \
  {                                                                                                \
    "AT+CRSM=176,12258,0,0,10", at_parse_crsm_iccid                                                \
  }
#define END_QUERY                                                                                  \
  {                                                                                                \
    NULL, NULL                                                                                     \
  }

/* ---- generic 3GPP (27.007 / V.25ter) ---- */

static const ModemQuery generic_imei[] = {
  { "AT+CGSN", at_parse_imei },
  { "AT+GSN", at_parse_imei },    /* SIM868, BG770A, E3372 */
  { "AT+CGSN=1", at_parse_imei }, /* nRF91: +CGSN: "<imei>" */
  END_QUERY,
};

/* A module of unknown make may implement any of the usual ICCID commands;
 * each costs one ERROR when it does not. */
static const ModemQuery generic_iccid[] = {
  { "AT+CCID", at_parse_iccid },   /* SIM868 (bare), Fibocom (+CCID:) */
  { "AT+ICCID", at_parse_iccid },  /* SIMCom A76xx, Sierra */
  { "AT+QCCID", at_parse_iccid },  /* Quectel */
  { "AT^ICCID?", at_parse_iccid }, /* Huawei */
  CRSM_ICCID,                      /* EF_ICCID through the SIM itself */
  END_QUERY,
};

/* AT+CGMR and AT+GMR are always tried first (modem.c): a generic module
 * has nothing else to offer */
static const ModemQuery generic_revision[] = {
  END_QUERY,
};

static const char *const generic_boot[] = { "RDY", "^SYSSTART", NULL };

static const ModemProfile generic_profile = {
  .name = "generic",
  .vendor = "3GPP",
  .imei = generic_imei,
  .iccid = generic_iccid,
  .revision = generic_revision,
  .radio_off = "AT+CFUN=0",
  .radio_off_cfun = 0,
  .boot_urcs = generic_boot,
  .boot_timeout_ms = 20000,
};

/* ---- Quectel: BG96, BG770A, EP06, EC2x ---- */

static const char *const quectel_makers[] = { "quectel", NULL };
static const char *const quectel_models[]
    = { "BG9", "BG7", "BG6", "BC6", "BC9", "EC2", "EG2", "EG9", "EP0",
        "EM0", "EM1", "RM5", "RG5", "UC2", "M95", "M66", NULL };
static const ModemQuery quectel_iccid[] = {
  { "AT+QCCID", at_parse_iccid }, /* "+QCCID: 8939...F" (EP06) */
  { "AT+CCID", at_parse_iccid },
  CRSM_ICCID,
  END_QUERY,
};
/* BG770A reports its full firmware only through AT+QGMR */
static const ModemQuery quectel_revision[] = {
  { "AT+QGMR", at_parse_info },
  END_QUERY,
};
static const char *const quectel_boot[] = { "RDY", "APP RDY", NULL };
static const char *const quectel_urcs[]
    = { "+QNETDEVSTATUS:", "+QGPSURC:", "+QPSMTIMER:", "+QCFG:", NULL };

static const ModemProfile quectel_profile = {
  .name = "quectel",
  .vendor = "Quectel",
  .manufacturers = quectel_makers,
  .model_prefixes = quectel_models,
  .imei = generic_imei,
  .iccid = quectel_iccid,
  .revision = quectel_revision,
  .radio_off = "AT+CFUN=0",
  .radio_off_cfun = 0,
  .boot_urcs = quectel_boot,
  .urcs = quectel_urcs,
  .boot_timeout_ms = 15000,
};

/* ---- u-blox: SARA-R4/R5, LARA, TOBY ---- */

static const char *const ublox_makers[] = { "u-blox", "ublox", NULL };
static const char *const ublox_models[]
    = { "SARA-", "LARA-", "TOBY-", "LISA-", "LENA-", "ALEX-", NULL };
static const ModemQuery ublox_iccid[] = {
  { "AT+CCID", at_parse_iccid },
  CRSM_ICCID,
  END_QUERY,
};
static const char *const ublox_urcs[]
    = { "+UUSIMSTAT:", "+UUPSDD:", "+UUSOCL:", "+UUHTTPCR:", "+UUFWINSTALL:", NULL };

/* SARA-R412M rejects AT+CFUN=16 (reset) and takes AT+CFUN=0 */
static const ModemProfile ublox_profile = {
  .name = "u-blox",
  .vendor = "u-blox",
  .manufacturers = ublox_makers,
  .model_prefixes = ublox_models,
  .imei = generic_imei,
  .iccid = ublox_iccid,
  .revision = generic_revision,
  .radio_off = "AT+CFUN=0",
  .radio_off_cfun = 0,
  .urcs = ublox_urcs,
  .boot_timeout_ms = 20000,
};

/* ---- SIMCom: SIM7x00, SIM800/868, A76xx ---- */

static const char *const simcom_makers[] = { "simcom", NULL };
static const char *const simcom_models[]
    = { "SIM7", "SIM8", "SIM5", "A76", "A79", "SIMCOM_", NULL };
static const ModemQuery simcom_iccid[] = {
  { "AT+CICCID", at_parse_iccid }, /* SIM7x00/A76xx: "+ICCID: ..." */
  { "AT+CCID", at_parse_iccid },   /* SIM800/868: bare digits + "f" */
  CRSM_ICCID,
  END_QUERY,
};
static const char *const simcom_boot[] = { "RDY", "PB DONE", "SMS DONE", NULL };
static const char *const simcom_urcs[] = { "+SIMCARD:", "+CGNSPWR:", "DST:", NULL };

static const ModemProfile simcom_profile = {
  .name = "simcom",
  .vendor = "SIMCom",
  .manufacturers = simcom_makers,
  .model_prefixes = simcom_models,
  .imei = generic_imei,
  .iccid = simcom_iccid,
  .revision = generic_revision,
  .radio_off = "AT+CFUN=0",
  .radio_off_cfun = 0,
  .boot_urcs = simcom_boot,
  .urcs = simcom_urcs,
  .boot_timeout_ms = 20000,
};

/* ---- Nordic nRF91 (plain modem firmware and serial_lte_modem) ---- */

static const char *const nordic_makers[] = { "nordic", NULL };
static const char *const nordic_models[] = { "nRF91", NULL };
static const ModemQuery nordic_imei[] = {
  { "AT+CGSN=1", at_parse_imei }, /* +CGSN: "352656100367872" */
  { "AT+CGSN", at_parse_imei },
  { "AT+GSN", at_parse_imei }, /* V.25ter twin of +CGSN, as in generic_imei */
  END_QUERY,
};
static const ModemQuery nordic_iccid[] = {
  { "AT%XICCID", at_parse_iccid },
  CRSM_ICCID,
  END_QUERY,
};
static const char *const nordic_boot[] = { "Ready", NULL };
static const char *const nordic_urcs[] = { "%XMODEMSLEEP:", "%NCELLMEAS:", "#XDFUSIZE:", NULL };

/* CFUN=4 (offline) keeps the modem's settings; CFUN=0 would also write NVM */
static const ModemProfile nordic_profile = {
  .name = "nordic",
  .vendor = "Nordic Semiconductor",
  .manufacturers = nordic_makers,
  .model_prefixes = nordic_models,
  .imei = nordic_imei,
  .iccid = nordic_iccid,
  .revision = generic_revision,
  .radio_off = "AT+CFUN=4",
  .radio_off_cfun = 4,
  .boot_urcs = nordic_boot,
  .urcs = nordic_urcs,
  .boot_timeout_ms = 10000,
};

/* ---- Telit: LE910, ME910, ME310 ---- */

static const char *const telit_makers[] = { "telit", NULL };
static const char *const telit_models[]
    = { "LE910", "ME910", "ME310", "ML865", "LN9", "FN9", "HE910", "UE910", "LM9", NULL };
static const ModemQuery telit_iccid[] = {
  { "AT#CCID", at_parse_iccid }, /* "#CCID: ..." */
  { "AT+ICCID", at_parse_iccid },
  CRSM_ICCID,
  END_QUERY,
};
static const ModemQuery telit_revision[] = {
  { "AT#SWPKGV", at_parse_info },
  END_QUERY,
};
static const char *const telit_urcs[] = { "#QSS:", "#SIMREADY", NULL };

/* CFUN=0 puts some Telit modules into non-cyclic sleep (no more AT) */
static const ModemProfile telit_profile = {
  .name = "telit",
  .vendor = "Telit",
  .manufacturers = telit_makers,
  .model_prefixes = telit_models,
  .imei = generic_imei,
  .iccid = telit_iccid,
  .revision = telit_revision,
  .radio_off = "AT+CFUN=4",
  .radio_off_cfun = 4,
  .urcs = telit_urcs,
  .boot_timeout_ms = 20000,
};

/* ---- Sierra Wireless: EM/MC/WP/HL ---- */

static const char *const sierra_makers[] = { "sierra", NULL };
static const char *const sierra_models[]
    = { "EM7", "EM9", "MC7", "WP7", "HL7", "HL8", "AR7", NULL };
static const ModemQuery sierra_iccid[] = {
  { "AT!ICCID?", at_parse_iccid }, /* "ICCID: ..." */
  { "AT+ICCID", at_parse_iccid },
  CRSM_ICCID,
  END_QUERY,
};

/* IMEI may also come only from the labelled ATI (EM7565) */
static const ModemProfile sierra_profile = {
  .name = "sierra",
  .vendor = "Sierra Wireless",
  .manufacturers = sierra_makers,
  .model_prefixes = sierra_models,
  .imei = generic_imei,
  .iccid = sierra_iccid,
  .revision = generic_revision,
  .radio_off = "AT+CFUN=4",
  .radio_off_cfun = 4,
  .boot_timeout_ms = 30000,
};

/* ---- Huawei: E3372 stick, ME909 ---- */

static const char *const huawei_makers[] = { "huawei", NULL };
static const char *const huawei_models[] = { "E3", "ME9", "MU7", "ME3", NULL };
static const ModemQuery huawei_iccid[] = {
  { "AT^ICCID?", at_parse_iccid }, /* "^ICCID: ..." (E3372) */
  CRSM_ICCID,
  END_QUERY,
};
static const char *const huawei_urcs[]
    = { "^NWTIME:", "^CEND:", "^ORIG:", "^CONN:", "^STIN:", "^HFREQINFO:", NULL };

static const ModemProfile huawei_profile = {
  .name = "huawei",
  .vendor = "Huawei",
  .manufacturers = huawei_makers,
  .model_prefixes = huawei_models,
  .imei = generic_imei,
  .iccid = huawei_iccid,
  .revision = generic_revision,
  .radio_off = "AT+CFUN=0",
  .radio_off_cfun = 0,
  .urcs = huawei_urcs,
  .boot_timeout_ms = 30000,
};

/* ---- Fibocom: L8x0-GL, FM1xx ---- */

static const char *const fibocom_makers[] = { "fibocom", NULL };
static const char *const fibocom_models[] = { "L8", "FM1", "NL6", "FG1", "MA5", NULL };
static const ModemQuery fibocom_iccid[] = {
  { "AT+CCID", at_parse_iccid }, /* "+CCID: ...F" (L860-GL) */
  { "AT+ICCID", at_parse_iccid },
  CRSM_ICCID,
  END_QUERY,
};
static const char *const fibocom_urcs[] = { "+GTSIMINFO:", "+XCESQI:", NULL };

/* L8x0 takes CFUN=4 as flight mode */
static const ModemProfile fibocom_profile = {
  .name = "fibocom",
  .vendor = "Fibocom",
  .manufacturers = fibocom_makers,
  .model_prefixes = fibocom_models,
  .imei = generic_imei,
  .iccid = fibocom_iccid,
  .revision = generic_revision,
  .radio_off = "AT+CFUN=4",
  .radio_off_cfun = 4,
  .urcs = fibocom_urcs,
  .boot_timeout_ms = 30000,
};

/* ---- Marvell-based modules (Onda DM4000) ---- */

static const char *const marvell_makers[] = { "marvell", NULL };
static const char *const marvell_urcs[] = { "*RADIOPOWER:", "+MSRI:", "*ADMINDATA:", NULL };

/* "*RADIOPOWER: 1" follows AT+CFUN=1; +CGMI answers '+CGMI: "Marvell"' */
static const ModemProfile marvell_profile = {
  .name = "marvell",
  .vendor = "Marvell",
  .manufacturers = marvell_makers,
  .imei = generic_imei,
  .iccid = generic_iccid,
  .revision = generic_revision,
  .radio_off = "AT+CFUN=0",
  .radio_off_cfun = 0,
  .urcs = marvell_urcs,
  .boot_timeout_ms = 20000,
};

/* The one explicit list; the generic profile comes last. */
static const ModemProfile *const profiles[] = {
  &quectel_profile,
  &ublox_profile,
  &simcom_profile,
  &nordic_profile,
  &telit_profile,
  &sierra_profile,
  &huawei_profile,
  &fibocom_profile,
  &marvell_profile,
  &generic_profile,
  NULL,
};

const ModemProfile *
modem_profile_generic (void)
{
  return &generic_profile;
}

const ModemProfile *const *
modem_profile_all (void)
{
  return profiles;
}

const ModemProfile *
modem_profile_find (const char *name)
{
  for (gsize i = 0; profiles[i] != NULL; i++)
    if (g_strcmp0 (profiles[i]->name, name) == 0)
      return profiles[i];
  return NULL;
}

static gboolean
contains_ci (const char *haystack, const char *needle)
{
  g_autofree char *h = g_ascii_strdown (haystack, -1);
  g_autofree char *n = g_ascii_strdown (needle, -1);

  return strstr (h, n) != NULL;
}

const ModemProfile *
modem_profile_select (const char *manufacturer, const char *model)
{
  for (gsize i = 0; manufacturer != NULL && profiles[i] != NULL; i++)
    for (gsize k = 0; profiles[i]->manufacturers != NULL && profiles[i]->manufacturers[k]; k++)
      if (contains_ci (manufacturer, profiles[i]->manufacturers[k]))
        return profiles[i];
  for (gsize i = 0; model != NULL && profiles[i] != NULL; i++)
    for (gsize k = 0; profiles[i]->model_prefixes != NULL && profiles[i]->model_prefixes[k]; k++) {
      const char *prefix = profiles[i]->model_prefixes[k];
      if (g_ascii_strncasecmp (model, prefix, strlen (prefix)) == 0)
        return profiles[i];
    }
  return &generic_profile;
}

const char *const *
modem_profile_all_boot_urcs (void)
{
  static gsize once = 0;
  static const char **all = NULL;

  if (g_once_init_enter (&once)) {
    GPtrArray *a = g_ptr_array_new ();
    for (gsize i = 0; profiles[i] != NULL; i++)
      for (gsize k = 0; profiles[i]->boot_urcs != NULL && profiles[i]->boot_urcs[k]; k++) {
        gboolean seen = FALSE;
        for (guint j = 0; j < a->len; j++)
          seen = seen || strcmp (g_ptr_array_index (a, j), profiles[i]->boot_urcs[k]) == 0;
        if (!seen)
          g_ptr_array_add (a, (gpointer)profiles[i]->boot_urcs[k]);
      }
    g_ptr_array_add (a, NULL);
    all = (const char **)g_ptr_array_free (a, FALSE);
    g_once_init_leave (&once, 1);
  }
  return all;
}
