/* station/cli/cmd-audit.c - station-cli audit verify (walks the audit
 * chain) and operator add (the role table, badges and PINs). */
#define G_LOG_DOMAIN "station-cli"

#include <stdio.h>
#include <string.h>

#include "station/cli/cli-commands.h"
#include "station/secret.h"
#include "station/store/store-audit.h"
#include "station/store/store.h"

/* The chain has no key: whoever can write the store can delete its last
 * entries and fix the sequence, or rebuild it whole.  A head kept
 * elsewhere (printed by an earlier verify, written into a report handed to
 * stock intake) must still be in the trail. */
static gboolean
check_anchor (Store *store, const char *head, GError **error)
{
  g_autoptr (GPtrArray) entries = store_audit_list (store, error);

  if (entries == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    if (g_ascii_strcasecmp (((StoreAuditEntry *)entries->pdata[i])->hash, head) == 0)
      return TRUE;
  g_set_error (error, STATION_STORE_ERROR, STORE_ERROR_TAMPERED,
               "the audit trail no longer holds the head %.16s… kept from an earlier verify: "
               "entries up to it were deleted or the trail was rebuilt",
               head);
  return FALSE;
}

static gboolean
is_sha256_hex (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

static int
verify_run (StationCli *cli, int argc, char **argv, GError **error)
{
  g_autoptr (Store) store = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *head = NULL;
  StoreAuditSummary sum = { 0 };
  const GOptionEntry entries[]
      = { { "head", 0, 0, G_OPTION_ARG_STRING, &head,
            "a head printed by an earlier verify (or a report's audit_head): it must still be "
            "in the trail",
            "SHA256" },
          { NULL } };

  if (!station_cli_parse (cli, "audit verify", "", entries, &argc, &argv, error))
    return -1;
  if (argc > 1) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE, "unexpected argument '%s'", argv[1]);
    return -1;
  }
  if (head != NULL && !is_sha256_hex (head)) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "--head: expected the 64 hex digits of a head an earlier 'audit verify' printed");
    return -1;
  }
  store = store_open_from_config (cli->config, STORE_OPEN_READ_ONLY, error);
  if (store == NULL)
    return -1;
  if (!store_audit_verify (store, &sum, error)
      || (head != NULL && !check_anchor (store, head, error))) {
    store_audit_summary_clear (&sum);
    return -1;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "entries");
  json_builder_add_int_value (b, (gint64)sum.entries);
  json_builder_set_member_name (b, "first_id");
  json_builder_add_int_value (b, sum.first_id);
  json_builder_set_member_name (b, "last_id");
  json_builder_add_int_value (b, sum.last_id);
  json_builder_set_member_name (b, "head");
  json_builder_add_string_value (b, sum.last_hash);
  json_builder_set_member_name (b, "db");
  json_builder_add_string_value (b, store_get_path (store));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  station_cli_print_json (root);
  store_audit_summary_clear (&sum);
  return STATION_EXIT_OK;
}

static int
audit_run (StationCli *cli, int argc, char **argv, GError **error)
{
  int i = station_cli_find_word (argc, argv);

  if (i > 0 && strcmp (argv[i], "verify") == 0) {
    memmove (argv + i, argv + i + 1, (gsize)(argc - i) * sizeof (char *));
    return verify_run (cli, argc - 1, argv, error);
  }
  g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE, "expected 'audit verify'");
  return -1;
}

const StationCliCommand station_cli_audit_command = {
  .name = "audit",
  .synopsis = "verify [--head SHA256]",
  .summary = "checks the audit trail's SHA-256 chain; prints a JSON summary, or names the first "
             "edited, inserted or deleted entry (exit 1)",
  .run = audit_run,
};

/* One line of standard input without its newline (the PIN never comes
 * from argv, where other users see it).  Wiped by the caller. */
static char *
read_pin (GError **error)
{
  char buf[64] = { 0 };
  char *pin = NULL;

  if (fgets (buf, sizeof buf, stdin) == NULL) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "--pin-stdin: no PIN on standard input; pipe it in (printf '%%s\\n' PIN | ...)");
    return NULL;
  }
  buf[strcspn (buf, "\r\n")] = '\0';
  pin = g_strdup (buf);
  station_secret_wipe (buf, sizeof buf);
  return pin;
}

static int
add_run (StationCli *cli, int argc, char **argv, GError **error)
{
  g_autofree char *role_text = NULL, *badge = NULL, *display = NULL;
  gboolean pin_stdin = FALSE;
  const GOptionEntry entries[]
      = { { "role", 0, 0, G_OPTION_ARG_STRING, &role_text, "technician or supervisor", "ROLE" },
          { "badge", 0, 0, G_OPTION_ARG_STRING, &badge, "the code the badge scans as", "CODE" },
          { "display-name", 0, 0, G_OPTION_ARG_STRING, &display, "name shown in the app", "TEXT" },
          { "pin-stdin", 0, 0, G_OPTION_ARG_NONE, &pin_stdin,
            "read the PIN (4-12 digits) from standard input", NULL },
          { NULL } };
  g_autoptr (Store) store = NULL;
  StoreRole role = STORE_ROLE_TECHNICIAN;
  char *pin = NULL;
  int rc = -1;

  if (!station_cli_parse (cli, "operator add", "NAME", entries, &argc, &argv, error))
    return -1;
  if (argc != 2) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "usage: operator add NAME --role technician|supervisor [--badge CODE] "
                 "[--pin-stdin]");
    return -1;
  }
  if (role_text != NULL && !store_role_from_string (role_text, &role)) {
    g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
                 "--role %s: expected technician or supervisor", role_text);
    return -1;
  }
  if (pin_stdin && (pin = read_pin (error)) == NULL)
    return -1;
  store = store_open_from_config (cli->config, STORE_OPEN_DEFAULT, error);
  if (store != NULL && store_operator_add (store, argv[1], display, role, badge, pin, error)) {
    g_autoptr (JsonBuilder) b = json_builder_new ();
    g_autoptr (JsonNode) root = NULL;

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "operator");
    json_builder_add_string_value (b, argv[1]);
    json_builder_set_member_name (b, "role");
    json_builder_add_string_value (b, store_role_to_string (role));
    json_builder_end_object (b);
    root = json_builder_get_root (b);
    station_cli_print_json (root);
    rc = STATION_EXIT_OK;
  }
  station_secret_free (pin);
  return rc;
}

static int
operator_run (StationCli *cli, int argc, char **argv, GError **error)
{
  int i = station_cli_find_word (argc, argv);

  if (i > 0 && strcmp (argv[i], "add") == 0) {
    memmove (argv + i, argv + i + 1, (gsize)(argc - i) * sizeof (char *));
    return add_run (cli, argc - 1, argv, error);
  }
  g_set_error (error, STATION_ERROR, STATION_ERROR_USAGE,
               "expected 'operator add NAME --role technician|supervisor [--badge CODE] "
               "[--pin-stdin]'");
  return -1;
}

const StationCliCommand station_cli_operator_command = {
  .name = "operator",
  .synopsis = "add NAME --role technician|supervisor [--badge CODE] [--pin-stdin]",
  .summary = "adds or changes an operator (a supervisor's action once the store has one)",
  .run = operator_run,
};
