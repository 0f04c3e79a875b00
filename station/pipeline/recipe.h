/* station/pipeline/recipe.h - a provisioning recipe: which pipeline steps run
 * for a product, their limits, the SIM tags to apply and the label to print.
 * A GKeyFile (the .ini files in recipes/, docs/provisioning.md "Recipes"); its SHA-256 is stored
 * with every unit so a record always says which rules it was provisioned under. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RECIPE_ERROR (recipe_error_quark ())
GQuark recipe_error_quark (void);

typedef enum {
  RECIPE_ERROR_READ,    /* file missing or unreadable */
  RECIPE_ERROR_SYNTAX,  /* not a key file */
  RECIPE_ERROR_VALUE,   /* a key has a value of the wrong kind or range */
  RECIPE_ERROR_UNKNOWN, /* unknown group, key or ${field} */
} RecipeError;

/* Optional steps; the others (scan, insert_boot, identify, attach, release)
 * always run. */
typedef enum {
  RECIPE_STEP_REGISTER = 1 << 0,
  RECIPE_STEP_SELFTEST = 1 << 1,
  RECIPE_STEP_TAGS = 1 << 2,
  RECIPE_STEP_IMEI_LOCK = 1 << 3,
  RECIPE_STEP_RADIO_OFF = 1 << 4,
  RECIPE_STEP_STANDBY = 1 << 5,
  RECIPE_STEP_LABEL = 1 << 6,
} RecipeSteps;

typedef struct {
  char *name;
  guint version;
  char *sha256; /* of the file's bytes, lowercase hex */
  RecipeSteps steps;

  /* [limits] */
  guint min_csq;         /* AT+CSQ rssi 0..31, 99 = unknown refused */
  guint boot_timeout_ms; /* power on to the modem's first answer */
  guint attach_timeout_ms;
  guint register_timeout_ms;
  guint selftest_timeout_ms;
  guint radio_off_timeout_ms; /* before falling back to delete_session */
  guint standby_settle_ms;    /* re-read standby after this long */

  /* [tags]: name -> template with ${field}s, in file order */
  GPtrArray *tag_names;
  GPtrArray *tag_templates;

  /* [cloud] (recipe-cloud.c; docs/provisioning.md "Recipes", docs/cloud-setup.md) */
  char *group_id;             /* NULL: the group batch cloud-setup recorded, else none */
  char *group_name;           /* template, only ${batch}; NULL: no group by name */
  GPtrArray *group_tag_names; /* group_tag.<name> = value, in file order */
  GPtrArray *group_tag_values;
  char *vpg_id;             /* SoracomAir vpgId of the group; NULL: left alone */
  int gate;                 /* -1 not given, 0 close, 1 open (the VPG's Gate) */
  guint daily_limit_mib;    /* SubscriberDailyTrafficRule limit; 0: no such handler */
  char *over_limit_action;  /* a speed class (ChangeSpeedClassAction) or "suspend" */
  char *events_url;         /* the receiver as SORACOM reaches it; NULL: no web requests */
  char *events_secret_file; /* 0600 file holding the receiver's secret header value */

  /* [label] */
  char *label_template;
} Recipe;

/* recipe_load: reads and validates @path.  NULL with RECIPE_ERROR naming the
 * file, group and key on any problem.  Free with recipe_free(). */
Recipe *recipe_load (const char *path, GError **error);

/* recipe_load_data: the same from bytes (@origin names them in errors). */
Recipe *recipe_load_data (const char *data, gsize len, const char *origin, GError **error);

void recipe_free (Recipe *recipe);

/* recipe_expand: substitutes ${field} in @tmpl from @fields (name -> value);
 * a field missing from @fields is an error naming it.  Free with g_free(). */
char *recipe_expand (const char *tmpl, GHashTable *fields, GError **error);

/* recipe_field_known: TRUE for the fields a recipe may use: device_id, batch,
 * station, imei, imsi, iccid, recipe_name, recipe_version, provisioned_at. */
gboolean recipe_field_known (const char *name);

/* recipe_cloud_parse: reads the [cloud] group of @kf into @r, refusing
 * unknown keys and bad values (RECIPE_ERROR naming the key); used by
 * recipe_load_data().  recipe_cloud_clear: frees those fields. */
gboolean recipe_cloud_parse (GKeyFile *kf, const char *origin, Recipe *r, GError **error);
void recipe_cloud_clear (Recipe *r);

/* recipe_cloud_group_name: the [cloud] group_name for @batch_id (${batch}
 * expanded), or NULL when the recipe names none.  Free with g_free(). */
char *recipe_cloud_group_name (const Recipe *r, const char *batch_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Recipe, recipe_free)

G_END_DECLS
