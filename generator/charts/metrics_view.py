"""The metrics pipeline run once for a portfolio: series -> health -> chart specs, MkDocs-free.

`compute(portfolio)` returns a `MetricsView`; `site/metrics_extras.py` turns it into the site's extras
(badges, tables and chart assets for the page templates) and `journeys diff` compares two of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.charts.journey_charts import comparison_chart, journey_charts, portfolio_opportunity_chart
from generator.charts.specs import Chart
from generator.metrics.health import HealthIndex, assess
from generator.metrics.series import Series, SeriesMemo, build_series
from generator.model.metric_data import MetricData, SeriesKey
from generator.model.portfolio import Portfolio


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


def compute(
    portfolio: Portfolio, data: MetricData | None = None, *, series_memo: SeriesMemo | None = None
) -> MetricsView:
    """Series, health and chart specs of a checked portfolio (`check()` sets `portfolio.metric_data`); with
    `series_memo` (the live preview), the series of data read before are not built again."""
    data = (
        data or portfolio.metric_data or MetricData(portfolio.organisation.period, portfolio.organisation.min_responses)
    )
    series = series_memo.series_of(portfolio, data) if series_memo is not None else build_series(portfolio, data)
    health = assess(portfolio, series)
    view = MetricsView(portfolio, data, series, health)
    for jid in sorted(portfolio.journeys):
        view.charts[jid] = journey_charts(portfolio, health, jid, series)
    for jid in sorted(portfolio.journeys):  # each as-is/to-be pair: its comparison page's chart
        to_be = portfolio.journeys[jid]
        as_is = portfolio.journeys.get(to_be.replaces or "")
        # `as_is` is found only when `replaces` names a journey: testing `replaces` too only narrows its type
        chart = (
            comparison_chart(to_be.replaces, as_is, jid, to_be)
            if as_is and to_be.replaces and to_be.replaces != jid
            else None
        )
        if chart is not None:
            view.charts[f"compare:{jid}"] = [chart]
    overall = portfolio_opportunity_chart(portfolio)
    view.charts[""] = [overall] if overall is not None else []
    return view
