/* tests/test-emulator.c - the cloud emulator's API over HTTP on loopback:
 * authentication and token expiry, error answers (400/401/404/405), the
 * status rules of CONTRACT.md section 5, IMEI lock, standby vs. online
 * sessions, pagination with filters, tags, faults, rate limit, state file,
 * reset, seeds and call counters. */
#define G_LOG_DOMAIN "test-emulator"

#include <stdlib.h>
#include <string.h>

#include "drivers/identity.h"
#include "tests/common/test-common.h"
#include "tests/emulator-client.h"

#define IMEI_A "490154203237518"
#define IMEI_B "356938035643809"

static void
assert_status (Emu *e, const char *imsi, const char *want)
{
  g_autofree char *s = ec_status (e, imsi);

  g_assert_cmpstr (s, ==, want);
}

static guint
post_status (Emu *e, const char *imsi, const char *action)
{
  g_autoptr (Reply) r = ec_callf (e, "POST", NULL, "/v1/subscribers/%s/%s", imsi, action);

  if (r->status != 200)
    g_assert_nonnull (reply_error_code (r));
  return r->status;
}

static void
test_auth (void)
{
  Emu *e = ec_start (NULL);
  g_autofree char *imsi = ec_seed_imsi (e, 0);
  const char *bad[] = { "X-Soracom-API-Key", "api-x", "X-Soracom-Token", "tok-x", NULL };
  g_autoptr (Reply) r = NULL;
  gint64 deadline;

  r = ec_call (e, "GET", "/v1/subscribers", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 401);
  g_assert_cmpstr (reply_error_code (r), ==, "COM0002");
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/v1/subscribers", NULL, bad);
  g_assert_cmpuint (r->status, ==, 401);
  g_clear_pointer (&r, reply_free);
  /* wrong credentials, missing ones, mistyped timeout */
  r = ec_call (e, "POST", "/v1/auth", "{\"authKeyId\":\"" EC_AUTH_KEY_ID "\",\"authKey\":\"no\"}",
               NULL);
  g_assert_cmpuint (r->status, ==, 401);
  g_assert_nonnull (reply_error_code (r));
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "POST", "/v1/auth", "{\"authKeyId\":\"" EC_AUTH_KEY_ID "\"}", NULL);
  g_assert_cmpuint (r->status, ==, 400);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "POST", "/v1/auth", "{\"authKeyId\":42,\"authKey\":\"x\"}", NULL);
  g_assert_cmpuint (r->status, ==, 400);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "POST", "/v1/auth",
               "{\"authKeyId\":\"" EC_AUTH_KEY_ID "\",\"authKey\":\"" EC_AUTH_KEY
               "\",\"tokenTimeoutSeconds\":\"60\"}",
               NULL);
  g_assert_cmpuint (r->status, ==, 400);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "POST", "/v1/auth",
               "{\"authKeyId\":\"" EC_AUTH_KEY_ID "\",\"authKey\":\"" EC_AUTH_KEY
               "\",\"tokenTimeoutSeconds\":172801}",
               NULL);
  g_assert_cmpuint (r->status, ==, 400);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/v1/auth", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 405);
  g_clear_pointer (&r, reply_free);
  /* email + password of the default operator */
  r = ec_call (e, "POST", "/v1/auth",
               "{\"email\":\"operator@emulator.invalid\",\"password\":\"emulator-password\"}",
               NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);

  /* a token of 1 s works, then expires (401 COM0003) */
  r = ec_call (e, "POST", "/v1/auth",
               "{\"authKeyId\":\"" EC_AUTH_KEY_ID "\",\"authKey\":\"" EC_AUTH_KEY
               "\",\"tokenTimeoutSeconds\":1}",
               NULL);
  g_assert_cmpuint (r->status, ==, 200);
  e->api_key = g_strdup (reply_str (r, "apiKey"));
  e->token = g_strdup (reply_str (r, "token"));
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/subscribers/%s", imsi);
  g_assert_cmpuint (r->status, ==, 200);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (r->status == 200 && g_get_monotonic_time () < deadline) {
    g_clear_pointer (&r, reply_free);
    g_usleep (100 * 1000);
    r = ec_callf (e, "GET", NULL, "/v1/subscribers/%s", imsi);
  }
  g_assert_cmpuint (r->status, ==, 401);
  g_assert_cmpstr (reply_error_code (r), ==, "COM0003");
  ec_stop (e);
}

static void
test_errors (void)
{
  Emu *e = ec_start (NULL);
  g_autofree char *imsi = ec_seed_imsi (e, 1);
  static const struct {
    const char *method, *path_fmt, *body; /* @ stands for the IMSI */
    guint status;
  } cases[] = {
    { "GET", "/v1/subscribers/999999999999999", NULL, 404 },
    { "POST", "/v1/subscribers/999999999999999/activate", NULL, 404 },
    { "GET", "/v1/nothing-here", NULL, 404 },
    { "GET", "/v1/subscribers/@/nothing", NULL, 404 },
    { "DELETE", "/v1/subscribers/@", NULL, 405 },
    { "GET", "/v1/subscribers/@/activate", NULL, 405 },
    { "POST", "/v1/subscribers/@/tags", "[]", 405 },
    { "PUT", "/v1/subscribers", NULL, 405 },
    { "PUT", "/v1/subscribers/@/tags", "{\"tagName\":\"a\",\"tagValue\":\"b\"}", 400 },
    { "PUT", "/v1/subscribers/@/tags", "[{\"tagName\":\"a\"}]", 400 },
    { "PUT", "/v1/subscribers/@/tags", "[{\"tagName\":1,\"tagValue\":\"b\"}]", 400 },
    { "PUT", "/v1/subscribers/@/tags", "[{\"tagName\":\"a\",\"tagValue\":true}]", 400 },
    { "PUT", "/v1/subscribers/@/tags", "not json", 400 },
    { "PUT", "/v1/subscribers/@/tags", NULL, 400 },
    { "POST", "/v1/subscribers/@/set_group", "{}", 400 },
    { "POST", "/v1/subscribers/@/set_group", "{\"groupId\":5}", 400 },
    { "POST", "/v1/subscribers/@/set_imei_lock", "{\"imei\":\"12345\"}", 400 },
    { "POST", "/v1/subscribers/@/set_imei_lock", "{\"imei\":123456789012345}", 400 },
    { "POST", "/v1/subscribers/@/set_imei_lock", "[]", 400 },
    { "POST", "/v1/subscribers/@/unset_group", NULL, 404 },
    { "DELETE", "/v1/subscribers/@/tags/none", NULL, 404 },
    { "GET", "/v1/subscribers?limit=0", NULL, 400 },
    { "GET", "/v1/subscribers?limit=101", NULL, 400 },
    { "GET", "/v1/subscribers?limit=ten", NULL, 400 },
    { "GET", "/v1/subscribers?tag_name=a", NULL, 400 },
    { "GET", "/v1/subscribers?tag_name=a&tag_value=b&tag_value_match_mode=fuzzy", NULL, 400 },
    { "GET", "/v1/subscribers?status_filter=ready%7Cbogus", NULL, 400 },
    { "POST", "/v1/orders", "{\"orderItemList\":[]}", 400 },
    { "POST", "/v1/orders", "{\"orderItemList\":[{\"productCode\":\"x\",\"quantity\":\"2\"}]}",
      400 },
    { "POST", "/v1/orders", "{\"orderItemList\":[{\"quantity\":2}]}", 400 },
    { "GET", "/v1/orders/nope", NULL, 404 },
    { "PUT", "/v1/orders/nope/confirm", NULL, 404 },
    { "POST", "/v1/sandbox/orders/ship", "{\"orderId\":\"x\"}", 400 },
    { "POST", "/v1/sandbox/subscribers/create", "{\"subscription\":\"plan-Z\"}", 400 },
  };

  ec_auth (e);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_auto (GStrv) parts = g_strsplit (cases[i].path_fmt, "@", 2);
    g_autofree char *path = g_strjoinv (imsi, parts);
    g_autoptr (Reply) r = ec_call (e, cases[i].method, path, cases[i].body, NULL);
    g_test_message ("%s %s -> %u %s", cases[i].method, path, r->status, r->body);
    g_assert_cmpuint (r->status, ==, cases[i].status);
    /* every error is {"code":"...","message":"..."} */
    g_assert_nonnull (reply_error_code (r));
    if (r->status == 405)
      g_assert_nonnull (soup_message_headers_get_one (r->headers, "Allow"));
  }
  /* nothing changed */
  assert_status (e, imsi, "ready");
  ec_stop (e);
}

static void
test_status_rules (void)
{
  Emu *e = ec_start (NULL);
  g_autofree char *a = ec_seed_imsi (e, 0), *b = ec_seed_imsi (e, 1), *c = ec_seed_imsi (e, 2);
  g_autofree char *d = ec_seed_imsi (e, 3), *f = ec_seed_imsi (e, 4);
  g_autoptr (Reply) r = NULL;

  ec_auth (e);
  /* ready -> standby directly (offline) */
  g_assert_cmpuint (post_status (e, a, "set_to_standby"), ==, 200);
  assert_status (e, a, "standby");
  g_assert_cmpuint (post_status (e, a, "set_to_standby"), ==, 400); /* not from standby */
  /* first traffic: standby -> active */
  r = ec_air (e, "POST", "/air/attach", a, IMEI_A, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  assert_status (e, a, "active");
  g_assert_true (ec_online (e, a));
  /* first traffic: ready -> active; never back to ready */
  r = ec_air (e, "GET", "/metadata/v1/subscriber", b, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  assert_status (e, b, "active");
  /* inactive / suspended: traffic refused (403) and nothing changes */
  g_assert_cmpuint (post_status (e, c, "deactivate"), ==, 200);
  assert_status (e, c, "inactive");
  r = ec_air (e, "POST", "/air/attach", c, IMEI_A, NULL);
  g_assert_cmpuint (r->status, ==, 403);
  g_clear_pointer (&r, reply_free);
  assert_status (e, c, "inactive");
  g_assert_false (ec_online (e, c));
  g_assert_cmpuint (post_status (e, c, "set_to_standby"), ==, 200); /* from inactive */
  assert_status (e, c, "standby");
  g_assert_cmpuint (post_status (e, d, "suspend"), ==, 200);
  r = ec_air (e, "POST", "/beam/x", d, IMEI_A, "{}");
  g_assert_cmpuint (r->status, ==, 403);
  g_clear_pointer (&r, reply_free);
  assert_status (e, d, "suspended");
  g_assert_cmpuint (post_status (e, d, "set_to_standby"), ==, 200); /* from suspended */
  g_assert_cmpuint (post_status (e, d, "activate"), ==, 200);
  assert_status (e, d, "active");
  /* terminated is final; termination must be enabled first */
  g_assert_cmpuint (post_status (e, f, "terminate"), ==, 400);
  assert_status (e, f, "ready");
  g_assert_cmpuint (post_status (e, f, "enable_termination"), ==, 200);
  g_assert_cmpuint (post_status (e, f, "terminate"), ==, 200);
  assert_status (e, f, "terminated");
  g_assert_cmpuint (post_status (e, f, "activate"), ==, 400);
  g_assert_cmpuint (post_status (e, f, "set_to_standby"), ==, 400);
  g_assert_cmpuint (post_status (e, f, "deactivate"), ==, 400);
  r = ec_air (e, "POST", "/air/attach", f, IMEI_A, NULL);
  g_assert_cmpuint (r->status, ==, 403);
  g_clear_pointer (&r, reply_free);
  assert_status (e, f, "terminated");
  /* unknown SIM on the air side */
  r = ec_air (e, "POST", "/air/attach", "440109999999999", IMEI_A, NULL);
  g_assert_cmpuint (r->status, ==, 403);
  ec_stop (e);
}

static void
test_test_mode (void)
{
  const char *args[] = { "--test-mode", NULL };
  Emu *e = ec_start (args);
  g_autofree char *a = ec_seed_imsi (e, 0);
  g_autoptr (Reply) r = NULL;

  ec_auth (e);
  r = ec_air (e, "POST", "/air/attach", a, IMEI_A, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  assert_status (e, a, "testing");
  r = ec_air (e, "POST", "/air/detach", a, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 204);
  g_clear_pointer (&r, reply_free);
  assert_status (e, a, "testing");
  g_assert_cmpuint (post_status (e, a, "set_to_standby"), ==, 200); /* from testing */
  r = ec_air (e, "POST", "/air/attach", a, IMEI_A, NULL);
  g_clear_pointer (&r, reply_free);
  assert_status (e, a, "active"); /* standby -> active, not testing */
  ec_stop (e);
}

static void
test_standby_online (void)
{
  Emu *e = ec_start (NULL);
  g_autofree char *a = ec_seed_imsi (e, 0), *b = ec_seed_imsi (e, 1);
  g_autoptr (Reply) r = NULL;
  g_autoptr (Reply) st = NULL;
  JsonObject *calls;

  ec_auth (e);
  r = ec_air (e, "POST", "/air/attach", a, IMEI_A, NULL);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "POST", NULL, "/v1/subscribers/%s/set_to_standby", a);
  g_assert_cmpuint (r->status, ==, 400);
  g_assert_cmpstr (reply_error_code (r), ==, "SEM0021");
  g_clear_pointer (&r, reply_free);
  assert_status (e, a, "active");
  /* radio off: the session ends, the status stays */
  r = ec_air (e, "POST", "/air/detach", a, IMEI_A, NULL);
  g_assert_cmpuint (r->status, ==, 204);
  g_clear_pointer (&r, reply_free);
  g_assert_false (ec_online (e, a));
  assert_status (e, a, "active");
  g_assert_cmpuint (post_status (e, a, "set_to_standby"), ==, 200);
  assert_status (e, a, "standby");

  /* delete_session instead of a detach */
  r = ec_air (e, "POST", "/air/attach", b, IMEI_B, NULL);
  g_clear_pointer (&r, reply_free);
  g_assert_cmpuint (post_status (e, b, "set_to_standby"), ==, 400);
  r = ec_callf (e, "POST", NULL, "/v1/subscribers/%s/delete_session", b);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_false (json_object_get_boolean_member (
      json_object_get_object_member (reply_object (r), "sessionStatus"), "online"));
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (reply_object (r), "previousSession"), "imei"),
                   ==, IMEI_B);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "POST", NULL, "/v1/subscribers/%s/delete_session", b);
  g_assert_cmpuint (r->status, ==, 400); /* offline now */
  g_assert_cmpstr (reply_error_code (r), ==, "SEM0016");
  g_clear_pointer (&r, reply_free);
  g_assert_cmpuint (post_status (e, b, "set_to_standby"), ==, 200);

  /* calls count successful mutating calls only */
  st = ec_call (e, "GET", "/_emulator/state", NULL, NULL);
  calls = json_object_get_object_member (reply_object (st), "calls");
  g_assert_cmpint (json_object_get_int_member (
                       json_object_get_object_member (calls, "setSubscriberToStandby"), a),
                   ==, 1);
  g_assert_cmpint (json_object_get_int_member (
                       json_object_get_object_member (calls, "deleteSubscriberSession"), b),
                   ==, 1);
  ec_stop (e);
}

/* SORACOM's plans and standby: plan01s, plan01s-low_data_volume, planX3,
 * planP1 take it; plan-D, plan-K, plan-DU, plan-KM1 refuse it (400
 * SEM0022) and the SIM stays as it was. */
static void
test_plan_without_standby (void)
{
  static const struct {
    const char *plan;
    gboolean standby;
  } plans[] = {
    { "plan01s", TRUE },  { "plan01s-low_data_volume", TRUE },
    { "planX3", TRUE },   { "planP1", TRUE },
    { "plan-D", FALSE },  { "plan-K", FALSE },
    { "plan-DU", FALSE }, { "plan-KM1", FALSE },
  };
  Emu *e = ec_start (NULL);

  ec_auth (e);
  for (guint i = 0; i < G_N_ELEMENTS (plans); i++) {
    g_autofree char *extra = g_strdup_printf (",\"subscription\":\"%s\"", plans[i].plan);
    g_autofree char *imsi = ec_insert (e, 7 + i, extra);
    g_autoptr (Reply) r = ec_callf (e, "POST", NULL, "/v1/subscribers/%s/set_to_standby", imsi);

    g_test_message ("%s: set_to_standby %u", plans[i].plan, r->status);
    if (plans[i].standby) {
      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpstr (reply_str (r, "subscription"), ==, plans[i].plan);
      assert_status (e, imsi, "standby");
    } else {
      g_assert_cmpuint (r->status, ==, 400);
      g_assert_cmpstr (reply_error_code (r), ==, "SEM0022");
      assert_status (e, imsi, "ready");
    }
  }
  ec_stop (e);
}

static void
test_imei_lock (void)
{
  Emu *e = ec_start (NULL);
  g_autofree char *a = ec_seed_imsi (e, 0), *b = ec_seed_imsi (e, 1);
  g_autoptr (Reply) r = NULL;

  ec_auth (e);
  r = ec_callf (e, "POST", "{\"imei\":\"" IMEI_A "\"}", "/v1/subscribers/%s/set_imei_lock", a);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (reply_object (r), "imeiLock"), "imei"),
                   ==, IMEI_A);
  g_clear_pointer (&r, reply_free);
  /* another IMEI, or none: refused, nothing changes */
  r = ec_air (e, "POST", "/air/attach", a, IMEI_B, NULL);
  g_assert_cmpuint (r->status, ==, 403);
  g_clear_pointer (&r, reply_free);
  r = ec_air (e, "POST", "/air/attach", a, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 403);
  g_clear_pointer (&r, reply_free);
  assert_status (e, a, "ready");
  g_assert_false (ec_online (e, a));
  r = ec_air (e, "POST", "/air/attach", a, IMEI_A, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  assert_status (e, a, "active");
  /* IMEI|ANONYMOUS admits a device without IMEI */
  r = ec_callf (e, "POST", "{\"imei\":\"" IMEI_A "|ANONYMOUS\"}",
                "/v1/subscribers/%s/set_imei_lock", a);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  r = ec_air (e, "POST", "/air/attach", a, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  g_assert_cmpuint (post_status (e, a, "unset_imei_lock"), ==, 200);
  r = ec_air (e, "POST", "/air/attach", a, IMEI_B, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);

  /* an empty body locks to the session's IMEI, only while online */
  r = ec_callf (e, "POST", NULL, "/v1/subscribers/%s/set_imei_lock", b);
  g_assert_cmpuint (r->status, ==, 400);
  g_assert_cmpstr (reply_error_code (r), ==, "SEM0016");
  g_clear_pointer (&r, reply_free);
  r = ec_air (e, "POST", "/air/attach", b, IMEI_B, NULL);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "POST", "{}", "/v1/subscribers/%s/set_imei_lock", b);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (reply_object (r), "imeiLock"), "imei"),
                   ==, IMEI_B);
  ec_stop (e);
}

static void
test_tags_groups (void)
{
  Emu *e = ec_start (NULL);
  g_autofree char *a = ec_seed_imsi (e, 0);
  g_autofree char *group = NULL, *body = NULL;
  g_autoptr (Reply) r = NULL;
  JsonObject *tags;

  ec_auth (e);
  r = ec_callf (e, "PUT",
                "[{\"tagName\":\"device_id\",\"tagValue\":\"DEV-1\"},"
                "{\"tagName\":\"a/b c%\",\"tagValue\":\"x\"},"
                "{\"tagName\":\"名前\",\"tagValue\":\"値\"}]",
                "/v1/subscribers/%s/tags", a);
  g_assert_cmpuint (r->status, ==, 200);
  tags = json_object_get_object_member (reply_object (r), "tags");
  g_assert_cmpstr (json_object_get_string_member (tags, "device_id"), ==, "DEV-1");
  g_assert_cmpstr (json_object_get_string_member (tags, "名前"), ==, "値");
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "DELETE", NULL, "/v1/subscribers/%s/tags/a%%2Fb%%20c%%25", a);
  g_assert_cmpuint (r->status, ==, 204);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "DELETE", NULL, "/v1/subscribers/%s/tags/%%E5%%90%%8D%%E5%%89%%8D", a);
  g_assert_cmpuint (r->status, ==, 204);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "DELETE", NULL, "/v1/subscribers/%s/tags/a%%2Fb%%20c%%25", a);
  g_assert_cmpuint (r->status, ==, 404);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "GET", NULL, "/v1/subscribers/%s", a);
  tags = json_object_get_object_member (reply_object (r), "tags");
  g_assert_cmpuint (json_object_get_size (tags), ==, 1);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "POST", "/v1/groups", "{\"tags\":{\"name\":\"grp\"}}", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  group = g_strdup (reply_str (r, "groupId"));
  body = g_strdup_printf ("{\"groupId\":\"%s\"}", group);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "POST", body, "/v1/subscribers/%s/set_group", a);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (reply_str (r, "groupId"), ==, group);
  g_clear_pointer (&r, reply_free);
  r = ec_callf (e, "POST", NULL, "/v1/subscribers/%s/unset_group", a);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_null (reply_str (r, "groupId"));
  ec_stop (e);
}

/* Follows x-soracom-next-key from @query; returns the IMSIs in order and
 * counts pages shorter than the limit that still had a next key. */
static GPtrArray *
list_all (Emu *e, const char *query, int limit, guint *short_pages)
{
  GPtrArray *imsis = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *key = NULL;

  *short_pages = 0;
  for (guint page = 0; page < 100; page++) {
    g_autoptr (Reply) r = ec_callf (e, "GET", NULL, "/v1/subscribers?limit=%d%s%s%s", limit, query,
                                    key ? "&last_evaluated_key=" : "", key ? key : "");
    const char *next;
    JsonArray *a;
    g_assert_cmpuint (r->status, ==, 200);
    a = reply_array (r);
    g_assert_cmpuint (json_array_get_length (a), <=, (guint)limit);
    for (guint i = 0; i < json_array_get_length (a); i++)
      g_ptr_array_add (imsis, g_strdup (json_object_get_string_member (
                                  json_array_get_object_element (a, i), "imsi")));
    next = soup_message_headers_get_one (r->headers, "x-soracom-next-key");
    if (next == NULL)
      return imsis;
    if (json_array_get_length (a) < (guint)limit)
      (*short_pages)++;
    g_free (key);
    key = g_strdup (next);
  }
  g_assert_not_reached ();
}

static void
test_pagination (void)
{
  Emu *e = ec_start (NULL);
  GString *body = g_string_new ("{\"subscribers\":[");
  g_autoptr (Reply) r = NULL;
  g_autoptr (GPtrArray) all = NULL, lot_a = NULL, prefixed = NULL, parked = NULL;
  guint shorts = 0;

  for (guint i = 0; i < 250; i++) {
    g_autofree char *iccid = g_strdup_printf ("898110%012u", 500000 + i);
    g_string_append_printf (body,
                            "%s{\"imsi\":\"4401000000%05u\",\"iccid\":\"%s%c\",\"status\":\"%s\","
                            "\"tags\":{\"lot\":\"%c\",\"batch\":\"B-%04u\"}}",
                            i ? "," : "", i, iccid, identity_luhn_digit (iccid),
                            i % 5 == 0 ? "standby" : "ready", 'A' + (i % 3), i / 10);
  }
  g_string_append (body, "]}");
  r = ec_call (e, "POST", "/_emulator/subscribers", body->str, NULL);
  g_string_free (body, TRUE);
  g_assert_cmpuint (r->status, ==, 200);
  ec_auth (e);

  all = list_all (e, "", 100, &shorts);
  g_assert_cmpuint (all->len, ==, 270); /* 250 + 20 seeded */
  for (guint i = 1; i < all->len; i++)
    g_assert_cmpstr (all->pdata[i - 1], <, all->pdata[i]);
  lot_a = list_all (e, "&tag_name=lot&tag_value=A", 37, &shorts);
  g_assert_cmpuint (lot_a->len, ==, 84); /* i % 3 == 0 for i < 250 */
  g_assert_cmpuint (shorts, >, 0);       /* filtered pages may be short with a next key */
  prefixed
      = list_all (e, "&tag_name=batch&tag_value=B-001&tag_value_match_mode=prefix", 50, &shorts);
  g_assert_cmpuint (prefixed->len, ==, 100); /* B-0010 .. B-0019 */
  parked = list_all (e, "&status_filter=standby%7Cactive", 100, &shorts);
  g_assert_cmpuint (parked->len, ==, 50);
  ec_stop (e);
}

static void
test_faults (void)
{
  Emu *e = ec_start (NULL);
  g_autofree char *a = ec_seed_imsi (e, 0);
  g_autoptr (Reply) r = NULL;
  gint64 t0;

  ec_auth (e);
  r = ec_call (e, "POST", "/_emulator/fault", "{\"status\":503,\"count\":2}", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  /* controls are never faulted */
  r = ec_call (e, "GET", "/_emulator/state", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  for (guint i = 0; i < 2; i++) {
    r = ec_callf (e, "POST", NULL, "/v1/subscribers/%s/set_to_standby", a);
    g_assert_cmpuint (r->status, ==, 503);
    g_assert_nonnull (reply_error_code (r));
    g_clear_pointer (&r, reply_free);
  }
  assert_status (e, a, "ready"); /* the faulted calls did nothing */
  /* a path filter */
  r = ec_call (e, "POST", "/_emulator/fault", "{\"status\":500,\"count\":1,\"path\":\"/orders\"}",
               NULL);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/v1/subscribers", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/v1/orders", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 500);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/v1/orders", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  /* 429 with the rate-limit headers */
  r = ec_call (e, "POST", "/_emulator/fault", "{\"status\":429,\"count\":1}", NULL);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "GET", "/v1/subscribers", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 429);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Soracom-Ratelimit-Remaining"), ==,
                   "0");
  g_clear_pointer (&r, reply_free);
  /* a stall: the answer comes after the delay, then the call is done */
  r = ec_call (e, "POST", "/_emulator/fault", "{\"delay_ms\":300,\"count\":1}", NULL);
  g_clear_pointer (&r, reply_free);
  t0 = g_get_monotonic_time ();
  r = ec_callf (e, "POST", NULL, "/v1/subscribers/%s/set_to_standby", a);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 300 * 1000);
  g_clear_pointer (&r, reply_free);
  assert_status (e, a, "standby");
  /* malformed fault requests */
  r = ec_call (e, "POST", "/_emulator/fault", "{\"status\":404,\"count\":1}", NULL);
  g_assert_cmpuint (r->status, ==, 400);
  g_clear_pointer (&r, reply_free);
  r = ec_call (e, "POST", "/_emulator/fault", "{\"count\":1}", NULL);
  g_assert_cmpuint (r->status, ==, 400);
  ec_stop (e);
}

static void
test_rate_limit (void)
{
  const char *args[] = { "--rate-limit", "5/60s", NULL };
  Emu *e = ec_start (args);
  g_autoptr (Reply) r = NULL;

  ec_auth (e); /* call 1 */
  for (guint i = 2; i <= 5; i++) {
    g_autofree char *left = g_strdup_printf ("%u", 5 - i);
    r = ec_call (e, "GET", "/v1/subscribers?limit=1", NULL, NULL);
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Soracom-Ratelimit-Limit"), ==,
                     "5");
    g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Soracom-Ratelimit-Remaining"), ==,
                     left);
    g_assert_nonnull (
        soup_message_headers_get_one (r->headers, "X-Soracom-Ratelimit-Seconds-Before-Refresh"));
    g_clear_pointer (&r, reply_free);
  }
  r = ec_call (e, "GET", "/v1/subscribers?limit=1", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 429);
  g_assert_cmpstr (reply_error_code (r), ==, "COM0009");
  g_assert_cmpint (atoi (soup_message_headers_get_one (
                       r->headers, "X-Soracom-Ratelimit-Seconds-Before-Refresh")),
                   >=, 1);
  g_clear_pointer (&r, reply_free);
  /* controls are never rate-limited */
  r = ec_call (e, "GET", "/_emulator/state", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  ec_stop (e);
}

static void
test_state_file (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "emu.json", NULL);
  const char *args[] = { "--state", path, NULL };
  Emu *e = ec_start (args);
  g_autofree char *a = ec_seed_imsi (e, 0);
  g_autofree char *mine = ec_insert (e, 42, ",\"tags\":{\"k\":\"v\"}");
  g_autoptr (Reply) r = NULL;
  g_autoptr (JsonParser) p = json_parser_new ();

  ec_auth (e);
  g_assert_cmpuint (post_status (e, a, "set_to_standby"), ==, 200);
  r = ec_air (e, "POST", "/air/attach", mine, IMEI_A, NULL);
  g_clear_pointer (&r, reply_free);
  /* the file is complete JSON after each change */
  g_assert_true (json_parser_load_from_file (p, path, NULL));
  ec_stop (e);

  e = ec_start (args);
  ec_auth (e); /* tokens do not survive a restart, SIMs do */
  assert_status (e, a, "standby");
  assert_status (e, mine, "active");
  r = ec_callf (e, "GET", NULL, "/v1/subscribers/%s", mine);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (reply_object (r), "tags"), "k"),
      ==, "v");
  g_clear_pointer (&r, reply_free);
  /* reset returns to the seeded start state (and writes it) */
  r = ec_call (e, "POST", "/_emulator/reset", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_clear_pointer (&r, reply_free);
  ec_auth (e);
  assert_status (e, a, "ready");
  r = ec_callf (e, "GET", NULL, "/v1/subscribers/%s", mine);
  g_assert_cmpuint (r->status, ==, 404);
  ec_stop (e);
}

static void
test_seed (void)
{
  const char *seven[] = { "--seed", "7", NULL };
  Emu *e1 = ec_start (NULL), *e2 = ec_start (NULL), *e3 = ec_start (seven);
  g_autoptr (Reply) s1 = ec_call (e1, "GET", "/_emulator/state", NULL, NULL);
  g_autoptr (Reply) s2 = ec_call (e2, "GET", "/_emulator/state", NULL, NULL);
  JsonArray *a1 = json_object_get_array_member (reply_object (s1), "subscribers");
  JsonArray *a2 = json_object_get_array_member (reply_object (s2), "subscribers");
  g_autofree char *other = ec_seed_imsi (e3, 0);

  g_assert_cmpuint (json_array_get_length (a1), ==, 20);
  g_assert_cmpuint (json_array_get_length (a2), ==, 20);
  for (guint i = 0; i < 20; i++) {
    JsonObject *x = json_array_get_object_element (a1, i);
    JsonObject *y = json_array_get_object_element (a2, i);
    g_autoptr (GError) error = NULL;
    g_assert_cmpstr (json_object_get_string_member (x, "imsi"), ==,
                     json_object_get_string_member (y, "imsi"));
    g_assert_cmpstr (json_object_get_string_member (x, "iccid"), ==,
                     json_object_get_string_member (y, "iccid"));
    g_assert_cmpstr (json_object_get_string_member (x, "status"), ==, "ready");
    g_assert_true (identity_imsi_check (json_object_get_string_member (x, "imsi"), &error));
    g_assert_true (identity_iccid_check (json_object_get_string_member (x, "iccid"), &error));
    g_assert_cmpstr (json_object_get_string_member (x, "imsi"), !=, other);
  }
  ec_stop (e1);
  ec_stop (e2);
  ec_stop (e3);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/emulator/auth", test_auth);
  g_test_add_func ("/emulator/errors", test_errors);
  g_test_add_func ("/emulator/status-rules", test_status_rules);
  g_test_add_func ("/emulator/test-mode", test_test_mode);
  g_test_add_func ("/emulator/standby-online", test_standby_online);
  g_test_add_func ("/emulator/plan-without-standby", test_plan_without_standby);
  g_test_add_func ("/emulator/imei-lock", test_imei_lock);
  g_test_add_func ("/emulator/tags-groups", test_tags_groups);
  g_test_add_func ("/emulator/pagination", test_pagination);
  g_test_add_func ("/emulator/faults", test_faults);
  g_test_add_func ("/emulator/rate-limit", test_rate_limit);
  g_test_add_func ("/emulator/state-file", test_state_file);
  g_test_add_func ("/emulator/seed", test_seed);
  return g_test_run ();
}
