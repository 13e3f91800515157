#!/usr/bin/env bash
# README command 1: install what is missing, build (Release), launch the desktop app.
# Any arguments are passed to the app, e.g. ./scripts/run.sh --scale 2
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
exec ./build/bin/unrolled "$@"
