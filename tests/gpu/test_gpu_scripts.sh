#!/usr/bin/env bash
# prepare.sh and run.sh end to end on the CPU (POCL): the package list resolves within its size limit;
# run.sh unpacks the packages into a prefix, builds oclab against the prefix alone, registers a driver
# through its own .icd folder (POCL standing in for NVIDIA's), and writes the profile, the reports and
# its log to $OUT; with no driver found it falls back to -d cpu and the machine's own drivers; a failing
# step is named, before run it stops the script, from run on the others still go.
source "$(dirname "$0")/../lib/assert.sh"
require_device
here=$(cd "$(dirname "$0")" && pwd)
unset OUT OCL_ICD_VENDORS OCLAB_OPENCL_DRIVER
export TMPDIR=$TMP
tiny=(--max-time 20 --batch 1 --shape 96,512)

# --- prepare.sh: every listed package resolves, in all under the limit that keeps it cheap to carry.
mapfile -t listed < <(awk '!/^#/ && NF { print $1 }' "$here/packages.txt")
bash "$here/prepare.sh" --check >"$TMP/check.out" 2>"$TMP/check.err" ||
    fail "prepare.sh --check: $(cat "$TMP/check.err")"
for name in "${listed[@]}"; do
    grep -q "^$name .*${name}_.*\.deb" "$TMP/check.out" || fail "prepare.sh --check does not resolve $name"
done
total=$(sed -n 's/^prepare.sh: [0-9]* packages resolve, \([0-9]*\) bytes$/\1/p' "$TMP/check.out")
[ -n "$total" ] && [ "$total" -gt 0 ] && [ "$total" -le $((16 * 1024 * 1024)) ] ||
    fail "package total '$total' bytes is not within 16 MiB"

# The packages themselves: from apt's cache where they are there, else downloaded.
if ! bash "$here/prepare.sh" "$TMP/debs" >"$TMP/prep.out" 2>"$TMP/prep.err"; then
    if grep -q 'apt-get download failed' "$TMP/prep.err"; then
        echo "SKIP: the packages are neither in apt's cache nor downloadable: $(tail -n1 "$TMP/prep.err")" >&2
        exit 77
    fi
    fail "prepare.sh: $(cat "$TMP/prep.err")"
fi
[ "$(ls "$TMP"/debs/*.deb | wc -l)" -eq "${#listed[@]}" ] || fail "prepare.sh left $(ls "$TMP/debs")"
(cd "$TMP/debs" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not match the packages"

# profile_check OUTDIR WANT_ICD_DIR: the run's profile and reports; prints the kernels' families.
profile_check() {
    local profile
    profile=$(ls "$1"/oclab/0-*.json 2>/dev/null) || fail "no profile in $1/oclab: $(ls -R "$1")"
    for ext in html svg md; do
        ls "$1"/oclab/*."$ext" >/dev/null 2>&1 || fail "no .$ext report in $1/oclab"
    done
    [ -s "$1/oclab/devices.json" ] || fail "no devices.json in $1/oclab"
    python3 - "$profile" "$2" <<'PY' || fail "profile $profile"
import json, sys
d = json.load(open(sys.argv[1]))
want_icd = sys.argv[2]
assert d["schema"] == "oclab.profile/1", d["schema"]
assert d["device"]["type"] == "cpu", d["device"]["type"]
assert d["env"].get("OCL_ICD_VENDORS", "") == want_icd, d["env"]
dram = [c["gbs"] for c in d["ceilings"]["memory"] if c["level"] == "dram"]
f32 = [c["gflops"] for c in d["ceilings"]["compute"] if c["precision"] == "f32"]
assert dram and dram[0] > 0 and f32 and f32[0] > 0, d["ceilings"]
assert d["kernels"], "no kernels"
for k in d["kernels"]:
    assert k["verified"] is True, k
    assert 0 < k["gbs"] and 0 < k["efficiency"], k
print(" ".join(sorted("%s/%s%s" % (k["family"], k["format"], "/" + k["variant"]["library"] if "baseline" in k else "")
                      for k in d["kernels"])))
PY
}

# --- run.sh with a registered driver: POCL through run.sh's own .icd folder, so only it is seen.
pocl=$(ldconfig -p | awk '/libpocl\.so\.2 / && /x86-64/ { print $NF; exit }')
[ -n "$pocl" ] || fail "POCL (libpocl.so.2) is not in the dynamic linker's cache"
build=$TMP/build
out=$TMP/out-a
OUT=$out OCLAB_OPENCL_DRIVER=$pocl bash "$here/run.sh" --debs "$TMP/debs" --build "$build" --device cpu \
    --ctest-label layout -- --family gemv,attention --formats q4_0,f32 "${tiny[@]}" \
    --heads 8 --kv-heads 2 --head-dim 64 --context 300 --kv f16 >"$TMP/a.out" 2>"$TMP/a.err" ||
    fail "run.sh with POCL registered: $(tail -n 20 "$TMP/a.err")"
[ ! -s "$TMP/a.out" ] || fail "run.sh wrote to stdout: $(head -c 300 "$TMP/a.out")"
for s in check unpack driver build devices run ctest; do
    grep -q "^run.sh: == $s ok (" "$TMP/a.err" || fail "step $s not reported ok: $(cat "$TMP/a.err")"
done
grep -q "^run.sh: all steps ok$" "$TMP/a.err" || fail "no closing line: $(tail -n 3 "$TMP/a.err")"
grep -q "registered $pocl through $build/icd/oclab-gpu.icd" "$TMP/a.err" || fail "the driver's registration is not reported"
expect_eq "the .icd file" "$(cat "$build/icd/oclab-gpu.icd")" "$pocl"
# Built against the prefix alone: CMake found each package there, the packages' CMake files name
# nothing outside it, and the binary loads the prefix's libraries with no LD_LIBRARY_PATH.
for var in OpenCL_LIBRARY OpenCL_INCLUDE_DIR cJSON_DIR CLBlast_DIR cmocka_DIR; do
    grep -q "^$var:[A-Z]*=$build/prefix/" "$build/oclab/CMakeCache.txt" ||
        fail "$var is not in the prefix: $(grep "^$var:" "$build/oclab/CMakeCache.txt")"
done
outside=$(grep -rnE '^[^#]*["; ]/usr/' "$build/prefix/usr/lib/x86_64-linux-gnu/cmake" || true)
[ -z "$outside" ] || fail "CMake files still name /usr: $outside"
for lib in libOpenCL.so.1 libcjson.so.1 libclblast.so.1; do
    env -u LD_LIBRARY_PATH ldd "$build/oclab/oclab" | grep -q "$lib => $build/prefix/usr/lib/x86_64-linux-gnu/$lib " ||
        fail "oclab does not load $lib from the prefix: $(ldd "$build/oclab/oclab")"
done
kernels=$(profile_check "$out" "$build/icd")
# The CLBlast baseline ran, so the prefix's CLBlast loads and verifies.
expect_eq "kernels" "$kernels" "attention/f16 gemv/f32 gemv/f32/clblast gemv/q4_0"
grep -q "100% tests passed" "$out/ctest.log" || fail "ctest.log: $(tail -n 5 "$out/ctest.log")"
grep -q "^run.sh: == run ok" "$out/run.log" || fail "run.log lacks the steps"
grep -q "Found OpenCL: $build/prefix/" "$out/run.log" || fail "run.log lacks the build's output"
# What the device tool brings back: at most 8 files, at most 2 folders down, plain names.
files=$(cd "$out" && find . -type f)
[ "$(wc -l <<<"$files")" -le 8 ] || fail "more than 8 files in OUT: $files"
! grep -qE '^\./[^/]+/[^/]+/[^/]+/' <<<"$files" || fail "a file more than 2 folders down: $files"
! grep -qE '[^A-Za-z0-9._/-]' <<<"$files" || fail "a file name the device tool refuses: $files"

# --- a run that fails does not stop the steps after it, and the script still exits non-zero (before the
# --no-ctest run below, so the build keeps its tests).
OUT=$TMP/out-d OCLAB_DRIVER_SEARCH_S=0 bash "$here/run.sh" --debs "$TMP/debs" --build "$build" \
    --ctest-label layout -- --formats q5_k >"$TMP/d.out" 2>"$TMP/d.err" && fail "a failing oclab run passed"
grep -q "^run.sh: FAILED at step run: oclab run exited non-zero (going on)" "$TMP/d.err" ||
    fail "the failed run is not named: $(cat "$TMP/d.err")"
grep -q "^run.sh: == ctest ok" "$TMP/d.err" || fail "ctest did not run after the failed run"
grep -q "^run.sh: failed: run$" "$TMP/d.err" || fail "the summary does not name run"

# --- no driver: the machine's own OpenCL drivers and -d cpu; OUT unset: a new folder, named at the end.
OCLAB_DRIVER_SEARCH_S=0 bash "$here/run.sh" --debs "$TMP/debs" --build "$build" --no-ctest -- \
    --family gemv --formats q8_0 "${tiny[@]}" >"$TMP/b.out" 2>"$TMP/b.err" ||
    fail "run.sh falling back to the CPU: $(tail -n 20 "$TMP/b.err")"
grep -q "no NVIDIA OpenCL driver (libnvidia-opencl.so.1) found: falling back to -d cpu" "$TMP/b.err" ||
    fail "the fallback is not reported: $(cat "$TMP/b.err")"
grep -q "^run.sh: == ctest" "$TMP/b.err" && fail "--no-ctest ran ctest"
out_b=$(sed -n 's/^run.sh: results in //p' "$TMP/b.err")
[[ $out_b == "$TMP"/oclab-gpu.* ]] || fail "OUT unset: results in '$out_b', want a new folder in TMPDIR"
expect_eq "kernels without a driver" "$(profile_check "$out_b" "")" "gemv/f32/clblast gemv/q8_0"

# --- a failure before run names its step and stops the script.
OUT=$TMP/out-c bash "$here/run.sh" --debs "$TMP/nodebs" --build "$build" >"$TMP/c.out" 2>"$TMP/c.err" &&
    fail "run.sh without packages succeeded"
grep -q "^run.sh: FAILED at step unpack: no packages in $TMP/nodebs: run tests/gpu/prepare.sh" "$TMP/c.err" ||
    fail "missing packages: $(cat "$TMP/c.err")"
grep -q "^run.sh: failed: unpack$" "$TMP/c.err" || fail "the summary does not name unpack"
grep -q "FAILED at step unpack" "$TMP/out-c/run.log" || fail "run.log does not name the failed step"
[ ! -e "$TMP/out-c/oclab" ] || fail "steps after the failed one ran"

for bad in "--budget 0" "--budget" "--bogus" "--device"; do
    rc=0
    # shellcheck disable=SC2086
    bash "$here/run.sh" $bad >"$TMP/u.out" 2>"$TMP/u.err" || rc=$?
    expect_eq "run.sh $bad: exit" "$rc" 2
    [ "$(wc -l <"$TMP/u.err")" -eq 1 ] && grep -q '^run.sh: error: ' "$TMP/u.err" ||
        fail "run.sh $bad: want one error line, got: $(cat "$TMP/u.err")"
done
rc=0
bash "$here/prepare.sh" --bogus >/dev/null 2>"$TMP/u.err" || rc=$?
expect_eq "prepare.sh --bogus: exit" "$rc" 2
echo "gpu scripts: ok"
