/* tests/emulator-client.c - see emulator-client.h. */
#define G_LOG_DOMAIN "test-emulator"

#include "tests/emulator-client.h"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "drivers/identity.h"
#include "tests/common/test-common.h"

/* The emulator dies with the test (an aborted test leaves no server
 * holding meson's output pipe). */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Like tc_spawn_first_line, with die_with_parent. */
static char *
spawn_first_line (const char *const *argv, GPid *pid, guint timeout_ms)
{
  g_autoptr (GError) error = NULL;
  GString *line = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  int fd = -1;

  g_spawn_async_with_pipes (NULL, (char **)argv, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                            die_with_parent, NULL, pid, NULL, &fd, NULL, &error);
  g_assert_no_error (error);
  for (guint n = 0; n < 4096; n++) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
    char c;
    if (left <= 0 || poll (&p, 1, (int)left) <= 0 || read (fd, &c, 1) != 1)
      break;
    if (c == '\n') {
      close (fd);
      return g_string_free (line, FALSE);
    }
    g_string_append_c (line, c);
  }
  close (fd);
  g_string_free (line, TRUE);
  return NULL;
}

Emu *
ec_start (const char *const *args)
{
  g_autofree char *prog = tc_build_path ("fixtures/cloud-emulator/cloud-emulator");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *line = NULL;
  Emu *e = g_new0 (Emu, 1);

  g_ptr_array_add (argv, prog);
  g_ptr_array_add (argv, "--port");
  g_ptr_array_add (argv, "0");
  g_ptr_array_add (argv, "--seed");
  g_ptr_array_add (argv, "3");
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);
  line = spawn_first_line ((const char *const *)argv->pdata, &e->pid, 20000);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening http://127.0.0.1:"));
  e->base = g_strdup (line + strlen ("listening "));
  e->session = soup_session_new_with_options ("timeout", 30, NULL);
  /* loopback only: no system proxy (its GSettings lookup aborts in tests) */
  soup_session_set_proxy_resolver (e->session, NULL);
  return e;
}

void
ec_stop (Emu *e)
{
  tc_kill (e->pid, 5000);
  g_object_unref (e->session);
  g_free (e->base);
  g_free (e->api_key);
  g_free (e->token);
  g_free (e);
}

void
reply_free (Reply *r)
{
  g_free (r->body);
  g_clear_pointer (&r->json, json_node_unref);
  g_clear_pointer (&r->headers, soup_message_headers_unref);
  g_free (r);
}

Reply *
ec_call (Emu *e, const char *method, const char *path, const char *body, const char *const *headers)
{
  g_autofree char *url = g_strconcat (e->base, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  SoupMessageHeaders *h;
  Reply *r = g_new0 (Reply, 1);

  g_assert_nonnull (msg);
  h = soup_message_get_request_headers (msg);
  if (e->token != NULL && g_str_has_prefix (path, "/v1/") && !g_str_has_prefix (path, "/v1/auth")) {
    soup_message_headers_append (h, "X-Soracom-API-Key", e->api_key);
    soup_message_headers_append (h, "X-Soracom-Token", e->token);
  }
  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    soup_message_headers_append (h, headers[i], headers[i + 1]);
  if (body != NULL) {
    g_autoptr (GBytes) b = g_bytes_new (body, strlen (body));
    soup_message_set_request_body_from_bytes (msg, "application/json", b);
  }
  bytes = soup_session_send_and_read (e->session, msg, NULL, &error);
  g_assert_no_error (error);
  r->status = soup_message_get_status (msg);
  r->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  r->len = g_bytes_get_size (bytes);
  r->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  if (r->len > 0 && json_parser_load_from_data (parser, r->body, (gssize)r->len, NULL))
    r->json = json_node_ref (json_parser_get_root (parser));
  return r;
}

Reply *
ec_callf (Emu *e, const char *method, const char *body, const char *fmt, ...)
{
  g_autofree char *path = NULL;
  va_list ap;

  va_start (ap, fmt);
  path = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return ec_call (e, method, path, body, NULL);
}

void
ec_auth (Emu *e)
{
  g_autoptr (Reply) r
      = ec_call (e, "POST", "/v1/auth",
                 "{\"authKeyId\":\"" EC_AUTH_KEY_ID "\",\"authKey\":\"" EC_AUTH_KEY "\"}", NULL);

  g_assert_cmpuint (r->status, ==, 200);
  g_free (e->api_key);
  g_free (e->token);
  e->api_key = g_strdup (reply_str (r, "apiKey"));
  e->token = g_strdup (reply_str (r, "token"));
  g_assert_cmpstr (reply_str (r, "operatorId"), ==, "OP0012345678");
}

Reply *
ec_air (Emu *e, const char *method, const char *path, const char *imsi, const char *imei,
        const char *body)
{
  const char *h[] = { "X-Emulated-IMSI", imsi, imei ? "X-Emulated-IMEI" : NULL, imei, NULL };

  return ec_call (e, method, path, body, h);
}

JsonObject *
reply_object (Reply *r)
{
  g_assert_nonnull (r->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (r->json));
  return json_node_get_object (r->json);
}

JsonArray *
reply_array (Reply *r)
{
  g_assert_nonnull (r->json);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (r->json));
  return json_node_get_array (r->json);
}

const char *
reply_str (Reply *r, const char *member)
{
  return json_object_get_string_member_with_default (reply_object (r), member, NULL);
}

const char *
reply_error_code (Reply *r)
{
  JsonObject *o = reply_object (r);

  g_assert_true (json_object_has_member (o, "message"));
  return json_object_get_string_member_with_default (o, "code", NULL);
}

char *
ec_status (Emu *e, const char *imsi)
{
  g_autoptr (Reply) r = ec_callf (e, "GET", NULL, "/v1/subscribers/%s", imsi);

  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (reply_str (r, "status"));
}

gboolean
ec_online (Emu *e, const char *imsi)
{
  g_autoptr (Reply) r = ec_callf (e, "GET", NULL, "/v1/subscribers/%s", imsi);

  g_assert_cmpuint (r->status, ==, 200);
  return json_object_get_boolean_member (
      json_object_get_object_member (reply_object (r), "sessionStatus"), "online");
}

char *
ec_seed_imsi (Emu *e, guint n)
{
  g_autoptr (Reply) r = ec_call (e, "GET", "/_emulator/state", NULL, NULL);
  JsonArray *subs;

  g_assert_cmpuint (r->status, ==, 200);
  subs = json_object_get_array_member (reply_object (r), "subscribers");
  g_assert_cmpuint (n, <, json_array_get_length (subs));
  return g_strdup (json_object_get_string_member (json_array_get_object_element (subs, n), "imsi"));
}

char *
ec_insert (Emu *e, guint n, const char *extra)
{
  g_autofree char *imsi = g_strdup_printf ("44010%010u", n);
  g_autofree char *iccid18 = g_strdup_printf ("898110%012u", n);
  g_autofree char *body
      = g_strdup_printf ("{\"subscribers\":[{\"imsi\":\"%s\",\"iccid\":\"%s%c\"%s}]}", imsi,
                         iccid18, identity_luhn_digit (iccid18), extra);
  g_autoptr (Reply) r = ec_call (e, "POST", "/_emulator/subscribers", body, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return g_steal_pointer (&imsi);
}
