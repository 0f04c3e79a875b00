#!/usr/bin/env bash
# ./run demo: a virtual production line on this machine.  Starts the
# SORACOM cloud emulator and the device + fixture simulator (4 slots, 20
# units) and imports the batch; then, with a display ($DISPLAY or
# $WAYLAND_DISPLAY), hands the line to the operator app (station-gtk
# --start) until its window is closed; without one, provisions the batch
# with station-cli, showing each step.  Then it looks one unit up and writes
# the stock-intake report.  Everything listens on 127.0.0.1 only and stops
# at the end.
#
# Usage: tools/demo.sh BUILD_DIR [--units N] [--slots N] [--headless]
#
# The demo's store, labels and reports stay in BUILD_DIR/demo (replaced by
# the next demo), so `./run cli --db build/demo/station.db lookup ID` works
# afterwards.
set -euo pipefail

build=$1; shift
units=20 slots=4 headless=0
while [ $# -gt 0 ]; do
  case "$1" in
    --units) units=$2; shift ;;
    --slots) slots=$2; shift ;;
    --keep) ;; # accepted: the files are always kept in BUILD_DIR/demo
    --headless) headless=1 ;;
    *) echo "demo: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

cli="$build/station/station-cli"
gtk_app="$build/ui/station-gtk"
emulator="$build/fixtures/cloud-emulator/cloud-emulator"
fixture_sim="$build/fixtures/fixture-sim/fixture-sim"
work="$build/demo"
rm -rf "$work"
mkdir -p "$work"
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -f "$work"/*.pid
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# first_line FILE: waits (bounded) for a program to print its first line
first_line() {
  local f=$1 i
  for i in $(seq 1 200); do
    if [ -s "$f" ] && head -n1 "$f" | grep -q .; then head -n1 "$f"; return 0; fi
    sleep 0.05
  done
  echo "demo: no output in $f" >&2; cat "${f%.out}.err" >&2 || true; return 1
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

umask 077
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/beam.psk"
registry_port=$(free_port)

say "SORACOM cloud emulator (API, Beam, metadata) on 127.0.0.1"
"$emulator" --port 0 --seed 1 --state "$work/cloud.json" \
  --beam-target "http://127.0.0.1:$registry_port" --beam-psk "$work/beam.psk" \
  > "$work/emulator.out" 2> "$work/emulator.err" &
pids+=($!)
api_root=$(first_line "$work/emulator.out" | sed -n 's/^listening \(http[^ ]*\).*/\1/p')
echo "emulator: $api_root (Beam forwards to the station's receiver on port $registry_port)"

say "Fixture simulator: $slots slots, $units units with SORACOM SIMs"
"$fixture_sim" --slots "$slots" --generate "$units" --api-url "$api_root" --seed 7 \
  > "$work/fixture.out" 2> "$work/fixture.err" &
pids+=($!)
sim_json=$(first_line "$work/fixture.out")
fixture_uri=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["fixture"])' "$sim_json")
python3 - "$sim_json" "$work/sims.csv" <<'EOF'
import json, sys
units = json.loads(sys.argv[1])["units"]
with open(sys.argv[2], "w") as f:
    f.write("imsi,iccid,serial_number,msisdn\n")
    for u in units:
        f.write(f"{u['imsi']},{u['iccid']},,\n")
print(f"fixture: {json.loads(sys.argv[1])['fixture']}, {len(units)} units, first {units[0]['device_id']}")
EOF

export SORACOM_AUTH_KEY_ID=keyId-emulator-0000000000000000000000
export SORACOM_AUTH_KEY=secret-emulator-$(printf '0%.0s' $(seq 1 52))
common=(--db "$work/station.db" --api-url "$api_root/v1")

mkdir -p "$work/labels"
say "Batch import: the SIMs ordered for this batch"
"$cli" "${common[@]}" batch import --batch DEMO-1 --csv "$work/sims.csv"

line=(--batch DEMO-1 --fixture "$fixture_uri" --slots "$slots"
  --registry-listen "127.0.0.1:$registry_port" --psk-file "$work/beam.psk"
  --printer "file:$work/labels")
set +e
if [ $headless -eq 0 ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  say "Operator app on $slots slots: close its window to end the demo"
  "$gtk_app" "${common[@]}" "${line[@]}" --count "$units" --start
  rc=$?
  set -e
  say "Batch summary"
  "$cli" "${common[@]}" report --batch DEMO-1 --format json --out "$work/DEMO-1.json"
  python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["counts"]))' "$work/DEMO-1.json"
  first=$(python3 -c 'import json,sys; u=json.load(open(sys.argv[1]))["units"]; print(u[0]["device_id"] if u else "")' "$work/DEMO-1.json")
else
  echo "demo: no display (\$DISPLAY / \$WAYLAND_DISPLAY): the operator app needs one; provisioning headless with station-cli"
  say "Provisioning on $slots slots (identify, attach, Beam registration, self-test, tags, IMEI lock, radio off, standby, label)"
  "$cli" "${common[@]}" provision "${line[@]}" --count "$units" --progress > "$work/provision.jsonl"
  rc=$?
  set -e
  say "Batch summary"
  tail -n1 "$work/provision.jsonl"
  first=$(head -n1 "$work/provision.jsonl" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["device_id"])')
fi
if [ -z "$first" ]; then
  echo "demo: no unit was provisioned"
  exit "$rc"
fi

say "Lookup of $first (as a scan of its label would)"
"$cli" "${common[@]}" lookup "$first" > "$work/lookup.json"
python3 - "$work/lookup.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
sim = r.get("sim") or {}
print(f"{r['device_id']}: {r['state']}, IMSI {r['imsi']}, IMEI {r['imei']}")
print(f"  SIM now: status {sim.get('status')}, IMEI lock {sim.get('imei_lock')}, "
      f"online {sim.get('online')}, tags {len(sim.get('tags', {}))}")
print("  steps: " + ", ".join(s["step"] + ":" + s["state"] for s in r["steps"]))
print("  labels: " + ", ".join(l["payload"] for l in r["labels"]))
EOF
say "Stock-intake report"
"$cli" "${common[@]}" report --batch DEMO-1 --format pdf --out "$work/DEMO-1.pdf"
"$cli" "${common[@]}" report --batch DEMO-1 --format csv --out "$work/DEMO-1.csv"
echo "report: $work/DEMO-1.pdf, $work/DEMO-1.csv ($(($(wc -l < "$work/DEMO-1.csv") - 1)) units)"
echo
echo "labels written to $work/labels ($(ls "$work/labels" 2>/dev/null | wc -l) files)"
rel=${work#"$PWD"/}
echo "look a unit up again (the emulator has stopped, so without the SIM's live status):"
echo "  ./run cli --db $rel/station.db lookup $first"
exit $rc
