"""The words for health and trend, in one place: every page, badge, chart alt text, chart data table and
`journeys diff` takes them from here.

Two forms of the same words: `health_words` in running text and badges ("at risk"), `health_label` where a
value starts a cell or a phrase ("At risk": chart data tables, the change summary). A trend is shown as its
word ("better"), an arrow beside it, and a longer title for the tooltip; `unknown` shows nothing.
"""

from __future__ import annotations

from generator.metrics.health import Health, Trend
from generator.model.entities import Direction

HEALTH_WORDS: dict[Health, str] = {
    Health.on_target: "on target",
    Health.at_risk: "at risk",
    Health.off_target: "off target",
    Health.no_data: "no data",
}
TREND_WORDS: dict[Trend, str] = {Trend.better: "better", Trend.worse: "worse", Trend.steady: "steady",
                                 Trend.unknown: ""}
TREND_ARROWS: dict[Trend, str] = {Trend.better: "↑", Trend.worse: "↓", Trend.steady: "→", Trend.unknown: ""}
TREND_TITLES: dict[Trend, str] = {
    Trend.better: "better than the previous period",
    Trend.worse: "worse than the previous period",
    Trend.steady: "steady since the previous period",
    Trend.unknown: "",
}
DIRECTION_WORDS: dict[Direction, str] = {Direction.higher: "higher is better", Direction.lower: "lower is better"}


def health_words(health: Health) -> str:
    """In running text and badges: `on target`, `at risk`, `off target`, `no data`."""
    return HEALTH_WORDS[health]


def health_label(health: Health) -> str:
    """At the start of a table cell or a phrase: `On target`, `At risk`, `Off target`, `No data`."""
    words = HEALTH_WORDS[health]
    return words[0].upper() + words[1:]


def trend_word(trend: Trend) -> str:
    """`better`, `worse`, `steady`; "" when unknown (nothing is shown)."""
    return TREND_WORDS[trend]


def trend_arrow(trend: Trend) -> str:
    return TREND_ARROWS[trend]


def trend_title(trend: Trend) -> str:
    """The tooltip of a trend: `better than the previous period`..."""
    return TREND_TITLES[trend]


def direction_words(direction: Direction) -> str:
    return DIRECTION_WORDS[direction]
