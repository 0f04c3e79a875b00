#!/usr/bin/env python3
"""Layer rules of DESIGN.md, checked over the source tree (TAP output).

- only ui/ includes GTK (or GDK) headers (and the ui tests, tests/test-ui*,
  which drive its widgets under Xvfb);
- dependencies point downwards: drivers/ and labels/ include nothing from
  station/, ui/ or fixtures/; station/ includes nothing from ui/ or fixtures/;
  nothing but tests/ (and fixtures/ itself) includes fixtures/;
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
        for d, _, files in os.walk(base):
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
