"""Typed ids of the places health, trends and latest values are kept for: journey, step, department,
persona, and a metric where it is measured.

Plain ids are `NewType`s of `str` (free at run time; a type checker keeps a journey id from being passed
as a department id). A step is only unique within its journey, and a metric is measured at a place, so
those two are small frozen dataclasses: hashable, comparable, usable as dict keys. Nothing here knows
about health; the metrics stage (`metrics.health.HealthIndex`) and the site (`site.standing.Standings`)
key their maps by these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NewType

JourneyId = NewType("JourneyId", str)
DepartmentId = NewType("DepartmentId", str)
PersonaId = NewType("PersonaId", str)
MetricId = NewType("MetricId", str)


@dataclass(frozen=True, order=True, slots=True)
class StepId:
    """A step of a journey: step ids are unique only within their journey."""

    journey: JourneyId
    step: str


@dataclass(frozen=True, slots=True)
class MetricAt:
    """A metric where it is measured: in one journey (its whole-journey and step series together), or across
    the portfolio when `journey` is None."""

    metric: MetricId
    journey: JourneyId | None = None
