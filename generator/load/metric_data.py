"""Metric data: the CSV files in `journeys/data/`, read in one linear pass each, validated against the portfolio.

Two shapes, told apart by the header row (docs/metrics.md):

- aggregated values, `date,metric,journey,step,value,segment` (columns `step` and `segment` optional):
  one value per row, already computed elsewhere;
- raw survey responses, `date,metric,journey,step,score` (column `step` optional): one answer per row,
  from which `metrics.py` computes NPS, CSAT or CES per period.

Every problem is a `Diagnostic` with the file and line (and the column of the offending field), reported
by `journeys check` together with the YAML errors. Raw responses are not kept row by row: each is counted
into a histogram of scores per (metric, journey, step, period), so memory stays small however many rows
there are. Parsing uses the csv module (or, for text without quotes, plain splitting that gives the same
rows) and a dict cache of dates: no pandas, linear time. Rows of a series already accepted are checked and
added in bulk when every one of them is the common case (a known date, a plain number in range); anything
else is checked row by row, so the diagnostics are the same either way (`FAST = False` is the reference
the tests compare with).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import math
import os
import pickle
import re
import sys
from array import array
from collections import Counter
from itertools import groupby, repeat
from operator import itemgetter
from dataclasses import dataclass, field
from pathlib import Path

from generator.common.codes import Code
from generator.common.diagnostics import Diagnostic
from generator.model.entities import MetricKind
from generator.model.portfolio import Portfolio
from generator.common.suggest import did_you_mean, known
from generator.load.yaml_source import read_text

DATA_DIR = "data"
# A year of daily survey answers for a large portfolio is a few MB; beyond this it is a mistake.
CSV_MAX_BYTES = 50_000_000
# The dates metric data may carry: anything outside is a typo or a placeholder, never a measurement.
FIRST_DATE = _dt.date(1900, 1, 1)
LAST_DATE = _dt.date(2100, 12, 31)

AGGREGATED_COLUMNS = ("date", "metric", "journey", "step", "value", "segment")
RAW_COLUMNS = ("date", "metric", "journey", "step", "score")
REQUIRED = {"aggregated": ("date", "metric", "journey", "value"), "raw": ("date", "metric", "journey", "score")}
# The answer scale of each survey kind: the question's lowest and highest score.
SCALES: dict[MetricKind, tuple[int, int]] = {MetricKind.nps: (0, 10), MetricKind.csat: (1, 5), MetricKind.ces: (1, 7)}
# The range an aggregated value of these kinds can take (NPS in points, CSAT in %, CES on its scale).
VALUE_RANGES: dict[MetricKind, tuple[float, float]] = {
    MetricKind.nps: (-100.0, 100.0), MetricKind.csat: (0.0, 100.0), MetricKind.ces: (1.0, 7.0),
    MetricKind.rate: (0.0, 100.0),
}
NON_NEGATIVE = (MetricKind.count, MetricKind.duration)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z")
_INTEGER = re.compile(r"[+-]?\d+\Z")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?\Z")  # the common case: always finite
_INF = float("inf")
_NON_FINITE = re.compile(r"[+-]?(nan|inf|infinity)\Z", re.I)
_PLAIN_NUMBERS = re.compile(r"(?:-?\d+(?:\.\d+)?\n)*-?\d+(?:\.\d+)?")  # _PLAIN_NUMBER, one a line
_NO_DATE = object()
_BULK_MIN = 8  # rows of one series below which checking them one by one costs no more
# False checks every row by the full path, one at a time: the reference the tests compare the fast paths with.
FAST = True


@dataclass(frozen=True, order=True)
class SeriesKey:
    """What one series measures: a metric on a journey, at one step (or the whole journey), for a segment."""

    metric: str
    journey: str
    step: str = ""  # "" for the whole journey
    segment: str = ""  # "" for everyone


@dataclass
class MetricData:
    """Every valid row of every data file, ready for `metrics.build_series`."""

    period: str = "month"
    min_responses: int = 30
    # aggregated values: key -> date -> value (one value a date: a second one is a duplicate row)
    values: dict[SeriesKey, dict[_dt.date, float]] = field(default_factory=dict)
    # survey responses: key -> first day of the period -> count of each score (index = score)
    responses: dict[SeriesKey, dict[_dt.date, list[int]]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    rows: int = 0


def period_start(day: _dt.date, period: str) -> _dt.date:
    """The first day of the month or quarter that `day` falls in."""
    if period == "quarter":
        return _dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return _dt.date(day.year, day.month, 1)


def _display(path: Path, base: Path | None) -> str:
    base = base or Path.cwd()
    try:
        rel = os.path.relpath(path, base)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel.replace(os.sep, "/")


def data_files(root: Path) -> list[Path]:
    """The `*.csv` files of the portfolio's data folder, sub-folders included, in a stable order."""
    folder = Path(root) / DATA_DIR
    if not folder.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        found.extend(Path(dirpath) / name for name in sorted(filenames) if name.endswith(".csv"))
    return found


def _shown(text: str) -> str:
    """Field text for a one-line message: line breaks and tabs written as escapes."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def _field_column(raw_line: str, index: int) -> int:
    """The 1-based column where field `index` starts on a physical line, honouring quotes."""
    col, field_no, quoted = 0, 0, False
    for col, char in enumerate(raw_line):
        if field_no == index:
            return col + 1
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            field_no += 1
    return len(raw_line.rstrip("\r\n")) + 1 if field_no == index else 1


class _FileReader:
    """One CSV file: the header decides the shape; every row is checked and counted in."""

    def __init__(self, portfolio: Portfolio, data: MetricData, display: str, text: str,
                 first_rows: dict[tuple, tuple[str, int]], shared: dict | None = None):
        self.p = portfolio
        self.data = data
        self.file = display
        self.text = text
        self._lines: list[str] | None = None
        self.errors: list[Diagnostic] = []
        self.first_rows = first_rows  # shared across files: duplicates between two files are found too
        # Shared across files too: what is the same for every file, computed once per portfolio (a
        # per-file computation over every journey is quadratic at 1,000 journeys and files).
        shared = shared if shared is not None else {}
        if "step_ids" not in shared:
            # a journey file with schema errors is salvaged for cross-checks: its rows are checked, not kept
            shared["step_ids"] = {jid: {s.id for s in j.steps()}
                                  for jid, j in {**portfolio.salvaged, **portfolio.journeys}.items()}
        self.step_ids = shared["step_ids"]
        # date text -> its date (None if not a date); and only the dates in range, for the fast paths
        self.dates: dict[str, _dt.date | None] = shared.setdefault("dates", {})
        self.good_dates: dict[str, _dt.date] = shared.setdefault("good_dates", {})
        self.shape = ""
        self.columns: dict[str, int] = {}
        # per series: [its values by date (None until accepted), where each date was first written]
        self.series: dict[tuple, list] = shared.setdefault("aggregated", {})
        # per survey series once accepted: its counts by period; and each date's period
        self.surveys: dict[tuple, dict] = shared.setdefault("raw", {})
        self.periods: dict[_dt.date, _dt.date] = shared.setdefault("periods", {})

    @property
    def lines(self) -> list[str]:
        """The file's lines, split as the csv reader does (\n, \r, \r\n only) so line numbers and
        columns agree; only needed to place an error, so split on first use."""
        if self._lines is None:
            self._lines = io.StringIO(self.text, newline="").readlines()
        return self._lines

    # ------------------------------------------------------------------ reporting
    def error(self, line: int, col: int, message: str, code: Code, hint: str = "",
              severity: str = "error") -> None:
        self.errors.append(Diagnostic(self.file, line, col, severity, message, code, "", hint))  # type: ignore[arg-type]

    def at_field(self, line: int, index: int, message: str, code: Code, hint: str = "",
                 severity: str = "error") -> None:
        raw = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        self.error(line, _field_column(raw, index), message, code, hint, severity)

    # ------------------------------------------------------------------ reading
    def read(self) -> None:
        if not self.text.strip():
            self.error(1, 1, "the file is empty", Code.EMPTY,
                       hint="add a header row (`date,metric,journey,step,value` or `date,metric,journey,step,score`) "
                            "and data, or delete the file")
            return
        rows, lines, failure = _split_rows(self.text)
        if not rows:
            if failure:
                self.csv_error(*failure)
            return
        shape, columns = self.header(rows[0], lines[0])
        if not shape:
            return  # nothing after a bad header is read, not even a CSV syntax error further down
        self.shape, self.columns = shape, columns
        width = len(rows[0])
        if len(set(map(len, rows))) == 1:  # the common case: no ragged row
            self.run(rows[1:], lines[1:])
            rows_read = len(rows) - 1
        else:
            rows_read = self.runs(rows, lines, width)
        if failure:
            self.csv_error(*failure)
            return
        if rows_read == 0 and not self.errors:
            self.error(1, 1, "the file has a header but no rows", Code.EMPTY, hint="add data rows, or delete the file")
        self.data.rows += rows_read

    def runs(self, rows: list[list[str]], lines, width: int) -> int:
        """The rows after the header: runs of the right width checked together, each ragged row reported in
        its place; the count of rows of the right width."""
        count = 0
        start = 1
        for index in range(1, len(rows) + 1):
            if index < len(rows) and len(rows[index]) == width:
                continue
            if index > start:
                self.run(rows[start:index], lines[start:index])
                count += index - start
            if index < len(rows):
                self.ragged(rows[index], width, lines[index], rows[0])
            start = index + 1
        return count

    def csv_error(self, line: int, message: str) -> None:
        if "unexpected end of data" in message or "EOF" in message:
            self.error(line, 1, "a quoted field is not closed before the end of the file", Code.CSV_SYNTAX,
                       hint='close the quote; a quote inside a quoted field is written twice: ""')
        else:
            self.error(line, 1, f"the row cannot be read as CSV: {message}", Code.CSV_SYNTAX,
                       hint='quote fields that hold commas or quotes, e.g. "a, b"')

    def series_ids(self, row: list[str]) -> tuple:
        """The ids of a row as written (not stripped): the key of its series once accepted."""
        c = self.columns
        si, gi = c.get("step", -1), c.get("segment", -1)
        ids = (row[c["metric"]], row[c["journey"]], row[si] if si >= 0 else "")
        return ids + (row[gi] if gi >= 0 else "",) if self.shape == "aggregated" else ids

    def run(self, rows: list[list[str]], lines) -> None:
        """Rows of the right width, in file order: grouped by series; the first row of a group takes the full
        checks, and once its series is accepted the rest of the group is checked and added in bulk, or row by
        row when anything in it is not the common case. Same diagnostics and data as one row at a time."""
        c = self.columns
        key = itemgetter(*[c[name] for name in ("metric", "journey", "step", "segment") if name in c])
        at = 0
        for _, group in groupby(rows, key):
            block = list(group)
            size = len(block)
            block_lines = lines[at:at + size]
            at += size
            if size < _BULK_MIN or not FAST:
                self.each(block, block_lines)
                continue
            self.each(block[:1], block_lines[:1])
            if not self.bulk(block[1:], block_lines[1:]):
                self.each(block[1:], block_lines[1:])

    def bulk(self, rows: list[list[str]], lines) -> bool:
        """Add rows of one series, accepted already, in one go; False (nothing done) unless every row is a
        known, in-range date with a plain number (or score) in range and, for values, no duplicate date."""
        c = self.columns
        ids = self.series_ids(rows[0])
        days = self.known_days(list(map(itemgetter(c["date"]), rows)))
        if days is None:
            return False
        if self.shape == "aggregated":
            entry = self.series.get(ids)
            if entry is None or entry[0] is None:
                return False
            texts = list(map(itemgetter(c["value"]), rows))
            joined = "\n".join(texts)
            if joined.count("\n") != len(texts) - 1 or not _PLAIN_NUMBERS.fullmatch(joined):
                return False
            values = list(map(float, texts))
            low, high = _limits(self.p.metrics[ids[0]].kind)
            where = entry[1]
            if not (low <= min(values) and max(values) <= high) or len(set(days)) != len(days) \
                    or not where.keys().isdisjoint(days):
                return False
            where.update(zip(days, zip(repeat(self.file), lines)))
            entry[0].update(zip(days, values))
            return True
        periods = self.surveys.get(ids)
        scale = SCALES.get(self.p.metrics[ids[0]].kind) if ids[0] in self.p.metrics else None
        if periods is None or scale is None:
            return False
        texts = list(map(itemgetter(c["score"]), rows))
        joined = "".join(texts)
        if not (all(texts) and joined.isdigit() and joined.isascii()):
            return False
        scores = list(map(int, texts))
        if not (scale[0] <= min(scores) and max(scores) <= scale[1]):
            return False
        starts = self.periods
        for day in set(days).difference(starts):
            starts[day] = period_start(day, self.data.period)
        for (period, score), n in Counter(zip(map(starts.__getitem__, days), scores)).items():
            counts = periods.get(period)
            if counts is None:
                counts = periods[period] = [0] * (scale[1] + 1)
            counts[score] += n
        return True

    def known_days(self, texts: list[str]) -> list[_dt.date] | None:
        """The dates of these fields when every one is a real date in range, else None."""
        good = self.good_dates
        for text in set(texts).difference(good):
            day = self.dates.get(text, _NO_DATE)
            if day is _NO_DATE:
                day = _real_date(text)
                self.dates[text] = day
            if day is None or not FIRST_DATE <= day <= LAST_DATE:
                return None
            good[text] = day
        return list(map(good.__getitem__, texts))

    def each(self, rows: list[list[str]], lines) -> None:
        """Rows of the right width one at a time. Fast path for the common row: same series as the row
        before (already checked and accepted), a date seen before, a plain number in range, no duplicate.
        Anything else takes the full checks."""
        c = self.columns
        di, mi, ji = c["date"], c["metric"], c["journey"]
        si, gi = c.get("step", -1), c.get("segment", -1)
        last: tuple | None = None
        target: list | dict | None = None
        low = high = 0.0
        dates = self.good_dates if FAST else {}
        file = self.file
        if self.shape == "aggregated":
            vi = c["value"]
            plain = _PLAIN_NUMBER.match
            for row, start in zip(rows, lines):
                ids = (row[mi], row[ji], row[si] if si >= 0 else "", row[gi] if gi >= 0 else "")
                if ids == last:
                    day = dates.get(row[di])
                    text = row[vi]
                    if day is not None and plain(text):
                        value = float(text)
                        where = target[1]
                        if low <= value <= high and day not in where:
                            where[day] = (file, start)
                            target[0][day] = value
                            continue
                self.aggregated(row, c, start)
                entry = self.series.get(ids)
                if entry is not None and entry[0] is not None:
                    last, target = ids, entry
                    low, high = _limits(self.p.metrics[ids[0]].kind)
                else:
                    last = None
            return
        vi = c["score"]
        periods = self.periods
        for row, start in zip(rows, lines):
            ids = (row[mi], row[ji], row[si] if si >= 0 else "")
            if ids == last:
                day = dates.get(row[di])
                text = row[vi]
                if day is not None and text.isdigit() and text.isascii():
                    score = int(text)
                    if low <= score <= high:
                        period = periods.get(day)
                        counts = target.get(period) if period is not None else None
                        if counts is not None:
                            counts[score] += 1
                            continue
            self.raw(row, c, start)
            accepted = self.surveys.get(ids)
            scale = SCALES.get(self.p.metrics[ids[0]].kind) if ids[0] in self.p.metrics else None
            if accepted is not None and scale is not None:
                last, target = ids, accepted
                low, high = scale
            else:
                last = None

    def header(self, row: list[str], line: int) -> tuple[str, dict[str, int]]:
        names = [name.strip().lower() for name in row]
        if "value" in names and "score" in names:
            self.at_field(line, names.index("score"), "the header has both `value` and `score` columns",
                          Code.CSV_HEADER, hint="aggregated values and survey responses go in separate files")
            return "", {}
        shape = "aggregated" if "value" in names else "raw" if "score" in names else ""
        allowed = AGGREGATED_COLUMNS if shape == "aggregated" else RAW_COLUMNS if shape else AGGREGATED_COLUMNS + RAW_COLUMNS
        ok = bool(shape)
        seen: dict[str, int] = {}
        for index, name in enumerate(names):
            if name in seen:
                self.at_field(line, index, f"the column '{name}' appears twice in the header", Code.CSV_HEADER,
                              hint="keep one of them")
                ok = False
            elif name not in allowed:
                hint = did_you_mean(name, allowed) or "the columns are " + ", ".join(allowed)
                self.at_field(line, index, f"unknown column '{_shown(row[index].strip())}'", Code.CSV_HEADER, hint=hint)
                ok = False
            seen.setdefault(name, index)
        if not shape:
            self.error(line, 1, "the header has neither a `value` nor a `score` column", Code.CSV_HEADER,
                       hint="start the file with `date,metric,journey,step,value` (aggregated values) "
                            "or `date,metric,journey,step,score` (survey responses)")
            return "", {}
        for name in REQUIRED[shape]:
            if name not in seen:
                self.error(line, 1, f"the header lacks the column '{name}'", Code.CSV_HEADER,
                           hint="the columns are " + ", ".join(allowed))
                ok = False
        return (shape, seen) if ok else ("", {})

    def ragged(self, row: list[str], width: int, line: int, header: list[str]) -> None:
        got = len(row)
        hint = ("a decimal comma? write numbers with a point (12.5), or quote fields that hold commas"
                if got > width else "every row needs a field for each column of the header; leave a field empty with ,,")
        index = min(width, got) if got > width else 0
        self.at_field(line, index, f"expected {width} fields as in the header, got {got}", Code.CSV_ROW, hint=hint)

    # ------------------------------------------------------------------ fields
    def date(self, text: str, line: int, index: int) -> _dt.date | None:
        day = self.dates.get(text, _NO_DATE)
        if day is _NO_DATE:
            day = self.dates[text] = _real_date(text)
        if day is not None and FIRST_DATE <= day <= LAST_DATE:
            self.good_dates[text] = day
            return day
        if day is not None:
            # a typo (0205 for 2025) or a placeholder (9999-12-31): charts would span centuries
            self.at_field(line, index, f"the date {text} is out of range", Code.BAD_DATE,
                          hint=f"metric data dates run from {FIRST_DATE} to {LAST_DATE}; check the year")
            return None
        if _DATE.match(text):
            self.at_field(line, index, f"'{_shown(text)}' is not a real date", Code.BAD_DATE,
                          hint="check the month (01-12) and the day of the month")
        else:
            self.at_field(line, index, f"expected a date as YYYY-MM-DD, got '{_shown(text)}'" if text
                          else "expected a date as YYYY-MM-DD, got nothing", Code.BAD_DATE,
                          hint="write dates as YYYY-MM-DD, e.g. 2025-03-01")
        return None

    def ids(self, row: list[str], columns: dict[str, int], line: int) -> tuple[str, str, str] | None:
        """The metric, journey and step of a row, each checked against the portfolio."""
        metric, journey = row[columns["metric"]].strip(), row[columns["journey"]].strip()
        step = row[columns["step"]].strip() if "step" in columns else ""
        ok = True
        if metric not in self.p.metrics:
            if ("metrics", metric) not in self.p.broken and "catalogue" not in self.p.unreadable:
                hint = did_you_mean(metric, self.p.metrics) or known(self.p.metrics)
                self.at_field(line, columns["metric"], f"unknown metric '{_shown(metric)}'", Code.UNKNOWN_REFERENCE,
                              hint=f"{hint}; or define it in a catalogue file under `metrics:`")
            ok = False
        if journey not in self.step_ids:
            if ("journeys", journey) not in self.p.broken and "journeys" not in self.p.unreadable:
                hint = did_you_mean(journey, self.p.journeys) or known(self.p.journeys)
                self.at_field(line, columns["journey"], f"unknown journey '{_shown(journey)}'", Code.UNKNOWN_REFERENCE,
                              hint=f"{hint}; journey ids are the file names in maps/")
            return None
        if step and step not in self.step_ids[journey]:
            hint = did_you_mean(step, self.step_ids[journey]) or known(self.step_ids[journey])
            self.at_field(line, columns["step"], f"unknown step '{_shown(step)}' in journey '{_shown(journey)}'",
                          Code.UNKNOWN_REFERENCE, hint=f"{hint}; leave the step empty for the whole journey")
            ok = False
        return (metric, journey, step) if ok and journey in self.p.journeys else None

    def listed(self, metric: str, journey: str, step: str, line: int, index: int) -> None:
        """Data for a metric the journey (or step) does not list is not shown: say so once per series."""
        key = ("listed", metric, journey, step)
        if key in self.first_rows:
            return
        self.first_rows[key] = (self.file, line)
        j = self.p.journeys[journey]
        file = self.p.journey_files.get(journey, journey)
        if step:
            if metric in next(s for s in j.steps() if s.id == step).metrics:
                return
            fix = f"add '{_shown(metric)}' to the `metrics:` of step '{_shown(step)}' in {file}"
            what = f"step '{_shown(step)}' of journey '{_shown(journey)}'"
        else:
            if metric in j.metrics:
                return
            fix = f"add '{_shown(metric)}' to the journey's `metrics:` in {file}"
            what = f"journey '{_shown(journey)}'"
        self.at_field(line, index, f"metric '{_shown(metric)}' is not listed for {what}, so its data is not shown",
                      Code.UNLISTED_METRIC, hint=fix, severity="warning")

    # ------------------------------------------------------------------ rows
    def aggregated(self, row: list[str], columns: dict[str, int], line: int) -> None:
        index = columns["value"]
        day = self.date(row[columns["date"]].strip(), line, columns["date"])
        ids = self.ids(row, columns, line)
        text = row[index].strip()
        value: float | None = None
        if _NUMBER.match(text):
            value = float(text)
            if not math.isfinite(value):
                self.at_field(line, index, f"expected a finite number, got '{_shown(text)}'", Code.BAD_NUMBER,
                              hint="leave out rows without a value")
                value = None
        elif _NON_FINITE.match(text):
            self.at_field(line, index, f"expected a finite number, got '{_shown(text)}'", Code.BAD_NUMBER,
                          hint="leave out rows without a value; NaN and infinity are not data")
        else:
            self.at_field(line, index, f"expected a number, got '{_shown(text)}'" if text else "expected a number, got nothing",
                          Code.BAD_NUMBER,
                          hint="write numbers with a point and no unit or thousands separator, e.g. 1234.5")
        if ids is None or day is None or value is None:
            return
        metric, journey, step = ids
        definition = self.p.metrics[metric]
        kind = definition.kind
        low_high = VALUE_RANGES.get(kind)
        if low_high and not low_high[0] <= value <= low_high[1]:
            self.at_field(line, index, f"a {kind.value} value must be from {low_high[0]:g} to {low_high[1]:g}, "
                                       f"got {value:g}", Code.OUT_OF_RANGE,
                          hint=_range_hint(kind))
            return
        if kind in NON_NEGATIVE and value < 0:
            self.at_field(line, index, f"a {kind.value} cannot be negative, got {value:g}", Code.OUT_OF_RANGE)
            return
        segment = row[columns["segment"]].strip() if "segment" in columns else ""
        entry = self.series.get((metric, journey, step, segment))
        if entry is None:
            entry = self.series[(metric, journey, step, segment)] = [None, {}]
        where = entry[1]
        first = where.get(day)
        if first is not None:
            what = f"{day.isoformat()}, {metric}, {journey}" + (f", {step}" if step else "") + (f", {segment}" if segment else "")
            at = f"line {first[1]}" if first[0] == self.file else f"{first[0]}:{first[1]}"
            self.error(line, 1, f"duplicate row: {_shown(what)} (first written at {at})", Code.DUPLICATE_ROW,
                       hint="keep one row per date, metric, journey, step and segment")
            return
        where[day] = (self.file, line)
        values = entry[0]
        if values is None:
            # once per series: a series accepted here can no longer get survey responses (those are refused
            # as mixed), so these checks need not run for its other rows
            key = SeriesKey(metric, journey, step, segment)
            if self.mixed(key, line, "aggregated values", "survey responses", ("raw", metric, journey, step)):
                return
            self.first_rows.setdefault(("value", metric, journey, step), (self.file, line))
            self.listed(metric, journey, step, line, columns["metric"])
            values = entry[0] = self.data.values.setdefault(key, {})
        values[day] = value

    def raw(self, row: list[str], columns: dict[str, int], line: int) -> None:
        index = columns["score"]
        day = self.date(row[columns["date"]].strip(), line, columns["date"])
        ids = self.ids(row, columns, line)
        text = row[index].strip()
        score: int | None = None
        if _INTEGER.match(text):
            score = int(text)
        elif _NON_FINITE.match(text):
            self.at_field(line, index, f"expected a whole-number score, got '{_shown(text)}'", Code.BAD_NUMBER,
                          hint="leave out responses without a score; NaN and infinity are not scores")
        elif _NUMBER.match(text):
            self.at_field(line, index, f"expected a whole-number score, got '{_shown(text)}'", Code.BAD_NUMBER,
                          hint="survey scores are whole numbers, e.g. 9")
        else:
            self.at_field(line, index, f"expected a whole-number score, got '{_shown(text)}'" if text
                          else "expected a whole-number score, got nothing", Code.BAD_NUMBER,
                          hint="survey scores are whole numbers, e.g. 9; leave out unanswered responses")
        if ids is None:
            return
        metric, journey, step = ids
        kind = self.p.metrics[metric].kind
        scale = SCALES.get(kind)
        if scale is None:
            self.at_field(line, columns["metric"],
                          f"survey responses need an nps, csat or ces metric; '{_shown(metric)}' is a {kind.value} metric",
                          Code.WRONG_KIND, hint="put its values in an aggregated file (a `value` column)")
            return
        if score is None or day is None:
            return
        if not scale[0] <= score <= scale[1]:
            self.at_field(line, index, f"a {kind.value} score must be from {scale[0]} to {scale[1]}, got {score}",
                          Code.OUT_OF_RANGE, hint=_scale_hint(kind))
            return
        periods = self.surveys.get((metric, journey, step))
        if periods is None:
            # once per series (see `aggregated`): accepted survey series stay accepted
            key = SeriesKey(metric, journey, step)
            if self.mixed(key, line, "survey responses", "aggregated values", ("value", metric, journey, step)):
                return
            self.first_rows.setdefault(("raw", metric, journey, step), (self.file, line))
            self.listed(metric, journey, step, line, columns["metric"])
            periods = self.surveys[(metric, journey, step)] = self.data.responses.setdefault(key, {})
        period = self.periods.get(day)
        if period is None:
            period = self.periods[day] = period_start(day, self.data.period)
        counts = periods.get(period)
        if counts is None:
            counts = periods[period] = [0] * (scale[1] + 1)
        counts[score] += 1

    def mixed(self, key: SeriesKey, line: int, this: str, other: str, other_key: tuple) -> bool:
        first = self.first_rows.get(other_key)
        if first is None:
            return False
        where = f"line {first[1]}" if first[0] == self.file else f"{first[0]}:{first[1]}"
        step = f", step '{key.step}'" if key.step else ""
        flag = ("mixed",) + other_key[1:]
        if flag in self.first_rows:
            return True  # said once per series is enough
        self.first_rows[flag] = (self.file, line)
        self.error(line, 1, f"{this} for metric '{key.metric}', journey '{key.journey}'{step}, which already has "
                            f"{other} (first at {where})", Code.MIXED_DATA,
                   hint="give a series either survey responses or aggregated values, not both")
        return True


def _real_date(text: str) -> _dt.date | None:
    """The date `text` writes as YYYY-MM-DD, or None."""
    if _DATE.match(text):
        try:
            return _dt.date.fromisoformat(text)
        except ValueError:
            return None
    return None


def _split_rows(text: str) -> tuple[list[list[str]], list[int] | range, tuple[int, str] | None]:
    """The rows of a CSV text that are not blank, the line each starts on, and the line and message of a CSV
    syntax error that stopped the reading (rows before it are kept).

    Text with no quote, no NUL and only \n or \r\n line breaks is split on commas and line breaks directly
    (several times faster than the csv module, same rows); anything else goes through the csv module.
    """
    if '"' not in text and "\0" not in text and ("\r" not in text or text.count("\r") == text.count("\r\n")):
        physical = (text.replace("\r\n", "\n") if "\r" in text else text).split("\n")
        if physical[-1] == "":
            physical.pop()
        if max(map(len, physical), default=0) <= csv.field_size_limit():  # else the csv module's error
            rows = list(map(str.split, physical, repeat(",")))
            if min(map(len, rows), default=2) > 1:
                return rows, range(1, len(rows) + 1), None
            kept = [i for i, row in enumerate(rows) if len(row) > 1 or row[0].strip()]
            return [rows[i] for i in kept], [i + 1 for i in kept], None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, lines = [], []
    previous_end = 0
    try:
        for row in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if row and (len(row) > 1 or row[0].strip()):  # blank lines are harmless
                rows.append(row)
                lines.append(start)
    except csv.Error as exc:
        return rows, lines, (previous_end + 1, str(exc))
    return rows, lines, None


def _limits(kind: MetricKind) -> tuple[float, float]:
    """The values an aggregated row of this kind may take without an error."""
    if kind in VALUE_RANGES:
        return VALUE_RANGES[kind]
    return (0.0, _INF) if kind in NON_NEGATIVE else (-_INF, _INF)


def _range_hint(kind: MetricKind) -> str:
    return {
        MetricKind.nps: "NPS is % promoters minus % detractors, from -100 to 100",
        MetricKind.csat: "CSAT is the % of satisfied answers, from 0 to 100",
        MetricKind.ces: "CES is the mean effort score on the 1 to 7 scale",
        MetricKind.rate: "write rates as percentages, from 0 to 100",
    }.get(kind, "")


def _scale_hint(kind: MetricKind) -> str:
    return {
        MetricKind.nps: "NPS asks 'how likely are you to recommend us', 0 (not at all) to 10 (extremely)",
        MetricKind.csat: "CSAT answers run from 1 (very unsatisfied) to 5 (very satisfied)",
        MetricKind.ces: "CES answers run from 1 (very easy) to 7 (very difficult)",
    }.get(kind, "")


class _Reading:
    """Files read in order into one `MetricData`, with what they share (rows first written, accepted series,
    the date cache, the step ids of every journey)."""

    def __init__(self, portfolio: Portfolio, base: Path | None, max_bytes: int):
        self.p, self.base, self.max_bytes = portfolio, base, max_bytes
        self.data = MetricData(period=portfolio.organisation.period, min_responses=portfolio.organisation.min_responses)
        self.errors: list[Diagnostic] = []
        self.first_rows: dict[tuple, tuple[str, int]] = {}
        self.shared: dict = {}
        self.root = Path(portfolio.root)
        _FileReader(portfolio, self.data, "", "", self.first_rows, self.shared)  # the step ids, computed once

    def read(self, paths: list[Path]) -> None:
        for path in paths:
            display = _display(path, self.base)
            try:
                path.resolve().relative_to(self.root.resolve())
            except ValueError:
                self.errors.append(Diagnostic(display, 1, 1, "error",
                                              "the file is a link to a place outside the portfolio folder",
                                              Code.OUTSIDE,
                                              hint="copy the file into the portfolio instead of linking to it"))
                continue
            text, problems = read_text(path, display, self.max_bytes)
            self.errors.extend(problems)
            if text is None:
                continue
            self.data.files.append(display)
            reader = _FileReader(self.p, self.data, display, text, self.first_rows, self.shared)
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
        values = {key: (array("l", map(_dt.date.toordinal, by_day)).tobytes(), array("d", by_day.values()).tobytes())
                  for key, by_day in self.data.values.items()}
        return self.errors, values, self.data.responses, self.data.rows, self.data.files, self.touched()

    def merge(self, result: tuple) -> None:
        """Add a worker's reading of the files after these ones (their series are none of these)."""
        errors, values, responses, rows, files, _ = result
        self.errors.extend(errors)
        day = _dt.date.fromordinal
        for key, (ordinals, numbers) in values.items():
            self.data.values[key] = dict(zip(map(day, array("l", ordinals)), array("d", numbers)))
        self.data.responses.update(responses)
        self.data.rows += rows
        self.data.files.extend(files)


# Below this many files one process reads them all: starting a second one would cost more than it saves.
PARALLEL_MIN_FILES = 64


def _can_fork(files: int) -> bool:
    """A worker process is started by fork, only where that is safe: a single-threaded process (the MkDocs
    server has threads, and forking those can deadlock), on a system with fork."""
    threading = sys.modules.get("threading")
    return (files >= PARALLEL_MIN_FILES and hasattr(os, "fork")
            and (threading is None or threading.active_count() == 1))


def _halfway(paths: list[Path]) -> int:
    """The index that splits the files into two halves of about the same size in bytes."""
    sizes = []
    for path in paths:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)
    total, running = sum(sizes), 0
    for index, size in enumerate(sizes):
        if running * 2 >= total:
            return index
        running += size
    return len(paths)


def _fork(reading: _Reading, paths: list[Path]) -> tuple[int, int] | None:
    """Start a worker that reads `paths` with the state as it is now (nothing read yet); its pid and the
    pipe its result comes through."""
    try:
        r, w = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the worker: never returns, never runs the parent's exit handlers or flushes its buffers
        try:
            os.close(r)
            reading.read(paths)
            payload = pickle.dumps(reading.result(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(w, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(w)
    return pid, r


def _collect(worker: tuple[int, int]) -> tuple | None:
    """The worker's result, or None when it failed (the parent then reads its files itself)."""
    pid, r = worker
    try:
        with os.fdopen(r, "rb") as pipe:
            payload = pipe.read()
    finally:
        os.waitpid(pid, 0)
    try:
        return pickle.loads(payload) if payload else None
    except Exception:  # a worker killed half-way: its result is incomplete
        return None


def load_metric_data(portfolio: Portfolio, *, base: Path | None = None,
                     max_bytes: int = CSV_MAX_BYTES) -> tuple[MetricData, list[Diagnostic]]:
    """Read and check every data file of the portfolio; the data holds every valid row.

    Many files are read by two processes, the first half here and the second half in a forked worker, each
    from the same starting state. When no series of the second half is one the first half touched, reading
    them in one process would have given exactly the worker's result, which is then added after the
    first half's; otherwise (a series split across the halves) this process reads the second half again
    itself. Either way: the same diagnostics in the same order, the same data.
    """
    reading = _Reading(portfolio, base, max_bytes)
    paths = data_files(reading.root)
    split = _halfway(paths) if _can_fork(len(paths)) else len(paths)
    worker = _fork(reading, paths[split:]) if 0 < split < len(paths) else None
    if worker is None:
        split = len(paths)
    reading.read(paths[:split])
    if worker is not None:
        result = _collect(worker)
        if result is not None and not (result[-1] & reading.touched()):
            reading.merge(result)
        else:
            reading.read(paths[split:])
    return reading.data, reading.errors
