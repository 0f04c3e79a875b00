/* tests/test-cloud-emulator.c - the SORACOM API client, the cloud emulator,
 * the Beam registration receiver and the store tested together: the real
 * emulator program on a loopback port, the client pointed at its /v1, a
 * RegistryServer in-process as its Beam target, and station-cli batch
 * import as a process.  Auth and token renewal, pagination with filters,
 * tags with reserved and Japanese characters, IMEI lock against the air
 * side, standby refused while online, the sandbox order flow, and Beam
 * end to end; faults in test-cloud-emulator-faults.c. */
#define G_LOG_DOMAIN "test-cloud-emulator"

#include <glib/gstdio.h>
#include <string.h>

#include "drivers/identity.h"
#include "station/beam-signature.h"
#include "station/registry/registry.h"
#include "station/store/store-batch.h"
#include "station/store/store-registration.h"
#include "station/store/store.h"
#include "tests/cloud-emulator-fixture.h"

/* ---- auth ------------------------------------------------------------- */

/* The client's clock for token expiry: real time plus an offset, or frozen. */
static gint64 clock_offset_us;
static gint64 clock_frozen_at;

static gint64
test_clock (void)
{
  return clock_frozen_at != 0 ? clock_frozen_at : g_get_monotonic_time () + clock_offset_us;
}

static void
test_auth_and_renewal (Fixture *f, gconstpointer data)
{
  CloudClientOptions opts;
  GError *error = NULL;
  g_autofree char *url = NULL, *op = NULL;
  g_autofree char *imsi = ec_seed_imsi (f->emu, 0);
  g_autofree char *get = g_strdup_printf ("getSubscriber GET /subscribers/%s", imsi);
  g_autofree char *get_401 = g_strdup_printf ("%s 401 0 COM0003", get);
  g_autofree char *get_again = g_strdup_printf ("%s 200 1 -", get);
  gint64 deadline;
  gint at;

  /* the emulator's documented default pair */
  g_assert_true (cloud_client_authenticate (f->client, NULL, &error));
  g_assert_no_error (error);
  op = cloud_client_dup_operator_id (f->client);
  g_assert_cmpstr (op, ==, OPERATOR_ID);

  /* tokenTimeoutSeconds 1: the client renews before the token runs out */
  clock_offset_us = 0;
  clock_frozen_at = 0;
  options_for (f, &opts, &url);
  opts.token_timeout_s = 1;
  opts.clock = test_clock;
  client_open (f, &opts, TRUE);
  g_ptr_array_set_size (f->records, 0);
  cloud_subscriber_free (get_sub (f, imsi));
  g_assert_cmpuint (count_records (f, "auth POST /auth 200"), ==, 1);
  clock_offset_us += 2 * G_USEC_PER_SEC;
  cloud_subscriber_free (get_sub (f, imsi));
  g_assert_cmpuint (count_records (f, "auth POST /auth 200"), ==, 2);
  g_assert_cmpuint (count_records (f, get), ==, 2);

  /* a client that believes its token still valid (frozen clock) meets the
   * emulator's expiry: 401 COM0003, one renewal, and the call succeeds */
  clock_frozen_at = test_clock ();
  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (count_records (f, get_401) == 0 && g_get_monotonic_time () < deadline) {
    cloud_subscriber_free (get_sub (f, imsi));
    if (count_records (f, get_401) == 0)
      g_usleep (100000); /* polls the emulator's expiry, bounded by the deadline */
  }
  clock_frozen_at = 0;
  at = find_record (f, get_401);
  g_assert_cmpint (at, >=, 0);
  g_assert_cmpuint (count_records (f, "auth POST /auth 200"), ==, 3);
  g_assert_cmpuint ((guint)at + 2, <, f->records->len);
  g_assert_cmpstr (f->records->pdata[at + 1], ==, "auth POST /auth 200 0 -");
  g_assert_cmpstr (f->records->pdata[at + 2], ==, get_again);
}

/* ---- pagination ------------------------------------------------------- */

#define N_PAGED 250

static char *
paged_imsi (guint n)
{
  return g_strdup_printf ("44010%010u", 7000 + n);
}

/* Inserts N_PAGED SIMs: every 5th in standby, tag lot=L-even / L-odd. */
static void
insert_paged (Fixture *f)
{
  GString *body = g_string_new ("{\"subscribers\":[");

  for (guint n = 0; n < N_PAGED; n++) {
    g_autofree char *imsi = paged_imsi (n);
    g_autofree char *iccid18 = g_strdup_printf ("898110%012u", 7000 + n);

    g_string_append_printf (body,
                            "%s{\"imsi\":\"%s\",\"iccid\":\"%s%c\",\"status\":\"%s\","
                            "\"tags\":{\"lot\":\"L-%s\"}}",
                            n ? "," : "", imsi, iccid18, identity_luhn_digit (iccid18),
                            n % 5 == 0 ? "standby" : "ready", n % 2 == 0 ? "even" : "odd");
  }
  g_string_append (body, "]}");
  emu_post (f, "/_emulator/subscribers", body->str);
  g_string_free (body, TRUE);
}

static void
test_pagination (Fixture *f, gconstpointer data)
{
  CloudSubscriberFilter standby = { .status_filter = "standby" };
  CloudSubscriberFilter even_standby
      = { .tag_name = "lot", .tag_value = "L-even", .status_filter = "standby|active" };
  CloudSubscriberFilter prefix = { .tag_name = "lot", .tag_value = "L-", .tag_value_prefix = TRUE };
  g_autoptr (GPtrArray) all = NULL, sb = NULL, es = NULL, pre = NULL, page = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *next = NULL;
  GError *error = NULL;

  insert_paged (f);
  all = list_subs (f, NULL);
  g_assert_cmpuint (all->len, ==, N_PAGED + 20);
  for (guint i = 0; i < all->len; i++) {
    const CloudSubscriber *s = all->pdata[i];

    g_assert_true (g_hash_table_add (seen, s->imsi)); /* no SIM twice */
    if (i > 0)
      g_assert_cmpstr (((CloudSubscriber *)all->pdata[i - 1])->imsi, <, s->imsi);
  }
  g_assert_cmpuint (count_records (f, "listSubscribers GET /subscribers?limit=100 200"), ==, 1);
  g_assert_cmpuint (
      count_records (f, "listSubscribers GET /subscribers?limit=100&last_evaluated_key="), ==, 2);

  /* filtered: the emulator scans 100 SIMs per page then filters, so the
   * pages are short; the client follows the key through all of them */
  g_ptr_array_set_size (f->records, 0);
  sb = list_subs (f, &standby);
  g_assert_cmpuint (sb->len, ==, N_PAGED / 5);
  for (guint i = 0; i < sb->len; i++)
    g_assert_cmpstr (((CloudSubscriber *)sb->pdata[i])->status, ==, "standby");
  g_assert_cmpuint (count_records (f, "listSubscribers GET /subscribers?status_filter=standby"), ==,
                    3);

  es = list_subs (f, &even_standby);
  g_assert_cmpuint (es->len, ==, N_PAGED / 10);
  for (guint i = 0; i < es->len; i++) {
    const CloudSubscriber *s = es->pdata[i];

    g_assert_cmpstr (cloud_subscriber_get_tag (s, "lot"), ==, "L-even");
    g_assert_cmpstr (s->status, ==, "standby");
  }
  pre = list_subs (f, &prefix);
  g_assert_cmpuint (pre->len, ==, N_PAGED);

  /* one page at a time */
  page = cloud_client_list_subscribers_page (f->client, NULL, NULL, &next, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 100);
  g_assert_cmpstr (next, ==, ((CloudSubscriber *)page->pdata[99])->imsi);
}

/* ---- tags --------------------------------------------------------------- */

static const CloudTag odd_tags[] = {
  { "name with space", "value with space" },
  { "a/b", "c/d" },
  { "100%", "50%25" },
  { "what?", "why?" },
  { "#hash", "#v" },
  { "a&b=c", "x&y=z" },
  { "日本語", "値 テスト" },
  { "plus+sign", "1+1 = 2" },
};

static void
test_tags (Fixture *f, gconstpointer data)
{
  g_autofree char *imsi = ec_seed_imsi (f->emu, 4);
  g_autoptr (CloudSubscriber) put = NULL, back = NULL, after = NULL, device = NULL;
  g_autoptr (Reply) written = NULL;
  GError *error = NULL;

  put = cloud_client_put_subscriber_tags (f->client, imsi, odd_tags, G_N_ELEMENTS (odd_tags), NULL,
                                          &error);
  g_assert_no_error (error);
  back = get_sub (f, imsi);
  g_assert_cmpuint (g_hash_table_size (back->tags), ==, G_N_ELEMENTS (odd_tags));
  for (gsize i = 0; i < G_N_ELEMENTS (odd_tags); i++) {
    g_assert_cmpstr (cloud_subscriber_get_tag (put, odd_tags[i].name), ==, odd_tags[i].value);
    g_assert_cmpstr (cloud_subscriber_get_tag (back, odd_tags[i].name), ==, odd_tags[i].value);
  }

  /* the names and values travel as query parameters too */
  for (gsize i = 0; i < G_N_ELEMENTS (odd_tags); i++) {
    CloudSubscriberFilter by_tag = { .tag_name = odd_tags[i].name, .tag_value = odd_tags[i].value };
    g_autoptr (GPtrArray) found = list_subs (f, &by_tag);

    g_assert_cmpuint (found->len, ==, 1);
    g_assert_cmpstr (((CloudSubscriber *)found->pdata[0])->imsi, ==, imsi);
  }

  for (gsize i = 0; i < G_N_ELEMENTS (odd_tags); i++) {
    g_assert_true (
        cloud_client_delete_subscriber_tag (f->client, imsi, odd_tags[i].name, NULL, &error));
    g_assert_no_error (error);
  }
  after = get_sub (f, imsi);
  g_assert_cmpuint (g_hash_table_size (after->tags), ==, 0);
  g_assert_cmpint (emu_calls (f, "deleteSubscriberTag", imsi), ==, G_N_ELEMENTS (odd_tags));

  /* a tag that is not there: 404 with the SORACOM code */
  g_assert_false (cloud_client_delete_subscriber_tag (f->client, imsi, "a/b", NULL, &error));
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_NOT_FOUND);
  g_assert_cmpuint (station_cloud_error_get_http_status (error), ==, 404);
  g_assert_nonnull (station_cloud_error_get_api_code (error));
  g_clear_error (&error);

  /* the device records its self-test through the metadata service (its own
   * SIM's session); the client reads the tag back */
  written = ec_air (f->emu, "PUT", "/metadata/v1/subscriber/tags", imsi, IMEI_A,
                    "[{\"tagName\":\"自己診断\",\"tagValue\":\"合格 ok/1\"}]");
  g_assert_cmpuint (written->status, ==, 200);
  device = get_sub (f, imsi);
  g_assert_cmpstr (cloud_subscriber_get_tag (device, "自己診断"), ==, "合格 ok/1");
}

/* ---- IMEI lock and standby against the air side ------------------------ */

static void
test_imei_lock (Fixture *f, gconstpointer data)
{
  g_autofree char *imsi = ec_seed_imsi (f->emu, 5);
  g_autoptr (CloudSubscriber) locked = NULL, back = NULL, after_b = NULL, after_a = NULL;
  g_autoptr (Reply) from_b = NULL, from_a = NULL;
  GError *error = NULL;

  locked = cloud_client_set_imei_lock (f->client, imsi, IMEI_A, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (locked->imei_lock, ==, IMEI_A);
  back = get_sub (f, imsi);
  g_assert_cmpstr (back->imei_lock, ==, IMEI_A);

  /* another device with this SIM: refused, nothing changes */
  from_b = ec_air (f->emu, "POST", "/air/data", imsi, IMEI_B, "{}");
  g_assert_cmpuint (from_b->status, ==, 403);
  after_b = get_sub (f, imsi);
  g_assert_cmpstr (after_b->status, ==, "ready");
  g_assert_false (after_b->online);

  from_a = ec_air (f->emu, "POST", "/air/data", imsi, IMEI_A, "{}");
  g_assert_cmpuint (from_a->status, ==, 200);
  after_a = get_sub (f, imsi);
  g_assert_cmpstr (after_a->status, ==, "active");
  g_assert_true (after_a->online);
  g_assert_cmpstr (after_a->session_imei, ==, IMEI_A);
  g_assert_cmpint (emu_calls (f, "setImeiLock", imsi), ==, 1);
}

static void
test_standby_online (Fixture *f, gconstpointer data)
{
  g_autofree char *imsi = ec_seed_imsi (f->emu, 6);
  g_autoptr (CloudSubscriber) refused = NULL, offline = NULL, parked = NULL, back = NULL;
  g_autoptr (Reply) traffic = ec_air (f->emu, "POST", "/air/data", imsi, IMEI_A, "{}");
  GError *error = NULL;

  g_assert_cmpuint (traffic->status, ==, 200);
  refused = cloud_client_set_to_standby (f->client, imsi, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_BAD_REQUEST);
  g_assert_cmpuint (station_cloud_error_get_http_status (error), ==, 400);
  g_assert_cmpstr (station_cloud_error_get_api_code (error), ==, "SEM0021");
  g_assert_nonnull (strstr (error->message, "HTTP 400 SEM0021"));
  g_clear_error (&error);
  g_assert_cmpint (emu_calls (f, "setSubscriberToStandby", imsi), ==, 0);

  offline = cloud_client_delete_session (f->client, imsi, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (offline->online);
  parked = cloud_client_set_to_standby (f->client, imsi, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parked->status, ==, "standby");
  back = get_sub (f, imsi);
  g_assert_cmpint (back->status_code, ==, CLOUD_SIM_STATUS_STANDBY);
  g_assert_false (back->online);
}

/* ---- sandbox flow ------------------------------------------------------- */

static void
test_sandbox_flow (Fixture *f, gconstpointer data)
{
  const CloudOrderItem item = { "4573326590013", 5 };
  const CloudTag tag = { "station", "e2e" };
  CloudClientOptions opts;
  g_autofree char *url = NULL, *op = NULL, *op2 = NULL;
  g_autoptr (CloudOrder) quote = NULL, confirmed = NULL, shipped = NULL;
  g_autoptr (GPtrArray) ordered = NULL, before = NULL, after = NULL, orders = NULL;
  g_autoptr (CloudSandboxSubscriber) extra = NULL;
  g_autoptr (CloudSubscriber) joined = NULL;
  g_autoptr (GHashTable) want = g_hash_table_new (g_str_hash, g_str_equal);
  GError *error = NULL;

  /* a new sandbox operator, as on api-sandbox.soracom.io */
  options_for (f, &opts, &url);
  client_open (f, &opts, FALSE);
  g_assert_true (cloud_client_sandbox_init (f->client, "station-e2e@example.com", "pw-e2e-1234",
                                            "keyId-production", "secret-production", NULL, &op,
                                            NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (op);
  g_assert_cmpstr (op, !=, OPERATOR_ID);

  quote = cloud_client_create_quotation (f->client, &item, 1, "SA-E2E", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (quote->quantity, ==, 5);
  confirmed = cloud_client_confirm_order (f->client, quote->order_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (confirmed->order_id, ==, quote->order_id);
  g_assert_nonnull (confirmed->order_status);
  g_assert_true (cloud_client_sandbox_ship_order (f->client, quote->order_id, op, NULL, &error));
  g_assert_no_error (error);

  ordered = cloud_client_list_ordered_subscribers (f->client, quote->order_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ordered->len, ==, 5);
  for (guint i = 0; i < ordered->len; i++) {
    const CloudOrderedSubscriber *o = ordered->pdata[i];

    g_assert_true (identity_imsi_check (o->imsi, NULL));
    g_assert_true (identity_iccid_check (o->iccid, NULL));
    g_hash_table_add (want, o->imsi);
  }
  before = list_subs (f, NULL);
  g_assert_cmpuint (before->len, ==, 0); /* shipped, not yet registered */

  g_assert_true (cloud_client_register_ordered_sim (f->client, quote->order_id, NULL, &error));
  g_assert_no_error (error);
  after = list_subs (f, NULL);
  g_assert_cmpuint (after->len, ==, 5);
  for (guint i = 0; i < after->len; i++) {
    const CloudSubscriber *s = after->pdata[i];

    g_assert_true (g_hash_table_contains (want, s->imsi));
    g_assert_cmpint (s->status_code, ==, CLOUD_SIM_STATUS_READY);
    g_assert_cmpstr (s->operator_id, ==, op);
  }
  shipped = cloud_client_get_order (f->client, quote->order_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (shipped->order_status, ==, "shipped");
  orders = cloud_client_list_orders (f->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (orders->len, ==, 1);
  g_assert_cmpstr (((CloudOrder *)orders->pdata[0])->order_id, ==, quote->order_id);

  /* a sandbox-created SIM joins with its registration secret */
  extra = cloud_client_sandbox_create_subscriber (f->client, "plan01s", NULL, NULL, &error);
  g_assert_no_error (error);
  joined = cloud_client_register_subscriber (f->client, extra->imsi, extra->registration_secret,
                                             NULL, &tag, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cloud_subscriber_get_tag (joined, "station"), ==, "e2e");

  /* the session renews with the sandbox operator's email and password */
  g_assert_true (cloud_client_authenticate (f->client, NULL, &error));
  g_assert_no_error (error);
  op2 = cloud_client_dup_operator_id (f->client);
  g_assert_cmpstr (op2, ==, op);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = list_subs (f, NULL);
  g_assert_cmpuint (after->len, ==, 6);
}

/* ---- Beam end to end ---------------------------------------------------- */

#define BEAM_PSK "e2e-beam-psk-7f3a"

static void
test_beam_registry (void)
{
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "station.db", NULL);
  g_autofree char *psk_path = g_build_filename (dir, "beam.psk", NULL);
  g_autofree char *target = NULL, *forged_url = NULL, *imsi = NULL, *ts = NULL, *sig = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (Store) store = NULL;
  g_autoptr (GBytes) psk = NULL;
  g_autoptr (RegistryServer) server = NULL;
  g_autoptr (GPtrArray) regs = NULL, regs2 = NULL, regs3 = NULL, forged_regs = NULL;
  g_autoptr (Reply) beam = NULL, beam2 = NULL;
  g_autofree char *imsi2 = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) answer = NULL;
  RegistryOptions ropts = { 0 };
  const StoreRegistration *reg;
  BeamSignedHeaders wrong;
  SoupMessageHeaders *h;
  Emu *emu;

  store = store_open (db, STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (psk_path, BEAM_PSK "\n", -1, &error));
  g_assert_cmpint (g_chmod (psk_path, 0600), ==, 0);
  psk = registry_psk_load (psk_path, &error);
  g_assert_no_error (error);
  ropts.psk = psk;
  server = registry_server_new (store, &ropts);
  g_assert_true (registry_server_start (server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  target = registry_server_get_url (server);

  {
    const char *args[] = { "--beam-target", target, "--beam-psk", psk_path, NULL };
    emu = ec_start (args);
  }
  imsi = ec_seed_imsi (emu, 2);
  beam = ec_air (emu, "POST", "/beam/dev-42/register", imsi, IMEI_A, "{\"boot\":1}");
  g_assert_cmpuint (beam->status, ==, 200);
  g_assert_cmpstr (reply_str (beam, "result"), ==, "recorded");
  regs = store_registration_list_by_device (store, "DEV-42", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (regs->len, ==, 1);
  reg = regs->pdata[0];
  g_assert_cmpstr (reg->device_id, ==, "DEV-42");
  g_assert_cmpstr (reg->imsi, ==, imsi);
  g_assert_cmpstr (reg->imei, ==, IMEI_A);
  g_assert_cmpint (ABS (reg->timestamp - store_now_ms ()), <, 60000);

  /* a forged request straight to the receiver: refused, nothing recorded */
  ts = g_strdup_printf ("%" G_GINT64_FORMAT, store_now_ms ());
  wrong = (BeamSignedHeaders){ .imei = IMEI_B, .imsi = imsi, .timestamp = ts };
  sig = beam_signature_compute ("not-the-psk", strlen ("not-the-psk"), &wrong);
  forged_url = g_strconcat (target, "DEV-43/register", NULL);
  msg = soup_message_new ("POST", forged_url);
  h = soup_message_get_request_headers (msg);
  soup_message_headers_append (h, "x-soracom-imsi", imsi);
  soup_message_headers_append (h, "x-soracom-imei", IMEI_B);
  soup_message_headers_append (h, "x-soracom-timestamp", ts);
  soup_message_headers_append (h, "x-soracom-signature-version", BEAM_SIGNATURE_VERSION);
  soup_message_headers_append (h, "x-soracom-signature", sig);
  answer = soup_session_send_and_read (emu->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 403);
  forged_regs = store_registration_list_by_device (store, "DEV-43", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (forged_regs->len, ==, 0);
  regs2 = store_registration_list_by_imsi (store, imsi, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (regs2->len, ==, 1);

  /* a device that reports no IMEI: signed without the imei part, recorded
   * without an IMEI */
  imsi2 = ec_seed_imsi (emu, 3);
  beam2 = ec_air (emu, "POST", "/beam/DEV-44/register", imsi2, NULL, NULL);
  g_assert_cmpuint (beam2->status, ==, 200);
  regs3 = store_registration_list_by_device (store, "DEV-44", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (regs3->len, ==, 1);
  g_assert_cmpstr (((StoreRegistration *)regs3->pdata[0])->imsi, ==, imsi2);
  g_assert_null (((StoreRegistration *)regs3->pdata[0])->imei);

  ec_stop (emu);
  registry_server_stop (server);
}

/* ---- station-cli batch import against the emulator ---------------------- */

static void
test_cli_batch_import (Fixture *f, gconstpointer data)
{
  const CloudOrderItem item = { "4573326590013", 4 };
  g_autofree char *dir = tc_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "station.db", NULL);
  g_autofree char *cli = tc_build_path ("station/station-cli");
  g_autofree char *api = g_strconcat (f->emu->base, "/v1", NULL);
  g_autofree char *op = NULL, *out = NULL, *err = NULL;
  g_autoptr (CloudOrder) quote = NULL, confirmed = NULL;
  g_autoptr (GPtrArray) ordered = NULL, sims = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (Store) store = NULL;
  GError *error = NULL;
  JsonObject *summary;
  int rc;

  g_assert_true (cloud_client_authenticate (f->client, NULL, &error));
  op = cloud_client_dup_operator_id (f->client);
  quote = cloud_client_create_quotation (f->client, &item, 1, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  confirmed = cloud_client_confirm_order (f->client, quote->order_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cloud_client_sandbox_ship_order (f->client, quote->order_id, op, NULL, &error));
  g_assert_no_error (error);
  ordered = cloud_client_list_ordered_subscribers (f->client, quote->order_id, NULL, &error);
  g_assert_no_error (error);

  {
    const char *argv[]
        = { cli,          "--db",          db,          "batch", "import", "--batch", "B-E2E",
            "--order-id", quote->order_id, "--api-url", api,     NULL };

    g_setenv ("SORACOM_AUTH_KEY_ID", EC_AUTH_KEY_ID, TRUE);
    g_setenv ("SORACOM_AUTH_KEY", EC_AUTH_KEY, TRUE);
    rc = tc_run (argv, &out, &err, 30000);
    g_unsetenv ("SORACOM_AUTH_KEY_ID");
    g_unsetenv ("SORACOM_AUTH_KEY");
  }
  {
    /* only the endpoint banner (issue 14) on stderr */
    g_autofree char *banner = g_strdup_printf (
        "station-cli: batch import: TEST API %s (not the SORACOM production API)\n", api);
    g_assert_cmpstr (err, ==, banner);
  }
  g_assert_cmpint (rc, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  summary = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (summary, "batch"), ==, "B-E2E");
  g_assert_cmpstr (json_object_get_string_member (summary, "order_id"), ==, quote->order_id);
  g_assert_cmpint (json_object_get_int_member (summary, "sims"), ==, 4);

  store = store_open (db, STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  sims = store_batch_get_sims (store, "B-E2E", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sims->len, ==, ordered->len);
  for (guint i = 0; i < sims->len; i++) {
    const StoreSim *s = sims->pdata[i];
    gboolean found = FALSE;

    for (guint j = 0; j < ordered->len; j++) {
      const CloudOrderedSubscriber *o = ordered->pdata[j];

      if (g_strcmp0 (o->imsi, s->imsi) == 0) {
        found = TRUE;
        g_assert_cmpstr (s->iccid, ==, o->iccid);
      }
    }
    g_assert_true (found);
  }
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/cloud-emulator/auth-and-renewal", test_auth_and_renewal);
  ADD ("/cloud-emulator/pagination-250", test_pagination);
  ADD ("/cloud-emulator/tags-reserved-japanese", test_tags);
  ADD ("/cloud-emulator/imei-lock-air", test_imei_lock);
  ADD ("/cloud-emulator/standby-refused-online", test_standby_online);
  cloud_emulator_add_fault_tests ();
  ADD ("/cloud-emulator/sandbox-flow", test_sandbox_flow);
  g_test_add_func ("/cloud-emulator/beam-registry", test_beam_registry);
  ADD ("/cloud-emulator/cli-batch-import", test_cli_batch_import);
  return g_test_run ();
}
