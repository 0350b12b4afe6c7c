# Helpers for the CLI tests (bash). Each failing assertion prints what differed and exits 1.
set -u
: "${OCLAB:?OCLAB must point to the oclab binary}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_usage_error DESCRIPTION ARGS...: exit code 2, exactly one stderr line starting "oclab: error:",
# nothing on stdout.
expect_usage_error() {
    local what=$1; shift
    local rc=0
    "$OCLAB" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
    [ "$rc" -eq 2 ] || fail "$what: exit $rc, want 2 (stderr: $(cat "$TMP/err"))"
    [ ! -s "$TMP/out" ] || fail "$what: wrote to stdout: $(head -c 200 "$TMP/out")"
    [ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "$what: want one stderr line, got: $(cat "$TMP/err")"
    grep -q '^oclab: error: ' "$TMP/err" || fail "$what: stderr is not an oclab error: $(cat "$TMP/err")"
}

# json_get FILE EXPR: prints the value of a Python expression over the parsed JSON document `d`.
json_get() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# expect_eq WHAT GOT WANT
expect_eq() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }

# expect_close WHAT GOT WANT REL: |got - want| <= rel * |want|
expect_close() {
    python3 -c 'import sys; g,w,r=map(float,sys.argv[1:4]); sys.exit(0 if abs(g-w)<=r*abs(w) else 1)' "$2" "$3" "$4" \
        || fail "$1: got $2, want $3 (within $4 relative)"
}

# has_device: exit 77 (ctest skip) when no OpenCL device is available.
# With $OCLAB_REQUIRE_DEVICE set (CI), a missing device fails instead.
require_device() {
    if ! "$OCLAB" devices --json >"$TMP/devices.json" 2>"$TMP/devices.err"; then
        [ -z "${OCLAB_REQUIRE_DEVICE:-}" ] || fail "no OpenCL device: $(cat "$TMP/devices.err")"
        echo "SKIP: no OpenCL device: $(cat "$TMP/devices.err")" >&2
        exit 77
    fi
}

# Keep-going style, for scripts that report every failed check before exiting: check_fail records a
# failure and goes on, run leaves oclab's output in $TMP/out and $TMP/err and its exit code in $rc,
# finish MESSAGE exits 1 after any failure, else prints MESSAGE.
failures=0
check_fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

run() {
    "$OCLAB" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}

# bad_input LABEL WANT ARGS...: oclab ARGS exits 2 with one stderr line containing WANT, nothing on stdout.
bad_input() {
    local label=$1 want=$2
    shift 2
    run "$@"
    [ "$rc" = 2 ] || check_fail "$label: exit $rc, want 2"
    [ "$(wc -l <"$TMP/err")" = 1 ] || check_fail "$label: stderr is '$(cat "$TMP/err")'"
    grep -q -- "$want" "$TMP/err" || check_fail "$label: stderr '$(cat "$TMP/err")' lacks '$want'"
    [ ! -s "$TMP/out" ] || check_fail "$label: stdout is '$(cat "$TMP/out")'"
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures failure(s)" >&2
        exit 1
    fi
    echo "$1"
}
