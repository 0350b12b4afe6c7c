#!/usr/bin/env bash
# Checks the include graph of a source tree: no cycle between files (a .c and its .h count as one
# module) or between folders, and every folder includes only the layers below it (README "Layout"):
#   host/cli -> host/decode -> host/peak -> host/tune -> host/cl; every host layer may use roofline/,
#   host/cli also reports/; reports/ uses roofline/ only; roofline/ and kernels/ use nothing else.
# Usage: check_layers.sh [ROOT]   (default: the repository). Prints each violation; exit 1 if any.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"

allowed() { # FROM TO: 0 when folder FROM may include folder TO
    local from=$1 to=$2
    [ "$from" = "$to" ] && return 0
    case "$from" in
        host) [[ "$to" =~ ^host/(cli|cl)$ ]] ;;
        host/cli) [[ "$to" =~ ^(host/(decode|peak|tune|cl)|roofline|reports)$ ]] ;;
        host/decode) [[ "$to" =~ ^(host/(peak|tune|cl)|roofline)$ ]] ;;
        host/peak) [[ "$to" =~ ^(host/(tune|cl)|roofline)$ ]] ;;
        host/tune) [[ "$to" =~ ^(host/cl|roofline)$ ]] ;;
        host/cl | reports) [ "$to" = roofline ] ;;
        *) return 1 ;;
    esac
}

edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
status=0
while IFS= read -r file; do
    dir=$(dirname "$file")
    while IFS= read -r inc; do
        case "$inc" in */*) target=$inc ;; *) target=$dir/$inc ;; esac
        if [ ! -f "$target" ]; then
            echo "layers: $file includes \"$inc\", which is not in the tree"
            status=1
            continue
        fi
        from=${file%.*} to=${target%.*}
        [ "$from" != "$to" ] && echo "$from $to" >>"$edges"
        if ! allowed "$dir" "$(dirname "$target")"; then
            echo "layers: $file includes $target: $dir may not depend on $(dirname "$target")"
            status=1
        fi
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
done < <(find host roofline reports kernels -type f \( -name '*.c' -o -name '*.h' -o -name '*.cl' \) 2>/dev/null | sort)

# tsort names a loop on stderr and fails when the graph has one.
if ! tsort "$edges" >/dev/null 2>"$edges.err"; then
    echo "layers: include cycle between modules:"
    sed 's/^/  /' "$edges.err"
    status=1
fi
awk '{ a = $1; b = $2; sub(/\/[^\/]*$/, "", a); sub(/\/[^\/]*$/, "", b); if (a != b) print a, b }' "$edges" |
    sort -u >"$edges.dirs"
if ! tsort "$edges.dirs" >/dev/null 2>"$edges.err"; then
    echo "layers: include cycle between folders:"
    sed 's/^/  /' "$edges.err"
    status=1
fi
rm -f "$edges.err" "$edges.dirs"
[ "$status" -eq 0 ] && echo "layers: $(wc -l <"$edges") include edges, no cycle, every folder within its layer"
exit "$status"
