/* drivers/at/at-parse.h - pure parsers of AT replies (3GPP TS 27.007,
 * V.25ter and the vendor variants seen in ../shared/reference/modems).
 *
 * Every parser takes the reply text of one command as the channel returns
 * it (or as it went over the wire: "\r\n<line>\r\n\r\nOK\r\n"; CR, LF and
 * blank lines are framing, the last non-blank line must be the final result
 * code) and returns values or a GError in AT_ERROR.  A final error result
 * becomes its AT_ERROR code (AT_ERROR_SIM_MISSING for "+CME ERROR: 10" and
 * "+CME ERROR: SIM not inserted", ...), so callers learn SIM conditions from
 * any command.  Values are normalised for framing only (tag such as
 * "+CGSN: ", quotes, surrounding spaces, the F padding of an ICCID); they
 * are not validated here (drivers/identity.h does that).  No I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AT_ERROR (at_error_quark ())
GQuark at_error_quark (void);

typedef enum {
  AT_ERROR_TIMEOUT,       /* no final result code in time (after the retry) */
  AT_ERROR_NO_ANSWER,     /* the modem never answered AT: power, cable, baud rate */
  AT_ERROR_GARBAGE,       /* overlong line or flood of lines: wrong baud rate or not a modem */
  AT_ERROR_FAILED,        /* plain ERROR (or COMMAND NOT SUPPORT, +EXT ERROR) */
  AT_ERROR_CME,           /* +CME ERROR not listed below */
  AT_ERROR_CMS,           /* +CMS ERROR */
  AT_ERROR_NO_CARRIER,    /* NO CARRIER, BUSY, NO ANSWER, NO DIALTONE, ABORTED */
  AT_ERROR_NOT_ALLOWED,   /* +CME ERROR: 3 operation not allowed */
  AT_ERROR_NOT_SUPPORTED, /* +CME ERROR: 4 operation not supported */
  AT_ERROR_SIM_MISSING,   /* +CME ERROR: 10 SIM not inserted */
  AT_ERROR_SIM_PIN,       /* +CME ERROR: 11 SIM PIN required (5: PH-SIM PIN) */
  AT_ERROR_SIM_PUK,       /* +CME ERROR: 12 SIM PUK required */
  AT_ERROR_SIM_FAILURE,   /* +CME ERROR: 13 SIM failure */
  AT_ERROR_SIM_BUSY,      /* +CME ERROR: 14 SIM busy */
  AT_ERROR_SIM_WRONG,     /* +CME ERROR: 15 SIM wrong */
  AT_ERROR_NO_NETWORK,    /* +CME ERROR: 30 no network service */
  AT_ERROR_PARSE,         /* the reply does not hold what the command asks for */
} AtError;

/* ---- final result codes and framing ---- */

typedef enum {
  AT_FINAL_NONE, /* not a final result code */
  AT_FINAL_OK,
  AT_FINAL_CONNECT,
  AT_FINAL_ERROR,
  AT_FINAL_CME_ERROR,
  AT_FINAL_CMS_ERROR,
  AT_FINAL_NO_CARRIER,
} AtFinal;

/* at_final_classify: what kind of final result code @line (one line, no
 * CR/LF, surrounding spaces allowed) is; AT_FINAL_NONE for anything else. */
AtFinal at_final_classify (const char *line);

/* at_final_check: TRUE when @line is a success final result (OK, CONNECT);
 * FALSE with @error set to its AT_ERROR code otherwise (the message quotes
 * the line and says what to do). */
gboolean at_final_check (const char *line, GError **error);

/* at_reply_lines: the information lines of @reply (blank lines dropped,
 * each trimmed), without the final result code.  NULL with @error when the
 * final result is an error or missing (AT_ERROR_PARSE).  g_strfreev(). */
char **at_reply_lines (const char *reply, GError **error);

/* at_reply_check: TRUE when @reply ends in OK/CONNECT; else @error as above. */
gboolean at_reply_check (const char *reply, GError **error);

/* at_split_fields: splits @text at commas outside double quotes; each field
 * trimmed, quotes kept.  At most 64 fields.  g_strfreev(). */
char **at_split_fields (const char *text);

/* at_unquote: @field without surrounding spaces and one pair of quotes
 * (newly allocated). */
char *at_unquote (const char *field);

/* at_strip_tag: the text after a leading "+TAG:" (also ^ % # * $ and the
 * bare labels IMEI/ICCID/IMSI), spaces skipped; @line itself when it has
 * no such tag.  The tag (without ':') goes to @tag when non-NULL. */
const char *at_strip_tag (const char *line, char **tag);

/* ---- identity ---- */

/* at_parse_imei: IMEI from AT+CGSN, AT+GSN, AT+CGSN=1 ('+CGSN: "…"') and
 * variants with a ",<serial>" suffix; the value as given (not checked). */
gboolean at_parse_imei (const char *reply, char **imei, GError **error);

/* at_parse_imsi: IMSI from AT+CIMI (bare or "+CIMI: "). */
gboolean at_parse_imsi (const char *reply, char **imsi, GError **error);

/* at_parse_iccid: ICCID from AT+CCID, AT+ICCID, AT+QCCID, AT^ICCID?,
 * AT#CCID, AT%XICCID, AT!ICCID? (any tag, bare digits, quotes), minus the
 * trailing F/f padding; inner hex letters kept. */
gboolean at_parse_iccid (const char *reply, char **iccid, GError **error);

/* at_parse_crsm_iccid: ICCID from AT+CRSM=176,12258,0,0,10 (EF_ICCID read
 * binary): status 144/145 required, BCD nibbles swapped, F padding removed. */
gboolean at_parse_crsm_iccid (const char *reply, char **iccid, GError **error);

typedef struct {
  char *manufacturer;
  char *model;
  char *revision;
  char *imei;
} AtIdentityInfo;

void at_identity_info_clear (AtIdentityInfo *info);

/* at_parse_ati: ATI in its labelled form ("Manufacturer: …", "Model: …",
 * "Revision: …", "IMEI: …"; other labels such as "IMEI SV", "SVN", "FSN",
 * "+GCAP" ignored) or its plain form (manufacturer line, model line,
 * "Revision: …").  Fields not found stay NULL; an answer that yields no
 * field at all is AT_ERROR_PARSE.  Clear @info with at_identity_info_clear. */
gboolean at_parse_ati (const char *reply, AtIdentityInfo *info, GError **error);

/* at_parse_info: the value of AT+CGMI, AT+CGMM, AT+CGMR, AT+GMI/GMM/GMR or a
 * vendor revision command: first information line without its tag
 * ("+CGMI: ", "Revision: ", ...) and quotes; inner spacing kept. */
gboolean at_parse_info (const char *reply, char **value, GError **error);

/* ---- SIM ---- */

typedef enum {
  AT_SIM_READY,     /* +CPIN: READY (also SIM PIN2/PUK2: the SIM is usable) */
  AT_SIM_PIN,       /* SIM PIN, PH-SIM PIN, PH-NET PIN ...: a code is needed */
  AT_SIM_PUK,       /* SIM PUK, PH-... PUK: blocked */
  AT_SIM_MISSING,   /* NOT INSERTED, SIM REMOVED */
  AT_SIM_NOT_READY, /* NOT READY and similar: still initialising */
} AtSimState;

/* at_parse_cpin: the state in "+CPIN: <code>".  A final error becomes its
 * AT_ERROR code (AT_ERROR_SIM_MISSING, AT_ERROR_SIM_BUSY, AT_ERROR_FAILED...). */
gboolean at_parse_cpin (const char *reply, AtSimState *state, GError **error);

/* ---- network (at-parse-net.c) ---- */

typedef struct {
  int rssi; /* 0..31, 99 unknown */
  int ber;  /* 0..7, 99 unknown */
} AtCsq;

gboolean at_parse_csq (const char *reply, AtCsq *csq, GError **error);

/* at_csq_dbm: dBm for a +CSQ rssi (0 -> -113, 31 -> -51); FALSE for 99. */
gboolean at_csq_dbm (int rssi, int *dbm);

typedef struct {
  int rxlev; /* 0..63, 99 unknown */
  int ber;   /* 0..7, 99 unknown */
  int rscp;  /* 0..96, 255 unknown */
  int ecno;  /* 0..49, 255 unknown */
  int rsrq;  /* 0..34, 255 unknown */
  int rsrp;  /* 0..97, 255 unknown */
} AtCesq;

gboolean at_parse_cesq (const char *reply, AtCesq *cesq, GError **error);

/* at_cesq_rsrp_dbm: dBm for a +CESQ rsrp (0 -> -140, 97 -> -44); FALSE for 255. */
gboolean at_cesq_rsrp_dbm (int rsrp, int *dbm);

typedef enum {
  AT_REG_CREG,   /* circuit switched */
  AT_REG_CGREG,  /* GPRS */
  AT_REG_CEREG,  /* EPS (LTE, LTE-M, NB-IoT) */
  AT_REG_C5GREG, /* 5GS */
} AtRegFamily;

/* <stat> values of 27.007 */
typedef enum {
  AT_REG_NOT_REGISTERED = 0,
  AT_REG_HOME = 1,
  AT_REG_SEARCHING = 2,
  AT_REG_DENIED = 3,
  AT_REG_UNKNOWN = 4,
  AT_REG_ROAMING = 5,
  AT_REG_SMS_ONLY_HOME = 6,
  AT_REG_SMS_ONLY_ROAMING = 7,
  AT_REG_EMERGENCY_ONLY = 8,
  AT_REG_CSFB_NOT_PREFERRED_HOME = 9,
  AT_REG_CSFB_NOT_PREFERRED_ROAMING = 10,
} AtRegStat;

typedef struct {
  AtRegFamily family;
  int n;         /* the <n> setting of a read reply; -1 for an unsolicited line */
  int stat;      /* AtRegStat */
  char area[16]; /* LAC or TAC as sent (hex), "" when absent */
  char cell[16]; /* cell ID as sent (hex), "" when absent */
  int act;       /* access technology (7 = E-UTRAN, 9 = NB-IoT ...), -1 when absent */
} AtRegistration;

/* at_reg_stat_is_registered: home, roaming and their SMS-only/CSFB forms. */
gboolean at_reg_stat_is_registered (int stat);

/* at_parse_creg: the read reply of AT+CREG?, AT+CGREG?, AT+CEREG? (any <n>,
 * 0..5).  Lines of the unsolicited form in the reply are skipped. */
gboolean at_parse_creg (const char *reply, AtRegistration *reg, GError **error);

/* at_parse_creg_urc: one unsolicited line "+CEREG: <stat>[,<tac>,<ci>[,<act>...]]". */
gboolean at_parse_creg_urc (const char *line, AtRegistration *reg, GError **error);

/* at_creg_line_is_unsolicited: TRUE when @line ("+CREG:/+CGREG:/+CEREG:/
 * +C5GREG: ...") has the unsolicited shape (no <n> before <stat>), which a
 * channel uses to tell a URC from the reply to a read command. */
gboolean at_creg_line_is_unsolicited (const char *line);

/* at_parse_cfun: the <fun> of "+CFUN: <fun>[,...]" (0 minimum, 1 full,
 * 4 radio off / flight mode). */
gboolean at_parse_cfun (const char *reply, int *fun, GError **error);

typedef struct {
  int mode;      /* 0 automatic, 1 manual, 2 deregistered, ... */
  int format;    /* 0 long, 1 short, 2 numeric; -1 when absent */
  char oper[64]; /* operator as sent, unquoted; "" when absent */
  int act;       /* -1 when absent */
} AtCops;

gboolean at_parse_cops (const char *reply, AtCops *cops, GError **error);

typedef struct {
  int cid;
  char pdp_type[16]; /* "IP", "IPV6", "IPV4V6", "Non-IP" ... */
  char apn[101];
} AtPdpContext;

/* at_parse_cgdcont: the contexts of AT+CGDCONT? (a bare OK gives an empty
 * array).  GArray of AtPdpContext; g_array_unref(). */
GArray *at_parse_cgdcont (const char *reply, GError **error);

G_END_DECLS
