/* station/cli/cmd-batch.c - station-cli batch import: a batch and the SIMs
 * it expects, from a SORACOM order or a CSV file (imsi,iccid,serial_number,
 * msisdn). */
#define G_LOG_DOMAIN "station-cli"

#include <stdio.h>
#include <string.h>

#include "drivers/identity.h"
#include "station/cli/cli-commands.h"
#include "station/cloud/cloud-client.h"
#include "station/store/store.h"

/* Batch IDs are printed on labels and reports and typed by scanners: the
 * same character rules as device IDs. */
static gboolean
check_batch_id (const char *id, GError **error)
{
  return identity_code_check ("batch ID", id, error);
}

/* count_plans: the subscription (plan) of each ordered SIM, counted in
 * @plans (name -> count); a SIM the API does not show (not yet
 * registered to the operator) is counted as "unknown".  Returns how many
 * are on a plan that cannot be parked in standby. */
static guint
count_plans (CloudClient *client, GPtrArray *ordered, GHashTable *plans)
{
  guint no_standby = 0;

  for (guint i = 0; i < ordered->len; i++) {
    CloudOrderedSubscriber *o = g_ptr_array_index (ordered, i);
    g_autoptr (GError) local = NULL;
    CloudSubscriber *sub = cloud_client_get_subscriber (client, o->imsi, NULL, &local);
    const char *plan = sub && sub->subscription ? sub->subscription : "unknown";
    guint n = GPOINTER_TO_UINT (g_hash_table_lookup (plans, plan));

    if (sub == NULL)
      g_debug ("order SIM %s: plan not read: %s", o->imsi, local->message);
    g_hash_table_insert (plans, g_strdup (plan), GUINT_TO_POINTER (n + 1));
    if (sub != NULL && !cloud_subscription_has_standby (sub->subscription))
      no_standby++;
    g_clear_pointer (&sub, cloud_subscriber_free);
  }
  return no_standby;
}

static GPtrArray *
sims_from_order (StationCli *cli, const char *order_id, GHashTable *plans, guint *no_standby,
                 GError **error)
{
  g_autofree char *url = station_cli_api_url (cli);
  g_autoptr (GPtrArray) ordered = NULL;
  GPtrArray *sims;
  CloudClient *client;

  client = cloud_client_new_from_config (cli->config, url, NULL, error);
  if (client == NULL)
    return NULL;
  ordered = cloud_client_list_ordered_subscribers (client, order_id, NULL, error);
  if (ordered != NULL)
    *no_standby = count_plans (client, ordered, plans);
  cloud_client_free (client);
  if (ordered == NULL)
    return NULL;
  sims = g_ptr_array_new_with_free_func ((GDestroyNotify)store_sim_free);
  for (guint i = 0; i < ordered->len; i++) {
    CloudOrderedSubscriber *o = g_ptr_array_index (ordered, i);
    g_ptr_array_add (sims, store_sim_new (o->imsi, o->iccid, o->serial_number, o->msisdn));
  }
  if (sims->len == 0) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_CHECK_FAILED,
                 "order %s lists no SIMs: is it shipped and its SIMs registered?", order_id);
    g_ptr_array_unref (sims);
    return NULL;
  }
  return sims;
}

static int
import_run (StationCli *cli, int argc, char **argv, GError **error)
{
  g_autofree char *batch_id = NULL, *order_id = NULL, *csv = NULL, *note = NULL;
  const GOptionEntry entries[]
      = { { "batch", 0, 0, G_OPTION_ARG_STRING, &batch_id, "batch ID (A-Z a-z 0-9 - .)", "ID" },
          { "order-id", 0, 0, G_OPTION_ARG_STRING, &order_id, "SORACOM order whose SIMs to expect",
            "OID" },
          { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv,
            "CSV with columns imsi,iccid,serial_number,msisdn", "FILE" },
          { "note", 0, 0, G_OPTION_ARG_STRING, &note, "free text kept with the batch", "TEXT" },
          { NULL } };
  g_autoptr (GPtrArray) sims = NULL;
  g_autoptr (Store) store = NULL;
  g_autoptr (StoreBatch) batch = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GHashTable) plans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint no_standby = 0;

  if (!station_cli_parse (cli, "batch import", "", entries, &argc, &argv, error))
    return -1;
  if (argc > 1) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE, "unexpected argument '%s'", argv[1]);
    return -1;
  }
  if (batch_id == NULL || (order_id == NULL) == (csv == NULL)) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "give --batch ID and one of --order-id OID or --csv FILE");
    return -1;
  }
  if (!check_batch_id (batch_id, error))
    return -1;
  station_cli_banner (cli, "batch import");

  sims = csv != NULL ? store_sim_csv_load (csv, error)
                     : sims_from_order (cli, order_id, plans, &no_standby, error);
  if (sims == NULL)
    return -1;
  /* up front: a recipe that parks units in standby fails these SIMs
   * plan-no-standby, one by one, on the line */
  if (no_standby > 0)
    fprintf (stderr,
             "station-cli: batch import: warning: %u of the %u SIMs of order %s are on a plan "
             "that cannot be parked in standby (plan-D, plan-DU, plan-K, plan-K2, plan-KM1): "
             "provision them with a recipe without standby, or they fail plan-no-standby\n",
             no_standby, sims->len, order_id);

  store = store_open_from_config (cli->config, STORE_OPEN_DEFAULT, error);
  if (store == NULL)
    return -1;
  batch = store_batch_new (batch_id, csv != NULL ? "csv" : "order");
  batch->order_id = g_strdup (order_id);
  batch->note = g_strdup (note);
  batch->api_url = station_cli_api_url (cli);
  if (!store_batch_import (store, batch, sims, error))
    return -1;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "batch");
  json_builder_add_string_value (b, batch_id);
  json_builder_set_member_name (b, "source");
  json_builder_add_string_value (b, batch->source);
  json_builder_set_member_name (b, "order_id");
  if (order_id)
    json_builder_add_string_value (b, order_id);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "sims");
  json_builder_add_int_value (b, sims->len);
  json_builder_set_member_name (b, "api_url");
  json_builder_add_string_value (b, batch->api_url);
  json_builder_set_member_name (b, "endpoint");
  json_builder_add_string_value (b, store_api_url_kind (batch->api_url));
  if (order_id != NULL) {
    GHashTableIter it;
    gpointer k, v;

    /* the SIMs' plans, and how many of them cannot be parked in standby */
    json_builder_set_member_name (b, "plans");
    json_builder_begin_object (b);
    g_hash_table_iter_init (&it, plans);
    while (g_hash_table_iter_next (&it, &k, &v)) {
      json_builder_set_member_name (b, k);
      json_builder_add_int_value (b, GPOINTER_TO_UINT (v));
    }
    json_builder_end_object (b);
    json_builder_set_member_name (b, "no_standby");
    json_builder_add_int_value (b, no_standby);
  }
  json_builder_set_member_name (b, "db");
  json_builder_add_string_value (b, store_get_path (store));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  station_cli_print_json (root);
  return STATION_EXIT_OK;
}

int station_cli_cloud_setup_run (StationCli *cli, int argc, char **argv, GError **error);

static int
batch_run (StationCli *cli, int argc, char **argv, GError **error)
{
  /* the sub-command word is the first non-option argument after "batch" */
  int i = station_cli_find_word (argc, argv);

  if (i > 0 && strcmp (argv[i], "import") == 0) {
    memmove (argv + i, argv + i + 1, (gsize)(argc - i) * sizeof (char *));
    return import_run (cli, argc - 1, argv, error);
  }
  if (i > 0 && strcmp (argv[i], "cloud-setup") == 0) { /* cmd-cloud-setup.c */
    memmove (argv + i, argv + i + 1, (gsize)(argc - i) * sizeof (char *));
    return station_cli_cloud_setup_run (cli, argc - 1, argv, error);
  }
  g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
               "expected 'batch import --batch ID (--order-id OID | --csv FILE)' or 'batch "
               "cloud-setup --batch ID [--recipe FILE]'");
  return -1;
}

const StationCliCommand station_cli_batch_command = {
  .name = "batch",
  .synopsis = "import --batch ID (--order-id OID | --csv FILE) | cloud-setup --batch ID "
              "[--recipe FILE]",
  .summary = "create a batch and the SIMs it expects; prints a JSON summary",
  .run = batch_run,
};
