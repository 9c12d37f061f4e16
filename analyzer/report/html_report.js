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
