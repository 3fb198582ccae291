"""The live preview as a user feels it, and the cost of MkDocs rendering our words with no structure.

`python bench/preview_bench.py --journeys N --json OUT` writes a synthetic project (bench/synth.py) and:

- starts the preview (`journeys serve`'s MkDocs side, `python -m generator.mkdocs_plugin.serve`) on a free
  port; `first_preview_s` is the time until a journey page is served (the first build: every chart drawn);
- `edit_to_preview_s`: for each kind of edit, several times: the file is written, then the journey's page
  is fetched over HTTP every 50 ms until it shows the new text; the time from writing to that response.
  Kinds: `step_text` (a step's `does:`), `step_rename` (a step's name), `new_journey` (a copy of a journey
  under a new id and title: its page is polled until it is served). Medians per kind (`edit_to_preview_s`
  is the median of the step text and rename edits, as the issue's target). The preview counts a polled page
  as one a browser looks at (it writes those first), as it would the page a user has open;
- `new_journey_settled_s`: from writing the new journey until its department's page lists it, a page nobody
  looks at, written by the catch-up that follows the save: the whole site is up to date;
- `preview_peak_rss_mb`: the preview process's peak resident memory (VmHWM) after all the edits;
- with `--edits N`: N more step text edits in a row, `many_edits_median_s` and the process's memory after the
  first and the last of them (`rss_mb_after_first_of_many`, `rss_mb_after_many`: growth per edit);
- with `--builds`: `cold_build_s` (`journeys build`, no cache) and `warm_build_s` (again, after a step
  rename), each followed by the text floor, `--build-rounds` times side by side (3 by default: one cold build
  said 1.33x the floor or 1.60x depending on the run); each figure is the median of the rounds, the ratios
  (`cold_build_over_text_floor`...) the median of each round's ratio, and the rounds are kept
  (`build_rounds`);
- `text_floor_s`: a plain `mkdocs build` (same theme, no plugin) of as many pages as `journeys generate`
  writes, each holding that page's visible words as plain Markdown paragraphs: what MkDocs costs to render
  our words with no structure, against which the preview and the builds can be read.

Wall clock on a shared machine: the load average before and after is recorded with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import synth  # noqa: E402

ROUNDS = 3
BUILD_ROUNDS = 3
POLL_S = 0.05


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=600) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def _until(url: str, text: str, started: float, limit: float = 900.0) -> float | None:
    """Seconds from `started` until `url` serves a page containing `text` (None: not within `limit`)."""
    while time.monotonic() - started < limit:
        body = _fetch(url)
        if body is not None and text in body:
            return time.monotonic() - started
        time.sleep(POLL_S)
    return None


def _mount(project: Path) -> str:
    import yaml

    from generator.options import _LenientLoader

    config = yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_LenientLoader)
    path = urllib.parse.urlsplit(config.get("site_url") or "/").path or "/"
    return path if path.endswith("/") else path + "/"


def _journeys(project: Path) -> list[Path]:
    return sorted((project / "journeys" / "maps").glob("*.yaml"))


def _peak_rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else None


def _rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else None


def edit_to_preview(project: Path, *, rounds: int = ROUNDS, edits: int = 0, poll: bool = False, log=print) -> dict:
    """Start the preview on `project`, edit it, and time each edit until the served page shows it; then
    `edits` more step text edits in a row, for the preview's memory after many saves. `poll`: the preview
    looks for saves every 0.1 s (`journeys serve --poll`) instead of being told of them."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}{_mount(project)}"
    out = (project / "preview.log").open("w")
    started = time.monotonic()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator.mkdocs_plugin.serve",  # what `journeys serve` runs, with the same arguments (its RSS is this one's)
            "-f",
            "mkdocs.yml",
            "-a",
            f"127.0.0.1:{port}",
            *(["--poll"] if poll else []),
        ],
        cwd=project,
        env=_env(),
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    result: dict = {}
    try:
        files = _journeys(project)
        target = files[len(files) // 2]
        jid = target.stem
        page = f"{base}journeys/{jid}/"
        first = _until(page, "<html", started)
        result["first_preview_s"] = first
        log(f"preview: first build served after {first:.1f} s" if first else "preview: never served")
        if first is None:
            return result
        times: dict[str, list[float]] = {"step_text": [], "step_rename": [], "new_journey": []}
        settled: list[float] = []
        for n in range(rounds):
            text = target.read_text(encoding="utf-8")
            # a step's `does:` (step text): the first one in the file
            marker = f"Checks the preview {n} quickly"
            edited = re.sub(r"(\n\s+does: ).*", lambda m, s=marker: m.group(1) + s + ".", text, count=1)
            time.sleep(1.0)
            t0 = time.monotonic()
            target.write_text(edited, encoding="utf-8")
            times["step_text"].append(_until(page, marker, t0) or float("nan"))
            # a step's name (step rename): the first step's
            name = f"Renamed step {n}"
            text = target.read_text(encoding="utf-8")
            edited = re.sub(r"(\n\s+- id: [^\n]+\n\s+name: ).*", lambda m, s=name: m.group(1) + s, text, count=1)
            time.sleep(1.0)
            t0 = time.monotonic()
            target.write_text(edited, encoding="utf-8")
            times["step_rename"].append(_until(page, name, t0) or float("nan"))
            # a new journey: a copy of another under a new id and title
            source = files[(len(files) // 3 + n) % len(files)]
            title = f"Preview copy {n}"
            copy = re.sub(r"^title: .*", f"title: {title}", source.read_text(encoding="utf-8"), count=1, flags=re.M)
            new = source.with_name(f"preview-copy-{n}.yaml")
            time.sleep(1.0)
            t0 = time.monotonic()
            new.write_text(copy, encoding="utf-8")
            times["new_journey"].append(_until(f"{base}journeys/{new.stem}/", title, t0) or float("nan"))
            # and the rest of the site with it: its department's page lists the journeys it owns (a page the
            # browser does not look at, so written by the catch-up after the save: `journeys serve`)
            owner = re.search(r"^owner:\n(?:  .*\n)*?  department: (\S+)", copy, re.M)
            if owner:
                settled.append(_until(f"{base}departments/{owner.group(1)}/", title, t0) or float("nan"))
            log(
                f"preview round {n + 1}: step text {times['step_text'][-1]:.2f} s, rename "
                f"{times['step_rename'][-1]:.2f} s, new journey {times['new_journey'][-1]:.2f} s"
                + (f" (whole site {settled[-1]:.2f} s)" if settled else "")
            )
        for kind, values in times.items():
            result[f"edit_to_preview_{kind}_s"] = round(statistics.median(values), 2)
        if settled:
            result["new_journey_settled_s"] = round(statistics.median(settled), 2)
        result["edit_to_preview_s"] = round(statistics.median(times["step_text"] + times["step_rename"]), 2)
        result["preview_edits"] = sum(len(v) for v in times.values())
        result["preview_peak_rss_mb"] = _peak_rss_mb(server.pid)
        if edits:
            many: list[float] = []
            rss: list[float | None] = []
            for n in range(edits):
                marker = f"Saved again {n} times"
                text = target.read_text(encoding="utf-8")
                edited = re.sub(r"(\n\s+does: ).*", lambda m, s=marker: m.group(1) + s + ".", text, count=1)
                time.sleep(0.3)
                t0 = time.monotonic()
                target.write_text(edited, encoding="utf-8")
                many.append(_until(page, marker, t0) or float("nan"))
                rss.append(_rss_mb(server.pid))
            result["many_edits"] = edits
            result["many_edits_median_s"] = round(statistics.median(many), 2)
            result["many_edits_max_s"] = round(max(many), 2)
            result["rss_mb_after_first_of_many"] = rss[0]
            result["rss_mb_after_many"] = rss[-1]
            result["preview_peak_rss_mb"] = _peak_rss_mb(server.pid)
            log(
                f"{edits} more edits: median {result['many_edits_median_s']} s; memory {rss[0]:.0f} MB after the first, "
                f"{rss[-1]:.0f} MB after the last, peak {result['preview_peak_rss_mb']:.0f} MB"
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        out.close()
    return result


# ------------------------------------------------------------------ the text floor

_TAGS = re.compile(r"<[^>]+>")
_MARKUP = re.compile(r"[#*_`|>\[\]{}()!]|:[a-z-]+:|\bhttps?://\S+")


def visible_words(markdown: str) -> str:
    """The words of a generated page without its structure: tags, Markdown marks and attributes removed."""
    text = re.sub(r"^---\n.*?\n---\n", "", markdown, flags=re.S)  # front matter
    text = re.sub(r"\{[:#.][^}]*\}", " ", text)  # attribute lists
    text = _TAGS.sub(" ", text)
    text = _MARKUP.sub(" ", text)
    return " ".join(text.split())


def text_pages(generated: Path, docs: Path, words_per_paragraph: int = 80) -> int:
    """Write each generated page's visible words into `docs` as plain paragraphs, same paths; how many."""
    count = 0
    for page in sorted(generated.rglob("*.md")):
        words = visible_words(page.read_text(encoding="utf-8")).split()
        title = " ".join(words[:6]) or page.stem
        paragraphs = [" ".join(words[i : i + words_per_paragraph]) for i in range(0, len(words), words_per_paragraph)]
        target = docs / page.relative_to(generated)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
        count += 1
    return count


def text_floor(project: Path, *, log=print) -> dict:
    """`journeys generate`, then a plain MkDocs build of the same pages' words as paragraphs (timed)."""
    return time_text_floor(project, *text_floor_project(project), log=log)


def text_floor_project(project: Path) -> tuple[Path, int]:
    """`journeys generate`, each page's words as paragraphs, and their MkDocs configuration: its path and
    how many pages."""
    import yaml

    from generator.options import _LenientLoader

    generated = project / "generated-pages"
    shutil.rmtree(generated, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "generator", "generate", str(generated)], cwd=project, env=_env(), check=True)
    docs = project / "text-docs"
    shutil.rmtree(docs, ignore_errors=True)
    pages = text_pages(generated, docs)
    config = yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_LenientLoader)
    config["docs_dir"] = str(docs)
    config["plugins"] = []  # no plugin: MkDocs and the theme only
    config.pop("nav", None)
    config.pop("extra_javascript", None)
    config["markdown_extensions"] = []
    config["validation"] = {"omitted_files": "warn", "unrecognized_links": "warn", "anchors": "warn"}
    theme = config.get("theme") or {}
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str((project / theme["custom_dir"]).resolve())
    path = project / "mkdocs-text.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path, pages


def time_text_floor(project: Path, path: Path, pages: int, *, log=print) -> dict:
    """The plain MkDocs build of `text_floor_project`'s configuration at `path` (timed)."""
    t0 = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(path), "-d", str(project / "site-text")],
        cwd=project,
        env=_env(),
        check=True,
    )
    seconds = time.monotonic() - t0
    log(f"text floor: {pages} pages of plain paragraphs built in {seconds:.1f} s")
    return {"text_floor_s": round(seconds, 2), "text_floor_pages": pages}


def builds(project: Path, *, log=print) -> dict:
    """`journeys build` with no cache (`cold_build_s`: charts drawn, every file parsed), then again after a
    step rename (`warm_build_s`), for the ratios to the text floor."""
    shutil.rmtree(project / ".cache", ignore_errors=True)
    command = [sys.executable, "-m", "generator", "build"]
    t0 = time.monotonic()
    subprocess.run(command, cwd=project, env=_env(), check=True, capture_output=True)
    cold = time.monotonic() - t0
    target = _journeys(project)[0]
    text = target.read_text(encoding="utf-8")
    target.write_text(re.sub(r"(\n\s+- id: [^\n]+\n\s+name: ).*", r"\1Renamed for the warm build", text, count=1))
    t0 = time.monotonic()
    subprocess.run(command, cwd=project, env=_env(), check=True, capture_output=True)
    warm = time.monotonic() - t0
    target.write_text(text, encoding="utf-8")
    log(f"builds: cold {cold:.1f} s, warm {warm:.1f} s")
    return {"cold_build_s": round(cold, 2), "warm_build_s": round(warm, 2)}


def builds_beside_the_floor(project: Path, rounds: int, *, log=print) -> dict:
    """`rounds` times: a cold and a warm build, then the text floor; the medians, and each round. (The text
    floor's pages are written once: the builds leave the portfolio as it was.)"""
    floor: tuple[Path, int] | None = None
    each = []
    for _ in range(rounds):
        one = builds(project, log=log)
        floor = floor or text_floor_project(project)  # (after a build: `journeys generate` finds the charts drawn)
        one |= time_text_floor(project, *floor, log=log)
        for key in ("cold_build_s", "warm_build_s"):
            one[key.replace("_s", "_over_text_floor")] = round(one[key] / one["text_floor_s"], 2)
        one["load"] = round(os.getloadavg()[0], 2)
        each.append(one)
    result = {key: round(statistics.median(one[key] for one in each), 2) for key in each[0] if key != "load"}
    result["text_floor_pages"] = each[-1]["text_floor_pages"]
    result["build_rounds"] = each
    return result


def measure(
    n: int,
    work: Path,
    *,
    seed: int = 1,
    rounds: int = ROUNDS,
    edits: int = 0,
    with_builds: bool = False,
    build_rounds: int = BUILD_ROUNDS,
    poll: bool = False,
    log=print,
) -> dict:
    project = work / f"preview-{n}"
    shutil.rmtree(project, ignore_errors=True)
    synth.write(n, project, seed=seed)
    result: dict = {"journeys": n, "load_before": os.getloadavg()[0]}
    if with_builds:
        result.update(builds_beside_the_floor(project, build_rounds, log=log))
    else:
        result.update(text_floor(project, log=log))
    result.update(edit_to_preview(project, rounds=rounds, edits=edits, poll=poll, log=log))
    result["load_after"] = os.getloadavg()[0]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, required=True)
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a temporary one)")
    parser.add_argument("--edits", type=int, default=0, help="step text edits in a row after the rounds (memory)")
    parser.add_argument("--builds", action="store_true", help="also time a cold and a warm `journeys build`")
    parser.add_argument(
        "--build-rounds", type=int, default=BUILD_ROUNDS, help="with --builds: how many times, for the medians"
    )
    parser.add_argument("--poll", action="store_true", help="the preview polls for saves (`journeys serve --poll`)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="journeys-preview-"))
    result = measure(
        args.journeys,
        work,
        rounds=args.rounds,
        edits=args.edits,
        with_builds=args.builds,
        build_rounds=args.build_rounds,
        poll=args.poll,
    )
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
