#!/usr/bin/env python3
"""Provisioning engine benchmarks (suite bench, TAP; ./run bench).

Runs the whole virtual line as separate processes: the cloud emulator, the
device + fixture simulator (fixture-sim, on ptys) and `station-cli
provision` (with its Beam receiver and a file: printer), and measures the
station process only (wait4 rusage of the station-cli child):

  1. CPU time and wall overhead per unit with every simulated delay ~0
     (manifest boot/attach/selftest 0, --speed 1000 for the feeder's
     0.8 s, recipe standby_settle_s=0), one slot;
  2. throughput at 1, 4 and 16 slots with a simulated boot of 2 s per
     unit (other delays ~0): units per minute and the ratio to 1 slot;
  3. API calls per unit (auth excluded) from the store's api_calls table,
     and the emulator's successful mutating calls per unit;
  4. peak RSS of the station process at 16 slots (ru_maxrss).

The emulator's rate limit is off (--rate-limit 0) and the station's own
token bucket is off ([soracom] rate_per_s = 0 in the bench's config): both
would otherwise measure the limits, not the engine.  Every TAP case checks
that the run did what it claims (every unit passed, counts agree); figures
are printed as '#' lines and compared with their targets, never asserted.

usage: bench-engine.py STATION_CLI CLOUD_EMULATOR FIXTURE_SIM
environment: BENCH_ENGINE_KEEP=1 keeps the runs' files (stores, logs,
labels); BENCH_ENGINE_RATE=N sets the station's rate_per_s; BENCH_ENGINE_WRAP
puts a profiler in front of station-cli provision (e.g. 'perf record -g --').
"""
import collections
import json
import os
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

CLI, EMULATOR, FIXTURE_SIM = sys.argv[1:4]
HERE = os.path.dirname(os.path.abspath(__file__))
RECIPE = os.path.join(HERE, 'data', 'bench', 'bench.ini')
KEY_ID = 'keyId-emulator-0000000000000000000000'
KEY = 'secret-emulator-' + '0' * 52
SPEED = 1000.0           # fixture-sim --speed: the feeder's 800 ms become 0.8 ms
RUN_TIMEOUT_S = 240      # one provision run, at most
# [soracom] rate_per_s of the station (0: no pacing); BENCH_ENGINE_RATE=5
# measures what the client's default budget does to the line
RATE_PER_S = os.environ.get('BENCH_ENGINE_RATE', '0')
# a profiler in front of station-cli provision, e.g.
# BENCH_ENGINE_WRAP='valgrind --tool=callgrind' (figures are then its own)
WRAP = shlex.split(os.environ.get('BENCH_ENGINE_WRAP', ''))
START_TIMEOUT_S = 30     # a program's first line

# targets of the issue
CPU_TARGET_MS = 20.0
SCALING_TARGET = 14.0
CALLS_TARGET = 6.0
RSS_TARGET_MIB = 64.0

results = []  # (ok, description)


def tap(ok, what):
    results.append((ok, what))
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {what}", flush=True)


def note(text=''):
    print(f'# {text}' if text else '#', flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def first_line(proc, path, what):
    """Waits (bounded) for the first complete line a program writes to path."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        with open(path, encoding='utf-8', errors='replace') as f:
            line = f.readline()
        if line.endswith('\n'):
            return line.strip()
        time.sleep(0.02)
    err = open(path[:-4] + '.err', encoding='utf-8', errors='replace').read()[-2000:]
    raise RuntimeError(f'{what}: no first line within {START_TIMEOUT_S} s: {err}')


class Line:
    """One virtual line: emulator + fixture-sim with its units, a batch
    imported into a fresh store; provision() runs station-cli on it."""

    def __init__(self, work, name, units, slots, boot_ms, unit_faults=None, recipe=RECIPE):
        self.work = os.path.join(work, name)
        os.makedirs(self.work)
        self.units, self.slots, self.boot_ms = units, slots, boot_ms
        # unit_faults(i): the fixture-sim faults of unit i (a list, may be empty)
        self.unit_faults = unit_faults or (lambda i: [])
        self.recipe = recipe
        self.procs = []
        self.batch = 'BENCH-' + name.upper()
        self.db = os.path.join(self.work, 'station.db')
        self.psk = os.path.join(self.work, 'beam.psk')
        with open(os.open(self.psk, os.O_WRONLY | os.O_CREAT, 0o600), 'w') as f:
            f.write(os.urandom(32).hex())
        self.registry_port = free_port()
        self.env = dict(os.environ, SORACOM_AUTH_KEY_ID=KEY_ID, SORACOM_AUTH_KEY=KEY,
                        GIO_USE_PROXY_RESOLVER='dummy')
        self.env.pop('G_DEBUG', None)  # no fatal-criticals in a timed run
        self.env.pop('MALLOC_CHECK_', None)  # glibc's checking malloc is slower

    def spawn(self, name, argv):
        out = open(os.path.join(self.work, name + '.out'), 'w')
        err = open(os.path.join(self.work, name + '.err'), 'w')
        p = subprocess.Popen(argv, stdout=out, stderr=err, env=self.env)
        out.close()
        err.close()
        self.procs.append(p)
        return first_line(p, os.path.join(self.work, name + '.out'), name)

    def start(self):
        line = self.spawn('emulator', [
            EMULATOR, '--port', '0', '--seed', '1', '--rate-limit', '0',
            '--beam-target', f'http://127.0.0.1:{self.registry_port}', '--beam-psk', self.psk])
        self.root = line.split()[1]
        # boot scaled by --speed; attach and self-test 0 (1 ms timers)
        manifest = {'register': True, 'units': [
            {'boot_ms': int(self.boot_ms * SPEED), 'attach_ms': 0, 'selftest_ms': 0,
             'faults': self.unit_faults(i)}
            for i in range(self.units)]}
        mpath = os.path.join(self.work, 'manifest.json')
        with open(mpath, 'w') as f:
            json.dump(manifest, f)
        sim = json.loads(self.spawn('fixture-sim', [
            FIXTURE_SIM, '--slots', str(self.slots), '--manifest', mpath, '--api-url', self.root,
            '--seed', '7', '--speed', str(SPEED),
            # periodic device traffic "before --speed": keep it at 30 s real
            '--traffic-ms', str(int(30000 * SPEED))]))
        self.fixture = sim['fixture']
        self.sim_units = sim['units']
        csv = os.path.join(self.work, 'sims.csv')
        with open(csv, 'w') as f:
            f.write('imsi,iccid\n')
            for u in sim['units']:
                if u['imsi'] is not None:  # a unit with fault nosim has none
                    f.write(f"{u['imsi']},{u['iccid']}\n")
        self.config = os.path.join(self.work, 'station.ini')
        with open(self.config, 'w') as f:
            f.write('[soracom]\n# the bench measures the engine, not the pacing\n'
                    f'rate_per_s={RATE_PER_S}\nkeyring=false\n[station]\nname=BENCH\n')
        subprocess.run(self.cli_argv() + ['batch', 'import', '--batch', self.batch, '--csv', csv],
                       env=self.env, check=True, stdout=subprocess.DEVNULL, timeout=60)

    def cli_argv(self):
        return [CLI, '--config', self.config, '--db', self.db, '--api-url', self.root + '/v1']

    def provision(self, timeout_s=RUN_TIMEOUT_S, extra=()):
        """Runs station-cli provision; returns wall s, rusage, unit lines, summary."""
        labels = os.path.join(self.work, 'labels')
        os.makedirs(labels)
        argv = WRAP + self.cli_argv() + [
            'provision', '--batch', self.batch, '--fixture', self.fixture,
            '--slots', str(self.slots), '--count', str(self.units),
            '--registry-listen', f'127.0.0.1:{self.registry_port}', '--psk-file', self.psk,
            '--recipe', self.recipe, '--printer', 'file:' + labels, *extra]
        out = open(os.path.join(self.work, 'provision.jsonl'), 'w')
        err = open(os.path.join(self.work, 'provision.err'), 'w')
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdout=out, stderr=err, env=self.env)
        out.close()
        err.close()
        killer = threading.Timer(timeout_s, lambda: os.kill(p.pid, signal.SIGKILL))
        killer.start()
        done = threading.Event()
        sampler = threading.Thread(target=self.sample, args=(p.pid, done))
        sampler.start()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        done.set()
        sampler.join()
        killer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        lines = [json.loads(l) for l in open(os.path.join(self.work, 'provision.jsonl'))]
        units = [l for l in lines if 'device_id' in l]
        summary = lines[-1] if lines and 'batch' in lines[-1] else {}
        return p.returncode, wall, ru, units, summary

    def sample(self, pid, done):
        """What is measured while the station runs (the peak RSS here)."""
        self.sample_rss(pid, done)

    def sample_rss(self, pid, done):
        """Keeps /proc/PID/status's memory lines at the highest VmRSS seen
        (sampled every 50 ms: ru_maxrss is the exact peak, this splits it)."""
        self.rss = {}
        while not done.wait(0.05):
            try:
                text = open(f'/proc/{pid}/status').read()
            except OSError:
                break
            mem = {k: int(v.split()[0]) for k, v in
                   (l.split(':', 1) for l in text.splitlines() if l.startswith(('VmRSS', 'Rss', 'Threads')))}
            if mem.get('VmRSS', 0) > self.rss.get('VmRSS', -1):
                self.rss = mem

    def emulator_calls(self):
        """Successful mutating API calls the emulator counted."""
        with urllib.request.urlopen(self.root + '/_emulator/state', timeout=10) as r:
            state = json.load(r)
        total = 0
        for per_id in state.get('calls', {}).values():
            total += sum(per_id.values()) if isinstance(per_id, dict) else int(per_id)
        return total

    def store_figures(self):
        """API calls (total, per operation and unit) and mean step times."""
        c = sqlite3.connect(f'file:{self.db}?mode=ro', uri=True)
        try:
            total = c.execute('SELECT count(*) FROM api_calls').fetchone()[0]
            ops = collections.Counter()
            for method, path in c.execute('SELECT method, path FROM api_calls'):
                # /subscribers/<imsi>/set_to_standby -> POST .../set_to_standby
                tail = path.split('?')[0].rstrip('/').split('/')[-1]
                ops[f"{method} {'/subscribers/{imsi}' if tail.isdigit() else '.../' + tail}"] += 1
            steps = c.execute('SELECT step, avg(ended_at - started_at) FROM steps '
                              'GROUP BY step ORDER BY min(id)').fetchall()
        finally:
            c.close()
        return total, [(k, v / self.units) for k, v in ops.most_common()], steps

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def run_line(work, name, units, slots, boot_ms):
    line = Line(work, name, units, slots, boot_ms)
    try:
        line.start()
        rc, wall, ru, unit_lines, summary = line.provision()
        r = {
            'name': name, 'units': units, 'slots': slots, 'boot_ms': boot_ms, 'rc': rc,
            'wall': wall, 'cpu': ru.ru_utime + ru.ru_stime, 'utime': ru.ru_utime,
            'stime': ru.ru_stime, 'maxrss_kib': ru.ru_maxrss, 'lines': unit_lines,
            'summary': summary, 'passed': sum(1 for u in unit_lines if u['result'] == 'passed'),
            'rss': line.rss, 'emulator_calls': line.emulator_calls(),
        }
        r['stored_calls'], r['ops'], r['steps'] = line.store_figures()
    finally:
        line.stop()
    return r


def check_run(r):
    ok = r['rc'] == 0 and r['passed'] == r['units'] and len(r['lines']) == r['units']
    tap(ok, f"{r['name']}: {r['units']} units on {r['slots']} slot(s) all passed "
        f"(exit {r['rc']}, {r['passed']} passed)")
    if not ok:
        for u in r['lines']:
            if u['result'] != 'passed':
                note(f"  {u['device_id']}: {u['result']} {u['failure_code']}: {u['message']}")
                break
    return ok


def row(what, value, target='', met=None):
    verdict = '' if met is None else ('met' if met else 'MISSED')
    note(f'{what:<46} {value:>11}  {target:>9}  {verdict}'.rstrip())


def per_unit_steps(r):
    """Mean wall ms of each step over the run's units (store's steps table)."""
    return ', '.join(f'{step} {ms:.0f}' for step, ms in r['steps'] if ms >= 5)


def main():
    work = tempfile.mkdtemp(prefix='bench-engine-')
    runs = {}
    plan = [('cpu', 40, 1, 0), (1, 10, 1, 2000), (4, 20, 4, 2000), (16, 80, 16, 2000)]

    # 1: every simulated delay ~0, one slot; 2: a 2 s boot at 1, 4 and 16
    # slots, 5 rounds of units each (10 units at 1 slot, ~27 s)
    for key, units, slots, boot_ms in plan:
        name = key if key == 'cpu' else f's{slots}'
        try:
            runs[key] = run_line(work, name, units=units, slots=slots, boot_ms=boot_ms)
            check_run(runs[key])
        except (OSError, RuntimeError, subprocess.SubprocessError, ValueError) as e:
            tap(False, f'{name}: {units} units on {slots} slot(s): {e}')

    if len(runs) == len(plan):
        report(runs)
    else:
        tap(False, 'figures: a run did not complete')
    if os.environ.get('BENCH_ENGINE_KEEP'):
        note(f'files kept in {work}')
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f'1..{len(results)}', flush=True)


def report(runs):
    cpu, big = runs['cpu'], runs[16]
    n = cpu['units']
    tap(all(r['summary'].get('api_calls') == r['stored_calls'] for r in runs.values()),
        "API calls: each run's summary count equals its store's api_calls rows "
        f"({big['summary'].get('api_calls')} = {big['stored_calls']} at 16 slots)")
    rss_mib = big['maxrss_kib'] / 1024.0
    tap(rss_mib > 0, f'peak RSS of the station at 16 slots read from wait4 ({rss_mib:.1f} MiB)')

    cpu_ms = cpu['cpu'] * 1000 / n
    wall_ms = cpu['wall'] * 1000 / n
    sim_ms = (800 + 3) / SPEED  # the feeder's 800 ms and three 1 ms timers, / --speed
    calls = big['stored_calls'] / big['units']

    def upm(r):
        return r['units'] * 60.0 / r['wall']

    note()
    note('provisioning engine: the station-cli provision process alone '
         '(emulator and fixture-sim run apart)')
    note(f"API pacing: emulator --rate-limit 0, station [soracom] rate_per_s={RATE_PER_S}")
    row('measure', 'value', 'target')
    row(f'CPU per unit, delays 0, 1 slot, {n} units', f'{cpu_ms:.1f} ms', f'<= {CPU_TARGET_MS:.0f} ms',
        cpu_ms <= CPU_TARGET_MS)
    row('  user + system', f"{cpu['utime'] * 1000 / n:.1f}+{cpu['stime'] * 1000 / n:.1f} ms")
    row('wall per unit, delays 0, 1 slot', f'{wall_ms:.0f} ms')
    row('wall overhead per unit (wall - simulated)', f'{wall_ms - sim_ms:.0f} ms')
    for slots in (1, 4, 16):
        r = runs[slots]
        ratio = upm(r) / upm(runs[1])
        elapsed = sum(u['elapsed_ms'] for u in r['lines']) / len(r['lines'])
        row(f"throughput, boot 2 s, {slots} slot(s), {r['units']} units", f'{upm(r):.1f}/min')
        # a slot's share of the wall per unit, minus the unit's own run: the
        # time a slot waits for its next unit (fixture, feeder, start, end)
        row('  unit run / slot time between units',
            f"{elapsed:.0f}/{r['wall'] * 1000 * slots / r['units'] - elapsed:.0f} ms")
        if slots > 1:
            row(f'  scaling vs 1 slot', f'{ratio:.2f}x',
                f'>= {SCALING_TARGET:.0f}x' if slots == 16 else '',
                ratio >= SCALING_TARGET if slots == 16 else None)
    row(f"API calls per unit (auth excluded), 16 slots", f'{calls:.2f}', f'<= {CALLS_TARGET:.0f}',
        calls <= CALLS_TARGET)
    row('API calls per unit, delays 0, 1 slot', f"{cpu['stored_calls'] / n:.2f}")
    row('  emulator-counted mutating calls per unit', f"{big['emulator_calls'] / big['units']:.2f}")
    row('peak RSS of the station, 16 slots', f'{rss_mib:.1f} MiB', f'<= {RSS_TARGET_MIB:.0f} MiB',
        rss_mib <= RSS_TARGET_MIB)
    if big['rss']:
        row('  anonymous + file-backed (sampled peak)',
            f"{big['rss'].get('RssAnon', 0) / 1024:.1f}+{big['rss'].get('RssFile', 0) / 1024:.1f} MiB")
    row('CPU per unit, boot 2 s, 16 slots', f"{big['cpu'] * 1000 / big['units']:.1f} ms")
    note()
    note(f"API calls per unit at 16 slots: {', '.join(f'{k} {v:.2f}' for k, v in big['ops'])}")
    note(f"mean step wall ms (>= 5), delays 0, 1 slot: {per_unit_steps(cpu)}")
    note(f"mean step wall ms (>= 5), boot 2 s, 16 slots: {per_unit_steps(big)}")
    note()
    tap(True, 'figures printed')


if __name__ == '__main__':
    main()
