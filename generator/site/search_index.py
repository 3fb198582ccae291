"""The site search index: Pagefind run over a built site, writing its bundle into `<site>/pagefind/`.

Pagefind comes from the `pagefind[extended]` Python package, whose wheel ships the binary: nothing is
downloaded at build time and no npm is needed. The binary is found as the package finds it (its
`PAGEFIND_BINARY_PATH` variable first) and run as a subprocess over the whole built site: it reads the
`data-pagefind-*` markup of `search_markup` and the `lang` of each page (stemming by language). A failure
(missing binary, non-zero exit, no page indexed, timeout) raises `SearchIndexError` with what to do, never
a traceback; the caller stops the build, so a site is never published with a missing or partial index.

After Pagefind: its filter files are put in a fixed order (same site, same bytes), and the search dialog gets
what it needs before any query in one small file (`journeys-search.json`): the long pages and the facets'
values with their counts, see `settle_filters`, `list_long_pages` and `count_facets`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
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


# Not indexed: the permalink signs (¶) MkDocs puts after each heading, which Pagefind would otherwise add to
# every page title it shows and to the heading's last word; the charts' data tables (the numbers under each
# chart, a third of a journey page's text, repeating its steps' and touchpoints' names: the chart's title is
# indexed, and the metrics table and the steps' sections hold the words); and, on the catalogue pages that list every
# insight, opportunity and solution, the links to other pages (the journeys and steps each entry is used
# at, the entries of the other catalogues): a journey's or a step's name finds the journey, not the
# catalogues, and these pages' fragments (fetched whole, with a sub-result per entry computed in the browser)
# stay a third to a half of their size.
EXCLUDED = ", ".join(
    [".headerlink", ".jm-chart-data"]
    + [f'[data-pagefind-meta="kind:{kind}"] a[href^="../"]' for kind in ("insight", "opportunity", "solution")]
)


# A page whose indexed text is longer than this (a journey page of the synthetic benchmark has ~13,000
# characters, the insights library at 1,000 journeys 460,000) is a long page: the search dialog shows it as a
# plain result, its matches on demand, rather than fetching its fragment (150 KB) and having Pagefind compute
# one excerpt per matching entry (seconds). Listed in DIALOG's "long": fragment id -> url, title, kind.
LONG_CHARS = 80_000
# What the search dialog reads when it opens: {"long": the long pages, "facets": filter -> value -> pages}.
# The facets' values and counts are what Pagefind's `filters()` returns, without its filter files (the pages of
# every value: 26 KB at 1,000 journeys), which Pagefind then loads only for a facet the reader chooses.
DIALOG = "journeys-search.json"


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
            [str(binary), "--site", str(site), "--output-subdir", BUNDLE, "--exclude-selectors", EXCLUDED],
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
    try:
        settle_filters(bundle)
        write_dialog_data(bundle)
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise SearchIndexError(f"cannot finish the search index in {bundle}: {exc}") from exc
    files = [p for p in bundle.rglob("*") if p.is_file()]
    return IndexStats(count, seconds, sum(p.stat().st_size for p in files), len(files))


# ------------------------------------------------------------------ the filter files, in a fixed order
# Pagefind 1.5.2 writes each filter's values (and the list of filters in its metadata) in the order of a hash
# map, which changes from run to run: the same site gives other filter files, hence another metadata file
# and entry. `settle_filters` sorts them and names the files by their content, so that the same site gives
# the same bytes. The files are Pagefind's: gzip of b"pagefind_dcd" + CBOR (arrays, text, unsigned ints, as
# Pagefind writes them; `_cbor_dump(_cbor_load(x)) == x` for its files, which the tests check).

MAGIC = b"pagefind_dcd"


def _cbor_head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | extra]) + n.to_bytes(size, "big")
    raise ValueError(f"CBOR length too large: {n}")


def _cbor_dump(value: object) -> bytes:
    """The subset of CBOR in Pagefind's metadata and filter files: unsigned ints, text, arrays."""
    if isinstance(value, bool) or not isinstance(value, int | str | list):
        raise ValueError(f"unexpected value in a Pagefind file: {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"unexpected negative number in a Pagefind file: {value}")
        return _cbor_head(0, value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _cbor_head(3, len(data)) + data
    return _cbor_head(4, len(value)) + b"".join(_cbor_dump(v) for v in value)


def _cbor_load(data: bytes) -> object:
    def item(i: int) -> tuple[object, int]:
        major, extra = data[i] >> 5, data[i] & 31
        i += 1
        if extra < 24:
            n = extra
        elif extra <= 27:
            size = 1 << (extra - 24)
            n, i = int.from_bytes(data[i : i + size], "big"), i + size
        else:
            raise ValueError(f"unexpected CBOR item {data[i - 1]:#x} at byte {i - 1}")
        if major == 0:
            return n, i
        if major == 3:
            return data[i : i + n].decode("utf-8"), i + n
        if major == 4:
            out = []
            for _ in range(n):
                v, i = item(i)
                out.append(v)
            return out, i
        raise ValueError(f"unexpected CBOR major type {major} at byte {i}")

    value, end = item(0)
    if end != len(data):
        raise ValueError(f"{len(data) - end} bytes after the CBOR value")
    return value


def _read(path: Path) -> object:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(MAGIC):
        raise ValueError(f"{path.name} is not a Pagefind file")
    return _cbor_load(raw[len(MAGIC) :])


def _pack(value: object) -> tuple[bytes, str]:
    """The file's bytes (gzip without a date) and a hash of its content for its name."""
    raw = MAGIC + _cbor_dump(value)
    return gzip.compress(raw, compresslevel=9, mtime=0), hashlib.sha256(raw).hexdigest()


def settle_filters(bundle: Path) -> None:
    """Sort the filter values of every filter file, the filter list of every language's metadata, and name
    the rewritten files by their content, updating `pagefind-entry.json` (see the comment above)."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    # the old files go once the entry names the new ones: under `mkdocs serve` a reader may be searching
    replaced: list[Path] = []
    written: set[Path] = set()
    for language in entry["languages"].values():
        meta_path = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = _read(meta_path)
        if not isinstance(meta, list) or len(meta) < 4 or not isinstance(meta[3], list):
            raise ValueError(f"{meta_path.name} is not laid out as Pagefind 1.5 writes it")
        filters = meta[3]
        renamed = []
        for name, chunk in filters:
            path = bundle / "filter" / f"{chunk}.pf_filter"
            content = _read(path)
            if not isinstance(content, list) or len(content) != 2 or content[0] != name:
                raise ValueError(f"{path.name} does not hold the filter {name!r}")
            content[1] = sorted(content[1], key=lambda value: value[0])
            data, digest = _pack(content)
            prefix = chunk.split("_", 1)[0] + "_"
            new = prefix + digest[: len(chunk) - len(prefix)]
            (bundle / "filter" / f"{new}.pf_filter").write_bytes(data)
            written.add(bundle / "filter" / f"{new}.pf_filter")
            renamed.append([name, new])
            replaced.append(path)
        meta[3] = sorted(renamed)
        data, digest = _pack(meta)
        prefix = language["hash"].split("_", 1)[0] + "_"
        language["hash"] = prefix + digest[: len(language["hash"]) - len(prefix)]
        (bundle / f"pagefind.{language['hash']}.pf_meta").write_bytes(data)
        written.add(bundle / f"pagefind.{language['hash']}.pf_meta")
        replaced.append(meta_path)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    for path in set(replaced) - written:
        path.unlink(missing_ok=True)


def write_dialog_data(bundle: Path) -> dict[str, dict]:
    """Write `DIALOG` into the bundle: the long pages and the facets' counts (see DIALOG's comment)."""
    data: dict[str, dict] = {"long": list_long_pages(bundle), "facets": count_facets(bundle)}
    (bundle / DIALOG).write_text(
        json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8"
    )
    return data


def count_facets(bundle: Path) -> dict[str, dict[str, int]]:
    """Each filter of the index -> each of its values -> how many pages have it, read from Pagefind's filter
    files (as `settle_filters` left them) as Pagefind's `filters()` counts them: the pages listed for the value.
    Pages in several languages are counted together, as Pagefind merges its languages' filters."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    counts: dict[str, dict[str, int]] = {}
    for language in entry["languages"].values():
        meta = _read(bundle / f"pagefind.{language['hash']}.pf_meta")
        if not isinstance(meta, list) or len(meta) < 4 or not isinstance(meta[3], list):
            raise ValueError(f"pagefind.{language['hash']}.pf_meta is not laid out as Pagefind 1.5 writes it")
        for name, chunk in meta[3]:
            content = _read(bundle / "filter" / f"{chunk}.pf_filter")
            if not isinstance(content, list) or len(content) != 2 or content[0] != name:
                raise ValueError(f"{chunk}.pf_filter does not hold the filter {name!r}")
            values = counts.setdefault(name, {})
            for value, pages in content[1]:
                values[value] = values.get(value, 0) + len(pages)
    return counts


def list_long_pages(bundle: Path) -> dict[str, dict[str, str]]:
    """The pages whose indexed text is longer than LONG_CHARS, by the id Pagefind gives their results (the
    fragment's name), with the url, title and kind the dialog shows."""
    long: dict[str, dict[str, str]] = {}
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes())
        fragment = json.loads(raw[len(MAGIC) :] if raw.startswith(MAGIC) else raw)
        if len(fragment.get("content", "")) > LONG_CHARS:
            meta = fragment.get("meta") or {}
            long[path.stem] = {
                "url": fragment["url"],
                "title": meta.get("title") or fragment["url"],
                "kind": meta.get("kind", ""),
            }
    return long
