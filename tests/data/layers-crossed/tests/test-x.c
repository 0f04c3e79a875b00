/* a test using a driver vtable header (must be refused) */
#include "drivers/fixture/fixture-driver.h"
#include "drivers/fixture/beta/protocol.h"
