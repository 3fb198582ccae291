"""Health and charts as page fragments: what the site's pages show, as HTML blocks, MkDocs-free.

`compute(portfolio)` runs the metrics pipeline once (series -> health -> chart specs) and returns a
`MetricsView`; its methods give the fragments the page templates embed: a health badge, a journey's
health and charts section, a step's badge for the journey map, department and persona summaries, the
landscape table, and the "needs attention" page. Every text from the portfolio is escaped here.
Links and chart URLs come from the caller (`href(kind, id)`, `chart_src(chart)`), so this module does
not know the site's layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from . import filters
from .charts import Chart, figure_html, fmt
from .health import GroupStatus, Health, HealthIndex, MetricStatus, Trend, assess
from .journey_charts import all_charts, journey_charts
from .metric_data import MetricData, SeriesKey
from .metrics import Series, build_series, period_label
from .portfolio import Portfolio

Href = Callable[[str, str], str]  # (kind, id) -> URL relative to the page; kind: journey, department, persona
ChartSrc = Callable[[Chart], str]

CSS = """\
.journeys-health{display:inline-flex;gap:.3em;align-items:baseline;padding:0 .45em;border-radius:.8em;
  border:1px solid currentColor;font-size:.8em;white-space:nowrap;line-height:1.6}
.journeys-health--on-target{color:#007a5a}
.journeys-health--at-risk{color:#8a5a00}
.journeys-health--off-target{color:#b34700}
.journeys-health--no-data{color:var(--md-default-fg-color--light,#666)}
[data-md-color-scheme="slate"] .journeys-health--on-target{color:#3ccf9f}
[data-md-color-scheme="slate"] .journeys-health--at-risk{color:#f0b43c}
[data-md-color-scheme="slate"] .journeys-health--off-target{color:#ff8a4c}
.journeys-trend{font-size:.8em;color:var(--md-default-fg-color--light,#666);white-space:nowrap}
.journeys-chart{margin:1em 0 .3em}
.journeys-chart img{max-width:100%;height:auto}
.journeys-chart figcaption{font-size:.8em;margin-top:.2em}
.journeys-chart-data{font-size:.8em}
"""


def _e(text: object) -> str:
    # filters.py decides how user text is escaped, here as in the templates
    return str(filters.attr(text))


def badge(health: Health, trend: Trend | None = None, *, trend_year: Trend | None = None) -> str:
    """`● On target ↑` as a span: symbol and word, never colour alone."""
    out = (f'<span class="journeys-health journeys-health--{health.value}" title="Health: {health.label}">'
           f'<span aria-hidden="true">{health.symbol}</span>{health.label}</span>')
    if trend is not None and trend is not Trend.unknown:
        words = f"{trend.value} than the previous period"
        if trend_year is not None and trend_year is not Trend.unknown:
            words += f", {trend_year.value} than a year before"
        out += (f' <span class="journeys-trend" title="{_e(words)}"><span aria-hidden="true">{trend.symbol}</span> '
                f"{trend.value}</span>")
    return out


def group_badge(group: GroupStatus | None) -> str:
    if group is None:
        return badge(Health.no_data)
    return badge(group.health, group.trend, trend_year=group.trend_year)


def _change(now: float | None, before: float | None, unit: str) -> str:
    if now is None or before is None:
        return "–"
    delta = now - before
    sign = "+" if delta > 0 else ""
    return sign + fmt(delta, unit)


@dataclass
class MetricsView:
    portfolio: Portfolio
    data: MetricData
    series: dict[SeriesKey, Series]
    health: HealthIndex
    charts: dict[str, list[Chart]] = field(default_factory=dict)  # journey id -> charts, "" -> portfolio-wide

    # ------------------------------------------------------------------ all charts, for the cache
    def all_charts(self) -> list[Chart]:
        return [c for charts in self.charts.values() for c in charts]

    # ------------------------------------------------------------------ tables
    def metric_rows(self, statuses: list[MetricStatus], *, href: Href | None = None, show_where: bool = False,
                    show_step: bool = False) -> str:
        size = self.portfolio.organisation.period
        head = (("<th>Journey</th>" if show_where else "") + ("<th>Step</th>" if show_where or show_step else "") +
                "<th>Metric</th><th>Latest</th><th>Target</th><th>Health</th><th>vs previous period</th>"
                "<th>vs a year before</th>")
        rows = []
        for m in statuses:
            d = m.definition
            unit = d.unit
            latest = (f"{fmt(m.value, unit)} ({period_label(m.period, size)})" if m.period else "no data")
            where = ""
            journey = self.portfolio.journeys[m.key.journey]
            step = next((s.name for s in journey.steps() if s.id == m.key.step), "") if m.key.step else "(whole journey)"
            if show_where:
                title = _e(journey.title)
                link = f'<a href="{_e(href("journey", m.key.journey))}">{title}</a>' if href else title
                where = f"<td>{link}</td>"
            if show_where or show_step:
                where += f"<td>{_e(step)}</td>"
            rows.append(
                f"<tr>{where}<td>{_e(d.name)}</td><td>{_e(latest)}</td><td>{_e(fmt(d.target, unit))}</td>"
                f"<td>{badge(m.health)}</td><td>{_e(_change(m.value, m.previous, unit))} {m.trend.symbol}</td>"
                f"<td>{_e(_change(m.value, m.year_ago, unit))} {m.trend_year.symbol}</td></tr>")
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"

    # ------------------------------------------------------------------ journey page
    def journey_statuses(self, jid: str) -> list[MetricStatus]:
        journey = self.portfolio.journeys[jid]
        order = {s.id: n + 1 for n, s in enumerate(journey.steps())}
        found = [m for k, m in self.health.metrics.items() if k.journey == jid]
        return sorted(found, key=lambda m: (order.get(m.key.step, 0), m.key.metric))

    def journey_badge(self, jid: str) -> str:
        return group_badge(self.health.journeys.get(jid))

    def step_badge(self, jid: str, step_id: str) -> str:
        group = self.health.steps.get((jid, step_id))
        return "" if group is None or not group.members else group_badge(group)

    def journey_section(self, jid: str, chart_src: ChartSrc, *, heading: str = "##") -> str:
        """The journey page's "Health and metrics" section: badge, metric table, charts with their data."""
        statuses = self.journey_statuses(jid)
        parts = [f"{heading} Health and metrics\n"]
        group = self.health.journeys.get(jid)
        if statuses:
            parts.append(f"<p>Journey health: {group_badge(group)}</p>\n")
            parts.append(self.metric_rows(statuses, show_step=True) + "\n")
        else:
            parts.append("<p>No metric data yet for this journey: add rows for its metrics to "
                         "<code>journeys/data/</code> (see Metrics and health).</p>\n")
        for chart in self.charts.get(jid, []):
            parts.append(figure_html(chart, chart_src(chart)))
        return "\n".join(parts)

    # ------------------------------------------------------------------ other pages
    def department_section(self, dept: str, href: Href, *, heading: str = "##") -> str:
        group = self.health.departments.get(dept)
        if group is None or not group.members:
            return f"{heading} Health\n\n<p>{badge(Health.no_data)} No metric of its steps or journeys has data.</p>\n"
        worst = sorted(group.members, key=lambda m: (-m.health.rank, -(m.distance or 0.0), m.key))
        return (f"{heading} Health\n\n<p>Department health: {group_badge(group)}, the worst of the metrics of the "
                f"steps and journeys it owns:</p>\n\n" + self.metric_rows(worst, href=href, show_where=True) + "\n")

    def persona_section(self, persona: str, href: Href, *, heading: str = "##") -> str:
        group = self.health.personas.get(persona)
        journeys = [jid for jid, j in sorted(self.portfolio.journeys.items()) if persona in j.personas]
        items = "".join(f'<li><a href="{_e(href("journey", jid))}">{_e(self.portfolio.journeys[jid].title)}</a> '
                        f"{self.journey_badge(jid)}</li>" for jid in journeys)
        return f"{heading} Health\n\n<p>Across their journeys: {group_badge(group)}</p>\n<ul>{items}</ul>\n"

    def landscape_table(self, href: Href) -> str:
        """Every journey with its health and trend, worst first: for the home page."""
        rows = []
        ranked = sorted(self.portfolio.journeys,
                        key=lambda j: (-self.health.journeys[j].health.rank if j in self.health.journeys else 0, j))
        for jid in ranked:
            journey = self.portfolio.journeys[jid]
            group = self.health.journeys.get(jid)
            worst = group.worst if group else None
            note = (f"{_e(worst.definition.name)}: {_e(fmt(worst.value, worst.definition.unit))}"
                    if worst and worst.health in (Health.at_risk, Health.off_target) else "")
            rows.append(f'<tr><td><a href="{_e(href("journey", jid))}">{_e(journey.title)}</a></td>'
                        f"<td>{group_badge(group)}</td><td>{note}</td></tr>")
        return ("<table><thead><tr><th>Journey</th><th>Health</th><th>Furthest from target</th></tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>")

    def attention_page(self, href: Href, *, title: str = "Needs attention") -> str:
        """The "needs attention" page (Markdown with HTML blocks): at-risk and off-target series, worst first."""
        items = self.health.attention()
        size = self.portfolio.organisation.period
        intro = (f"# {title}\n\nEvery metric at risk or off target in its latest {size}, furthest from target "
                 "first. *Distance* is how far short of target in warning bands: 1 is at the warning line, "
                 "2 a whole band beyond it (see Metrics and health).\n\n")
        if not items:
            return intro + "<p>Nothing: every metric with data is on target.</p>\n"
        rows = []
        for n, m in enumerate(items, 1):
            journey = self.portfolio.journeys[m.key.journey]
            step = (next((s.name for s in journey.steps() if s.id == m.key.step), m.key.step)
                    if m.key.step else "(whole journey)")
            unit = m.definition.unit
            rows.append(
                f"<tr><td>{n}</td><td>{badge(m.health)}</td><td>{m.distance:.2f}</td>"
                f'<td><a href="{_e(href("journey", m.key.journey))}">{_e(journey.title)}</a></td><td>{_e(step)}</td>'
                f"<td>{_e(m.definition.name)}</td><td>{_e(fmt(m.value, unit))} ({_e(period_label(m.period, size))})</td>"
                f"<td>{_e(fmt(m.definition.target, unit))}</td><td>{m.trend.symbol} {m.trend.value}</td></tr>")
        return intro + ("<table><thead><tr><th>#</th><th>Health</th><th>Distance</th><th>Journey</th><th>Step</th>"
                        "<th>Metric</th><th>Latest</th><th>Target</th><th>Trend</th></tr></thead>"
                        f"<tbody>{''.join(rows)}</tbody></table>\n")


def compute(portfolio: Portfolio, data: MetricData | None = None, *, step_charts: bool = False) -> MetricsView:
    """Series, health and chart specs of a checked portfolio (`check()` sets `portfolio.metric_data`)."""
    data = data or portfolio.metric_data or MetricData(portfolio.organisation.period,
                                                       portfolio.organisation.min_responses)
    series = build_series(portfolio, data)
    health = assess(portfolio, series)
    view = MetricsView(portfolio, data, series, health)
    for jid in sorted(portfolio.journeys):
        view.charts[jid] = journey_charts(portfolio, health, jid, series)
    overall = [c for c in all_charts(portfolio, health) if not c.journey]
    view.charts[""] = overall
    return view
