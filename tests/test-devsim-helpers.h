/* tests/test-devsim-helpers.h - what the simulator tests share: a scripted
 * loopback HTTP server standing in for the emulator's air side, and a raw
 * AT port on a pty. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---- the scripted air side ---- */

typedef struct {
  char *method;
  char *path;
  char *imsi; /* X-Emulated-IMSI (or x-soracom-imsi as a Beam target), NULL when absent */
  char *imei; /* X-Emulated-IMEI */
  char *body;
} StubRequest;

typedef struct _HttpStub HttpStub;

/* http_stub_new: serves on 127.0.0.1 (its own thread): GET /metadata/v1/
 * subscriber -> a subscriber with tags, PUT tags -> 200, POST /beam/... ->
 * 200, POST /air/detach -> 204, /_emulator/... -> 200 (bodies recorded);
 * requests from an IMSI marked unknown -> 403. */
HttpStub *http_stub_new (void);
void http_stub_free (HttpStub *stub);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HttpStub, http_stub_free)

/* http_stub_url: "http://127.0.0.1:PORT" (owned by the stub). */
const char *http_stub_url (HttpStub *stub);
void http_stub_set_unknown (HttpStub *stub, const char *imsi);

/* http_stub_count: requests so far matching @method (NULL = any), a path
 * starting with @path_prefix (NULL = any) and @imsi (NULL = any). */
guint http_stub_count (HttpStub *stub, const char *method, const char *path_prefix,
                       const char *imsi);

/* http_stub_wait: waits at most @timeout_ms until http_stub_count() reaches
 * @count; returns whether it did. */
gboolean http_stub_wait (HttpStub *stub, const char *method, const char *path_prefix,
                         const char *imsi, guint count, guint timeout_ms);

/* http_stub_find: a copy of the first matching request's body (NULL when
 * none); @headers_ok receives whether IMSI and IMEI headers were set. */
char *http_stub_find_body (HttpStub *stub, const char *method, const char *path_prefix,
                           const char *imsi, gboolean *had_imei);

/* http_get: the body of GET @url when it answers 200 (free with g_free()),
 * NULL otherwise. */
char *http_get (const char *url);

/* ---- raw AT over a pty ---- */

typedef struct {
  int fd;
  GString *seen; /* every byte read so far */
} AtPort;

AtPort *at_port_open (const char *path);
void at_port_close (AtPort *port);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtPort, at_port_close)

/* at_port_send: writes @text (no terminator added). */
void at_port_send (AtPort *port, const char *text);

/* at_port_wait: reads until @needle appears in what was read since @from
 * (an offset into port->seen), at most @timeout_ms; returns whether it
 * did.  Returns FALSE at once when the port hangs up. */
gboolean at_port_wait (AtPort *port, gsize from, const char *needle, guint timeout_ms);

/* at_port_cmd: sends "@cmd\r", waits for a final result (OK, ERROR,
 * +CME ERROR) and returns everything read for it (free with g_free()), or
 * NULL on timeout. */
char *at_port_cmd (AtPort *port, const char *cmd, guint timeout_ms);

/* at_port_quiet: TRUE when nothing at all arrives within @ms. */
gboolean at_port_quiet (AtPort *port, guint ms);

/* at_port_hung_up: TRUE when reading reports the other end closed (EIO/HUP)
 * within @timeout_ms. */
gboolean at_port_hung_up (AtPort *port, guint timeout_ms);

G_END_DECLS
