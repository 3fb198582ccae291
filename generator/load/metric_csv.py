"""Reading one metric data CSV file: its text split into rows, the header deciding the shape, and the rows
checked and counted in, by fast paths where they give the same result as the full checks.

Text without quotes is split on commas directly (several times faster than the csv module, same rows).
Rows of a series already accepted are added in bulk when every one of them is the common case (a known
date, a plain number in range); anything else is checked row by row by `metric_rows.RowChecks`, so the
diagnostics are the same either way (`fast=False` checks every row by the full path: the reference the
tests compare the fast paths with).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from collections import Counter
from itertools import groupby, repeat
from operator import itemgetter
from typing import Any

from generator.common.codes import Code
from generator.load.metric_messages import csv_syntax
from generator.load.metric_rows import _NO_DATE, RowChecks, real_date
from generator.model.metric_data import FIRST_DATE, LAST_DATE, SCALES, MetricData, period_start, value_limits
from generator.model.portfolio import Portfolio

_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?\Z")  # the common case: always finite
_PLAIN_NUMBERS = re.compile(r"(?:-?\d+(?:\.\d+)?\n)*-?\d+(?:\.\d+)?")  # _PLAIN_NUMBER, one a line
_BULK_MIN = 8  # rows of one series below which checking them one by one costs no more


class FileReader(RowChecks):
    """One CSV file: the header decides the shape; every row is checked and counted in."""

    def __init__(
        self,
        portfolio: Portfolio,
        data: MetricData,
        display: str,
        text: str,
        first_rows: dict[tuple, tuple[str, int]],
        shared: dict | None = None,
        *,
        fast: bool = True,
    ):
        super().__init__(portfolio, data, display, text, first_rows, shared)
        self.fast = fast

    def read(self) -> None:
        if not self.text.strip():
            self.error(
                1,
                1,
                "the file is empty",
                Code.EMPTY,
                hint="add a header row (`date,metric,journey,step,value` or `date,metric,journey,step,score`) "
                "and data, or delete the file",
            )
            return
        rows, lines, failure = split_rows(self.text)
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
        text, hint = csv_syntax(message)
        self.error(line, 1, text, Code.CSV_SYNTAX, hint=hint)

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
            block_lines = lines[at : at + size]
            at += size
            if size < _BULK_MIN or not self.fast:
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
            low, high = value_limits(self.p.metrics[ids[0]].kind)
            where = entry[1]
            if (
                not (low <= min(values) and max(values) <= high)
                or len(set(days)) != len(days)
                or not where.keys().isdisjoint(days)
            ):
                return False
            where.update(zip(days, zip(repeat(self.file), lines, strict=False), strict=True))
            entry[0].update(zip(days, values, strict=True))
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
        for (period, score), n in Counter(zip(map(starts.__getitem__, days), scores, strict=True)).items():
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
                day = real_date(text)
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
        low = high = 0.0
        dates = self.good_dates if self.fast else {}
        file = self.file
        if self.shape == "aggregated":
            vi = c["value"]
            plain = _PLAIN_NUMBER.match
            last: tuple[str, str, str, str] | None = None
            target: list[Any] = []  # the last series' [values by day, origins by day], once `last` is set
            for row, start in zip(rows, lines, strict=True):
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
                    low, high = value_limits(self.p.metrics[ids[0]].kind)
                else:
                    last = None
            return
        vi = c["score"]
        periods = self.periods
        last_survey: tuple[str, str, str] | None = None
        counts_of: dict[_dt.date, list[int]] = {}  # the last survey series' counts by period, once set
        for row, start in zip(rows, lines, strict=True):
            ids3 = (row[mi], row[ji], row[si] if si >= 0 else "")
            if ids3 == last_survey:
                day = dates.get(row[di])
                text = row[vi]
                if day is not None and text.isdigit() and text.isascii():
                    score = int(text)
                    if low <= score <= high:
                        period = periods.get(day)
                        counts = counts_of.get(period) if period is not None else None
                        if counts is not None:
                            counts[score] += 1
                            continue
            self.raw(row, c, start)
            accepted = self.surveys.get(ids3)
            scale = SCALES.get(self.p.metrics[ids3[0]].kind) if ids3[0] in self.p.metrics else None
            if accepted is not None and scale is not None:
                last_survey, counts_of = ids3, accepted
                low, high = scale
            else:
                last_survey = None


def split_rows(text: str) -> tuple[list[list[str]], list[int] | range, tuple[int, str] | None]:
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
