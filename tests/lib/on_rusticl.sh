#!/usr/bin/env bash
# Runs a test command on Mesa rusticl's llvmpipe device (RUSTICL_ENABLE=llvmpipe, OCLAB_DEVICE=rusticl
# from ctest): exit 77 with the reason when this machine has no such device, unless
# $OCLAB_REQUIRE_RUSTICL is set (CI installs it: a missing device is then a failure).
set -u
: "${OCLAB:?OCLAB must point to the oclab binary}"
if ! "$OCLAB" devices -d "$OCLAB_DEVICE" >/dev/null 2>&1; then
    if [ -n "${OCLAB_REQUIRE_RUSTICL:-}" ]; then
        echo "FAIL: no rusticl device (is mesa-opencl-icd installed?)" >&2
        exit 1
    fi
    echo "SKIP: no rusticl device (apt-get install mesa-opencl-icd; RUSTICL_ENABLE=llvmpipe)" >&2
    exit 77
fi
exec "$@"
