#!/usr/bin/env bash
# README command 2: install what is missing, build, run every test.
#   build/       Release build: all suites, the GUI smoke tests under xvfb-run
#   build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer: core and CLI suites
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
jobs="$(nproc)"

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DUNROLLED_SANITIZE=address,undefined \
      -DUNROLLED_BUILD_APP=OFF -DCMAKE_CXX_FLAGS="-O1" >/dev/null
cmake --build build-asan -j"$jobs"

echo "== sanitizers: address,undefined (core + cli)"
(cd build-asan && ctest --output-on-failure -j"$jobs" -L sanitize)
echo "== all tests (Release)"
cd build && ctest --output-on-failure -j"$jobs"
