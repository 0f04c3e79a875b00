#!/usr/bin/env python3
"""Beam registration receiver under a flood (suite bench, TAP; ./run bench).

Runs `station-cli registry` as a process and measures it from /proc:

  1. RSS at rest, with 6,000 half-open connections that each sent the
     start of a request (the issue 16 flood), and after they are gone;
  2. open file descriptors of the receiver at the peak (the connection cap
     holds them, the rest waits in the listen backlog);
  3. wall time for 200 concurrent valid registrations on fresh
     connections, all answered 200;
  4. on a second receiver (request deadline 60 s, so nothing is cut while
     measuring): peak RSS while BIG_CLIENTS clients each send BIG_ROUNDS
     10 MB chunked bodies (all answered 413) and SLOWLORIS connections
     dribble a request a byte every 100 ms, and the latency of valid
     registrations sent one after another meanwhile, beside the same
     latency on the idle receiver (issue 14).

Every TAP case checks that the run did what it claims; figures are printed
as '#' lines, never asserted.

usage: bench-registry.py STATION_CLI
"""
import hashlib
import os
import statistics
import threading
import resource
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import time

CLI = sys.argv[1]
PSK = 'bench-psk-42'
IMSI = '440100000000001'
IMEI = '356938035643809'
FLOOD = 6000
BURST = 200
BIG_CLIENTS = 16
BIG_ROUNDS = 8
BIG_BODY = 10 * 1024 * 1024
SLOWLORIS = 200

tap = []


def case(name, ok, *notes):
    tap.append((name, ok, notes))


def rss_kb(pid, field='VmRSS:'):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return -1


def fd_count(pid):
    return len(os.listdir(f'/proc/{pid}/fd'))


def signed_request(n):
    ts = str(int(time.time() * 1000) + n)
    sig = hashlib.sha256((PSK + f'x-soracom-imei={IMEI}' + f'x-soracom-imsi={IMSI}'
                          + f'x-soracom-timestamp={ts}').encode()).hexdigest()
    return (f'POST /BENCH-{n:05d}/register HTTP/1.1\r\nHost: 127.0.0.1\r\n'
            f'x-soracom-imsi: {IMSI}\r\nx-soracom-imei: {IMEI}\r\n'
            f'x-soracom-timestamp: {ts}\r\nx-soracom-signature: {sig}\r\n'
            f'x-soracom-signature-version: 20151001\r\nContent-Length: 0\r\n'
            f'Connection: close\r\n\r\n').encode()


def burst(port, base, count, timeout_s=60):
    """count concurrent registrations; returns (answered 200, seconds)."""
    sel = selectors.DefaultSelector()
    t0 = time.monotonic()
    for i in range(count):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(('127.0.0.1', port))
        sel.register(s, selectors.EVENT_WRITE, [signed_request(base + i), b''])
    ok = 0
    left = count
    deadline = t0 + timeout_s
    while left and time.monotonic() < deadline:
        for key, ev in sel.select(timeout=1):
            s, st = key.fileobj, key.data
            try:
                if ev & selectors.EVENT_WRITE and st[0]:
                    n = s.send(st[0])
                    st[0] = st[0][n:]
                    if not st[0]:
                        sel.modify(s, selectors.EVENT_READ, st)
                    continue
                chunk = s.recv(4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                chunk = b''
            st[1] += chunk
            if not chunk or len(st[1]) >= 12:
                if st[1].startswith(b'HTTP/1.1 200'):
                    ok += 1
                sel.unregister(s)
                s.close()
                left -= 1
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    return ok, time.monotonic() - t0


def start_receiver(tmp, name, timeout_ms):
    """station-cli registry with its own store; returns (process, port)."""
    psk = os.path.join(tmp, 'beam.psk')
    ini = os.path.join(tmp, f'{name}.ini')
    with open(ini, 'w') as f:
        f.write(f'[registry]\nrequest_timeout_ms={timeout_ms}\n')
    proc = subprocess.Popen([CLI, '--config', ini, '--db', os.path.join(tmp, f'{name}.db'),
                             'registry', '--listen', '127.0.0.1:0', '--psk-file', psk],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    first = proc.stdout.readline()
    # the log goes on (a line per request): drain it so the receiver never blocks
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    return proc, int(first.split('http://127.0.0.1:')[1].split('/')[0])


def read_status(s):
    """The status code of the answer on socket s (0: closed without one)."""
    head = b''
    while len(head) < 12:
        chunk = s.recv(4096)
        if not chunk:
            break
        head += chunk
    return int(head[9:12]) if head.startswith(b'HTTP/1.1 ') else 0


def register_timed(port, n):
    """one signed registration on a fresh connection: (status, ms)."""
    t0 = time.monotonic()
    status = 0
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=60) as s:
            s.sendall(signed_request(n))
            status = read_status(s)
    except OSError:
        pass
    return status, (time.monotonic() - t0) * 1000


def big_client(port, index, out):
    """BIG_ROUNDS chunked 10 MB bodies to /BIG-<index>/register, one
    connection each; appends (status, body bytes sent) to out."""
    piece = b'%x\r\n' % 65536 + b'b' * 65536 + b'\r\n'
    for _ in range(BIG_ROUNDS):
        status, sent = 0, 0
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=120) as s:
                s.sendall(f'POST /BIG-{index}/register HTTP/1.1\r\nHost: 127.0.0.1\r\n'
                          'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n'.encode())
                while sent < BIG_BODY:
                    s.sendall(piece)
                    sent += 65536
                s.sendall(b'0\r\n\r\n')
                status = read_status(s)
        except OSError:
            pass
        out.append((status, sent))


def slowloris(port, count, stop, state):
    """count connections that send a request a byte every 100 ms until
    stop is set; state['open'] holds how many the receiver left open."""
    socks = []
    for i in range(count):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(('127.0.0.1', port))
        socks.append([s, f'POST /SLOW-{i}/register HTTP/1.1\r\nHost: a\r\nx-pad: '.encode()
                      + b'a' * 4096, 0, True])
    state['started'].set()
    while not stop.wait(0.1):
        for c in socks:
            if not c[3] or c[2] >= len(c[1]):
                continue
            try:
                c[2] += c[0].send(c[1][c[2]:c[2] + 1])
            except BlockingIOError:
                pass
            except OSError:
                c[3] = False
        state['open'] = sum(1 for c in socks if c[3])
    for c in socks:
        c[0].close()


def big_and_slow(tmp):
    """figure 4: returns after its TAP cases are recorded."""
    proc, port = start_receiver(tmp, 'big', 60000)
    try:
        idle = [register_timed(port, 20000 + i) for i in range(20)]
        rest = rss_kb(proc.pid)
        hwm_rest = rss_kb(proc.pid, 'VmHWM:')
        stop = threading.Event()
        state = {'started': threading.Event(), 'open': SLOWLORIS}
        slow = threading.Thread(target=slowloris, args=(port, SLOWLORIS, stop, state))
        slow.start()
        state['started'].wait(30)
        results = []
        senders = [threading.Thread(target=big_client, args=(port, i, results))
                   for i in range(BIG_CLIENTS)]
        t0 = time.monotonic()
        for t in senders:
            t.start()
        busy, peak, n = [], rss_kb(proc.pid), 21000
        while any(t.is_alive() for t in senders):
            busy.append(register_timed(port, n))
            n += 1
            peak = max(peak, rss_kb(proc.pid))
        secs = time.monotonic() - t0
        for t in senders:
            t.join()
        hwm = rss_kb(proc.pid, 'VmHWM:')
        still_open = state['open']
        stop.set()
        slow.join()
    finally:
        proc.terminate()
        proc.wait(10)

    def ms(rows):
        v = sorted(m for _, m in rows)
        if not v:
            return 'none'
        p95 = v[min(len(v) - 1, int(len(v) * 0.95))]
        return (f'median {statistics.median(v):.1f} ms, 95th percentile {p95:.1f} ms, '
                f'max {v[-1]:.1f} ms over {len(v)}')

    sent = sum(b for _, b in results)
    case(f'{BIG_CLIENTS}x{BIG_ROUNDS} chunked 10 MB bodies all answered 413',
         len(results) == BIG_CLIENTS * BIG_ROUNDS and all(st == 413 for st, _ in results),
         f'{sent / 2**20:.0f} MB of bodies in {secs:.2f} s ({sent / 2**20 / secs:.0f} MB/s) '
         f'with {still_open}/{SLOWLORIS} slowloris connections still open at the end',
         f'receiver RSS at rest {rest / 1024:.1f} MB, at most {peak / 1024:.1f} MB sampled '
         f'meanwhile, VmHWM {hwm_rest / 1024:.1f} -> {hwm / 1024:.1f} MB')
    case('registrations answered 200 during the bodies and slowloris',
         len(busy) > 0 and all(st == 200 for st, _ in busy + idle),
         f'registration latency idle: {ms(idle)}',
         f'registration latency during {BIG_CLIENTS} x 10 MB bodies and {SLOWLORIS} slowloris: '
         f'{ms(busy)}')


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, FLOOD + 512)), hard))
    tmp = tempfile.mkdtemp(prefix='bench-registry-')
    psk = os.path.join(tmp, 'beam.psk')
    with open(psk, 'w') as f:
        f.write(PSK + '\n')
    os.chmod(psk, 0o600)
    ini = os.path.join(tmp, 'station.ini')
    with open(ini, 'w') as f:
        f.write('[registry]\nrequest_timeout_ms=2000\n')
    proc = subprocess.Popen([CLI, '--config', ini, '--db', os.path.join(tmp, 'reg.db'),
                             'registry', '--listen', '127.0.0.1:0', '--psk-file', psk],
                            stdout=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        port = int(first.split('http://127.0.0.1:')[1].split('/')[0])
        ok, secs = burst(port, 0, 1)
        case('receiver answers', ok == 1)
        rest = rss_kb(proc.pid)

        socks = []
        for _ in range(FLOOD):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(('127.0.0.1', port))
            socks.append(s)
        time.sleep(0.5)  # let the handshakes of the backlog complete
        sent = 0
        for s in socks:
            try:
                s.send(b'POST /FLOOD/register HTTP/1.1\r\nHost: a\r\nx-soracom-imsi: 44')
                sent += 1
            except OSError:
                pass
        peak, peak_fds = rss_kb(proc.pid), fd_count(proc.pid)
        for _ in range(10):
            time.sleep(0.3)
            peak = max(peak, rss_kb(proc.pid))
            peak_fds = max(peak_fds, fd_count(proc.pid))
        # a registration gets through while the flood is still held open
        ok_during, secs_during = burst(port, 1, 1, timeout_s=120)
        case('registration answered during the flood', ok_during == 1,
             f'{secs_during:.2f} s for one registration behind {sent} half-open connections')
        for s in socks:
            s.close()
        after = rss_kb(proc.pid)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and fd_count(proc.pid) > peak_fds // 4 + 16:
            time.sleep(0.2)
        time.sleep(1)
        after = rss_kb(proc.pid)
        case('flood measured', peak > 0 and after > 0,
             f'RSS at rest {rest / 1024:.1f} MB, with {sent} half-open connections '
             f'{peak / 1024:.1f} MB (receiver fds at most {peak_fds}), after they closed '
             f'{after / 1024:.1f} MB')

        ok, secs = burst(port, 1000, BURST)
        case(f'{BURST} concurrent registrations all answered 200', ok == BURST,
             f'{ok}/{BURST} answered 200 in {secs:.2f} s')
    finally:
        proc.terminate()
        proc.wait(10)

    big_and_slow(tmp)
    shutil.rmtree(tmp, ignore_errors=True)

    print(f'1..{len(tap)}')
    for i, (name, ok, notes) in enumerate(tap, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        for n in notes:
            print(f'# {n}')
    return 0 if all(ok for _, ok, _ in tap) else 1


sys.exit(main())
