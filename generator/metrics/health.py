"""Health and trend: how each metric series, step, journey, department and persona is doing against target.

The rules (docs/metrics.md, tested at their boundaries in tests/test_metrics_health.py):

- A series' health comes from its latest value with data, compared with its definition (`MetricDefinition`):
  higher-is-better: value >= target is *on target*, value >= warning *at risk*, below warning *off target*;
  lower-is-better: the same with <=. No value at all is *no data*. The comparisons are made on the values
  themselves, never on a computed ratio, so "exactly at target" is exact.
- Its distance to target, normalised by the width of the warning band, ranks what needs attention:
  (target - value) / |target - warning| (sign flipped for lower-is-better): <= 0 on target, 1 at the
  warning line, 2 a whole band beyond it. A metric whose warning equals its target uses a band of 1 unit.
- Roll-up is *worst of*: a step's health is the worst of its series', a journey's the worst of its own and
  its steps', a department's the worst over the steps it owns and the journeys it owns, a persona's the
  worst over the journeys it takes. *No data* counts only when nothing has data.
- Trend compares the latest period with the previous one and with the same period a year before, using the
  worst normalised distance of the group at each of those periods: a change of more than 0.05 bands is
  *better* or *worse*, otherwise *steady*.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from generator.metrics.series import Series, shift, year_before
from generator.model.entities import Direction, MetricDefinition
from generator.model.ids import DepartmentId, JourneyId, MetricAt, MetricId, PersonaId, StepId
from generator.model.metric_data import SeriesKey
from generator.model.portfolio import Portfolio

STEADY = 0.05  # in warning bands: smaller changes are noise, not a trend


class Health(str, Enum):  # noqa: UP042 - StrEnum would change str() and format() of the members
    on_target = "on-target"
    at_risk = "at-risk"
    off_target = "off-target"
    no_data = "no-data"

    @property
    def rank(self) -> int:
        """Worse is higher; no data is below every real state so it never hides one."""
        return {"no-data": 0, "on-target": 1, "at-risk": 2, "off-target": 3}[self.value]


class Trend(str, Enum):  # noqa: UP042 - StrEnum would change str() and format() of the members
    better = "better"
    worse = "worse"
    steady = "steady"
    unknown = "unknown"


def classify(value: float | None, definition: MetricDefinition) -> Health:
    """The health of one value against its definition (the rule in MetricDefinition's docstring)."""
    if value is None:
        return Health.no_data
    if definition.direction is Direction.higher:
        if value >= definition.target:
            return Health.on_target
        return Health.at_risk if value >= definition.warning else Health.off_target
    if value <= definition.target:
        return Health.on_target
    return Health.at_risk if value <= definition.warning else Health.off_target


def distance(value: float, definition: MetricDefinition) -> float:
    """How far short of target, in warning bands: <= 0 on target, 1 at the warning line."""
    band = abs(definition.target - definition.warning) or 1.0
    gap = definition.target - value if definition.direction is Direction.higher else value - definition.target
    return gap / band


def trend_of(now: float | None, before: float | None) -> Trend:
    """Trend from two distances (lower is better)."""
    if now is None or before is None:
        return Trend.unknown
    # rounded so that a change of exactly STEADY bands is steady, whatever the binary fractions say
    change = round(before - now, 9)
    if change > STEADY:
        return Trend.better
    if change < -STEADY:
        return Trend.worse
    return Trend.steady


@dataclass(frozen=True, eq=False)
class MetricStatus:
    """Where one series stands: its latest value, health, distance and changes."""

    key: SeriesKey
    definition: MetricDefinition
    series: Series
    period: _dt.date | None  # of the latest value
    value: float | None
    health: Health
    distance: float | None
    previous: float | None  # value one period before `period`
    year_ago: float | None  # value a year before `period`
    trend: Trend
    trend_year: Trend

    def distance_at(self, period: _dt.date) -> float | None:
        value = self.series.at(period)
        return None if value is None else distance(value, self.definition)


@dataclass
class GroupStatus:
    """The rolled-up health of a step, journey, department or persona."""

    health: Health = Health.no_data
    trend: Trend = Trend.unknown
    trend_year: Trend = Trend.unknown
    period: _dt.date | None = None
    members: list[MetricStatus] = field(default_factory=list)

    @property
    def worst(self) -> MetricStatus | None:
        ranked = [m for m in self.members if m.distance is not None]
        return max(ranked, key=lambda m: (m.health.rank, m.distance)) if ranked else None


@dataclass
class HealthIndex:
    """Every series' status, and the rolled-up status of every step, journey, department and persona."""

    period_size: str
    metrics: dict[SeriesKey, MetricStatus] = field(default_factory=dict)
    steps: dict[StepId, GroupStatus] = field(default_factory=dict)
    journeys: dict[JourneyId, GroupStatus] = field(default_factory=dict)
    departments: dict[DepartmentId, GroupStatus] = field(default_factory=dict)
    personas: dict[PersonaId, GroupStatus] = field(default_factory=dict)
    # the live preview's memo (`assess`), for the roll-ups made from this index later (`metric_places`)
    memo: HealthMemo | None = field(default=None, compare=False, repr=False)

    def attention(self) -> list[MetricStatus]:
        """Series at risk or off target, furthest from target first (ties: by key, for a stable order)."""
        items = [m for m in self.metrics.values() if m.health in (Health.at_risk, Health.off_target)]
        return sorted(items, key=lambda m: (-(m.distance or 0.0), m.key))


def metric_status(series: Series, definition: MetricDefinition, size: str) -> MetricStatus:
    latest = series.latest()
    if latest is None:
        return MetricStatus(
            series.key, definition, series, None, None, Health.no_data, None, None, None, Trend.unknown, Trend.unknown
        )
    value = latest.value
    assert value is not None, "latest() returns only a point with a value"
    previous = series.at(shift(latest.period, size, -1))
    year_ago = series.at(year_before(latest.period))
    d = distance(value, definition)
    return MetricStatus(
        series.key,
        definition,
        series,
        latest.period,
        value,
        classify(value, definition),
        d,
        previous,
        year_ago,
        trend_of(d, None if previous is None else distance(previous, definition)),
        trend_of(d, None if year_ago is None else distance(year_ago, definition)),
    )


def roll_up(members: Iterable[MetricStatus], size: str) -> GroupStatus:
    """Worst-of health; trend from the worst distance at the latest period against earlier periods."""
    members = sorted(set(members), key=lambda m: m.key)
    group = GroupStatus(members=list(members))
    if not members:
        return group
    group.health = max((m.health for m in members), key=lambda h: h.rank)
    periods = [m.period for m in members if m.period is not None]
    if not periods:
        return group
    group.period = max(periods)

    def worst_at(period: _dt.date) -> float | None:
        found = [d for d in (m.distance_at(period) for m in members) if d is not None]
        return max(found) if found else None

    now = worst_at(group.period)
    group.trend = trend_of(now, worst_at(shift(group.period, size, -1)))
    group.trend_year = trend_of(now, worst_at(year_before(group.period)))
    return group


def step_owners(step) -> set[str]:
    """The departments that own a step: its `owner`, else the departments of its touchpoints."""
    if step.owner:
        return {step.owner}
    return {t.department for t in step.touchpoints if t.department}


@dataclass
class HealthMemo:
    """The statuses of the last `assess`, kept by the live preview between saves: a series' status is taken
    again when its series and metric definition are the same objects (`SeriesMemo`, `load.ModelMemo`), and
    a roll-up when its members are the same statuses. Each `assess` keeps only what it used."""

    statuses: dict[SeriesKey, tuple[Series, MetricDefinition, str, MetricStatus]] = field(default_factory=dict)
    groups: dict[object, tuple[str, list[MetricStatus], GroupStatus]] = field(default_factory=dict)
    places: dict[object, tuple[str, list[MetricStatus], GroupStatus]] = field(default_factory=dict)  # `metric_places`

    def status(self, series: Series, definition: MetricDefinition, size: str, used: dict) -> MetricStatus:
        found = self.statuses.get(series.key)
        if found is None or found[0] is not series or found[1] is not definition or found[2] != size:
            found = (series, definition, size, metric_status(series, definition, size))
        used[series.key] = found
        return found[3]

    def roll_up(
        self, group: object, members: list[MetricStatus], size: str, used: dict, kept: dict | None = None
    ) -> GroupStatus:
        """The roll-up of `members`, kept in `kept` (default: the groups of `assess`) while they are the same."""
        found = (self.groups if kept is None else kept).get(group)
        if found is None or found[0] != size or found[1] != members:
            found = (size, list(members), roll_up(members, size))
        used[group] = found
        return found[2]


def assess(portfolio: Portfolio, series: dict[SeriesKey, Series], memo: HealthMemo | None = None) -> HealthIndex:
    """The health and trend of every series and every step, journey, department and persona; with `memo` (the
    live preview), statuses and roll-ups whose inputs are the same objects as at the last call are reused."""
    size = portfolio.organisation.period
    index = HealthIndex(size, memo=memo)
    statuses: dict = {}
    groups: dict = {}

    def rolled(group: object, members: list[MetricStatus]) -> GroupStatus:
        return memo.roll_up(group, members, size, groups) if memo is not None else roll_up(members, size)

    for key, s in series.items():
        if key.segment or key.metric not in portfolio.metrics or key.journey not in portfolio.journeys:
            continue  # segments are shown beside the overall series, not rolled up
        journey = portfolio.journeys[key.journey]
        listed = (
            journey.metrics if not key.step else next((st.metrics for st in journey.steps() if st.id == key.step), [])
        )
        if key.metric not in listed:
            continue  # `journeys check` warns about data for an unlisted metric; it is not shown
        definition = portfolio.metrics[key.metric]
        index.metrics[key] = (
            memo.status(s, definition, size, statuses) if memo is not None else metric_status(s, definition, size)
        )
    by_journey: dict[JourneyId, list[MetricStatus]] = {}
    by_step: dict[StepId, list[MetricStatus]] = {}
    for key, status in index.metrics.items():
        by_journey.setdefault(JourneyId(key.journey), []).append(status)
        if key.step:
            by_step.setdefault(StepId(JourneyId(key.journey), key.step), []).append(status)
    by_department: dict[DepartmentId, list[MetricStatus]] = {DepartmentId(d): [] for d in portfolio.departments}
    by_persona: dict[PersonaId, list[MetricStatus]] = {PersonaId(p): [] for p in portfolio.personas}
    for name, journey in portfolio.journeys.items():
        jid = JourneyId(name)
        own = by_journey.get(jid, [])
        index.journeys[jid] = rolled(jid, own)
        for step in journey.steps():
            sid = StepId(jid, step.id)
            members = by_step.get(sid, [])
            index.steps[sid] = rolled(sid, members)
            for dept in step_owners(step):
                by_department.setdefault(DepartmentId(dept), []).extend(members)
        whole = [m for m in own if not m.key.step]
        by_department.setdefault(DepartmentId(journey.owner.department), []).extend(whole)
        for persona in journey.personas:
            by_persona.setdefault(PersonaId(persona), []).extend(own)
    index.departments = {d: rolled(("departments", d), m) for d, m in sorted(by_department.items())}
    index.personas = {p: rolled(("personas", p), m) for p, m in sorted(by_persona.items())}
    if memo is not None:
        memo.statuses, memo.groups = statuses, groups
    return index


def metric_places(index: HealthIndex) -> dict[MetricAt, GroupStatus]:
    """Each metric rolled up where it is measured: across the portfolio, and in each journey (its whole-journey
    series with its steps'), in the order of `index.metrics`."""
    by_metric: dict[MetricAt, list[MetricStatus]] = {}
    by_journey: dict[MetricAt, list[MetricStatus]] = {}
    for key, status in index.metrics.items():
        metric = MetricId(key.metric)
        by_metric.setdefault(MetricAt(metric), []).append(status)
        by_journey.setdefault(MetricAt(metric, JourneyId(key.journey)), []).append(status)
    size = index.period_size
    memo = index.memo
    if memo is None:
        return {
            place: roll_up(members, size) for places in (by_metric, by_journey) for place, members in places.items()
        }
    used: dict = {}  # the live preview: a place whose members are the same statuses keeps its roll-up
    out = {
        place: memo.roll_up(place, members, size, used, memo.places)
        for places in (by_metric, by_journey)
        for place, members in places.items()
    }
    memo.places = used
    return out
