"""The site search at scale, in Chromium: what a reader's first query fetches and how soon its results show.

`measure(site, queries)` serves a built site (`journeys build`) over HTTP and, for each query, in a new
browser context (an empty cache: the page just opened, as a reader arriving from a link), opens a journey
page, presses `/` as soon as the page has loaded, types the query as a person types (one key every
`delay_ms`) and waits for its results. Measured, per query:

- the time from the last keystroke (the search input's last `input` event, `performance.now()` in the page)
  to the first results of the whole query drawn in the dialog (the dialog's script marks the result list
  with `data-jm-query` when it has drawn a query's first results; a MutationObserver notes the time, and
  the next animation frame the time they are shown). Results of a shorter prefix drawn while typing do not
  count: the reader waits for the words typed;
- the bytes of every response from pressing `/` until the results are shown and the network is idle:
  Pagefind's JS and wasm, its metadata and the dialog's (`journeys-search.json`), the index chunks of the
  query's words, and the fragments of the results the dialog fetches without the reader scrolling (the
  first five of the page, and any other already in view: the dialog fetches the rest as they come into
  view; a facet's filter file is fetched when the reader chooses a value, which no query here does;
  `results` is the number of results drawn); uncompressed, as Python's http.server sends them
  (`first_query_kb`), and as a server that compresses text sends them (`first_query_gz_kb`: GitHub Pages
  gzips the JS and JSON, about a third of their size; Pagefind's chunks and wasm are gzip files already),
  grouped by kind of file.

`first_results_s` is the median over the queries (and rounds), `first_results_s_max` the worst,
`first_query_kb` and `first_query_gz_kb` the largest first query. Targets at N=1,000 (issue 16): first results under 1 s,
a first query at most 300 KB. `queries_for(project)` picks the queries from a portfolio: a step's name, a
few words of a pain point, a system, a plural the portfolio spells in the singular.
"""

from __future__ import annotations

import gzip
import os
import statistics
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("JOURNEYS_CHROMIUM", "/usr/bin/chromium")
DELAY_MS = 50  # between keys: a fast typist
TEXT = (".js", ".json")  # what a server that compresses sends gzipped
# the page's clock: the last keystroke in the search box, and when a query's first results were drawn
PROBE = """
window.__jmBench = {lastInput: 0, drawn: []};
document.addEventListener("input", function (e) {
  if (e.target && e.target.classList && e.target.classList.contains("md-search__input")) {
    window.__jmBench.lastInput = performance.now();
  }
}, true);
document.addEventListener("DOMContentLoaded", function () {
  var list = document.querySelector(".md-search-result__list");
  if (!list) return;
  new MutationObserver(function () {
    var entry = {q: list.getAttribute("data-jm-query"), t: performance.now(), shown: 0};
    window.__jmBench.drawn.push(entry);
    requestAnimationFrame(function () { entry.shown = performance.now(); });
  }).observe(list, {attributes: true, attributeFilter: ["data-jm-query"]});
});
"""


class Unavailable(Exception):
    """No Chromium, no Playwright or nothing to search: the measurement is skipped with this reason."""


def kind_of(url: str) -> str:
    """The kind of a file a query fetches, from its URL (Pagefind's bundle layout)."""
    name = url.split("?", 1)[0].rsplit("/", 1)[-1]
    for prefix, kind in (
        ("/pagefind/index/", "index"),
        ("/pagefind/filter/", "filter"),
        ("/pagefind/fragment/", "fragment"),
    ):
        if prefix in url:
            return kind
    if name.endswith((".pf_meta", ".json")):
        return "meta"
    if name.endswith((".js", ".wasm")) or ".pagefind" in name:
        return "code"
    return "other"


def queries_for(project: Path) -> list[tuple[str, str]]:
    """(what, query) pairs from the portfolio's middle journey: its first step's name, four words of a pain
    point, a system and a plural; fixed fallbacks where the journey has none."""
    maps = sorted((project / "journeys" / "maps").glob("*.yaml"))
    steps: list[dict] = []
    if maps:
        data = yaml.safe_load(maps[len(maps) // 2].read_text(encoding="utf-8")) or {}
        steps = [s for ph in data.get("phases") or [] for s in ph.get("steps") or []]
    name = next((s["name"] for s in steps if s.get("name")), "Upload the photos")
    pain = next((p for s in steps for p in s.get("pain_points") or [] if isinstance(p, str)), "")
    words = list(dict.fromkeys(w.strip(".,").lower() for w in pain.split() if len(w.strip(".,")) > 3))[:4]
    system = next((x for s in steps for x in s.get("systems") or []), "Payments gateway")
    return [
        ("step name", name),
        ("pain point", " ".join(words) or "spreadsheet history"),
        ("system", system),
        ("plural", "invoices"),
        ("two words", "claim photos"),
    ]


def journey_page(site: Path) -> str:
    page = next(iter(sorted((site / "journeys").glob("*/index.html"))), None)
    if page is None:
        raise Unavailable("no journey page in the built site")
    return page.parent.relative_to(site).as_posix() + "/"


def fetched_size(site: Path, base: str, request) -> tuple[int, int]:
    """Bytes of a response of the search bundle as Python's http.server sends it and as a server that gzips
    text sends it (GitHub Pages: the JS and JSON; Pagefind's chunks and wasm are gzip files already); (0, 0)
    for anything else (the theme's own late requests, such as the sitemap that instant navigation prefetches,
    are not the query's). From the file on disk: the server sends files as they are, and Chromium reports
    0 bytes for a worker's script."""
    path = request.url.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith(base + "/pagefind/"):
        return 0, 0
    file = site / path[len(base) + 1 :]
    if not file.is_file():
        size = request.sizes()["responseBodySize"]
        return size, size
    data = file.read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=6, mtime=0)) if file.suffix in TEXT else len(data)


def one_query(browser, site: Path, url: str, query: str, delay_ms: int) -> dict:
    """Open `url` in a new context, search `query` as a reader would; timings and bytes of the first results."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        context.add_init_script(PROBE)
        fetched: list[tuple[str, tuple[int, int]]] = []
        errors: list[str] = []
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url, wait_until="load")
        base = url[: url.index("/", len("http://"))]
        context.on("requestfinished", lambda r: fetched.append((r.url, fetched_size(site, base, r))))
        page.keyboard.press("/")
        page.keyboard.type(query, delay=delay_ms)
        page.wait_for_function(
            "q => window.__jmBench.drawn.some(d => d.q === q && d.shown > 0)", arg=query, timeout=120_000
        )
        # the results fetched up front drawn (long pages come last), then nothing more to fetch
        page.wait_for_function(
            "() => !document.querySelector('[data-jm-search]').hasAttribute('aria-busy')", timeout=120_000
        )
        page.wait_for_load_state("networkidle")
        probe = page.evaluate("window.__jmBench")
        shown = next(d for d in probe["drawn"] if d["q"] == query and d["t"] >= probe["lastInput"])
        results = page.locator(".md-search-result__item").count()
        by_kind: dict[str, float] = {}
        fetched = [(u, size) for u, size in fetched if size[0]]
        for u, size in fetched:
            by_kind[kind_of(u)] = by_kind.get(kind_of(u), 0) + size[0] / 1024
        return {
            "query": query,
            "first_results_s": (shown["shown"] - probe["lastInput"]) / 1000,
            "drawn_s": (shown["t"] - probe["lastInput"]) / 1000,
            "results": results,
            "kb": sum(size[0] for _, size in fetched) / 1024,
            "gz_kb": sum(size[1] for _, size in fetched) / 1024,
            "kb_by_kind": {k: round(v, 1) for k, v in sorted(by_kind.items())},
            "requests": len(fetched),
            "errors": errors,
        }
    finally:
        context.close()


def measure(site: Path, queries: list[tuple[str, str]], *, rounds: int = 2, delay_ms: int = DELAY_MS) -> dict:
    """Every query of `queries`, `rounds` times each, on a journey page of the built `site` (see the module
    docstring). Raises Unavailable without Chromium or Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise Unavailable("Playwright is not installed") from exc
    if not Path(CHROMIUM).is_file():
        raise Unavailable(f"no Chromium at {CHROMIUM}")
    if not (site / "pagefind" / "pagefind.js").is_file():
        raise Unavailable("the site has no search index (pagefind/)")
    sys.path.insert(0, str(REPO / "tests"))
    from browser_support import CHROMIUM_ARGS, serve

    server = serve(site, "/")
    runs: list[dict] = []
    started = time.perf_counter()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            url = server.base_url + journey_page(site)
            for _ in range(rounds):
                for what, query in queries:
                    runs.append({"what": what, **one_query(browser, site, url, query, delay_ms)})
            browser.close()
    finally:
        server.close()
    times = [r["first_results_s"] for r in runs]
    worst = max(runs, key=lambda r: r["kb"])
    return {
        "first_results_s": statistics.median(times),
        "first_results_s_max": max(times),
        "first_query_kb": worst["kb"],
        "first_query_kb_by_kind": worst["kb_by_kind"],
        "first_query_kb_query": worst["query"],
        "first_query_gz_kb": max(r["gz_kb"] for r in runs),
        "search_queries": [
            {k: r[k] for k in ("what", "query", "first_results_s", "results", "kb", "gz_kb", "errors")} for r in runs
        ],
        "search_bench_s": time.perf_counter() - started,
    }
