"""A step's priority: which steps to fix first, from what hurts there, what is at stake and how it measures.

The score is a sum of three parts (docs/metrics.md, "Step priority"; tested in tests/test_priority.py):

- **pain**: the sum of the severities of the step's pain points, 1 (annoying) to 5 (blocking); a pain point
  written as plain text, with no severity, counts `UNRATED` (3, the middle of the scale), so rating a pain
  point can raise or lower its step but leaving it unrated never hides it;
- **moment of truth**: `MOMENT_OF_TRUTH` (5) when the step makes or breaks the relationship;
- **health**: `HEALTH_POINTS` of the step's metric health, 5 off target and 3 at risk, 0 on target or with
  no data (no data is not good news, but it is not evidence of a problem either).

A higher score comes first; equal scores keep the order they were given in (the portfolio's order), so the
ranking is the same on every build. Pure functions of the model and the metrics stage's health.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from generator.metrics.health import Health
from generator.metrics.wording import health_words
from generator.model.entities import PainPoint, Step

UNRATED = 3  # the severity a pain point without one counts for
MOMENT_OF_TRUTH = 5
HEALTH_POINTS: dict[Health, int] = {
    Health.off_target: 5,
    Health.at_risk: 3,
    Health.on_target: 0,
    Health.no_data: 0,
}

T = TypeVar("T")


@dataclass(frozen=True)
class Priority:
    """A step's priority score and its three parts."""

    pain: int = 0
    moment_of_truth: int = 0
    health: int = 0

    @property
    def score(self) -> int:
        return self.pain + self.moment_of_truth + self.health

    def explained(self) -> str:
        """The sum in words, for a tooltip: `priority 16: pain points 8 + moment of truth 5 + at risk 3`."""
        parts = [f"pain points {self.pain}"]
        if self.moment_of_truth:
            parts.append(f"moment of truth {self.moment_of_truth}")
        if self.health:
            health = Health.off_target if self.health == HEALTH_POINTS[Health.off_target] else Health.at_risk
            parts.append(f"{health_words(health)} {self.health}")
        return f"priority {self.score}: " + " + ".join(parts)


def severity_of(pain_point: PainPoint) -> int:
    """The severity a pain point weighs with: its own, else `UNRATED`."""
    return pain_point.severity if pain_point.severity is not None else UNRATED


def step_priority(step: Step, health: Health = Health.no_data) -> Priority:
    """The priority of `step`, whose metric health (the worst of its metrics') is `health`."""
    return Priority(
        pain=sum(severity_of(pp) for pp in step.pain_points),
        moment_of_truth=MOMENT_OF_TRUTH if step.moment_of_truth else 0,
        health=HEALTH_POINTS[health],
    )


def by_priority(items: Iterable[T], priority_of: Callable[[T], Priority]) -> list[tuple[T, Priority]]:
    """The items with their priorities, highest score first; equal scores keep the given order."""
    scored = [(item, priority_of(item)) for item in items]
    return sorted(scored, key=lambda pair: -pair[1].score)  # sorted() is stable: ties keep the given order
