"""The explore page at scale: what a reader downloads to use it, and how long applying a filter takes.

`measure(folder)` takes the output of `journeys generate` (or `explore_only`'s), gzips what the explore page
loads beyond the theme (`api/explore.json`, `assets/explore.js`, the page), then, when Chromium and
Playwright are there, opens a bare page running the same script on the same data and times a sequence of
filters (the script records each in `data-apply-ms`: filtering, counting, sorting and drawing the rows).

`explore_only(project)` writes only those files for a synthetic portfolio, without drawing charts or
running MkDocs: the way to measure N=1,000 in a few minutes. Targets (issue 15): download <= 1 MB gzipped,
a filter < 100 ms.
"""

from __future__ import annotations

import gzip
import os
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("JOURNEYS_CHROMIUM", "/usr/bin/chromium")
HARNESS = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>explore bench</title></head>
<body><div data-jm-explore></div><script src="assets/explore.js"></script></body></html>
"""
# the filters timed, each applied on top of the step list: one facet, two facets, text, kind changes
FILTERS = [
    "kind=step&health=off-target",
    "kind=step&health=off-target&health=at-risk&moment=true",
    "kind=step&department={department}&sort=health",
    "kind=pain-point&persona={persona}",
    "kind=touchpoint&channel={channel}",
    "kind=journey&type=customer&lifecycle=live",
    "kind=opportunity&department={department}&sort=score",
    "kind=step&q=claim",
]


def gz_kb(data: bytes) -> float:
    return len(gzip.compress(data, compresslevel=6, mtime=0)) / 1024


def download(folder: Path) -> dict:
    parts = {
        name: (folder / name).read_bytes()
        for name in ("api/explore.json", "assets/explore.js")
        if (folder / name).is_file()
    }
    page = folder / "explore.md"
    if page.is_file():
        parts["explore.md"] = page.read_bytes()
    return {
        "explore_json_kb": len(parts.get("api/explore.json", b"")) / 1024,
        "explore_download_gz_kb": sum(gz_kb(b) for b in parts.values()),
    }


def filter_times(folder: Path) -> dict:
    """Time each filter of FILTERS in Chromium; {} when there is no Chromium or Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"explore_note": "playwright is not installed: no filter timing"}
    if not Path(CHROMIUM).is_file():
        return {"explore_note": f"no Chromium at {CHROMIUM}: no filter timing"}
    sys.path.insert(0, str(REPO / "tests"))
    from browser_support import CHROMIUM_ARGS, serve

    import json

    data = json.loads((folder / "api/explore.json").read_text(encoding="utf-8"))
    fill = {
        "department": data["d"]["department"][0][0],
        "persona": data["d"]["persona"][0][0],
        "channel": data["d"]["channel"][0][0],
    }
    (folder / "explore-bench.html").write_text(HARNESS, encoding="utf-8")
    server = serve(folder, "/")
    times: list[float] = []
    by_filter: dict[str, float] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(server.base_url + "explore-bench.html", wait_until="networkidle")
            page.wait_for_selector("[data-jm-explore][data-apply-ms]")
            load_ms = float(page.get_attribute("[data-jm-explore]", "data-apply-ms"))
            toggle = (
                "() => { const box = document.querySelector('input[name=health][value=off-target]'); "
                "box.checked = !box.checked; box.dispatchEvent(new Event('change', {bubbles: true})); }"
            )
            for query in FILTERS:
                # the view as a link opens it; then a tick on and off, as a reader changes it
                page.goto(server.base_url + "explore-bench.html?" + query.format(**fill), wait_until="networkidle")
                page.wait_for_selector("[data-jm-explore][data-apply-ms]")
                times.append(float(page.get_attribute("[data-jm-explore]", "data-apply-ms")))
                for _ in range(2):
                    page.evaluate(toggle)
                    times.append(float(page.get_attribute("[data-jm-explore]", "data-apply-ms")))
                by_filter[query] = max(times[-3:])
            browser.close()
    finally:
        server.close()
    return {
        "explore_first_view_ms": load_ms,
        "explore_filter_ms_median": statistics.median(times),
        "explore_filter_ms_max": max(times),
        "explore_filters_timed": len(times),
        "explore_filter_ms_by_query": by_filter,
    }


def measure(folder: Path) -> dict:
    return {**download(folder), **filter_times(folder)}


def write_explore_files(project: Path, out: Path) -> Path:
    """Check the synthetic portfolio and write only the explore page's files into `out` (no charts, no MkDocs),
    with a bare page (`explore-bench.html`) running the script."""
    sys.path.insert(0, str(REPO))
    from generator.load.check import check
    from generator.site.explore import explore_assets
    from generator.site.metrics_extras import site_extras_without_charts
    from generator.site.render import PATHS, Index, _Renderer, environment

    portfolio, report = check(project / "journeys")
    if report.errors:
        raise RuntimeError(f"the synthetic portfolio is invalid: {report.errors[0].text()}")
    extras, _ = site_extras_without_charts(portfolio, cache=project / ".cache")
    files = explore_assets(portfolio, extras, Index(portfolio))
    renderer = _Renderer(portfolio, [], extras, environment())
    renderer.render(PATHS["explore"], "explore.md.j2")
    files[PATHS["explore"]] = renderer.pages[PATHS["explore"]].content.encode("utf-8")
    files["explore-bench.html"] = HARNESS.encode("utf-8")
    for name, data in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return out


def explore_only(project: Path, out: Path) -> dict:
    return measure(write_explore_files(project, out))
