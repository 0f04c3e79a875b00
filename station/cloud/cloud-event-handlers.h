/* station/cloud/cloud-event-handlers.h - event handlers
 * (EventHandlerModel of soracom-api.en.yaml: listEventHandlers,
 * getEventHandler, createEventHandler, updateEventHandler).  Rule and
 * action properties are kept as text, as the spec gives them (numbers such
 * as limitTotalTrafficMegaByte are strings there); an ExecuteWebRequestAction
 * "headers" object is kept as its canonical JSON text and sent as an object. */
#pragma once

#include <json-glib/json-glib.h>

#include "station/cloud/cloud-client.h"

G_BEGIN_DECLS

typedef struct {
  char *type;             /* "ExecuteWebRequestAction", "ChangeSpeedClassAction", ... */
  GHashTable *properties; /* name -> text (cloud_json_scalar_text), never NULL */
} CloudEventConfig;

typedef struct {
  char *handler_id; /* NULL in a handler not created yet */
  char *name;
  char *description;
  char *status; /* "active" or "inactive" */
  char *target_group_id;
  char *target_imsi;
  char *target_operator_id;
  char *target_sim_id;
  CloudEventConfig rule;
  GPtrArray *actions; /* CloudEventConfig *, never NULL */
  JsonNode *raw;      /* as received, NULL for a handler built here */
} CloudEventHandler;

/* cloud_event_handler_new: an empty handler to fill (status "active"). */
CloudEventHandler *cloud_event_handler_new (const char *name, const char *rule_type);
void cloud_event_handler_free (CloudEventHandler *handler);

/* cloud_event_handler_set_rule_property / add_action /
 * cloud_event_config_set: fill a handler being built (values copied).
 * add_action returns the new action (owned by @handler). */
void cloud_event_config_set (CloudEventConfig *config, const char *name, const char *value);
CloudEventConfig *cloud_event_handler_add_action (CloudEventHandler *handler, const char *type);

/* cloud_event_handler_from_json: parses an EventHandlerModel.  NULL with
 * STATION_CLOUD_ERROR_BAD_RESPONSE when it lacks handlerId, name,
 * ruleConfig.type or actionConfigList, or a field has the wrong type. */
CloudEventHandler *cloud_event_handler_from_json (JsonNode *node, GError **error);

/* cloud_event_handler_to_json: the CreateEventHandlerRequest /
 * UpdateEventHandlerRequest body of @handler (no handlerId). */
JsonNode *cloud_event_handler_to_json (const CloudEventHandler *handler);

/* cloud_event_handler_equal: TRUE when @a and @b have the same settings
 * (name, description, status, targets, rule and actions in order, property
 * text compared; handlerId ignored).  When they differ and @why is not
 * NULL, *@why names the first difference (free with g_free()). */
gboolean cloud_event_handler_equal (const CloudEventHandler *a, const CloudEventHandler *b,
                                    char **why);

/* cloud_client_list_event_handlers: GET /event_handlers (the spec gives no
 * paging; x-soracom-next-key is followed if sent).  CloudEventHandler *. */
GPtrArray *cloud_client_list_event_handlers (CloudClient *client, GCancellable *cancellable,
                                             GError **error);

/* cloud_client_get_event_handler: GET /event_handlers/{handler_id}. */
CloudEventHandler *cloud_client_get_event_handler (CloudClient *client, const char *handler_id,
                                                   GCancellable *cancellable, GError **error);

/* cloud_client_create_event_handler: POST /event_handlers; after an
 * uncertain attempt the handlers are listed and one equal to @handler (by
 * name and settings) counts as created. */
CloudEventHandler *cloud_client_create_event_handler (CloudClient *client,
                                                      const CloudEventHandler *handler,
                                                      GCancellable *cancellable, GError **error);

/* cloud_client_update_event_handler: PUT /event_handlers/{handler_id} with
 * @handler's settings, then GET to return it as stored (the PUT answers no
 * body); ERR readback when it does not read back equal. */
CloudEventHandler *cloud_client_update_event_handler (CloudClient *client, const char *handler_id,
                                                      const CloudEventHandler *handler,
                                                      GCancellable *cancellable, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CloudEventHandler, cloud_event_handler_free)

G_END_DECLS
