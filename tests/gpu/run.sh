#!/usr/bin/env bash
# Builds oclab and measures a GPU on a machine that has the GPU's driver, CMake and a C compiler but no
# OpenCL loader, no Debian packages and no network (the device machine), from the packages that
# prepare.sh fetched. Steps, each timed and bounded, the whole run within --budget seconds:
#   check    tools, processor, C library; system facts (nvidia-smi) into the log
#   unpack   the packages into a prefix in the build folder (never over /)
#   driver   find the NVIDIA OpenCL driver (libnvidia-opencl.so.1) and register it with the loader
#            through an .icd file in a private folder (OCL_ICD_VENDORS); where there is none, fall
#            back to the CPU with the machine's own OpenCL drivers (-d cpu)
#   build    oclab (and its tests) against the prefix
#   devices  oclab devices, and the chosen device exists
#   run      oclab run --quick -d SEL --out $OUT/oclab
#   ctest    the kernel tests (ctest -L cl) on the default device, the one registered
# A failing step before run stops the script; run and ctest are both tried. The log, the profile and
# the reports go to $OUT (default: a new temporary folder); the last lines name any step that failed.
#
# Usage: tests/gpu/run.sh [--debs DIR] [--build DIR] [--device SEL] [--budget S] [--ctest-label L]
#                         [--no-ctest] [-- OCLAB_RUN_OPTIONS...]
# Environment: OUT; OCLAB_OPENCL_DRIVER (an ICD library to register instead of searching for the
# NVIDIA one); OCLAB_DRIVER_SEARCH_S (seconds for the last-resort search of the whole file system,
# default 60, 0 skips it).
set -Eeuo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/tests/gpu
debs=$here/debs
build=$repo/build-gpu
device=
budget=420
ctest_label=cl
do_ctest=1
run_args=()

usage() {
    echo "run.sh: error: $*; usage: tests/gpu/run.sh [--debs DIR] [--build DIR] [--device SEL]" \
        "[--budget S] [--ctest-label L] [--no-ctest] [-- OCLAB_RUN_OPTIONS...]" >&2
    exit 2
}
while (($#)); do
    case $1 in
    --debs | --build | --device | --budget | --ctest-label)
        (($# >= 2)) || usage "$1 needs a value"
        case $1 in
        --debs) debs=$2 ;;
        --build) build=$2 ;;
        --device) device=$2 ;;
        --budget) budget=$2 ;;
        --ctest-label) ctest_label=$2 ;;
        esac
        shift
        ;;
    --no-ctest) do_ctest=0 ;;
    --) shift; run_args=("$@"); break ;;
    *) usage "unknown option '$1'" ;;
    esac
    shift
done
[[ $budget =~ ^[1-9][0-9]*$ ]] || usage "--budget takes whole seconds, not '$budget'"
search_s=${OCLAB_DRIVER_SEARCH_S:-60}
[[ $search_s =~ ^[0-9]+$ ]] || usage "OCLAB_DRIVER_SEARCH_S takes whole seconds, not '$search_s'"

OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/oclab-gpu.XXXXXX")}
mkdir -p "$OUT" "$build"
OUT=$(cd "$OUT" && pwd)
build=$(cd "$build" && pwd)
log_file=$OUT/run.log
: >"$log_file"
prefix=$build/prefix
fallback=$build/fallback
libdir=$prefix/usr/lib/x86_64-linux-gnu
bin_dir=$build/oclab
oclab=$bin_dir/oclab
driver=
clblast=1
t_start=$SECONDS
step=start
step_t0=$SECONDS
step_end=$SECONDS
summary=()
failed=()

say() { echo "run.sh: $*" | tee -a "$log_file" >&2; }

# begin NAME MAX_S: starts a step allowed MAX_S seconds, or what is left of the budget if less.
begin() {
    step=$1
    local left=$((budget - (SECONDS - t_start))) max=$2
    ((max <= left)) || max=$left
    ((max >= 1)) || die "no time left of the ${budget}s budget"
    step_t0=$SECONDS
    step_end=$((SECONDS + max))
    say "== $step (at most ${max}s)"
}

done_step() {
    summary+=("$step ok $((SECONDS - step_t0))s")
    say "== $step ok ($((SECONDS - step_t0))s)"
}

# die MESSAGE: the step failed and nothing after it can run.
die() {
    summary+=("$step FAILED $((SECONDS - step_t0))s")
    failed+=("$step")
    say "FAILED at step $step: $*"
    finish
}

# soft_fail MESSAGE: the step failed; the next ones still run.
soft_fail() {
    summary+=("$step FAILED $((SECONDS - step_t0))s")
    failed+=("$step")
    say "FAILED at step $step: $* (going on)"
}

# within CMD...: runs CMD with the time left to the step, its output appended to the log.
within() {
    local left=$((step_end - SECONDS)) rc=0
    ((left >= 1)) || left=1
    timeout -k 5 "$left" "$@" >>"$log_file" 2>&1 || rc=$?
    if ((rc == 124 || rc == 137)); then
        say "'$1' timed out after ${left}s"
    elif ((rc)); then
        say "'$*' exited $rc; its output is in $log_file:"
        tail -n 15 "$log_file" | sed 's/^/    /' >&2
    fi
    return "$rc"
}

finish() {
    trap - EXIT
    say "== summary (${budget}s budget, $((SECONDS - t_start))s used)"
    local line
    for line in "${summary[@]}"; do say "   $line"; done
    say "results in $OUT"
    if ((${#failed[@]})); then
        say "failed: ${failed[*]}"
        exit 1
    fi
    say "all steps ok"
    exit 0
}
# A command that fails where no step expected it: name the step and the line.
err_line=
trap 'err_line=$LINENO' ERR
trap 'die "the script stopped at line ${err_line:-?} of $0"' EXIT

step_check() {
    begin check 30
    local tool
    for tool in cmake timeout sha256sum sed ldd; do
        command -v "$tool" >/dev/null || die "'$tool' is missing"
    done
    command -v dpkg-deb >/dev/null || { command -v ar >/dev/null && command -v tar >/dev/null; } ||
        die "neither dpkg-deb nor ar and tar to unpack the packages"
    command -v cc >/dev/null || command -v gcc >/dev/null || command -v clang >/dev/null ||
        die "no C compiler (cc, gcc or clang)"
    [ "$(uname -m)" = x86_64 ] || die "the packages are for x86_64, this is $(uname -m)"
    # The Debian 12 OpenCL loader needs glibc 2.34.
    local glibc
    glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{ print $2 }') || true
    [ -n "$glibc" ] || die "cannot tell the C library's version (getconf GNU_LIBC_VERSION)"
    [ "$(printf '%s\n2.34\n' "$glibc" | sort -V | head -n1)" = 2.34 ] ||
        die "glibc $glibc is older than 2.34, which the Debian 12 OpenCL loader needs"
    {
        echo "host $(uname -srm), glibc $glibc, $(nproc) cores"
        cmake --version | head -n1
        "$(command -v cc || command -v gcc || command -v clang)" --version | head -n1
    } >>"$log_file" 2>&1 || true
    if command -v nvidia-smi >/dev/null; then
        within nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem \
            --format=csv || say "nvidia-smi failed (not a step failure)"
    fi
    done_step
}

# unpack_deb FILE DIR: the package's files under DIR (dpkg-deb where there is one, else ar and tar).
unpack_deb() {
    if command -v dpkg-deb >/dev/null; then
        dpkg-deb -x "$1" "$2"
        return
    fi
    local tmp member rc=1
    tmp=$(mktemp -d)
    if (cd "$tmp" && ar x "$1"); then
        for member in "$tmp"/data.tar.*; do
            [ -e "$member" ] && tar -xf "$member" -C "$2" && rc=0
        done
    fi
    rm -rf "$tmp"
    return "$rc"
}

# missing_libs: the libraries that the prefix's shared libraries need and cannot find (ldd).
missing_libs() {
    local lib
    for lib in "$libdir"/libOpenCL.so.1 "$libdir"/libcjson.so.1 "$libdir"/libclblast.so.1 "$libdir"/libcmocka.so.0; do
        ldd "$lib" 2>&1 | grep 'not found' | sed "s|^|${lib##*/}: |" || true
    done
}

step_unpack() {
    begin unpack 60
    [ -f "$debs/SHA256SUMS" ] || die "no packages in $debs: run tests/gpu/prepare.sh on a Debian 12 machine first"
    debs=$(cd "$debs" && pwd)
    (cd "$debs" && within sha256sum --quiet -c SHA256SUMS) || die "the packages in $debs do not match SHA256SUMS"
    rm -rf "$prefix" "$fallback"
    mkdir -p "$prefix" "$fallback"
    local name where file
    while read -r name where; do
        file=$(ls "$debs/${name}"_*.deb 2>/dev/null) || die "$name is missing from $debs: run tests/gpu/prepare.sh"
        [ "$(wc -l <<<"$file")" -eq 1 ] || die "several versions of $name in $debs"
        case $where in
        prefix) unpack_deb "$file" "$prefix" || die "cannot unpack $file" ;;
        fallback) unpack_deb "$file" "$fallback" || die "cannot unpack $file" ;;
        *) die "packages.txt: '$where' for $name is neither prefix nor fallback" ;;
        esac
    done < <(awk '!/^#/ && NF { print $1, $2 }' "$here/packages.txt")
    # The packages' CMake files name /usr: point them at the prefix.
    find "$libdir/cmake" -name '*.cmake' -exec \
        sed -i -E "s#([\";])/usr([/\"])#\\1$prefix/usr\\2#g" {} + || die "cannot relocate the CMake files"
    local own=${LD_LIBRARY_PATH:-} missing
    export LD_LIBRARY_PATH=$libdir${own:+:$own}
    missing=$(missing_libs)
    if [ -n "$missing" ]; then
        say "the machine's own libraries do not do: $(tr '\n' ';' <<<"$missing"); adding $fallback"
        LD_LIBRARY_PATH=$libdir:$fallback/usr/lib/x86_64-linux-gnu${own:+:$own}
        missing=$(missing_libs)
    fi
    if grep -q '^libclblast' <<<"$missing"; then
        say "CLBlast cannot load here ($(grep '^libclblast' <<<"$missing" | tr '\n' ';')): building without its baseline"
        clblast=0
        missing=$(grep -v '^libclblast' <<<"$missing" || true)
    fi
    [ -z "$missing" ] || die "libraries not found: $(tr '\n' ';' <<<"$missing")"
    done_step
}

# The vendor ICD library: $OCLAB_OPENCL_DRIVER, else libnvidia-opencl.so.1 from the dynamic linker's
# cache, the driver's usual folders, vendor .icd files, and last the whole file system (bounded).
find_driver() {
    if [ -n "${OCLAB_OPENCL_DRIVER:-}" ]; then
        echo "$OCLAB_OPENCL_DRIVER"
        return
    fi
    local path dir icd
    path=$(ldconfig -p 2>/dev/null | awk '/libnvidia-opencl\.so\.1 / && /x86-64/ { print $NF; exit }')
    if [ -n "$path" ] && [ -e "$path" ]; then
        echo "$path"
        return
    fi
    for dir in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu /usr/lib64 \
        /lib/x86_64-linux-gnu /lib64 /usr/lib /usr/lib/x86_64-linux-gnu/nvidia/current /usr/lib/nvidia \
        /run/nvidia/driver/usr/lib/x86_64-linux-gnu /run/nvidia/driver/usr/lib64 /usr/local/cuda/compat \
        ${LD_LIBRARY_PATH//:/ }; do
        for path in "$dir"/libnvidia-opencl.so.1 "$dir"/libnvidia-opencl.so.[0-9]*; do
            [ -e "$path" ] && { echo "$path"; return; }
        done
    done
    for icd in /etc/OpenCL/vendors/*.icd /usr/local/nvidia/etc/OpenCL/vendors/*.icd \
        /usr/share/nvidia/*.icd; do
        path=$(grep -s -m1 libnvidia-opencl "$icd") || continue
        [[ $path == /* ]] && [ -e "$path" ] && { echo "$path"; return; }
    done
    ((search_s > 0)) || return 0
    say "searching the file system for libnvidia-opencl.so* (at most ${search_s}s)"
    timeout -k 2 "$search_s" find / \( -path /proc -o -path /sys -o -path /dev -o -path "$build" \) -prune \
        -o -name 'libnvidia-opencl.so*' -print 2>/dev/null | sort | head -n1 || true
}

step_driver() {
    begin driver $((search_s + 30))
    driver=$(find_driver) || true
    if [ -z "$driver" ]; then
        # What the driver did bring, for whoever reads the log.
        { ldconfig -p 2>/dev/null | grep -iE 'nvidia|libcuda' | head -n 20; } >>"$log_file" || true
        local own
        own=$(cd /etc/OpenCL/vendors 2>/dev/null && ls -- *.icd 2>/dev/null | tr '\n' ' ') || true
        [ -n "$own" ] || die "no NVIDIA OpenCL driver (libnvidia-opencl.so*) found, and no other OpenCL" \
            "driver in /etc/OpenCL/vendors to fall back to"
        say "no NVIDIA OpenCL driver (libnvidia-opencl.so.1) found: falling back to -d cpu with the" \
            "machine's own OpenCL drivers ($own)"
        unset OCL_ICD_VENDORS
        device=${device:-cpu}
    else
        local icd_dir=$build/icd
        rm -rf "$icd_dir"
        mkdir -p "$icd_dir"
        echo "$driver" >"$icd_dir/oclab-gpu.icd"
        export OCL_ICD_VENDORS=$icd_dir
        # The driver's own libraries sit beside it.
        [[ $driver != */* ]] || export LD_LIBRARY_PATH=$LD_LIBRARY_PATH:${driver%/*}
        say "registered $driver through $icd_dir/oclab-gpu.icd (OCL_ICD_VENDORS)"
        device=${device:-gpu}
    fi
    say "device: -d $device; LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
    done_step
}

step_build() {
    begin build 180
    local tests=OFF
    ((do_ctest)) && tests=ON
    local find_clblast=(-DCLBlast_DIR="$libdir/cmake/CLBlast")
    ((clblast)) || find_clblast=(-DCMAKE_DISABLE_FIND_PACKAGE_CLBlast=ON)
    within cmake -S "$repo" -B "$bin_dir" -DCMAKE_BUILD_TYPE=Release -DOCLAB_TESTS="$tests" \
        -DCMAKE_PREFIX_PATH="$prefix/usr" \
        -DOpenCL_INCLUDE_DIR="$prefix/usr/include" -DOpenCL_LIBRARY="$libdir/libOpenCL.so" \
        -DcJSON_DIR="$libdir/cmake/cJSON" -Dcmocka_DIR="$libdir/cmake/cmocka" "${find_clblast[@]}" ||
        die "cmake could not configure the build against $prefix"
    within cmake --build "$bin_dir" -j"$(nproc)" || die "the build failed"
    done_step
}

step_devices() {
    begin devices 30
    within "$oclab" devices || {
        # A registered driver that the loader skips is most often one whose own libraries are missing.
        [ -z "$driver" ] || within ldd "$driver" || true
        die "oclab devices found no OpenCL device${driver:+ through $driver}"
    }
    within "$oclab" devices -d "$device" || die "no OpenCL device matches -d $device"
    done_step
}

step_run() {
    begin run 300
    if within "$oclab" run --quick -d "$device" --out "$OUT/oclab" "${run_args[@]}"; then
        done_step
    else
        soft_fail "oclab run exited non-zero"
    fi
}

step_ctest() {
    begin ctest 150
    if OCLAB_REQUIRE_DEVICE=1 timeout -k 5 $((step_end - SECONDS)) \
        ctest --test-dir "$bin_dir" -L "$ctest_label" --output-on-failure -j4 >"$OUT/ctest.log" 2>&1; then
        say "$(grep -E 'tests passed' "$OUT/ctest.log")"
        done_step
    else
        say "$(grep -E 'tests passed|timed out|Failed|\*\*\*' "$OUT/ctest.log" | tail -n 12)"
        soft_fail "ctest -L $ctest_label failed or timed out (details in $OUT/ctest.log)"
    fi
}

say "oclab GPU check: OUT=$OUT build=$build debs=$debs budget=${budget}s"
step_check
step_unpack
step_driver
step_build
step_devices
step_run
if ((do_ctest)); then step_ctest; fi
step=end
finish
