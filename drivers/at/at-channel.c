/* drivers/at/at-channel.c - AT command channel: line assembly, echo and URC
 * separation, final result detection, timeouts with one retry. */
#define G_LOG_DOMAIN "at"

#include "drivers/at/at-channel.h"

#include <string.h>

/* Bytes read from the port in one go. */
#define READ_CHUNK 1024
/* Reads done to drain pending input before a command (bounds a flood). */
#define DRAIN_READS 64
/* Quiet time awaited after a retried command, and its bound. */
#define SETTLE_MS     300
#define SETTLE_MAX_MS 2000
/* Bytes an escape sequence may span before it is given up. */
#define ESC_MAX 32

/* URCs every module may send.  Entries ending in ':' are prefixes, other
 * entries whole lines (or a line starting with the entry and a space). */
static const char *const builtin_urcs[] = {
  /* 27.007 registration, SIM, functionality and event reports */
  "+CREG:",
  "+CGREG:",
  "+CEREG:",
  "+C5GREG:",
  "+CPIN:",
  "+CFUN:",
  "+CGEV:",
  "+CIEV:",
  "+CMTI:",
  "+CDS:",
  "+CUSD:",
  "+CTZV:",
  "+CTZE:",
  "+CTZEU:",
  "+CRING:",
  "+CLIP:",
  "+CSCON:",
  "+CEDRXP:",
  "+CNEC_EMM:",
  "+CNEC_ESM:",
  "+PBREADY",
  /* boot and power lines (Quectel, SIMCom, nRF91 SLM, Cinterion, ...) */
  "RDY",
  "APP RDY",
  "Ready",
  "POWERED DOWN",
  "NORMAL POWER DOWN",
  "PB DONE",
  "SMS DONE",
  "SMS Ready",
  "Call Ready",
  "RING",
  "^SYSSTART",
  /* vendor codes common enough to know without a profile */
  "+QIND:",
  "+QIURC:",
  "+QUSIM:",
  "+QSIMSTAT:",
  "^RSSI:",
  "^MODE:",
  "^BOOT:",
  "^HCSQ:",
  "^SRVST:",
  "^SIMST:",
  "^DSFLOWRPT:",
  "*RADIOPOWER:",
  "%XSIM:",
  "%CESQ:",
  "%XTIME:",
  "%MDMEV:",
  "#QSS:",
  "+UUPSDA:",
  "+UUSORD:",
  "+CPSI:",
};

struct _AtChannel {
  SerialPort *port;
  GString *line;     /* the line being assembled */
  int esc;           /* 0 none, 1 after ESC, 2 inside a CSI sequence */
  int esc_len;       /* bytes of the current escape sequence */
  gboolean overflow; /* skipping the rest of an overlong line */
  guint overflows;   /* overlong lines since the command started */
  gsize rx_bytes;    /* bytes received since the command started */
  GQueue lines;      /* complete lines not handled yet (char *) */
  GPtrArray *urcs;   /* extra URCs (const char *), from profiles */
  AtTranscriptFunc transcript;
  gpointer transcript_data;
  AtUrcFunc urc;
  gpointer urc_data;
};

const char *
at_line_kind_name (AtLineKind kind)
{
  static const char *const names[] = { "sent", "echo", "received", "urc", "dropped" };

  return kind <= AT_LINE_DROPPED ? names[kind] : "?";
}

AtChannel *
at_channel_new (SerialPort *port)
{
  AtChannel *ch = g_new0 (AtChannel, 1);

  g_return_val_if_fail (port != NULL, NULL);
  ch->port = port;
  ch->line = g_string_sized_new (128);
  g_queue_init (&ch->lines);
  ch->urcs = g_ptr_array_new ();
  return ch;
}

AtChannel *
at_channel_open (const char *path, guint baud, GError **error)
{
  SerialPort *port = serial_port_open (path, baud, SERIAL_FLOW_NONE, error);

  return port != NULL ? at_channel_new (port) : NULL;
}

void
at_channel_free (AtChannel *ch)
{
  if (ch == NULL)
    return;
  serial_port_close (ch->port);
  g_string_free (ch->line, TRUE);
  g_queue_clear_full (&ch->lines, g_free);
  g_ptr_array_unref (ch->urcs);
  g_free (ch);
}

const char *
at_channel_get_path (AtChannel *ch)
{
  return serial_port_get_path (ch->port);
}

void
at_channel_set_transcript_func (AtChannel *ch, AtTranscriptFunc func, gpointer user_data)
{
  ch->transcript = func;
  ch->transcript_data = user_data;
}

void
at_channel_set_urc_func (AtChannel *ch, AtUrcFunc func, gpointer user_data)
{
  ch->urc = func;
  ch->urc_data = user_data;
}

void
at_channel_add_urcs (AtChannel *ch, const char *const *urcs)
{
  for (gsize i = 0; urcs != NULL && urcs[i] != NULL; i++)
    g_ptr_array_add (ch->urcs, (gpointer)urcs[i]);
}

static void
record (AtChannel *ch, AtLineKind kind, const char *line)
{
  g_debug ("%s %-8s %s", serial_port_get_path (ch->port), at_line_kind_name (kind), line);
  if (ch->transcript != NULL)
    ch->transcript (kind, g_get_real_time () / 1000, line, ch->transcript_data);
}

/* ---- line assembly ---- */

/* @s without invalid UTF-8 sequences, trimmed. */
static char *
clean_line (const char *s, gsize len)
{
  GString *out = g_string_sized_new (len);
  const char *p = s, *end = s + len;

  while (p < end) {
    gunichar c = g_utf8_get_char_validated (p, end - p);
    const char *next;

    if (c == (gunichar)-1 || c == (gunichar)-2) {
      p++;
      continue;
    }
    next = g_utf8_next_char (p);
    g_string_append_len (out, p, next - p);
    p = next;
  }
  return g_strstrip (g_string_free (out, FALSE));
}

static void
end_line (AtChannel *ch)
{
  if (ch->overflow) {
    ch->overflow = FALSE;
  } else if (ch->line->len > 0) {
    char *l = clean_line (ch->line->str, ch->line->len);
    if (*l != '\0')
      g_queue_push_tail (&ch->lines, l);
    else
      g_free (l);
  }
  g_string_truncate (ch->line, 0);
}

static void
feed (AtChannel *ch, const guint8 *buf, gsize n)
{
  ch->rx_bytes += n;
  for (gsize i = 0; i < n; i++) {
    guint8 c = buf[i];

    if (ch->esc != 0) {
      if (++ch->esc_len > ESC_MAX)
        ch->esc = 0;
      else if (ch->esc == 1)
        ch->esc = c == '[' ? 2 : 0;
      else if (c >= 0x40 && c <= 0x7e)
        ch->esc = 0;
      continue;
    }
    if (c == 0x1b) {
      ch->esc = 1;
      ch->esc_len = 0;
      continue;
    }
    if (c == '\r' || c == '\n') {
      end_line (ch);
      continue;
    }
    if ((c < 0x20 && c != '\t') || c == 0x7f || ch->overflow)
      continue;
    if (ch->line->len >= AT_LINE_MAX) {
      ch->overflow = TRUE;
      ch->overflows++;
      g_string_truncate (ch->line, 0);
      continue;
    }
    g_string_append_c (ch->line, (char)c);
  }
}

/* Reads once, waiting until @deadline_us (-1: no wait).  1 = got bytes,
 * 0 = nothing by the deadline, -1 = error. */
static int
fill (AtChannel *ch, gint64 deadline_us, GCancellable *cancellable, GError **error)
{
  guint8 buf[READ_CHUNK];
  gssize n = serial_port_read (ch->port, buf, sizeof buf, deadline_us, cancellable, error);

  if (n > 0)
    feed (ch, buf, (gsize)n);
  return n > 0 ? 1 : (int)n;
}

/* ---- classification ---- */

static char *
normalize (const char *s)
{
  GString *out = g_string_new (NULL);

  for (const char *p = s; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (out, g_ascii_toupper (*p));
  return g_string_free (out, FALSE);
}

/* The echo of @command, possibly after boot garbage on the same line. */
static gboolean
is_echo (const char *line, const char *command)
{
  g_autofree char *l = normalize (line);
  g_autofree char *c = normalize (command);

  return *c != '\0' && g_str_has_suffix (l, c);
}

static gboolean
matches_urc (const char *line, const char *urc)
{
  gsize n = strlen (urc);

  if (n > 0 && urc[n - 1] == ':')
    return g_ascii_strncasecmp (line, urc, n) == 0;
  /* bare words are matched as sent: "Ready" (nRF91 SLM) is not "READY" */
  return strcmp (line, urc) == 0 || (strncmp (line, urc, n) == 0 && line[n] == ' ');
}

/* "+CEREG" for "AT+CEREG?", "+CFUN" for "AT+CFUN=0"; "" when none. */
static char *
command_name (const char *command)
{
  const char *p = command;
  gsize n = 0;

  if (command == NULL || g_ascii_strncasecmp (p, "AT", 2) != 0)
    return g_strdup ("");
  p += 2;
  while (p[n] != '\0' && p[n] != '=' && p[n] != '?' && p[n] != ';')
    n++;
  return g_strstrip (g_strndup (p, n));
}

static gboolean
is_registration_tag (const char *tag)
{
  return g_ascii_strcasecmp (tag, "+CREG") == 0 || g_ascii_strcasecmp (tag, "+CGREG") == 0
         || g_ascii_strcasecmp (tag, "+CEREG") == 0 || g_ascii_strcasecmp (tag, "+C5GREG") == 0;
}

gboolean
at_channel_is_urc (AtChannel *ch, const char *line, const char *command)
{
  gboolean urc = FALSE;
  const char *colon;

  for (gsize i = 0; i < G_N_ELEMENTS (builtin_urcs) && !urc; i++)
    urc = matches_urc (line, builtin_urcs[i]);
  for (guint i = 0; ch != NULL && i < ch->urcs->len && !urc; i++)
    urc = matches_urc (line, g_ptr_array_index (ch->urcs, i));
  if (!urc)
    return FALSE;

  /* a tagged URC named like the running command is its reply */
  colon = strchr (line, ':');
  if (command != NULL && colon != NULL) {
    g_autofree char *tag = g_strndup (line, colon - line);
    g_autofree char *name = command_name (command);

    if (g_ascii_strcasecmp (g_strstrip (tag), name) == 0)
      return is_registration_tag (tag) && at_creg_line_is_unsolicited (line);
  }
  return TRUE;
}

guint
at_command_timeout_ms (const char *command)
{
  static const struct {
    const char *prefix;
    guint ms;
  } slow[] = {
    { "AT+COPS", 180000 },  { "AT+CFUN", 30000 }, { "AT+CGACT", 150000 },
    { "AT+CGATT", 150000 }, { "AT+CLCK", 15000 }, { "AT+CPIN=", 15000 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (slow); i++)
    if (g_ascii_strncasecmp (command, slow[i].prefix, strlen (slow[i].prefix)) == 0)
      return slow[i].ms;
  return AT_TIMEOUT_DEFAULT_MS;
}

static void
dispatch_urc (AtChannel *ch, const char *line)
{
  record (ch, AT_LINE_URC, line);
  if (ch->urc != NULL)
    ch->urc (line, ch->urc_data);
}

/* Handles queued lines with no command pending: URCs are dispatched, the
 * rest dropped.  Returns the first line (URC or not) that starts with one
 * of @prefixes, newly allocated, or NULL. */
static char *
handle_idle_lines (AtChannel *ch, const char *const *prefixes)
{
  char *line;

  while ((line = g_queue_pop_head (&ch->lines)) != NULL) {
    if (at_channel_is_urc (ch, line, NULL))
      dispatch_urc (ch, line);
    else
      record (ch, AT_LINE_DROPPED, line);
    for (gsize i = 0; prefixes != NULL && prefixes[i] != NULL; i++)
      if (g_ascii_strncasecmp (line, prefixes[i], strlen (prefixes[i])) == 0)
        return line;
    g_free (line);
  }
  return NULL;
}

/* Takes in what arrived while no command was pending. */
static gboolean
drain_idle (AtChannel *ch, GCancellable *cancellable, GError **error)
{
  for (int i = 0; i < DRAIN_READS; i++) {
    int rc = fill (ch, -1, cancellable, error);
    if (rc < 0)
      return FALSE;
    if (rc == 0)
      break;
  }
  g_free (handle_idle_lines (ch, NULL));
  return TRUE;
}

static char *
reply_text (GPtrArray *lines, const char *final)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (s, "%s\r\n", (const char *)g_ptr_array_index (lines, i));
  g_string_append_printf (s, "%s\r\n", final);
  return g_string_free (s, FALSE);
}

/* One attempt: send, collect until the final result.  NULL with
 * *timed_out and no error at the deadline. */
static char *
run_once (AtChannel *ch, const char *command, guint timeout_ms, gboolean *timed_out,
          GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *wire = g_strconcat (command, "\r", NULL);
  gboolean echo_pending = TRUE;
  gint64 deadline;

  *timed_out = FALSE;
  if (!drain_idle (ch, cancellable, error))
    return NULL;
  ch->overflows = 0;
  ch->rx_bytes = 0;
  deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  record (ch, AT_LINE_SENT, command);
  if (!serial_port_write_all (ch->port, wire, strlen (wire), deadline, cancellable, error))
    return NULL;

  for (;;) {
    char *line;
    int rc;

    while ((line = g_queue_pop_head (&ch->lines)) != NULL) {
      if (echo_pending && is_echo (line, command)) {
        echo_pending = FALSE;
        record (ch, AT_LINE_ECHO, line);
        g_free (line);
        continue;
      }
      if (at_channel_is_urc (ch, line, command)) {
        dispatch_urc (ch, line);
        g_free (line);
        continue;
      }
      record (ch, AT_LINE_RECEIVED, line);
      if (at_final_classify (line) != AT_FINAL_NONE) {
        char *text = reply_text (lines, line);
        g_free (line);
        return text;
      }
      g_ptr_array_add (lines, line);
      if (lines->len > AT_REPLY_MAX_LINES) {
        g_set_error (error, AT_ERROR, AT_ERROR_GARBAGE,
                     "%s: reply to %s exceeds %d lines without a final result code; "
                     "check the baud rate",
                     serial_port_get_path (ch->port), command, AT_REPLY_MAX_LINES);
        return NULL;
      }
    }
    if (ch->overflows > 0) {
      g_set_error (error, AT_ERROR, AT_ERROR_GARBAGE,
                   "%s: reply to %s has a line longer than %d bytes; check the baud rate",
                   serial_port_get_path (ch->port), command, AT_LINE_MAX);
      return NULL;
    }
    rc = fill (ch, deadline, cancellable, error);
    if (rc < 0)
      return NULL;
    if (rc == 0) {
      *timed_out = TRUE;
      return NULL;
    }
  }
}

/* After a retry succeeded, the first attempt's late reply may still come:
 * take in everything that arrives until the line is quiet for SETTLE_MS
 * (at most SETTLE_MAX_MS), so it is not taken as the next command's. */
static gboolean
settle (AtChannel *ch, GCancellable *cancellable, GError **error)
{
  gint64 end = g_get_monotonic_time () + SETTLE_MAX_MS * 1000;

  for (;;) {
    gint64 quiet = MIN (g_get_monotonic_time () + SETTLE_MS * 1000, end);
    int rc = fill (ch, quiet, cancellable, error);

    if (rc < 0)
      return FALSE;
    g_free (handle_idle_lines (ch, NULL));
    if (rc == 0 || g_get_monotonic_time () >= end)
      return TRUE;
  }
}

char *
at_channel_command (AtChannel *ch, const char *command, guint timeout_ms, GCancellable *cancellable,
                    GError **error)
{
  g_return_val_if_fail (ch != NULL && command != NULL, NULL);

  if (timeout_ms == 0)
    timeout_ms = at_command_timeout_ms (command);
  for (int attempt = 0; attempt < 2; attempt++) {
    gboolean timed_out = FALSE;
    char *text = run_once (ch, command, timeout_ms, &timed_out, cancellable, error);

    if (text != NULL && attempt > 0 && !settle (ch, cancellable, error))
      g_clear_pointer (&text, g_free);
    if (text != NULL || !timed_out)
      return text;
    g_debug ("%s: no reply to %s within %u ms (attempt %d)", serial_port_get_path (ch->port),
             command, timeout_ms, attempt + 1);
  }
  g_set_error (error, AT_ERROR, AT_ERROR_TIMEOUT,
               "%s: no reply to %s within %.1f s (sent twice)%s; check power, cable and baud rate",
               serial_port_get_path (ch->port), command, timeout_ms / 1000.0,
               ch->rx_bytes > 0 ? ", only unreadable bytes came back" : "");
  return NULL;
}

gboolean
at_channel_command_ok (AtChannel *ch, const char *command, guint timeout_ms,
                       GCancellable *cancellable, GError **error)
{
  g_autofree char *reply = at_channel_command (ch, command, timeout_ms, cancellable, error);
  g_autoptr (GError) local = NULL;

  if (reply == NULL)
    return FALSE;
  if (!at_reply_check (reply, &local)) {
    g_set_error (error, local->domain, local->code, "%s: %s: %s", serial_port_get_path (ch->port),
                 command, local->message);
    return FALSE;
  }
  return TRUE;
}

gboolean
at_channel_start (AtChannel *ch, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *reply = NULL;

  if (serial_port_discard_input (ch->port, error) < 0)
    return FALSE;
  g_string_truncate (ch->line, 0);
  ch->esc = 0;
  ch->overflow = FALSE;
  g_queue_clear_full (&ch->lines, g_free);

  reply = at_channel_command (ch, "AT", AT_TIMEOUT_SYNC_MS, cancellable, &local);
  if (reply == NULL) {
    if (g_error_matches (local, AT_ERROR, AT_ERROR_TIMEOUT)
        || g_error_matches (local, AT_ERROR, AT_ERROR_GARBAGE)) {
      g_set_error (error, AT_ERROR, AT_ERROR_NO_ANSWER,
                   "%s: modem does not answer AT (%s); check power, cable and baud rate",
                   serial_port_get_path (ch->port),
                   ch->rx_bytes > 0 ? "only unreadable bytes came back" : "no reply");
      return FALSE;
    }
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  /* echo off and verbose errors; a refusal (nRF91 SLM rejects CMEE=2) is fine */
  for (gsize i = 0; i < 2; i++) {
    static const char *const setup[] = { "ATE0", "AT+CMEE=2" };
    g_autofree char *r = at_channel_command (ch, setup[i], 0, cancellable, error);
    if (r == NULL)
      return FALSE;
  }
  return TRUE;
}

gboolean
at_channel_wait_urc (AtChannel *ch, const char *const *prefixes, guint timeout_ms, char **line,
                     GCancellable *cancellable, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  for (;;) {
    char *hit = handle_idle_lines (ch, prefixes);
    int rc;

    if (hit != NULL) {
      if (line != NULL)
        *line = hit;
      else
        g_free (hit);
      return TRUE;
    }
    rc = fill (ch, deadline, cancellable, error);
    if (rc < 0)
      return FALSE;
    if (rc == 0)
      return FALSE;
  }
}
