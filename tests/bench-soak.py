#!/usr/bin/env python3
"""Soak of the provisioning engine (suite bench, TAP; ./run bench).

One `station-cli provision` process runs a long batch (5,000 units by
default) on 16 slots of the virtual line while faults keep coming:

  - on the serial side, a fixed share of the units misbehave (garbage at
    power-up, a failing self-test, no SIM, a silent modem, a pulled cable,
    a unit pulled out of its slot, a modem that never attaches, a device
    that never registers through Beam);
  - on the API side, an injector posts a fault to the emulator every
    2-6 s until the feeder runs dry (429 storms, 500/503, answers lost
    after the call took effect, connection resets, a 10 s stall now and
    then).

Every few seconds it reads the station's /proc/PID/status (VmRSS,
RssAnon, threads) and counts /proc/PID/fd; it prints those figures at
start (after a warm-up of 5 % of the units), along the way and at the end,
and compares the growth from start to end with the targets (flat: no leak
of memory or descriptors per unit).  The TAP cases check what the run
claims: every unit has an end, a unit without a fault passed, a unit
with one ended with a failure code.

usage: bench-soak.py STATION_CLI CLOUD_EMULATOR FIXTURE_SIM
environment: BENCH_SOAK_UNITS (5000), BENCH_SOAK_SLOTS (16),
BENCH_ENGINE_KEEP=1 keeps the files.
"""
import importlib.util
import json
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('bench_engine', os.path.join(HERE, 'bench-engine.py'))
be = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(be)

UNITS = int(os.environ.get('BENCH_SOAK_UNITS', '5000'))
SLOTS = int(os.environ.get('BENCH_SOAK_SLOTS', '16'))
RECIPE = os.path.join(HERE, 'data', 'bench', 'soak.ini')
SAMPLE_S = 2.0
WARMUP = 0.05            # start figures once this share of the units ended
# a generous bound for the whole run (about 15 units/s are expected on 2 cores)
TIMEOUT_S = max(600, UNITS // 2)

# targets: growth over the second half of the run (caches, the HTTP handle
# pool and SQLite's page caches fill up during the first)
RSS_GROWTH_TARGET_MIB = 2.0
FD_GROWTH_TARGET = 4  # connections in flight come and go

# serial faults: (every N units, at offset K, the fault); a unit gets the
# first that matches
SERIAL_FAULTS = [
    (50, 7, 'garbage'),
    (100, 13, 'selftest-fail@E42'),
    (100, 29, 'nosim'),
    (200, 41, 'silent'),
    (200, 57, 'cable-pull@5'),
    (200, 83, 'attach-timeout'),
    (250, 99, 'no-register'),
    (250, 137, 'removed@5'),
]
# a unit with only these still passes
HARMLESS = {'garbage'}

API_FAULTS = [
    ({'status': 429, 'count': 4}, 6),
    ({'status': 500, 'count': 2}, 3),
    ({'status': 503, 'count': 1}, 3),
    ({'status': 500, 'count': 1, 'lost': True}, 2),
    ({'reset': True, 'count': 1}, 2),
    ({'reset': True, 'count': 1, 'lost': True}, 2),
    ({'delay_ms': 10000, 'count': 1}, 1),
]


def unit_faults(i):
    for every, at, fault in SERIAL_FAULTS:
        if i % every == at:
            return [fault]
    return []


class SoakLine(be.Line):
    """The bench's line, sampled along the run instead of at its peak."""

    def sample(self, pid, done):
        self.samples = []  # (seconds, units ended, VmRSS KiB, RssAnon KiB, fds, threads)
        out = os.path.join(self.work, 'provision.jsonl')
        t0 = time.monotonic()
        while not done.wait(SAMPLE_S):
            try:
                text = open(f'/proc/{pid}/status').read()
                fds = len(os.listdir(f'/proc/{pid}/fd'))
                with open(out, 'rb') as f:
                    ended = f.read().count(b'"device_id"')
            except OSError:
                break
            mem = {k: int(v.split()[0]) for k, v in
                   (l.split(':', 1) for l in text.splitlines()
                    if l.startswith(('VmRSS', 'RssAnon', 'Threads')))}
            self.samples.append((time.monotonic() - t0, ended, mem.get('VmRSS', 0),
                                 mem.get('RssAnon', 0), fds, mem.get('Threads', 0)))


class Injector(threading.Thread):
    """Posts a random API fault to the emulator every 2-6 s while the line
    is full.  The emulator hands a fault to the next requests whoever makes
    them: once only the last few units are left, every fault would land on
    them and keep one call retrying until its budget, which says nothing
    of a long run, so the faults stop when the feeder runs dry."""

    def __init__(self, root, jsonl):
        super().__init__(daemon=True)
        self.root, self.jsonl, self.stop, self.count = root, jsonl, threading.Event(), 0
        self.rand = random.Random(14)

    def line_full(self):
        try:
            with open(self.jsonl, 'rb') as f:
                return f.read().count(b'"device_id"') < UNITS - 2 * SLOTS
        except OSError:
            return True

    def post(self, method, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.root + '/_emulator/fault', data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(req, timeout=10) as r:
            r.read()

    def run(self):
        faults, weights = zip(*API_FAULTS)
        while not self.stop.wait(self.rand.uniform(2.0, 6.0)) and self.line_full():
            try:
                self.post('POST', self.rand.choices(faults, weights)[0])
                self.count += 1
            except OSError as e:
                be.note(f'fault not injected: {e}')


def main():
    work = tempfile.mkdtemp(prefix='bench-soak-')
    line = SoakLine(work, 'soak', UNITS, SLOTS, 0, unit_faults=unit_faults, recipe=RECIPE)
    try:
        line.start()
        injector = Injector(line.root, os.path.join(line.work, 'provision.jsonl'))
        injector.start()
        # the engine polls the modems every 100 ms (default 500): the soak
        # is about what a long run leaves behind, not about the waits
        rc, wall, ru, lines, summary = line.provision(timeout_s=TIMEOUT_S,
                                                      extra=('--poll-ms', '100'))
        injector.stop.set()
        injector.join()
        report(line, rc, wall, ru, lines, summary, injector.count)
    except (OSError, RuntimeError, ValueError, subprocess.SubprocessError) as e:
        be.tap(False, f'soak of {UNITS} units on {SLOTS} slots: {e}')
    finally:
        line.stop()
    if os.environ.get('BENCH_ENGINE_KEEP'):
        be.note(f'files kept in {work}')
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f'1..{len(be.results)}', flush=True)


def report(line, rc, wall, ru, lines, summary, injected):
    by_result = {}
    bad = []
    faults = {u['device_id'].upper(): {f.split('@')[0] for f in u.get('faults') or []}
              for u in line.sim_units}
    ids = {u['device_id'].upper() for u in lines}
    for u in lines:
        key = u['result'] if u['result'] == 'passed' else f"{u['result']} {u.get('failure_code')}"
        by_result[key] = by_result.get(key, 0) + 1
        harmless = not faults.get(u['device_id'].upper(), set()) - HARMLESS
        if (harmless and u['result'] != 'passed') or (u['result'] != 'passed'
                                                      and not u.get('failure_code')):
            bad.append(u)
    be.tap(len(lines) == UNITS and len(ids) == UNITS,
           f'every one of the {UNITS} units has one end ({len(lines)} lines, {len(ids)} units)')
    be.tap(not bad, f'units without a fault passed, the others ended with a code '
           f'({len(bad)} did not)')
    for u in bad[:5]:
        be.note(f"  {u['device_id']}: {u['result']} {u.get('failure_code')}: {u.get('message')}")
    be.tap(rc in (0, 1, 3), f'the run ended by itself (exit {rc})')

    # steady state: after the warm-up, and before the last units leave
    # their slots (threads then end and their descriptors close)
    s = line.samples
    warm = [x for x in s if WARMUP * UNITS <= x[1] <= UNITS - 2 * SLOTS]
    if len(warm) < 2:
        be.tap(False, f'enough samples after the warm-up ({len(warm)})')
        return
    first, last = warm[0], warm[-1]
    half = next(x for x in warm if x[1] >= UNITS / 2)
    rss_growth = (last[2] - half[2]) / 1024.0
    fd_growth = last[4] - half[4]
    be.note()
    be.note(f'soak: {UNITS} units on {SLOTS} slots in {wall / 60:.1f} min '
            f'({UNITS * 60 / wall:.0f} units/min), {injected} API faults injected')
    be.note('results: ' + ', '.join(f'{k} {v}' for k, v in sorted(by_result.items())))
    slow = sorted(lines, key=lambda u: -u.get('elapsed_ms', 0))[:3]
    be.note('longest units: ' + ', '.join(
        f"{u['device_id']} {u['elapsed_ms'] / 1000:.0f} s ({u['result']} {u.get('failure_code') or ''})"
        for u in slow))
    be.note(f"API calls: {summary.get('api_calls')}; CPU of the station "
            f"{(ru.ru_utime + ru.ru_stime):.0f} s ({(ru.ru_utime + ru.ru_stime) * 1000 / UNITS:.1f} ms per unit)")
    be.note()
    be.note(f"{'':<8}{'time':>8}{'units':>8}{'VmRSS':>11}{'RssAnon':>11}{'fds':>6}{'threads':>9}")
    shown = set()
    for label, x in [('start', first)] + [
            (f'{p}%', next((y for y in warm if y[1] >= p * UNITS / 100), None)) for p in (25, 50, 75)] + [
            ('end', last)]:
        if x is None or (x in shown and label != 'end'):
            continue
        shown.add(x)
        be.note(f'{label:<8}{x[0]:>7.0f}s{x[1]:>8}{x[2] / 1024:>9.1f}MB{x[3] / 1024:>9.1f}MB'
                f'{x[4]:>6}{x[5]:>9}')
    be.note(f'peak RSS (wait4): {ru.ru_maxrss / 1024:.1f} MiB')
    be.note()
    be.row('measure', 'value', 'target')
    be.row('VmRSS start / 50% / end', f'{first[2] / 1024:.1f} / {half[2] / 1024:.1f} / {last[2] / 1024:.1f} MiB')
    be.row('open fds start / 50% / end (max)', f'{first[4]} / {half[4]} / {last[4]} ({max(x[4] for x in warm)})')
    be.row('VmRSS growth, 50% to end', f'{rss_growth:+.1f} MiB', f'<= {RSS_GROWTH_TARGET_MIB:.0f} MiB',
           rss_growth <= RSS_GROWTH_TARGET_MIB)
    be.row('  per 1000 units', f'{rss_growth * 1024 * 1000 / max(1, last[1] - half[1]):+.0f} KiB')
    be.row('open fds growth, 50% to end', f'{fd_growth:+d}', f'<= {FD_GROWTH_TARGET}',
           fd_growth <= FD_GROWTH_TARGET)
    be.note()
    be.tap(True, 'figures printed')


if __name__ == '__main__':
    main()
