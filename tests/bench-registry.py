#!/usr/bin/env python3
"""Beam registration receiver under a flood (suite bench, TAP; ./run bench).

Runs `station-cli registry` as a process and measures it from /proc:

  1. RSS at rest, with 6,000 half-open connections that each sent the
     start of a request (the issue 16 flood), and after they are gone;
  2. open file descriptors of the receiver at the peak (the connection cap
     holds them, the rest waits in the listen backlog);
  3. wall time for 200 concurrent valid registrations on fresh
     connections, all answered 200.

Every TAP case checks that the run did what it claims; figures are printed
as '#' lines, never asserted.

usage: bench-registry.py STATION_CLI
"""
import hashlib
import os
import resource
import selectors
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

tap = []


def case(name, ok, *notes):
    tap.append((name, ok, notes))


def rss_kb(pid):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
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

    print(f'1..{len(tap)}')
    for i, (name, ok, notes) in enumerate(tap, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        for n in notes:
            print(f'# {n}')
    return 0 if all(ok for _, ok, _ in tap) else 1


sys.exit(main())
