"""The site search index: Pagefind run over a built site, writing its bundle into `<site>/pagefind/`.

Pagefind comes from the `pagefind[extended]` Python package, whose wheel ships the binary: nothing is
downloaded at build time and no npm is needed. The binary is found as the package finds it (its
`PAGEFIND_BINARY_PATH` variable first) and run as a subprocess over the whole built site: it reads the
`data-pagefind-*` markup of `search_markup` and the `lang` of each page (stemming by language). A failure
(missing binary, non-zero exit, no page indexed, timeout) raises `SearchIndexError` with what to do, never
a traceback; the caller stops the build, so a site is never published with a missing or partial index.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BUNDLE = "pagefind"
TIMEOUT_S = 900
# Pagefind's own search interfaces, written into every bundle: the site's dialog uses the search API
# (pagefind.js) only, so these ~420 KB are removed rather than published unused
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says why and what to do."""


@dataclass(frozen=True)
class IndexStats:
    pages: int
    seconds: float
    bytes: int
    files: int

    def summary(self) -> str:
        return (
            f"search index: {self.pages} pages, {self.files} files, {self.bytes / 1e6:.2f} MB in {self.seconds:.1f} s"
        )


def executable() -> Path:
    """The Pagefind binary of the installed `pagefind` package (or $PAGEFIND_BINARY_PATH)."""
    try:
        from pagefind.service import get_executable
    except ImportError as exc:
        raise SearchIndexError(
            "the `pagefind` package is not installed: pip install 'pagefind[extended]' "
            "(or set `search: false` for the journeys plugin)"
        ) from exc
    found = get_executable()
    if found is None or not Path(found).is_file():
        raise SearchIndexError(
            f"the Pagefind binary was not found ({found or 'none'}): reinstall it with "
            f"pip install 'pagefind[extended]', or set `search: false` for the journeys plugin"
        )
    return Path(found)


def build_index(
    site: Path, *, timeout: float = TIMEOUT_S, on_start: Callable[[subprocess.Popen], None] | None = None
) -> IndexStats:
    """Index the built site in `site`, replacing `site/pagefind/`. Raises SearchIndexError on any failure.
    `on_start` is given the running Pagefind process (the live preview stops it when a new build starts)."""
    binary = executable()
    bundle = site / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            [str(binary), "--site", str(site), "--output-subdir", BUNDLE],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            env={**os.environ, "NO_COLOR": "1"},
        )
    except OSError as exc:
        raise SearchIndexError(f"cannot run Pagefind ({binary}): {exc}") from exc
    if on_start is not None:
        on_start(process)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        process.kill()
        process.communicate()
        raise SearchIndexError(f"Pagefind did not finish indexing within {timeout:.0f} s") from exc
    run = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    if run.returncode < 0:  # stopped by the caller (the live preview's next build)
        raise SearchIndexError(f"Pagefind was stopped (signal {-run.returncode})")
    seconds = time.monotonic() - started
    output = (run.stdout + run.stderr).strip()
    if run.returncode != 0:
        tail = "\n".join(output.splitlines()[-15:])
        raise SearchIndexError(f"Pagefind failed (exit {run.returncode}) indexing {site}:\n{tail}")
    pages = re.search(r"Indexed (\d+) pages?", output)
    count = int(pages.group(1)) if pages else 0
    if count == 0 or not (bundle / "pagefind.js").is_file():
        tail = "\n".join(output.splitlines()[-15:])
        raise SearchIndexError(f"Pagefind indexed no page of {site} (no generated page was found):\n{tail}")
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    files = [p for p in bundle.rglob("*") if p.is_file()]
    return IndexStats(count, seconds, sum(p.stat().st_size for p in files), len(files))
