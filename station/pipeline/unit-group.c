/* station/pipeline/unit-group.c - the group step: the SIM joins the
 * batch's SIM group (the recipe's [cloud] group_id, else the group batch
 * cloud-setup recorded for the batch); skipped when the batch has none.
 * Idempotent: a SIM already in the group gets no call; verified from the
 * Subscriber the API answers (read back after an uncertain attempt). */
#define G_LOG_DOMAIN "station-pipeline"

#include "station/cloud-setup.h"
#include "station/cloud/cloud-error.h"
#include "station/pipeline/unit-steps.h"

static void
detail (Unit *u, char *text)
{
  g_free (u->detail);
  u->detail = text;
}

static void
keep (Unit *u, CloudSubscriber *sub)
{
  g_clear_pointer (&u->sub, cloud_subscriber_free);
  u->sub = sub;
}

Outcome
unit_step_group (Unit *u)
{
  g_autofree char *group_id = NULL;
  GError *error = NULL;
  CloudSubscriber *sub;
  Outcome out;

  if (!cloud_setup_batch_group (u->e->opts.store, u->e->opts.recipe, u->e->batch_id, &group_id,
                                &error))
    return unit_outcome_for_error (u, error);
  if (group_id == NULL) {
    detail (u, g_strdup ("no SIM group for this batch (recipe [cloud] group_id or batch "
                         "cloud-setup): skipped"));
    return STEP_OK;
  }
  /* the SIM's status and plan are checked before its first change */
  if ((out = unit_ensure_sim (u)) != STEP_OK)
    return out;
  if (g_strcmp0 (u->sub->group_id, group_id) == 0) {
    detail (u, g_strdup_printf ("already in group %s", group_id));
    return STEP_OK;
  }
  sub = cloud_client_set_group (u->e->opts.cloud, u->imsi, group_id, u->e->cancellable, &error);
  if (sub == NULL) {
    /* the SIM was just read: a 404 here is the group's (not the unit's fault) */
    if (g_error_matches (error, STATION_CLOUD_ERROR, STATION_CLOUD_ERROR_NOT_FOUND)) {
      out = unit_error_msg (u, ERR_API,
                            "SIM group %s does not exist: run 'station-cli batch "
                            "cloud-setup --batch %s' or fix the recipe's [cloud] group_id "
                            "(%s)",
                            group_id, u->e->batch_id, error->message);
      g_error_free (error);
      return out;
    }
    return unit_outcome_for_error (u, error);
  }
  keep (u, sub);
  if (g_strcmp0 (u->sub->group_id, group_id) != 0)
    return unit_error_msg (u, ERR_READBACK, "group reads back as '%s', not %s",
                           u->sub->group_id ? u->sub->group_id : "(none)", group_id);
  detail (u, g_strdup_printf ("SIM put in group %s", group_id));
  return STEP_OK;
}
