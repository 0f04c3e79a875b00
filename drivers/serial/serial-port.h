/* drivers/serial/serial-port.h - the one serial transport of the station.
 *
 * Opens a serial port by path (USB CDC/ACM, USB-serial adapters, on-board
 * UARTs through libserialport) or a pseudo terminal (/dev/pts/N, through
 * POSIX termios: libserialport 0.1.1 cannot open ptys) behind one API, in
 * 8N1 raw mode with a non-blocking descriptor.  Every wait is bounded by a
 * deadline on the monotonic clock and can be aborted with a GCancellable;
 * a device that vanishes (cable pulled, pty closed) is SERIAL_ERROR_GONE,
 * never a hang.
 *
 * A SerialPort belongs to one thread at a time (no internal locking).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SERIAL_ERROR (serial_error_quark ())
GQuark serial_error_quark (void);

typedef enum {
  SERIAL_ERROR_NOT_FOUND,  /* no such port: check the cable and the port name */
  SERIAL_ERROR_PERMISSION, /* not allowed to open it: join the dialout group */
  SERIAL_ERROR_BUSY,       /* another program holds the port */
  SERIAL_ERROR_CONFIG,     /* baud rate / line settings refused */
  SERIAL_ERROR_IO,         /* read or write failed */
  SERIAL_ERROR_GONE,       /* the device vanished (cable pulled, pty closed) */
  SERIAL_ERROR_TIMEOUT,    /* a write could not complete in time */
} SerialError;

typedef enum {
  SERIAL_FLOW_NONE,
  SERIAL_FLOW_RTSCTS,
  SERIAL_FLOW_XONXOFF,
} SerialFlow;

#define SERIAL_DEFAULT_BAUD 115200

typedef struct _SerialPort SerialPort;

/* serial_port_open: opens @path at @baud (0 = SERIAL_DEFAULT_BAUD), 8 data
 * bits, no parity, 1 stop bit, flow control @flow, raw, non-blocking.
 * Symlinks are followed; a path that resolves under /dev/pts/ is opened
 * with termios, anything else with libserialport.  Pending input is
 * discarded.  NULL with @error in SERIAL_ERROR on failure. */
SerialPort *serial_port_open (const char *path, guint baud, SerialFlow flow, GError **error);

/* serial_port_close: closes and frees @port (NULL is fine). */
void serial_port_close (SerialPort *port);

/* serial_port_get_path: the path given to serial_port_open (owned by @port). */
const char *serial_port_get_path (SerialPort *port);

/* serial_port_get_fd: the non-blocking descriptor (owned by @port), for
 * callers that poll it with other sources. */
int serial_port_get_fd (SerialPort *port);

/* serial_port_is_pty: TRUE when @port was opened through termios as a pty. */
gboolean serial_port_is_pty (SerialPort *port);

/* serial_port_read: waits until @deadline_us (g_get_monotonic_time() scale;
 * -1 = no wait at all) for input and reads at most @len bytes into @buf.
 * Returns the number of bytes read (> 0), 0 when the deadline passed with
 * nothing to read, or -1 with @error set: SERIAL_ERROR_GONE when the
 * device vanished, SERIAL_ERROR_IO, or G_IO_ERROR_CANCELLED. */
gssize serial_port_read (SerialPort *port, void *buf, gsize len, gint64 deadline_us,
                         GCancellable *cancellable, GError **error);

/* serial_port_write_all: writes all @len bytes of @data before
 * @deadline_us (SERIAL_ERROR_TIMEOUT after it).  FALSE with @error on
 * failure (SERIAL_ERROR_GONE, SERIAL_ERROR_IO, G_IO_ERROR_CANCELLED). */
gboolean serial_port_write_all (SerialPort *port, const void *data, gsize len, gint64 deadline_us,
                                GCancellable *cancellable, GError **error);

/* serial_port_discard_input: drops every byte already received and not
 * yet read.  Returns how many bytes were dropped, or -1 with @error when
 * the device vanished. */
gssize serial_port_discard_input (SerialPort *port, GError **error);

/* What the settings UI shows for each port found on the system. */
typedef struct {
  char *path;          /* "/dev/ttyUSB0" */
  char *description;   /* libserialport's description, may be NULL */
  char *manufacturer;  /* USB manufacturer string, may be NULL */
  char *product;       /* USB product string, may be NULL */
  char *serial_number; /* USB serial number, may be NULL */
  int usb_vid;         /* -1 when not a USB port */
  int usb_pid;         /* -1 when not a USB port */
} SerialPortInfo;

void serial_port_info_free (SerialPortInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SerialPortInfo, serial_port_info_free)

/* serial_port_list: the serial ports present (ptys are not listed), sorted
 * by path; an array of SerialPortInfo that frees its elements.  NULL with
 * @error when the system could not be asked. */
GPtrArray *serial_port_list (GError **error);

G_END_DECLS
