/* station/pipeline/line.h - the whole production line opened from options:
 * the store, the recipe, the SORACOM API client, the fixture (with the
 * operator of a manual: fixture), the printer with its print queue and
 * label template, and the optional in-process Beam registration receiver.
 * station-cli provision and the GTK app (station-gtk) open it the same way
 * and hand its pieces to the engine (engine.h). */
#pragma once

#include <gio/gio.h>

#include "drivers/fixture/fixture.h"
#include "drivers/printer/print-queue.h"
#include "labels/label-template.h"
#include "station/cloud/cloud-client.h"
#include "station/config.h"
#include "station/pipeline/engine.h"
#include "station/pipeline/recipe.h"
#include "station/registry/registry.h"
#include "station/store/store.h"

G_BEGIN_DECLS

/* What the line is opened from (the options of provision and station-gtk);
 * strings are borrowed for the duration of station_line_open(). */
typedef struct {
  const char *batch_id;            /* required */
  const char *fixture_uri;         /* required */
  const char *api_url;             /* SORACOM API base (with /v1) */
  const char *recipe_path;         /* NULL: [station] recipe, else recipes/default.ini */
  const char *printer_uri;         /* NULL: [printer] uri, else file:<store's folder>/labels */
  const char *template_name;       /* NULL: the recipe's label template */
  const char *station;             /* NULL: [station] name, else the host name */
  const char *registry_listen;     /* HOST:PORT: run the Beam receiver in this process */
  const char *psk_file;            /* its pre-shared key; goes with registry_listen */
  const FixtureOperator *operator; /* for manual: fixtures; may be NULL otherwise */
  gpointer operator_data;
  PrintRecorder print_recorder; /* told about every label job (may be NULL) */
  gpointer print_recorder_data;
} StationLineOptions;

/* An open line.  Every member is owned by the line; the engine borrows them. */
typedef struct {
  Store *store;
  Recipe *recipe;
  CloudClient *cloud;
  Fixture *fixture;
  PrintQueue *print_queue;       /* NULL when the recipe prints no label */
  LabelTemplate *label_template; /* likewise */
  RegistryServer *registry;      /* NULL without registry_listen */
  char *batch_id;
  char *printer_uri; /* NULL when the recipe prints no label */
  char *station;
  char *api_root; /* the API URL without /v1 (the emulator's root) */
} StationLine;

/* station_line_options_check: the usage rules both programs share: batch
 * and fixture given, --registry-listen with --psk-file, a batch ID a
 * scanner can type.  FALSE with STATION_ERROR_USAGE (or IDENTITY_ERROR)
 * naming the option. */
gboolean station_line_options_check (const StationLineOptions *options, GError **error);

/* station_line_open: opens every piece of the line in the order provision
 * always did (store, recipe, printer and template, registry, API client,
 * fixture), with the preflight checks (preflight.h) before the fixture;
 * blocks (file, network and serial I/O), so call it from a worker
 * thread in a GUI.  @cancellable is kept by the fixture and the API client
 * for their lifetime: cancel it only to close the line, not to stop one
 * run.  NULL with the error of the first piece that failed (nothing is
 * left open).  Close with station_line_close(). */
StationLine *station_line_open (StationConfig *config, const StationLineOptions *options,
                                GCancellable *cancellable, GError **error);

/* station_line_close: stops the registry receiver and frees everything.
 * NULL is ignored.  No engine may be running on the line. */
void station_line_close (StationLine *line);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StationLine, station_line_close)

/* station_line_engine_options: fills the members of @eopts that come from
 * the line (store, cloud, fixture, print queue, template, printer URI,
 * recipe, batch, station); the caller sets slots, count, events. */
void station_line_engine_options (StationLine *line, EngineOptions *eopts);

/* station_line_step_names: the steps of the pipeline in the order they run
 * (every unit goes through all of them, optional ones skipped by the
 * recipe); NULL-terminated, static.  @n_steps (may be NULL) gets the count. */
const char *const *station_line_step_names (guint *n_steps);

G_END_DECLS
