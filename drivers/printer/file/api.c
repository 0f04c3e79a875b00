/* drivers/printer/file/api.c - the file "printer": each job becomes a
 * file in a folder (for previews, archives and the demo). */
#define G_LOG_DOMAIN "printer"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "drivers/printer/printer-drivers.h"

/* Most files tried for one job before giving up on finding a free name. */
#define NAME_TRIES 1000

typedef struct {
  char *dir;
} FilePrinter;

static void
file_close (gpointer handle)
{
  FilePrinter *f = handle;

  g_free (f->dir);
  g_free (f);
}

static gpointer
file_open (const char *location, PrinterParams *params, GError **error)
{
  FilePrinter *f;

  if (location == NULL || *location == '\0') {
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_URI, "expected file:DIR");
    return NULL;
  }
  f = g_new0 (FilePrinter, 1);
  f->dir = g_strdup (location);
  return f;
}

/* file_check: the folder exists (made when missing) and takes a file: a
 * real write, so root (whom access() lets through) and read-only file
 * systems are told too. */
static gboolean
file_check (gpointer handle, GCancellable *cancellable, GError **error)
{
  FilePrinter *f = handle;
  g_autofree char *probe = g_build_filename (f->dir, ".printer-check-XXXXXX", NULL);
  int fd;

  if (g_mkdir_with_parents (f->dir, 0755) != 0 || !g_file_test (f->dir, G_FILE_TEST_IS_DIR)) {
    int e = errno;
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_IO,
                 "%s: not a folder and cannot be made one (%s): give a writable folder", f->dir,
                 g_strerror (e));
    return FALSE;
  }
  fd = g_mkstemp (probe);
  if (fd < 0) {
    int e = errno;
    g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_IO,
                 "%s: not a writable folder (%s): give a writable folder", f->dir, g_strerror (e));
    return FALSE;
  }
  close (fd);
  g_unlink (probe);
  return TRUE;
}

/* A file name part from @title: letters, digits, - and . kept. */
static char *
safe_name (const char *title)
{
  GString *s = g_string_new (NULL);

  for (const char *c = title ? title : ""; *c && s->len < 64; c++)
    g_string_append_c (s, g_ascii_isalnum (*c) || *c == '-' || *c == '.' ? *c : '_');
  if (s->len == 0)
    g_string_append (s, "label");
  return g_string_free (s, FALSE);
}

static gboolean
file_print (gpointer handle, const PrinterJob *job, GCancellable *cancellable, GError **error)
{
  FilePrinter *f = handle;
  g_autofree char *base = safe_name (job->title);
  g_autoptr (GError) local = NULL;
  gsize len;
  const char *data = g_bytes_get_data (job->data, &len);
  const char *ext = printer_format_name (job->format);

  if (!file_check (f, cancellable, error))
    return FALSE;
  for (int i = 0; i < NAME_TRIES; i++) {
    g_autofree char *name = i == 0 ? g_strdup_printf ("%s.%s", base, ext)
                                   : g_strdup_printf ("%s-%d.%s", base, i, ext);
    g_autofree char *path = g_build_filename (f->dir, name, NULL);

    if (g_file_test (path, G_FILE_TEST_EXISTS))
      continue;
    if (!g_file_set_contents_full (path, data, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                   &local)) {
      g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_IO, "%s", local->message);
      return FALSE;
    }
    g_debug ("job %" G_GUINT64_FORMAT " written to %s", job->id, path);
    return TRUE;
  }
  g_set_error (error, PRINTER_ERROR, PRINTER_ERROR_IO, "%s: %d files named %s-*.%s already", f->dir,
               NAME_TRIES, base, ext);
  return FALSE;
}

const PrinterDriver printer_file_driver = {
  .name = "file",
  .description = "files in a folder: file:DIR[?format=png|pdf|svg|zpl]",
  .formats = PRINTER_FORMAT_MASK (PRINTER_FORMAT_PNG) | PRINTER_FORMAT_MASK (PRINTER_FORMAT_PDF)
             | PRINTER_FORMAT_MASK (PRINTER_FORMAT_SVG) | PRINTER_FORMAT_MASK (PRINTER_FORMAT_ZPL),
  .default_format = PRINTER_FORMAT_PNG,
  .open = file_open,
  .check = file_check,
  .print = file_print,
  .close = file_close,
};
