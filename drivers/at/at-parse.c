/* drivers/at/at-parse.c - final result codes, reply framing and the
 * identity/SIM parsers.  Pure functions. */
#define G_LOG_DOMAIN "at"

#include "drivers/at/at-parse.h"

#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (at_error_quark, at_error)

/* Lines of one reply considered at most (bounds hostile input). */
#define REPLY_MAX_LINES 512
#define FIELDS_MAX      64

/* +CME ERROR codes of 27.007 section 9.2 that mean something to the
 * station, numeric and verbose (CMEE=1 and CMEE=2) forms. */
static const struct {
  int code;
  const char *text;
  AtError error;
  const char *hint;
} cme_table[] = {
  { 3, "operation not allowed", AT_ERROR_NOT_ALLOWED, "" },
  { 4, "operation not supported", AT_ERROR_NOT_SUPPORTED, "" },
  { 5, "PH-SIM PIN required", AT_ERROR_SIM_PIN, "; the module is locked to another SIM" },
  { 10, "SIM not inserted", AT_ERROR_SIM_MISSING, "; insert the SIM and check its holder" },
  { 11, "SIM PIN required", AT_ERROR_SIM_PIN, "; the SIM is PIN-locked" },
  { 12, "SIM PUK required", AT_ERROR_SIM_PUK, "; the SIM is blocked (PUK)" },
  { 13, "SIM failure", AT_ERROR_SIM_FAILURE, "; reseat or replace the SIM" },
  { 14, "SIM busy", AT_ERROR_SIM_BUSY, "; the SIM is still initialising" },
  { 15, "SIM wrong", AT_ERROR_SIM_WRONG, "; the SIM is not accepted" },
  { 30, "no network service", AT_ERROR_NO_NETWORK, "" },
};

static gboolean
has_prefix_ci (const char *s, const char *prefix)
{
  return g_ascii_strncasecmp (s, prefix, strlen (prefix)) == 0;
}

AtFinal
at_final_classify (const char *line)
{
  g_autofree char *t = g_strstrip (g_strdup (line));

  if (g_ascii_strcasecmp (t, "OK") == 0)
    return AT_FINAL_OK;
  if (g_ascii_strcasecmp (t, "CONNECT") == 0 || has_prefix_ci (t, "CONNECT "))
    return AT_FINAL_CONNECT;
  if (g_ascii_strcasecmp (t, "ERROR") == 0 || g_ascii_strcasecmp (t, "COMMAND NOT SUPPORT") == 0
      || has_prefix_ci (t, "+EXT ERROR:"))
    return AT_FINAL_ERROR;
  if (has_prefix_ci (t, "+CME ERROR:"))
    return AT_FINAL_CME_ERROR;
  if (has_prefix_ci (t, "+CMS ERROR:"))
    return AT_FINAL_CMS_ERROR;
  if (g_ascii_strcasecmp (t, "NO CARRIER") == 0 || g_ascii_strcasecmp (t, "BUSY") == 0
      || g_ascii_strcasecmp (t, "NO ANSWER") == 0 || g_ascii_strcasecmp (t, "NO DIALTONE") == 0
      || g_ascii_strcasecmp (t, "NO DIAL TONE") == 0 || g_ascii_strcasecmp (t, "ABORTED") == 0)
    return AT_FINAL_NO_CARRIER;
  return AT_FINAL_NONE;
}

static void
set_cme_error (const char *line, const char *arg, GError **error)
{
  g_autofree char *value = at_unquote (arg);
  char *end = NULL;
  long code = -1;

  if (g_ascii_isdigit (value[0])) {
    code = strtol (value, &end, 10);
    if (*end != '\0')
      code = -1;
  }
  for (gsize i = 0; i < G_N_ELEMENTS (cme_table); i++) {
    if (cme_table[i].code == code || g_ascii_strcasecmp (cme_table[i].text, value) == 0) {
      g_set_error (error, AT_ERROR, cme_table[i].error, "modem replied %s (%s)%s", line,
                   cme_table[i].text, cme_table[i].hint);
      return;
    }
  }
  g_set_error (error, AT_ERROR, AT_ERROR_CME, "modem replied %s", line);
}

gboolean
at_final_check (const char *line, GError **error)
{
  g_autofree char *t = g_strstrip (g_strdup (line));

  switch (at_final_classify (t)) {
  case AT_FINAL_OK:
  case AT_FINAL_CONNECT:
    return TRUE;
  case AT_FINAL_CME_ERROR:
    set_cme_error (t, t + strlen ("+CME ERROR:"), error);
    return FALSE;
  case AT_FINAL_CMS_ERROR:
    g_set_error (error, AT_ERROR, AT_ERROR_CMS, "modem replied %s", t);
    return FALSE;
  case AT_FINAL_NO_CARRIER:
    g_set_error (error, AT_ERROR, AT_ERROR_NO_CARRIER, "modem replied %s", t);
    return FALSE;
  case AT_FINAL_ERROR:
    g_set_error (error, AT_ERROR, AT_ERROR_FAILED,
                 "modem replied %s (command refused or not supported)", t);
    return FALSE;
  case AT_FINAL_NONE:
  default:
    g_set_error (error, AT_ERROR, AT_ERROR_PARSE, "'%s' is not a final result code", t);
    return FALSE;
  }
}

char **
at_reply_lines (const char *reply, GError **error)
{
  g_auto (GStrv) raw = NULL;
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  char *final = NULL;

  g_return_val_if_fail (reply != NULL, NULL);

  raw = g_strsplit_set (reply, "\r\n", -1);
  for (gsize i = 0; raw[i] != NULL && lines->len < REPLY_MAX_LINES; i++) {
    char *t = g_strstrip (raw[i]);
    if (*t != '\0')
      g_ptr_array_add (lines, g_strdup (t));
  }
  if (lines->len > 0) {
    const char *last = g_ptr_array_index (lines, lines->len - 1);
    if (at_final_classify (last) != AT_FINAL_NONE)
      final = g_ptr_array_steal_index (lines, lines->len - 1);
  }
  if (final == NULL) {
    g_set_error_literal (error, AT_ERROR, AT_ERROR_PARSE, "reply has no final result code");
    return NULL;
  }
  if (!at_final_check (final, error)) {
    g_free (final);
    return NULL;
  }
  g_free (final);
  g_ptr_array_add (lines, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&lines), FALSE);
}

gboolean
at_reply_check (const char *reply, GError **error)
{
  g_auto (GStrv) lines = at_reply_lines (reply, error);

  return lines != NULL;
}

char **
at_split_fields (const char *text)
{
  GPtrArray *fields = g_ptr_array_new ();
  GString *cur = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *p = text; *p != '\0' && fields->len < FIELDS_MAX; p++) {
    if (*p == '"')
      quoted = !quoted;
    if (*p == ',' && !quoted) {
      g_ptr_array_add (fields, g_strstrip (g_string_free (cur, FALSE)));
      cur = g_string_new (NULL);
      continue;
    }
    g_string_append_c (cur, *p);
  }
  if (fields->len < FIELDS_MAX)
    g_ptr_array_add (fields, g_strstrip (g_string_free (cur, FALSE)));
  else
    g_string_free (cur, TRUE);
  g_ptr_array_add (fields, NULL);
  return (char **)g_ptr_array_free (fields, FALSE);
}

char *
at_unquote (const char *field)
{
  char *s = g_strstrip (g_strdup (field));
  gsize n = strlen (s);

  if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
    memmove (s, s + 1, n - 2);
    s[n - 2] = '\0';
    g_strstrip (s);
  }
  return s;
}

const char *
at_strip_tag (const char *line, char **tag)
{
  static const char *const labels[] = { "IMEI", "ICCID", "IMSI", "CCID" };
  const char *p = line;
  const char *colon;

  if (tag != NULL)
    *tag = NULL;
  while (*p == ' ')
    p++;
  colon = strchr (p, ':');
  if (colon == NULL)
    return line;
  if (strchr ("+^%#*$!", *p) != NULL) {
    const char *q = p + 1;
    while (q < colon && (g_ascii_isalnum (*q) || *q == '_'))
      q++;
    if (q != colon || q == p + 1)
      return line;
  } else {
    gboolean known = FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS (labels); i++)
      if ((gsize)(colon - p) == strlen (labels[i])
          && g_ascii_strncasecmp (p, labels[i], colon - p) == 0)
        known = TRUE;
    if (!known)
      return line;
  }
  if (tag != NULL)
    *tag = g_strndup (p, colon - p);
  p = colon + 1;
  while (*p == ' ')
    p++;
  return p;
}

/* The first information line's value: tag, quotes and spaces removed; cut
 * at the first comma outside quotes when @first_field. */
static gboolean
first_value (const char *reply, gboolean first_field, const char *what, char **value,
             GError **error)
{
  g_auto (GStrv) lines = at_reply_lines (reply, error);
  g_auto (GStrv) fields = NULL;
  g_autofree char *v = NULL;

  if (lines == NULL)
    return FALSE;
  if (lines[0] == NULL) {
    g_set_error (error, AT_ERROR, AT_ERROR_PARSE, "reply holds no %s", what);
    return FALSE;
  }
  if (first_field) {
    fields = at_split_fields (at_strip_tag (lines[0], NULL));
    v = at_unquote (fields[0]);
  } else {
    v = at_unquote (at_strip_tag (lines[0], NULL));
  }
  if (*v == '\0') {
    g_set_error (error, AT_ERROR, AT_ERROR_PARSE, "reply holds an empty %s", what);
    return FALSE;
  }
  *value = g_steal_pointer (&v);
  return TRUE;
}

gboolean
at_parse_imei (const char *reply, char **imei, GError **error)
{
  return first_value (reply, TRUE, "IMEI", imei, error);
}

gboolean
at_parse_imsi (const char *reply, char **imsi, GError **error)
{
  return first_value (reply, TRUE, "IMSI", imsi, error);
}

static void
strip_f_padding (char *iccid)
{
  gsize n = strlen (iccid);

  while (n > 0 && (iccid[n - 1] == 'F' || iccid[n - 1] == 'f'))
    iccid[--n] = '\0';
}

gboolean
at_parse_iccid (const char *reply, char **iccid, GError **error)
{
  g_autofree char *v = NULL;

  if (!first_value (reply, TRUE, "ICCID", &v, error))
    return FALSE;
  strip_f_padding (v);
  if (*v == '\0') {
    g_set_error_literal (error, AT_ERROR, AT_ERROR_PARSE, "reply holds only ICCID padding");
    return FALSE;
  }
  *iccid = g_steal_pointer (&v);
  return TRUE;
}

gboolean
at_parse_crsm_iccid (const char *reply, char **iccid, GError **error)
{
  g_auto (GStrv) lines = at_reply_lines (reply, error);
  g_auto (GStrv) fields = NULL;
  g_autofree char *data = NULL;
  GString *out;
  gsize n;
  int sw1;

  if (lines == NULL)
    return FALSE;
  if (lines[0] == NULL) {
    g_set_error_literal (error, AT_ERROR, AT_ERROR_PARSE, "+CRSM reply is empty");
    return FALSE;
  }
  fields = at_split_fields (at_strip_tag (lines[0], NULL));
  if (g_strv_length (fields) < 3) {
    g_set_error (error, AT_ERROR, AT_ERROR_PARSE, "+CRSM reply '%s' has no data", lines[0]);
    return FALSE;
  }
  sw1 = atoi (fields[0]);
  if (sw1 != 144 && sw1 != 145) {
    g_set_error (error, AT_ERROR, AT_ERROR_PARSE,
                 "SIM refused to read EF_ICCID (status %s,%s); try the vendor ICCID command",
                 fields[0], fields[1]);
    return FALSE;
  }
  data = at_unquote (fields[2]);
  n = strlen (data);
  if (n == 0 || n % 2 != 0) {
    g_set_error (error, AT_ERROR, AT_ERROR_PARSE, "EF_ICCID data '%s' has an odd length", data);
    return FALSE;
  }
  out = g_string_sized_new (n);
  for (gsize i = 0; i < n; i += 2) {
    if (!g_ascii_isxdigit (data[i]) || !g_ascii_isxdigit (data[i + 1])) {
      g_string_free (out, TRUE);
      g_set_error (error, AT_ERROR, AT_ERROR_PARSE, "EF_ICCID data '%s' is not hex", data);
      return FALSE;
    }
    g_string_append_c (out, data[i + 1]);
    g_string_append_c (out, data[i]);
  }
  strip_f_padding (out->str);
  *iccid = g_string_free (out, FALSE);
  return TRUE;
}

void
at_identity_info_clear (AtIdentityInfo *info)
{
  g_clear_pointer (&info->manufacturer, g_free);
  g_clear_pointer (&info->model, g_free);
  g_clear_pointer (&info->revision, g_free);
  g_clear_pointer (&info->imei, g_free);
}

/* "Label: value" with a label of letters and spaces: the label goes to
 * @label (newly allocated), the value is returned; NULL when not labelled. */
static const char *
split_label (const char *line, char **label)
{
  const char *colon = strchr (line, ':');

  *label = NULL;
  if (colon == NULL || colon == line || !g_ascii_isalpha (line[0]))
    return NULL;
  for (const char *p = line; p < colon; p++)
    if (!g_ascii_isalpha (*p) && *p != ' ')
      return NULL;
  *label = g_strstrip (g_strndup (line, colon - line));
  return colon + 1;
}

static void
set_once (char **slot, const char *value)
{
  g_autofree char *v = at_unquote (value);

  if (*slot == NULL && *v != '\0')
    *slot = g_steal_pointer (&v);
}

gboolean
at_parse_ati (const char *reply, AtIdentityInfo *info, GError **error)
{
  g_auto (GStrv) lines = at_reply_lines (reply, error);
  g_autoptr (GPtrArray) plain = g_ptr_array_new ();
  gboolean labelled = FALSE;

  if (lines == NULL)
    return FALSE;
  for (gsize i = 0; lines[i] != NULL; i++) {
    g_autofree char *label = NULL;
    const char *value = split_label (lines[i], &label);

    if (strchr ("+^%#*$!", lines[i][0]) != NULL)
      continue; /* +GCAP: and other tagged lines */
    if (value == NULL) {
      g_ptr_array_add (plain, lines[i]);
      continue;
    }
    if (g_ascii_strcasecmp (label, "Manufacturer") == 0) {
      set_once (&info->manufacturer, value);
      labelled = TRUE;
    } else if (g_ascii_strcasecmp (label, "Model") == 0) {
      set_once (&info->model, value);
      labelled = TRUE;
    } else if (g_ascii_strcasecmp (label, "Revision") == 0) {
      set_once (&info->revision, value);
    } else if (g_ascii_strcasecmp (label, "IMEI") == 0) {
      g_auto (GStrv) fields = at_split_fields (value);
      set_once (&info->imei, fields[0]);
    }
  }
  /* plain form (Quectel): manufacturer line, model line */
  if (!labelled && plain->len >= 2) {
    set_once (&info->manufacturer, g_ptr_array_index (plain, 0));
    set_once (&info->model, g_ptr_array_index (plain, 1));
  }
  if (info->manufacturer == NULL && info->model == NULL && info->revision == NULL
      && info->imei == NULL) {
    g_set_error_literal (error, AT_ERROR, AT_ERROR_PARSE,
                         "ATI reply names no manufacturer, model, revision or IMEI");
    return FALSE;
  }
  return TRUE;
}

gboolean
at_parse_info (const char *reply, char **value, GError **error)
{
  static const char *const labels[] = { "Manufacturer", "Model", "Revision" };
  g_auto (GStrv) lines = at_reply_lines (reply, error);
  const char *v;
  g_autofree char *out = NULL;

  if (lines == NULL)
    return FALSE;
  if (lines[0] == NULL) {
    g_set_error_literal (error, AT_ERROR, AT_ERROR_PARSE, "reply is empty");
    return FALSE;
  }
  v = at_strip_tag (lines[0], NULL);
  if (v == lines[0]) {
    g_autofree char *label = NULL;
    const char *rest = split_label (lines[0], &label);
    for (gsize i = 0; rest != NULL && i < G_N_ELEMENTS (labels); i++)
      if (g_ascii_strcasecmp (label, labels[i]) == 0)
        v = rest;
  }
  out = at_unquote (v);
  if (*out == '\0') {
    g_set_error_literal (error, AT_ERROR, AT_ERROR_PARSE, "reply holds an empty value");
    return FALSE;
  }
  *value = g_steal_pointer (&out);
  return TRUE;
}

gboolean
at_parse_cpin (const char *reply, AtSimState *state, GError **error)
{
  static const struct {
    const char *code;
    AtSimState state;
  } codes[] = {
    { "READY", AT_SIM_READY },
    { "SIM PIN2", AT_SIM_READY },
    { "SIM PUK2", AT_SIM_READY },
    { "SIM PIN", AT_SIM_PIN },
    { "SIM PUK", AT_SIM_PUK },
    { "NOT INSERTED", AT_SIM_MISSING },
    { "SIM NOT INSERTED", AT_SIM_MISSING },
    { "SIM REMOVED", AT_SIM_MISSING },
    { "NOT READY", AT_SIM_NOT_READY },
    { "SIM BUSY", AT_SIM_NOT_READY },
  };
  g_auto (GStrv) lines = at_reply_lines (reply, error);
  g_autofree char *code = NULL;

  if (lines == NULL)
    return FALSE;
  for (gsize i = 0; lines[i] != NULL && code == NULL; i++) {
    g_autofree char *tag = NULL;
    const char *v = at_strip_tag (lines[i], &tag);
    if (tag != NULL && g_ascii_strcasecmp (tag, "+CPIN") == 0)
      code = at_unquote (v);
  }
  if (code == NULL) {
    g_set_error_literal (error, AT_ERROR, AT_ERROR_PARSE, "reply holds no +CPIN: line");
    return FALSE;
  }
  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    if (g_ascii_strcasecmp (code, codes[i].code) == 0) {
      *state = codes[i].state;
      return TRUE;
    }
  /* PH-SIM PIN, PH-NET PIN, PH-FSIM PUK ...: device or network locks */
  if (has_prefix_ci (code, "PH")) {
    *state = g_str_has_suffix (code, "PUK") ? AT_SIM_PUK : AT_SIM_PIN;
    return TRUE;
  }
  g_set_error (error, AT_ERROR, AT_ERROR_PARSE, "unknown SIM state '+CPIN: %s'", code);
  return FALSE;
}
