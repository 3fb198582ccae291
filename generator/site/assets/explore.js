/* The explore page: every journey, step, touchpoint, pain point and opportunity of the portfolio, filtered in
 * the browser. The view is the URL (docs/explore.md): kind, one parameter per facet (repeated = any of these
 * values, different parameters = all must hold), q, sort, page. Data: api/explore.json (docs/site.md).
 * No framework, no request outside the site; user text only ever goes in through textContent. */
(function () {
  "use strict";
  var root = document.querySelector("[data-jm-explore]");
  var script = document.currentScript;
  if (!root || !script) return;
  var SITE = new URL("..", script.src); // the script is assets/explore.js
  var KINDS = [["step", "Steps"], ["journey", "Journeys"], ["touchpoint", "Touchpoints"],
               ["pain-point", "Pain points"], ["opportunity", "Opportunities"]];
  var FACETS = [["persona", "Persona"], ["department", "Department"], ["channel", "Channel"], ["type", "Journey type"],
                ["level", "Level"], ["status", "Status"], ["lifecycle", "Lifecycle"], ["tag", "Tag"],
                ["health", "Health"]];
  var SORTS = [["journey", "Portfolio order"], ["name", "Name"], ["health", "Health, worst first"],
               ["emotion", "Emotion, lowest first"], ["score", "Priority, highest first"]];
  var HEALTH_RANK = {"off-target": 0, "at-risk": 1, "on-target": 2, "no-data": 3};
  var PAGE = 500;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function union(lists) {
    var seen = {}, out = [];
    lists.forEach(function (l) { l.forEach(function (v) { if (v >= 0 && !seen[v]) { seen[v] = 1; out.push(v); } }); });
    return out;
  }

  // ---------------------------------------------------------------------------------------------- records
  function build(data) {
    var d = data.d;
    var name = function (facet, i) { return i >= 0 ? d[facet][i][1] : ""; };
    var value = function (facet, i) { return i >= 0 ? d[facet][i][0] : ""; };
    var J = data.j.map(function (r, n) {
      return {n: n, id: r[0], title: r[1], url: r[2], type: r[3], level: r[4], status: r[5], lifecycle: r[6],
              personas: r[7], tags: r[8], dept: r[9], person: r[10], health: r[11], steps: []};
    });
    var S = data.s.map(function (r, n) {
      var j = J[r[0]];
      var s = {n: n, j: j, id: r[1], name: r[2], phase: r[3], personas: r[4], depts: r[5], channels: r[6],
               emotion: r[7], moment: r[8], health: r[9], owner: r[11]};
      j.steps.push(s);
      return s;
    });
    function journeyFacets(j) {
      return {type: [j.type], level: [j.level], status: [j.status], lifecycle: [j.lifecycle], tag: j.tags};
    }
    function stepFacets(s) {
      var f = journeyFacets(s.j);
      f.persona = s.personas; f.department = s.depts; f.channel = s.channels;
      f.health = [s.health]; f.moment = [s.moment];
      return f;
    }
    function stepUrl(s) { return s.j.url + "#step-" + s.id; }
    var healthName = function (i) { return value("health", i); };
    var recs = {journey: [], step: [], touchpoint: [], "pain-point": [], opportunity: []};
    J.forEach(function (j) {
      var f = journeyFacets(j);
      f.persona = j.personas;
      f.department = union([[j.dept]].concat(j.steps.map(function (s) { return s.depts; })));
      f.channel = union(j.steps.map(function (s) { return s.channels; }));
      f.health = [j.health];
      f.moment = [j.steps.some(function (s) { return s.moment; }) ? 1 : 0];
      recs.journey.push({id: j.id, f: f, text: j.title, order: j.n, name: j.title, health: healthName(j.health),
        emotion: null, score: null,
        cells: [{text: j.title, href: j.url}, {text: value("type", j.type)}, {text: value("level", j.level)},
                {text: value("status", j.status)}, {text: value("lifecycle", j.lifecycle)},
                {text: name("department", j.dept) + (j.person ? " (" + j.person + ")" : "")},
                {health: healthName(j.health)}]});
    });
    S.forEach(function (s) {
      recs.step.push({id: s.j.id + "/" + s.id, f: stepFacets(s), text: s.name + "\n" + s.j.title, order: s.n,
        name: s.name, health: healthName(s.health), emotion: s.emotion, score: null,
        cells: [{text: s.name, href: stepUrl(s)}, {text: s.j.title, href: s.j.url}, {text: s.phase},
                {text: s.depts.map(function (i) { return name("department", i); }).join(", ")},
                {text: s.emotion === null ? "" : s.emotion + "/5"}, {text: s.moment ? "yes" : ""},
                {health: healthName(s.health)}]});
    });
    var tpCount = {};
    data.t.forEach(function (r, n) {
      var s = S[r[0]];
      var k = tpCount[s.n] = (tpCount[s.n] || 0) + 1;
      var f = stepFacets(s);
      f.channel = [r[2]];
      f.department = r[3] >= 0 ? [r[3]] : (s.owner >= 0 ? [s.owner] : []);
      recs.touchpoint.push({id: s.j.id + "/" + s.id + "/touchpoint-" + k, f: f,
        text: r[1] + "\n" + s.name + "\n" + s.j.title, order: n, name: r[1], health: healthName(s.health),
        emotion: s.emotion, score: null,
        cells: [{text: r[1]}, {text: s.name, href: stepUrl(s)}, {text: s.j.title, href: s.j.url},
                {text: name("channel", r[2])}, {text: f.department.map(function (i) { return name("department", i); }).join(", ")},
                {text: r[4] === null ? "" : r[4]}, {text: r[5] === null ? "" : r[5]}]});
    });
    var painCount = {};
    data.p.forEach(function (r, n) {
      var s = S[r[0]];
      var k = painCount[s.n] = (painCount[s.n] || 0) + 1;
      recs["pain-point"].push({id: s.j.id + "/" + s.id + "/pain-point-" + k, f: stepFacets(s),
        text: r[1] + "\n" + s.name + "\n" + s.j.title, order: n, name: r[1], health: healthName(s.health),
        emotion: s.emotion, score: null,
        cells: [{text: r[1]}, {text: s.name, href: stepUrl(s)}, {text: s.j.title, href: s.j.url},
                {text: s.emotion === null ? "" : s.emotion + "/5"}, {health: healthName(s.health)}]});
    });
    data.o.forEach(function (r, n) {
      var steps = r[4].map(function (i) { return S[i]; });
      var f = {};
      FACETS.concat([["moment"]]).forEach(function (facet) {
        f[facet[0]] = union(steps.map(function (s) { return stepFacets(s)[facet[0]]; }));
      });
      var worst = steps.map(function (s) { return healthName(s.health); })
        .sort(function (a, b) { return HEALTH_RANK[a] - HEALTH_RANK[b]; })[0] || "no-data";
      recs.opportunity.push({id: r[0], f: f, text: r[1], order: n, name: r[1], health: worst, emotion: null,
        score: r[2],
        cells: [{text: r[1], href: r[6] + "#opportunity-" + r[0]}, {text: r[2].toFixed(1)}, {text: r[3]},
                {text: steps.map(function (s) { return s.name + " (" + s.j.title + ")"; }).join("; ")},
                {text: r[5].map(function (x) { return x[0] + " (" + name("department", x[1]) + ", " + x[2] + ")"; }).join("; ")}]});
    });
    Object.keys(recs).forEach(function (k) {
      recs[k].forEach(function (r) { r.lower = r.text.toLowerCase(); });
    });
    return recs;
  }

  var COLUMNS = {
    journey: ["Journey", "Type", "Level", "Status", "Lifecycle", "Owner", "Health"],
    step: ["Step", "Journey", "Phase", "Departments", "Emotion", "Moment of truth", "Health"],
    touchpoint: ["Touchpoint", "Step", "Journey", "Channel", "Department", "Assumed importance", "Validated importance"],
    "pain-point": ["Pain point", "Step", "Journey", "Emotion", "Health"],
    opportunity: ["Opportunity", "Priority", "Status", "Steps", "Solutions (owner, status)"]
  };

  // ---------------------------------------------------------------------------------------------- the view
  function readState(search) {
    var params = new URLSearchParams(search);
    var kind = params.get("kind") || "step";
    if (!COLUMNS[kind]) kind = "step";
    var state = {kind: kind, q: params.get("q") || "", sort: params.get("sort") || "journey", facets: {},
                 page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1)};
    FACETS.forEach(function (f) { state.facets[f[0]] = params.getAll(f[0]); });
    state.facets.moment = params.get("moment") === "true" ? ["true"] : [];
    return state;
  }

  function query(state, page) {
    var params = new URLSearchParams();
    params.append("kind", state.kind);
    FACETS.forEach(function (f) { state.facets[f[0]].forEach(function (v) { params.append(f[0], v); }); });
    if (state.facets.moment.length) params.append("moment", "true");
    if (state.q) params.append("q", state.q);
    if (state.sort !== "journey") params.append("sort", state.sort);
    if (page && page > 1) params.append("page", String(page));
    return "?" + params.toString();
  }

  function selected(state, dict) {
    // facet -> Set of value numbers; a value the portfolio does not have matches nothing
    var out = [];
    FACETS.forEach(function (f) {
      var values = state.facets[f[0]];
      if (!values.length) return;
      var set = new Set();
      values.forEach(function (v) {
        var i = dict[f[0]].findIndex(function (x) { return x[0] === v; });
        set.add(i >= 0 ? i : -2);
      });
      out.push([f[0], set]);
    });
    if (state.facets.moment.length) out.push(["moment", new Set([1])]);
    return out;
  }

  function apply(recs, dict, state) {
    var active = selected(state, dict);
    var q = state.q.trim().toLowerCase();
    var counts = {};
    FACETS.concat([["moment"]]).forEach(function (f) { counts[f[0]] = {}; });
    var results = [];
    var list = recs[state.kind];
    for (var i = 0; i < list.length; i++) {
      var r = list[i];
      if (q && r.lower.indexOf(q) < 0) continue;
      var failed = null, fails = 0;
      for (var a = 0; a < active.length && fails < 2; a++) {
        var values = r.f[active[a][0]], set = active[a][1], hit = false;
        for (var v = 0; v < values.length; v++) if (set.has(values[v])) { hit = true; break; }
        if (!hit) { fails++; failed = active[a][0]; }
      }
      if (fails > 1) continue;
      // counts per facet value: what each value would give with the other facets applied
      for (var name in counts) {
        if (fails === 1 && name !== failed) continue;
        var c = counts[name], vs = r.f[name];
        for (var w = 0; w < vs.length; w++) c[vs[w]] = (c[vs[w]] || 0) + 1;
      }
      if (fails === 0) results.push(r);
    }
    var by = {
      name: function (a, b) { return a.name.localeCompare(b.name) || a.order - b.order; },
      health: function (a, b) { return HEALTH_RANK[a.health] - HEALTH_RANK[b.health] || a.order - b.order; },
      emotion: function (a, b) {
        var x = a.emotion === null ? 99 : a.emotion, y = b.emotion === null ? 99 : b.emotion;
        return x - y || a.order - b.order;
      },
      score: function (a, b) { return (b.score || 0) - (a.score || 0) || a.order - b.order; }
    }[state.sort];
    if (by) results.sort(by);
    return {results: results, counts: counts};
  }

  // ---------------------------------------------------------------------------------------------- the page
  function healthCell(td, state) {
    var label = state.replace("-", " ");
    td.appendChild(el("span", {"class": "jm-badge jm-health jm-health--" + state}, label));
    td.dataset.sort = state;
  }

  function render(data, recs) {
    var dict = data.d;
    var state = readState(location.search);
    root.textContent = "";
    var form = el("form", {"class": "jm-explore__form", role: "search", "aria-label": "Filter the portfolio"});
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    var row = el("div", {"class": "jm-explore__row"});
    var kindLabel = el("label", null, "Show ");
    var kind = el("select", {name: "kind"});
    KINDS.forEach(function (k) { var o = el("option", {value: k[0]}, k[1]); if (k[0] === state.kind) o.selected = true; kind.appendChild(o); });
    kindLabel.appendChild(kind);
    var qLabel = el("label", null, "Containing ");
    var q = el("input", {type: "search", name: "q", value: state.q, autocomplete: "off"});
    qLabel.appendChild(q);
    var sortLabel = el("label", null, "Sort by ");
    var sort = el("select", {name: "sort"});
    SORTS.forEach(function (s) { var o = el("option", {value: s[0]}, s[1]); if (s[0] === state.sort) o.selected = true; sort.appendChild(o); });
    sortLabel.appendChild(sort);
    var momentLabel = el("label", {"class": "jm-explore__moment"});
    var moment = el("input", {type: "checkbox", name: "moment", value: "true"});
    moment.checked = state.facets.moment.length > 0;
    momentLabel.appendChild(moment);
    var momentText = el("span", null, " Moments of truth only");
    momentLabel.appendChild(momentText);
    [kindLabel, qLabel, sortLabel, momentLabel].forEach(function (x) { row.appendChild(x); });
    form.appendChild(row);
    var facets = el("div", {"class": "jm-explore__facets"});
    var countSpans = {};
    FACETS.forEach(function (f) {
      var values = dict[f[0]];
      if (!values.length) return;
      var box = el("details", {"class": "jm-facet"});
      if (state.facets[f[0]].length) box.open = true;
      var summary = el("summary", null, f[1]);
      box.appendChild(summary);
      var fieldset = el("fieldset");
      fieldset.appendChild(el("legend", {"class": "jm-visually-hidden"}, f[1]));
      countSpans[f[0]] = {};
      values.forEach(function (v, i) {
        var label = el("label");
        var input = el("input", {type: "checkbox", name: f[0], value: v[0]});
        input.checked = state.facets[f[0]].indexOf(v[0]) >= 0;
        label.appendChild(input);
        label.appendChild(el("span", null, " " + v[1] + " "));
        var count = el("span", {"class": "jm-facet__count"});
        countSpans[f[0]][i] = count;
        label.appendChild(count);
        fieldset.appendChild(label);
      });
      box.appendChild(fieldset);
      facets.appendChild(box);
    });
    form.appendChild(facets);
    var actions = el("div", {"class": "jm-explore__row"});
    var clear = el("a", {href: "?kind=" + state.kind, "class": "md-button"}, "Clear filters");
    var download = el("button", {type: "button", "class": "md-button"}, "Download CSV");
    actions.appendChild(clear);
    actions.appendChild(download);
    form.appendChild(actions);
    root.appendChild(form);
    var status = el("p", {"class": "jm-explore__count", role: "status", "aria-live": "polite"});
    root.appendChild(status);
    var wrap = el("div", {"class": "jm-explore__results jm-stack"});
    root.appendChild(wrap);
    var pager = el("nav", {"class": "jm-explore__pages", "aria-label": "Result pages"});
    root.appendChild(pager);
    var current = null;

    function fromForm() {
      var s = {kind: kind.value, q: q.value, sort: sort.value, facets: {}, page: 1};
      FACETS.forEach(function (f) {
        s.facets[f[0]] = Array.prototype.map.call(
          form.querySelectorAll("input[name='" + f[0] + "']:checked"), function (x) { return x.value; });
      });
      s.facets.moment = moment.checked ? ["true"] : [];
      return s;
    }

    function makeRow(r, kindName) {
      // made once per record, then reused by every view that shows it
      var tr = el("tr", {"data-kind": kindName, "data-id": r.id, role: "row"});
      r.cells.forEach(function (c, i) {
        var td = document.createElement("td");
        td.setAttribute("data-label", COLUMNS[kindName][i]);
        td.setAttribute("role", "cell");
        if (c.health) healthCell(td, c.health);
        else if (c.href) { var a = document.createElement("a"); a.href = SITE.href + c.href; a.textContent = c.text; td.appendChild(a); }
        else td.textContent = c.text;
        tr.appendChild(td);
      });
      return tr;
    }

    function show(s) {
      var t0 = performance.now();
      var out = apply(recs, dict, s);
      var filtered = performance.now();
      var total = out.results.length;
      var pages = Math.max(1, Math.ceil(total / PAGE));
      var page = Math.min(s.page, pages);
      var shown = out.results.slice((page - 1) * PAGE, page * PAGE);
      var noun = KINDS.filter(function (k) { return k[0] === s.kind; })[0][1].toLowerCase();
      status.textContent = total + " " + (total === 1 ? noun.replace(/s$/, "") : noun) +
        (pages > 1 ? " (page " + page + " of " + pages + ", " + PAGE + " a page)" : "");
      // explicit roles: on a phone the rows are cards (display: block), still a table to a screen reader
      var table = el("table", {"class": "jm-explore__table", role: "table"});
      table.appendChild(el("caption", {"class": "jm-visually-hidden"}, "Explore results: " + noun));
      var head = el("thead", {role: "rowgroup"}), hr = el("tr", {role: "row"});
      COLUMNS[s.kind].forEach(function (c) { hr.appendChild(el("th", {scope: "col", role: "columnheader"}, c)); });
      head.appendChild(hr);
      table.appendChild(head);
      var body = el("tbody", {role: "rowgroup"});
      var rows = document.createDocumentFragment();
      shown.forEach(function (r) { rows.appendChild(r.row || (r.row = makeRow(r, s.kind))); });
      body.appendChild(rows);
      table.appendChild(body);
      wrap.textContent = "";
      if (total) wrap.appendChild(table);
      else wrap.appendChild(el("p", null, "Nothing matches all of these filters."));
      pager.textContent = "";
      if (pages > 1) {
        for (var n = 1; n <= pages; n++) {
          var a = el("a", {href: query(s, n)}, "Page " + n);
          if (n === page) a.setAttribute("aria-current", "page");
          pager.appendChild(a);
          pager.appendChild(document.createTextNode(" "));
        }
      }
      FACETS.forEach(function (f) {
        Object.keys(countSpans[f[0]] || {}).forEach(function (i) {
          countSpans[f[0]][i].textContent = "(" + (out.counts[f[0]][i] || 0) + ")";
        });
      });
      momentText.textContent = " Moments of truth only (" + (out.counts.moment[1] || 0) + ")";
      clear.setAttribute("href", "?kind=" + s.kind);
      current = {state: s, results: out.results};
      root.setAttribute("data-filter-ms", (filtered - t0).toFixed(1));
      root.setAttribute("data-apply-ms", (performance.now() - t0).toFixed(1));
      root.setAttribute("data-results", String(total));
    }

    function changed() {
      var s = fromForm();
      history.replaceState(history.state, "", query(s));
      show(s);
    }
    form.addEventListener("change", changed);
    q.addEventListener("input", changed);
    download.addEventListener("click", function () {
      if (!current) return;
      var cols = ["kind", "id"].concat(COLUMNS[current.state.kind]);
      var lines = [cols];
      current.results.forEach(function (r) {
        lines.push([current.state.kind, r.id].concat(r.cells.map(function (c) { return c.health || c.text; })));
      });
      var csv = lines.map(function (l) {
        return l.map(function (v) {
          var text = String(v);
          // a leading = + - @ would be a formula in a spreadsheet: quote it as text
          if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
          return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
        }).join(",");
      }).join("\r\n") + "\r\n";
      var blob = new Blob([csv], {type: "text/csv;charset=utf-8"});
      var link = el("a", {href: URL.createObjectURL(blob), download: "explore-" + current.state.kind + ".csv"});
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    });
    show(state);
  }

  var notice = document.querySelector("[data-jm-explore-nojs]");
  if (notice) notice.hidden = true;
  root.textContent = "Loading the portfolio…";
  fetch(new URL("api/explore.json", SITE).href).then(function (r) {
    if (!r.ok) throw new Error("api/explore.json: HTTP " + r.status);
    return r.json();
  }).then(function (data) {
    render(data, build(data));
  }).catch(function (e) {
    if (notice) notice.hidden = false;
    root.textContent = "The explore page could not load its data (" + e.message + ").";
  });
})();
