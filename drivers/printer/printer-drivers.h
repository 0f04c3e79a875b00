/* drivers/printer/printer-drivers.h - the drivers listed in printer.c
 * (internal to drivers/printer/). */
#pragma once

#include "drivers/printer/printer.h"

G_BEGIN_DECLS

extern const PrinterDriver printer_file_driver;
extern const PrinterDriver printer_cups_driver;
extern const PrinterDriver printer_zpl_driver;

G_END_DECLS
