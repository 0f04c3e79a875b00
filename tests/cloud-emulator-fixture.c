/* tests/cloud-emulator-fixture.c - see cloud-emulator-fixture.h. */
#define G_LOG_DOMAIN "test-cloud-emulator"

#include "tests/cloud-emulator-fixture.h"

static void
on_record (const CloudCallRecord *r, gpointer data)
{
  Fixture *f = data;

  g_mutex_lock (&f->lock);
  g_ptr_array_add (f->records,
                   g_strdup_printf ("%s %s %s %u %u %s", r->operation, r->method, r->path,
                                    r->status, r->retry, r->api_code ? r->api_code : "-"));
  g_mutex_unlock (&f->lock);
}

guint
count_records (Fixture *f, const char *prefix)
{
  guint n = 0;

  g_mutex_lock (&f->lock);
  for (guint i = 0; i < f->records->len; i++)
    if (g_str_has_prefix (f->records->pdata[i], prefix))
      n++;
  g_mutex_unlock (&f->lock);
  return n;
}

/* Test timings: no pacing, short backoff, a 20 s budget. */
void
options_for (Fixture *f, CloudClientOptions *opts, char **url)
{
  *url = g_strconcat (f->emu->base, "/v1", NULL);
  cloud_client_options_init (opts);
  opts->base_url = *url;
  opts->rate_per_s = 0;
  opts->backoff_initial_ms = 100;
  opts->backoff_max_ms = 400;
  opts->budget_ms = 20000;
  opts->connect_timeout_ms = 5000;
  opts->timeout_ms = 10000;
}

/* Replaces the client with one made from @opts and the default key pair
 * (@with_creds FALSE: no credentials, for sandbox init). */
void
client_open (Fixture *f, const CloudClientOptions *opts, gboolean with_creds)
{
  g_autoptr (CloudCredentials) creds = cloud_credentials_new (EC_AUTH_KEY_ID, EC_AUTH_KEY);
  GError *error = NULL;

  g_clear_pointer (&f->client, cloud_client_free);
  f->client = cloud_client_new (opts, with_creds ? creds : NULL, &error);
  g_assert_no_error (error);
  cloud_client_set_observer (f->client, on_record, f);
}

void
fixture_setup (Fixture *f, gconstpointer data)
{
  CloudClientOptions opts;
  g_autofree char *url = NULL;

  g_mutex_init (&f->lock);
  f->records = g_ptr_array_new_with_free_func (g_free);
  f->emu = ec_start (data);
  options_for (f, &opts, &url);
  client_open (f, &opts, TRUE);
}

void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->client, cloud_client_free);
  ec_stop (f->emu);
  g_ptr_array_unref (f->records);
  g_mutex_clear (&f->lock);
}

void
emu_post (Fixture *f, const char *path, const char *body)
{
  g_autoptr (Reply) r = ec_call (f->emu, "POST", path, body, NULL);

  g_assert_cmpuint (r->status, ==, 200);
}

/* calls.<operation>.<key> of /_emulator/state (successful mutating calls). */
gint64
emu_calls (Fixture *f, const char *operation, const char *key)
{
  g_autoptr (Reply) r = ec_call (f->emu, "GET", "/_emulator/state", NULL, NULL);
  JsonObject *o = reply_object (r);
  JsonObject *calls
      = json_object_has_member (o, "calls") ? json_object_get_object_member (o, "calls") : NULL;
  JsonObject *op = calls != NULL && json_object_has_member (calls, operation)
                       ? json_object_get_object_member (calls, operation)
                       : NULL;

  return op != NULL ? json_object_get_int_member_with_default (op, key, 0) : 0;
}

CloudSubscriber *
get_sub (Fixture *f, const char *imsi)
{
  GError *error = NULL;
  CloudSubscriber *s = cloud_client_get_subscriber (f->client, imsi, NULL, &error);

  g_assert_no_error (error);
  return s;
}

/* The index of the first record starting with @prefix, or -1. */
gint
find_record (Fixture *f, const char *prefix)
{
  gint at = -1;

  g_mutex_lock (&f->lock);
  for (guint i = 0; i < f->records->len && at < 0; i++)
    if (g_str_has_prefix (f->records->pdata[i], prefix))
      at = (gint)i;
  g_mutex_unlock (&f->lock);
  return at;
}

GPtrArray *
list_subs (Fixture *f, const CloudSubscriberFilter *filter)
{
  GError *error = NULL;
  GPtrArray *list = cloud_client_list_subscribers (f->client, filter, NULL, &error);

  g_assert_no_error (error);
  return list;
}

/* A quotation of @n SIMs by the client's operator (not yet an order). */
CloudOrder *
quotation (Fixture *f, guint n)
{
  const CloudOrderItem item = { "4573326590013", n };
  GError *error = NULL;
  CloudOrder *q = cloud_client_create_quotation (f->client, &item, 1, "SA-E2E", NULL, NULL, &error);

  g_assert_no_error (error);
  return q;
}
