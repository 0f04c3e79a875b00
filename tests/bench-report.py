#!/usr/bin/env python3
"""Prints the figures the benchmarks wrote (TAP '#' comments) from meson's
testlog.json, one block per benchmark, without GLib's own chatter."""
import json
import sys

NOISE = ('-DEBUG: ', 'Start of ', 'End of ', 'random seed')

for line in open(sys.argv[1], encoding='utf-8', errors='replace'):
    if not line.strip():
        continue
    e = json.loads(line)
    print(f"== {e.get('name')} ({e.get('result')}, {e.get('duration', 0):.1f} s)")
    for out in (e.get('stdout') or '').splitlines():
        if out.startswith('# ') and not any(n in out for n in NOISE):
            print(out[2:])
        elif out.startswith('not ok'):
            print(out)
