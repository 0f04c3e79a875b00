/* drivers/at/at-parse-net.c - parsers of signal, registration, operator and
 * PDP context replies (27.007 +CSQ, +CESQ, +CREG/+CGREG/+CEREG/+C5GREG,
 * +COPS, +CGDCONT).  Pure functions. */
#define G_LOG_DOMAIN "at"

#include "drivers/at/at-parse.h"

#include <stdlib.h>
#include <string.h>

/* A decimal integer field (spaces around allowed, no quotes); FALSE when
 * @field is anything else. */
static gboolean
int_field (const char *field, int *value)
{
  g_autofree char *t = g_strstrip (g_strdup (field));
  char *end = NULL;
  long v;

  if (*t == '\0' || !g_ascii_isdigit (*t))
    return FALSE;
  v = strtol (t, &end, 10);
  if (*end != '\0' || v > G_MAXINT)
    return FALSE;
  *value = (int)v;
  return TRUE;
}

/* The fields of the first information line tagged @tag ("+CSQ"). */
static char **
tagged_fields (const char *reply, const char *tag, GError **error)
{
  g_auto (GStrv) lines = at_reply_lines (reply, error);

  if (lines == NULL)
    return NULL;
  for (gsize i = 0; lines[i] != NULL; i++) {
    g_autofree char *t = NULL;
    const char *v = at_strip_tag (lines[i], &t);
    if (t != NULL && g_ascii_strcasecmp (t, tag) == 0)
      return at_split_fields (v);
  }
  g_set_error (error, AT_ERROR, AT_ERROR_PARSE, "reply holds no %s: line", tag);
  return NULL;
}

static gboolean
int_fields (char **fields, int *out[], gsize n, const char *tag, GError **error)
{
  if (g_strv_length (fields) < n) {
    g_set_error (error, AT_ERROR, AT_ERROR_PARSE, "%s: needs %" G_GSIZE_FORMAT " values", tag, n);
    return FALSE;
  }
  for (gsize i = 0; i < n; i++)
    if (!int_field (fields[i], out[i])) {
      g_set_error (error, AT_ERROR, AT_ERROR_PARSE, "%s: value '%s' is not a number", tag,
                   fields[i]);
      return FALSE;
    }
  return TRUE;
}

/* FALSE with AT_ERROR_PARSE unless @value is in 0..@max or is @unknown
 * (27.007 gives every signal field a range and one "not known" value). */
static gboolean
in_range (int value, int max, int unknown, const char *tag, const char *name, GError **error)
{
  if ((value >= 0 && value <= max) || value == unknown)
    return TRUE;
  g_set_error (error, AT_ERROR, AT_ERROR_PARSE, "%s: %s %d is outside 0..%d and not %d (unknown)",
               tag, name, value, max, unknown);
  return FALSE;
}

gboolean
at_parse_csq (const char *reply, AtCsq *csq, GError **error)
{
  g_auto (GStrv) f = tagged_fields (reply, "+CSQ", error);
  int *out[] = { &csq->rssi, &csq->ber };

  return f != NULL && int_fields (f, out, G_N_ELEMENTS (out), "+CSQ", error)
         && in_range (csq->rssi, 31, 99, "+CSQ", "rssi", error)
         && in_range (csq->ber, 7, 99, "+CSQ", "ber", error);
}

gboolean
at_csq_dbm (int rssi, int *dbm)
{
  if (rssi < 0 || rssi > 31)
    return FALSE;
  *dbm = -113 + 2 * rssi;
  return TRUE;
}

gboolean
at_parse_cesq (const char *reply, AtCesq *cesq, GError **error)
{
  g_auto (GStrv) f = tagged_fields (reply, "+CESQ", error);
  int *out[] = { &cesq->rxlev, &cesq->ber, &cesq->rscp, &cesq->ecno, &cesq->rsrq, &cesq->rsrp };

  return f != NULL && int_fields (f, out, G_N_ELEMENTS (out), "+CESQ", error)
         && in_range (cesq->rxlev, 63, 99, "+CESQ", "rxlev", error)
         && in_range (cesq->ber, 7, 99, "+CESQ", "ber", error)
         && in_range (cesq->rscp, 96, 255, "+CESQ", "rscp", error)
         && in_range (cesq->ecno, 49, 255, "+CESQ", "ecno", error)
         && in_range (cesq->rsrq, 34, 255, "+CESQ", "rsrq", error)
         && in_range (cesq->rsrp, 97, 255, "+CESQ", "rsrp", error);
}

gboolean
at_cesq_rsrp_dbm (int rsrp, int *dbm)
{
  if (rsrp < 0 || rsrp > 97)
    return FALSE;
  *dbm = -141 + rsrp + (rsrp == 0 ? 1 : 0);
  return TRUE;
}

gboolean
at_reg_stat_is_registered (int stat)
{
  switch (stat) {
  case AT_REG_HOME:
  case AT_REG_ROAMING:
  case AT_REG_SMS_ONLY_HOME:
  case AT_REG_SMS_ONLY_ROAMING:
  case AT_REG_CSFB_NOT_PREFERRED_HOME:
  case AT_REG_CSFB_NOT_PREFERRED_ROAMING:
    return TRUE;
  default:
    return FALSE;
  }
}

static const struct {
  const char *tag;
  AtRegFamily family;
} reg_tags[] = {
  { "+CREG", AT_REG_CREG },
  { "+CGREG", AT_REG_CGREG },
  { "+CEREG", AT_REG_CEREG },
  { "+C5GREG", AT_REG_C5GREG },
};

/* The family of a registration line and its fields; NULL when @line is
 * not one. */
static char **
reg_fields (const char *line, AtRegFamily *family)
{
  g_autofree char *tag = NULL;
  const char *v = at_strip_tag (line, &tag);

  if (tag == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (reg_tags); i++)
    if (g_ascii_strcasecmp (tag, reg_tags[i].tag) == 0) {
      *family = reg_tags[i].family;
      return at_split_fields (v);
    }
  return NULL;
}

/* A <stat> field: a small unquoted decimal (a LAC/TAC is quoted or hex or
 * four digits long, which tells the two forms apart). */
static gboolean
stat_field (const char *field, int *stat)
{
  return strlen (field) <= 3 && int_field (field, stat) && *stat <= 11;
}

static gboolean
fields_are_solicited (char **f)
{
  int n, stat;

  return f[0] != NULL && f[1] != NULL && int_field (f[0], &n) && n <= 5 && stat_field (f[1], &stat);
}

gboolean
at_creg_line_is_unsolicited (const char *line)
{
  AtRegFamily family;
  g_auto (GStrv) f = reg_fields (line, &family);

  return f != NULL && !fields_are_solicited (f);
}

static void
copy_unquoted (char *dst, gsize size, const char *field)
{
  g_autofree char *v = at_unquote (field);

  g_strlcpy (dst, v, size);
}

/* Fills @reg from @f starting at <stat> (index @at). */
static gboolean
fill_registration (char **f, gsize at, AtRegistration *reg, const char *line, GError **error)
{
  gsize n = g_strv_length (f);

  if (at >= n || !stat_field (f[at], &reg->stat)) {
    g_set_error (error, AT_ERROR, AT_ERROR_PARSE, "'%s' has no registration state", line);
    return FALSE;
  }
  reg->area[0] = reg->cell[0] = '\0';
  reg->act = -1;
  if (at + 1 < n)
    copy_unquoted (reg->area, sizeof reg->area, f[at + 1]);
  if (at + 2 < n)
    copy_unquoted (reg->cell, sizeof reg->cell, f[at + 2]);
  if (at + 3 < n && !int_field (f[at + 3], &reg->act))
    reg->act = -1;
  return TRUE;
}

gboolean
at_parse_creg (const char *reply, AtRegistration *reg, GError **error)
{
  g_auto (GStrv) lines = at_reply_lines (reply, error);

  if (lines == NULL)
    return FALSE;
  for (gsize i = 0; lines[i] != NULL; i++) {
    AtRegFamily family;
    g_auto (GStrv) f = reg_fields (lines[i], &family);

    if (f == NULL || !fields_are_solicited (f))
      continue;
    reg->family = family;
    int_field (f[0], &reg->n);
    return fill_registration (f, 1, reg, lines[i], error);
  }
  g_set_error_literal (error, AT_ERROR, AT_ERROR_PARSE, "reply holds no registration read line");
  return FALSE;
}

gboolean
at_parse_creg_urc (const char *line, AtRegistration *reg, GError **error)
{
  AtRegFamily family;
  g_auto (GStrv) f = reg_fields (line, &family);

  if (f == NULL) {
    g_set_error (error, AT_ERROR, AT_ERROR_PARSE, "'%s' is not a registration line", line);
    return FALSE;
  }
  reg->family = family;
  reg->n = -1;
  return fill_registration (f, 0, reg, line, error);
}

gboolean
at_parse_cfun (const char *reply, int *fun, GError **error)
{
  g_auto (GStrv) f = tagged_fields (reply, "+CFUN", error);
  int *out[] = { fun };

  return f != NULL && int_fields (f, out, G_N_ELEMENTS (out), "+CFUN", error);
}

gboolean
at_parse_cops (const char *reply, AtCops *cops, GError **error)
{
  g_auto (GStrv) f = tagged_fields (reply, "+COPS", error);
  gsize n;

  if (f == NULL)
    return FALSE;
  n = g_strv_length (f);
  if (!int_field (f[0], &cops->mode)) {
    g_set_error (error, AT_ERROR, AT_ERROR_PARSE, "+COPS: mode '%s' is not a number", f[0]);
    return FALSE;
  }
  cops->format = cops->act = -1;
  cops->oper[0] = '\0';
  if (n > 1 && !int_field (f[1], &cops->format))
    cops->format = -1;
  if (n > 2)
    copy_unquoted (cops->oper, sizeof cops->oper, f[2]);
  if (n > 3 && !int_field (f[3], &cops->act))
    cops->act = -1;
  return TRUE;
}

GArray *
at_parse_cgdcont (const char *reply, GError **error)
{
  g_auto (GStrv) lines = at_reply_lines (reply, error);
  GArray *contexts;

  if (lines == NULL)
    return NULL;
  contexts = g_array_new (FALSE, TRUE, sizeof (AtPdpContext));
  for (gsize i = 0; lines[i] != NULL; i++) {
    g_autofree char *tag = NULL;
    const char *v = at_strip_tag (lines[i], &tag);
    g_auto (GStrv) f = NULL;
    AtPdpContext ctx = { 0 };

    if (tag == NULL || g_ascii_strcasecmp (tag, "+CGDCONT") != 0)
      continue;
    f = at_split_fields (v);
    if (!int_field (f[0], &ctx.cid)) {
      g_set_error (error, AT_ERROR, AT_ERROR_PARSE, "'%s': context id is not a number", lines[i]);
      g_array_unref (contexts);
      return NULL;
    }
    if (f[1] != NULL)
      copy_unquoted (ctx.pdp_type, sizeof ctx.pdp_type, f[1]);
    if (f[1] != NULL && f[2] != NULL)
      copy_unquoted (ctx.apn, sizeof ctx.apn, f[2]);
    g_array_append_val (contexts, ctx);
  }
  return contexts;
}
