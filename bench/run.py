"""The benchmark: check, cold and warm builds, the MkDocs floor and chart drawing, side by side on one portfolio.

`python bench/run.py --journeys N --json OUT` writes a synthetic portfolio (bench/synth.py) into a work
folder and measures, in one run, so that the ratios compare like with like on a shared machine:

- `check_s`: `journeys check`;
- `cold_build_s`: `journeys build` with empty caches (no `.cache/` in the project: charts, parsed files);
- `warm_build_s`: `journeys build` again after editing one journey (one step renamed) and one value of its
  metric data;
- `mkdocs_floor_s`: a plain `mkdocs build` (no journeys plugin) of the very pages `journeys generate`
  wrote, charts already on disk, same theme, extensions and nested navigation: what MkDocs itself costs;
- `naive_chart_ms` / `chart_ms`: per chart, pyplot with default settings (one new figure a chart,
  `plt.savefig` to SVG) against the project's pipeline (`charts.render`), on the same sample of charts;
- `peak_rss_mb`: the largest resident memory of any build process (`os.wait4` of each command: the kernel
  reports the maximum over the process and the children it waited for);
- `site_mb`, `avg_page_kb` (mean HTML of a journey page), `largest_page_kb` (the largest HTML page of the
  whole site, and which: target <= 300 KB at N=1,000), and the counts;
- search (Pagefind): `search_index_mb` (the `pagefind/` bundle of the cold build), `search_build_s` (Pagefind's
  indexing time in the cold build, from the plugin's log line), and from `bench/search_bench.py`, in Chromium
  on a freshly opened journey page, a query typed into the search dialog as a person types:
  `first_results_s` (median time from the last keystroke to the first results shown; target < 1 s at
  N=1,000), `first_query_kb` (the bytes of every response of the search bundle until the first page of
  results is complete: JS, wasm, index and filter chunks, the results' fragments; uncompressed, as Python's
  http.server sends them; target <= 300 KB at N=1,000) and `first_query_gz_kb` (the same, as a server that
  gzips text sends them). Skipped with a note without Chromium (`/usr/bin/chromium` or $JOURNEYS_CHROMIUM)
  or Playwright. `--search-only` measures just these, on one cold build (N=1,000 in one build, not four).
- `explore_download_gz_kb` (what the explore page loads beyond the theme, gzipped: target <= 1 MB at
  N=1,000) and `explore_filter_ms_median`/`_max` (applying a filter in Chromium: target < 100 ms), from
  `bench/explore_bench.py` on the files `journeys generate` wrote. `--explore-only` measures just these two,
  without charts or MkDocs (N=1,000 in a few minutes).

Every command runs as a subprocess with the repository on PYTHONPATH, as a user would run it. A
measurement whose piece of the project is missing is null, with a note saying why. Timings are wall
clock; the machine may be shared, so compare ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import explore_bench  # noqa: E402
import search_bench  # noqa: E402
import synth  # noqa: E402

KEYS = (
    "journeys",
    "steps",
    "charts",
    "check_s",
    "cold_build_s",
    "warm_build_s",
    "mkdocs_floor_s",
    "naive_chart_ms",
    "chart_ms",
    "peak_rss_mb",
    "site_mb",
    "avg_page_kb",
    "largest_page_kb",
    "search_index_mb",
    "search_build_s",
    "first_query_kb",
    "first_query_gz_kb",
    "first_results_s",
    "explore_download_gz_kb",
    "explore_filter_ms_median",
    "explore_filter_ms_max",
)
TARGETS = {  # at N=1000, docs/performance.md
    "check_s": ("<", 5.0),
    "avg_page_kb": ("<", 150.0),
    "site_mb": ("<", 1024.0),
    "peak_rss_mb": ("<", 2048.0),
    "largest_page_kb": ("<=", 300.0),
    "first_query_kb": ("<=", 300.0),
    "first_results_s": ("<", 1.0),
    "explore_download_gz_kb": ("<=", 1024.0),
    "explore_filter_ms_max": ("<", 100.0),
}


def env() -> dict[str, str]:
    path = os.pathsep.join([str(REPO)] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    out = {**os.environ, "PYTHONPATH": path, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "0"}
    out.pop("GITHUB_ACTIONS", None)
    return out


class Failed(Exception):
    pass


def measured(cmd: list[str], cwd: Path, extra_env: dict[str, str] | None = None) -> dict:
    """Run a command; its wall time, peak RSS (of it and its waited-for children) and output."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env={**env(), **(extra_env or {})}, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: Popen must not wait again
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    result = {"s": seconds, "rss_mb": usage.ru_maxrss / 1024, "code": proc.returncode, "output": text}
    if proc.returncode != 0:
        raise Failed(f"{' '.join(cmd)} exited {proc.returncode}:\n{text[-3000:]}")
    return result


def journeys(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def has_command(name: str) -> bool:
    return (REPO / "generator" / "commands" / f"{name}.py").is_file()


def has_module(name: str) -> bool:
    """Whether this checkout has the module `generator.<name>` (dotted; the benchmark also runs older checkouts)."""
    return (REPO / "generator" / (name.replace(".", "/") + ".py")).is_file()


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


# ------------------------------------------------------------------ the edit between cold and warm builds


def edit_one_journey(project: Path, counts: dict) -> str:
    """Rename one step of a journey in the middle of the portfolio and change one value of its data."""
    maps = sorted((project / "journeys" / "maps").glob("*.yaml"))
    target = maps[len(maps) // 2]
    text = target.read_text(encoding="utf-8")
    match = re.search(r"^(\s+name: )(.+)$", text[text.index("steps:") :], re.M)
    assert match is not None
    start = text.index("steps:") + match.start(2)
    text = text[:start] + "Renamed " + text[start:]
    target.write_text(text, encoding="utf-8")
    data = project / "journeys" / "data" / f"{target.stem}.csv"
    if data.is_file():
        lines = data.read_text(encoding="utf-8").split("\n")
        fields = lines[1].split(",")
        value = float(fields[4])
        fields[4] = str(round(value)) if "." not in fields[4] else f"{value + 0.1 if value < 90 else value - 0.1:.1f}"
        if fields[4] == lines[1].split(",")[4]:
            fields[4] = str(int(value) + 1)
        lines[1] = ",".join(fields)
        data.write_text("\n".join(lines), encoding="utf-8")
    return target.stem


# ------------------------------------------------------------------ the MkDocs floor


def floor_config(project: Path, docs: Path, nav: list | None) -> Path:
    """mkdocs.yml of the project, minus the journeys plugin, over the generated pages, with the same nav."""
    import yaml

    from generator.options import _LenientLoader  # reads !ENV and python tags leniently

    config = yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_LenientLoader)
    config["docs_dir"] = str(docs)
    config["plugins"] = [
        p for p in config.get("plugins", []) if not (isinstance(p, dict) and "journeys" in p) and p != "journeys"
    ]
    extensions = list(config.get("markdown_extensions") or [])
    try:  # the extensions the plugin adds at on_config, so the pages render the same
        from generator.mkdocs_plugin import plugin as mkdocs_plugin

        for name in getattr(mkdocs_plugin, "NEEDED_EXTENSIONS", ()):
            if name not in extensions and {name: None} not in extensions:
                extensions.append(name)
        if hasattr(mkdocs_plugin, "CaptionExtension") and "generator.site.markdown_ext" not in extensions:
            extensions.append("generator.site.markdown_ext")
    except ImportError:
        pass
    config["markdown_extensions"] = extensions
    if nav is not None:
        config["nav"] = nav
    theme = config.get("theme") or {}
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str((project / theme["custom_dir"]).resolve())
    path = project / "mkdocs-floor.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def site_nav(project: Path, docs: Path) -> list | None:
    """The nested navigation the journeys plugin gives MkDocs, for the same pages (None: MkDocs' own)."""
    try:
        from generator.load.check import check
        from generator.site.render import render_site
    except ImportError:
        return None
    portfolio, report = check(project / "journeys")
    site = render_site(portfolio, warnings=report.warnings)
    guide = (
        sorted(p.relative_to(project / "docs").as_posix() for p in (project / "docs").rglob("*.md"))
        if (project / "docs").is_dir()
        else []
    )
    return site.nav + ([{"User guide": guide}] if guide else [])


# ------------------------------------------------------------------ charts


def sample_charts(project: Path, limit: int) -> tuple[list, int]:
    """Up to `limit` charts of the site, spread over it (the same for both ways), and how many there are."""
    from generator.load.check import check
    from generator.charts.metrics_view import compute

    portfolio, _ = check(project / "journeys")
    charts = compute(portfolio).all_charts()
    if len(charts) <= limit:
        return charts, len(charts)
    step = len(charts) / limit
    return [charts[int(i * step)] for i in range(limit)], len(charts)


def naive_render(data) -> bytes:
    """The chart drawn the way most code does it: pyplot, a new figure each time, defaults, savefig."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from naive_charts import DRAW

    plt.figure()
    DRAW[data.kind](plt, data)
    buffer = io.BytesIO()
    plt.savefig(buffer, format="svg")
    plt.close()
    return buffer.getvalue()


def time_charts(charts: list) -> tuple[float, float]:
    """Mean milliseconds a chart: naive pyplot and the project's `charts.render`, same charts, this process."""
    from generator.charts.draw import render

    naive_render(charts[0].data)  # imports and font cache, once, outside the timing
    render(charts[0].data)
    started = time.perf_counter()
    for chart in charts:
        naive_render(chart.data)
    naive = (time.perf_counter() - started) / len(charts) * 1000
    started = time.perf_counter()
    for chart in charts:
        render(chart.data)
    ours = (time.perf_counter() - started) / len(charts) * 1000
    return naive, ours


# ------------------------------------------------------------------ the run


def bench(n: int, work: Path, *, seed: int = 1, chart_sample: int = 60, log=print) -> dict:
    result: dict = {k: None for k in KEYS}
    notes: list[str] = []
    project = work / f"portfolio-{n}"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    started = time.perf_counter()
    counts = synth.write(n, project, seed)
    result["synth_s"] = time.perf_counter() - started
    result["journeys"], result["steps"] = counts["journeys"], counts["steps"]
    result["portfolio_mb"] = counts["bytes"] / 1e6
    log(
        f"synth: {counts['journeys']} journeys, {counts['steps']} steps, {counts['bytes'] / 1e6:.1f} MB "
        f"in {result['synth_s']:.1f} s"
    )

    run = measured(journeys("check", "journeys"), project)
    result["check_s"] = run["s"]
    result["check_rss_mb"] = run["rss_mb"]
    log(f"check: {run['s']:.2f} s, {run['rss_mb']:.0f} MB")

    builds = has_command("build") and (project / "mkdocs.yml").is_file()
    if builds:
        # cold: no cache of any kind (charts, parsed files) under the project's .cache/
        shutil.rmtree(project / ".cache", ignore_errors=True)
        build_env = {"JOURNEYS_CHART_CACHE": "", "JOURNEYS_CHART_WORKERS": ""}
        cold = measured(journeys("build"), project, build_env)
        result["cold_build_s"] = cold["s"]
        log(f"cold build: {cold['s']:.1f} s, {cold['rss_mb']:.0f} MB")
        edited = edit_one_journey(project, counts)
        warm = measured(journeys("build"), project, build_env)
        result["warm_build_s"] = warm["s"]
        result["edited_journey"] = edited
        log(f"warm build (after editing {edited}): {warm['s']:.1f} s, {warm['rss_mb']:.0f} MB")
        result["peak_rss_mb"] = max(cold["rss_mb"], warm["rss_mb"], run["rss_mb"])
        site = project / "site"
        result["site_mb"] = folder_mb(site)
        pages = [p for p in (site / "journeys").glob("*/index.html")]
        if pages:
            result["avg_page_kb"] = statistics.mean(p.stat().st_size for p in pages) / 1024
            result["max_page_kb"] = max(p.stat().st_size for p in pages) / 1024
        every = sorted(site.rglob("*.html"), key=lambda p: p.stat().st_size)
        if every:
            result["largest_page_kb"] = every[-1].stat().st_size / 1024
            result["largest_page"] = str(every[-1].relative_to(site))
        search_measures(project, site, cold["output"], result, notes, log)
        result["html_pages"] = sum(1 for _ in site.rglob("*.html"))
        result["chart_files"] = sum(1 for _ in site.rglob("*.svg"))
    else:
        notes.append(
            "cold_build_s, warm_build_s, peak_rss_mb, site_mb, avg_page_kb, search_index_mb: "
            "`journeys build` or mkdocs.yml is not in this checkout yet"
        )
        result["peak_rss_mb"] = run["rss_mb"]

    if has_command("generate") and (project / "mkdocs.yml").is_file():
        docs = project / "floor-docs"
        shutil.rmtree(docs, ignore_errors=True)
        if (project / "docs").is_dir():
            shutil.copytree(project / "docs", docs)
        measured(journeys("generate", str(docs)), project, {"JOURNEYS_CHART_CACHE": ""})
        result.update(explore_bench.measure(docs))
        log(
            f"explore: {result['explore_download_gz_kb']:.0f} KB gzipped, filter median "
            f"{result.get('explore_filter_ms_median')} ms, max {result.get('explore_filter_ms_max')} ms"
        )
        config = floor_config(project, docs, site_nav(project, docs))
        floor = measured(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--strict",
                "-q",
                "-f",
                str(config),
                "-d",
                str(project / "site-floor"),
            ],
            project,
        )
        result["mkdocs_floor_s"] = floor["s"]
        result["floor_rss_mb"] = floor["rss_mb"]
        log(f"mkdocs floor: {floor['s']:.1f} s, {floor['rss_mb']:.0f} MB")
    else:
        notes.append("mkdocs_floor_s: `journeys generate` or mkdocs.yml is not in this checkout yet")

    if has_module("charts.draw") and has_module("charts.metrics_view"):
        charts, total = sample_charts(project, chart_sample)
        result["charts"] = total
        if charts:
            naive, ours = time_charts(charts)
            result["naive_chart_ms"], result["chart_ms"] = naive, ours
            result["chart_sample"] = len(charts)
            log(f"charts ({len(charts)}): naive {naive:.1f} ms, ours {ours:.1f} ms a chart")
    else:
        notes.append(
            "naive_chart_ms, chart_ms: the chart pipeline (generator/charts/draw.py) is not in this checkout yet"
        )

    floor = result.get("mkdocs_floor_s")
    if floor:
        for key in ("cold_build_s", "warm_build_s"):
            if result.get(key) is not None:
                result[key.replace("_s", "_over_floor")] = result[key] / floor
    if result.get("naive_chart_ms") and result.get("chart_ms"):
        result["chart_speedup"] = result["naive_chart_ms"] / result["chart_ms"]
    result["per_journey_ms"] = {
        k: result[k] / n * 1000
        for k in ("check_s", "cold_build_s", "warm_build_s", "mkdocs_floor_s")
        if result.get(k) is not None
    }
    result["cpu_count"] = os.cpu_count()
    result["notes"] = notes
    return result


def search_measures(project: Path, site: Path, build_output: str, result: dict, notes: list[str], log) -> None:
    """The search's figures of a built site into `result`: its bundle, the indexing time the build logged and
    the browser measures of bench/search_bench.py (null with a note when they cannot be taken)."""
    if (site / "pagefind").is_dir():
        result["search_index_mb"] = folder_mb(site / "pagefind")
        result["search_index_files"] = sum(1 for p in (site / "pagefind").rglob("*") if p.is_file())
    indexed = re.search(r"search index: (\d+) pages, .* in ([0-9.]+) s", build_output)
    if indexed:
        result["search_build_s"] = float(indexed.group(2))
        result["search_pages"] = int(indexed.group(1))
    else:
        notes.append("search_build_s: the build logged no search index line (search off, or an older checkout)")
    try:
        result.update(search_bench.measure(site, search_bench.queries_for(project)))
    except search_bench.Unavailable as exc:
        notes.append(f"first_query_kb, first_query_gz_kb, first_results_s: {exc}")
        return
    index_mb, build_s = result.get("search_index_mb") or 0, result.get("search_build_s") or 0
    log(
        f"search: index {index_mb:.2f} MB, built in {build_s:.1f} s, first query {result['first_query_kb']:.0f} KB "
        f"({result['first_query_gz_kb']:.0f} KB gzipped), first results {result['first_results_s']:.2f} s "
        f"(median; max {result['first_results_s_max']:.2f} s)"
    )


def search_run(n: int, work: Path, *, seed: int = 1, log=print) -> dict:
    """Only the search's measures: synthetic portfolio, one cold `journeys build`, then the index and Chromium."""
    project = work / f"portfolio-{n}"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    counts = synth.write(n, project, seed)
    result: dict = {k: None for k in KEYS}
    notes = ["--search-only: one cold build, no check, warm build, floor or chart timing"]
    result.update(journeys=counts["journeys"], steps=counts["steps"], load_before=os.getloadavg())
    log(f"synth: {counts['journeys']} journeys, {counts['steps']} steps")
    build = measured(journeys("build"), project, {"JOURNEYS_CHART_CACHE": "", "JOURNEYS_CHART_WORKERS": ""})
    result.update(cold_build_s=build["s"], peak_rss_mb=build["rss_mb"], load_after_build=os.getloadavg())
    log(f"cold build: {build['s']:.1f} s, {build['rss_mb']:.0f} MB")
    search_measures(project, project / "site", build["output"], result, notes, log)
    result["load_after"] = os.getloadavg()
    result["cpu_count"] = os.cpu_count()
    result["notes"] = notes
    return result


def explore_run(n: int, work: Path, *, seed: int = 1) -> dict:
    """Only the explore page's measures: synthetic portfolio, its explore files, size and filter times."""
    project = work / f"portfolio-{n}"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    counts = synth.write(n, project, seed)
    result: dict = {k: None for k in KEYS}
    result.update(journeys=counts["journeys"], steps=counts["steps"], notes=["--explore-only: no builds"])
    result.update(explore_bench.explore_only(project, project / "explore-files"))
    return result


def table(result: dict) -> str:
    rows = [("journeys", result["journeys"], ""), ("steps", result["steps"], ""), ("charts", result["charts"], "")]
    for key, unit in (
        ("check_s", "s"),
        ("cold_build_s", "s"),
        ("warm_build_s", "s"),
        ("mkdocs_floor_s", "s"),
        ("naive_chart_ms", "ms"),
        ("chart_ms", "ms"),
        ("peak_rss_mb", "MB"),
        ("site_mb", "MB"),
        ("avg_page_kb", "KB"),
        ("largest_page_kb", "KB"),
        ("search_index_mb", "MB"),
        ("search_build_s", "s"),
        ("first_query_kb", "KB"),
        ("first_query_gz_kb", "KB"),
        ("first_results_s", "s"),
        ("explore_download_gz_kb", "KB"),
        ("explore_filter_ms_median", "ms"),
        ("explore_filter_ms_max", "ms"),
    ):
        rows.append((key, result.get(key), unit))
    for key in ("warm_build_over_floor", "cold_build_over_floor", "chart_speedup"):
        if result.get(key) is not None:
            rows.append((key, result[key], "x"))
    lines = [f"{'measure':<24} {'value':>12}"]
    for key, value, unit in rows:
        shown = (
            "null"
            if value is None
            else f"{value:,.2f} {unit}".strip()
            if isinstance(value, float)
            else f"{value:,} {unit}".strip()
        )
        lines.append(f"{key:<24} {shown:>12}")
    for note in result.get("notes", []):
        lines.append(f"note: {note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark Journeys on a synthetic portfolio.")
    parser.add_argument("--journeys", type=int, required=True, help="how many journeys")
    parser.add_argument("--json", type=Path, required=True, help="where to write the results")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--work", type=Path, default=None, help="the work folder (default: a temporary folder, removed afterwards)"
    )
    parser.add_argument("--charts", type=int, default=60, help="how many charts to time both ways (default 60)")
    parser.add_argument(
        "--explore-only",
        action="store_true",
        help="measure only the explore page (download size, filter time): no builds, no charts",
    )
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="measure only the search: one cold build, the index, the first query's bytes and time in Chromium",
    )
    args = parser.parse_args(argv)
    if args.journeys < 1:
        parser.error("--journeys must be at least 1")
    if args.explore_only and args.search_only:
        parser.error("--explore-only and --search-only measure different things: choose one")
    work = args.work or Path(tempfile.mkdtemp(prefix="journeys-bench-"))
    try:
        if args.explore_only:
            result = explore_run(args.journeys, work.resolve(), seed=args.seed)
        elif args.search_only:
            result = search_run(args.journeys, work.resolve(), seed=args.seed, log=lambda s: print(s, file=sys.stderr))
        else:
            result = bench(
                args.journeys,
                work.resolve(),
                seed=args.seed,
                chart_sample=args.charts,
                log=lambda s: print(s, file=sys.stderr),
            )
    except Failed as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
