/* The site search: Material's header search box and dialog, results from the Pagefind index (pagefind/).
 *
 * Written by the journeys plugin into every site it builds with `search: true`. Keyboard as Material's:
 * `/`, `s` or `f` opens the dialog, Esc closes it, arrow keys move through the results, Enter opens one.
 * Pagefind's bundle (pagefind.js and its wasm, searching on the page's thread: no worker) loads when the
 * dialog opens; nothing is fetched before. A query fetches the index chunks of its words and the fragments
 * of the results in view. Facets (kind, persona, department, channel, health) are the index's filters, their
 * values counted by the build; a filter's own file loads when the reader chooses one of its values.
 * A step of a journey map is a sub-result linking to the map's column (#step-<id>).
 * Text from the index is put in with textContent; only Pagefind's excerpts (entity-encoded, <mark> added)
 * go through innerHTML. Without JavaScript there is no search box at all, as with Material's search.
 */
(function () {
  "use strict";
  // navigation.instant keeps the header (and this dialog) across pages: set up once
  if (window.__journeysSearch) return;
  window.__journeysSearch = true;

  var root = document.querySelector("[data-jm-search]");
  var toggle = document.getElementById("__search");
  if (!root || !toggle) return;
  var input = root.querySelector(".md-search__input");
  var form = root.querySelector(".md-search__form");
  var meta = root.querySelector(".md-search-result__meta");
  var list = root.querySelector(".md-search-result__list");
  var facetsBox = root.querySelector(".jm-search__facets");
  var config = {};
  try { config = JSON.parse(document.getElementById("__config").textContent); } catch (e) { /* defaults */ }
  var t = config.translations || {};
  // the site's root, absolute, from the first page loaded (instant navigation changes location later)
  var siteRoot = new URL(String(config.base || ".").replace(/\/?$/, "/"), location.href);
  var STEP_ANCHOR = "#search-step-";
  var FACETS = [["kind", "Kind"], ["persona", "Persona"], ["department", "Department"],
                ["channel", "Channel"], ["health", "Health"]];
  var PAGE = 10;
  var SOON = 5;                // results of a page fetched at once; the others as they come into view
  var REBUILT = "The search index is being rebuilt or is not there: reload the page in a moment.";

  // English words too common to narrow a search: not searched when the query has other words (their index
  // chunks are the largest: the chunk holding "the" is 150 KB at 1,000 journeys, to rank almost nothing)
  var COMMON = /^(a|an|and|are|as|at|be|by|for|from|i|in|is|it|my|of|on|or|our|that|the|this|to|we|with|you|your)$/i;
  var english = /^en\b/i.test(document.documentElement.lang || "en");

  var pagefind = null, loading = null, failed = false;
  var longPages = {};          // result id -> {url, title, kind} of the pages too long to fetch unasked
  var facetCounts = null;      // facet -> value -> pages, as pagefind.filters() gives them
  var selected = {};           // facet -> value
  var results = [], shown = 0, generation = 0, timer = 0;

  function say(text) { meta.textContent = text; }

  function load() {
    if (!loading) {
      loading = import(new URL("pagefind/pagefind.js", siteRoot).href).then(function (pf) {
        // the long pages and the facets' values, written by the build: without them (an older index) every
        // page is fetched in full and the facets come from Pagefind's own filter files
        var listed = fetch(new URL("pagefind/journeys-search.json", siteRoot).href).then(function (r) {
          return r.ok ? r.json() : {};
        }).catch(function () { return {}; });
        // noWorker: Pagefind searches on the page's thread rather than in a worker whose script is another
        // 41 KB to fetch; the long pages, whose excerpts take long to compute, are not fetched unasked.
        // pageLength lowered: a journey page is long, and a word in its map must not lose to a short list
        return pf.options({ baseUrl: siteRoot.pathname, excerptLength: 24, noWorker: true,
                            ranking: { pageLength: 0.4 } }).then(function () {
          return Promise.all([pf.init(), listed]);
        }).then(function (done) {
          var data = done[1] || {};
          longPages = data.long || {};
          facetCounts = data.facets || null;
          pagefind = pf;
          return pf;
        });
      }).catch(function () {
        failed = true;
        loading = null;  // a later opening tries again (after a rebuild under `mkdocs serve`)
        say(REBUILT);
        return null;
      });
    }
    return loading;
  }

  function open(select) {
    if (!toggle.checked) {
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change"));
    }
    if (document.activeElement !== input) input.focus();
    if (select) input.select();
    load().then(function (pf) { if (pf) facets(pf); });
  }

  function close() {
    if (toggle.checked) {
      toggle.checked = false;
      toggle.dispatchEvent(new Event("change"));
    }
    input.blur();
  }

  var facetsDone = false;
  function facets(pf) {
    if (facetsDone) return;
    facetsDone = true;
    // the counts the build wrote: Pagefind's filter files (every value's pages) load only for a chosen facet
    (facetCounts ? Promise.resolve(facetCounts) : pf.filters()).then(function (all) {
      FACETS.forEach(function (f) {
        var values = Object.keys(all[f[0]] || {}).sort(function (a, b) { return a.localeCompare(b); });
        if (!values.length) return;
        var label = document.createElement("label");
        label.className = "jm-search__facet";
        var name = document.createElement("span");
        name.textContent = f[1];
        var sel = document.createElement("select");
        sel.dataset.facet = f[0];
        var any = document.createElement("option");
        any.value = "";
        any.textContent = "any";
        sel.appendChild(any);
        values.forEach(function (v) {
          var o = document.createElement("option");
          o.value = v;
          o.textContent = display(v) + " (" + all[f[0]][v] + ")";
          sel.appendChild(o);
        });
        sel.addEventListener("change", function () {
          if (sel.value) selected[f[0]] = sel.value; else delete selected[f[0]];
          search();
        });
        label.appendChild(name);
        label.appendChild(sel);
        facetsBox.appendChild(label);
      });
      facetsBox.hidden = !facetsBox.children.length;
    });
  }

  // a filter value as Pagefind read it from the page's attribute, entities and all: decoded for display
  // only (in an inert document: nothing in it runs or loads), and sent back as it is when filtering
  function display(v) {
    if (v.indexOf("&") < 0) return v;
    return new DOMParser().parseFromString("<p>" + v.replace(/</g, "&lt;") + "</p>", "text/html").body.textContent;
  }

  function count(n) {
    if (n === 0) return t["search.result.none"] || "No matching documents";
    if (n === 1) return t["search.result.one"] || "1 matching document";
    return (t["search.result.other"] || "# matching documents").replace("#", String(n));
  }

  // the words searched for what the reader typed: without the common words, unless that leaves none
  function terms(q) {
    if (!english || /^\s*".*"\s*$/.test(q)) return q;
    var words = q.split(/\s+/).filter(Boolean);
    var kept = words.filter(function (w) { return !COMMON.test(w); });
    return (kept.length ? kept : words).join(" ");
  }

  function schedule() {
    clearTimeout(timer);
    var q = input.value.trim();
    // A word's first one or two letters: the reader is probably still typing it, and its many continuations
    // span many index chunks that the longer word no longer needs. Nothing is preloaded for it, and the search
    // waits for a longer pause (a short word, "IT", is still searched when the reader stops).
    var partial = /(^|\s)\S{1,2}$/.test(input.value);
    if (pagefind && q && !partial) pagefind.preload(terms(q), { filters: selected });
    timer = setTimeout(search, partial ? 300 : 150);
  }

  function search() {
    clearTimeout(timer);
    var q = input.value.trim();
    var mine = ++generation;
    if (!q && !Object.keys(selected).length) {
      list.textContent = "";
      say(failed ? meta.textContent : (t["search.result.placeholder"] || "Type to start searching"));
      return;
    }
    load().then(function (pf) {
      if (!pf || mine !== generation) return null;
      root.setAttribute("aria-busy", "true");
      return pf.search(q ? terms(q) : null, { filters: selected });
    }).then(function (found) {
      if (!found || mine !== generation) return;
      unwatch();
      results = found.results;
      shown = 0;
      list.textContent = "";
      say(count(results.length));
      if (!results.length) drawn(q);
      return more(mine, q);
    }).catch(function () {
      // an index chunk went missing: the site was rebuilt under `mkdocs serve` since this page loaded
      if (mine === generation) say(REBUILT);
    }).finally(function () {
      if (mine === generation) root.removeAttribute("aria-busy");
    });
  }

  // the query whose first results are drawn: what the browser tests and bench/search_bench.py wait for
  function drawn(q) { list.setAttribute("data-jm-query", q); }

  // The next PAGE results, each drawn in its place as soon as its data is there. Pagefind computes a result's
  // excerpt and sub-results from the whole page (its fragment, fetched for the purpose), so: the long pages
  // (listed at build time) are drawn plain at once, without their data; then the first SOON results, short
  // pages first (a page's matched words, `words`, grow with its length) and the longer ones after them; the
  // others of the page only as they come into view (the first SOON fill the dialog on a laptop), so that a
  // query fetches the fragments of the results the reader sees. Nothing is asked for once the reader has
  // typed on: a result no longer wanted does not hold up the new query's.
  var observers = [];
  function more(mine, q) {
    var slice = results.slice(shown, shown + PAGE);
    shown += slice.length;
    var old = list.querySelector(".jm-search__more");
    if (old) old.remove();
    var slots = slice.map(function () {
      var li = document.createElement("li");
      li.className = "jm-search__pending";
      li.setAttribute("aria-hidden", "true");
      li.hidden = true;
      list.appendChild(li);
      return li;
    });
    var first = true;
    function shownFirst() {
      if (first && q !== undefined) drawn(q);
      first = false;
    }
    var size = function (i) { return (slice[i].words || []).length; };
    var order = slice.map(function (r, i) { return i; }).filter(function (i) {
      var long = longPages[slice[i].id];
      if (long && !/^\/(?!\/)/.test(String(long.url))) long = null;  // a path of this site, nothing else
      if (long) slots[i].replaceWith(longItem(slice[i], long));
      return !long;
    });
    if (order.length < slice.length) shownFirst();
    order.sort(function (a, b) { return size(a) - size(b) || a - b; });
    var sizes = order.map(size);
    var limit = Math.max(200, 4 * (sizes[Math.floor(sizes.length / 2)] || 0));
    var light = order.filter(function (i) { return size(i) <= limit && i < SOON; });
    var heavy = order.filter(function (i) { return size(i) > limit && i < SOON; });
    var later = order.filter(function (i) { return i >= SOON; }).sort(function (a, b) { return a - b; });
    var asked = {};
    function fill(i) {
      if (mine !== generation || asked[i]) return null;
      asked[i] = true;
      return slice[i].data().then(function (d) {
        if (mine !== generation) return;
        slots[i].replaceWith(item(d));
        shownFirst();
      });
    }
    return Promise.all(light.map(fill)).then(function () {
      return heavy.reduce(function (done, i) { return done.then(function () { return fill(i); }); }, Promise.resolve());
    }).then(function () {
      if (mine !== generation) return;
      watch(later.map(function (i) { return [slots[i], i]; }), fill, mine);
      if (shown >= results.length) return;
      var li = document.createElement("li");
      li.className = "jm-search__more";
      var b = document.createElement("button");
      b.type = "button";
      b.className = "md-button";
      b.textContent = "Show more results";
      b.addEventListener("click", function () { more(generation); });
      li.appendChild(b);
      list.appendChild(li);
    });
  }

  // The results still to fetch, each as an empty slot of a result's height until it comes near the visible
  // part of the dialog (scrolled to, or reached with the arrow keys); then `fill(i)`. At once where the
  // browser cannot tell (no IntersectionObserver).
  function watch(pending, fill, mine) {
    if (!pending.length) return;
    pending.forEach(function (p) { p[0].hidden = false; });
    if (!("IntersectionObserver" in window)) {
      pending.forEach(function (p) { fill(p[1]); });
      return;
    }
    var index = new Map(pending);
    var seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (!e.isIntersecting || !index.has(e.target)) return;
        seen.unobserve(e.target);
        var done = fill(index.get(e.target));
        index.delete(e.target);
        if (done) done.catch(function () { if (mine === generation) say(REBUILT); });
      });
    }, { root: root.querySelector(".md-search__scrollwrap"), rootMargin: "0px 0px 160px 0px" });
    observers.push(seen);
    pending.forEach(function (p) { seen.observe(p[0]); });
  }

  function unwatch() {
    observers.forEach(function (o) { o.disconnect(); });
    observers = [];
  }

  // A long page (a catalogue of every insight, opportunity or solution) as a plain result: its title and how
  // many matches it has; its matching entries, with their excerpts, only when the reader asks for them.
  function longItem(r, page) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var url = new URL(String(page.url).replace(/^\//, ""), siteRoot).href;
    var n = (r.words || []).length;
    li.appendChild(link(url, "h1", page.title, "", page.kind === "overview" ? "" : page.kind));
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button jm-search__where";
    b.textContent = "Show the " + (n === 1 ? "match" : n + " matches") + " on this page";
    b.addEventListener("click", function () {
      b.disabled = true;
      r.data().then(function (d) {
        var full = item(d);
        li.replaceWith(full);
        var first = full.querySelector("a");
        if (first) first.focus();
      }).catch(function () { say(REBUILT); });
    });
    li.appendChild(b);
    return li;
  }

  function stepUrl(url) {
    var i = url.indexOf(STEP_ANCHOR);
    return i < 0 ? url : url.slice(0, i) + "#step-" + url.slice(i + STEP_ANCHOR.length);
  }

  function link(url, heading, title, excerpt, kind) {
    var a = document.createElement("a");
    a.href = url;
    a.className = "md-search-result__link";
    var art = document.createElement("article");
    art.className = "md-search-result__article md-typeset" + (heading === "h1" ? " md-search-result__article--document" : "");
    if (heading === "h1") {
      var icon = document.createElement("div");
      icon.className = "md-search-result__icon md-icon";
      art.appendChild(icon);
    }
    var h = document.createElement(heading === "h1" ? "div" : "div");
    h.className = heading === "h1" ? "jm-search__title" : "jm-search__subtitle";
    h.textContent = title;
    art.appendChild(h);
    if (kind) {
      var k = document.createElement("span");
      k.className = "jm-search__kind";
      k.textContent = kind;
      h.appendChild(document.createTextNode(" "));
      h.appendChild(k);
    }
    if (excerpt) {
      var p = document.createElement("p");
      p.innerHTML = excerpt;  // Pagefind's excerpt: entities encoded, <mark> around the matches
      art.appendChild(p);
    }
    a.appendChild(art);
    a.addEventListener("click", close);
    return a;
  }

  function score(s) {
    return (s.weighted_locations || []).reduce(function (sum, l) { return sum + l.balanced_score; }, 0);
  }

  function item(d) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var title = (d.meta && d.meta.title) || d.url;
    var kind = (d.meta && d.meta.kind) || "";
    // the page's own title (its h1) is the page itself, not a section of it
    var subs = (d.sub_results || []).filter(function (s) {
      return s.anchor && s.anchor.element !== "h1" && s.url !== d.url;
    });
    subs.sort(function (a, b) { return score(b) - score(a); });  // the section with the best hits first
    var steps = subs.filter(function (s) { return s.url.indexOf(STEP_ANCHOR) >= 0; });
    if (selected.kind === "step") subs = steps;
    var top = subs.length && selected.kind === "step" ? null : (d.sub_results || []).filter(function (s) { return !s.anchor || s.anchor.element === "h1"; })[0];
    if (selected.kind !== "step") li.appendChild(link(d.url, "h1", title, top ? top.excerpt : (subs.length ? "" : d.excerpt), kind === "overview" ? "" : kind));
    subs.slice(0, selected.kind === "step" ? 5 : 3).forEach(function (s) {
      var isStep = s.url.indexOf(STEP_ANCHOR) >= 0;
      var label = selected.kind === "step" ? s.title + " · " + title : s.title;
      li.appendChild(link(stepUrl(s.url), selected.kind === "step" ? "h1" : "h2", label, s.excerpt,
                          isStep ? "step" : ""));
    });
    return li;
  }

  function links() { return Array.prototype.slice.call(list.querySelectorAll("a, button")); }

  function pendingBetween(from, to) {
    var slots = list.querySelectorAll(".jm-search__pending:not([hidden])");
    for (var i = 0; i < slots.length; i++) {
      var after = from.compareDocumentPosition(slots[i]) & Node.DOCUMENT_POSITION_FOLLOWING;
      var before = !to || to.compareDocumentPosition(slots[i]) & Node.DOCUMENT_POSITION_PRECEDING;
      if (after && before) return slots[i];
    }
    return null;
  }

  input.addEventListener("focus", function () { open(false); });
  input.addEventListener("input", schedule);
  form.addEventListener("reset", function () { setTimeout(function () { search(); input.focus(); }, 0); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  toggle.addEventListener("change", function () { if (toggle.checked) load().then(function (pf) { if (pf) facets(pf); }); });

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var target = e.target;
    if (!toggle.checked) {
      var editable = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (!editable && (e.key === "/" || e.key === "s" || e.key === "f")) {
        e.preventDefault();
        open(true);
      }
      return;
    }
    if (e.key === "Escape") {
      e.preventDefault();
      close();
      return;
    }
    if (target && target.tagName === "SELECT") return;  // arrows choose a facet value
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!all.length) return;
      e.preventDefault();
      var next = e.key === "ArrowDown" ? (at < 0 ? 0 : Math.min(at + 1, all.length - 1)) : at - 1;
      var gap = e.key === "ArrowDown" && at >= 0 ? pendingBetween(all[at], next > at ? all[next] : null) : null;
      // a result not fetched yet comes next: shown (it loads as it comes into view), and the next key goes to it
      if (gap) gap.scrollIntoView({ block: "nearest" });
      else if (next < 0) input.focus(); else all[next].focus();
    } else if (e.key === "Enter" && target === input && all.length) {
      e.preventDefault();
      all[0].click();
    }
  });
})();
