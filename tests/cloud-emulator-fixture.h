/* tests/cloud-emulator-fixture.h - what the programs testing the SORACOM
 * API client against the real emulator share: a started emulator and a
 * client pointed at its /v1 (observer records kept as text), and helpers
 * for the emulator's controls. */
#pragma once

#include "station/cloud/cloud-client.h"
#include "tests/common/test-common.h"
#include "tests/emulator-client.h"

G_BEGIN_DECLS

#define IMEI_A      "490154203237518"
#define IMEI_B      "356938035643809"
#define OPERATOR_ID "OP0012345678"

typedef struct {
  Emu *emu;
  CloudClient *client;
  GMutex lock;
  GPtrArray *records; /* "operation METHOD path status retry api_code" */
} Fixture;

/* fixture_setup: starts the emulator with @data (NULL-terminated extra
 * arguments, may be NULL) and a client (options_for, default key pair). */
void fixture_setup (Fixture *f, gconstpointer data);
void fixture_teardown (Fixture *f, gconstpointer data);

/* options_for: test timings (no pacing, 100-400 ms backoff, 20 s budget)
 * for the emulator's /v1 (*@url: owned by the caller). */
void options_for (Fixture *f, CloudClientOptions *opts, char **url);
/* client_open: replaces the client (@with_creds FALSE: no credentials). */
void client_open (Fixture *f, const CloudClientOptions *opts, gboolean with_creds);

/* The observer records starting with @prefix: how many, the first index. */
guint count_records (Fixture *f, const char *prefix);
gint find_record (Fixture *f, const char *prefix);

/* emu_post: POST @body to a control path, asserting 200.  emu_calls:
 * calls.<operation>.<key> of /_emulator/state. */
void emu_post (Fixture *f, const char *path, const char *body);
gint64 emu_calls (Fixture *f, const char *operation, const char *key);

/* Through the client, asserting success. */
CloudSubscriber *get_sub (Fixture *f, const char *imsi);
GPtrArray *list_subs (Fixture *f, const CloudSubscriberFilter *filter);
CloudOrder *quotation (Fixture *f, guint n);

/* test-cloud-emulator-faults.c */
void cloud_emulator_add_fault_tests (void);

G_END_DECLS
