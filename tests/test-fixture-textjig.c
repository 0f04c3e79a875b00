/* tests/test-fixture-textjig.c - textjig on a noisy line: the client
 * against a scripted controller that loses replies, receives damaged lines,
 * sends damaged replies, speaks another major version or loses events; and
 * the simulated controller answering a retransmission without acting twice. */
#include "drivers/fixture/fixture.h"
#include "drivers/fixture/devsim/devsim-setup.h"
#include "drivers/fixture/devsim/devsim-world.h"
#include "drivers/fixture/textjig/protocol.h"
#include "fixtures/fixture-sim/jig-server.h"
#include "tests/common/test-common.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

typedef enum {
  FAKE_PLAIN,
  FAKE_DROP_FIRST, /* the first try of every command gets no answer */
  FAKE_NAK_FIRST,  /* the first try arrives damaged: "0 ERR CRC" */
  FAKE_BAD_REPLY,  /* the first reply is damaged on the way back */
  FAKE_VERSION_2,  /* a controller of protocol version 2 */
  FAKE_EVENT_GAP,  /* events 1 and 3 arrive, 2 is lost */
} FakeMode;

typedef struct {
  int master;
  FakeMode mode;
  GThread *thread;
  gboolean stop;
  GMutex lock;
  GPtrArray *seen;   /* request bodies in arrival order */
  GHashTable *tried; /* seq -> tries */
} Fake;

static void
fake_send (Fake *f, const char *body)
{
  g_autofree char *frame = textjig_frame (body);
  g_assert_cmpint (write (f->master, frame, strlen (frame)), ==, (gssize)strlen (frame));
}

static void
fake_answer (Fake *f, const char *body)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *reply = NULL;
  TextjigMessage m;
  const char *c;
  guint tries;

  g_assert_true (textjig_parse (body, TRUE, &m, &error));
  g_mutex_lock (&f->lock);
  g_ptr_array_add (f->seen, g_strdup (body));
  tries = GPOINTER_TO_UINT (g_hash_table_lookup (f->tried, GUINT_TO_POINTER (m.seq))) + 1;
  g_hash_table_replace (f->tried, GUINT_TO_POINTER (m.seq), GUINT_TO_POINTER (tries));
  g_mutex_unlock (&f->lock);
  c = m.words[0];
  if (strcmp (c, "ID?") == 0)
    reply = g_strdup (f->mode == FAKE_VERSION_2 ? "OK TEXTJIG/2.0 other jig SN9 9.9"
                                                : "OK TEXTJIG/1.3 fake jig SN1 0.1 NEWFIELD");
  else if (strcmp (c, "SLOTS?") == 0)
    reply = g_strdup ("OK 2");
  else if (strcmp (c, "CAPS?") == 0)
    reply = g_strdup ("OK ACTUATOR SCANNER TELEPORTER");
  else if (strcmp (c, "PRESENT?") == 0)
    reply = g_strdup ("OK 1");
  else if (strcmp (c, "SCAN?") == 0)
    reply = g_strdup_printf ("OK FAKE-%s", m.words[1]);
  else if (strcmp (c, "STATUS?") == 0)
    reply = g_strdup ("OK LID=CLOSED ESTOP=OFF FEED=-");
  else
    reply = g_strdup ("OK");
  if (tries == 1 && f->mode == FAKE_DROP_FIRST && strcmp (c, "ID?") != 0) {
    /* lost */
  } else if (tries == 1 && f->mode == FAKE_NAK_FIRST) {
    fake_send (f, "0 ERR CRC");
  } else if (tries == 1 && f->mode == FAKE_BAD_REPLY) {
    g_autofree char *b = g_strdup_printf ("%u %s", m.seq, reply);
    g_autofree char *frame = textjig_frame (b);
    frame[0] ^= 0x01; /* one bit flipped on the way */
    g_assert_cmpint (write (f->master, frame, strlen (frame)), >, 0);
  } else {
    g_autofree char *b = g_strdup_printf ("%u %s", m.seq, reply);
    fake_send (f, b);
  }
  textjig_message_clear (&m);
}

static gpointer
fake_thread (gpointer data)
{
  Fake *f = data;
  GString *buf = g_string_new (NULL);

  while (!g_atomic_int_get (&f->stop)) {
    struct pollfd p = { .fd = f->master, .events = POLLIN };
    char chunk[256];
    ssize_t n;
    char *nl;

    if (poll (&p, 1, 50) <= 0)
      continue;
    n = read (f->master, chunk, sizeof chunk);
    if (n <= 0)
      continue;
    g_string_append_len (buf, chunk, n);
    while ((nl = strchr (buf->str, '\n')) != NULL) {
      g_autofree char *line = g_strndup (buf->str, nl - buf->str);
      g_autofree char *body = textjig_unframe (line, NULL);
      g_string_erase (buf, 0, nl - buf->str + 1);
      g_assert_nonnull (body); /* the client always frames correctly */
      fake_answer (f, body);
    }
  }
  g_string_free (buf, TRUE);
  return NULL;
}

static Fake *
fake_new (FakeMode mode, char **uri)
{
  Fake *f = g_new0 (Fake, 1);
  g_autofree char *slave = NULL;

  f->mode = mode;
  f->master = tc_pty_open (&slave);
  f->seen = g_ptr_array_new_with_free_func (g_free);
  f->tried = g_hash_table_new (NULL, NULL);
  g_mutex_init (&f->lock);
  f->thread = g_thread_new ("fake-jig", fake_thread, f);
  *uri = g_strdup_printf ("pty:%s?timeout=300&retries=3", slave);
  return f;
}

static void
fake_free (Fake *f)
{
  g_atomic_int_set (&f->stop, TRUE);
  g_thread_join (f->thread);
  close (f->master);
  g_ptr_array_unref (f->seen);
  g_hash_table_unref (f->tried);
  g_mutex_clear (&f->lock);
  g_free (f);
}

static guint
count_seen (Fake *f, const char *body)
{
  guint n = 0;

  g_mutex_lock (&f->lock);
  for (guint i = 0; i < f->seen->len; i++)
    n += strcmp (f->seen->pdata[i], body) == 0;
  g_mutex_unlock (&f->lock);
  return n;
}

/* the same command, under the same sequence number, until it is answered */
static void
check_retransmits (FakeMode mode)
{
  g_autofree char *uri = NULL;
  Fake *fake = fake_new (mode, &uri);
  g_autoptr (GError) error = NULL;
  g_autoptr (Fixture) f = fixture_open (uri, NULL, NULL, &error);
  g_autofree char *desc = NULL;
  guint eject_seq = 0;

  g_assert_no_error (error);
  desc = fixture_describe (f);
  g_assert_nonnull (strstr (desc, "TEXTJIG/1.3")); /* a newer minor version is fine */
  g_assert_cmpuint (fixture_slot_count (f), ==, 2);
  g_assert_true (fixture_eject (f, 2, FIXTURE_LED_PASS, NULL, &error));
  g_assert_no_error (error);
  g_mutex_lock (&fake->lock);
  for (guint i = 0; i < fake->seen->len; i++)
    if (strstr (fake->seen->pdata[i], " EJECT 2") != NULL)
      eject_seq = (guint)g_ascii_strtoull (fake->seen->pdata[i], NULL, 10);
  g_mutex_unlock (&fake->lock);
  {
    g_autofree char *body = g_strdup_printf ("%u EJECT 2", eject_seq);
    g_assert_cmpuint (count_seen (fake, body), ==, 2);
  }
  fixture_close (g_steal_pointer (&f));
  fake_free (fake);
}

static void
test_lost_reply (void)
{
  check_retransmits (FAKE_DROP_FIRST);
}

static void
test_damaged_request (void)
{
  check_retransmits (FAKE_NAK_FIRST);
}

static void
test_damaged_reply (void)
{
  check_retransmits (FAKE_BAD_REPLY);
}

static void
test_version (void)
{
  g_autofree char *uri = NULL;
  Fake *fake = fake_new (FAKE_VERSION_2, &uri);
  g_autoptr (GError) error = NULL;
  g_autoptr (Fixture) f = fixture_open (uri, NULL, NULL, &error);

  g_assert_null (f);
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "TEXTJIG/2.0"));
  fake_free (fake);
}

static void
test_event_gap (void)
{
  g_autofree char *uri = NULL;
  Fake *fake = fake_new (FAKE_PLAIN, &uri);
  g_autoptr (GError) error = NULL;
  g_autoptr (Fixture) f = fixture_open (uri, NULL, NULL, &error);
  g_autoptr (FixtureEvent) e1 = NULL, e2 = NULL;
  g_autofree char *id = NULL;

  g_assert_no_error (error);
  fake_send (fake, "EVT 1 INSERTED 1 FAKE-1");
  fake_send (fake, "EVT 3 REMOVED 2");
  e1 = fixture_next_event (f, 5000, NULL, &error);
  g_assert_cmpint (e1->kind, ==, FIXTURE_EVENT_INSERTED);
  g_assert_cmpstr (e1->device_id, ==, "FAKE-1");
  e2 = fixture_next_event (f, 5000, NULL, &error);
  g_assert_cmpint (e2->kind, ==, FIXTURE_EVENT_REMOVED);
  /* a lost event: the next operation first asks every slot again */
  g_assert_true (fixture_wait_unit (f, 1, 5000, &id, NULL, &error));
  g_assert_cmpstr (id, ==, "FAKE-1");
  {
    guint present = 0;
    g_mutex_lock (&fake->lock);
    for (guint i = 0; i < fake->seen->len; i++)
      present += strstr (fake->seen->pdata[i], "PRESENT? ") != NULL;
    g_mutex_unlock (&fake->lock);
    g_assert_cmpuint (present, >=, 3); /* slots 1 and 2, then the wait itself */
  }
  fixture_close (g_steal_pointer (&f));
  fake_free (fake);
}

static void
test_no_controller (void)
{
  g_autofree char *slave = NULL;
  int master = tc_pty_open (&slave);
  g_autofree char *uri = g_strdup_printf ("pty:%s?timeout=100&retries=2", slave);
  g_autoptr (GError) error = NULL;
  g_autoptr (Fixture) f = fixture_open (uri, NULL, NULL, &error);

  g_assert_null (f);
  g_assert_error (error, FIXTURE_ERROR, FIXTURE_ERROR_NO_REPLY);
  close (master);
}

/* the simulated controller: a retransmitted EJECT ejects once */
static void
test_server_dedup (void)
{
  g_autoptr (GError) error = NULL;
  DevsimSetup setup = { .generate = 3, .seed = 1, .have_seed = TRUE };
  g_autoptr (GPtrArray) units = devsim_setup_units (&setup, &error);
  JigServer *jig = jig_server_new ();
  DevsimWorldConfig cfg = {
    .slots = 1, .units = units, .speed = 100, .event_func = jig_server_event, .event_data = jig
  };
  DevsimWorld *world = devsim_world_new (&cfg, &error);
  g_autofree char *frame = textjig_frame ("5 EJECT 1");
  g_autofree char *junk = g_strdup ("5 EJECT 1*00\n");
  g_autoptr (GString) got = g_string_new (NULL);
  DevsimWorldState st;
  int fd;

  g_assert_no_error (error);
  g_assert_true (jig_server_start (jig, world, &error));
  fd = open (jig_server_port (jig), O_RDWR | O_NOCTTY);
  g_assert_cmpint (fd, >=, 0);
  /* what the host writes waits in the pty until the controller notices it */
  g_assert_cmpint (write (fd, junk, strlen (junk)), >, 0);
  g_assert_cmpint (write (fd, frame, strlen (frame)), >, 0);
  g_assert_cmpint (write (fd, frame, strlen (frame)), >, 0);
  for (guint i = 0; i < 100; i++) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    char buf[512];
    ssize_t n;
    const char *first = strstr (got->str, "5 OK");
    if (first != NULL && strstr (first + 1, "5 OK") != NULL && strstr (got->str, "INSERTED"))
      break;
    if (poll (&p, 1, 100) > 0 && (n = read (fd, buf, sizeof buf)) > 0)
      g_string_append_len (got, buf, n);
  }
  g_test_message ("%s", got->str);
  g_assert_nonnull (strstr (got->str, "0 ERR CRC*"));
  g_assert_nonnull (strstr (got->str, "5 OK*"));
  g_assert_nonnull (strstr (strstr (got->str, "5 OK*") + 1, "5 OK*")); /* answered twice */
  devsim_world_state (world, &st);
  g_assert_cmpuint (st.loaded, ==, 2); /* ... but ejected once: one new unit */
  g_assert_cmpuint (st.remaining, ==, 1);
  close (fd);
  devsim_world_free (world);
  jig_server_free (jig);
}

int
main (int argc, char **argv)
{
  tc_init (&argc, &argv);
  g_test_add_func ("/fixture-textjig/lost-reply", test_lost_reply);
  g_test_add_func ("/fixture-textjig/damaged-request", test_damaged_request);
  g_test_add_func ("/fixture-textjig/damaged-reply", test_damaged_reply);
  g_test_add_func ("/fixture-textjig/version", test_version);
  g_test_add_func ("/fixture-textjig/event-gap", test_event_gap);
  g_test_add_func ("/fixture-textjig/no-controller", test_no_controller);
  g_test_add_func ("/fixture-textjig/server-dedup", test_server_dedup);
  return g_test_run ();
}
