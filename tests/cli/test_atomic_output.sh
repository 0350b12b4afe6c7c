#!/usr/bin/env bash
# Every file oclab writes appears whole or not at all, and no temporary is left, also when oclab is
# killed in the middle of writing. A preload library (tests/lib/kill_at.c) signals oclab at an exact
# point of `oclab report` writing a large report (several files): while the text is written, between
# two files, between the temporary link and the rename over an old file, and, with O_TMPFILE refused,
# while named temporaries exist. Needs no OpenCL device.
source "$(dirname "$0")/../lib/assert.sh"
: "${OCLAB_KILL_AT_LIB:?set OCLAB_KILL_AT_LIB to the preload library}"
SRC=${OCLAB_SOURCE_DIR:?set OCLAB_SOURCE_DIR to the source dir}
# The sanitizer runtime must come first among the libraries; the preload library is harmless before it.
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0

# A large profile: the test profile's kernels repeated, a report of several MB.
python3 - "$SRC/tests/data/profiles/pocl-cpu.json" "$TMP/big.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["kernels"] = d["kernels"] * 400
json.dump(d, open(sys.argv[2], "w"))
PY
run report "$TMP/big.json" --out "$TMP/ref"
[ "$rc" = 0 ] || check_fail "reference report: exit $rc: $(cat "$TMP/err")"
# The report's files in the order they are written (and printed).
mapfile -t files < <(sed 's|.*/||' "$TMP/out")
n=${#files[@]}
[ "$n" -ge 3 ] || check_fail "reference report: $n files"
size=$(cat "${files[@]/#/$TMP/ref/}" | wc -c)
[ "$size" -gt 2000000 ] || check_fail "reference report is only $size bytes"

# killed LABEL DIR WANT_RC KILL_SPEC [ENV...]: runs the report into DIR, killed as KILL_SPEC says.
killed() {
    local label=$1 dir=$2 want=$3 spec=$4
    shift 4
    # In a subshell whose stderr is dropped: bash reports a killed child there ("Killed").
    rc=$( (env "$@" OCLAB_KILL_AT="$spec" LD_PRELOAD="$OCLAB_KILL_AT_LIB" \
        "$OCLAB" report "$TMP/big.json" --out "$dir" >"$TMP/out" 2>"$TMP/err"; echo $?) 2>/dev/null)
    [ "$rc" = "$want" ] || check_fail "$label: exit $rc, want $want (stderr: $(head -c 300 "$TMP/err"))"
    local tmp
    tmp=$(ls -A "$dir" | grep '\.tmp\.')
    [ -z "$tmp" ] || check_fail "$label: temporaries left: $tmp"
}

# expect LABEL DIR FIRST K REST: the first K report files in DIR are in state FIRST, the others in
# state REST; a state is whole (the reference), old, or absent.
expect() {
    local label=$1 dir=$2 first=$3 k=$4 rest=$5
    for ((i = 0; i < n; i++)); do
        local f=$dir/${files[$i]} state=$rest
        ((i < k)) && state=$first
        case $state in
        whole) cmp -s "$f" "$TMP/ref/${files[$i]}" || check_fail "$label: ${files[$i]} is not the whole new file" ;;
        old) [ "$(cat "$f" 2>/dev/null)" = old ] || check_fail "$label: ${files[$i]} is not the old file" ;;
        absent) [ ! -e "$f" ] || check_fail "$label: ${files[$i]} exists" ;;
        esac
    done
}

old_files() {
    mkdir -p "$1"
    for f in "${files[@]}"; do echo old >"$1/$f"; done
}

# While the first file's text is flushed: nothing appears.
killed "kill -9 while writing" "$TMP/a" 137 fsync:1:before:KILL
expect "kill -9 while writing" "$TMP/a" absent 0 absent
# After the second file is in place: two whole files, the others absent.
killed "kill -9 between files" "$TMP/b" 137 linkat:2:after:KILL
expect "kill -9 between files" "$TMP/b" whole 2 absent
# Over old files: linked under a temporary name (the 2nd linkat; the 1st found the old file), then
# SIGTERM before the rename: the handler removes the temporary, the old files stay.
old_files "$TMP/c"
killed "SIGTERM before the rename" "$TMP/c" 143 linkat:2:after:TERM
expect "SIGTERM before the rename" "$TMP/c" old 0 old
# After the first rename: one new file, whole; the others old.
old_files "$TMP/d"
killed "kill -9 after a rename" "$TMP/d" 137 rename:1:after:KILL
expect "kill -9 after a rename" "$TMP/d" whole 1 old
# Without O_TMPFILE the texts go to named temporaries: SIGTERM while the second is flushed removes both.
# (Not SIGINT: a shell that runs the tests in the background makes oclab inherit it ignored.)
killed "SIGTERM, no O_TMPFILE" "$TMP/e" 143 fsync:2:after:TERM OCLAB_NO_TMPFILE="$TMP/refused-e"
expect "SIGTERM, no O_TMPFILE" "$TMP/e" absent 0 absent
[ "$(wc -l <"$TMP/refused-e")" = 2 ] || check_fail "SIGTERM, no O_TMPFILE: O_TMPFILE was not refused twice"
# ... and a run to the end puts every file in place through them.
killed "no O_TMPFILE" "$TMP/f" 0 rename:999:after:KILL OCLAB_NO_TMPFILE="$TMP/refused-f"
expect "no O_TMPFILE" "$TMP/f" whole "$n" whole
[ "$(wc -l <"$TMP/refused-f")" = "$n" ] || check_fail "no O_TMPFILE: O_TMPFILE was not refused for each file"

# A later run completes what a killed one left.
for dir in a b c d e; do
    run report "$TMP/big.json" --out "$TMP/$dir"
    [ "$rc" = 0 ] || check_fail "rerun into $dir: exit $rc"
    expect "rerun into $dir" "$TMP/$dir" whole "$n" whole
    [ "$(ls -A "$TMP/$dir" | wc -l)" = "$n" ] || check_fail "rerun into $dir: $(ls -A "$TMP/$dir")"
done

finish "atomic output: all checks passed"
