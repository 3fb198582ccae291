"""The full checks of one metric data row, with every diagnostic they give: the header, the date, the ids
against the portfolio, the value or score against its metric kind, duplicates and mixed series.

This is the slow path of `metric_csv.FileReader` (which adds the fast ones) and the reference its fast
paths are tested against: every row it accepts goes into the `MetricData`; every problem becomes a
`Diagnostic` with the file, line and column of the field.
"""

from __future__ import annotations

import datetime as _dt
import enum
import io
import math
import re
from typing import Final

from generator.common.codes import Code
from generator.common.diagnostics import Diagnostic
from generator.common.suggest import did_you_mean, known
from generator.load.metric_messages import field_column, first_written, range_hint, scale_hint, shown
from generator.model.metric_data import (
    FIRST_DATE,
    LAST_DATE,
    NON_NEGATIVE,
    SCALES,
    VALUE_RANGES,
    MetricData,
    SeriesKey,
    period_start,
)
from generator.model.portfolio import Portfolio

AGGREGATED_COLUMNS = ("date", "metric", "journey", "step", "value", "segment")
RAW_COLUMNS = ("date", "metric", "journey", "step", "score")
REQUIRED = {"aggregated": ("date", "metric", "journey", "value"), "raw": ("date", "metric", "journey", "score")}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z")
_INTEGER = re.compile(r"[+-]?\d+\Z")
_NON_FINITE = re.compile(r"[+-]?(nan|inf|infinity)\Z", re.I)


class _Missing(enum.Enum):
    """A typed sentinel: a date text not looked at yet (None means looked at and not a date)."""

    NO_DATE = 0


_NO_DATE: Final = _Missing.NO_DATE


def real_date(text: str) -> _dt.date | None:
    """The date `text` writes as YYYY-MM-DD, or None."""
    if _DATE.match(text):
        try:
            return _dt.date.fromisoformat(text)
        except ValueError:
            return None
    return None


class RowChecks:
    """One CSV file's rows checked one at a time by the full path, and what the files read so far share."""

    def __init__(
        self,
        portfolio: Portfolio,
        data: MetricData,
        display: str,
        text: str,
        first_rows: dict[tuple, tuple[str, int]],
        shared: dict | None = None,
    ):
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
            shared["step_ids"] = {
                jid: {s.id for s in j.steps()} for jid, j in {**portfolio.salvaged, **portfolio.journeys}.items()
            }
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
    def error(self, line: int, col: int, message: str, code: str, hint: str = "", severity: str = "error") -> None:
        self.errors.append(Diagnostic(self.file, line, col, severity, message, code, "", hint))  # type: ignore[arg-type]

    def at_field(self, line: int, index: int, message: str, code: str, hint: str = "", severity: str = "error") -> None:
        raw = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        self.error(line, field_column(raw, index), message, code, hint, severity)

    def header(self, row: list[str], line: int) -> tuple[str, dict[str, int]]:
        names = [name.strip().lower() for name in row]
        if "value" in names and "score" in names:
            self.at_field(
                line,
                names.index("score"),
                "the header has both `value` and `score` columns",
                Code.CSV_HEADER,
                hint="aggregated values and survey responses go in separate files",
            )
            return "", {}
        shape = "aggregated" if "value" in names else "raw" if "score" in names else ""
        allowed = (
            AGGREGATED_COLUMNS if shape == "aggregated" else RAW_COLUMNS if shape else AGGREGATED_COLUMNS + RAW_COLUMNS
        )
        ok = bool(shape)
        seen: dict[str, int] = {}
        for index, name in enumerate(names):
            if name in seen:
                self.at_field(
                    line,
                    index,
                    f"the column '{name}' appears twice in the header",
                    Code.CSV_HEADER,
                    hint="keep one of them",
                )
                ok = False
            elif name not in allowed:
                hint = did_you_mean(name, allowed) or "the columns are " + ", ".join(allowed)
                self.at_field(line, index, f"unknown column '{shown(row[index].strip())}'", Code.CSV_HEADER, hint=hint)
                ok = False
            seen.setdefault(name, index)
        if not shape:
            self.error(
                line,
                1,
                "the header has neither a `value` nor a `score` column",
                Code.CSV_HEADER,
                hint="start the file with `date,metric,journey,step,value` (aggregated values) "
                "or `date,metric,journey,step,score` (survey responses)",
            )
            return "", {}
        for name in REQUIRED[shape]:
            if name not in seen:
                self.error(
                    line,
                    1,
                    f"the header lacks the column '{name}'",
                    Code.CSV_HEADER,
                    hint="the columns are " + ", ".join(allowed),
                )
                ok = False
        return (shape, seen) if ok else ("", {})

    def ragged(self, row: list[str], width: int, line: int, header: list[str]) -> None:
        got = len(row)
        hint = (
            "a decimal comma? write numbers with a point (12.5), or quote fields that hold commas"
            if got > width
            else "every row needs a field for each column of the header; leave a field empty with ,,"
        )
        index = min(width, got) if got > width else 0
        self.at_field(line, index, f"expected {width} fields as in the header, got {got}", Code.CSV_ROW, hint=hint)

    # ------------------------------------------------------------------ fields
    def date(self, text: str, line: int, index: int) -> _dt.date | None:
        day = self.dates.get(text, _NO_DATE)
        if day is _NO_DATE:
            day = self.dates[text] = real_date(text)
        if day is not None and FIRST_DATE <= day <= LAST_DATE:
            self.good_dates[text] = day
            return day
        if day is not None:
            # a typo (0205 for 2025) or a placeholder (9999-12-31): charts would span centuries
            self.at_field(
                line,
                index,
                f"the date {text} is out of range",
                Code.BAD_DATE,
                hint=f"metric data dates run from {FIRST_DATE} to {LAST_DATE}; check the year",
            )
            return None
        if _DATE.match(text):
            self.at_field(
                line,
                index,
                f"'{shown(text)}' is not a real date",
                Code.BAD_DATE,
                hint="check the month (01-12) and the day of the month",
            )
        else:
            self.at_field(
                line,
                index,
                f"expected a date as YYYY-MM-DD, got '{shown(text)}'"
                if text
                else "expected a date as YYYY-MM-DD, got nothing",
                Code.BAD_DATE,
                hint="write dates as YYYY-MM-DD, e.g. 2025-03-01",
            )
        return None

    def ids(self, row: list[str], columns: dict[str, int], line: int) -> tuple[str, str, str] | None:
        """The metric, journey and step of a row, each checked against the portfolio."""
        metric, journey = row[columns["metric"]].strip(), row[columns["journey"]].strip()
        step = row[columns["step"]].strip() if "step" in columns else ""
        ok = True
        if metric not in self.p.metrics:
            if ("metrics", metric) not in self.p.broken and "catalogue" not in self.p.unreadable:
                hint = did_you_mean(metric, self.p.metrics) or known(self.p.metrics)
                self.at_field(
                    line,
                    columns["metric"],
                    f"unknown metric '{shown(metric)}'",
                    Code.UNKNOWN_REFERENCE,
                    hint=f"{hint}; or define it in a catalogue file under `metrics:`",
                )
            ok = False
        if journey not in self.step_ids:
            if ("journeys", journey) not in self.p.broken and "journeys" not in self.p.unreadable:
                hint = did_you_mean(journey, self.p.journeys) or known(self.p.journeys)
                self.at_field(
                    line,
                    columns["journey"],
                    f"unknown journey '{shown(journey)}'",
                    Code.UNKNOWN_REFERENCE,
                    hint=f"{hint}; journey ids are the file names in maps/",
                )
            return None
        if step and step not in self.step_ids[journey]:
            hint = did_you_mean(step, self.step_ids[journey]) or known(self.step_ids[journey])
            self.at_field(
                line,
                columns["step"],
                f"unknown step '{shown(step)}' in journey '{shown(journey)}'",
                Code.UNKNOWN_REFERENCE,
                hint=f"{hint}; leave the step empty for the whole journey",
            )
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
            fix = f"add '{shown(metric)}' to the `metrics:` of step '{shown(step)}' in {file}"
            what = f"step '{shown(step)}' of journey '{shown(journey)}'"
        else:
            if metric in j.metrics:
                return
            fix = f"add '{shown(metric)}' to the journey's `metrics:` in {file}"
            what = f"journey '{shown(journey)}'"
        self.at_field(
            line,
            index,
            f"metric '{shown(metric)}' is not listed for {what}, so its data is not shown",
            Code.UNLISTED_METRIC,
            hint=fix,
            severity="warning",
        )

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
                self.at_field(
                    line,
                    index,
                    f"expected a finite number, got '{shown(text)}'",
                    Code.BAD_NUMBER,
                    hint="leave out rows without a value",
                )
                value = None
        elif _NON_FINITE.match(text):
            self.at_field(
                line,
                index,
                f"expected a finite number, got '{shown(text)}'",
                Code.BAD_NUMBER,
                hint="leave out rows without a value; NaN and infinity are not data",
            )
        else:
            got = f"'{shown(text)}'" if text else "nothing"
            self.at_field(
                line,
                index,
                f"expected a number, got {got}",
                Code.BAD_NUMBER,
                hint="write numbers with a point and no unit or thousands separator, e.g. 1234.5",
            )
        if ids is None or day is None or value is None:
            return
        metric, journey, step = ids
        definition = self.p.metrics[metric]
        kind = definition.kind
        low_high = VALUE_RANGES.get(kind)
        if low_high and not low_high[0] <= value <= low_high[1]:
            self.at_field(
                line,
                index,
                f"a {kind.value} value must be from {low_high[0]:g} to {low_high[1]:g}, got {value:g}",
                Code.OUT_OF_RANGE,
                hint=range_hint(kind),
            )
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
            what = (
                f"{day.isoformat()}, {metric}, {journey}"
                + (f", {step}" if step else "")
                + (f", {segment}" if segment else "")
            )
            at = first_written(first, self.file)
            self.error(
                line,
                1,
                f"duplicate row: {shown(what)} (first written at {at})",
                Code.DUPLICATE_ROW,
                hint="keep one row per date, metric, journey, step and segment",
            )
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
            self.at_field(
                line,
                index,
                f"expected a whole-number score, got '{shown(text)}'",
                Code.BAD_NUMBER,
                hint="leave out responses without a score; NaN and infinity are not scores",
            )
        elif _NUMBER.match(text):
            self.at_field(
                line,
                index,
                f"expected a whole-number score, got '{shown(text)}'",
                Code.BAD_NUMBER,
                hint="survey scores are whole numbers, e.g. 9",
            )
        else:
            self.at_field(
                line,
                index,
                f"expected a whole-number score, got '{shown(text)}'"
                if text
                else "expected a whole-number score, got nothing",
                Code.BAD_NUMBER,
                hint="survey scores are whole numbers, e.g. 9; leave out unanswered responses",
            )
        if ids is None:
            return
        metric, journey, step = ids
        kind = self.p.metrics[metric].kind
        scale = SCALES.get(kind)
        if scale is None:
            self.at_field(
                line,
                columns["metric"],
                f"survey responses need an nps, csat or ces metric; '{shown(metric)}' is a {kind.value} metric",
                Code.WRONG_KIND,
                hint="put its values in an aggregated file (a `value` column)",
            )
            return
        if score is None or day is None:
            return
        if not scale[0] <= score <= scale[1]:
            self.at_field(
                line,
                index,
                f"a {kind.value} score must be from {scale[0]} to {scale[1]}, got {score}",
                Code.OUT_OF_RANGE,
                hint=scale_hint(kind),
            )
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
        where = first_written(first, self.file)
        step = f", step '{key.step}'" if key.step else ""
        flag = ("mixed",) + other_key[1:]
        if flag in self.first_rows:
            return True  # said once per series is enough
        self.first_rows[flag] = (self.file, line)
        self.error(
            line,
            1,
            f"{this} for metric '{key.metric}', journey '{key.journey}'{step}, which already has "
            f"{other} (first at {where})",
            Code.MIXED_DATA,
            hint="give a series either survey responses or aggregated values, not both",
        )
        return True
