"""The pipeline: the one place where the stages are composed.

    load (check)  ->  history  ->  metrics + chart specs  ->  site pages  ->  charts drawn
    `Pipeline.check`            `Pipeline.render`                           now, or in the background

The MkDocs plugin and every command call this module; none of them composes stages itself. A `Pipeline`
holds what one project needs between its steps (its options, resolved paths, the caches); the adapters
decide only how to report (print, MkDocs errors) and where the files go (MkDocs, a folder).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.charts.cache import cache_dir
from generator.common.diagnostics import Report
from generator.load.check import check, summary_line
from generator.model.portfolio import Portfolio
from generator.options import Options

if TYPE_CHECKING:
    from generator.charts.cache import Drawing, RenderStats
    from generator.charts.specs import Chart
    from generator.site.render import Extras, Site


@dataclass
class Checked:
    """A checked portfolio: what loaded, and every problem found."""

    portfolio: Portfolio
    report: Report

    @property
    def ok(self) -> bool:
        return not self.report.errors

    def summary(self) -> str:
        """`✓ 12 journeys, 104 steps: 0 errors, 0 warnings`: the last line of every check."""
        return summary_line(self.portfolio, self.report)


@dataclass
class Rendered:
    """The site's pages and assets, and its charts: drawn (`stats`), or still to draw (`pending`)."""

    site: Site
    extras: Extras
    charts: dict[str, Chart] = field(default_factory=dict)  # site path -> chart
    stats: RenderStats | None = None


@dataclass
class Pipeline:
    """One project's pipeline. `root` is the folder paths in the options are relative to (mkdocs.yml's)."""

    options: Options
    root: Path = field(default_factory=Path.cwd)
    custom_dir: str | None = None  # the theme's custom_dir, whose `journeys/` folder overrides templates

    @property
    def portfolio_dir(self) -> Path:
        return self.root / self.options.portfolio

    @property
    def chart_cache(self) -> Path:
        """The cache folder (charts, parsed files, converted text): an absolute option as it is, a relative one
        from `root`."""
        return cache_dir(self.options.chart_cache, base=self.root)

    @property
    def template_dirs(self) -> list[Path]:
        if self.options.templates:
            return [self.root / self.options.templates]
        return [Path(self.custom_dir) / "journeys"] if self.custom_dir else []

    # ------------------------------------------------------------------ stages
    def check(self, *, shown_from: Path | None = None, folder: Path | None = None, cached: bool = True) -> Checked:
        """Load and validate the portfolio (`folder`, default the option's); `shown_from` is the folder error
        paths are written relative to; with `cached`, files parsed by an earlier run are not parsed again."""
        portfolio, report = check(
            folder if folder is not None else self.portfolio_dir,
            strict=self.options.strict,
            base=shown_from,
            max_bytes=self.options.max_bytes,
            cache_dir=self.chart_cache if cached else None,
        )
        return Checked(portfolio, report)

    def render(self, checked: Checked, *, draw: bool = True, guide: Iterable[str] = ()) -> Rendered:
        """The site of a valid portfolio. With `draw`, missing charts are drawn before this returns; without,
        `start_drawing` draws them while the caller goes on (the pages only name the chart files). `guide`: the
        pages of the project's user guide built into the site (`docs_dir`-relative), which pages may link."""
        # imported here: `journeys check` runs only the first stage and should not load the others
        from generator.load.history import history
        from generator.site import text_cache
        from generator.site.metrics_extras import site_extras, site_extras_without_charts
        from generator.site.render import render_site

        portfolio = checked.portfolio
        cache = self.chart_cache
        stats: RenderStats | None = None
        if draw:
            extras, stats = site_extras(portfolio, cache=cache, history=history(portfolio))
            charts: dict[str, Chart] = {}
        else:
            extras, charts = site_extras_without_charts(portfolio, cache=cache, history=history(portfolio))
        with text_cache.kept(cache) as texts:
            site = render_site(
                portfolio,
                warnings=checked.report.warnings,
                extras=extras,
                template_dirs=self.template_dirs,
                texts=texts,
                downloads=self.options.downloads,
                guide=guide,
            )
        return Rendered(site, extras, charts, stats)

    def start_drawing(self, rendered: Rendered) -> Drawing:
        """Draw the charts `render(draw=False)` left, in worker processes; call after rendering, which may fork."""
        from generator.charts.cache import start

        return start(list(rendered.charts.values()), self.chart_cache)
