/* the shared layer naming a driver folder (must be refused) */
#include "drivers/printer/gamma/status.h"
