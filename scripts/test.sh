#!/usr/bin/env bash
# README command 2: install what is missing, build, run every test.
#   build/       Release build: every suite, the GUI tests under xvfb-run, and install_tests (label
#                install: `cmake --install build` into a temporary prefix, run from there)
#   build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer (portable code: sanitizer builds check
#                correctness, not speed): the suites labelled `sanitize`
#                (core, file formats, CLI, trainer, plot math)
#   build-tsan/  ThreadSanitizer: the suites labelled `threaded` (code shared between threads)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
jobs="$(nproc)"

echo "== build (Release)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"

echo "== build (AddressSanitizer + UndefinedBehaviorSanitizer)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DUNROLLED_SANITIZE=address,undefined -DUNROLLED_NATIVE=OFF -DUNROLLED_OPENMP=OFF \
      -DUNROLLED_BUILD_APP=OFF -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" >/dev/null
asan_targets=$(cd build-asan && ctest -N -L sanitize | sed -n 's/^ *Test *#[0-9]*: //p')
cmake --build build-asan -j"$jobs" --target unrolled-cli $asan_targets

echo "== build (ThreadSanitizer)"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DUNROLLED_SANITIZE=thread -DUNROLLED_NATIVE=OFF -DUNROLLED_OPENMP=OFF \
      -DUNROLLED_BUILD_APP=OFF -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" >/dev/null
threaded_targets=$(cd build-tsan && ctest -N -L threaded | sed -n 's/^ *Test *#[0-9]*: //p')
cmake --build build-tsan -j"$jobs" --target unrolled_core $threaded_targets

echo "== tests: AddressSanitizer + UndefinedBehaviorSanitizer"
(cd build-asan && ctest --output-on-failure -j"$jobs" -L sanitize)
echo "== tests: ThreadSanitizer"
(cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest --output-on-failure -L threaded)
echo "== tests: all (Release)"
cd build && ctest --output-on-failure -j"$jobs"
