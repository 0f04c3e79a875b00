/* drivers/at/at-channel.h - an AT command channel over a serial transport.
 *
 * One command at a time: the channel writes "<command>\r", reads lines
 * (CR and/or LF framing, bytes split anywhere), drops the command's echo
 * (echo on or off), hands unsolicited result codes (URCs: +CEREG:, RDY,
 * +CPIN: READY, +QIND:, ^SYSSTART, ...) to a handler instead of taking them
 * as the reply, drops NUL, control and ANSI escape bytes and invalid UTF-8,
 * and returns the reply when a final result code arrives.  Each command has
 * a timeout (short for identity reads, long for +COPS/+CFUN) and is sent
 * once more after a timeout.  Lines are bounded (AT_LINE_MAX): an endless
 * line is an error, not a hang.
 *
 * A transcript callback sees every line sent and received with its kind and
 * a UTC timestamp, so the station can store each unit's AT transcript.
 *
 * An AtChannel belongs to one thread at a time (a slot's worker thread);
 * callbacks run in that thread, inside the call that read the line.  Every
 * blocking call takes a GCancellable.
 */
#pragma once

#include <gio/gio.h>

#include "drivers/at/at-parse.h"
#include "drivers/serial/serial-port.h"

G_BEGIN_DECLS

#define AT_LINE_MAX           4096 /* bytes in one line before it is refused */
#define AT_REPLY_MAX_LINES    256  /* information lines in one reply */
#define AT_TIMEOUT_DEFAULT_MS 3000 /* identity reads and settings */
#define AT_TIMEOUT_SYNC_MS    1000 /* the first AT of at_channel_start */

typedef enum {
  AT_LINE_SENT,     /* a command line written by the station */
  AT_LINE_ECHO,     /* the modem's echo of it */
  AT_LINE_RECEIVED, /* a reply line (information or final result) */
  AT_LINE_URC,      /* an unsolicited result code */
  AT_LINE_DROPPED,  /* a line that belonged to nothing (stray, late) */
} AtLineKind;

/* at_line_kind_name: "sent", "echo", "received", "urc", "dropped". */
const char *at_line_kind_name (AtLineKind kind);

/* @utc_ms: g_get_real_time () / 1000 when the line was complete. */
typedef void (*AtTranscriptFunc) (AtLineKind kind, gint64 utc_ms, const char *line,
                                  gpointer user_data);
typedef void (*AtUrcFunc) (const char *line, gpointer user_data);

typedef struct _AtChannel AtChannel;

/* at_channel_new: a channel over @port, which it takes (closed by
 * at_channel_free). */
AtChannel *at_channel_new (SerialPort *port);

/* at_channel_open: serial_port_open (@path, @baud, no flow control) +
 * at_channel_new.  NULL with @error in SERIAL_ERROR. */
AtChannel *at_channel_open (const char *path, guint baud, GError **error);

void at_channel_free (AtChannel *channel);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtChannel, at_channel_free)

/* at_channel_get_path: the port path, for messages. */
const char *at_channel_get_path (AtChannel *channel);

void at_channel_set_transcript_func (AtChannel *channel, AtTranscriptFunc func, gpointer user_data);
void at_channel_set_urc_func (AtChannel *channel, AtUrcFunc func, gpointer user_data);

/* at_channel_add_urcs: more URCs to recognise (a modem profile's vendor
 * codes).  An entry ending in ':' is a prefix ("+QIND:"), any other entry a
 * whole line ("RDY").  @urcs must stay valid while the channel lives (static
 * tables). */
void at_channel_add_urcs (AtChannel *channel, const char *const *urcs);

/* at_channel_is_urc: whether @line would be taken as a URC while @command
 * (may be NULL) waits for its reply.  A prefixed URC named like the command
 * ("+CEREG:" while "AT+CEREG?" runs) is the reply, unless its shape is the
 * unsolicited one. */
gboolean at_channel_is_urc (AtChannel *channel, const char *line, const char *command);

/* at_command_timeout_ms: the default timeout of @command: 180 s for +COPS,
 * 30 s for +CFUN, 150 s for +CGACT/+CGATT, AT_TIMEOUT_DEFAULT_MS otherwise. */
guint at_command_timeout_ms (const char *command);

/* at_channel_start: brings the channel into a known state: discards
 * pending input, sends "AT" until the modem answers (AT_TIMEOUT_SYNC_MS, one
 * retry), then "ATE0" and "AT+CMEE=2" (their refusal is fine).
 * AT_ERROR_NO_ANSWER when the modem never answers or answers only garbage. */
gboolean at_channel_start (AtChannel *channel, GCancellable *cancellable, GError **error);

/* at_channel_command: sends @command (without CR) and waits @timeout_ms
 * (0 = at_command_timeout_ms) for its final result code, sending it once
 * more after a timeout.  Returns the reply text "line\r\n...FINAL\r\n"
 * (echo and URCs removed) whatever the final result, for the parsers of
 * at-parse.h; NULL with @error on AT_ERROR_TIMEOUT, AT_ERROR_GARBAGE,
 * SERIAL_ERROR or G_IO_ERROR_CANCELLED.  g_free() the result. */
char *at_channel_command (AtChannel *channel, const char *command, guint timeout_ms,
                          GCancellable *cancellable, GError **error);

/* at_channel_command_ok: at_channel_command + at_reply_check: FALSE with the
 * final result's AT_ERROR code when the modem refused. */
gboolean at_channel_command_ok (AtChannel *channel, const char *command, guint timeout_ms,
                                GCancellable *cancellable, GError **error);

/* at_channel_wait_urc: reads input for up to @timeout_ms with no command
 * pending, dispatching URCs; returns TRUE as soon as a URC that starts with
 * one of @prefixes arrives (copied to @line when non-NULL), FALSE without
 * error at the timeout, FALSE with @error when the port fails or @cancellable
 * fires.  @prefixes NULL: just dispatch URCs until the timeout. */
gboolean at_channel_wait_urc (AtChannel *channel, const char *const *prefixes, guint timeout_ms,
                              char **line, GCancellable *cancellable, GError **error);

G_END_DECLS
