#!/usr/bin/env python3
"""Bounded libFuzzer run of every harness of tests/fuzz (./run fuzz, ./run bench).

usage: run-fuzzers.py BUILD_DIR SECONDS [HARNESS...]
       run-fuzzers.py --targets   (the ninja targets of the harnesses)

Each harness runs for SECONDS with its corpus in BUILD_DIR/fuzz-corpus/NAME
(seeded from tests/data/fuzz/NAME/seeds and regressions, kept between runs so
a longer soak builds on the last one); a crash lands in
BUILD_DIR/fuzz-crashes/NAME/.  Prints one line per harness (runs, exec/s,
coverage, corpus, peak RSS, crashes); exits 1 when any harness crashed,
saying how to turn the crash into a regression test.
"""
import os
import re
import shutil
import subprocess
import sys

HARNESSES = ['at-parse', 'at-channel', 'textjig', 'cloud-json', 'beam',
             'label-payload', 'recipe', 'template', 'csv']


def stat(log, name):
    m = re.search(r'stat::%s:\s+(\d+)' % name, log)
    return int(m.group(1)) if m else 0


def last(log, pattern):
    found = re.findall(pattern, log)
    return found[-1] if found else '-'


def run(build, seconds, name, data):
    exe = os.path.join(build, 'tests', 'fuzz', 'fuzz-' + name)
    corpus = os.path.join(build, 'fuzz-corpus', name)
    crashes = os.path.join(build, 'fuzz-crashes', name)
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(crashes, exist_ok=True)
    for sub in ('seeds', 'regressions'):
        src = os.path.join(data, name, sub)
        if os.path.isdir(src):
            for f in os.listdir(src):
                shutil.copyfile(os.path.join(src, f), os.path.join(corpus, sub + '-' + f))
    before = set(os.listdir(crashes))
    cmd = [exe, '-max_total_time=%d' % seconds, '-max_len=4096', '-timeout=10',
           '-rss_limit_mb=2048', '-print_final_stats=1',
           '-artifact_prefix=' + crashes + '/', corpus]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=seconds + 120)
    log = proc.stdout.decode('utf-8', 'replace')
    with open(os.path.join(build, 'fuzz-crashes', name + '.log'), 'w') as fh:
        fh.write(log)
    new = sorted(set(os.listdir(crashes)) - before)
    return {
        'runs': stat(log, 'number_of_executed_units'),
        'execs': stat(log, 'average_exec_per_sec'),
        'rss': stat(log, 'peak_rss_mb'),
        'cov': last(log, r'cov: (\d+)'),
        'corpus': len(os.listdir(corpus)),
        'crashes': [os.path.join(crashes, f) for f in new],
        'rc': proc.returncode,
    }


def main():
    if sys.argv[1:] == ['--targets']:
        print(' '.join('tests/fuzz/fuzz-' + h for h in HARNESSES))
        return
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    build, seconds = sys.argv[1], int(sys.argv[2])
    names = sys.argv[3:] or HARNESSES
    data = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data', 'fuzz')
    failed = []
    print('%-14s %10s %8s %6s %7s %8s %s' % ('harness', 'runs', 'exec/s', 'cov', 'corpus',
                                              'rss MiB', 'result'))
    for name in names:
        if name not in HARNESSES:
            sys.exit('run-fuzzers: unknown harness %s (known: %s)' % (name, ' '.join(HARNESSES)))
        r = run(build, seconds, name, data)
        result = 'ok' if r['rc'] == 0 and not r['crashes'] else \
            'CRASH %s' % (' '.join(r['crashes']) or 'exit %d' % r['rc'])
        if result != 'ok':
            failed.append(name)
        print('%-14s %10d %8d %6s %7d %8d %s' % (name, r['runs'], r['execs'], r['cov'],
                                                 r['corpus'], r['rss'], result), flush=True)
    if failed:
        print('\nrun-fuzzers: %s crashed; the log is BUILD/fuzz-crashes/NAME.log.  Copy the '
              'crash input to tests/data/fuzz/NAME/regressions/<what-it-is> (the default '
              'suites replay it), fix the code, and rerun ./run fuzz.' % ', '.join(failed),
              file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
