"""Metric data: the CSV files in `journeys/data/`, read in one linear pass each, validated against the portfolio.

Two shapes, told apart by the header row (docs/metrics.md):

- aggregated values, `date,metric,journey,step,value,segment` (columns `step` and `segment` optional):
  one value per row, already computed elsewhere;
- raw survey responses, `date,metric,journey,step,score` (column `step` optional): one answer per row,
  from which `metrics.py` computes NPS, CSAT or CES per period.

Every problem is a `Diagnostic` with the file and line (and the column of the offending field), reported
by `journeys check` together with the YAML errors. Raw responses are not kept row by row: each is counted
into a histogram of scores per (metric, journey, step, period), so memory stays small however many rows
there are. No pandas, linear time.

This module composes the parts: `metric_files` finds the files, `metric_csv` reads one (its fast paths over
`metric_rows`' full checks, with the wording of `metric_messages`), into the data model of
`generator/model/metric_data.py`; many files are read by two processes (`generator/common/fork.py`).
"""

from __future__ import annotations

import datetime as _dt
from array import array
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from generator.common import fork
from generator.common.codes import Code
from generator.common.diagnostics import Diagnostic
from generator.common.files import display_path
from generator.load.metric_csv import FileReader
from generator.load.metric_files import data_files, halfway
from generator.load.yaml_source import read_text
from generator.model.metric_data import MetricData
from generator.model.portfolio import Portfolio

# A year of daily survey answers for a large portfolio is a few MB; beyond this it is a mistake.
CSV_MAX_BYTES = 50_000_000


class _Reading:
    """Files read in order into one `MetricData`, with what they share (rows first written, accepted series,
    the date cache, the step ids of every journey)."""

    def __init__(self, portfolio: Portfolio, base: Path | None, max_bytes: int, fast: bool = True):
        self.p, self.base, self.max_bytes, self.fast = portfolio, base, max_bytes, fast
        self.data = MetricData(period=portfolio.organisation.period, min_responses=portfolio.organisation.min_responses)
        self.errors: list[Diagnostic] = []
        self.first_rows: dict[tuple, tuple[str, int]] = {}
        self.shared: dict = {}
        self.root = Path(portfolio.root)
        FileReader(portfolio, self.data, "", "", self.first_rows, self.shared)  # the step ids, computed once

    def read(self, paths: list[Path]) -> None:
        for path in paths:
            display = display_path(path, self.base)
            try:
                path.resolve().relative_to(self.root.resolve())
            except ValueError:
                self.errors.append(
                    Diagnostic(
                        display,
                        1,
                        1,
                        "error",
                        "the file is a link to a place outside the portfolio folder",
                        Code.OUTSIDE,
                        hint="copy the file into the portfolio instead of linking to it",
                    )
                )
                continue
            text, problems = read_text(path, display, self.max_bytes)
            self.errors.extend(problems)
            if text is None:
                continue
            self.data.files.append(display)
            reader = FileReader(self.p, self.data, display, text, self.first_rows, self.shared, fast=self.fast)
            reader.read()
            self.errors.extend(reader.errors)

    def touched(self) -> set[tuple]:
        """Every (metric, journey, step) whose state the files read so far looked at or changed."""
        found = {key[1:4] for key in self.first_rows}
        found.update(key[:3] for key in self.shared.get("aggregated", ()))
        found.update(self.shared.get("raw", ()))
        return found

    def result(self) -> tuple:
        """What the parent needs of a worker's reading, compact: dates as ordinals, values as doubles."""
        values = {
            key: (array("l", map(_dt.date.toordinal, by_day)).tobytes(), array("d", by_day.values()).tobytes())
            for key, by_day in self.data.values.items()
        }
        return self.errors, values, self.data.responses, self.data.rows, self.data.files, self.touched()

    def merge(self, result: tuple) -> None:
        """Add a worker's reading of the files after these ones (their series are none of these)."""
        errors, values, responses, rows, files, _ = result
        self.errors.extend(errors)
        day = _dt.date.fromordinal
        for key, (ordinals, numbers) in values.items():
            self.data.values[key] = dict(zip(map(day, array("l", ordinals)), array("d", numbers), strict=True))
        self.data.responses.update(responses)
        self.data.rows += rows
        self.data.files.extend(files)


# Below this many files one process reads them all: starting a second one would cost more than it saves.
PARALLEL_MIN_FILES = 64


def _two_processes(files: int) -> bool:
    """Whether to read the files in two processes: enough of them, and forking allowed here."""
    return files >= PARALLEL_MIN_FILES and fork.allowed()


def _read_in_worker(reading: _Reading, paths: list[Path]) -> tuple:
    """The worker's part: `paths` read from the state as it was at the fork (nothing read yet)."""
    reading.read(paths)
    return reading.result()


@dataclass
class DataMemo:
    """The last reading of the data files, kept by the live preview between saves (`pipeline.Session`):
    reading them was a quarter of a save's rebuild at 300 journeys, and most saves change no data file.
    It is reused while `reading_key` is the same (the files: path, size, modification time; everything of
    the portfolio the rows are checked against) and each journey's shape is (`still_valid`)."""

    key: tuple | None = None
    shapes: dict[str, tuple] = field(default_factory=dict)  # each journey's, as `reading_key` gives them
    data: MetricData | None = None
    errors: list[Diagnostic] = field(default_factory=list)

    def still_valid(self, key: tuple, shapes: dict[str, tuple]) -> bool:
        """Whether the reading holds for a portfolio with this key and these journeys' shapes: the same, or
        the same journeys as then and more. A reading without errors had every row name a journey of its
        portfolio, and a row is checked against its own journey only: a journey added since is named by no
        row and changes nothing (at 1,000 journeys a new journey's save read 1,100 files again, and every
        metric was then computed again from the new reading)."""
        if self.data is None or self.key != key:
            return False
        if self.shapes == shapes:
            return True
        if any(d.severity == "error" for d in self.errors):  # "unknown journey" hints list every journey
            return False
        return all(shapes.get(jid) == shape for jid, shape in self.shapes.items())


def reading_key(portfolio: Portfolio, base: Path | None, max_bytes: int) -> tuple[tuple, dict[str, tuple]]:
    """What a reading of the data files depends on: the files, and the ids, metrics and names they are
    checked against (the organisation, the metric catalogue); and each journey's shape: its file, listed
    metrics, and steps with theirs."""
    files = []
    for path in data_files(Path(portfolio.root)):
        try:
            stat = path.stat()
        except OSError:
            return (object(),), {}  # unreadable: never equal, read again
        files.append((str(path), stat.st_size, stat.st_mtime_ns))

    def shape(journeys: dict) -> dict[str, tuple]:
        return {
            jid: (
                portfolio.journey_files.get(jid),
                tuple(j.metrics),
                tuple((s.id, tuple(s.metrics)) for s in j.steps()),
            )
            for jid, j in sorted(journeys.items())
        }

    key = (
        tuple(files),
        str(base),
        max_bytes,
        portfolio.organisation,
        tuple(sorted(portfolio.metrics.items())),
        tuple(shape(portfolio.salvaged).items()),
        tuple(sorted(portfolio.broken)),
        tuple(sorted(portfolio.unreadable)),
    )
    return key, shape(portfolio.journeys)


def load_metric_data(
    portfolio: Portfolio,
    *,
    base: Path | None = None,
    max_bytes: int = CSV_MAX_BYTES,
    fast: bool = True,
    memo: DataMemo | None = None,
) -> tuple[MetricData, list[Diagnostic]]:
    """Read and check every data file of the portfolio; the data holds every valid row.

    `fast=False` checks every row by the full path, one at a time: the same result, slower; the reference
    the tests compare the fast paths with.

    Many files are read by two processes, the first half here and the second half in a forked worker, each
    from the same starting state. When no series of the second half is one the first half touched, reading
    them in one process would have given exactly the worker's result, which is then added after the
    first half's; otherwise (a series split across the halves) this process reads the second half again
    itself. Either way: the same diagnostics in the same order, the same data.

    With `memo`, an earlier reading of the same files against the same portfolio, or one with journeys added
    (`DataMemo.still_valid`), is returned as it was.
    """
    if memo is not None:
        key, shapes = reading_key(portfolio, base, max_bytes)
        if memo.still_valid(key, shapes) and memo.data is not None:
            memo.shapes = shapes
            return memo.data, list(memo.errors)
        data, errors = load_metric_data(portfolio, base=base, max_bytes=max_bytes, fast=fast)
        memo.key, memo.shapes, memo.data, memo.errors = key, shapes, data, list(errors)
        return data, errors
    reading = _Reading(portfolio, base, max_bytes, fast)
    paths = data_files(reading.root)
    split = halfway(paths) if _two_processes(len(paths)) else len(paths)
    worker = fork.start(partial(_read_in_worker, reading, paths[split:])) if 0 < split < len(paths) else None
    if worker is None:
        split = len(paths)
    _, result = fork.meanwhile(worker, partial(reading.read, paths[:split]))
    if worker is not None:
        if result is not None and not (result[-1] & reading.touched()):
            reading.merge(result)
        else:
            reading.read(paths[split:])
    return reading.data, reading.errors
