#!/bin/sh
# Opens `--format html` reports in headless Chromium: a CNN (ResNet-50 on
# ImageNet for 90 epochs), ResNet-18 on an A100 (--hardware: the roofline), a
# transformer (the GPT block at sequence 128), a 3,000-node chain (paging)
# and a graph with an op nothing counts.
# For each it checks that the page's script ran without an error or any
# console message, that the dumped DOM holds the forward total (as the text
# renderer prints it) and the node rows the script drew, drives the page
# (filter, "uncounted only", sort, a layer bar) from a harness page, checks
# the memory timeline (laid out, its peak at forward.memory.peak_node) and the
# roofline chart (laid out with --hardware, a dot per node as the SVG
# declares, absent without), and takes a 1280x2000 screenshot.
#
#   tools/html_report_browser_test.sh ONNX_FLOPS OUT_DIR [TESTDATA]
#
# Exit status: 0 all checks pass, 1 a check failed, 77 (ctest's "skipped")
# when no Chromium is installed. CHROMIUM overrides the browser binary.
# OUT_DIR keeps the reports, the dumped DOMs and the screenshots
# (resnet50.png is docs/html_report.png).
set -u
if [ $# -lt 2 ]; then
  echo "usage: $0 ONNX_FLOPS OUT_DIR [TESTDATA]" >&2
  exit 2
fi
bin=$1
out=$2
testdata=${3:-$(cd "$(dirname "$0")/.." && pwd)/testdata}

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
  for b in chromium chromium-browser google-chrome; do
    if command -v "$b" > /dev/null 2>&1; then browser=$(command -v "$b"); break; fi
  done
fi
if [ -z "$browser" ]; then
  echo "SKIP: no chromium (apt-get install -y chromium)"
  exit 77
fi

mkdir -p "$out" || exit 1
out=$(cd "$out" && pwd)
# Models are named relative to the directory above testdata/, as a reader
# in a checkout would type them (the report's header shows the path).
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
cd "$testdata/.." || exit 1
testdata=$(basename "$testdata")
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Headless, no GPU, no sandbox (containers run as root); the profile is
# thrown away. Chromium writes its own noise (D-Bus, GPU) to stderr.
run_browser() {
  profile=$(mktemp -d)
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$profile" \
    --enable-logging=stderr --v=0 "$@"
  status=$?
  rm -rf "$profile"
  return $status
}

# The harness loads the report in a frame, operates the controls as a reader
# would, and writes PASS/FAIL lines into its own DOM.
# ROOFLINE is 1 when the report was made with --hardware; PEAK_NODE is
# forward.memory.peak_node as a JSON string's contents (empty: no timeline
# to check).
write_harness() {  # write_harness REPORT.html HARNESS.html ROOFLINE PEAK_NODE
  cat > "$2" <<EOF
<!doctype html><html><body><iframe id="f" src="$(basename "$1")" style="width:1280px;height:900px"></iframe>
<pre id="result">harness did not run</pre>
<script>
var wantRoofline = $3, peakNode = "$4";
var lines = [];
function check(name, ok, detail) { lines.push((ok ? "PASS " : "FAIL ") + name + (ok ? "" : ": " + detail)); }
function done() { document.getElementById("result").textContent = "\\n" + lines.join("\\n") + "\\nHARNESS " + "FINISHED"; }
// A step that throws ends the run with a FAIL line (the marker then is absent).
function guarded(fn) {
  return function () {
    try { fn(); } catch (e) { check("harness step", false, String(e)); document.getElementById("result").textContent = "\\n" + lines.join("\\n"); }
  };
}
function laidOut(el) {
  var b = el && el.getBoundingClientRect();
  return !!b && b.width > 0 && b.height > 0;
}
function inside(svg, x, y) {
  var v = svg.viewBox.baseVal;
  return isFinite(x) && isFinite(y) && x >= v.x && x <= v.x + v.width && y >= v.y && y <= v.y + v.height;
}
function checkCharts(d, rows) {
  var roof = d.getElementById("roofline-chart");
  if (!wantRoofline) {
    check("no roofline chart without --hardware", !roof, "found one");
  } else {
    check("roofline chart laid out", laidOut(roof), roof ? "zero size" : "missing");
    var dots = roof.querySelectorAll("circle.pt"), declared = +roof.getAttribute("data-points");
    check("roofline: a dot per node with work", dots.length === declared && declared > 0,
          dots.length + " dots, the chart declares " + declared);
    var out = 0;
    for (var i = 0; i < dots.length; i++) {
      var c = dots[i];
      if (!inside(roof, c.cx.baseVal.value, c.cy.baseVal.value) || !laidOut(c)) out++;
    }
    check("roofline: every dot drawn inside the plot", out === 0, out + " outside or not drawn");
    var layers = roof.querySelectorAll("path.lyr");
    check("roofline: a diamond per layer", layers.length === +roof.getAttribute("data-layers") &&
          layers.length > 0, layers.length + " diamonds");
    var line = d.getElementById("roofline-roof"), ridge = d.getElementById("roofline-ridge");
    var pts = line ? line.points : null;
    check("roofline: the roof meets the ridge", !!pts && pts.numberOfItems === 3 && laidOut(line) &&
          Math.abs(pts.getItem(1).x - ridge.x1.baseVal.value) < 0.01 &&
          Math.abs(pts.getItem(1).y - pts.getItem(2).y) < 0.01 && pts.getItem(0).y > pts.getItem(1).y,
          line ? line.getAttribute("points") : "no roof");
    check("roofline: the whole pass", laidOut(d.getElementById("roofline-pass")), "missing");
    check("roofline: a tooltip per dot", dots.length > 0 && dots[0].querySelector("title") &&
          / FLOP, .* moved/.test(dots[0].querySelector("title").textContent), "no title");
  }
  if (peakNode) {
    var tl = d.getElementById("memory-timeline");
    check("memory timeline laid out", laidOut(tl), tl ? "zero size" : "missing");
    var curve = tl.querySelector("path.live-line");
    check("memory timeline: the curve", !!curve && curve.getTotalLength() > 0, "no curve");
    var peak = d.getElementById("memory-peak"), label = d.getElementById("memory-peak-label");
    check("memory timeline: the peak", laidOut(peak) && inside(tl, peak.cx.baseVal.value, peak.cy.baseVal.value),
          "peak marker missing or outside");
    check("memory timeline: the peak is labelled with its node",
          !!label && label.textContent.indexOf(peakNode.slice(-24)) >= 0,
          (label ? label.textContent : "no label") + ", want " + peakNode);
    // The peak is the highest point of the curve (the smallest y).
    var lowest = Infinity, m, levels = /[MV](?:[-\d.]+,)?([-\d.]+)/g, path = curve.getAttribute("d");
    while ((m = levels.exec(path)) !== null) lowest = Math.min(lowest, +m[1]);
    check("memory timeline: the peak is the curve's top", Math.abs(lowest - peak.cy.baseVal.value) < 0.5,
          "curve top " + lowest + ", peak " + peak.cy.baseVal.value);
    var band = tl.querySelector("g.row[data-from]");
    if (band) {
      var from = +band.getAttribute("data-from"), to = +band.getAttribute("data-to");
      band.dispatchEvent(new MouseEvent("click", {bubbles: true}));
      check("memory timeline: a band lists its nodes", rows.length === Math.min(to - from + 1, 500),
            rows.length + " rows for nodes " + from + "-" + to);
      d.getElementById("node-scope-clear").click();
    }
  }
}
document.getElementById("f").addEventListener("load", guarded(function () {
    var d = document.getElementById("f").contentDocument;
    var data = JSON.parse(d.getElementById("node-data").textContent);
    var n = data.nodes.length;
    var rows = d.getElementById("node-rows").rows;
    var filter = d.getElementById("node-filter"), only = d.getElementById("node-uncounted");
    check("rendered", d.body.getAttribute("data-rendered") === "ok", d.body.getAttribute("data-rendered"));
    check("first page of rows", rows.length === Math.min(n, 500), rows.length + " rows of " + n);
    checkCharts(d, rows);
    var top = d.querySelector("#op-types tbody tr td").textContent;
    filter.value = top.toLowerCase();
    filter.dispatchEvent(new Event("input"));
    setTimeout(guarded(function () {
      var want = data.nodes.filter(function (r) {
        return r[0].toLowerCase().indexOf(top.toLowerCase()) >= 0 || r[1].toLowerCase().indexOf(top.toLowerCase()) >= 0;
      }).length;
      check("filter '" + top + "'", rows.length === Math.min(want, 500) && want > 0, rows.length + " rows, want " + want);
      filter.value = "";
      filter.dispatchEvent(new Event("input"));
      only.checked = true;
      only.dispatchEvent(new Event("change"));
      var uncounted = data.nodes.filter(function (r) { return r[2] === 2; }).length;
      check("uncounted only", rows.length === Math.min(uncounted, 500), rows.length + " rows, want " + uncounted);
      only.checked = false;
      only.dispatchEvent(new Event("change"));
      setTimeout(guarded(function () {
        d.querySelector('#node-table th[data-k="4"]').click();
        var max = Math.max.apply(null, data.nodes.map(function (r) { return r[3]; }));
        var sorted = true;
        for (var i = 1; i < rows.length; i++) {
          var a = +rows[i - 1].cells[4].textContent.replace(/,/g, ""), b = +rows[i].cells[4].textContent.replace(/,/g, "");
          if (a < b) sorted = false;
        }
        check("sort by FLOP, descending", sorted && +rows[0].cells[4].textContent.replace(/,/g, "") === max,
              "first row " + rows[0].cells[4].textContent + ", max " + max);
        var bar = d.querySelector("svg g.row[data-from]");
        var from = +bar.getAttribute("data-from"), to = +bar.getAttribute("data-to");
        bar.dispatchEvent(new MouseEvent("click", {bubbles: true}));
        check("layer bar lists its nodes", rows.length === Math.min(to - from + 1, 500) &&
              !d.getElementById("node-scope").hidden, rows.length + " rows for nodes " + from + "-" + to);
        d.getElementById("node-scope-clear").click();
        check("scope cleared", rows.length === Math.min(n, 500), rows.length + " rows");
        if (n > 500) {
          d.getElementById("node-more").click();
          check("show more", rows.length === Math.min(n, 1000), rows.length + " rows of " + n);
          d.getElementById("node-all").click();
          check("show all", rows.length === n, rows.length + " rows of " + n);
        }
        check("no error after the interactions", d.body.getAttribute("data-rendered") === "ok",
              d.body.getAttribute("data-rendered"));
        done();
      }), 300);
    }), 300);
}));
</script></body></html>
EOF
}

check_report() {  # check_report NAME MODEL [onnx-flops options...]
  name=$1; model=$2; shift 2
  html=$out/$name.html
  before=$failures
  if ! "$bin" "$model" "$@" --format html > "$html" 2> "$out/$name.stderr"; then
    fail "$name: onnx-flops exited non-zero"; cat "$out/$name.stderr"; return
  fi
  # The total as the text renderer prints it, e.g. "8,206,317,544".
  total=$("$bin" "$model" "$@" | awk '$1 == "total" { print $2; exit }')
  [ -n "$total" ] || { fail "$name: no total in the text output"; return; }

  run_browser --dump-dom "file://$html" > "$out/$name.dom.html" 2> "$out/$name.log" ||
    fail "$name: chromium --dump-dom failed"
  grep -q 'data-rendered="ok"' "$out/$name.dom.html" ||
    fail "$name: the page's script did not finish (data-rendered: $(grep -o 'data-rendered="[^"]*"' "$out/$name.dom.html"))"
  grep -q "$total" "$out/$name.dom.html" || fail "$name: the total $total is not on the page"
  rows=$(sed -n 's/.*data-node-rows="\([0-9]*\)".*/\1/p' "$out/$name.dom.html" | head -n 1)
  [ "${rows:-0}" -gt 0 ] || fail "$name: the script drew no node rows"
  # The report's script logs nothing: any console line from it is an error.
  if grep "CONSOLE" "$out/$name.log" | grep -q "$name.html"; then
    fail "$name: console output:"; grep "CONSOLE" "$out/$name.log"
  fi

  roofline=0
  case " $* " in *" --hardware "*) roofline=1 ;; esac
  peak_node=$("$bin" "$model" "$@" --format json |
    sed -n 's/^ *"peak_node": "\(.*\)",\{0,1\}$/\1/p' | head -n 1)
  write_harness "$html" "$out/$name.harness.html" "$roofline" "$peak_node"
  run_browser --allow-file-access-from-files --virtual-time-budget=10000 --dump-dom \
    "file://$out/$name.harness.html" > "$out/$name.harness.dom.html" 2> "$out/$name.harness.log"
  grep -q "HARNESS FINISHED" "$out/$name.harness.dom.html" || fail "$name: the interaction harness did not finish"
  if grep -q "^FAIL" "$out/$name.harness.dom.html"; then
    fail "$name: interactions:"; grep "^FAIL" "$out/$name.harness.dom.html"
  fi
  grep "^PASS" "$out/$name.harness.dom.html" | sed "s/^/  $name: /"
  if grep "CONSOLE" "$out/$name.harness.log" | grep -q "$name.html"; then
    fail "$name: console output during the interactions:"; grep "CONSOLE" "$out/$name.harness.log"
  fi

  rm -f "$out/$name.png"
  run_browser --hide-scrollbars --window-size=1280,2000 --screenshot="$out/$name.png" "file://$html" \
    > /dev/null 2>&1
  [ -s "$out/$name.png" ] || fail "$name: no screenshot"
  [ $failures = "$before" ] && echo "ok: $name ($total FLOP, $rows node rows drawn, screenshot $out/$name.png)"
}

check_report resnet50 "$testdata/torchvision/resnet50.onnx" --examples 1281167 --epochs 90 --sha256
# The roofline and the memory timeline of a small CNN on an A100.
check_report resnet18_a100 "$testdata/torchvision/resnet18.onnx" --hardware A100
check_report gpt_block "$testdata/torch/transformer/gpt_block.onnx" --dim batch=1 --dim seq=128 \
  --tokens 1e9 --epochs 1
# Paging (3,000 nodes, names without scopes) and uncounted nodes.
check_report chain3000 "$testdata/malformed/graph_chain_3000_unsorted.onnx"
check_report unknown_op "$testdata/unknown_op.onnx"

[ $failures = 0 ] && echo "html report in chromium: all checks pass"
[ $failures = 0 ]
