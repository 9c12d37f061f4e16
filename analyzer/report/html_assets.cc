#include "analyzer/report/html_assets.h"

namespace onnx_flops {

// System fonts only (nothing to download); one accent for the matmul/conv
// class and one for the vector class, used the same way in every chart.
const char kHtmlReportCss[] = R"css(
:root{--bg:#f4f6fa;--card:#fff;--text:#1c2433;--muted:#667085;--line:#e4e7ec;--head:#f8fafc;
--mm:#3563e9;--vec:#f2a33a;--dm:#b8c0cc;--ok:#12a150;--bad:#d92d20;--badbg:#fdf0ef;
--warnbg:#fff8e6;--warnline:#f2a33a;--hover:rgba(53,99,233,.08);--code:#f1f3f7}
@media (prefers-color-scheme:dark){:root{--bg:#0e1420;--card:#161d2b;--text:#e6e9ef;--muted:#98a2b3;
--line:#263042;--head:#1b2332;--badbg:#3a1715;--warnbg:#33270f;--hover:rgba(120,150,255,.12);--code:#1f2838}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
header.top{background:linear-gradient(120deg,#172554,#2952cc);color:#fff;padding:22px 0 20px}
.wrap{max-width:1240px;margin:0 auto;padding:0 24px}
.head{display:flex;gap:24px;align-items:flex-end;justify-content:space-between;flex-wrap:wrap}
.ident{min-width:0;flex:1 1 560px}
.headline{display:flex;gap:14px}
.headline>div{background:rgba(255,255,255,.12);border:1px solid rgba(255,255,255,.25);border-radius:10px;padding:10px 16px;min-width:190px}
.hl-label{font-size:12px;opacity:.8;text-transform:uppercase;letter-spacing:.04em}
.hl-sub{font-size:12px;opacity:.8}
.hl-big{font-size:26px;font-weight:650;white-space:nowrap}
.hl-big .unit{font-size:16px;opacity:.8}
header.top .tool{opacity:.8;font-size:13px;letter-spacing:.02em}
header.top h1{margin:2px 0 12px;font-size:26px;font-weight:650;word-break:break-all}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:3px 16px;margin:0;font-size:13px}
dl.meta dt{opacity:.75}
dl.meta dd{margin:0;overflow-wrap:anywhere}
dl.meta code{background:rgba(255,255,255,.12);padding:1px 5px;border-radius:4px;font-size:12px}
main.wrap{padding-top:6px;padding-bottom:40px}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin:16px 0}
h2{font-size:17px;margin:0 0 12px;font-weight:650}
h3{font-size:14px;margin:16px 0 8px;font-weight:650}
.muted{color:var(--muted);font-weight:normal}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px;margin-bottom:14px}
.card{border:1px solid var(--line);border-radius:9px;padding:11px 14px;background:var(--head)}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .big{font-size:22px;font-weight:650;margin:2px 0 1px;white-space:nowrap}
.card .big .unit{font-size:15px;font-weight:600;color:var(--muted)}
.card .exact{font-size:12px;color:var(--muted);font-variant-numeric:tabular-nums}
.card.wide{grid-column:span 2}
.card.train{border-color:var(--mm);box-shadow:inset 3px 0 var(--mm)}
.card.bad{border-color:var(--bad);box-shadow:inset 3px 0 var(--bad)}
table{border-collapse:collapse;width:100%}
table.counts{width:auto;min-width:640px}
th,td{padding:5px 9px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600;font-size:12.5px;white-space:nowrap;position:sticky;top:0}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.kv th{width:260px;background:none;position:static;font-weight:500;color:var(--muted)}
tr.uncounted td{background:var(--badbg)}
tr.uncounted td:first-child{box-shadow:inset 3px 0 var(--bad)}
tr.data_movement td{color:var(--muted)}
.pill{display:inline-block;font-size:11px;padding:0 7px;border-radius:9px;background:var(--code);white-space:nowrap}
.pill.u{background:var(--bad);color:#fff}
.pill.ok{background:var(--ok);color:#fff}
.pill.assumed{background:var(--warnline);color:#1c2433}
.share{display:inline-block;height:8px;border-radius:2px;background:var(--mm);vertical-align:middle;margin-left:6px}
.formula{background:var(--code);border-radius:6px;padding:8px 11px;white-space:pre-wrap;word-break:break-word;margin:6px 0}
.split{display:flex;gap:18px;flex-wrap:wrap;font-size:12.5px;color:var(--muted);margin-top:4px}
.key{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.key.mm{background:var(--mm)}.key.vec{background:var(--vec)}.key.dm{background:var(--dm)}.key.u{background:var(--bad)}.key.ok{background:var(--ok)}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.charts section{margin:0}
@media (max-width:1000px){.charts{grid-template-columns:1fr}}
.chart-scroll{max-height:620px;overflow-y:auto}
svg.chart{width:100%;height:auto;display:block}
svg text{font-size:12px;fill:var(--text)}
svg text.v{fill:var(--muted);font-variant-numeric:tabular-nums}
svg text.alert{fill:var(--bad);font-weight:600}
svg .mm{fill:var(--mm)}svg .vec{fill:var(--vec)}svg .dm{fill:var(--dm)}svg .u{fill:var(--bad)}svg .ok{fill:var(--ok)}
svg .track{fill:var(--head)}
svg .hit{fill:transparent}
svg g.row:hover .hit{fill:var(--hover)}
body.js svg g.row[data-from],body.js svg g.row[data-op]{cursor:pointer}
.warnbox{background:var(--warnbg);border:1px solid var(--warnline);border-left-width:5px}
.warnbox ul{margin:4px 0 0;padding-left:20px}
.warnbox li{margin:2px 0;word-break:break-word}
.controls{display:flex;gap:14px;align-items:center;flex-wrap:wrap;margin-bottom:10px}
.controls input[type=search]{font:inherit;padding:6px 10px;border:1px solid var(--line);border-radius:7px;
width:340px;max-width:100%;background:var(--card);color:var(--text)}
.chip{background:var(--code);border-radius:14px;padding:2px 4px 2px 11px;font-size:12.5px}
.chip button{border:0;background:none;color:var(--muted);cursor:pointer;font-size:14px}
.table-wrap{max-height:760px;overflow:auto;border:1px solid var(--line);border-radius:7px}
table.nodes td{font-size:12.5px}
table.nodes td.name{overflow-wrap:anywhere;min-width:200px;max-width:340px}
table.nodes td.detail{color:var(--muted);min-width:380px;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:11.5px;overflow-wrap:anywhere}
table.nodes td.mono{white-space:nowrap}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th[aria-sort=ascending]::after{content:" \25B2";font-size:9px}
table.sortable th[aria-sort=descending]::after{content:" \25BC";font-size:9px}
.more{margin-top:10px;display:flex;gap:10px}
.more button{font:inherit;padding:5px 12px;border-radius:7px;border:1px solid var(--line);background:var(--head);color:var(--text);cursor:pointer}
body:not(.js) .needs-js{display:none}
footer{color:var(--muted);font-size:12px;text-align:center;padding:8px 0 24px}
)css";

// Plain ES5, no libraries. Row cells are set with textContent, never
// innerHTML, so a node named <script> stays text.
const char kHtmlReportJs[] = R"js(
(function () {
  "use strict";
  var body = document.body;
  window.addEventListener("error", function (e) {
    body.setAttribute("data-rendered", "error: " + e.message);
  });
  body.className += " js";
  var PAGE = 500;
  var STATUS = ["counted", "data movement", "uncounted"];
  var STATUS_CLASS = ["counted", "data_movement", "uncounted"];

  function grouped(x) {
    if (!isFinite(x) || Math.abs(x) >= 1e15) return x.toPrecision(4);
    var neg = x < 0;
    x = Math.abs(x);
    var frac = "";
    if (x !== Math.floor(x)) {
      var tenths = Math.round(x * 10);
      x = Math.floor(tenths / 10);
      frac = "." + (tenths % 10);
    }
    return (neg ? "-" : "") + String(x).replace(/\B(?=(\d{3})+$)/g, ",") + frac;
  }

  // Static tables (op types, inputs): sort in place on a header click.
  function makeSortable(table, onSort) {
    var heads = table.tHead.rows[0].cells;
    for (var i = 0; i < heads.length; i++) {
      (function (th, col) {
        th.setAttribute("tabindex", "0");
        function go() {
          var dir = th.getAttribute("aria-sort") === "descending" ? "ascending" : "descending";
          if (!th.hasAttribute("aria-sort") && th.getAttribute("data-type") !== "num") dir = "ascending";
          for (var j = 0; j < heads.length; j++) heads[j].removeAttribute("aria-sort");
          th.setAttribute("aria-sort", dir);
          onSort(col, th.getAttribute("data-type") === "num", dir === "ascending" ? 1 : -1, th);
        }
        th.addEventListener("click", go);
        th.addEventListener("keydown", function (e) { if (e.key === "Enter") go(); });
      })(heads[i], i);
    }
  }

  var statics = document.querySelectorAll("table.sortable.static");
  for (var s = 0; s < statics.length; s++) {
    (function (table) {
      makeSortable(table, function (col, numeric, dir) {
        var tb = table.tBodies[0];
        var rows = Array.prototype.slice.call(tb.rows);
        rows.forEach(function (r, i) { if (!r.hasAttribute("data-i")) r.setAttribute("data-i", i); });
        function key(r) {
          var c = r.cells[col];
          if (!numeric) return (c.textContent || "").toLowerCase();
          return parseFloat(c.getAttribute("data-v") || c.textContent.replace(/,/g, "")) || 0;
        }
        rows.sort(function (a, b) {
          var ka = key(a), kb = key(b);
          if (ka < kb) return -dir;
          if (ka > kb) return dir;
          return a.getAttribute("data-i") - b.getAttribute("data-i");
        });
        rows.forEach(function (r) { tb.appendChild(r); });
      });
    })(statics[s]);
  }

  var dataEl = document.getElementById("node-data");
  var tbody = document.getElementById("node-rows");
  if (!dataEl || !tbody) {
    body.setAttribute("data-rendered", "ok");
    return;
  }
  var data = JSON.parse(dataEl.textContent);
  var rows = data.nodes;
  var total = data.total;
  var lower = rows.map(function (r) { return [r[0].toLowerCase(), r[1].toLowerCase()]; });
  var filter = document.getElementById("node-filter");
  var onlyUncounted = document.getElementById("node-uncounted");
  var countEl = document.getElementById("node-count");
  var moreBtn = document.getElementById("node-more");
  var allBtn = document.getElementById("node-all");
  var scopeEl = document.getElementById("node-scope");
  var scopeText = document.getElementById("node-scope-text");
  var scope = null;  // {from, to} from a layer bar, or {op} from an op-type bar
  var sortCol = -1, sortNumeric = true, sortDir = 1;
  var view = [], shown = 0;

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function renderMore(n) {
    var frag = document.createDocumentFragment();
    var end = Math.min(view.length, shown + n);
    for (var k = shown; k < end; k++) {
      var i = view[k], r = rows[i];
      var tr = document.createElement("tr");
      tr.className = STATUS_CLASS[r[2]];
      cell(tr, String(i + 1), "n");
      cell(tr, r[0], "name");
      cell(tr, r[1]);
      var st = cell(tr, "");
      var pill = document.createElement("span");
      pill.className = "pill" + (r[2] === 2 ? " u" : "");
      pill.textContent = STATUS[r[2]];
      st.appendChild(pill);
      cell(tr, grouped(r[3]), "n");
      cell(tr, total > 0 ? (100 * r[3] / total).toFixed(2) + "%" : "", "n");
      cell(tr, grouped(r[4]), "n");
      cell(tr, grouped(r[5]), "n");
      cell(tr, r[6], "mono");
      cell(tr, r[7], "detail");
      frag.appendChild(tr);
    }
    tbody.appendChild(frag);
    shown = end;
    countEl.textContent = "showing " + grouped(shown) + " of " + grouped(view.length) +
        (view.length === rows.length ? " nodes" : " matching nodes (" + grouped(rows.length) + " in all)");
    moreBtn.hidden = allBtn.hidden = shown >= view.length;
    moreBtn.textContent = "Show " + grouped(Math.min(PAGE, view.length - shown)) + " more";
  }

  function lowerCell(i, k) { return k < 2 ? lower[i][k] : String(rows[i][k]).toLowerCase(); }

  function apply() {
    var needle = filter.value.trim().toLowerCase();
    var uOnly = onlyUncounted.checked;
    view = [];
    for (var i = 0; i < rows.length; i++) {
      if (uOnly && rows[i][2] !== 2) continue;
      if (scope && scope.op !== undefined && rows[i][1] !== scope.op) continue;
      if (scope && scope.from !== undefined && (i < scope.from || i > scope.to)) continue;
      if (needle && lower[i][0].indexOf(needle) < 0 && lower[i][1].indexOf(needle) < 0) continue;
      view.push(i);
    }
    if (sortCol >= 0) {
      var c = sortCol, d = sortDir;
      view.sort(function (a, b) {
        var ka = c === 0 ? a : (sortNumeric ? rows[a][c - 1] : lowerCell(a, c - 1));
        var kb = c === 0 ? b : (sortNumeric ? rows[b][c - 1] : lowerCell(b, c - 1));
        if (ka < kb) return -d;
        if (ka > kb) return d;
        return a - b;
      });
    }
    tbody.textContent = "";
    shown = 0;
    renderMore(PAGE);
  }

  makeSortable(document.getElementById("node-table"), function (col, numeric, dir, th) {
    sortCol = parseInt(th.getAttribute("data-k"), 10);
    sortNumeric = numeric;
    sortDir = dir;
    apply();
  });

  var timer = 0;
  filter.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(apply, rows.length > 20000 ? 200 : 60);
  });
  onlyUncounted.addEventListener("change", apply);
  moreBtn.addEventListener("click", function () { renderMore(PAGE); });
  allBtn.addEventListener("click", function () { renderMore(view.length); });
  document.getElementById("node-scope-clear").addEventListener("click", function () {
    scope = null;
    scopeEl.hidden = true;
    apply();
  });

  var bars = document.querySelectorAll("svg g.row[data-from], svg g.row[data-op]");
  for (var b = 0; b < bars.length; b++) {
    bars[b].addEventListener("click", function () {
      if (this.hasAttribute("data-op")) {
        scope = {op: this.getAttribute("data-op")};
        scopeText.textContent = "op type " + scope.op;
      } else {
        scope = {from: parseInt(this.getAttribute("data-from"), 10),
                 to: parseInt(this.getAttribute("data-to"), 10)};
        scopeText.textContent = this.getAttribute("data-label") + " (nodes " + grouped(scope.from + 1) +
            "\u2013" + grouped(scope.to + 1) + ")";
      }
      scopeEl.hidden = false;
      apply();
      document.getElementById("nodes").scrollIntoView({behavior: "smooth"});
    });
  }

  apply();
  body.setAttribute("data-node-rows", String(tbody.rows.length));
  if (!body.hasAttribute("data-rendered")) body.setAttribute("data-rendered", "ok");
})();
)js";

}  // namespace onnx_flops
