"""The words for health and trend, in one place: every page, badge, chart alt text, chart data table and
`journeys diff` takes them from here.

Two forms of the same words: `health_words` in running text and badges ("at risk"), `health_label` where a
value starts a cell or a phrase ("At risk": chart data tables, the change summary). A trend is shown as its
word ("better"), an arrow beside it, and a longer title for the tooltip; `unknown` shows nothing.

A roll-up's trend (a journey's, a step's, a department's...) is of its health, its worst distance to target,
not of a value: it is shown without an arrow, which would read as a value going up or down, and its title
says "health" (`HEALTH_TREND_TITLES`). One metric's trend says which way its value went and whether that is
better (`value_trend`: "rose, worse" for a count where lower is better). A roll-up of several places says
which one decided it (`decided_words`: "worst of 3 places: ...").
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
TREND_WORDS: dict[Trend, str] = {
    Trend.better: "better",
    Trend.worse: "worse",
    Trend.steady: "steady",
    Trend.unknown: "",
}
TREND_ARROWS: dict[Trend, str] = {Trend.better: "↑", Trend.worse: "↓", Trend.steady: "→", Trend.unknown: ""}
TREND_TITLES: dict[Trend, str] = {
    Trend.better: "better than the previous period",
    Trend.worse: "worse than the previous period",
    Trend.steady: "steady since the previous period",
    Trend.unknown: "",
}
HEALTH_TREND_TITLES: dict[Trend, str] = {
    Trend.better: "health better than in the previous period",
    Trend.worse: "health worse than in the previous period",
    Trend.steady: "health steady since the previous period",
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


def value_trend(trend: Trend, direction: Direction) -> tuple[str, str, str]:
    """One metric's trend in the direction its value moved: (arrow, words, title), e.g. for a count where lower is
    better `("↑", "rose, worse", "rose since the previous period, which is worse: lower is better")`."""
    if trend in (Trend.better, Trend.worse):
        rose = (trend is Trend.better) == (direction is Direction.higher)
        moved = "rose" if rose else "fell"
        return (
            "↑" if rose else "↓",
            f"{moved}, {TREND_WORDS[trend]}",
            f"{moved} since the previous period, which is {TREND_WORDS[trend]}: {DIRECTION_WORDS[direction]}",
        )
    return TREND_ARROWS[trend], TREND_WORDS[trend], TREND_TITLES[trend]


def decided_words(count: int, where: str, measure: str | None = None) -> str:
    """Which of a roll-up's `count` places decided it: `worst of 3 places: Make a claim: Report the loss` (one
    metric's places), or with the `measure`, `worst of 4 measures: Claims CSAT at Report the loss`."""
    if measure is None:
        return f"worst of {count} places: {where}"
    return f"worst of {count} measures: {measure} at {where}"
