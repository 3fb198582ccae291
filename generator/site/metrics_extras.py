"""The metrics stage of the site: health, trends, latest values, charts and the needs-attention list,
handed to `site.render_site` as its `Extras`.

`site_extras(portfolio, cache=...)` computes series and health (`metric_views.compute`), makes sure every
chart is in the chart cache (`chart_cache.ensure`: only missing ones are drawn), and returns the extras
with the charts' SVG bytes as site assets under `assets/charts/` (`journeys generate`).
`site_extras_without_charts` is the same without drawing: the MkDocs plugin draws the charts in the
background while MkDocs renders the pages. Both publish the same pages. MkDocs-free.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import TypeVar

from markupsafe import Markup

from generator.charts.cache import RenderStats, ensure, read_chart
from generator.charts.draw import fmt
from generator.charts.metrics_view import MetricsView, ViewMemo, compute
from generator.charts.specs import Chart
from generator.load.history import History
from generator.metrics.health import GroupStatus, HealthIndex, MetricStatus, metric_places
from generator.metrics.series import period_label
from generator.metrics.wording import decided_words
from generator.model.ids import JourneyId, MetricAt, MetricId, StepId
from generator.model.portfolio import Portfolio
from generator.site.chart_tables import table_html
from generator.site.render import Extras, PageChart
from generator.site.standing import Attention, Badge, Standings

CHART_DIR = "assets/charts"
K = TypeVar("K")


def _where(p: Portfolio | None, m: MetricStatus, journey: bool) -> str:
    """Where a series is measured, in words: its step (or the whole journey), after its journey if asked."""
    j = p.journeys.get(m.key.journey) if p is not None else None
    step = next((s.name for s in j.steps() if s.id == m.key.step), m.key.step) if j else m.key.step
    where = step or "the whole journey"
    return f"{j.title if j else m.key.journey}: {where}" if journey else where


def _badge(group: GroupStatus, p: Portfolio | None = None, *, metric: bool = False, journey: bool = False) -> Badge:
    """A group's badge; a roll-up of several series says which one decided it (the worst): by its place for one
    metric's places (`metric`), by its metric and place otherwise; `journey`: its journey named too."""
    worst = group.worst
    decided = ""
    if len(group.members) > 1 and worst is not None:
        decided = decided_words(
            len(group.members), _where(p, worst, journey), None if metric else worst.definition.name
        )
    return Badge(group.health, group.trend, decided)


def standings(h: HealthIndex, p: Portfolio | None = None) -> Standings:
    """The badges of every place with data (a group without members shows `no data`), and the latest value of
    each metric in each journey: its whole-journey series', else its worst step series'. With the portfolio,
    a roll-up's badge names its steps and journeys by their titles, else by their ids."""
    size = h.period_size
    places = metric_places(h)
    latest: dict[MetricAt, str] = {}
    for place, group in places.items():
        if place.journey is None:
            continue
        whole = next((m for m in group.members if not m.key.step), None)
        shown = whole or max(group.members, key=lambda m: (m.health.rank, m.distance or 0.0))
        if shown.period is not None:
            latest[place] = f"{fmt(shown.value, shown.definition.unit)} ({period_label(shown.period, size)})"

    def badges(groups: Mapping[K, GroupStatus], journey: bool) -> dict[K, Badge]:
        return {key: _badge(group, p, journey=journey) for key, group in groups.items() if group.members}

    # a metric across the portfolio names the journey of its worst place; in one journey, only the step
    metrics = {
        place: _badge(group, p, metric=True, journey=place.journey is None)
        for place, group in places.items()
        if group.members
    }
    return Standings(
        journeys=badges(h.journeys, False),
        steps=badges(h.steps, False),
        departments=badges(h.departments, True),
        personas=badges(h.personas, True),
        metrics=metrics,
        latest=latest,
    )


def attention(p: Portfolio, h: HealthIndex) -> list[Attention]:
    """The series at risk or off target, furthest from target first, formatted for the pages."""
    size = p.organisation.period
    out = []
    for m in h.attention():
        journey = p.journeys[m.key.journey]
        step = next((s.name for s in journey.steps() if s.id == m.key.step), m.key.step) if m.key.step else ""
        unit = m.definition.unit
        out.append(
            Attention(
                journey=JourneyId(m.key.journey),
                step=m.key.step,
                step_name=step,
                metric=MetricId(m.key.metric),
                health=m.health,
                distance=f"{m.distance:.2f}",
                latest=f"{fmt(m.value, unit)} ({period_label(m.period, size)})",
                target=fmt(m.definition.target, unit),
                warning=fmt(m.definition.warning, unit),
                trend=m.trend,
                trend_year=m.trend_year,
            )
        )
    return out


def measures(h: HealthIndex) -> dict[JourneyId | StepId, list[dict]]:
    """The latest value of each series by where it is measured (its step, else its journey), for
    api/portfolio.json: dicts of metric, segment, value (number), period (`2026-10`), health and trend."""
    out: dict[JourneyId | StepId, list[dict]] = {}
    for key, status in sorted(
        h.metrics.items(), key=lambda kv: (kv[0].journey, kv[0].step, kv[0].metric, kv[0].segment)
    ):
        jid = JourneyId(key.journey)
        where: JourneyId | StepId = StepId(jid, key.step) if key.step else jid
        out.setdefault(where, []).append(
            {
                "metric": key.metric,
                "segment": key.segment or None,
                "value": status.value,
                "period": period_label(status.period, h.period_size) if status.period else None,
                "health": status.health.value,
                "trend": status.trend.value,
            }
        )
    return out


def chart_paths(view: MetricsView) -> dict[str, Chart]:
    """Every chart of the site by its path in the site (`assets/charts/<kind>-<digest>.svg`)."""
    return {f"{CHART_DIR}/{c.filename}": c for owned in view.charts.values() for c in owned}


def extras_from(view: MetricsView, cache: Path, *, chart_bytes: bool = True) -> Extras:
    """The site's extras from computed metrics whose charts are in `cache` (with `chart_bytes=False`: not
    yet; the pages only name the chart files, and `assets` leaves them out)."""
    p = view.portfolio
    charts: dict[str, list[PageChart]] = {}
    assets: dict[str, bytes] = {}
    for owner, owned in view.charts.items():
        for c in owned:
            path = f"{CHART_DIR}/{c.filename}"
            if chart_bytes:
                assets[path] = read_chart(cache, c)
            if owner:
                charts.setdefault(owner, []).append(
                    PageChart(path, c.alt, c.title, table=Markup(table_html(c.table)), kind=c.kind)
                )
    overall = view.charts.get("", [])
    portfolio_charts = [
        PageChart(f"{CHART_DIR}/{c.filename}", c.alt, c.title, table=Markup(table_html(c.table)), kind=c.kind)
        for c in overall
    ]
    return Extras(
        standings=standings(view.health, p),
        charts=charts,
        assets=dict(sorted(assets.items())),
        attention=attention(p, view.health),
        portfolio_charts=portfolio_charts,
        measures=measures(view.health),
    )


def site_extras(
    portfolio: Portfolio, *, cache: Path, workers: int | None = None, history: History | None = None
) -> tuple[Extras, RenderStats]:
    """Compute the metrics, draw the missing charts into `cache`, and return the site's extras."""
    view = compute(portfolio)
    stats = ensure(view.all_charts(), cache, workers=workers)
    extras = extras_from(view, cache)
    if history is not None:
        extras = dataclasses.replace(extras, history=history)
    return extras, stats


def site_extras_without_charts(
    portfolio: Portfolio, *, cache: Path, history: History | None = None, memo: ViewMemo | None = None
) -> tuple[Extras, dict[str, Chart]]:
    """`site_extras` without drawing: the extras (pages) are ready at once, without the chart files; those
    are the returned paths, for the caller to draw (`chart_cache.start`) while it does other work, then read
    from `cache` (`read_chart`). The MkDocs plugin renders its pages meanwhile. `memo`: see `compute`."""
    view = compute(portfolio, memo=memo)
    extras = extras_from(view, cache, chart_bytes=False)
    if history is not None:
        extras = dataclasses.replace(extras, history=history)
    return extras, chart_paths(view)
