/* drivers/printer/printer.c - printer URIs and the one list of drivers. */
#define G_LOG_DOMAIN "printer"

#include "drivers/printer/printer.h"

#include <string.h>

#include "drivers/printer/printer-drivers.h"

G_DEFINE_QUARK (printer_error_quark, printer_error)

gboolean
printer_error_is_gone (const GError *error)
{
  return g_error_matches (error, PRINTER_ERROR, PRINTER_ERROR_UNREACHABLE)
         || g_error_matches (error, PRINTER_ERROR, PRINTER_ERROR_CONNECTION_LOST);
}

/* The one explicit list of printer drivers. */
static const PrinterDriver *const drivers[] = {
  &printer_file_driver,
  &printer_cups_driver,
  &printer_zpl_driver,
  NULL,
};

static const char *const format_names[] = {
  [PRINTER_FORMAT_PNG] = "png",
  [PRINTER_FORMAT_PDF] = "pdf",
  [PRINTER_FORMAT_SVG] = "svg",
  [PRINTER_FORMAT_ZPL] = "zpl",
};

struct _PrinterParams {
  GHashTable *values; /* key -> value */
  GHashTable *read;   /* keys a driver asked for */
};

struct _Printer {
  const PrinterDriver *driver;
  gpointer handle;
  char *uri;
  PrinterFormat format;
};

const PrinterDriver *const *
printer_drivers (void)
{
  return drivers;
}

const char *
printer_format_name (PrinterFormat format)
{
  g_return_val_if_fail ((gsize)format < G_N_ELEMENTS (format_names), "?");
  return format_names[format];
}

gboolean
printer_format_from_name (const char *name, PrinterFormat *format, GError **error)
{
  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (format_names); i++) {
    if (g_ascii_strcasecmp (name, format_names[i]) == 0) {
      *format = (PrinterFormat)i;
      return TRUE;
    }
  }
  g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_FORMAT,
               "format '%s': must be png, pdf, svg or zpl", name ? name : "");
  return FALSE;
}

const char *
printer_params_get (PrinterParams *params, const char *key)
{
  g_hash_table_add (params->read, g_strdup (key));
  return g_hash_table_lookup (params->values, key);
}

gboolean
printer_params_get_seconds (PrinterParams *params, const char *key, guint fallback_ms,
                            guint *out_ms, GError **error)
{
  const char *v = printer_params_get (params, key);
  char *end = NULL;
  double s;

  if (v == NULL) {
    *out_ms = fallback_ms;
    return TRUE;
  }
  s = g_ascii_strtod (v, &end);
  if (end == v || *end != '\0' || !(s >= 0.1 && s <= 3600)) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_URI, "%s=%s: must be seconds (0.1-3600)", key,
                 v);
    return FALSE;
  }
  *out_ms = (guint)(s * 1000);
  return TRUE;
}

static void
params_free (PrinterParams *p)
{
  g_hash_table_unref (p->values);
  g_hash_table_unref (p->read);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PrinterParams, params_free)

static PrinterParams *
params_parse (const char *query, GError **error)
{
  PrinterParams *p = g_new0 (PrinterParams, 1);
  g_auto (GStrv) parts = NULL;

  p->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  p->read = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (query == NULL || *query == '\0')
    return p;
  parts = g_strsplit (query, "&", 64);
  for (gsize i = 0; parts[i] != NULL; i++) {
    const char *eq = strchr (parts[i], '=');
    g_autofree char *key = NULL;
    g_autofree char *value = NULL;

    if (eq == NULL || eq == parts[i]) {
      g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_URI, "'%s': parameters are key=value",
                   parts[i]);
      params_free (p);
      return NULL;
    }
    key = g_strndup (parts[i], eq - parts[i]);
    value = g_uri_unescape_string (eq + 1, NULL);
    if (value == NULL) {
      g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_URI, "'%s': bad %%-escape", parts[i]);
      params_free (p);
      return NULL;
    }
    g_hash_table_replace (p->values, g_steal_pointer (&key), g_steal_pointer (&value));
  }
  return p;
}

Printer *
printer_open (const char *uri, GError **error)
{
  g_autoptr (PrinterParams) params = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *location = NULL;
  const PrinterDriver *driver = NULL;
  const char *colon, *query, *fmt;
  PrinterFormat format;
  gpointer handle;
  GHashTableIter it;
  gpointer key;
  Printer *p;

  colon = uri != NULL ? strchr (uri, ':') : NULL;
  if (colon == NULL || colon == uri) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_URI,
                 "printer '%s': expected file:DIR, cups:QUEUE or zpl:HOST:PORT", uri ? uri : "");
    return NULL;
  }
  scheme = g_strndup (uri, colon - uri);
  for (gsize i = 0; drivers[i] != NULL; i++)
    if (g_ascii_strcasecmp (drivers[i]->name, scheme) == 0)
      driver = drivers[i];
  if (driver == NULL) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_URI,
                 "printer '%s': unknown kind '%s' (file, cups or zpl)", uri, scheme);
    return NULL;
  }
  query = strchr (colon + 1, '?');
  location = query ? g_strndup (colon + 1, query - colon - 1) : g_strdup (colon + 1);
  params = params_parse (query ? query + 1 : NULL, &local);
  if (params == NULL) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_URI, "printer '%s': %s", uri, local->message);
    return NULL;
  }

  format = driver->default_format;
  fmt = printer_params_get (params, "format");
  if (fmt != NULL && !printer_format_from_name (fmt, &format, &local)) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_FORMAT, "printer '%s': %s", uri,
                 local->message);
    return NULL;
  }
  if ((driver->formats & PRINTER_FORMAT_MASK (format)) == 0) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_FORMAT, "printer '%s': %s printers take no %s",
                 uri, driver->name, printer_format_name (format));
    return NULL;
  }

  handle = driver->open (location, params, &local);
  if (handle == NULL) {
    g_set_error (error, local->domain, local->code, "printer '%s': %s", uri, local->message);
    return NULL;
  }
  g_hash_table_iter_init (&it, params->values);
  while (g_hash_table_iter_next (&it, &key, NULL)) {
    if (!g_hash_table_contains (params->read, key)) {
      g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_URI, "printer '%s': unknown parameter '%s'",
                   uri, (char *)key);
      driver->close (handle);
      return NULL;
    }
  }

  p = g_new0 (Printer, 1);
  p->driver = driver;
  p->handle = handle;
  p->uri = g_strdup (uri);
  p->format = format;
  return p;
}

void
printer_close (Printer *printer)
{
  if (printer == NULL)
    return;
  printer->driver->close (printer->handle);
  g_free (printer->uri);
  g_free (printer);
}

const char *
printer_get_uri (Printer *printer)
{
  return printer->uri;
}

PrinterFormat
printer_get_format (Printer *printer)
{
  return printer->format;
}

/* Puts the printer URI in front of a driver's message. */
static gboolean
prefixed (Printer *printer, GError *local, GError **error)
{
  g_set_error (error, local->domain, local->code, "printer '%s': %s", printer->uri, local->message);
  g_error_free (local);
  return FALSE;
}

gboolean
printer_check (Printer *printer, GCancellable *cancellable, GError **error)
{
  GError *local = NULL;

  if (!printer->driver->check (printer->handle, cancellable, &local))
    return prefixed (printer, local, error);
  return TRUE;
}

gboolean
printer_print (Printer *printer, const PrinterJob *job, GCancellable *cancellable, GError **error)
{
  GError *local = NULL;

  if ((printer->driver->formats & PRINTER_FORMAT_MASK (job->format)) == 0) {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_FORMAT, "printer '%s': takes no %s",
                 printer->uri, printer_format_name (job->format));
    return FALSE;
  }
  g_debug ("%s: job %" G_GUINT64_FORMAT " '%s' (%s, %" G_GSIZE_FORMAT " bytes)", printer->uri,
           job->id, job->title ? job->title : "", printer_format_name (job->format),
           g_bytes_get_size (job->data));
  if (!printer->driver->print (printer->handle, job, cancellable, &local))
    return prefixed (printer, local, error);
  return TRUE;
}
