#!/usr/bin/env bash
# oclab peak against the native limits of this CPU (and clpeak when installed). Run by hand, not in
# ctest. Usage: run.sh [OCLAB_BINARY] ; env ROUNDS (default 3), MODE=quick|full (default quick).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
oclab=${1:-${OCLAB:-$here/../../../build/oclab}}
rounds=${ROUNDS:-3}
mode=${MODE:-quick}
[ -x "$oclab" ] || { echo "run.sh: no oclab binary at $oclab (pass its path)" >&2; exit 2; }
case "$mode" in quick) peak_args=(--quick) ;; full) peak_args=() ;; *) echo "run.sh: MODE is quick or full" >&2; exit 2 ;; esac
command -v python3 >/dev/null || { echo "run.sh: needs python3 to read the profiles" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O3 -march=native -ffp-contract=fast -fopenmp "$here/native.c" -o "$work/native" -lm

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# Alternate native and OpenCL runs: this VM's DRAM bandwidth drifts within seconds.
for r in $(seq 1 "$rounds"); do
    "$work/native" >"$work/native_$r.txt"
    "$oclab" peak "${peak_args[@]}" -o "$work/peak_$r.json" >/dev/null 2>"$work/peak_$r.log" \
        || { echo "run.sh: oclab peak failed:" >&2; tail -5 "$work/peak_$r.log" >&2; exit 1; }
    echo "round $r/$rounds done" >&2
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

clpeak_out=""
if command -v clpeak >/dev/null; then
    echo "running clpeak (once) ..." >&2
    timeout 900 clpeak --global-bandwidth --compute-sp --compute-dp >"$work/clpeak.txt" 2>&1 || true
    clpeak_out="$work/clpeak.txt"
fi

python3 - "$work" "$rounds" "$clpeak_out" <<'PY'
import json, re, statistics, sys
work, rounds, clpeak = sys.argv[1], int(sys.argv[2]), sys.argv[3]
med = statistics.median
native = {}
ocl = {}
for r in range(1, rounds + 1):
    for line in open(f"{work}/native_{r}.txt"):
        k, v = line.split()
        native.setdefault(k, []).append(float(v))
    d = json.load(open(f"{work}/peak_{r}.json"))
    dram_rounds = (d["measurements"]["bandwidth"].get("dram") or {}).get("kernels", {})
    for k in ("read", "copy", "triad"):  # each kernel's median over the DRAM rounds
        ocl.setdefault(k, []).append(dram_rounds.get(k, {}).get("median", 0.0))
    dram = [c for c in d["ceilings"]["memory"] if c["level"] == "dram"][0]
    ocl.setdefault("dram", []).append(dram["gbs"])
    ocl.setdefault("dram_kernel", []).append(dram["kernel"])
    ocl.setdefault("dram_spread", []).append(dram.get("spread", {}))
    comp = {c["precision"]: c["gflops"] for c in d["ceilings"]["compute"]}
    ocl.setdefault("f32", []).append(comp.get("f32", 0.0))
    ocl.setdefault("f64", []).append(comp.get("f64", 0.0))

print(f"oclab peak vs native, median over {rounds} alternating rounds (same statistic: medians)")
print(f"{'figure':<28}{'oclab':>10}{'native':>10}{'ratio':>8}")
rows = [("DRAM read GB/s", "read", "stream_read_gbs"), ("DRAM copy GB/s", "copy", "stream_copy_gbs"),
        ("DRAM triad GB/s", "triad", "stream_triad_gbs"), ("f32 FMA GFLOP/s", "f32", "fma_f32_gflops"),
        ("f64 FMA GFLOP/s", "f64", "fma_f64_gflops")]
for name, o, n in rows:
    a, b = med(ocl[o]), med(native[n])
    print(f"{name:<28}{a:>10.1f}{b:>10.1f}{a / b:>8.2f}")
# The DRAM ceiling against the native STREAM kernel of the same kind (scale counts like copy,
# add/write like triad/copy: same arrays read and written per element).
kind = {"read": "read", "copy": "copy", "scale": "copy", "write": "copy", "add": "triad", "triad": "triad"}
k = max(set(ocl["dram_kernel"]), key=ocl["dram_kernel"].count)
a, b = med(ocl["dram"]), med(native[f"stream_{kind[k]}_gbs"])
print(f"{'DRAM ceiling (' + k + ') GB/s':<28}{a:>10.1f}{b:>10.1f}{a / b:>8.2f}   (native {kind[k]})")
best_native = max(med(native[f"stream_{x}_gbs"]) for x in ("read", "copy", "triad"))
print(f"{'DRAM ceiling / best native':<28}{a:>10.1f}{best_native:>10.1f}{a / best_native:>8.2f}")
print("per round (oclab dram ceiling [p10-p90 of its samples], native read/copy/triad):")
for r in range(rounds):
    sp = ocl["dram_spread"][r]
    print(f"  {ocl['dram'][r]:.1f} ({ocl['dram_kernel'][r]}) [{sp.get('p10', 0):.1f}-{sp.get('p90', 0):.1f}]  "
          f"{native['stream_read_gbs'][r]:.1f} {native['stream_copy_gbs'][r]:.1f} {native['stream_triad_gbs'][r]:.1f}"
          f"   f32 {ocl['f32'][r]:.0f} vs {native['fma_f32_gflops'][r]:.0f}")

if clpeak:
    text = open(clpeak).read()
    def best(header):
        m = re.search(re.escape(header) + r"\s*\n((?:\s+\w+\s*:\s*[\d.]+\s*\n)+)", text)
        return max(float(v) for v in re.findall(r":\s*([\d.]+)", m.group(1))) if m else None
    gm, sp, dp = best("Global memory bandwidth (GBPS)"), best("Single-precision compute (GFLOPS)"), \
        best("Double-precision compute (GFLOPS)")
    print("clpeak (one run, after the rounds):")
    for name, v, ref in (("global memory best GB/s", gm, a), ("single precision GFLOP/s", sp, med(ocl["f32"])),
                         ("double precision GFLOP/s", dp, med(ocl["f64"]))):
        if v is None:
            print(f"  {name:<26} not reported")
        else:
            print(f"  {name:<26}{v:>10.1f}   oclab / clpeak {ref / v:.2f}")
else:
    print("clpeak: not installed")
PY
