"""The metrics as the pages show them, keyed by the typed ids of `model.ids`: a badge (health and trend)
for each journey, step, department, persona and metric-at-place, the latest value of each metric in each
journey, and the needs-attention list.

`site.metrics_extras` builds these from the metrics stage's `HealthIndex`; the templates look them up
through `Standings` (`status.journey(jid)`, `status.step(jid, sid)`, ...) and word them with
`metrics.wording`. A place with no data has no entry: it shows `no data` and no trend.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from generator.metrics.health import Health, Trend
from generator.metrics.wording import health_words
from generator.model.ids import DepartmentId, JourneyId, MetricAt, MetricId, PersonaId, StepId


@dataclass(frozen=True)
class Badge:
    """What a health badge shows: the rolled-up health and its trend since the previous period; for a roll-up
    of several places, which one decided it (`metrics.wording.decided_words`), else ""."""

    health: Health = Health.no_data
    trend: Trend = Trend.unknown
    decided: str = ""


NO_DATA = Badge()


def as_badge(value: object) -> Badge:
    """The badge `m.badge(...)` was given; a string key such as `journey:<id>` (a template copied before the
    typed look-ups) is refused with a message saying what to write instead."""
    if isinstance(value, Badge):
        return value
    raise TypeError(
        f"m.badge() takes a badge such as status.journey(jid) or status.step(jid, step_id), "
        f"not {value!r}: update the template (see 'Changing how pages look' in docs/site.md)"
    )


@dataclass(frozen=True)
class Attention:
    """One series on the needs-attention list, with its numbers formatted as shown."""

    journey: JourneyId
    step: str  # "" for a whole-journey series
    step_name: str
    metric: MetricId
    health: Health
    distance: str
    latest: str  # value and period, e.g. `84.6% (2026-10)`
    target: str
    warning: str
    trend: Trend
    trend_year: Trend


@dataclass(frozen=True)
class Standings:
    """Badges by place, and the latest value of each metric in each journey as shown (`84.6% (2026-10)`)."""

    journeys: Mapping[JourneyId, Badge] = field(default_factory=dict)
    steps: Mapping[StepId, Badge] = field(default_factory=dict)
    departments: Mapping[DepartmentId, Badge] = field(default_factory=dict)
    personas: Mapping[PersonaId, Badge] = field(default_factory=dict)
    metrics: Mapping[MetricAt, Badge] = field(default_factory=dict)
    latest: Mapping[MetricAt, str] = field(default_factory=dict)

    # look-ups for the templates, which hold plain ids
    def journey(self, jid: str) -> Badge:
        return self.journeys.get(JourneyId(jid), NO_DATA)

    def step(self, jid: str, sid: str) -> Badge:
        return self.steps.get(StepId(JourneyId(jid), sid), NO_DATA)

    def department(self, ident: str) -> Badge:
        return self.departments.get(DepartmentId(ident), NO_DATA)

    def persona(self, ident: str) -> Badge:
        return self.personas.get(PersonaId(ident), NO_DATA)

    def metric(self, mid: str, jid: str | None = None) -> Badge:
        """The metric across the portfolio, or in one journey (its whole-journey and step series)."""
        return self.metrics.get(MetricAt(MetricId(mid), None if jid is None else JourneyId(jid)), NO_DATA)

    def latest_at(self, mid: str, jid: str) -> str:
        return self.latest.get(MetricAt(MetricId(mid), JourneyId(jid)), health_words(Health.no_data))

    def by_journey(self) -> dict[JourneyId, dict]:
        """Every badge and latest value at each journey (its own, its steps', its metrics'), in one pass: a
        journey page shows these, and of other journeys only its neighbours' badges."""
        out: dict[JourneyId, dict] = {}

        def at(jid: JourneyId) -> dict:
            return out.setdefault(jid, {})

        for jid, badge in self.journeys.items():
            at(jid)["journey"] = badge
        for step, badge in self.steps.items():
            at(step.journey)[step] = badge
        for place, badge in self.metrics.items():
            if place.journey is not None:
                at(place.journey)[place] = badge
        for place, text in self.latest.items():
            if place.journey is not None:
                at(place.journey)[("latest", place)] = text
        return out

    def beyond_journeys(self) -> tuple:
        """The badges of no one journey (departments, personas, metrics across the portfolio)."""
        return (
            dict(self.departments),
            dict(self.personas),
            {k: v for k, v in self.metrics.items() if k.journey is None},
        )

    def has_data(self) -> bool:
        return any((self.journeys, self.steps, self.departments, self.personas, self.metrics))
