/* Journeys: interaction on the journey map. Everything here is optional: without JavaScript the map is
   complete (every lane shown, the emotion curve drawn in its lane) and scrolls in its box.

   - Each lane name becomes a button that collapses or expands its lane.
   - Which lanes are expanded lives in the address (?lanes=does,feels), so a view can be linked; with every
     lane expanded the parameter is left out.
   - "Overview" zooms the map out until the whole of it fits on one screen (?view=overview).

   Material's instant navigation swaps pages without reloading scripts: `document$` tells us of each page. */
(function () {
  "use strict";

  var PARAM_LANES = "lanes";
  var PARAM_VIEW = "view";

  function params() {
    return new URLSearchParams(window.location.search);
  }

  function writeParams(p) {
    var query = p.toString().replace(/%2C/gi, ",");
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    window.history.replaceState(window.history.state, "", url);
  }

  function lanesOf(table) {
    return Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-lane]"));
  }

  function setCollapsed(row, collapsed) {
    row.classList.toggle("jm-lane--collapsed", collapsed);
    var button = row.querySelector(".jm-lane-toggle");
    if (button) button.setAttribute("aria-expanded", collapsed ? "false" : "true");
  }

  function saveLanes(table) {
    var rows = lanesOf(table);
    var shown = rows.filter(function (r) { return !r.classList.contains("jm-lane--collapsed"); });
    var p = params();
    if (shown.length === rows.length) p.delete(PARAM_LANES);
    else p.set(PARAM_LANES, shown.map(function (r) { return r.dataset.lane; }).join(",") || "none");
    writeParams(p);
  }

  function fit(scroll, table) {
    // zoom the table out until it fits the box's width and the window's height below the site's header and
    // the map's buttons (never in), wherever the page is scrolled
    table.style.zoom = "";
    var header = document.querySelector(".md-header");
    var room = window.innerHeight - (header ? header.offsetHeight : 0) - 72;
    var byWidth = scroll.clientWidth / table.scrollWidth;
    var byHeight = room / table.scrollHeight;
    var zoom = Math.min(1, byWidth, Math.max(byHeight, 0.2));
    table.style.zoom = zoom < 1 ? String(Math.floor(zoom * 1000) / 1000) : "";
  }

  function setOverview(scroll, table, button, on) {
    scroll.classList.toggle("jm-scroll--overview", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    if (on) fit(scroll, table);
    else table.style.zoom = "";
  }

  function init(scroll) {
    var table = scroll.querySelector("table.jm-map");
    if (!table || scroll.dataset.jmReady) return;
    scroll.dataset.jmReady = "1";
    var rows = lanesOf(table);

    rows.forEach(function (row) {
      var head = row.querySelector("th[scope=row]");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "jm-lane-toggle";
      button.setAttribute("aria-expanded", "true");
      button.textContent = head.textContent;
      button.title = "Collapse or expand this lane";
      head.textContent = "";
      head.appendChild(button);
      button.addEventListener("click", function () {
        setCollapsed(row, !row.classList.contains("jm-lane--collapsed"));
        saveLanes(table);
        if (scroll.classList.contains("jm-scroll--overview")) fit(scroll, table);
      });
    });

    var tools = document.createElement("div");
    tools.className = "jm-map-tools";
    tools.setAttribute("role", "group");
    tools.setAttribute("aria-label", "Journey map view");
    var overview = document.createElement("button");
    overview.type = "button";
    overview.className = "jm-map-tools__overview";
    overview.textContent = "Overview: whole map on one screen";
    overview.setAttribute("aria-pressed", "false");
    var expand = document.createElement("button");
    expand.type = "button";
    expand.className = "jm-map-tools__expand";
    expand.textContent = "Expand all lanes";
    var collapse = document.createElement("button");
    collapse.type = "button";
    collapse.className = "jm-map-tools__collapse";
    collapse.textContent = "Collapse all lanes";
    var hint = document.createElement("span");
    hint.className = "jm-map-tools__status";
    hint.textContent = "Lane names collapse and expand their lane; the address keeps the view.";
    tools.appendChild(overview);
    tools.appendChild(expand);
    tools.appendChild(collapse);
    tools.appendChild(hint);
    scroll.parentNode.insertBefore(tools, scroll);

    function all(collapsed) {
      rows.forEach(function (r) { setCollapsed(r, collapsed); });
      saveLanes(table);
      if (scroll.classList.contains("jm-scroll--overview")) fit(scroll, table);
    }
    expand.addEventListener("click", function () { all(false); });
    collapse.addEventListener("click", function () { all(true); });
    overview.addEventListener("click", function () {
      var on = overview.getAttribute("aria-pressed") !== "true";
      setOverview(scroll, table, overview, on);
      var p = params();
      if (on) p.set(PARAM_VIEW, "overview");
      else p.delete(PARAM_VIEW);
      writeParams(p);
    });

    // the view in the address, if any
    var p = params();
    var wanted = p.get(PARAM_LANES);
    if (wanted !== null) {
      var keep = wanted.split(",");
      rows.forEach(function (r) { setCollapsed(r, keep.indexOf(r.dataset.lane) < 0); });
    }
    if (p.get(PARAM_VIEW) === "overview") setOverview(scroll, table, overview, true);
    window.addEventListener("resize", function () {
      if (scroll.isConnected && scroll.classList.contains("jm-scroll--overview")) fit(scroll, table);
    });
  }

  function initAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".jm-scroll"), init);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(initAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
