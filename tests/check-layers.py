#!/usr/bin/env python3
"""Layer rules of DESIGN.md, checked over the source tree (TAP output).

- only ui/ includes GTK (or GDK) headers (and the ui tests, tests/test-ui*,
  which drive its widgets under Xvfb);
- dependencies point downwards: drivers/ and labels/ include nothing from
  station/, ui/ or fixtures/; station/ includes nothing from ui/ or fixtures/;
  nothing but tests/ (and fixtures/ itself) includes fixtures/;
- one folder per driver (libsigrok style): a fixture or printer driver's
  folder (drivers/fixture/NAME/, drivers/printer/NAME/) includes nothing
  from another driver's folder, only the shared headers of drivers/ (its
  area's fixture-driver.h / printer-drivers.h, serial, at, ...); the
  shared code of drivers/ includes no driver folder (it names the drivers
  through the one explicit list); fixture-driver.h and printer-drivers.h
  (what a driver provides) are included only inside their area;
- each third-party library header is included by one file of its folder only
  (the wrapper), so swapping a library touches one file.
"""
import os
import re
import sys
from collections import defaultdict

root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
LAYERS = ['ui', 'station', 'drivers', 'labels', 'fixtures', 'tests']
FORBIDDEN = {
    'drivers': ('station/', 'ui/', 'fixtures/', 'labels/'),
    'labels': ('station/', 'ui/', 'fixtures/', 'drivers/'),
    'station': ('ui/', 'fixtures/'),
    'ui': ('fixtures/',),
}
# library header prefix -> how many files per folder may include it
WRAPPED = {
    'libserialport.h': 'libserialport', 'curl/': 'libcurl', 'zint.h': 'zint',
    'sqlite3.h': 'SQLite', 'cups/': 'libcups', 'libsecret/': 'libsecret',
    'gsound.h': 'GSound', 'canberra': 'libcanberra',
}


def sources():
    for layer in LAYERS:
        base = os.path.join(root, layer)
        for d, dirs, files in os.walk(base):
            if os.path.relpath(d, root) == 'tests':
                dirs[:] = [x for x in dirs if x != 'data']  # test data, not sources
            for f in files:
                if f.endswith(('.c', '.h')):
                    p = os.path.join(d, f)
                    with open(p, encoding='utf-8', errors='replace') as fh:
                        yield layer, os.path.relpath(p, root), INCLUDE.findall(fh.read())


files = list(sources())
checks = []

gtk = [p for layer, p, inc in files if layer != 'ui'
       and not (layer == 'tests' and os.path.basename(p).startswith('test-ui'))
       and any(i.startswith(('gtk/', 'gdk/')) for i in inc)]
checks.append(('only ui/ includes GTK headers', gtk))

bad = []
for layer, p, inc in files:
    for i in inc:
        if i.startswith(FORBIDDEN.get(layer, ())):
            bad.append(f'{p} includes {i}')
checks.append(('includes point down the layers', bad))

DRIVER_AREAS = ('drivers/fixture/', 'drivers/printer/')


def driver_folder(path):
    """'drivers/fixture/textjig/' for a path in that driver's folder, else None."""
    for area in DRIVER_AREAS:
        if path.startswith(area) and '/' in path[len(area):]:
            return area + path[len(area):].split('/')[0] + '/'
    return None


crossed = []
for layer, p, inc in files:
    if layer != 'drivers':
        continue
    own = driver_folder(p)
    for i in inc:
        other = driver_folder(i)
        if other is not None and other != own:
            crossed.append(f'{p} includes {i} (driver folder {other})')
checks.append(('a driver folder includes no other driver folder', crossed))

private = []
for layer, p, inc in files:
    for i in inc:
        for area, header in (('drivers/fixture/', 'fixture-driver.h'),
                             ('drivers/printer/', 'printer-drivers.h')):
            if i == area + header and not p.startswith(area):
                private.append(f'{p} includes {i} (only {area} may)')
checks.append(('driver vtable headers stay in their area', private))

users = defaultdict(lambda: defaultdict(set))
for layer, p, inc in files:
    if layer == 'tests':
        continue
    for i in inc:
        for prefix, lib in WRAPPED.items():
            if i.startswith(prefix) and not p.endswith('.h'):
                users[lib][layer].add(p)
over = [f'{lib} in {layer}/: {", ".join(sorted(ps))}'
        for lib, by_layer in users.items() for layer, ps in by_layer.items() if len(ps) > 1]
checks.append(('each third-party library is wrapped in one file per folder', over))

checks.append(('source tree found', [] if files else [f'no sources under {root}']))

print(f'1..{len(checks)}')
failed = 0
for n, (name, problems) in enumerate(checks, 1):
    if problems:
        failed += 1
        print(f'not ok {n} - {name}')
        for pr in problems:
            print(f'# {pr}')
    else:
        print(f'ok {n} - {name}')
sys.exit(1 if failed else 0)
