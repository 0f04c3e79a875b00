/* station/cloud/cloud-groups.h - SIM groups (Group of soracom-api.en.yaml:
 * listGroups, getGroup, createGroup, putGroupTags,
 * putConfigurationParameters) and the Gate switch of a VPG
 * (getVirtualPrivateGateway gateOpened, openGate, closeGate).  Every call
 * goes through the client's pacing, retries and read-back (cloud-client.h). */
#pragma once

#include <json-glib/json-glib.h>

#include "station/cloud/cloud-client.h"

G_BEGIN_DECLS

typedef struct {
  char *group_id; /* groupId, always set */
  char *operator_id;
  GHashTable *tags;        /* tags: name -> value, never NULL */
  JsonNode *configuration; /* configuration: {namespace: {key: value}}, or NULL */
  gint64 created_time;     /* createdTime (ms), 0 when absent */
  gint64 last_modified_time;
  JsonNode *raw;
} CloudGroup;

/* cloud_group_from_json: parses a Group.  NULL with
 * STATION_CLOUD_ERROR_BAD_RESPONSE when not an object, without a string
 * groupId, or a known field has the wrong type. */
CloudGroup *cloud_group_from_json (JsonNode *node, GError **error);
void cloud_group_free (CloudGroup *group);

/* cloud_group_get_name: tags["name"], or NULL. */
const char *cloud_group_get_name (const CloudGroup *group);

/* cloud_group_get_config: configuration[@namespace][@key] (borrowed), or
 * NULL when absent. */
JsonNode *cloud_group_get_config (const CloudGroup *group, const char *namespace_, const char *key);

/* cloud_client_list_groups: GET /groups (every page), filtered by tag
 * @tag_name = @tag_value when both are given (exact match).  A GPtrArray
 * of CloudGroup. */
GPtrArray *cloud_client_list_groups (CloudClient *client, const char *tag_name,
                                     const char *tag_value, GCancellable *cancellable,
                                     GError **error);

/* cloud_client_find_group_by_name: the one group whose tag "name" is @name
 * (listGroups with tag_name=name, all pages), NULL in *@group when none.
 * Two or more groups of that name: STATION_CLOUD_ERROR_BAD_REQUEST naming
 * their IDs (give [cloud] group_id to choose). */
gboolean cloud_client_find_group_by_name (CloudClient *client, const char *name, CloudGroup **group,
                                          GCancellable *cancellable, GError **error);

/* cloud_client_get_group: GET /groups/{group_id}; NOT_FOUND when absent. */
CloudGroup *cloud_client_get_group (CloudClient *client, const char *group_id,
                                    GCancellable *cancellable, GError **error);

/* cloud_client_create_group: POST /groups {"tags":{"name":@name, ...@tags}}.
 * After an uncertain attempt the group is looked up by name before a
 * repeat, so one name never gets two groups. */
CloudGroup *cloud_client_create_group (CloudClient *client, const char *name, const CloudTag *tags,
                                       gsize n_tags, GCancellable *cancellable, GError **error);

/* cloud_client_put_group_tags: PUT /groups/{group_id}/tags
 * [{"tagName","tagValue"}...]; the Group after the change. */
CloudGroup *cloud_client_put_group_tags (CloudClient *client, const char *group_id,
                                         const CloudTag *tags, gsize n_tags,
                                         GCancellable *cancellable, GError **error);

/* One configuration parameter {"key", "value"} (value any JSON, borrowed). */
typedef struct {
  const char *key;
  JsonNode *value;
} CloudConfigParam;

/* cloud_client_put_group_configuration: PUT
 * /groups/{group_id}/configuration/{@namespace_} with [{"key","value"}...];
 * the Group after the change (read back when uncertain). */
CloudGroup *cloud_client_put_group_configuration (CloudClient *client, const char *group_id,
                                                  const char *namespace_,
                                                  const CloudConfigParam *params, gsize n_params,
                                                  GCancellable *cancellable, GError **error);

/* cloud_client_get_gate_opened: GET /virtual_private_gateways/{vpg_id}:
 * its gateOpened (FALSE when absent).  NOT_FOUND when no such VPG. */
gboolean cloud_client_get_gate_opened (CloudClient *client, const char *vpg_id, gboolean *opened,
                                       GCancellable *cancellable, GError **error);

/* cloud_client_set_gate: POST /virtual_private_gateways/{vpg_id}/gate/open
 * ({} body) or /gate/close, read back by gateOpened when uncertain. */
gboolean cloud_client_set_gate (CloudClient *client, const char *vpg_id, gboolean open,
                                GCancellable *cancellable, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CloudGroup, cloud_group_free)

G_END_DECLS
