/* tests/emulator-client.h - what the emulator tests share: start the built
 * cloud-emulator on a free loopback port, talk HTTP to it (libsoup-3,
 * synchronous), authenticate, read JSON answers. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define EC_AUTH_KEY_ID "keyId-emulator-0000000000000000000000"
#define EC_AUTH_KEY    "secret-emulator-0000000000000000000000000000000000000000000000000000"

typedef struct {
  GPid pid;
  char *base; /* http://127.0.0.1:PORT */
  SoupSession *session;
  char *api_key;
  char *token;
} Emu;

typedef struct {
  guint status;
  char *body;
  gsize len;
  JsonNode *json; /* NULL when the body is not JSON */
  SoupMessageHeaders *headers;
} Reply;

/* ec_start: runs the emulator with "--port 0 --seed 3" + @args (NULL
 * terminated, may be NULL); aborts the test if it does not print its
 * listening line within 20 s.  ec_stop: SIGTERM, reap, free. */
Emu *ec_start (const char *const *args);
void ec_stop (Emu *e);

/* ec_call: one request; @headers is "Name", "value", ..., NULL (may be
 * NULL); @body JSON text or NULL.  Adds the API key/token when the Emu is
 * authenticated and @path starts with /v1 (except /v1/auth). */
Reply *ec_call (Emu *e, const char *method, const char *path, const char *body,
                const char *const *headers);
Reply *ec_callf (Emu *e, const char *method, const char *body, const char *fmt, ...)
    G_GNUC_PRINTF (4, 5);
void reply_free (Reply *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

/* ec_auth: POST /v1/auth with the default key pair; stores key/token. */
void ec_auth (Emu *e);

/* ec_air: a request from emulated SIM @imsi (device @imei, may be NULL). */
Reply *ec_air (Emu *e, const char *method, const char *path, const char *imsi, const char *imei,
               const char *body);

/* JSON helpers on a reply (abort the test when the shape is wrong). */
JsonObject *reply_object (Reply *r);
JsonArray *reply_array (Reply *r);
const char *reply_str (Reply *r, const char *member);
const char *reply_error_code (Reply *r);

/* ec_subscriber_status / online: GET /v1/subscribers/{imsi} fields. */
char *ec_status (Emu *e, const char *imsi);
gboolean ec_online (Emu *e, const char *imsi);

/* ec_seed_imsi: IMSI of the @n-th (sorted) subscriber in /_emulator/state. */
char *ec_seed_imsi (Emu *e, guint n);

/* ec_insert: inserts one SIM via /_emulator/subscribers with the JSON
 * members @extra ("" or ",\"status\":\"active\"" ...); returns its IMSI,
 * made from @n (unique per test). */
char *ec_insert (Emu *e, guint n, const char *extra);

G_END_DECLS
