"""What a chart shows, as typed values: a `Chart` (name, caption, alt text, data table) and its data, one
dataclass a kind with named fields (`TrendData`, `EmotionData`, `MultiplesData`, `ImportanceData`,
`OpportunitiesData`, `ComparisonData`). Nothing here draws: `charts.draw.render(data)` does, `charts.journey_charts` decides
which charts a journey gets.

A chart's file name is a hash of its data (`Chart.digest`), so each data class serialises itself for the
hash (`payload()`) as plain JSON: points and rows as positional lists, panels as objects. That shape is
frozen: changing it renames (and redraws) every chart, so a change of it goes with a new STYLE_VERSION.
Points and rows are named tuples (named fields, built as fast as the plain lists they replace: a trend
chart has one per period, a site tens of thousands); a chart's data and panels are frozen dataclasses.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from generator.metrics.health import Health
from generator.model.entities import Direction

STYLE_VERSION = "4"  # bump when the drawing code (charts/draw.py) changes, so cached charts are drawn again


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


# ------------------------------------------------------------------ trend


class TrendPoint(NamedTuple):
    period: str  # its label: `2025-03`, `2025-Q1`
    value: float | None  # None: too few responses
    responses: int | None = None  # survey series only


@dataclass(frozen=True)
class TrendData:
    """A metric's values per period against its target line and warning band; the latest value marked."""

    kind: ClassVar[str] = "trend"
    points: tuple[TrendPoint, ...]
    target: float
    warning: float
    unit: str
    direction: Direction
    health: Health  # of the latest value: the shape and colour of its marker

    def payload(self) -> dict[str, Any]:
        return {
            "points": [[p.period, p.value, p.responses] for p in self.points],
            "target": self.target,
            "warning": self.warning,
            "unit": self.unit,
            "direction": self.direction.value,
            "health": self.health.value,
        }


# ------------------------------------------------------------------ emotion


class EmotionStep(NamedTuple):
    name: str
    emotion: int | None  # 1 (very negative) to 5 (very positive)
    moment_of_truth: bool


class PhaseSpan(NamedTuple):
    """A phase as a run of steps: the indexes of its first and last step."""

    name: str
    first: int
    last: int


@dataclass(frozen=True)
class EmotionData:
    """The emotion curve across a journey's steps, phases as bands behind it."""

    kind: ClassVar[str] = "emotion"
    steps: tuple[EmotionStep, ...]
    phases: tuple[PhaseSpan, ...]

    def payload(self) -> dict[str, Any]:
        return {
            "steps": [[s.name, s.emotion, s.moment_of_truth] for s in self.steps],
            "phases": [[p.name, p.first, p.last] for p in self.phases],
        }


# ------------------------------------------------------------------ small multiples


@dataclass(frozen=True)
class Panel:
    """One step metric: its values over the chart's common periods (None where it has none)."""

    step: str  # the step's name
    metric: str  # the metric's name
    unit: str
    points: tuple[float | None, ...]
    target: float
    warning: float
    health: Health

    def payload(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "metric": self.metric,
            "unit": self.unit,
            "points": list(self.points),
            "target": self.target,
            "warning": self.warning,
            "health": self.health.value,
        }


@dataclass(frozen=True)
class MultiplesData:
    """A journey's step metrics, one small panel each, from the `first` period to the `last`."""

    kind: ClassVar[str] = "multiples"
    panels: tuple[Panel, ...]
    first: str
    last: str

    def payload(self) -> dict[str, Any]:
        return {"panels": [p.payload() for p in self.panels], "first": self.first, "last": self.last}


# ------------------------------------------------------------------ importance


class ImportanceRow(NamedTuple):
    touchpoint: str  # its name
    assumed: int | None  # inside-out, 1 to 5
    validated: int | None  # outside-in (research), 1 to 5


@dataclass(frozen=True)
class ImportanceData:
    """Touchpoint importance: what the company assumes against what customers said."""

    kind: ClassVar[str] = "importance"
    rows: tuple[ImportanceRow, ...]

    def payload(self) -> dict[str, Any]:
        return {"rows": [[r.touchpoint, r.assumed, r.validated] for r in self.rows]}


# ------------------------------------------------------------------ opportunities


class OpportunityPoint(NamedTuple):
    title: str
    impact: int  # 1 to 5
    effort: int  # 1 to 5
    reach: int  # 1 to 5: the circle's size


@dataclass(frozen=True)
class OpportunitiesData:
    """The opportunity matrix: impact against effort, numbered in order."""

    kind: ClassVar[str] = "opportunities"
    points: tuple[OpportunityPoint, ...]

    def payload(self) -> dict[str, Any]:
        return {"points": [[o.title, o.impact, o.effort, o.reach] for o in self.points]}


# ------------------------------------------------------------------ comparison


class ComparedStep(NamedTuple):
    """A step of an as-is/to-be pair: its emotion in each journey (None where that journey lacks it or has none)."""

    name: str
    as_is: int | None
    to_be: int | None
    match: str  # how it was matched: `id`, `name`, `added` (to-be only) or `removed` (as-is only)


@dataclass(frozen=True)
class ComparisonData:
    """Both emotion curves of an as-is journey and the to-be journey that replaces it, on the matched steps."""

    kind: ClassVar[str] = "comparison"
    steps: tuple[ComparedStep, ...]
    labels: tuple[str, str]  # the as-is journey's title, the to-be journey's

    def payload(self) -> dict[str, Any]:
        return {"steps": [[s.name, s.as_is, s.to_be, s.match] for s in self.steps], "labels": list(self.labels)}


ChartData = TrendData | EmotionData | MultiplesData | ImportanceData | OpportunitiesData | ComparisonData


# ------------------------------------------------------------------ the chart


@dataclass(frozen=True)
class Chart:
    """One chart: what it shows (data), how to describe it (alt, caption) and its numbers (table)."""

    name: str  # stable, readable: "<journey>-<kind>[-<metric>]"; groups charts by owner
    title: str
    alt: str
    data: ChartData = field(hash=False, compare=False)
    table: Table = field(hash=False, compare=False, default=Table((), ()))
    journey: str = ""  # the journey it belongs to, "" for portfolio-wide charts

    @property
    def kind(self) -> str:
        """`trend`, `emotion`, `multiples`, `importance`, `opportunities` or `comparison`."""
        return self.data.kind

    @functools.cached_property  # the file name is asked for often; data never changes after creation
    def digest(self) -> str:
        payload = json.dumps(
            {"kind": self.kind, "data": self.data.payload(), "style": STYLE_VERSION, "matplotlib": _mpl_version()},
            sort_keys=True,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:20]

    @property
    def filename(self) -> str:
        return f"{self.kind}-{self.digest}.svg"


@functools.cache
def _mpl_version() -> str:
    # from the package's metadata: importing matplotlib (0.3 s) only to name the charts slowed every build,
    # including those that draw nothing
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("matplotlib")
    except PackageNotFoundError:  # not installed as a distribution (a source checkout on sys.path)
        import matplotlib

        return matplotlib.__version__
