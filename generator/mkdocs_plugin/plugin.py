"""The MkDocs plugin `journeys`: a thin adapter from MkDocs' events to the pipeline's pure functions.

- `on_config`: validate the portfolio (`check`); a bad portfolio stops the build with the same
  `file:line:col` messages as `journeys check`, no traceback. Render the site (`render_site`) and put its
  navigation in front of the project's own `nav` (or of every page in `docs/`, as a "User guide").
- `on_files`: add every page and asset as a virtual file; nothing is written into `docs/`. Missing
  charts are drawn in the background while MkDocs renders the pages (`chart_cache.start`): their files
  are written at `on_post_build`, once drawn (`_LateChart`).
- `on_pre_page`: each generated page's edit link points at the YAML file it comes from.
- `on_page_content`, `on_post_build` (after the search plugin's): the search index gets one entry per
  journey step (`search_steps`), so a step's name, pain point or touchpoint finds the journey. A failed
  build stops the chart workers (`on_build_error`).
- `on_serve`: `mkdocs serve` rebuilds when anything under the portfolio folder or the templates changes.

This is the only module that imports MkDocs.
"""

from __future__ import annotations

import gc
import os
import posixpath
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage

from generator.charts.cache import Drawing, read_chart
from generator.charts.specs import Chart
from generator.mkdocs_plugin.config import JourneysConfig, options_of
from generator.options import Options
from generator.pipeline import Pipeline
from generator.site.markdown_ext import CaptionExtension
from generator.site.render import PATHS, Site
from generator.site.search_steps import MapText, map_text, split_map_sections

# generated pages a project may ship itself in docs/ (the docs copy wins): the portfolio reference, which
# `journeys reference` writes from the same models
OVERRIDABLE = {PATHS["reference"]}
# with `guide: link`, the one page of the project's guide in the navigation
GUIDE_INDEX = "guide/index.md"

log = get_plugin_logger(__name__)

# The Markdown extensions the generated pages are written for.
NEEDED_EXTENSIONS = ("attr_list", "md_in_html", "tables", "toc")


class _LateChart(File):
    """A chart whose picture may still be being drawn: MkDocs' copying of static files (before the pages are
    written) skips it; the plugin writes it at `on_post_build`, once the drawing is done."""

    def copy_file(self, dirty: bool = False) -> None:
        pass


class JourneysPlugin(BasePlugin):  # its config class is made from Options at import
    config_class = JourneysConfig  # made from generator.options.Options

    def __init__(self) -> None:
        self.site: Site | None = None
        self._drawing: Drawing | None = None
        self._charts: dict[str, Chart] = {}  # site path -> chart, written at on_post_build
        self._chart_cache = Path()
        self.root = Path.cwd()
        # page URL -> its journey map's text; kept across `mkdocs serve --dirty` rebuilds, which render
        # only the changed pages while the search plugin rewrites the whole index
        self._maps: dict[str, MapText] = {}

    @property
    def options(self) -> Options:
        return options_of(self.config)

    def _portfolio_dir(self) -> Path:
        return (self.root / self.options.portfolio).resolve()

    # ------------------------------------------------------------------ events
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # The portfolio, its metrics and the pages are millions of objects that live until the build ends
        # and hold no garbage cycles: the cyclic collector would scan them over and over, while they are
        # made and then through MkDocs' whole build. Paused while they are made; then, in a one-off
        # `mkdocs build` (not `serve`, which rebuilds in one process), moved out of its sight (`gc.freeze`).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._configure(config)
        finally:
            if collecting:
                gc.enable()
            if getattr(self, "_command", "") == "build":
                gc.freeze()

    def _configure(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()
        pipeline = Pipeline(self.options, root=self.root, custom_dir=config.theme.custom_dir)
        if not pipeline.portfolio_dir.is_dir():
            raise PluginError(f"journeys: the portfolio folder '{self.options.portfolio}' does not exist "
                              f"(set `portfolio:` of the journeys plugin in {config.config_file_path or 'mkdocs.yml'})")
        checked = pipeline.check(shown_from=Path.cwd(), folder=pipeline.portfolio_dir.resolve())
        if not checked.ok:
            lines = [g.text() for g in checked.report.grouped()]
            lines.append(checked.summary())
            raise PluginError("journeys: the portfolio is invalid:\n" + "\n".join(lines))
        for d in checked.report.warnings:
            log.info(d.text())  # governance gaps are listed on the governance page; not a build warning
        self._stop_drawing()  # `mkdocs serve`: a rebuild that failed before on_post_build left one running
        rendered = pipeline.render(checked, draw=False)
        self.site, self._charts, self._chart_cache = rendered.site, rendered.charts, pipeline.chart_cache
        # after rendering, which may fork (render_pool): the pool's threads must not exist yet
        self._drawing = pipeline.start_drawing(rendered)
        self._templates = pipeline.template_dirs
        self._sources = self._edit_paths(rendered.site)
        for name in NEEDED_EXTENSIONS:
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
        if not any(isinstance(e, CaptionExtension) for e in config.markdown_extensions):
            config.markdown_extensions.append(CaptionExtension())
        if self.options.nav:
            config.nav = self.site.nav + (config.nav if config.nav is not None else self._guide(config))
        return config

    def _edit_paths(self, site: Site) -> dict[str, str]:
        """Page path -> the source file's path from the project root (for edit links)."""
        out = {}
        for path, page in site.pages.items():
            if page.source:
                full = (Path.cwd() / page.source).resolve()
                try:
                    out[path] = full.relative_to(self.root).as_posix()
                except ValueError:
                    continue
        return out

    def _guide_pages(self, config: MkDocsConfig) -> list[str]:
        """The project's own pages: those of docs_dir the generated nav does not list (it lists the portfolio
        reference, docs/reference.md, which this repository ships)."""
        docs = Path(config.docs_dir)
        listed = set(PATHS.values())
        return sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")
                      if p.relative_to(docs).as_posix() not in listed)

    def _guide(self, config: MkDocsConfig) -> list:
        pages = self._guide_pages(config)
        if self.options.guide == "section" and pages:
            return [{"User guide": pages}]
        if self.options.guide == "link" and GUIDE_INDEX in pages:
            return [{"User guide": GUIDE_INDEX}]
        return []

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.site is not None
        if self.options.guide != "section":
            for path in self._guide_pages(config):
                file = files.get_file_from_path(path)
                if file is None:
                    continue
                if self.options.guide == "off":
                    files.remove(file)
                elif path != GUIDE_INDEX:
                    file.inclusion = InclusionLevel.NOT_IN_NAV  # reached from guide/index.md, not the nav
        for path, content in self.site.files().items():
            if path in OVERRIDABLE and files.get_file_from_path(path) is not None:
                continue  # the project ships this page (this repository: docs/reference.md, kept fresh by a test)
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"journeys: {config.docs_dir}/{path} is in the way of the generated page "
                                  f"'{path}': rename or remove it (the journeys plugin generates it)")
            files.append(File.generated(config, path, content=content))
        for path in self._charts:
            files.append(_LateChart.generated(config, path, content=b""))
        return files

    def on_page_markdown(self, markdown: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files) -> str:
        if self.options.guide == "link" and self.site is not None and page.file.src_uri not in self.site.pages \
                and page.file.src_uri not in OVERRIDABLE:
            page.meta["search"] = {"exclude": True}  # staff search for their portfolio, not for this guide
        return markdown

    def on_pre_page(self, page: MkDocsPage, *, config: MkDocsConfig, files: Files) -> MkDocsPage:
        if self.site is None or page.file.src_uri not in self.site.pages:
            return page
        source = self._sources.get(page.file.src_uri)
        base_url = self._edit_base(config)
        page.edit_url = urljoin(base_url, source) if (source and base_url) else None
        return page

    def _edit_base(self, config: MkDocsConfig) -> str | None:
        if self.options.edit_uri:
            return self.options.edit_uri.rstrip("/") + "/"
        if not config.edit_uri:
            return None
        full = urljoin(config.repo_url or "", config.edit_uri)
        docs = os.path.relpath(config.docs_dir, self.root).replace(os.sep, "/")
        full = full.rstrip("/") + "/"
        if docs not in (".", "") and full.endswith(f"/{docs}/"):
            full = full[: -len(docs) - 1]
        return full if posixpath.isabs(full) or "://" in full else None

    def on_page_content(self, html: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files) -> str:
        if self.site is not None and page.file.src_uri in self.site.pages and 'class="jm-map"' in html:
            found = map_text(html)
            if found is not None:
                self._maps[page.url] = found
        return html

    @event_priority(-100)  # after the search plugin has written its index, wherever it is listed
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self._drawing is not None:
            drawing, self._drawing = self._drawing, None
            log.info(drawing.wait().summary())
            site = Path(config.site_dir)
            for path, chart in self._charts.items():
                target = site / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(read_chart(self._chart_cache, chart))
        index = Path(config.site_dir) / "search" / "search_index.json"
        if self._maps and index.is_file():
            index.write_text(split_map_sections(index.read_text(encoding="utf-8"), self._maps), encoding="utf-8")

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_drawing()

    def _stop_drawing(self) -> None:
        if self._drawing is not None:
            drawing, self._drawing = self._drawing, None
            drawing.cancel()

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        server.watch(str(self._portfolio_dir()))
        for templates in getattr(self, "_templates", []):
            if templates.is_dir():
                server.watch(str(templates))
        return server
