#!/usr/bin/env bash
# The include graph stays layered and acyclic (check_layers.sh), and the check itself catches a cycle
# and a layer violation in a small tree made for the purpose.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
assert_eq() { [ "$1" = "$2" ] || fail "$3 (got '$1', want '$2')"; }
assert_contains() { [[ "$1" == *"$2"* ]] || fail "$3 (output: $1)"; }
check=$here/check_layers.sh

out=$("$check" 2>&1)
assert_eq "$?" 0 "the repository's include graph passes: $out"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/roofline" "$tmp/host/cl" "$tmp/host/cli" "$tmp/reports" "$tmp/kernels"
printf '#include "roofline/b.h"\n' >"$tmp/roofline/a.h"
printf '#include "roofline/a.h"\n' >"$tmp/roofline/b.h"
out=$("$check" "$tmp" 2>&1)
assert_eq "$?" 1 "a two-file cycle fails"
assert_contains "$out" "include cycle between modules" "and is named as a cycle"

printf '' >"$tmp/roofline/b.h"
printf '#include "host/cli/cli.h"\n' >"$tmp/host/cl/device.c"
printf '#include "host/cl/device.h"\n' >"$tmp/host/cli/cli.h"
printf '' >"$tmp/host/cl/device.h"
out=$("$check" "$tmp" 2>&1)
assert_eq "$?" 1 "the OpenCL layer including the CLI fails"
assert_contains "$out" "host/cl may not depend on host/cli" "and names the layers"
assert_contains "$out" "include cycle between folders" "the folder cycle it makes is named too"

printf '#include "host/cl/missing.h"\n' >"$tmp/host/cl/device.c"
out=$("$check" "$tmp" 2>&1)
assert_eq "$?" 1 "an include outside the tree fails"

stray=$(find "$here/../../host" -maxdepth 1 -type f ! -name main.c ! -name README.md)
assert_eq "$stray" "" "host/ holds only main.c and its README at its root; everything else is in a layer"
echo "layers: the tree passes; a cycle, a layer violation and a missing include each fail"
