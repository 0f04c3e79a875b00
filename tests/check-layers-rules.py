#!/usr/bin/env python3
"""The driver-folder rules of check-layers.py bite (TAP output): run it on
tests/data/layers-crossed/, a small tree that breaks each rule once (and
keeps to it elsewhere), and check it names exactly the offending includes."""
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
tree = os.path.join(here, 'data', 'layers-crossed')
run = subprocess.run([sys.executable, os.path.join(here, 'check-layers.py'), tree],
                     capture_output=True, text=True)
out = run.stdout.splitlines()
problems = {l[2:] for l in out if l.startswith('# ')}
expected = {
    'drivers/fixture/alpha/api.c includes drivers/fixture/beta/protocol.h '
    '(driver folder drivers/fixture/beta/)',
    'drivers/printer/printer.c includes drivers/printer/gamma/status.h '
    '(driver folder drivers/printer/gamma/)',
    'tests/test-x.c includes drivers/fixture/fixture-driver.h (only drivers/fixture/ may)',
}
checks = [
    ('check-layers fails on the crossed tree', run.returncode == 1, f'exit {run.returncode}'),
    ('a driver folder reaching into another is named',
     'not ok 3 - a driver folder includes no other driver folder' in out, '\n'.join(out)),
    ('a vtable header outside its area is named',
     'not ok 4 - driver vtable headers stay in their area' in out, '\n'.join(out)),
    ('exactly the offending includes are reported', problems == expected,
     f'got {sorted(problems)}'),
]
print(f'1..{len(checks)}')
for n, (name, ok, why) in enumerate(checks, 1):
    print(f'{"ok" if ok else "not ok"} {n} - {name}')
    if not ok:
        for line in why.splitlines():
            print(f'# {line}')
sys.exit(0 if all(ok for _, ok, _ in checks) else 1)
