#!/usr/bin/env bash
# ./run demo: what the demo shows grows with the project (README.md).
set -euo pipefail
build=$1; shift
echo "demo: once the simulators and the engine exist, this starts the cloud emulator, the fixture simulator and provisions a batch of 20 units on 4 slots; for now the build ($build) is ready and './run test' exercises it."
