/* tests/test-emulator-events.c - the emulator's event handlers
 * (create/list/get/update/delete, list for a subscriber, refusals of bad
 * rules and actions), fired by POST /_emulator/traffic: first traffic
 * (a web request to a loopback receiver, exactly once), daily traffic over
 * the limit (speed class, suspend), IMEI mismatch (refused, web request);
 * Air stats per day and month; all of it across a restart. Request bodies
 * are in tests/data/emulator/event-handlers.json. */
#define G_LOG_DOMAIN "test-emulator"

#include <string.h>

#include "tests/common/test-common.h"
#include "tests/emulator-client.h"

#define IMEI_A "490154203237518"
#define IMEI_B "356938035643809"
#define WAIT_S 10
#define KIB    1024
#define MIB    (1024 * 1024)
#define DAY_MS ((gint64)86400 * 1000)

/* ---- the loopback receiver of web requests ---- */

typedef struct {
  char *method, *path, *query, *secret, *event_imsi, *content_type, *body;
} Received;

typedef struct {
  SoupServer *server;
  char *url;
  GPtrArray *got; /* Received* */
} Receiver;

static void
received_free (Received *r)
{
  g_free (r->method);
  g_free (r->path);
  g_free (r->query);
  g_free (r->secret);
  g_free (r->event_imsi);
  g_free (r->content_type);
  g_free (r->body);
  g_free (r);
}

static void
on_event (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
          gpointer data)
{
  Receiver *rx = data;
  Received *r = g_new0 (Received, 1);
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  g_autoptr (GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  r->method = g_strdup (soup_server_message_get_method (msg));
  r->path = g_strdup (path);
  r->query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));
  r->secret = g_strdup (soup_message_headers_get_one (h, "X-Receiver-Secret"));
  r->event_imsi = g_strdup (soup_message_headers_get_one (h, "X-Event-Imsi"));
  r->content_type = g_strdup (soup_message_headers_get_content_type (h, NULL));
  r->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_ptr_array_add (rx->got, r);
  soup_server_message_set_status (msg, 200, NULL);
}

static Receiver *
receiver_start (void)
{
  Receiver *rx = g_new0 (Receiver, 1);
  g_autoptr (GError) error = NULL;
  GSList *uris;

  rx->got = g_ptr_array_new_with_free_func ((GDestroyNotify)received_free);
  rx->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (rx->server, NULL, on_event, rx, NULL);
  g_assert_true (soup_server_listen_local (rx->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (rx->server);
  rx->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  return rx;
}

static void
receiver_stop (Receiver *rx)
{
  soup_server_disconnect (rx->server);
  g_object_unref (rx->server);
  g_ptr_array_unref (rx->got);
  g_free (rx->url);
  g_free (rx);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Serves the receiver until it holds @n requests (at most WAIT_S s). */
static void
receiver_wait (Receiver *rx, guint n)
{
  gboolean late = FALSE;
  guint id = g_timeout_add_seconds (WAIT_S, set_flag, &late);

  while (rx->got->len < n && !late)
    g_main_context_iteration (NULL, TRUE);
  if (!late)
    g_source_remove (id);
  g_assert_cmpuint (rx->got->len, >=, n);
}

/* ---- helpers ---- */

/* The request body @name of event-handlers.json with @GROUP@, @URL@ and
 * @IMSI@ replaced (any may be NULL when unused). */
static char *
handler_body (JsonNode *node, const char *group, const char *url, const char *imsi)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (GString) s = NULL;
  g_autofree char *text = NULL;

  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  s = g_string_new (text);
  g_string_replace (s, "@GROUP@", group ? group : "", 0);
  g_string_replace (s, "@URL@", url ? url : "", 0);
  g_string_replace (s, "@IMSI@", imsi ? imsi : "", 0);
  return g_strdup (s->str);
}

static JsonObject *
data_root (JsonParser *p)
{
  g_autofree char *path = tc_data_path ("emulator", "event-handlers.json", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (json_parser_load_from_file (p, path, &error));
  return json_node_get_object (json_parser_get_root (p));
}

/* Creates handler @name; returns its ID. */
static char *
create_handler (Emu *e, JsonObject *data, const char *name, const char *group, const char *url,
                const char *imsi)
{
  g_autofree char *body = handler_body (json_object_get_member (data, name), group, url, imsi);
  g_autoptr (Reply) r = ec_call (e, "POST", "/v1/event_handlers", body, NULL);

  if (r->status != 201)
    g_error ("create %s: %u %.*s", name, r->status, (int)r->len, r->body);
  g_assert_nonnull (reply_str (r, "handlerId"));
  return g_strdup (reply_str (r, "handlerId"));
}

static char *
create_group (Emu *e)
{
  g_autoptr (Reply) r = ec_call (e, "POST", "/v1/groups", "{\"tags\":{\"name\":\"batch\"}}", NULL);

  g_assert_cmpuint (r->status, ==, 201);
  return g_strdup (reply_str (r, "groupId"));
}

static void
join (Emu *e, const char *imsi, const char *group)
{
  g_autofree char *body = g_strdup_printf ("{\"groupId\":\"%s\"}", group);
  g_autoptr (Reply) r = ec_callf (e, "POST", body, "/v1/subscribers/%s/set_group", imsi);

  g_assert_cmpuint (r->status, ==, 200);
}

/* POST /_emulator/traffic (@at_ms 0: now). */
static Reply *
traffic (Emu *e, const char *imsi, const char *imei, gint64 up, gint64 down, gint64 at_ms)
{
  g_autoptr (GString) b = g_string_new (NULL);

  g_string_printf (b,
                   "{\"imsi\":\"%s\",\"upload_bytes\":%" G_GINT64_FORMAT
                   ",\"download_bytes\":%" G_GINT64_FORMAT,
                   imsi, up, down);
  if (imei != NULL)
    g_string_append_printf (b, ",\"imei\":\"%s\"", imei);
  if (at_ms > 0)
    g_string_append_printf (b, ",\"at\":%" G_GINT64_FORMAT, at_ms);
  g_string_append_c (b, '}');
  return ec_call (e, "POST", "/_emulator/traffic", b->str, NULL);
}

static void
traffic_ok (Emu *e, const char *imsi, const char *imei, gint64 up, gint64 down, gint64 at_ms)
{
  g_autoptr (Reply) r = traffic (e, imsi, imei, up, down, at_ms);

  if (r->status != 200)
    g_error ("traffic %s: %u %.*s", imsi, r->status, (int)r->len, r->body);
  g_assert_cmpstr (reply_str (r, "imsi"), ==, imsi);
}

static char *
sub_field (Emu *e, const char *imsi, const char *field)
{
  g_autoptr (Reply) r = ec_callf (e, "GET", NULL, "/v1/subscribers/%s", imsi);

  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (reply_str (r, field));
}

/* Deliveries of /_emulator/state for @handler (a new array). */
static JsonArray *
deliveries (Emu *e, const char *handler)
{
  g_autoptr (Reply) r = ec_call (e, "GET", "/_emulator/state", NULL, NULL);
  JsonArray *all = json_object_get_array_member (reply_object (r), "deliveries");
  JsonArray *out = json_array_new ();

  for (guint i = 0; i < json_array_get_length (all); i++) {
    JsonObject *d = json_array_get_object_element (all, i);
    if (handler == NULL || g_strcmp0 (json_object_get_string_member (d, "handlerId"), handler) == 0)
      json_array_add_object_element (out, json_object_ref (d));
  }
  return out;
}

/* 00:00 UTC of 2 November 2026 plus @days, in ms. */
static gint64
day_ms (int days)
{
  g_autoptr (GDateTime) t = g_date_time_new_utc (2026, 11, 2, 0, 0, 0);

  return g_date_time_to_unix (t) * 1000 + days * DAY_MS;
}

static gboolean
list_has (Reply *r, const char *id)
{
  JsonArray *a = reply_array (r);

  for (guint i = 0; i < json_array_get_length (a); i++)
    if (g_strcmp0 (
            json_object_get_string_member (json_array_get_object_element (a, i), "handlerId"), id)
        == 0)
      return TRUE;
  return FALSE;
}

/* ---- tests ---- */

static void
test_crud (void)
{
  Emu *e = ec_start (NULL);
  g_autoptr (JsonParser) p = json_parser_new ();
  JsonObject *data = data_root (p);
  JsonArray *bad = json_object_get_array_member (data, "bad");
  g_autofree char *in = ec_seed_imsi (e, 0);
  g_autofree char *out = ec_seed_imsi (e, 1);
  g_autofree char *group = NULL, *id = NULL, *body = NULL;
  g_autoptr (Reply) r = NULL;
  JsonObject *props;

  ec_auth (e);
  group = create_group (e);
  join (e, in, group);
  id = create_handler (e, data, "first-traffic", group, "http://127.0.0.1:9", NULL);
  r = ec_callf (e, "GET", NULL, "/v1/event_handlers/%s", id);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (reply_str (r, "name"), ==, "first use");
  g_assert_cmpstr (reply_str (r, "status"), ==, "active");
  g_assert_cmpstr (reply_str (r, "targetGroupId"), ==, group);
  props = json_object_get_object_member (
      json_array_get_object_element (
          json_object_get_array_member (reply_object (r), "actionConfigList"), 0),
      "properties");
  g_assert_cmpstr (json_object_get_string_member (props, "url"), ==,
                   "http://127.0.0.1:9/events/first-use?imsi=${imsi}");
  g_clear_pointer (&r, reply_free);

  /* lists: all, by target kind, for a subscriber */
  r = ec_call (e, "GET", "/v1/event_handlers", NULL, NULL);
  g_assert_true (list_has (r, id));
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/v1/event_handlers?target=group", NULL, NULL);
  g_assert_true (list_has (r, id));
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/v1/event_handlers?target=imsi", NULL, NULL);
  g_assert_false (list_has (r, id));
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/v1/event_handlers?target=everything", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 400);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/event_handlers/subscribers/%s", in);
  g_assert_true (list_has (r, id));
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/event_handlers/subscribers/%s", out);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_false (list_has (r, id));
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/v1/event_handlers/subscribers/999999999999999", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 404);
  g_clear_pointer (&r, reply_free);

  /* update replaces the model, keeps the ID */
  body = handler_body (json_object_get_member (data, "daily-slow"), group, NULL, NULL);
  r = ec_callf (e, "PUT", body, "/v1/event_handlers/%s", id);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (reply_str (r, "handlerId"), ==, id);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/event_handlers/%s", id);
  g_assert_cmpstr (reply_str (r, "name"), ==, "daily cap");
  g_assert_false (json_object_has_member (reply_object (r), "description"));
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "PUT", "{\"name\":\"x\"}", "/v1/event_handlers/%s", id);
  g_assert_cmpuint (r->status, ==, 400);
  g_clear_pointer (&r, reply_free);

  /* every bad body is a 400 with a code, and nothing is created */
  for (guint i = 0; i < json_array_get_length (bad); i++) {
    JsonObject *c = json_array_get_object_element (bad, i);
    g_autofree char *b = handler_body (json_object_get_member (c, "body"), group, NULL, in);
    g_autoptr (Reply) br = ec_call (e, "POST", "/v1/event_handlers", b, NULL);
    if (br->status != 400)
      g_error ("%s: %u, expected 400", json_object_get_string_member (c, "why"), br->status);
    g_assert_nonnull (reply_error_code (br));
  }
  r = ec_call (e, "GET", "/v1/event_handlers", NULL, NULL);
  g_assert_cmpuint (json_array_get_length (reply_array (r)), ==, 1);
  g_clear_pointer (&r, reply_free);

  /* delete, then 404 */
  r = ec_callf (e, "DELETE", NULL, "/v1/event_handlers/%s", id);
  g_assert_cmpuint (r->status, ==, 204);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/event_handlers/%s", id);
  g_assert_cmpuint (r->status, ==, 404);
  g_assert_nonnull (reply_error_code (r));
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "DELETE", NULL, "/v1/event_handlers/%s", id);
  g_assert_cmpuint (r->status, ==, 404);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "PUT", body, "/v1/event_handlers/%s", id);
  g_assert_cmpuint (r->status, ==, 404);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "PATCH", "/v1/event_handlers", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 405);
  ec_stop (e);
}

static void
test_first_traffic (void)
{
  Emu *e = ec_start (NULL);
  Receiver *rx = receiver_start ();
  g_autoptr (JsonParser) p = json_parser_new ();
  JsonObject *data = data_root (p);
  g_autofree char *a = ec_seed_imsi (e, 0);
  g_autofree char *other = ec_seed_imsi (e, 1);
  g_autofree char *group = NULL, *id = NULL, *off = NULL, *query = NULL, *status = NULL;
  g_autoptr (Reply) r = NULL;
  g_autoptr (JsonArray) d = NULL;
  Received *got;

  ec_auth (e);
  group = create_group (e);
  join (e, a, group);
  r = ec_callf (e, "POST", NULL, "/v1/subscribers/%s/set_to_standby", a);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  id = create_handler (e, data, "first-traffic", group, rx->url, NULL);
  off = create_handler (e, data, "inactive", NULL, NULL, NULL); /* would suspend: inactive */

  /* the first traffic: standby -> active, one web request as configured */
  r = traffic (e, a, IMEI_A, 1000, 2000, 0);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (reply_str (r, "status"), ==, "active");
  g_clear_pointer (&r, reply_free);
  d = deliveries (e, id);
  g_assert_cmpuint (json_array_get_length (d), ==, 1);
  g_clear_pointer (&d, json_array_unref);
  receiver_wait (rx, 1);
  got = rx->got->pdata[0];
  g_assert_cmpstr (got->method, ==, "POST");
  g_assert_cmpstr (got->path, ==, "/events/first-use");
  query = g_strdup_printf ("imsi=%s", a);
  g_assert_cmpstr (got->query, ==, query);
  g_assert_cmpstr (got->secret, ==, "s3cret");
  g_assert_cmpstr (got->event_imsi, ==, a);
  g_assert_cmpstr (got->content_type, ==, "application/json");
  g_assert_nonnull (strstr (got->body, a));
  g_assert_nonnull (strstr (got->body, "\"imei\":\"" IMEI_A "\""));
  g_assert_nonnull (strstr (got->body, "${nope}"));

  /* not again: second traffic of that SIM, traffic of a SIM outside the group */
  traffic_ok (e, a, IMEI_A, 10, 10, 0);
  traffic_ok (e, other, NULL, 10, 10, 0);
  d = deliveries (e, NULL);
  g_assert_cmpuint (json_array_get_length (d), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (d, 0), "imsi"), ==,
                   a);
  g_clear_pointer (&d, json_array_unref);
  /* the inactive handler did nothing */
  status = sub_field (e, a, "status");
  g_assert_cmpstr (status, ==, "active");
  g_assert_cmpuint (rx->got->len, ==, 1);
  receiver_stop (rx);
  ec_stop (e);
}

static void
test_daily_limit (void)
{
  Emu *e = ec_start (NULL);
  g_autoptr (JsonParser) p = json_parser_new ();
  JsonObject *data = data_root (p);
  g_autofree char *a = ec_seed_imsi (e, 0);
  g_autofree char *c = ec_seed_imsi (e, 2);
  g_autofree char *group = NULL, *slow = NULL, *susp = NULL;
  g_autoptr (Reply) r = NULL;
  char *v;

  ec_auth (e);
  group = create_group (e);
  join (e, a, group);
  slow = create_handler (e, data, "daily-slow", group, NULL, NULL);
  susp = create_handler (e, data, "daily-suspend", NULL, NULL, c);

  /* 600 KiB: under 1 MiB; another 600 KiB the same day: over, slowed */
  traffic_ok (e, a, IMEI_A, 300 * KIB, 300 * KIB, day_ms (0) + 3600 * 1000);
  v = sub_field (e, a, "speedClass");
  g_assert_cmpstr (v, ==, "s1.standard");
  g_free (v);
  traffic_ok (e, a, IMEI_A, 0, 600 * KIB, day_ms (0) + 7200 * 1000);
  v = sub_field (e, a, "speedClass");
  g_assert_cmpstr (v, ==, "s1.minimum");
  g_free (v);
  /* put back by hand: not slowed again that day, slowed again the next */
  r = ec_callf (e, "POST", "{\"speedClass\":\"s1.standard\"}",
                "/v1/subscribers/%s/update_speed_class", a);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  traffic_ok (e, a, IMEI_A, 0, 2 * MIB, day_ms (0) + 8000 * 1000);
  v = sub_field (e, a, "speedClass");
  g_assert_cmpstr (v, ==, "s1.standard");
  g_free (v);
  traffic_ok (e, a, IMEI_A, 0, 512 * KIB, day_ms (1) + 60 * 1000);
  v = sub_field (e, a, "speedClass");
  g_assert_cmpstr (v, ==, "s1.standard");
  g_free (v);
  traffic_ok (e, a, IMEI_A, 0, 600 * KIB, day_ms (1) + 120 * 1000);
  v = sub_field (e, a, "speedClass");
  g_assert_cmpstr (v, ==, "s1.minimum");
  g_free (v);

  /* SuspendAction: over 2 MiB, suspended, its session gone, traffic refused */
  traffic_ok (e, c, IMEI_B, MIB, 1500 * KIB, day_ms (0) + 1000);
  v = sub_field (e, c, "status");
  g_assert_cmpstr (v, ==, "suspended");
  g_free (v);
  g_assert_false (ec_online (e, c));
  r = traffic (e, c, IMEI_B, 1, 1, day_ms (0) + 2000);
  g_assert_cmpuint (r->status, ==, 403);
  g_assert_nonnull (reply_error_code (r));
  ec_stop (e);
}

static void
test_imei_mismatch (void)
{
  Emu *e = ec_start (NULL);
  Receiver *rx = receiver_start ();
  g_autoptr (JsonParser) p = json_parser_new ();
  JsonObject *data = data_root (p);
  g_autofree char *a = ec_seed_imsi (e, 0);
  g_autofree char *group = NULL, *id = NULL, *v = NULL;
  g_autoptr (Reply) r = NULL;
  Received *got;

  ec_auth (e);
  group = create_group (e);
  join (e, a, group);
  r = ec_callf (e, "POST", "{\"imei\":\"" IMEI_A "\"}", "/v1/subscribers/%s/set_imei_lock", a);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  id = create_handler (e, data, "imei-mismatch", group, rx->url, NULL);

  /* B is refused, nothing changes, the handler reports B */
  r = traffic (e, a, IMEI_B, 100, 100, 0);
  g_assert_cmpuint (r->status, ==, 403);
  g_assert_cmpstr (reply_error_code (r), ==, "AIR0003");
  g_clear_pointer (&r, reply_free);
  v = sub_field (e, a, "status");
  g_assert_cmpstr (v, ==, "ready");
  g_assert_false (ec_online (e, a));
  receiver_wait (rx, 1);
  got = rx->got->pdata[0];
  g_assert_cmpstr (got->path, ==, "/events/imei-mismatch");
  g_assert_cmpstr (got->secret, ==, "s3cret");
  g_assert_nonnull (strstr (got->body, "\"imei\":\"" IMEI_B "\""));
  r = ec_call (e, "GET", "/_emulator/state", NULL, NULL);
  g_assert_cmpint (json_object_get_int_member (
                       json_object_get_object_member (reply_object (r), "imeiMismatches"), a),
                   ==, 1);
  g_clear_pointer (&r, reply_free);
  /* A is admitted and fires nothing */
  traffic_ok (e, a, IMEI_A, 100, 100, 0);
  g_assert_true (ec_online (e, a));
  {
    g_autoptr (JsonArray) d = deliveries (e, id);
    g_assert_cmpuint (json_array_get_length (d), ==, 1);
  }
  receiver_stop (rx);
  ec_stop (e);
}

static JsonObject *
class_stats (JsonArray *a, guint i, gint64 unixtime)
{
  JsonObject *e = json_array_get_object_element (a, i);

  g_assert_cmpint (json_object_get_int_member (e, "unixtime"), ==, unixtime);
  g_assert_nonnull (json_object_get_string_member (e, "date"));
  return json_object_get_object_member (json_object_get_object_member (e, "dataTrafficStatsMap"),
                                        "s1.standard");
}

static void
test_air_stats (void)
{
  Emu *e = ec_start (NULL);
  g_autofree char *a = ec_seed_imsi (e, 0);
  g_autofree char *body = NULL;
  gint64 d0 = day_ms (0) / 1000;
  g_autoptr (Reply) r = NULL;
  JsonObject *st;
  static const char *const bad[] = {
    "?to=1&period=day",         "?from=1&period=day",      "?from=1&to=2",
    "?from=1&to=2&period=week", "?from=x&to=2&period=day", "?from=3&to=2&period=day",
  };

  ec_auth (e);
  traffic_ok (e, a, NULL, 100, 200, day_ms (0) + 36000 * 1000);
  traffic_ok (e, a, NULL, 1, 2, day_ms (0) + 36060 * 1000);
  traffic_ok (e, a, NULL, 1000, 0, day_ms (1) - 1000);
  traffic_ok (e, a, NULL, 0, 5000, day_ms (1));
  traffic_ok (e, a, NULL, 7, 7, day_ms (5)); /* outside the asked days */

  r = ec_callf (e, "GET", NULL,
                "/v1/stats/air/subscribers/%s?from=%" G_GINT64_FORMAT "&to=%" G_GINT64_FORMAT
                "&period=day",
                a, d0 + 100, d0 + 86400 + 100);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (reply_array (r)), ==, 2);
  st = class_stats (reply_array (r), 0, d0);
  g_assert_cmpint (json_object_get_int_member (st, "uploadByteSizeTotal"), ==, 1101);
  g_assert_cmpint (json_object_get_int_member (st, "downloadByteSizeTotal"), ==, 202);
  g_assert_cmpint (json_object_get_int_member (st, "uploadPacketSizeTotal"), ==, 3);
  st = class_stats (reply_array (r), 1, d0 + 86400);
  g_assert_cmpint (json_object_get_int_member (st, "uploadByteSizeTotal"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (st, "downloadByteSizeTotal"), ==, 5000);
  g_assert_cmpint (json_object_get_int_member (st, "downloadPacketSizeTotal"), ==, 4);
  g_clear_pointer (&r, reply_free);

  /* a month sums it all; 5-minute buckets split the first day's traffic */
  r = ec_callf (e, "GET", NULL,
                "/v1/stats/air/subscribers/%s?from=%" G_GINT64_FORMAT "&to=%" G_GINT64_FORMAT
                "&period=month",
                a, d0, d0);
  g_assert_cmpuint (json_array_get_length (reply_array (r)), ==, 1);
  st = class_stats (reply_array (r), 0, d0 - 86400); /* 1 November */
  g_assert_cmpint (json_object_get_int_member (st, "uploadByteSizeTotal"), ==, 1108);
  g_assert_cmpint (json_object_get_int_member (st, "downloadByteSizeTotal"), ==, 5209);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL,
                "/v1/stats/air/subscribers/%s?from=%" G_GINT64_FORMAT "&to=%" G_GINT64_FORMAT
                "&period=minutes",
                a, d0, d0 + 86399);
  g_assert_cmpuint (json_array_get_length (reply_array (r)), ==, 2);
  st = class_stats (reply_array (r), 0, d0 + 36000);
  g_assert_cmpint (json_object_get_int_member (st, "uploadByteSizeTotal"), ==, 101);
  g_clear_pointer (&r, reply_free);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (Reply) br = ec_callf (e, "GET", NULL, "/v1/stats/air/subscribers/%s%s", a, bad[i]);
    if (br->status != 400)
      g_error ("%s: %u, expected 400", bad[i], br->status);
    g_assert_nonnull (reply_error_code (br));
  }
  r = ec_call (e, "GET", "/v1/stats/air/subscribers/999999999999999?from=1&to=2&period=day", NULL,
               NULL);
  g_assert_cmpuint (r->status, ==, 404);
  g_clear_pointer (&r, reply_free);
  /* the traffic control refuses bad bodies and unknown SIMs */
  r = ec_call (e, "POST", "/_emulator/traffic", "{\"upload_bytes\":1}", NULL);
  g_assert_cmpuint (r->status, ==, 400);
  g_clear_pointer (&r, reply_free);
  body = g_strdup_printf ("{\"imsi\":\"%s\",\"upload_bytes\":-1}", a);
  r = ec_call (e, "POST", "/_emulator/traffic", body, NULL);
  g_assert_cmpuint (r->status, ==, 400);
  g_clear_pointer (&r, reply_free);
  g_free (body);
  body = g_strdup_printf ("{\"imsi\":\"%s\",\"download_bytes\":\"5\"}", a);
  r = ec_call (e, "POST", "/_emulator/traffic", body, NULL);
  g_assert_cmpuint (r->status, ==, 400);
  g_clear_pointer (&r, reply_free);
  r = traffic (e, "999999999999999", NULL, 1, 1, 0);
  g_assert_cmpuint (r->status, ==, 403);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/_emulator/traffic", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 405);
  ec_stop (e);
}

static void
test_state_file (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "emu.json", NULL);
  const char *args[] = { "--state", path, NULL };
  Emu *e = ec_start (args);
  Receiver *rx = receiver_start ();
  g_autoptr (JsonParser) p = json_parser_new ();
  JsonObject *data = data_root (p);
  g_autofree char *a = ec_seed_imsi (e, 0);
  g_autofree char *group = NULL, *first = NULL, *slow = NULL, *v = NULL;
  gint64 d0 = day_ms (0) / 1000;
  g_autoptr (Reply) r = NULL;
  g_autoptr (JsonArray) d = NULL;

  ec_auth (e);
  group = create_group (e);
  join (e, a, group);
  first = create_handler (e, data, "first-traffic", group, rx->url, NULL);
  slow = create_handler (e, data, "daily-slow", group, NULL, NULL);
  traffic_ok (e, a, IMEI_A, 0, 700 * KIB, day_ms (0) + 1000);
  receiver_wait (rx, 1);
  ec_stop (e);

  e = ec_start (args);
  ec_auth (e);
  r = ec_callf (e, "GET", NULL, "/v1/event_handlers/%s", slow);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  /* the first traffic is remembered (no second web request); the day's
   * bytes too (700 + 400 KiB is over 1 MiB) */
  traffic_ok (e, a, IMEI_A, 0, 400 * KIB, day_ms (0) + 2000);
  d = deliveries (e, first);
  g_assert_cmpuint (json_array_get_length (d), ==, 0);
  v = sub_field (e, a, "speedClass");
  g_assert_cmpstr (v, ==, "s1.minimum");
  r = ec_callf (e, "GET", NULL,
                "/v1/stats/air/subscribers/%s?from=%" G_GINT64_FORMAT "&to=%" G_GINT64_FORMAT
                "&period=day",
                a, d0, d0);
  g_assert_cmpint (
      json_object_get_int_member (class_stats (reply_array (r), 0, d0), "downloadByteSizeTotal"),
      ==, 1100 * KIB);
  g_assert_cmpuint (rx->got->len, ==, 1);
  receiver_stop (rx);
  ec_stop (e);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/emulator-events/crud", test_crud);
  g_test_add_func ("/emulator-events/first-traffic", test_first_traffic);
  g_test_add_func ("/emulator-events/daily-limit", test_daily_limit);
  g_test_add_func ("/emulator-events/imei-mismatch", test_imei_mismatch);
  g_test_add_func ("/emulator-events/air-stats", test_air_stats);
  g_test_add_func ("/emulator-events/state-file", test_state_file);
  return g_test_run ();
}
