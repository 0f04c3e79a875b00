/* labels/label-payload.c - build and parse label payloads (CONTRACT.md 3). */
#define G_LOG_DOMAIN "labels"

#include "labels/label-payload.h"

#include <string.h>

G_DEFINE_QUARK (label_error_quark, label_error)

/* Bounds of the numeric identities a payload carries: an IMSI has at most
 * 15 digits (3GPP TS 23.003), an ICCID 18-22 (ITU-T E.118 and the SIM
 * vendors' 22-digit eUICC forms); the lower bound of the IMSI keeps test
 * networks' short ones. */
#define IMSI_MIN  6
#define IMSI_MAX  15
#define ICCID_MIN 18
#define ICCID_MAX 22
/* Most pairs a scanned payload may carry (bounds the parser's loop). */
#define PAIRS_MAX 32

static const char *const reserved_keys[] = { "DEV", "IMSI", "ICCID" };

LabelPayload *
label_payload_new (void)
{
  LabelPayload *p = g_new0 (LabelPayload, 1);

  p->keys = g_ptr_array_new_with_free_func (g_free);
  p->values = g_ptr_array_new_with_free_func (g_free);
  return p;
}

void
label_payload_free (LabelPayload *payload)
{
  if (payload == NULL)
    return;
  g_free (payload->device_id);
  g_free (payload->imsi);
  g_free (payload->iccid);
  g_ptr_array_unref (payload->keys);
  g_ptr_array_unref (payload->values);
  g_free (payload);
}

static gboolean
value_char_ok (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.';
}

/* Printable description of the byte at @p for an error message. */
static char *
describe_char (const char *p)
{
  gunichar u;

  if ((guchar)*p < 0x20 || *p == 0x7f)
    return g_strdup_printf ("control character 0x%02X", (guchar)*p);
  if (*p == ' ')
    return g_strdup ("a space");
  u = g_utf8_get_char_validated (p, -1);
  if (u == (gunichar)-1 || u == (gunichar)-2)
    return g_strdup_printf ("byte 0x%02X", (guchar)*p);
  {
    char buf[8] = { 0 };
    g_unichar_to_utf8 (u, buf);
    return g_strdup_printf ("'%s'", buf);
  }
}

/* check_word: @value is @min..@max characters each accepted by @ok. */
static gboolean
check_word (const char *what, const char *value, gsize min, gsize max, gboolean (*ok) (char c),
            const char *allowed, GError **error)
{
  gsize n;

  if (value == NULL || *value == '\0') {
    g_set_error (error, LABEL_ERROR, LABEL_ERROR_FIELD, "%s: missing", what);
    return FALSE;
  }
  n = strlen (value);
  for (gsize i = 0; i < n; i++) {
    if (!ok (value[i])) {
      g_autofree char *c = describe_char (value + i);
      g_set_error (error, LABEL_ERROR, LABEL_ERROR_FIELD,
                   "%s: %s at position %" G_GSIZE_FORMAT
                   " cannot be scanned reliably (allowed: %s)",
                   what, c, i + 1, allowed);
      return FALSE;
    }
  }
  if (n < min || n > max) {
    g_set_error (error, LABEL_ERROR, LABEL_ERROR_FIELD,
                 "%s: %" G_GSIZE_FORMAT " characters, must be %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT,
                 what, n, min, max);
    return FALSE;
  }
  return TRUE;
}

static gboolean
digit_ok (char c)
{
  return g_ascii_isdigit (c);
}

static gboolean
key_ok (const char *key)
{
  if (key == NULL || !g_ascii_isupper (key[0]))
    return FALSE;
  for (const char *k = key; *k; k++)
    if (!g_ascii_isupper (*k) && !g_ascii_isdigit (*k))
      return FALSE;
  return TRUE;
}

static gboolean
is_reserved (const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (reserved_keys); i++)
    if (g_ascii_strcasecmp (key, reserved_keys[i]) == 0)
      return TRUE;
  return FALSE;
}

const char *
label_payload_lookup (const LabelPayload *payload, const char *key)
{
  for (guint i = 0; i < payload->keys->len; i++)
    if (g_ascii_strcasecmp (payload->keys->pdata[i], key) == 0)
      return payload->values->pdata[i];
  return NULL;
}

gboolean
label_payload_add (LabelPayload *payload, const char *key, const char *value, GError **error)
{
  g_autofree char *what = NULL;

  if (!key_ok (key) || is_reserved (key)) {
    g_set_error (error, LABEL_ERROR, LABEL_ERROR_FIELD,
                 "payload key '%s': must be capitals and digits starting with a capital, "
                 "and not DEV, IMSI or ICCID",
                 key ? key : "");
    return FALSE;
  }
  if (label_payload_lookup (payload, key) != NULL) {
    g_set_error (error, LABEL_ERROR, LABEL_ERROR_FIELD, "payload key %s: given twice", key);
    return FALSE;
  }
  what = g_strdup_printf ("payload %s value", key);
  if (!check_word (what, value, 1, 64, value_char_ok, "A-Z 0-9 - .", error))
    return FALSE;
  g_ptr_array_add (payload->keys, g_strdup (key));
  g_ptr_array_add (payload->values, g_ascii_strup (value, -1));
  return TRUE;
}

char *
label_payload_format (const LabelPayload *payload, GError **error)
{
  GString *s;

  if (!check_word ("device ID", payload->device_id, 1, LABEL_PAYLOAD_DEVICE_ID_MAX, value_char_ok,
                   "A-Z a-z 0-9 - .", error))
    return NULL;
  if (!check_word ("IMSI", payload->imsi, IMSI_MIN, IMSI_MAX, digit_ok, "digits", error))
    return NULL;
  if (payload->iccid != NULL
      && !check_word ("ICCID", payload->iccid, ICCID_MIN, ICCID_MAX, digit_ok, "digits", error))
    return NULL;

  s = g_string_new ("DEV ");
  for (const char *c = payload->device_id; *c; c++)
    g_string_append_c (s, g_ascii_toupper (*c));
  g_string_append_printf (s, " IMSI %s", payload->imsi);
  if (payload->iccid != NULL)
    g_string_append_printf (s, " ICCID %s", payload->iccid);
  for (guint i = 0; i < payload->keys->len; i++)
    g_string_append_printf (s, " %s %s", (char *)payload->keys->pdata[i],
                            (char *)payload->values->pdata[i]);
  return g_string_free (s, FALSE);
}

gboolean
label_payload_looks_like (const char *text)
{
  if (text == NULL)
    return FALSE;
  while (g_ascii_isspace (*text))
    text++;
  return g_ascii_strncasecmp (text, "DEV ", 4) == 0;
}

static gboolean parse_fail (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
parse_fail (GError **error, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, LABEL_ERROR, LABEL_ERROR_PAYLOAD, "payload: %s", msg);
  return FALSE;
}

/* Splits @text (already checked for allowed characters) at runs of spaces. */
static GPtrArray *
split_words (const char *text)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;

  while (*p != '\0') {
    const char *start;
    while (*p == ' ')
      p++;
    if (*p == '\0')
      break;
    start = p;
    while (*p != '\0' && *p != ' ')
      p++;
    g_ptr_array_add (words, g_ascii_strup (start, p - start));
  }
  return words;
}

LabelPayload *
label_payload_parse (const char *text, GError **error)
{
  g_autofree char *copy = NULL;
  g_autoptr (GPtrArray) words = NULL;
  g_autoptr (LabelPayload) p = NULL;
  g_autoptr (GError) local = NULL;
  guint i = 0;

  if (text == NULL) {
    parse_fail (error, "empty");
    return NULL;
  }
  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0') {
    parse_fail (error, "empty");
    return NULL;
  }
  for (gsize k = 0; copy[k] != '\0'; k++) {
    if (!value_char_ok (copy[k]) && copy[k] != ' ') {
      g_autofree char *c = describe_char (copy + k);
      parse_fail (error,
                  "%s at position %" G_GSIZE_FORMAT " (a payload has only A-Z 0-9 space - .)", c,
                  k + 1);
      return NULL;
    }
  }
  words = split_words (copy);
  p = label_payload_new ();

  if (words->len < 4 || strcmp (words->pdata[0], "DEV") != 0) {
    parse_fail (error, "must start with \"DEV <device ID> IMSI <imsi>\"");
    return NULL;
  }
  p->device_id = g_strdup (words->pdata[1]);
  if (strlen (p->device_id) > LABEL_PAYLOAD_DEVICE_ID_MAX) {
    parse_fail (error, "device ID longer than %d characters", LABEL_PAYLOAD_DEVICE_ID_MAX);
    return NULL;
  }
  if (strcmp (words->pdata[2], "IMSI") != 0) {
    parse_fail (error, "expected IMSI after the device ID, found \"%s\"", (char *)words->pdata[2]);
    return NULL;
  }
  if (!check_word ("IMSI", words->pdata[3], IMSI_MIN, IMSI_MAX, digit_ok, "digits", &local)) {
    parse_fail (error, "%s", local->message);
    return NULL;
  }
  p->imsi = g_strdup (words->pdata[3]);
  i = 4;
  if (i < words->len && strcmp (words->pdata[i], "ICCID") == 0) {
    if (i + 1 >= words->len) {
      parse_fail (error, "ICCID without a value");
      return NULL;
    }
    if (!check_word ("ICCID", words->pdata[i + 1], ICCID_MIN, ICCID_MAX, digit_ok, "digits",
                     &local)) {
      parse_fail (error, "%s", local->message);
      return NULL;
    }
    p->iccid = g_strdup (words->pdata[i + 1]);
    i += 2;
  }
  for (guint pairs = 0; i < words->len; i += 2, pairs++) {
    const char *key = words->pdata[i];

    if (pairs >= PAIRS_MAX) {
      parse_fail (error, "more than %d KEY value pairs", PAIRS_MAX);
      return NULL;
    }
    if (i + 1 >= words->len) {
      parse_fail (error, "%s without a value", key);
      return NULL;
    }
    if (is_reserved (key)) {
      parse_fail (error, "%s given twice or out of order", key);
      return NULL;
    }
    if (!label_payload_add (p, key, words->pdata[i + 1], &local)) {
      parse_fail (error, "%s", local->message);
      return NULL;
    }
  }
  return g_steal_pointer (&p);
}
