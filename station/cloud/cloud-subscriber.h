/* station/cloud/cloud-subscriber.h - typed views of the SORACOM API objects
 * the station uses (Subscriber, orders, ordered SIMs), parsed from JSON with
 * field names exactly as in soracom-api.en.yaml.  Unknown fields are
 * tolerated and kept in @raw; null fields read as NULL/0. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  CLOUD_SIM_STATUS_UNKNOWN,
  CLOUD_SIM_STATUS_READY,
  CLOUD_SIM_STATUS_TESTING,
  CLOUD_SIM_STATUS_ACTIVE,
  CLOUD_SIM_STATUS_INACTIVE,
  CLOUD_SIM_STATUS_STANDBY,
  CLOUD_SIM_STATUS_SUSPENDED,
  CLOUD_SIM_STATUS_TERMINATED,
  CLOUD_SIM_STATUS_INSTOCK,
  CLOUD_SIM_STATUS_SHIPPED,
} CloudSimStatus;

/* cloud_sim_status_from_string: the status named @s (API spelling), or
 * CLOUD_SIM_STATUS_UNKNOWN. */
CloudSimStatus cloud_sim_status_from_string (const char *s);
/* cloud_sim_status_to_string: the API spelling ("unknown" for UNKNOWN). */
const char *cloud_sim_status_to_string (CloudSimStatus status);

typedef struct {
  char *imsi;   /* always set */
  char *iccid;  /* NULL when absent */
  char *sim_id; /* simId */
  char *msisdn;
  char *status; /* as the API spelled it */
  CloudSimStatus status_code;
  char *speed_class; /* speedClass */
  char *subscription;
  char *module_type;       /* moduleType */
  char *group_id;          /* groupId */
  char *serial_number;     /* serialNumber */
  char *operator_id;       /* operatorId */
  char *imei_lock;         /* imeiLock.imei; NULL when not locked */
  gboolean online;         /* sessionStatus.online */
  char *session_imei;      /* sessionStatus.imei */
  gint64 last_modified_at; /* lastModifiedAt (ms), 0 when absent */
  gint64 created_at;       /* createdAt (ms), 0 when absent */
  GHashTable *tags;        /* tag name -> value (UTF-8), never NULL */
  JsonNode *raw;           /* the whole object as received */
} CloudSubscriber;

/* cloud_subscriber_from_json: parses a Subscriber object.  NULL with
 * STATION_CLOUD_ERROR_BAD_RESPONSE when @node is not an object, has no
 * string imsi, or a known field has the wrong JSON type. */
CloudSubscriber *cloud_subscriber_from_json (JsonNode *node, GError **error);
void cloud_subscriber_free (CloudSubscriber *sub);
/* cloud_subscriber_get_tag: the value of tag @name, or NULL. */
const char *cloud_subscriber_get_tag (const CloudSubscriber *sub, const char *name);

/* cloud_subscription_has_standby: FALSE for the SORACOM subscriptions
 * (plans) whose SIMs cannot be set to standby (plan-D, plan-DU, plan-K,
 * plan-K2, plan-KM1: SORACOM answers 400 to set_to_standby); TRUE for the
 * others (plan01s, plan01s-low_data_volume, planP1, planX3, ... and a NULL
 * or unknown name, which the API decides). */
gboolean cloud_subscription_has_standby (const char *subscription);

/* One ordered SIM (OrderedSubscriber of listOrderedSubscribers). */
typedef struct {
  char *imsi;
  char *iccid;
  char *sim_id;
  char *msisdn;
  char *serial_number;
  char *device_serial_number;
  JsonNode *raw;
} CloudOrderedSubscriber;

CloudOrderedSubscriber *cloud_ordered_subscriber_from_json (JsonNode *node, GError **error);
void cloud_ordered_subscriber_free (CloudOrderedSubscriber *sub);

/* An order or quotation (EstimatedOrderModel / GetOrderResponse). */
typedef struct {
  char *order_id;     /* always set */
  char *order_status; /* orderStatus; NULL for a quotation */
  char *currency;
  double total_amount; /* totalAmount */
  gint64 quantity;     /* sum of orderItemList[].quantity */
  JsonNode *raw;
} CloudOrder;

CloudOrder *cloud_order_from_json (JsonNode *node, GError **error);
void cloud_order_free (CloudOrder *order);

/* What /sandbox/subscribers/create answers (sandboxCreateSubscriberResponse). */
typedef struct {
  char *imsi;
  char *msisdn;
  char *serial_number;
  char *registration_secret; /* registrationSecret: the PUK for registerSubscriber */
  char *status;
  JsonNode *raw;
} CloudSandboxSubscriber;

CloudSandboxSubscriber *cloud_sandbox_subscriber_from_json (JsonNode *node, GError **error);
void cloud_sandbox_subscriber_free (CloudSandboxSubscriber *sub);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CloudSubscriber, cloud_subscriber_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CloudOrderedSubscriber, cloud_ordered_subscriber_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CloudOrder, cloud_order_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CloudSandboxSubscriber, cloud_sandbox_subscriber_free)

G_END_DECLS
