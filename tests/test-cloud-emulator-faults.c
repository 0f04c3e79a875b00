/* tests/test-cloud-emulator-faults.c - the client under the emulator's
 * injected faults (429 storm, 500, stalls past the transfer timeout, lost
 * answers, dropped connections) and
 * its own rate limit; the emulator's call counts prove that no mutation
 * was carried out twice. */
#define G_LOG_DOMAIN "test-cloud-emulator"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/cloud-emulator-fixture.h"

/* The records of confirmOrder / getOrder of @order_id with @status. */
static guint
count_order_records (Fixture *f, const char *what, const char *order_id, guint status)
{
  g_autofree char *prefix
      = strcmp (what, "confirm") == 0
            ? g_strdup_printf ("confirmOrder PUT /orders/%s/confirm %u ", order_id, status)
            : g_strdup_printf ("getOrder GET /orders/%s %u ", order_id, status);

  return count_records (f, prefix);
}

static void
test_fault_429_500 (Fixture *f, gconstpointer data)
{
  g_autofree char *imsi = ec_seed_imsi (f->emu, 7);
  g_autofree char *get = g_strdup_printf ("getSubscriber GET /subscribers/%s", imsi);
  g_autofree char *get429 = g_strdup_printf ("%s 429", get);
  g_autofree char *get500 = g_strdup_printf ("%s 500", get);
  g_autofree char *get200 = g_strdup_printf ("%s 200", get);
  g_autofree char *put500
      = g_strdup_printf ("putSubscriberTags PUT /subscribers/%s/tags 500", imsi);
  g_autofree char *put200
      = g_strdup_printf ("putSubscriberTags PUT /subscribers/%s/tags 200", imsi);
  const CloudTag tag = { "batch", "B-1" };
  g_autoptr (CloudSubscriber) a = NULL, b = NULL, c = NULL;
  g_autoptr (CloudOrder) quote = NULL, confirmed = NULL;
  GError *error = NULL;
  gint64 t0;

  g_assert_true (cloud_client_authenticate (f->client, NULL, &error));
  g_assert_no_error (error);

  /* a 429 storm: each answer asks for 1 s; the client waits and succeeds
   * within its 20 s budget */
  emu_post (f, "/_emulator/fault", "{\"status\":429,\"count\":3}");
  t0 = g_get_monotonic_time ();
  a = cloud_client_get_subscriber (f->client, imsi, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->imsi, ==, imsi);
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 3 * G_USEC_PER_SEC - 100000);
  g_assert_cmpuint (count_records (f, get429), ==, 3);
  g_assert_cmpuint (count_records (f, get200), ==, 1);

  /* 500 twice, then the answer */
  emu_post (f, "/_emulator/fault", "{\"status\":500,\"count\":2}");
  b = cloud_client_get_subscriber (f->client, imsi, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_records (f, get500), ==, 2);
  g_assert_cmpuint (count_records (f, get200), ==, 2);

  /* a 500 on a mutation: read back (not done: the emulator refused it
   * before acting), then repeated once */
  emu_post (f, "/_emulator/fault", "{\"status\":500,\"count\":1,\"path\":\"/tags\"}");
  c = cloud_client_put_subscriber_tags (f->client, imsi, &tag, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cloud_subscriber_get_tag (c, "batch"), ==, "B-1");
  g_assert_cmpuint (count_records (f, put500), ==, 1);
  g_assert_cmpuint (count_records (f, put200), ==, 1);
  g_assert_cmpuint (count_records (f, get200), ==, 3);
  g_assert_cmpint (emu_calls (f, "putSubscriberTags", imsi), ==, 1);

  /* confirmOrder the same way: a quotation is not an order yet (getOrder
   * 404), so the confirmation is sent again, once */
  quote = quotation (f, 2);
  emu_post (f, "/_emulator/fault", "{\"status\":500,\"count\":1,\"path\":\"/confirm\"}");
  confirmed = cloud_client_confirm_order (f->client, quote->order_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (confirmed->order_status);
  g_assert_cmpuint (count_order_records (f, "confirm", quote->order_id, 500), ==, 1);
  g_assert_cmpuint (count_order_records (f, "get", quote->order_id, 404), ==, 1);
  g_assert_cmpuint (count_order_records (f, "confirm", quote->order_id, 200), ==, 1);
  g_assert_cmpint (emu_calls (f, "confirmOrder", quote->order_id), ==, 1);
}

/* The emulator's own rate limit (5 calls a second): an unpaced client meets
 * 429 COM0009 with X-Soracom-Ratelimit-Seconds-Before-Refresh, waits what it
 * says, and every call succeeds. */
static void
test_rate_limit (Fixture *f, gconstpointer data)
{
  g_autofree char *imsi = ec_seed_imsi (f->emu, 9);
  g_autofree char *get429 = g_strdup_printf ("getSubscriber GET /subscribers/%s 429 ", imsi);
  g_autofree char *get200 = g_strdup_printf ("getSubscriber GET /subscribers/%s 200 ", imsi);

  for (guint i = 0; i < 12; i++)
    cloud_subscriber_free (get_sub (f, imsi));
  g_assert_cmpuint (count_records (f, get200), ==, 12);
  g_assert_cmpuint (count_records (f, get429), >=, 1);
  g_assert_cmpuint (count_records (f, "auth POST /auth 200"), ==, 1);
}

/* A mutation the emulator stalls past the client's transfer timeout, then
 * carries out: the client reads the SIM back, finds the change there and
 * does not send it again (the emulator counts one call). */
static void
test_fault_delay_read_back (Fixture *f, gconstpointer data)
{
  CloudClientOptions opts;
  g_autofree char *url = NULL;
  g_autofree char *imsi = ec_seed_imsi (f->emu, 8);
  g_autofree char *lock0
      = g_strdup_printf ("setImeiLock POST /subscribers/%s/set_imei_lock 0", imsi);
  g_autofree char *lock_any
      = g_strdup_printf ("setImeiLock POST /subscribers/%s/set_imei_lock", imsi);
  g_autofree char *sb0
      = g_strdup_printf ("setSubscriberToStandby POST /subscribers/%s/set_to_standby 0", imsi);
  g_autofree char *sb_any
      = g_strdup_printf ("setSubscriberToStandby POST /subscribers/%s/set_to_standby", imsi);
  g_autofree char *get200 = g_strdup_printf ("getSubscriber GET /subscribers/%s 200", imsi);
  g_autoptr (CloudSubscriber) locked = NULL, parked = NULL;
  g_autoptr (CloudOrder) quote = NULL, confirmed = NULL;
  GError *error = NULL;

  /* timeout 250 ms < stall 600 ms < first retry wait (1-2 s) */
  options_for (f, &opts, &url);
  opts.timeout_ms = 250;
  opts.backoff_initial_ms = 2000;
  opts.backoff_max_ms = 2000;
  client_open (f, &opts, TRUE);
  g_assert_true (cloud_client_authenticate (f->client, NULL, &error));
  g_assert_no_error (error);

  emu_post (f, "/_emulator/fault", "{\"delay_ms\":600,\"count\":1,\"path\":\"set_imei_lock\"}");
  locked = cloud_client_set_imei_lock (f->client, imsi, IMEI_A, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (locked->imei_lock, ==, IMEI_A);
  g_assert_cmpuint (count_records (f, lock0), ==, 1);
  g_assert_cmpuint (count_records (f, lock_any), ==, 1);
  g_assert_cmpuint (count_records (f, get200), ==, 1);
  g_assert_cmpint (emu_calls (f, "setImeiLock", imsi), ==, 1);

  emu_post (f, "/_emulator/fault", "{\"delay_ms\":600,\"count\":1}");
  parked = cloud_client_set_to_standby (f->client, imsi, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parked->status, ==, "standby");
  g_assert_cmpuint (count_records (f, sb0), ==, 1);
  g_assert_cmpuint (count_records (f, sb_any), ==, 1);
  g_assert_cmpuint (count_records (f, get200), ==, 2);
  g_assert_cmpint (emu_calls (f, "setSubscriberToStandby", imsi), ==, 1);

  /* confirmOrder carried out late: getOrder shows the order, no second PUT */
  quote = quotation (f, 2);
  emu_post (f, "/_emulator/fault", "{\"delay_ms\":600,\"count\":1,\"path\":\"/confirm\"}");
  confirmed = cloud_client_confirm_order (f->client, quote->order_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (confirmed->order_status);
  g_assert_cmpuint (count_order_records (f, "confirm", quote->order_id, 0), ==, 1);
  g_assert_cmpuint (count_order_records (f, "confirm", quote->order_id, 200), ==, 0);
  g_assert_cmpuint (count_order_records (f, "get", quote->order_id, 200), ==, 1);
  g_assert_cmpint (emu_calls (f, "confirmOrder", quote->order_id), ==, 1);
}

/* Answers lost after the emulator carried the call out (a 500 or 503 sent
 * after the change, a connection dropped with nothing sent) and a
 * connection dropped before it: the client reads the SIM back each time,
 * finds the change or not, and the emulator counts one call per mutation. */
static void
test_fault_lost_answer (Fixture *f, gconstpointer data)
{
  g_autofree char *imsi = ec_seed_imsi (f->emu, 6);
  g_autofree char *tags_any = g_strdup_printf ("putSubscriberTags PUT /subscribers/%s/tags", imsi);
  g_autofree char *lock_any
      = g_strdup_printf ("setImeiLock POST /subscribers/%s/set_imei_lock", imsi);
  g_autofree char *sb_any
      = g_strdup_printf ("setSubscriberToStandby POST /subscribers/%s/set_to_standby", imsi);
  const CloudTag tag = { "batch", "B-LOST" };
  g_autoptr (CloudSubscriber) tagged = NULL, locked = NULL, parked = NULL;
  GError *error = NULL;

  g_assert_true (cloud_client_authenticate (f->client, NULL, &error));
  g_assert_no_error (error);

  /* carried out, then answered 500: read back finds the tag, no repeat */
  emu_post (f, "/_emulator/fault", "{\"status\":500,\"count\":1,\"lost\":true,\"path\":\"/tags\"}");
  tagged = cloud_client_put_subscriber_tags (f->client, imsi, &tag, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cloud_subscriber_get_tag (tagged, "batch"), ==, "B-LOST");
  g_assert_cmpuint (count_records (f, tags_any), ==, 1);
  g_assert_cmpint (emu_calls (f, "putSubscriberTags", imsi), ==, 1);

  /* carried out, then the connection dropped: the same */
  emu_post (f, "/_emulator/fault",
            "{\"reset\":true,\"count\":1,\"lost\":true,\"path\":\"set_imei_lock\"}");
  locked = cloud_client_set_imei_lock (f->client, imsi, IMEI_A, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (locked->imei_lock, ==, IMEI_A);
  g_assert_cmpuint (count_records (f, lock_any), ==, 1);
  g_assert_cmpint (emu_calls (f, "setImeiLock", imsi), ==, 1);

  /* dropped before it acted: read back finds nothing, sent once more */
  emu_post (f, "/_emulator/fault", "{\"reset\":true,\"count\":1,\"path\":\"set_to_standby\"}");
  parked = cloud_client_set_to_standby (f->client, imsi, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parked->status, ==, "standby");
  g_assert_cmpuint (count_records (f, sb_any), ==, 2);
  g_assert_cmpint (emu_calls (f, "setSubscriberToStandby", imsi), ==, 1);
}

static guint
emulator_fds (Fixture *f)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int)f->emu->pid);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* The length of a complete HTTP answer at the start of @got (headers and
 * Content-Length bytes of body), or 0 while it is incomplete. */
static gsize
answer_length (const GString *got)
{
  const char *end = strstr (got->str, "\r\n\r\n");
  const char *cl = strstr (got->str, "Content-Length: ");
  gsize need;

  if (end == NULL)
    return 0;
  g_assert_nonnull (cl);
  need
      = (gsize)(end - got->str) + 4 + g_ascii_strtoull (cl + strlen ("Content-Length: "), NULL, 10);
  return got->len >= need ? need : 0;
}

/* One keep-alive HTTP/1.1 request on a new connection, its whole answer
 * read, then the connection closed by the client (what libcurl does with a
 * connection it will not reuse). */
static void
request_then_close (guint port)
{
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons ((guint16)port) };
  const char req[] = "GET /_emulator/nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  g_autoptr (GString) got = g_string_new (NULL);
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (connect (fd, (struct sockaddr *)&a, sizeof a), ==, 0);
  g_assert_cmpint (write (fd, req, sizeof req - 1), ==, (gssize)sizeof req - 1);
  while (answer_length (got) == 0) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    char buf[4096];
    gssize n;

    g_assert_cmpint (poll (&p, 1, 10000), ==, 1);
    n = read (fd, buf, sizeof buf);
    g_assert_cmpint (n, >, 0);
    g_string_append_len (got, buf, n);
  }
  g_assert_true (g_str_has_prefix (got->str, "HTTP/1.1 404"));
  close (fd);
}

/* A client that closes its keep-alive connection gets it closed on the
 * emulator's side too: 300 connections later, the emulator holds no more
 * descriptors than before (libsoup 3.2 left each one in CLOSE_WAIT, and
 * the 5,000-unit soak ran it out of descriptors). */
static void
test_closed_connections (Fixture *f, gconstpointer data)
{
  guint port = (guint)atoi (strrchr (f->emu->base, ':') + 1);
  guint before = emulator_fds (f), after = 0;
  gint64 deadline;

  for (guint i = 0; i < 300; i++)
    request_then_close (port);
  /* the emulator closes each once it sees the peer's FIN: a bounded wait */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((after = emulator_fds (f)) > before + 4 && g_get_monotonic_time () < deadline)
    g_usleep (20 * 1000);
  g_test_message ("emulator descriptors: %u before, %u after 300 closed connections", before,
                  after);
  g_assert_cmpuint (after, <=, before + 4);
}

static const char *const rate_args[] = { "--rate-limit", "5/s", NULL };

void
cloud_emulator_add_fault_tests (void)
{
  g_test_add ("/cloud-emulator/closed-connections", Fixture, NULL, fixture_setup,
              test_closed_connections, fixture_teardown);
  g_test_add ("/cloud-emulator/fault-429-500", Fixture, NULL, fixture_setup, test_fault_429_500,
              fixture_teardown);
  g_test_add ("/cloud-emulator/fault-delay-read-back", Fixture, NULL, fixture_setup,
              test_fault_delay_read_back, fixture_teardown);
  g_test_add ("/cloud-emulator/fault-lost-answer", Fixture, NULL, fixture_setup,
              test_fault_lost_answer, fixture_teardown);
  g_test_add ("/cloud-emulator/rate-limit", Fixture, rate_args, fixture_setup, test_rate_limit,
              fixture_teardown);
}
