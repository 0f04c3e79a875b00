/* a printer driver using its area's vtable header (allowed) */
#include "drivers/printer/printer-drivers.h"
