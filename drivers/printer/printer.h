/* drivers/printer/printer.h - label printers behind one small vtable
 * (libsigrok style): each driver is a const PrinterDriver, listed in the one
 * array of printer.c.  A printer is named by a URI:
 *
 *   file:DIR[?format=png|pdf|svg|zpl]     writes each job as a file in DIR
 *   cups:QUEUE[?format=pdf|png|zpl&timeout=S&connect_timeout=S]
 *                                         a CUPS queue (server from
 *                                         CUPS_SERVER / client.conf)
 *   zpl:HOST:PORT[?timeout=S]             a ZPL printer on raw TCP (9100)
 *
 * Drivers receive already rendered bytes and their format; they know
 * nothing of templates.  Every failure the operator can fix is a named
 * PrinterError code (paper out, head open, paused, stopped queue, ...). */
#pragma once

#include <gio/gio.h>
#include <glib.h>

G_BEGIN_DECLS

#define PRINTER_ERROR (printer_error_quark ())
GQuark printer_error_quark (void);

typedef enum {
  PRINTER_ERROR_URI,             /* malformed printer URI or unknown driver (usage) */
  PRINTER_ERROR_FORMAT,          /* the printer does not take this format (usage) */
  PRINTER_ERROR_REASON,          /* a reprint without a reason (usage) */
  PRINTER_ERROR_NO_JOB,          /* no such job in the print queue (usage) */
  PRINTER_ERROR_UNREACHABLE,     /* cannot connect to the printer or the CUPS server */
  PRINTER_ERROR_OFFLINE,         /* the printer reports itself offline */
  PRINTER_ERROR_MEDIA_EMPTY,     /* out of labels (paper out) */
  PRINTER_ERROR_MEDIA_JAM,       /* labels jammed */
  PRINTER_ERROR_HEAD_OPEN,       /* print head (cover) open */
  PRINTER_ERROR_RIBBON_OUT,      /* thermal-transfer ribbon out */
  PRINTER_ERROR_PAUSED,          /* paused on the printer */
  PRINTER_ERROR_STOPPED,         /* CUPS queue stopped (disabled) */
  PRINTER_ERROR_REJECTING,       /* CUPS queue rejects jobs */
  PRINTER_ERROR_NO_STATUS,       /* a ZPL printer that does not answer ~HS */
  PRINTER_ERROR_FAULT,           /* another fault the printer reports (temperature, memory) */
  PRINTER_ERROR_JOB_FAILED,      /* the job was aborted or cancelled */
  PRINTER_ERROR_TIMEOUT,         /* the job did not finish in time */
  PRINTER_ERROR_HELD,            /* the label waits in the queue for a retry */
  PRINTER_ERROR_IO,              /* writing the job failed (file) */
  PRINTER_ERROR_CONNECTION_LOST, /* the printer's connection broke during a job (it went off):
                                  * the label may or may not have printed */
} PrinterError;

/* printer_error_is_gone: TRUE when @error says the printer went away (it
 * cannot be reached, or its connection broke during a job): waiting for it
 * to come back is the remedy, not a repair by the operator. */
gboolean printer_error_is_gone (const GError *error);

typedef enum {
  PRINTER_FORMAT_PNG,
  PRINTER_FORMAT_PDF,
  PRINTER_FORMAT_SVG,
  PRINTER_FORMAT_ZPL,
} PrinterFormat;

#define PRINTER_FORMAT_MASK(f) (1u << (f))

/* One job as a driver receives it. */
typedef struct {
  guint64 id;        /* the print queue's job number (0 outside a queue) */
  const char *title; /* e.g. the device ID */
  PrinterFormat format;
  GBytes *data;
} PrinterJob;

typedef struct _PrinterParams PrinterParams;

typedef struct {
  const char *name;        /* URI scheme */
  const char *description; /* one line for --help and docs/labels.md */
  guint formats;           /* PRINTER_FORMAT_MASK()s it accepts */
  PrinterFormat default_format;
  /* open: checks @location (the URI after "scheme:") and @params, no I/O
   * beyond local checks.  Returns the driver's handle. */
  gpointer (*open) (const char *location, PrinterParams *params, GError **error);
  /* check: asks the printer whether it can print now; FALSE with a named
   * PrinterError otherwise. */
  gboolean (*check) (gpointer handle, GCancellable *cancellable, GError **error);
  /* print: sends @job and follows it until the printer reports it done
   * (or fails with a named error; nothing is left queued on the printer's
   * side when that is possible). */
  gboolean (*print) (gpointer handle, const PrinterJob *job, GCancellable *cancellable,
                     GError **error);
  void (*close) (gpointer handle);
} PrinterDriver;

/* printer_params_*: the URI's "?key=value&..." part for drivers.  A
 * parameter a driver does not read makes printer_open() fail. */
const char *printer_params_get (PrinterParams *params, const char *key);
/* printer_params_get_seconds: @key as seconds (0.1-3600) in milliseconds,
 * @fallback_ms when absent; FALSE with PRINTER_ERROR_URI when malformed. */
gboolean printer_params_get_seconds (PrinterParams *params, const char *key, guint fallback_ms,
                                     guint *out_ms, GError **error);

/* printer_drivers: the one list of drivers (NULL-terminated). */
const PrinterDriver *const *printer_drivers (void);

const char *printer_format_name (PrinterFormat format);
gboolean printer_format_from_name (const char *name, PrinterFormat *format, GError **error);

typedef struct _Printer Printer;

/* printer_open: parses @uri and opens its driver (no job sent).  NULL with
 * PRINTER_ERROR_URI (or _FORMAT for a format the driver cannot take). */
Printer *printer_open (const char *uri, GError **error);
void printer_close (Printer *printer);

const char *printer_get_uri (Printer *printer);
/* printer_get_format: the format this printer wants jobs in. */
PrinterFormat printer_get_format (Printer *printer);

/* printer_check: see PrinterDriver.check. */
gboolean printer_check (Printer *printer, GCancellable *cancellable, GError **error);

/* printer_print: sends one job.  Error messages start with the printer URI. */
gboolean printer_print (Printer *printer, const PrinterJob *job, GCancellable *cancellable,
                        GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Printer, printer_close)

G_END_DECLS
