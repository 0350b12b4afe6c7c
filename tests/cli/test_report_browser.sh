#!/usr/bin/env bash
# oclab report in a real browser: headless Chromium loads the device page of a full run's profile and
# the comparison page (that profile beside the RTX 4090 sample), each inside a probe page that measures
# the laid-out charts, and checks that
#   - the roofline has one mark per verified kernel (and each per-family chart its family's), every
#     mark inside the plot area;
#   - the bandwidth sweep chart is there, one line per STREAM kernel, one point per verified size;
#   - no two chart labels overlap (their rotated boxes as laid out), no label covers a mark, and no
#     text runs off its chart;
#   - the page logged nothing to the console.
# A deliberately broken page must trip each check, so the probe is known to see what it looks for.
# Skips (77) only when Chromium is absent and OCLAB_REQUIRE_BROWSER is unset.
source "$(dirname "$0")/../lib/assert.sh"
SRC=${OCLAB_SOURCE_DIR:?set OCLAB_SOURCE_DIR to the source dir}

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    [ -z "${OCLAB_REQUIRE_BROWSER:-}" ] || fail "chromium is not installed (bash .ci/setup installs it)"
    echo "SKIP: chromium is not installed and OCLAB_REQUIRE_BROWSER is unset" >&2
    exit 77
fi

full="$SRC/devices/measured/pocl-3.1-epyc-zen5-2core.json"
gpu="$SRC/tests/data/profiles/rtx-4090.json"
run report "$full" "$gpu" --out "$TMP/r"
[ "$rc" = 0 ] || fail "report: exit $rc: $(cat "$TMP/err")"
device_page=$(grep -m1 -E '\.html$' "$TMP/out")
compare_page="$TMP/r/compare.html"

# The probe page: loads PAGE in a frame, then writes what it measured as JSON into <pre id="result">.
probe() { # PAGE OUT: OUT (the probe's JSON), OUT.log (Chromium's log, the console's lines in it)
    cat >"$TMP/probe.html" <<HTML
<!DOCTYPE html>
<html><body><pre id="result">pending</pre>
<iframe id="page" src="file://$1" width="1500" height="1000"></iframe>
<script>
function corners(el, svg) {
  var b = el.getBBox(), m = svg.getScreenCTM().inverse().multiply(el.getScreenCTM());
  return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]].map(
    function (p) { return [m.a * p[0] + m.c * p[1] + m.e, m.b * p[0] + m.d * p[1] + m.f]; });
}
function overlap(p, q) { /* separating axes of two convex quadrilaterals */
  var polys = [p, q];
  for (var i = 0; i < 2; i++)
    for (var j = 0; j < 4; j++) {
      var a = polys[i][j], b = polys[i][(j + 1) % 4], nx = b[1] - a[1], ny = a[0] - b[0];
      var r = [p, q].map(function (poly) {
        var d = poly.map(function (v) { return nx * v[0] + ny * v[1]; });
        return [Math.min.apply(null, d), Math.max.apply(null, d)];
      });
      if (r[0][1] <= r[1][0] || r[1][1] <= r[0][0]) return false;
    }
  return true;
}
function check(svg) {
  var labels = Array.from(svg.querySelectorAll('text.label')).map(function (t) { return corners(t, svg); });
  var marks = Array.from(svg.querySelectorAll('g.kernel, circle.point'));
  var frame = svg.querySelector('rect.frame').getBBox(), width = svg.viewBox.baseVal.width;
  var r = {marks: svg.querySelectorAll('g.kernel').length, streams: svg.querySelectorAll('polyline.stream').length,
           points: svg.querySelectorAll('circle.point').length, labels: labels.length, overlaps: 0, covered: 0,
           outside: 0, clipped: 0};
  for (var i = 0; i < labels.length; i++)
    for (var j = i + 1; j < labels.length; j++) r.overlaps += overlap(labels[i], labels[j]);
  marks.forEach(function (g) {
    var c = corners(g, svg), x = (c[0][0] + c[2][0]) / 2, y = (c[0][1] + c[2][1]) / 2;
    r.outside += x < frame.x || x > frame.x + frame.width || y < frame.y || y > frame.y + frame.height;
    labels.forEach(function (l) { r.covered += overlap(l, c); });
  });
  svg.querySelectorAll('text').forEach(function (t) {
    corners(t, svg).forEach(function (v) { r.clipped += v[0] < 0 || v[0] > width + 0.5; });
  });
  return r;
}
document.getElementById('page').addEventListener('load', function () {
  var out = {charts: {}};
  try {
    var d = this.contentDocument;
    d.querySelectorAll('figure').forEach(function (f) {
      var svg = f.querySelector('svg');
      if (svg) out.charts[f.id] = check(svg);
    });
  } catch (e) { out.error = String(e); }
  document.getElementById('result').textContent = JSON.stringify(out);
});
</script></body></html>
HTML
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d "$TMP/profile.XXXXXX")" --allow-file-access-from-files \
        --enable-logging=stderr --v=0 --virtual-time-budget=3000 --dump-dom "file://$TMP/probe.html" \
        >"$2.dom" 2>"$2.log" || fail "chromium failed on $1: $(tail -3 "$2.log")"
    # The JSON the probe wrote into its page, as a file.
    python3 - "$2.dom" >"$2" <<'PY' || fail "no result from the probe page for $1"
import html, re, sys
m = re.search(r'<pre id="result">(.*?)</pre>', open(sys.argv[1]).read(), re.S)
sys.exit(1) if not m or m.group(1) == "pending" else print(html.unescape(m.group(1)))
PY
}

# The device page (the full run: crowded, so a chart per family as well, and the sweep), the comparison
# page, and a page broken on purpose: the probe must see each flaw there.
probe "$device_page" "$TMP/device"
probe "$compare_page" "$TMP/compare"
cat >"$TMP/broken.html" <<'HTML'
<!DOCTYPE html><html><body><figure id="roofline"><svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"
viewBox="0 0 300 200"><rect class="frame" x="10" y="10" width="200" height="150" fill="none"/>
<text class="label" x="50" y="50" font-size="11">dram 58.1 GB/s</text>
<text class="label" x="60" y="52" font-size="11" transform="rotate(-30 60 52)">l3 216 GB/s</text>
<g class="kernel"><circle cx="70" cy="47" r="4"/></g><g class="kernel"><circle cx="250" cy="20" r="4"/></g>
<text x="280" y="190" font-size="11">cut off here</text></svg></figure>
<script>console.error("broken on purpose");</script></body></html>
HTML
probe "$TMP/broken.html" "$TMP/broken"

python3 - "$TMP" "$full" "$gpu" <<'PY' || failures=$((failures + 1))
import json, sys
tmp, full, gpu = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
bad = []

def marks(profile, family=None):
    """Verified kernels placed on the roofline: what the chart must show."""
    return sum(1 for k in profile.get("kernels", []) if k.get("verified") is True and (k.get("intensity") or 0) > 0
               and (k.get("gflops") or 0) > 0 and (family is None or k.get("family") == family))

def sweep(profile):
    """STREAM kernels and their verified points of measurements.bandwidth."""
    ks = profile["measurements"]["bandwidth"]["kernels"]
    def ok(p):
        g = p.get("gbs")
        g = g.get("median") if isinstance(g, dict) else g
        return (p.get("bytes") or 0) > 0 and (g or 0) > 0 and p.get("verified") is not False
    return len(ks), sum(1 for k in ks.values() for p in k["points"] if ok(p))

def page(name):
    r = json.load(open(f"{tmp}/{name}"))
    if "error" in r:
        bad.append(f"{name}: {r['error']}")
    console = [l for l in open(f"{tmp}/{name}.log") if ":CONSOLE" in l]
    return r.get("charts", {}), console

def expect(what, got, want):
    if got != want:
        bad.append(f"{what}: got {got}, want {want}")

def clean(name, charts):
    for chart, r in sorted(charts.items()):
        for what in ("overlaps", "covered", "outside", "clipped"):
            expect(f"{name} {chart}: {what}", r[what], 0)

charts, console = page("device")
expect("device page: charts", sorted(charts), ["bandwidth-sweep", "roofline", "roofline-attention", "roofline-gemv"])
expect("device page: roofline marks", charts["roofline"]["marks"], marks(full))
expect("device page: gemv chart marks", charts["roofline-gemv"]["marks"], marks(full, "gemv"))
expect("device page: attention chart marks", charts["roofline-attention"]["marks"], marks(full, "attention"))
expect("device page: sweep lines and points", (charts["bandwidth-sweep"]["streams"], charts["bandwidth-sweep"]["points"]),
       sweep(full))
if charts["roofline"]["labels"] < 3:
    bad.append("device page: fewer than 3 ceiling labels on the roofline")
clean("device page", charts)
expect("device page: console messages", console, [])

charts, console = page("compare")
expect("comparison page: roofline marks", charts["roofline"]["marks"], marks(full) + marks(gpu))
clean("comparison page", charts)
expect("comparison page: console messages", console, [])

charts, console = page("broken")
for what in ("overlaps", "covered", "outside", "clipped"):
    if charts["roofline"][what] < 1:
        bad.append(f"the probe misses a page's {what}")
if not console:
    bad.append("the probe misses a console error")

for b in bad:
    print("FAIL:", b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

finish "report in the browser: marks, sweep, labels and console all checked"
