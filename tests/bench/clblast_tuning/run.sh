#!/usr/bin/env bash
# CLBlast's own tuners on one OpenCL device, for the GEMV baseline of oclab decode (see README.md).
# usage: run.sh [PLATFORM DEVICE] [OUT_DIR]    (indices as `oclab devices` prints them: P:D)
# Then: OCLAB_CLBLAST_TUNING=OUT_DIR oclab decode -d P:D --family gemv ...
set -eu
platform=${1:-0}
device=${2:-0}
out=${3:-clblast-tuning}
for t in clblast_tuner_xgemv clblast_tuner_xgemm clblast_tuner_xgemm_direct clblast_tuner_copy_fast \
    clblast_tuner_copy_pad clblast_tuner_transpose_fast clblast_tuner_transpose_pad; do
    command -v "$t" >/dev/null || { echo "run.sh: $t not found: install CLBlast's tuners (Debian: clblast-utils)" >&2; exit 2; }
done
mkdir -p "$out"
cd "$out"
dev=(-platform "$platform" -device "$device" -precision 32)
# Sgemv (M = 1): oclab's decode shapes, both orientations (the tuner takes one size per run: the last
# run's file is kept, so the square size that sits between them goes last)
clblast_tuner_xgemv "${dev[@]}" -m 11008 -n 4096
clblast_tuner_xgemv "${dev[@]}" -m 4096 -n 4096
# Sgemm (M = 16 rows of X against the weights): the direct kernel, and the indirect one with the copy,
# pad and transpose kernels it runs around it; a random fraction of their large spaces
clblast_tuner_xgemm_direct "${dev[@]}" -m 16 -n 4096 -k 4096 -fraction 0.25
clblast_tuner_xgemm "${dev[@]}" -m 256 -n 4096 -k 4096 -fraction 0.02
for t in copy_fast copy_pad transpose_fast transpose_pad; do
    "clblast_tuner_$t" "${dev[@]}"
done
echo "CLBlast's parameters for device $platform:$device are in $PWD:" >&2
ls clblast_*.json >&2
echo "use them with: OCLAB_CLBLAST_TUNING=$PWD oclab decode -d $platform:$device --family gemv ..." >&2
