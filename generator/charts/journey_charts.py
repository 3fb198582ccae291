"""Which charts a journey gets, with their data, alt text and data tables: `Chart` values, nothing drawn.

Per journey (`journey_charts`): a trend chart for each whole-journey metric with data, the emotion curve
across its steps, small multiples of its step metrics, the inside-out/outside-in importance comparison of
its touchpoints, and the opportunity matrix of the opportunities its steps reference. Portfolio-wide:
`portfolio_opportunity_chart`. Each chart's data holds only what its picture shows, so an edit elsewhere
in the portfolio leaves its file name (a hash of that data) and its cached picture unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.charts.draw import fmt, short
from generator.charts.specs import (
    Chart,
    ComparedStep,
    ComparisonData,
    EmotionData,
    EmotionStep,
    ImportanceData,
    ImportanceRow,
    MultiplesData,
    OpportunitiesData,
    OpportunityPoint,
    Panel,
    PhaseSpan,
    Table,
    TrendData,
    TrendPoint,
)
from generator.metrics.health import Health, HealthIndex, MetricStatus
from generator.metrics.series import Series, period_label
from generator.metrics.wording import direction_words, health_label, health_words
from generator.model.entities import Journey, Step
from generator.model.metric_data import SeriesKey
from generator.model.portfolio import Portfolio

EMOTION_WORDS = {1: "very negative", 2: "negative", 3: "neutral", 4: "positive", 5: "very positive"}


def trend_chart(portfolio: Portfolio, status: MetricStatus, *, where: str, segments: Sequence[Series] = ()) -> Chart:
    """A metric's trend: its values per period, target line, warning band, the latest value labelled.

    Segment series (rows with a `segment`) are not drawn; their values are columns of the data table.
    """
    size = portfolio.organisation.period
    definition, series, key = status.definition, status.series, status.key
    unit = definition.unit
    points = tuple(
        TrendPoint(period_label(p.period, size), None if p.value is None else round(p.value, 4), p.responses)
        for p in series.points
    )
    data = TrendData(points, definition.target, definition.warning, unit, definition.direction, status.health)
    few = sum(1 for p in series.points if p.value is None)
    latest = (
        f"latest {period_label(status.period, size)}: {fmt(status.value, unit)}, {health_words(status.health)}"
        if status.period
        else "no period has enough responses yet"
    )
    alt = (
        f"Line chart of {definition.name} for {where}, by {size} from {points[0].period} to {points[-1].period}; "
        f"{latest}; target {fmt(definition.target, unit)}, warning {fmt(definition.warning, unit)} "
        f"({direction_words(definition.direction)})"
        + (f"; {few} period{'s' if few != 1 else ''} with too few responses" if few else "")
        + "."
    )
    survey = series.source == "survey"
    segments = sorted(segments, key=lambda s: s.key.segment)
    headers = (
        ("Period", definition.name)
        + (("Responses",) if survey else ())
        + tuple(f"{definition.name}, {s.key.segment}" for s in segments)
    )
    rows = []
    for p in series.points:
        shown = (
            f"too few responses (fewer than {portfolio.organisation.min_responses})"
            if p.value is None
            else fmt(p.value, unit)
        )
        rows.append(
            (period_label(p.period, size), shown)
            + ((str(p.responses),) if survey else ())
            + tuple(fmt(s.at(p.period), unit) for s in segments)
        )
    name = f"{key.journey}-trend-{key.metric}" + (f"-{key.step}" if key.step else "")
    return Chart(name, f"{definition.name}: trend against target", alt, data, Table(headers, tuple(rows)), key.journey)


def emotion_chart(jid: str, journey: Journey) -> Chart | None:
    steps: list[EmotionStep] = []
    phases: list[PhaseSpan] = []
    for phase in journey.phases:
        start = len(steps)
        steps += [EmotionStep(step.name, step.emotion, step.moment_of_truth) for step in phase.steps]
        phases.append(PhaseSpan(phase.name, start, len(steps) - 1))
    known = [(s, s.emotion) for s in steps if s.emotion is not None]
    if not known:
        return None
    low, low_emotion = min(known, key=lambda k: k[1])
    high, high_emotion = max(known, key=lambda k: k[1])
    truths = sum(1 for s in steps if s.moment_of_truth)
    alt = (
        f"Emotion curve of the journey '{journey.title}' across its {len(steps)} steps in "
        f"{len(phases)} phases, from 1 (very negative) to 5 (very positive); lowest at "
        f"'{short(low.name, 60)}' ({EMOTION_WORDS[low_emotion]}), highest at '{short(high.name, 60)}' "
        f"({EMOTION_WORDS[high_emotion]})"
        + (f"; {truths} moment{'s' if truths != 1 else ''} of truth starred" if truths else "")
        + "."
    )
    rows = []
    for span in phases:
        for s in steps[span.first : span.last + 1]:
            rows.append(
                (
                    span.name,
                    s.name,
                    "–" if s.emotion is None else f"{s.emotion} ({EMOTION_WORDS[s.emotion]})",
                    "yes" if s.moment_of_truth else "",
                )
            )
    return Chart(
        f"{jid}-emotion",
        "Emotion curve",
        alt,
        EmotionData(tuple(steps), tuple(phases)),
        Table(("Phase", "Step", "Emotion", "Moment of truth"), tuple(rows)),
        jid,
    )


def match_steps(as_is: Journey, to_be: Journey) -> list[tuple[Step | None, Step | None, str]]:
    """The two journeys' steps side by side: (as-is step or None, to-be step or None, how they match).

    A to-be step matches the as-is step with its id, else the one with its name (case and spacing aside);
    `how` is `id`, `name`, `added` (to-be only) or `removed` (as-is only). In the to-be journey's order, each
    removed step placed after the as-is step it followed.
    """

    def key(name: str) -> str:
        return " ".join(name.lower().split())

    old = as_is.steps()
    by_id = {s.id: s for s in old}
    by_name: dict[str, Step] = {}
    for s in old:
        by_name.setdefault(key(s.name), s)
    pairs: list[tuple[Step | None, Step | None, str]] = []
    used: set[str] = set()
    for new in to_be.steps():
        match, how = by_id.get(new.id), "id"
        if match is None or match.id in used:
            match, how = by_name.get(key(new.name)), "name"
        if match is not None and match.id in used:
            match = None
        if match is None:
            pairs.append((None, new, "added"))
        else:
            used.add(match.id)
            pairs.append((match, new, how))
    # removed steps go after the as-is step they followed (or first), so both curves keep their order
    out: list[tuple[Step | None, Step | None, str]] = []
    pending = [s for s in old if s.id not in used]
    position = {s.id: i for i, s in enumerate(old)}
    for pair in pairs:
        if pair[0] is not None:
            while pending and position[pending[0].id] < position[pair[0].id]:
                out.append((pending.pop(0), None, "removed"))
        out.append(pair)
    out += [(s, None, "removed") for s in pending]
    return out


def comparison_chart(as_is_id: str, as_is: Journey, to_be_id: str, to_be: Journey) -> Chart | None:
    """Both emotion curves on one chart, the steps matched by id or name (`match_steps`)."""
    rows, steps = [], []
    for old, new, how in match_steps(as_is, to_be):
        step = new or old
        assert step is not None  # match_steps pairs always hold at least one of the two steps
        name = step.name
        a = old.emotion if old is not None else None
        b = new.emotion if new is not None else None
        steps.append(ComparedStep(name, a, b, how))
        rows.append(
            (
                name,
                "–" if a is None else str(a),
                "–" if b is None else str(b),
                {
                    "id": "same step",
                    "name": "same name",
                    "added": "added in the to-be journey",
                    "removed": "removed in the to-be journey",
                }[how],
            )
        )
    if not any(s.as_is is not None or s.to_be is not None for s in steps):
        return None

    def mean(values: list[int]) -> str:
        return f"{sum(values) / len(values):.1f}" if values else "not recorded"

    before = [s.as_is for s in steps if s.as_is is not None]
    after = [s.to_be for s in steps if s.to_be is not None]
    counts = {how: sum(1 for s in steps if s.match == how) for how in ("id", "name", "added", "removed")}
    alt = (
        f"Two emotion curves on one chart, from 1 (very negative) to 5 (very positive): the as-is journey "
        f"'{as_is.title}' (dashed, average {mean(before)}) and the to-be journey '{to_be.title}' (solid, "
        f"average {mean(after)}), across {len(steps)} steps: {counts['id'] + counts['name']} in both, "
        f"{counts['added']} added, {counts['removed']} removed."
    )
    data = ComparisonData(tuple(steps), (short(as_is.title, 60), short(to_be.title, 60)))
    return Chart(
        f"{to_be_id}-comparison",
        "Emotion: as-is and to-be",
        alt,
        data,
        Table(("Step", "As-is emotion", "To-be emotion", "Match"), tuple(rows)),
        to_be_id,
    )


def multiples_chart(portfolio: Portfolio, jid: str, journey: Journey, statuses: list[MetricStatus]) -> Chart | None:
    size = portfolio.organisation.period
    step_names = {s.id: s.name for s in journey.steps()}
    order = {s.id: n for n, s in enumerate(journey.steps())}
    steps = sorted(
        (m for m in statuses if m.key.step and m.period is not None),
        key=lambda m: (order.get(m.key.step, 0), m.key.metric),
    )
    if not steps:
        return None
    periods = sorted({p.period for m in steps for p in m.series.points})
    panels, rows = [], []
    for m in steps:
        values = {p.period: p.value for p in m.series.points}
        panels.append(
            Panel(
                step_names[m.key.step],
                m.definition.name,
                m.definition.unit,
                tuple(None if (v := values.get(p)) is None else round(v, 4) for p in periods),
                m.definition.target,
                m.definition.warning,
                m.health,
            )
        )
        rows.append(
            (
                step_names[m.key.step],
                m.definition.name,
                fmt(m.value, m.definition.unit),
                period_label(m.period, size),
                fmt(m.definition.target, m.definition.unit),
                health_label(m.health),
            )
        )
    first, last = period_label(periods[0], size), period_label(periods[-1], size)
    counts = {h: sum(1 for m in steps if m.health is h) for h in (Health.on_target, Health.at_risk, Health.off_target)}
    alt = (
        f"Small multiples: {len(panels)} step metric{'s' if len(panels) != 1 else ''} of the journey "
        f"'{journey.title}', each a line from {first} to {last} with its target; "
        + ", ".join(f"{n} {health_words(h)}" for h, n in counts.items() if n)
        + "."
    )
    return Chart(
        f"{jid}-multiples",
        "Step metrics",
        alt,
        MultiplesData(tuple(panels), first, last),
        Table(("Step", "Metric", "Latest", "Period", "Target", "Health"), tuple(rows)),
        jid,
    )


def importance_chart(jid: str, journey: Journey) -> Chart | None:
    rows, table_rows = [], []
    for step in journey.steps():
        for t in step.touchpoints:
            if t.assumed_importance is None and t.validated_importance is None:
                continue
            a, v = t.assumed_importance, t.validated_importance
            rows.append(ImportanceRow(t.name, a, v))
            table_rows.append(
                (
                    t.name,
                    step.name,
                    "–" if a is None else str(a),
                    "–" if v is None else str(v),
                    "–" if a is None or v is None else f"{v - a:+d}",
                )
            )
    if not rows:
        return None
    # the rows rated both ways and differing, each with its gap (validated - assumed)
    gaps = [
        (r, r.validated - r.assumed)
        for r in rows
        if r.assumed is not None and r.validated is not None and r.assumed != r.validated
    ]
    under = sum(1 for _, gap in gaps if gap > 0)
    over = len(gaps) - under
    biggest = max(gaps, key=lambda g: abs(g[1]), default=(None, 0))[0]
    alt = (
        f"Dot plot of {len(rows)} touchpoint{'s' if len(rows) != 1 else ''} of the journey '{journey.title}': "
        f"the importance the company assumes against the importance customers gave in research, 1 to 5; "
        f"customers rate {under} higher and {over} lower than assumed"
        + (
            f"; the biggest gap is '{short(biggest.touchpoint, 60)}' (assumed {biggest.assumed}, "
            f"validated {biggest.validated})"
            if biggest
            else ""
        )
        + "."
    )
    table = Table(("Touchpoint", "Step", "Assumed (inside-out)", "Validated (outside-in)", "Gap"), tuple(table_rows))
    return Chart(
        f"{jid}-importance",
        "Inside-out against outside-in: touchpoint importance",
        alt,
        ImportanceData(tuple(rows)),
        table,
        jid,
    )


def opportunity_chart(
    portfolio: Portfolio, ids: list[str], *, name: str, where: str, journey: str = ""
) -> Chart | None:
    # numbered in backlog order (priority = impact x reach / effort, highest first, ties by id), as the tables
    # beside the chart (the journey's opportunities, the backlog) number them
    items = sorted(
        ((i, portfolio.opportunities[i]) for i in ids if i in portfolio.opportunities),
        key=lambda item: (-item[1].impact * item[1].reach / item[1].effort, item[0]),
    )
    if not items:
        return None
    points = tuple(OpportunityPoint(o.title, o.impact, o.effort, o.reach) for _, o in items)
    quick = sum(1 for o in points if o.impact >= 3 and o.effort <= 3)
    alt = (
        f"Opportunity matrix of {len(points)} opportunit{'ies' if len(points) != 1 else 'y'} {where}: "
        f"impact (1 to 5) against effort (1 to 5), circle size by reach, numbered by priority as in the "
        f"tables; "
        f"{quick} in the quick-win corner (impact 3 or more, effort 3 or less)."
    )
    table = Table(
        ("#", "Opportunity", "Impact", "Effort", "Reach", "Status"),
        tuple(
            (str(n + 1), o.title, str(o.impact), str(o.effort), str(o.reach), o.status.value)
            for n, (_, o) in enumerate(items)
        ),
    )
    return Chart(name, "Opportunity matrix: impact against effort", alt, OpportunitiesData(points), table, journey)


def journey_opportunities(journey: Journey) -> list[str]:
    seen: list[str] = []
    for step in journey.steps():
        for oid in step.opportunities:
            if oid not in seen:
                seen.append(oid)
    return seen


def _segments(series: dict[SeriesKey, Series] | None, key: SeriesKey) -> list[Series]:
    """The segment series of `key`'s metric, journey and step (columns of its trend table)."""
    if not series:
        return []
    return _segment_index(series).get((key.metric, key.journey, key.step), [])


_BY_JOURNEY: list = [None, {}]  # the health index last grouped by journey, and its groups


def journey_statuses(health: HealthIndex) -> dict[str, list]:
    """Each journey's metric statuses, in the index's order (grouped once, not scanned per journey)."""
    if _BY_JOURNEY[0] is not health.metrics:
        groups: dict[str, list] = {}
        for k, m in health.metrics.items():
            groups.setdefault(k.journey, []).append(m)
        _BY_JOURNEY[:] = [health.metrics, groups]
    return _BY_JOURNEY[1]


_INDEXED: list = [None, {}]  # the series dict last indexed, and its index: built once for every journey


def _segment_index(series: dict[SeriesKey, Series]) -> dict[tuple[str, str, str], list[Series]]:
    # scanning every series for each journey's trend charts was quadratic (1,000 journeys x 5,000 series)
    if _INDEXED[0] is not series:
        index: dict[tuple[str, str, str], list[Series]] = {}
        for k, s in series.items():
            if k.segment:
                index.setdefault((k.metric, k.journey, k.step), []).append(s)
        _INDEXED[:] = [series, index]
    return _INDEXED[1]


def journey_charts(
    portfolio: Portfolio, health: HealthIndex, jid: str, series: dict[SeriesKey, Series] | None = None
) -> list[Chart]:
    """Every chart of one journey's page, in page order. `series` adds segment columns to trend tables."""
    journey = portfolio.journeys[jid]
    statuses = journey_statuses(health).get(jid, [])
    charts: list[Chart | None] = []
    for mid in journey.metrics:
        status = health.metrics.get(SeriesKey(mid, jid))
        if status is not None:
            charts.append(
                trend_chart(
                    portfolio, status, where=f"the journey '{journey.title}'", segments=_segments(series, status.key)
                )
            )
    charts.append(emotion_chart(jid, journey))
    charts.append(multiples_chart(portfolio, jid, journey, statuses))
    charts.append(importance_chart(jid, journey))
    charts.append(
        opportunity_chart(
            portfolio,
            journey_opportunities(journey),
            name=f"{jid}-opportunities",
            where=f"for the journey '{journey.title}'",
            journey=jid,
        )
    )
    return [c for c in charts if c is not None]


def step_trend_charts(
    portfolio: Portfolio, health: HealthIndex, jid: str, series: dict[SeriesKey, Series] | None = None
) -> list[Chart]:
    """A full trend chart per step metric (for step detail sections), in step order."""
    journey = portfolio.journeys[jid]
    out = []
    for step in journey.steps():
        for mid in step.metrics:
            status = health.metrics.get(SeriesKey(mid, jid, step.id))
            if status is not None:
                out.append(
                    trend_chart(
                        portfolio,
                        status,
                        where=f"the step '{step.name}' of '{journey.title}'",
                        segments=_segments(series, status.key),
                    )
                )
    return out


def portfolio_opportunity_chart(portfolio: Portfolio) -> Chart | None:
    return opportunity_chart(
        portfolio, sorted(portfolio.opportunities), name="portfolio-opportunities", where="in the portfolio"
    )


def all_charts(
    portfolio: Portfolio, health: HealthIndex, *, steps: bool = False, series: dict[SeriesKey, Series] | None = None
) -> list[Chart]:
    """Every chart of the site: each journey's, then the portfolio-wide ones."""
    charts: list[Chart] = []
    for jid in sorted(portfolio.journeys):
        charts += journey_charts(portfolio, health, jid, series)
        if steps:
            charts += step_trend_charts(portfolio, health, jid, series)
    overall = portfolio_opportunity_chart(portfolio)
    if overall is not None:
        charts.append(overall)
    return charts
