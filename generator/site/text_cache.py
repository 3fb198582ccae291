"""User Markdown converted before: kept between builds, so a build after a small edit converts only new text.

Converting every text field with Python-Markdown was half of rendering the pages (about 5 s at 1,000
journeys). A `TextCache` holds Python-Markdown's output by text for one build: what the previous build
saved (`stored`, from `converted.json` in the chart cache folder, the one folder a project keeps between
CI runs) and what this build converted or reused (`used`, what `save` writes). The caller owns it and
passes it to `render_site(..., texts=...)`; the filters of `filters.py` read and fill it.

Only the conversion is cached, never the finished HTML: sanitising (nh3) and re-encoding run on every
build, so an entry planted in a restored cache can change at most which sanitised text a page shows, and
cannot put active content on the site. The file is JSON, stamped with the Markdown version; a stale or
damaged file is ignored. Each save keeps only the entries used in that build.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import markdown

from generator.common.files import write_atomic

FILE_NAME = "converted.json"
VERSION = f"journeys-converted-1/markdown-{markdown.__version__}"


class TextCache:
    """Python-Markdown's conversions by "b" (block) or "i" (inline) + text, for one build; kept in `folder`
    (None: in memory only, nothing loaded or saved)."""

    def __init__(self, folder: Path | str | None = None) -> None:
        self.folder = Path(folder) if folder is not None else None
        self.stored: dict[str, str] = {}  # loaded from the previous build
        self.used: dict[str, str] = {}  # converted or reused by this build
        # the live preview: given, `save` hands it the writing, to be done once the page is served
        self.defer: Callable[[Path, Callable[[], None]], None] | None = None

    def load(self) -> int:
        """Read the conversions saved in the folder; how many there are (0: none, stale or damaged)."""
        if self.folder is None:
            return 0
        try:
            stored = json.loads((self.folder / FILE_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0
        if (
            not isinstance(stored, dict)
            or stored.get("version") != VERSION
            or not isinstance(stored.get("texts"), dict)
        ):
            return 0
        self.stored = {k: v for k, v in stored["texts"].items() if isinstance(k, str) and isinstance(v, str)}
        return len(self.stored)

    def save(self) -> None:
        """Write the conversions this build used (atomically); the cache is an optimisation, never a failure."""
        if self.folder is None:
            return
        folder, used = self.folder, self.used

        def write() -> None:
            data = {"version": VERSION, "texts": dict(sorted(used.items()))}
            try:
                write_atomic(folder / FILE_NAME, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
            except OSError:
                pass

        if self.defer is not None:
            self.defer(folder / FILE_NAME, write)
        else:
            write()


@contextmanager
def in_session(texts: TextCache) -> Iterator[TextCache]:
    """The live preview's text cache (kept by `pipeline.Session`): its file is read at the first build only;
    each build starts from the conversions the last one used, and the file is written only when they
    changed (at 300 journeys reading it again took 0.16 s of a one-second save)."""
    if not texts.stored and not texts.used:
        texts.load()
    else:
        texts.stored = texts.used
    texts.used = {}
    before = texts.stored
    yield texts
    if texts.used != before:
        texts.save()


@contextmanager
def kept(folder: Path | str) -> Iterator[TextCache]:
    """A text cache loaded from `folder`, saved there when the block ends without an error:
    `with kept(folder) as texts: site = render_site(..., texts=texts)`."""
    texts = TextCache(folder)
    texts.load()
    yield texts
    texts.save()
