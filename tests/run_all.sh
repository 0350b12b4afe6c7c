#!/usr/bin/env bash
# The test command (README, CI): a -Werror build with the whole ctest suite, an ASan+UBSan build running
# the suite again, the fuzz targets for FUZZ_SECONDS (60) each, then valgrind memcheck over the first
# build. Build folders: build-test/, build-asan/, build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
# CI has POCL, Mesa rusticl and Chromium (.ci/setup): an OpenCL test that finds no device (on either
# driver), or the report's browser test that finds no browser, fails instead of skipping.
export OCLAB_REQUIRE_DEVICE=1
export OCLAB_REQUIRE_BROWSER=1
export OCLAB_REQUIRE_RUSTICL=1
# Mesa compiles one attention kernel for llvmpipe in about half a minute; both ctest passes share its
# shader cache (Mesa adds mesa_shader_cache/), so the ASan pass tests oclab on rusticl, not Mesa's
# compiler a second time. oclab's own tuning cache stays in each build folder: both passes search.
export MESA_SHADER_CACHE_DIR="$PWD/build-test/shared-cache"

cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOCLAB_WERROR=ON
cmake --build build-test -j"$jobs"
ctest --test-dir build-test --output-on-failure -j"$jobs"

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DOCLAB_WERROR=ON -DOCLAB_SANITIZE=ON
cmake --build build-asan -j"$jobs"
# POCL and the ICD loader keep allocations alive until exit by design: leaks are not checked.
ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs"

# The readers of untrusted files under libFuzzer (tests/fuzz/README.md). Without clang's fuzzer runtime
# this stage says so and is skipped, unless OCLAB_REQUIRE_FUZZ is set (CI sets it).
bash tests/fuzz/run.sh

# valgrind memcheck: unit tests, fuzz replays, the commands that need no device, one OpenCL run.
bash tests/valgrind/run.sh build-test
