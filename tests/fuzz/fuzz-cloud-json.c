/* tests/fuzz/fuzz-cloud-json.c - the SORACOM API response decoders of
 * station/cloud (Subscriber, Order, ordered SIM, sandbox subscriber) over
 * any JSON document, and over each element when it is an array. */
#include <json-glib/json-glib.h>

#include "station/cloud/cloud-subscriber.h"
#include "tests/fuzz/fuzz.h"

static void
decode (JsonNode *node)
{
  g_autoptr (GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;
  CloudSubscriber *sub = cloud_subscriber_from_json (node, &e1);
  CloudOrder *order = cloud_order_from_json (node, &e2);
  CloudOrderedSubscriber *osub = cloud_ordered_subscriber_from_json (node, &e3);
  CloudSandboxSubscriber *ssub = cloud_sandbox_subscriber_from_json (node, &e4);

  /* a decoder either returns a value or says why not */
  g_assert_true ((sub != NULL) != (e1 != NULL));
  g_assert_true ((order != NULL) != (e2 != NULL));
  g_assert_true ((osub != NULL) != (e3 != NULL));
  g_assert_true ((ssub != NULL) != (e4 != NULL));
  if (sub != NULL) {
    g_assert_nonnull (sub->imsi);
    (void)cloud_subscriber_get_tag (sub, "device_id");
    (void)cloud_sim_status_to_string (sub->status_code);
  }
  g_clear_pointer (&sub, cloud_subscriber_free);
  g_clear_pointer (&order, cloud_order_free);
  g_clear_pointer (&osub, cloud_ordered_subscriber_free);
  g_clear_pointer (&ssub, cloud_sandbox_subscriber_free);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (size > 256 * 1024)
    return 0;
  if (!json_parser_load_from_data (parser, (const char *)data, (gssize)size, NULL))
    return 0;
  root = json_parser_get_root (parser);
  if (root == NULL)
    return 0;
  decode (root);
  if (JSON_NODE_HOLDS_ARRAY (root)) {
    JsonArray *a = json_node_get_array (root);
    for (guint i = 0; i < json_array_get_length (a) && i < 64; i++)
      decode (json_array_get_element (a, i));
  }
  return 0;
}
