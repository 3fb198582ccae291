"""The chart cache: render only the charts whose content-hashed file is missing, in parallel.

A chart's file name is a hash of its data, the drawing style and the matplotlib version (`Chart.filename`),
so a file in the cache is the right picture for every chart with that name, on any machine. The cache
folder survives between builds and CI runs (`--chart-cache`, the plugin's `chart_cache` option, or
$JOURNEYS_CHART_CACHE; default `.cache/journeys/charts`).

- Writes are atomic (a temporary file in the same folder, then `os.replace`), so an interrupted build
  never leaves half a file under a real name, and two builds can share the folder.
- Each file ends with a comment holding the SHA-256 of the bytes before it; a truncated or damaged entry
  fails that check and is drawn again.
- Missing charts are drawn in a pool of worker processes (`ProcessPoolExecutor`, spawn context: the
  workers import `charts.render` afresh, nothing is inherited from the parent), or in this process when
  there are only a few (starting workers costs more than drawing a handful).
- `start` returns while the pool draws (`Drawing.wait()` joins it), so a build can render its pages on one
  core while charts are drawn on the others; `ensure` is both at once. Workers run at a lower priority.
- `RenderStats` counts what was drawn and what came from the cache (and the log says it).
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from generator.charts.draw import render
from generator.charts.specs import Chart, ChartData
from generator.common.files import write_atomic

DEFAULT_CACHE = Path(".cache") / "journeys" / "charts"
ENV_CACHE = "JOURNEYS_CHART_CACHE"
ENV_WORKERS = "JOURNEYS_CHART_WORKERS"
IN_PROCESS_BELOW = 6  # fewer missing charts than this are drawn without a pool
CHUNK = 32  # most charts a worker is sent at once
_CHECKSUM_PREFIX = b"<!-- journeys-sha256:"
_CHECKSUM_SUFFIX = b" -->\n"

log = logging.getLogger("journeys.charts")


def cache_dir(option: str | os.PathLike | None = None, *, base: Path | None = None) -> Path:
    """The cache folder: the option when given, else $JOURNEYS_CHART_CACHE, else `.cache/journeys/charts`."""
    chosen = option or os.environ.get(ENV_CACHE) or DEFAULT_CACHE
    path = Path(chosen).expanduser()
    return path if path.is_absolute() or base is None else base / path


@dataclass
class RenderStats:
    rendered: list[str] = field(default_factory=list)  # file names drawn in this run
    cached: list[str] = field(default_factory=list)  # file names found valid in the cache
    repaired: list[str] = field(default_factory=list)  # damaged entries drawn again (also in `rendered`)

    def summary(self) -> str:
        fixed = f", {len(self.repaired)} damaged entries redrawn" if self.repaired else ""
        return f"charts: {len(self.rendered)} rendered, {len(self.cached)} from the cache{fixed}"


def seal(svg: bytes) -> bytes:
    """The SVG followed by a comment with its checksum (a comment after the root element is valid XML)."""
    return svg + b"\n" + _CHECKSUM_PREFIX + hashlib.sha256(svg).hexdigest().encode() + _CHECKSUM_SUFFIX


def verify(content: bytes) -> bool:
    """True when the content is a whole SVG whose checksum matches."""
    if not content.endswith(_CHECKSUM_SUFFIX):
        return False
    head, sep, tail = content.rpartition(b"\n" + _CHECKSUM_PREFIX)
    if not sep:
        return False
    digest = tail[: -len(_CHECKSUM_SUFFIX)]
    return head.rstrip().endswith(b"</svg>") and hashlib.sha256(head).hexdigest().encode() == digest


def _valid_file(path: Path) -> bool:
    try:
        return verify(path.read_bytes())
    except OSError:
        return False


STALE_AFTER = 3600  # seconds: a temporary file this old is garbage whatever wrote it (another machine's cache)


def sweep(cache: Path) -> int:
    """Remove temporary files left by writers that were killed (SIGKILL, power loss): their process is
    gone, or the file is older than STALE_AFTER. A live writer's file is never touched."""
    removed = 0
    try:
        names = [p for p in Path(cache).iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
    except OSError:
        return 0
    now = time.time()
    for tmp in names:
        parts = tmp.name.split(".")
        pid = int(parts[-3]) if len(parts) >= 4 and parts[-3].isdigit() else None
        try:
            stale = now - tmp.stat().st_mtime > STALE_AFTER or (pid is not None and not _alive(pid))
            if stale:
                tmp.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _render_to(job: tuple[ChartData, str]) -> str:
    """Worker: draw one chart into its cache file. Top-level so a spawned process can import it."""
    data, target = job
    write_atomic(Path(target), seal(render(data)))
    return target


def _workers(requested: int | None) -> int:
    if requested:
        return max(1, requested)
    env = os.environ.get(ENV_WORKERS, "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(4, os.cpu_count() or 1))


def _lower_priority() -> None:
    """Worker start-up: yield the CPU to the build itself (MkDocs renders pages while charts are drawn), so
    the pages are done first and the workers, which can use every core, finish last."""
    try:
        os.nice(5)
    except OSError:
        pass


class Drawing:
    """Charts being drawn, possibly in the background (`start`): `wait()` for them and get the counts."""

    def __init__(
        self,
        stats: RenderStats,
        todo: list[tuple[ChartData, str]],
        pool: ProcessPoolExecutor | None = None,
        results=None,
    ):
        self.stats, self._todo, self._pool, self._results = stats, todo, pool, results

    def wait(self) -> RenderStats:
        """Block until every chart is in the cache; log and return the counts."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            try:
                list(self._results)
            except (BrokenProcessPool, OSError) as exc:
                # e.g. a parent whose __main__ cannot be re-imported (code piped to python): finish here
                log.warning("chart workers failed (%s); drawing the rest in this process", exc)
                for job in self._todo:
                    if not _valid_file(Path(job[1])):
                        _render_to(job)
            except BaseException:
                # interrupted: no new chart is started, so the workers stop with the build
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            pool.shutdown(wait=True)
        log.info(self.stats.summary())
        return self.stats

    def cancel(self) -> None:
        """Stop drawing (the build failed): charts not started are dropped, the cache stays valid."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True, cancel_futures=True)


def start(
    charts: Iterable[Chart],
    cache: Path,
    *,
    workers: int | None = None,
    in_process_below: int = IN_PROCESS_BELOW,
    known: set[str] | None = None,
) -> Drawing:
    """Start drawing every chart that has no valid file in `cache`, and return at once.

    A few missing charts are drawn here and now; more go to a pool of worker processes that runs while
    the caller goes on (the MkDocs plugin renders the pages meanwhile): call `wait()` before reading them.
    `known` (the live preview): names of files found valid by an earlier call, not read again (at 1,000
    journeys reading and checking 5,000 files was a tenth of a save); the valid files found are added.
    """
    cache = Path(cache)
    stats = RenderStats()
    if not known:  # the live preview sweeps once a session: listing thousands of files is not free
        sweep(cache)
    jobs: dict[str, tuple[ChartData, str]] = {}
    seen: set[str] = set()  # `stats.cached` as a set: asking a list was quadratic (0.15 s at 6,000 charts)
    for chart in charts:
        name = chart.filename
        if name in jobs or name in seen:
            continue
        seen.add(name)
        if known is not None and name in known:
            stats.cached.append(name)
            continue
        path = cache / name
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            content = None
        except OSError:
            content = b""
        if content is not None and verify(content):
            stats.cached.append(name)
            if known is not None:
                known.add(name)
            continue
        if content is not None:
            stats.repaired.append(name)
        jobs[name] = (chart.data, str(path))
    todo = [jobs[name] for name in sorted(jobs)]
    stats.rendered = sorted(jobs)
    if todo:
        cache.mkdir(parents=True, exist_ok=True)
    count = _workers(workers)
    if len(todo) < in_process_below or count == 1:
        for job in todo:
            _render_to(job)
        return Drawing(stats, todo)
    context = multiprocessing.get_context("spawn")
    try:
        pool = ProcessPoolExecutor(max_workers=min(count, len(todo)), mp_context=context, initializer=_lower_priority)
        # chunks of a few dozen charts (a chart is 5-10 ms): the round trip to a worker is paid once a chunk,
        # and the last chunks are short, so no worker is left drawing alone at the end while a core idles
        # (jobs are sorted by name, so by kind: a chunk of an eighth of the charts was 7 s of one kind)
        results = pool.map(_render_to, todo, chunksize=max(1, min(CHUNK, len(todo) // (count * 4))))
    except (BrokenProcessPool, OSError) as exc:
        log.warning("chart workers failed (%s); drawing the charts in this process", exc)
        for job in todo:
            _render_to(job)
        return Drawing(stats, todo)
    return Drawing(stats, todo, pool, results)


def ensure(
    charts: Iterable[Chart], cache: Path, *, workers: int | None = None, in_process_below: int = IN_PROCESS_BELOW
) -> RenderStats:
    """Make sure every chart has a valid file in `cache`; draw only what is missing or damaged."""
    return start(charts, cache, workers=workers, in_process_below=in_process_below).wait()


def warm(chart: Chart) -> None:
    """Draw `chart` and throw it away: matplotlib's import and its fonts (0.3 s, and more on a busy machine)
    are paid then, not by the live preview's first save that draws a chart in its own process (a step rename
    redraws the journey's emotion curve)."""
    render(chart.data)


def read_chart(cache: Path, chart: Chart) -> bytes:
    """The chart's SVG as published: the cached file without its checksum line.

    Checked again here: an entry damaged after `ensure` (another process, a full disk) is drawn again,
    never published.
    """
    path = Path(cache) / chart.filename
    try:
        content = path.read_bytes()
    except OSError:
        content = b""
    if not verify(content):
        log.warning("chart cache: %s is damaged; drawing it again", chart.filename)
        content = seal(render(chart.data))
        write_atomic(path, content)
    head, _, _ = content.rpartition(b"\n" + _CHECKSUM_PREFIX)
    return head
