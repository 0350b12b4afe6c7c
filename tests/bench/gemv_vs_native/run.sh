#!/usr/bin/env bash
# Decode GEMV against native C on this machine, in one run (see README.md):
#   native STREAM-style read, native C q4_0 / q8_0 GEMV loops (M = 1, cold weights), and
#   oclab decode --family gemv --formats q4_0,q8_0 --batch 1 --shape 11008,4096 --shape 4096,11008,
# alternated ROUNDS times (the VM's bandwidth drifts within seconds), medians over rounds.
# usage: run.sh [OCLAB_BINARY] [ROUNDS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
oclab=${1:-${OCLAB:-oclab}}
rounds=${2:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}

gcc -O3 -march=native -mprefer-vector-width=512 -fopenmp -o "$tmp/native" "$here/native.c" -lm
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$oclab" peak --quick -o "$tmp/peak.json" >/dev/null

shapes="11008,4096 4096,11008"
for r in $(seq 1 "$rounds"); do
    echo "round $r/$rounds" >&2
    "$tmp/native" read 16384 4096 >>"$tmp/native.txt"
    for s in $shapes; do
        for f in q4_0 q8_0; do
            "$tmp/native" "$f" "${s%,*}" "${s#*,}" >>"$tmp/native.txt"
        done
    done
    "$oclab" decode --family gemv --formats q4_0,q8_0 --batch 1 --shape 11008,4096 --shape 4096,11008 \
        --profile "$tmp/peak.json" --no-baseline --json >"$tmp/decode$r.json"
    "$tmp/native" read 16384 4096 >>"$tmp/native.txt"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$tmp" "$rounds" <<'PY'
import json, statistics, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
native = {}
for line in open(tmp + "/native.txt"):
    what, n, k, gbs = line.split()[:4]
    key = what if what == "read" else (what, int(n), int(k))
    native.setdefault(key, []).append(float(gbs))
ours = {}
for r in range(1, rounds + 1):
    for k in json.load(open("%s/decode%d.json" % (tmp, r)))["kernels"]:
        key = (k["format"], k["shape"]["n"], k["shape"]["k"])
        ours.setdefault(key, []).append((k["gbs"], k["probe_gbs"], k["efficiency_vs_probe"], k["variant"]))
read = statistics.median(native["read"])
print("native STREAM read (2 threads): median %.1f GB/s over %d samples (min %.1f, max %.1f)"
      % (read, len(native["read"]), min(native["read"]), max(native["read"])))
print("%-6s %-11s %9s %9s %9s %11s %9s %12s %11s" % ("format", "shape", "ours GB/s", "probe", "eff/probe",
      "native loop", "ours/loop", "ours/read", "loop/read"))
for key in sorted(ours):
    g = statistics.median(x[0] for x in ours[key])
    p = statistics.median(x[1] for x in ours[key])
    e = statistics.median(x[2] for x in ours[key])
    loop = statistics.median(native[key])
    print("%-6s %-11s %9.1f %9.1f %9.2f %11.1f %9.2f %12.2f %11.2f" % (key[0], "%dx%d" % key[1:], g, p, e, loop,
          g / loop, g / read, loop / read))
PY
