#!/usr/bin/env bash
# Every command takes --help (or -h, or "oclab help COMMAND"): its usage on stdout, nothing on stderr,
# exit 0, before any argument is checked. Needs no OpenCL device.
source "$(dirname "$0")/../lib/assert.sh"

run help
[ "$rc" = 0 ] || check_fail "oclab help: exit $rc"
commands=$(sed -n 's/^  oclab \([a-z]*\) .*/\1/p' "$TMP/out" | sort -u | tr '\n' ' ')
[ "$commands" = "compare cost decode devices model peak report run tune " ] || check_fail "commands listed: '$commands'"
for c in $commands; do
    for form in "$c --help" "$c -h" "help $c" "$c --bogus --help"; do
        run $form
        [ "$rc" = 0 ] || check_fail "oclab $form: exit $rc"
        [ ! -s "$TMP/err" ] || check_fail "oclab $form: stderr: $(cat "$TMP/err")"
        [ "$(head -c $((13 + ${#c})) "$TMP/out")" = "usage: oclab $c" ] ||
            check_fail "oclab $form: stdout '$(head -1 "$TMP/out")'"
    done
done
grep -q 'expected' <("$OCLAB" model --help) || check_fail "model --help does not mention expected tokens/s"
grep -q 'bf16' <("$OCLAB" cost --help) || check_fail "cost --help does not mention bf16"
expect_usage_error "help for an unknown command" help nope
finish "help: every command"
