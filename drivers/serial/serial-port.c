/* drivers/serial/serial-port.c - libserialport wrapper with a termios path
 * for pseudo terminals.  The only file of drivers/ that includes
 * libserialport.h. */
#define G_LOG_DOMAIN "serial"

#include "drivers/serial/serial-port.h"

#include <errno.h>
#include <fcntl.h>
#include <libserialport.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

G_DEFINE_QUARK (serial_error_quark, serial_error)

/* Bytes discard_input drops at most in one call (bounds a babbling device). */
#define DISCARD_MAX (1024 * 1024)

struct _SerialPort {
  char *path;
  int fd;
  struct sp_port *sp; /* NULL when opened through termios */
};

static int
open_errno_code (int err)
{
  switch (err) {
  case EACCES:
  case EPERM:
    return SERIAL_ERROR_PERMISSION;
  case EBUSY:
    return SERIAL_ERROR_BUSY;
  case ENOENT:
  case ENODEV:
  case ENXIO:
    return SERIAL_ERROR_NOT_FOUND;
  default:
    return SERIAL_ERROR_IO;
  }
}

static void
set_open_error (GError **error, const char *path, int err)
{
  int code = open_errno_code (err);
  const char *hint = "";

  if (code == SERIAL_ERROR_PERMISSION)
    hint = " (add the user to the dialout group)";
  else if (code == SERIAL_ERROR_BUSY)
    hint = " (close the other program that uses it)";
  else if (code == SERIAL_ERROR_NOT_FOUND)
    hint = " (check the cable and the port name)";
  g_set_error (error, SERIAL_ERROR, code, "%s: cannot open: %s%s", path, g_strerror (err), hint);
}

static gboolean
baud_to_speed (guint baud, speed_t *speed)
{
  static const struct {
    guint baud;
    speed_t speed;
  } rates[] = {
    { 1200, B1200 },       { 2400, B2400 },       { 4800, B4800 },       { 9600, B9600 },
    { 19200, B19200 },     { 38400, B38400 },     { 57600, B57600 },     { 115200, B115200 },
    { 230400, B230400 },   { 460800, B460800 },   { 921600, B921600 },   { 1000000, B1000000 },
    { 2000000, B2000000 }, { 3000000, B3000000 }, { 4000000, B4000000 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rates); i++)
    if (rates[i].baud == baud) {
      *speed = rates[i].speed;
      return TRUE;
    }
  return FALSE;
}

static gboolean
set_nonblocking (int fd, const char *path, GError **error)
{
  int flags = fcntl (fd, F_GETFL);

  if (flags < 0 || fcntl (fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    int err = errno;
    g_set_error (error, SERIAL_ERROR, SERIAL_ERROR_CONFIG, "%s: cannot make non-blocking: %s", path,
                 g_strerror (err));
    return FALSE;
  }
  return TRUE;
}

/* libserialport leaves VMIN 0: see open_termios for why we want 1. */
static gboolean
set_vmin1 (int fd, const char *path, GError **error)
{
  struct termios tio;

  if (tcgetattr (fd, &tio) != 0 || (tio.c_cc[VMIN] = 1, tio.c_cc[VTIME] = 0, 0)
      || tcsetattr (fd, TCSANOW, &tio) != 0) {
    int err = errno;
    g_set_error (error, SERIAL_ERROR, SERIAL_ERROR_CONFIG, "%s: cannot set read mode: %s", path,
                 g_strerror (err));
    return FALSE;
  }
  return TRUE;
}

/* Opens a tty (a pty in practice) with POSIX termios: raw 8N1. */
static int
open_termios (const char *path, guint baud, SerialFlow flow, GError **error)
{
  struct termios tio;
  speed_t speed;
  int fd;

  if (!baud_to_speed (baud, &speed)) {
    g_set_error (error, SERIAL_ERROR, SERIAL_ERROR_CONFIG, "%s: unsupported baud rate %u", path,
                 baud);
    return -1;
  }
  fd = open (path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    set_open_error (error, path, errno);
    return -1;
  }
  if (!isatty (fd) || tcgetattr (fd, &tio) != 0) {
    g_set_error (error, SERIAL_ERROR, SERIAL_ERROR_CONFIG, "%s: not a serial port or terminal",
                 path);
    goto fail;
  }
  cfmakeraw (&tio);
  tio.c_cflag &= ~(CSIZE | PARENB | CSTOPB | CRTSCTS);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;
  tio.c_iflag &= ~(IXON | IXOFF | IXANY);
  if (flow == SERIAL_FLOW_RTSCTS)
    tio.c_cflag |= CRTSCTS;
  else if (flow == SERIAL_FLOW_XONXOFF)
    tio.c_iflag |= IXON | IXOFF;
  /* VMIN 1: with O_NONBLOCK an empty read is EAGAIN and 0 means hang-up
   * (VMIN 0 would make both read 0) */
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  if (cfsetispeed (&tio, speed) != 0 || cfsetospeed (&tio, speed) != 0
      || tcsetattr (fd, TCSANOW, &tio) != 0) {
    int err = errno;
    g_set_error (error, SERIAL_ERROR, SERIAL_ERROR_CONFIG, "%s: cannot set line settings: %s", path,
                 g_strerror (err));
    goto fail;
  }
  return fd;

fail:
  close (fd);
  return -1;
}

static gboolean
sp_check (enum sp_return rc, const char *path, const char *what, GError **error)
{
  char *msg;

  if (rc == SP_OK)
    return TRUE;
  msg = sp_last_error_message ();
  g_set_error (error, SERIAL_ERROR, SERIAL_ERROR_CONFIG, "%s: cannot set %s: %s", path, what,
               msg != NULL ? msg : "unknown error");
  if (msg != NULL)
    sp_free_error_message (msg);
  return FALSE;
}

/* Opens a real serial port through libserialport.  Returns FALSE with
 * *not_found set (and no error) when libserialport does not know the
 * device, so the caller can try termios. */
static gboolean
open_libserialport (SerialPort *port, const char *path, guint baud, SerialFlow flow,
                    gboolean *not_found, GError **error)
{
  static const enum sp_flowcontrol flows[] = {
    [SERIAL_FLOW_NONE] = SP_FLOWCONTROL_NONE,
    [SERIAL_FLOW_RTSCTS] = SP_FLOWCONTROL_RTSCTS,
    [SERIAL_FLOW_XONXOFF] = SP_FLOWCONTROL_XONXOFF,
  };
  struct sp_port *sp = NULL;
  int fd = -1;

  *not_found = FALSE;
  if (sp_get_port_by_name (path, &sp) != SP_OK) {
    *not_found = TRUE;
    return FALSE;
  }
  if (sp_open (sp, SP_MODE_READ_WRITE) != SP_OK) {
    int err = sp_last_error_code ();
    set_open_error (error, path, err != 0 ? err : ENODEV);
    sp_free_port (sp);
    return FALSE;
  }
  if (!sp_check (sp_set_baudrate (sp, (int)baud), path, "baud rate", error)
      || !sp_check (sp_set_bits (sp, 8), path, "data bits", error)
      || !sp_check (sp_set_parity (sp, SP_PARITY_NONE), path, "parity", error)
      || !sp_check (sp_set_stopbits (sp, 1), path, "stop bits", error)
      || !sp_check (sp_set_flowcontrol (sp, flows[flow]), path, "flow control", error)
      || !sp_check (sp_get_port_handle (sp, &fd), path, "handle", error)
      || !set_vmin1 (fd, path, error) || !set_nonblocking (fd, path, error)) {
    sp_close (sp);
    sp_free_port (sp);
    return FALSE;
  }
  port->sp = sp;
  port->fd = fd;
  return TRUE;
}

SerialPort *
serial_port_open (const char *path, guint baud, SerialFlow flow, GError **error)
{
  g_autofree char *resolved = NULL;
  SerialPort *port;
  gboolean not_found = FALSE;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (flow <= SERIAL_FLOW_XONXOFF, NULL);

  if (baud == 0)
    baud = SERIAL_DEFAULT_BAUD;
  resolved = realpath (path, NULL);
  if (resolved == NULL) {
    set_open_error (error, path, errno);
    return NULL;
  }

  port = g_new0 (SerialPort, 1);
  port->path = g_strdup (path);
  port->fd = -1;
  if (!g_str_has_prefix (resolved, "/dev/pts/")
      && !open_libserialport (port, resolved, baud, flow, &not_found, error) && !not_found)
    goto fail;
  if (port->fd < 0) {
    /* a pty, or a tty that libserialport cannot see in sysfs */
    port->fd = open_termios (resolved, baud, flow, error);
    if (port->fd < 0)
      goto fail;
  }
  if (serial_port_discard_input (port, error) < 0)
    goto fail;
  g_debug ("%s: open (%s, %u baud)", path, port->sp != NULL ? "libserialport" : "termios", baud);
  return port;

fail:
  if (error != NULL && *error != NULL && g_strcmp0 (path, resolved) != 0)
    g_prefix_error (error, "%s -> ", path);
  serial_port_close (port);
  return NULL;
}

void
serial_port_close (SerialPort *port)
{
  if (port == NULL)
    return;
  if (port->sp != NULL) {
    sp_close (port->sp);
    sp_free_port (port->sp);
  } else if (port->fd >= 0) {
    close (port->fd);
  }
  g_free (port->path);
  g_free (port);
}

const char *
serial_port_get_path (SerialPort *port)
{
  return port->path;
}

int
serial_port_get_fd (SerialPort *port)
{
  return port->fd;
}

gboolean
serial_port_is_pty (SerialPort *port)
{
  return port->sp == NULL;
}

static gboolean
errno_is_gone (int err)
{
  return err == EIO || err == ENXIO || err == ENODEV || err == EBADF;
}

static void
set_io_error (SerialPort *port, GError **error, const char *what, int err)
{
  if (errno_is_gone (err))
    g_set_error (error, SERIAL_ERROR, SERIAL_ERROR_GONE,
                 "%s: device vanished (%s failed: %s); check the cable", port->path, what,
                 g_strerror (err));
  else
    g_set_error (error, SERIAL_ERROR, SERIAL_ERROR_IO, "%s: %s failed: %s", port->path, what,
                 g_strerror (err));
}

/* Waits for @events on the port (and the cancellable) until @deadline_us.
 * Returns 1 when ready, 0 on timeout, -1 with @error (cancelled, hang-up). */
static int
wait_fd (SerialPort *port, short events, gint64 deadline_us, GCancellable *cancellable,
         GError **error)
{
  struct pollfd pfd[2];
  int n = 1;
  int rc;

  pfd[0] = (struct pollfd){ .fd = port->fd, .events = events };
  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, (GPollFD *)&pfd[1]))
    n = 2;
  for (;;) {
    gint64 now = g_get_monotonic_time ();
    int timeout_ms = 0;

    if (deadline_us > now)
      timeout_ms = (int)MIN ((deadline_us - now + 999) / 1000, G_MAXINT);
    rc = poll (pfd, n, timeout_ms);
    if (rc < 0 && errno == EINTR)
      continue;
    break;
  }
  if (n == 2)
    g_cancellable_release_fd (cancellable);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
  if (rc < 0) {
    set_io_error (port, error, "poll", errno);
    return -1;
  }
  if (rc == 0)
    return 0;
  if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL) && !(pfd[0].revents & events)) {
    g_set_error (error, SERIAL_ERROR, SERIAL_ERROR_GONE,
                 "%s: device vanished (hang-up); check the cable", port->path);
    return -1;
  }
  return 1;
}

gssize
serial_port_read (SerialPort *port, void *buf, gsize len, gint64 deadline_us,
                  GCancellable *cancellable, GError **error)
{
  gboolean waited = FALSE;

  g_return_val_if_fail (port != NULL && buf != NULL && len > 0, -1);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
  /* at most: one read, one wait, one read (a wait that reports input is
   * followed by a read that gets it, or by a hang-up) */
  for (int round = 0; round < 1000; round++) {
    ssize_t n = read (port->fd, buf, len);
    int rc;

    if (n > 0)
      return n;
    if (n == 0) {
      /* end of file on a tty: the other side hung up */
      g_set_error (error, SERIAL_ERROR, SERIAL_ERROR_GONE,
                   "%s: device vanished (end of file); check the cable", port->path);
      return -1;
    }
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      set_io_error (port, error, "read", errno);
      return -1;
    }
    if (waited && g_get_monotonic_time () >= deadline_us)
      return 0;
    rc = wait_fd (port, POLLIN, deadline_us, cancellable, error);
    if (rc <= 0)
      return rc;
    waited = TRUE;
  }
  /* input announced a thousand times yet never readable */
  g_set_error (error, SERIAL_ERROR, SERIAL_ERROR_IO, "%s: input never became readable", port->path);
  return -1;
}

gboolean
serial_port_write_all (SerialPort *port, const void *data, gsize len, gint64 deadline_us,
                       GCancellable *cancellable, GError **error)
{
  const guint8 *p = data;

  g_return_val_if_fail (port != NULL && (data != NULL || len == 0), FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  while (len > 0) {
    ssize_t n = write (port->fd, p, len);
    int rc;

    if (n > 0) {
      p += n;
      len -= (gsize)n;
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      set_io_error (port, error, "write", errno);
      return FALSE;
    }
    rc = wait_fd (port, POLLOUT, deadline_us, cancellable, error);
    if (rc < 0)
      return FALSE;
    if (rc == 0) {
      g_set_error (error, SERIAL_ERROR, SERIAL_ERROR_TIMEOUT,
                   "%s: write timed out with %" G_GSIZE_FORMAT " bytes left (flow control?)",
                   port->path, len);
      return FALSE;
    }
  }
  return TRUE;
}

gssize
serial_port_discard_input (SerialPort *port, GError **error)
{
  guint8 buf[4096];
  gssize total = 0;

  tcflush (port->fd, TCIFLUSH);
  while (total < DISCARD_MAX) {
    ssize_t n = read (port->fd, buf, sizeof buf);

    if (n > 0) {
      total += n;
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      break;
    if (n == 0 || errno_is_gone (errno)) {
      g_set_error (error, SERIAL_ERROR, SERIAL_ERROR_GONE, "%s: device vanished; check the cable",
                   port->path);
      return -1;
    }
    set_io_error (port, error, "read", errno);
    return -1;
  }
  return total;
}

void
serial_port_info_free (SerialPortInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->path);
  g_free (info->description);
  g_free (info->manufacturer);
  g_free (info->product);
  g_free (info->serial_number);
  g_free (info);
}

static int
compare_info (gconstpointer a, gconstpointer b)
{
  const SerialPortInfo *x = *(SerialPortInfo *const *)a;
  const SerialPortInfo *y = *(SerialPortInfo *const *)b;

  return g_strcmp0 (x->path, y->path);
}

GPtrArray *
serial_port_list (GError **error)
{
  struct sp_port **list = NULL;
  GPtrArray *infos;

  if (sp_list_ports (&list) != SP_OK) {
    char *msg = sp_last_error_message ();
    g_set_error (error, SERIAL_ERROR, SERIAL_ERROR_IO, "cannot list serial ports: %s",
                 msg != NULL ? msg : "unknown error");
    if (msg != NULL)
      sp_free_error_message (msg);
    return NULL;
  }
  infos = g_ptr_array_new_with_free_func ((GDestroyNotify)serial_port_info_free);
  for (gsize i = 0; list[i] != NULL && i < 4096; i++) {
    SerialPortInfo *info = g_new0 (SerialPortInfo, 1);
    const char *s;

    info->path = g_strdup (sp_get_port_name (list[i]));
    info->description = g_strdup (sp_get_port_description (list[i]));
    info->usb_vid = info->usb_pid = -1;
    if (sp_get_port_transport (list[i]) == SP_TRANSPORT_USB) {
      if (sp_get_port_usb_vid_pid (list[i], &info->usb_vid, &info->usb_pid) != SP_OK)
        info->usb_vid = info->usb_pid = -1;
      if ((s = sp_get_port_usb_manufacturer (list[i])) != NULL)
        info->manufacturer = g_strdup (s);
      if ((s = sp_get_port_usb_product (list[i])) != NULL)
        info->product = g_strdup (s);
      if ((s = sp_get_port_usb_serial (list[i])) != NULL)
        info->serial_number = g_strdup (s);
    }
    g_ptr_array_add (infos, info);
  }
  sp_free_port_list (list);
  g_ptr_array_sort (infos, compare_info);
  return infos;
}
