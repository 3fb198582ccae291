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
from pathlib import Path

from markupsafe import Markup

from generator.charts.cache import RenderStats, ensure, read_chart
from generator.charts.draw import Chart, fmt
from generator.site.chart_tables import table_html
from generator.metrics.health import GroupStatus, MetricStatus, roll_up
from generator.load.history import History
from generator.charts.metrics_view import MetricsView, compute
from generator.metrics.series import period_label
from generator.model.portfolio import Portfolio
from generator.site.render import Chart as SiteChart
from generator.site.render import Extras

CHART_DIR = "assets/charts"


def _trend(group: GroupStatus) -> str:
    return group.trend.value


def chart_paths(view: MetricsView) -> dict[str, Chart]:
    """Every chart of the site by its path in the site (`assets/charts/<kind>-<digest>.svg`)."""
    return {f"{CHART_DIR}/{c.filename}": c for owned in view.charts.values() for c in owned}


def extras_from(view: MetricsView, cache: Path, *, chart_bytes: bool = True) -> Extras:
    """The site's extras from computed metrics whose charts are in `cache` (with `chart_bytes=False`: not
    yet; the pages only name the chart files, and `assets` leaves them out)."""
    p, h = view.portfolio, view.health
    size = p.organisation.period
    health: dict[str, str] = {}
    trends: dict[str, str] = {}

    decided: dict[str, str] = {}

    def place(m: MetricStatus, journey: bool) -> str:
        """Where a series is measured, in words: its step (or the whole journey), its journey if asked."""
        j = p.journeys.get(m.key.journey)
        step = next((s.name for s in j.steps() if s.id == m.key.step), m.key.step) if j and m.key.step else ""
        where = step or "the whole journey"
        title = j.title if j else m.key.journey
        return f"{title}: {where}" if journey else where

    def put(key: str, group: GroupStatus, *, metric: bool = False, journey: bool = True) -> None:
        if group.members:
            health[key] = group.health.value
            trends[key] = _trend(group)
            worst = group.worst
            if len(group.members) > 1 and worst is not None:
                # a roll-up is the worst of its places: say which one decided it
                n = len(group.members)
                decided[key] = (f"worst of {n} places: {place(worst, journey)}" if metric else
                                f"worst of {n} measures: {worst.definition.name} at {place(worst, journey)}")

    for jid, group in h.journeys.items():
        put(f"journey:{jid}", group, journey=False)
    for (jid, sid), group in h.steps.items():
        put(f"step:{jid}/{sid}", group, journey=False)
    for dept, group in h.departments.items():
        put(f"department:{dept}", group)
    for persona, group in h.personas.items():
        put(f"persona:{persona}", group)
    by_metric: dict[str, list[MetricStatus]] = {}
    by_metric_journey: dict[tuple[str, str], list[MetricStatus]] = {}
    for key, status in h.metrics.items():
        by_metric.setdefault(key.metric, []).append(status)
        by_metric_journey.setdefault((key.metric, key.journey), []).append(status)
    for mid, members in by_metric.items():
        put(f"metric:{mid}", roll_up(members, size), metric=True)
    latest: dict[str, str] = {}
    for (mid, jid), members in by_metric_journey.items():
        put(f"metric:{mid}@{jid}", roll_up(members, size), metric=True, journey=False)
        whole = next((m for m in members if not m.key.step), None)
        shown = whole or max(members, key=lambda m: (m.health.rank, m.distance or 0.0))
        if shown.period is not None:
            latest[f"metric:{mid}@{jid}"] = f"{fmt(shown.value, shown.definition.unit)} ({period_label(shown.period, size)})"
    charts: dict[str, list[SiteChart]] = {}
    assets: dict[str, bytes] = {}
    for owner, owned in view.charts.items():
        for c in owned:
            path = f"{CHART_DIR}/{c.filename}"
            if chart_bytes:
                assets[path] = read_chart(cache, c)
            if owner:
                charts.setdefault(owner, []).append(
                    SiteChart(path, c.alt, c.title, table=Markup(table_html(c.table)), kind=c.kind))
    overall = view.charts.get("", [])
    attention = []
    for m in h.attention():
        journey = p.journeys[m.key.journey]
        step = next((s.name for s in journey.steps() if s.id == m.key.step), m.key.step) if m.key.step else ""
        unit = m.definition.unit
        attention.append({
            "journey": m.key.journey, "step": m.key.step, "step_name": step, "metric": m.key.metric,
            "health": m.health.value, "distance": f"{m.distance:.2f}",
            "latest": f"{fmt(m.value, unit)} ({period_label(m.period, size)})",
            "target": fmt(m.definition.target, unit), "warning": fmt(m.definition.warning, unit),
            "trend": m.trend.value, "trend_year": m.trend_year.value,
        })
    portfolio_charts = [SiteChart(f"{CHART_DIR}/{c.filename}", c.alt, c.title, table=Markup(table_html(c.table)),
                                  kind=c.kind) for c in overall]
    return Extras(health=health, charts=charts, assets=dict(sorted(assets.items())), trends=trends,
                  latest=latest, decided=decided, attention=attention, portfolio_charts=portfolio_charts)


def site_extras(portfolio: Portfolio, *, cache: Path, workers: int | None = None,
                history: History | None = None) -> tuple[Extras, RenderStats]:
    """Compute the metrics, draw the missing charts into `cache`, and return the site's extras."""
    view = compute(portfolio)
    stats = ensure(view.all_charts(), cache, workers=workers)
    extras = extras_from(view, cache)
    if history is not None:
        extras = dataclasses.replace(extras, history=history)
    return extras, stats


def site_extras_without_charts(portfolio: Portfolio, *, cache: Path, history: History | None = None
                               ) -> tuple[Extras, dict[str, Chart]]:
    """`site_extras` without drawing: the extras (pages) are ready at once, without the chart files; those
    are the returned paths, for the caller to draw (`chart_cache.start`) while it does other work, then read
    from `cache` (`read_chart`). The MkDocs plugin renders its pages meanwhile."""
    view = compute(portfolio)
    extras = extras_from(view, cache, chart_bytes=False)
    if history is not None:
        extras = dataclasses.replace(extras, history=history)
    return extras, chart_paths(view)
