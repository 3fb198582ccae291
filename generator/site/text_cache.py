"""User Markdown converted before: kept between builds, so a build after a small edit converts only new text.

Converting every text field with Python-Markdown was half of rendering the pages (about 5 s at 1,000
journeys). `filters.py` keeps Python-Markdown's output by text; this module loads it from, and saves it to,
`converted.json` in the chart cache folder (the one folder a project keeps between CI runs).

Only the conversion is cached, never the finished HTML: sanitising (nh3) and re-encoding run on every
build, so an entry planted in a restored cache can change at most which sanitised text a page shows, and
cannot put active content on the site. The file is JSON, stamped with the Markdown version; a stale or
damaged file is ignored. Each save keeps only the entries used in that run.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import markdown

from generator.site import filters
from generator.charts.cache import write_atomic

FILE_NAME = "converted.json"
VERSION = f"journeys-converted-1/markdown-{markdown.__version__}"


def load(folder: Path) -> int:
    """Preload the conversions saved in `folder`; how many there are (0: none, stale or damaged)."""
    try:
        stored = json.loads((Path(folder) / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    if not isinstance(stored, dict) or stored.get("version") != VERSION or not isinstance(stored.get("texts"), dict):
        return 0
    texts = {k: v for k, v in stored["texts"].items() if isinstance(k, str) and isinstance(v, str)}
    filters._CONVERTED.update(texts)
    filters._USED.clear()  # `mkdocs serve` rebuilds in one process: save what the next build uses
    return len(texts)


def save(folder: Path) -> None:
    """Write the conversions this process used (atomically); the cache is an optimisation, never a failure."""
    data = {"version": VERSION, "texts": dict(sorted(filters._USED.items()))}
    try:
        write_atomic(Path(folder) / FILE_NAME, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
    except OSError:
        pass


@contextmanager
def kept(folder: Path) -> Iterator[None]:
    """Render the pages inside: conversions are loaded from `folder` before and saved after."""
    load(folder)
    yield
    save(folder)
