#!/usr/bin/env python3
"""The crash hook STATION_CRASH_AT exists only in builds configured with
-Dtest_hooks=true (TAP output).

Arguments: PRODUCT_OBJECT STATION_LIB TEST_HOOKS
- PRODUCT_OBJECT: the pipeline's unit-run.c compiled as a product build
  compiles it (no -Dtest_hooks): it must hold no trace of the hook (the
  environment variable's name, the kill message);
- STATION_LIB: the station library of this build: it holds the hook
  exactly when TEST_HOOKS is "true" (so the check above is not vacuous:
  the same source does compile the hook in when asked).
"""
import sys

MARKS = [b'STATION_CRASH_AT']


def has_hook(path):
    with open(path, 'rb') as f:
        data = f.read()
    return any(m in data for m in MARKS)


product, station_lib, hooks = sys.argv[1], sys.argv[2], sys.argv[3] == 'true'
print('1..2')
ok = not has_hook(product)
print(('ok' if ok else 'not ok') + ' 1 product build: no STATION_CRASH_AT in ' + product)
got = has_hook(station_lib)
ok2 = got == hooks
print(('ok' if ok2 else 'not ok') + ' 2 this build (test_hooks=%s): hook %s in %s'
      % ('true' if hooks else 'false', 'present' if got else 'absent', station_lib))
sys.exit(0 if ok and ok2 else 1)
