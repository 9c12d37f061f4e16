#!/bin/sh
# Opens `--format html` reports in headless Chromium: a CNN (ResNet-50 on
# ImageNet for 90 epochs), a transformer (the GPT block at sequence 128), a
# 3,000-node chain (paging) and a graph with an op nothing counts.
# For each it checks that the page's script ran without an error or any
# console message, that the dumped DOM holds the forward total (as the text
# renderer prints it) and the node rows the script drew, drives the page
# (filter, "uncounted only", sort, a layer bar) from a harness page, and takes
# a 1280x2000 screenshot.
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
write_harness() {  # write_harness REPORT.html HARNESS.html
  cat > "$2" <<EOF
<!doctype html><html><body><iframe id="f" src="$(basename "$1")" style="width:1280px;height:900px"></iframe>
<pre id="result">harness did not run</pre>
<script>
var lines = [];
function check(name, ok, detail) { lines.push((ok ? "PASS " : "FAIL ") + name + (ok ? "" : ": " + detail)); }
function done() { document.getElementById("result").textContent = "\\n" + lines.join("\\n") + "\\nHARNESS " + "FINISHED"; }
// A step that throws ends the run with a FAIL line (the marker then is absent).
function guarded(fn) {
  return function () {
    try { fn(); } catch (e) { check("harness step", false, String(e)); document.getElementById("result").textContent = "\\n" + lines.join("\\n"); }
  };
}
document.getElementById("f").addEventListener("load", guarded(function () {
    var d = document.getElementById("f").contentDocument;
    var data = JSON.parse(d.getElementById("node-data").textContent);
    var n = data.nodes.length;
    var rows = d.getElementById("node-rows").rows;
    var filter = d.getElementById("node-filter"), only = d.getElementById("node-uncounted");
    check("rendered", d.body.getAttribute("data-rendered") === "ok", d.body.getAttribute("data-rendered"));
    check("first page of rows", rows.length === Math.min(n, 500), rows.length + " rows of " + n);
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

  write_harness "$html" "$out/$name.harness.html"
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
check_report gpt_block "$testdata/torch/transformer/gpt_block.onnx" --dim batch=1 --dim seq=128 \
  --tokens 1e9 --epochs 1
# Paging (3,000 nodes, names without scopes) and uncounted nodes.
check_report chain3000 "$testdata/malformed/graph_chain_3000_unsorted.onnx"
check_report unknown_op "$testdata/unknown_op.onnx"

[ $failures = 0 ] && echo "html report in chromium: all checks pass"
[ $failures = 0 ]
