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
import os
import subprocess
import sys

MARKS = [b'STATION_CRASH_AT']


def objects(path):
    """The files holding the archive's code: meson's static libraries are
    thin archives, which only name their object files."""
    path = os.path.abspath(path)
    with open(path, 'rb') as f:
        thin = f.read(8) == b'!<thin>\n'
    if not thin:
        return [path]
    names = subprocess.run(['ar', 't', path], check=True, capture_output=True,
                           text=True).stdout.split('\n')
    return [n for n in names if n]


def has_hook(path):
    found = False
    members = objects(path)
    assert members, 'no object in ' + path
    for member in members:
        with open(member, 'rb') as f:
            data = f.read()
        found = found or any(m in data for m in MARKS)
    return found


product, station_lib, hooks = sys.argv[1], sys.argv[2], sys.argv[3] == 'true'
print('1..2')
ok = not has_hook(product)
print(('ok' if ok else 'not ok') + ' 1 product build: no STATION_CRASH_AT in ' + product)
got = has_hook(station_lib)
ok2 = got == hooks
print(('ok' if ok2 else 'not ok') + ' 2 this build (test_hooks=%s): hook %s in %s'
      % ('true' if hooks else 'false', 'present' if got else 'absent', station_lib))
sys.exit(0 if ok and ok2 else 1)
