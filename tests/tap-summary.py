#!/usr/bin/env python3
"""Count individual test cases from meson's testlog.json.

Every test is run with the TAP protocol (GLib's --tap), so each g_test_add
case is one `ok` / `not ok` line.  A test binary that crashed, timed out or
failed without printing a `not ok` line counts as one more failure, so a
crash can never pass unnoticed.  Prints exactly one line:

    N passed, N failed[, N skipped]

and exits 1 when anything failed or nothing ran.
"""
import json
import re
import sys

OK = re.compile(r'^ok\b(.*)$')
NOT_OK = re.compile(r'^not ok\b(.*)$')
SKIP = re.compile(r'#\s*skip', re.IGNORECASE)
TODO = re.compile(r'#\s*todo', re.IGNORECASE)


def count(stdout):
    passed = failed = skipped = 0
    for line in stdout.splitlines():
        line = line.strip()
        m = NOT_OK.match(line)
        if m:
            if TODO.search(m.group(1)):
                skipped += 1
            else:
                failed += 1
            continue
        m = OK.match(line)
        if m:
            if SKIP.search(m.group(1)) or TODO.search(m.group(1)):
                skipped += 1
            else:
                passed += 1
    return passed, failed, skipped


def main(path):
    passed = failed = skipped = 0
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            entries = [json.loads(l) for l in f if l.strip()]
    except OSError as e:
        print(f'tap-summary: {path}: {e.strerror}', file=sys.stderr)
        entries = []
    for e in entries:
        p, f, s = count(e.get('stdout') or '')
        result = e.get('result', '')
        if result in ('FAIL', 'ERROR', 'TIMEOUT', 'UNEXPECTEDPASS') and f == 0:
            f = 1
            print(f"tap-summary: {e.get('name')}: {result} without a failed case (crash or timeout)",
                  file=sys.stderr)
        if result == 'SKIP' and p + f + s == 0:
            s = 1
        passed += p
        failed += f
        skipped += s
    line = f'{passed} passed, {failed} failed'
    if skipped:
        line += f', {skipped} skipped'
    print(line)
    return 0 if failed == 0 and passed + skipped > 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
