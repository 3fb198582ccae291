"""The MkDocs plugin `journeys`: a thin adapter from MkDocs' events to the pipeline's pure functions.

- `on_config`: validate the portfolio (`check`); a bad portfolio stops the build with the same
  `file:line:col` messages as `journeys check`, no traceback. Render the site (`render_site`) and put its
  navigation in front of the project's own `nav` (or of every page in `docs/`, as a "User guide").
- `on_files`: add every page and asset as a virtual file; nothing is written into `docs/`. Missing
  charts are drawn in the background while MkDocs renders the pages (`chart_cache.start`): their files
  are written at `on_post_build`, once drawn (`_LateChart`).
- `on_pre_page`: each generated page's edit link points at the YAML file it comes from.
- Search (option `search`, on by default): `on_config` puts the plugin's theme folder (the header's search
  box and dialog) before Material's and adds the dialog's script and style (`on_files`); `on_page_content`
  wraps each generated page in the markup Pagefind indexes (`search_markup`: facets, one sub-result per
  journey step, glossary synonyms; the guide in docs/ is left out); `on_post_build` runs Pagefind over
  the built site (`search_index`), while the chart workers still draw. A Pagefind failure stops the build
  with its message. A failed build stops the chart workers (`on_build_error`).
- `on_serve`: `mkdocs serve` rebuilds when anything under the portfolio folder or the templates changes.

The live preview (`mkdocs serve`; `journeys serve` runs it with `--dirty`) keeps state between saves:
- the pipeline's `Session` renders again only what a save changed;
- with `--dirty`, a generated page or asset whose bytes are those of the last build is not converted or
  written again (`_Generated.is_modified`), unless what it shows of the navigation changed (`nav_view`: with
  Material's `navigation.prune`, its open branch and the top level) or a setting every page shows did (the
  theme, `extra`...: then every page is). Files of pages that are gone are removed;
- what is looked at comes first: the server notes the pages its browsers open (any request for a page).
  A save renders and writes those and the pages of the journeys it changed; every other page it changed
  keeps its last version, owed (`Session.render`'s `first`, `Site.owed`; a page only the navigation
  changed, likewise: its navigation names the pages as they are on disk), and the server is asked to build
  again half a second later (`CATCH_UP_AFTER_S`: the browsers load the page the save reloaded first, and a
  quick second save finds no catch-up begun). That build, a catch-up (the same files), writes what is owed
  while the site is served (MkDocs' server otherwise holds every request during a build), and stops
  between two pages when a save comes in: the save goes first, the rest follows it (a save that comes in
  before the catch-up's pages are rendered stops it there, before MkDocs reads 3,500 files for nothing:
  `_CatchUpStopped`, which the server's builder takes as a build done). A catch-up reloads the browsers
  only if it wrote a page one shows. A build that must write every page (a setting they all show changed)
  defers nothing.
  Once nothing is owed the site is a clean build's (`tests/test_preview_server.py`);
- Pagefind indexes the site in the background after each build that changed a page, stopped by the next
  build; meanwhile the search dialog says the index is being rebuilt;
- an invalid save keeps serving the last good site: its `file:line:col` errors go to the terminal and to
  `assets/journeys/preview.json`, which `preview.js` shows over every page; the next good save clears them.

This is the only module that imports MkDocs.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import posixpath
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage

from generator.charts.cache import Drawing, read_chart, warm
from generator.charts.specs import Chart
from generator.mkdocs_plugin import nav_view
from generator.mkdocs_plugin.config import JourneysConfig, options_of
from generator.model.portfolio import Portfolio
from generator.options import Options
from generator.pipeline import Pipeline, Rendered, Session
from generator.site import search_markup
from generator.site.compiled_templates import CompiledTemplates
from generator.site.markdown_ext import CaptionExtension
from generator.site.render import PATHS, Page, Site
from generator.site.search_index import BUNDLE, IndexStats, SearchIndexError, build_index
from generator.site.standing import Standings

# generated pages a project may ship itself in docs/ (the docs copy wins): the portfolio reference, which
# `journeys reference` writes from the same models
OVERRIDABLE = {PATHS["reference"]}
# with `guide: link`, the one page of the project's guide in the navigation
GUIDE_INDEX = "guide/index.md"

log = get_plugin_logger(__name__)

# The Markdown extensions the generated pages are written for.
NEEDED_EXTENSIONS = ("attr_list", "md_in_html", "tables", "toc")

# the search dialog: the header's templates, and its script and style by site path -> file in ASSETS
THEME = Path(__file__).parent / "theme"
ASSETS = Path(__file__).parent / "assets"
SEARCH_ASSETS = {"assets/journeys/search.css": "search.css", "assets/journeys/search.js": "search.js"}
# the live preview's error banner, and the errors it shows (written at each build of `mkdocs serve`)
PREVIEW_JS = "assets/journeys/preview.js"
# Material's tags plugin lists the pages of each tag where a page holds this; it needs every page's tags
TAG_LISTING = b"<!-- material/tags"
PREVIEW_ERRORS = "assets/journeys/preview.json"

# The preview's error lines: a logger of its own, so that they show in the terminal without counting as
# MkDocs warnings (with `--strict` those fail the build, and a failed rebuild leaves `mkdocs serve` stuck).
preview_log = logging.getLogger("journeys.preview")
if not preview_log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("ERROR   -  %(message)s"))
    preview_log.addHandler(_handler)
    preview_log.propagate = False


class _Generated(File):
    """A generated page or asset. In a dirty build of the live preview MkDocs converts and writes it only when
    `modified` (its bytes differ from those of the last build, or its file is missing), and, in a catch-up,
    until `halted` says a save is waiting; otherwise always."""

    modified = True
    halted: Callable[[], bool] | None = None

    def is_modified(self) -> bool:
        return self.modified and not (self.halted is not None and self.halted())


class _CatchUpStopped(Exception):
    """A catch-up stopped before MkDocs began on its files: a save is waiting, and its build comes next.
    Raised out of `on_config` (nothing written, nothing of the last build's record changed) and caught by the
    server's builder (`on_serve`); MkDocs has no other way to end a build early."""


CATCH_UP_AFTER_S = 0.5  # how long after a save that left pages owed the catch-up begins (`_catch_up_next`)
VIEWED_S = 600.0  # a page the browser opened this recently is rendered first at a save (`Session.render`)
IDLE_S = 2.0  # how long without a build before the housekeeping: the garbage, then the caches' files
FULL_EVERY = 10  # builds between full collections (each looks at every object: 0.9 s at 1,000 journeys)
FULL_AFTER_MB = 150  # or sooner, when the process has grown by this much since the last one
AT_ONCE_MB = 300  # grown by this much, a full collection does not wait for a pause in the saves
COLLECT_AFTER_S = 0.2  # and runs this long after the build: once the browser has fetched the new page


class _BetweenSaves:
    """The live preview's housekeeping, done when the saves pause, off the path of the next one.

    - Garbage: each build leaves reference cycles (MkDocs' files, pages and navigation, the templates'
      environment). With a heap of millions of objects Python's own thresholds run a full collection only
      every dozen builds, and memory grew by 16-65 MB a save at 300 journeys. So what survives a collection is
      frozen (`gc.freeze`: the session's portfolio, pages and caches, which live on), and a collection looks
      only at what the builds since made; every `FULL_EVERY` builds, or once the process has grown by
      `FULL_AFTER_MB` (a build that converted many pages leaves them frozen in MkDocs' last navigation), a
      full collection frees what was frozen and has died since. Both wait until no build has started for
      `IDLE_S`: at 1,000 journeys, after a new journey's build, the collection took 1.3 s and a full one
      2.9 s, holding the interpreter, so a save made a second later waited that long before its build
      began. Only a process grown by `AT_ONCE_MB` is collected at once.
    - The caches' files (`Session.flush`) are written then too, and when the preview stops: a parse cache's
      file is tens of MB at 1,000 journeys.
    - During the session's first build, one chart is drawn and thrown away, in the background
      (`charts.cache.warm`): the first save that draws a chart in this process (a step rename) no longer
      pays matplotlib's import and fonts, 0.3 s (0.3 s more of a first build of 35 s at 1,000 journeys; after
      it, the work would meet a save made a second later).
    """

    def __init__(self) -> None:
        self.builds = 0
        self._idle: threading.Timer | None = None
        self._full_at = 0  # the process' size after the last full collection, in MB
        self._full_build = -FULL_EVERY  # the build count at the last full collection
        self._warmed = False  # `warm` ran
        self.warming = threading.Lock()  # held while it runs: a build draws only after it (matplotlib is one)

    def build_started(self) -> None:
        """A save's build begins: the housekeeping waits for the next pause (a save one second after the
        last build's would otherwise have its build interrupted by the collection, two seconds after that)."""
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None

    def after_build(self, session: Session) -> None:
        self.builds += 1  # the build's start cancelled the housekeeping due (`build_started`)
        if _resident_mb() > self._full_at + AT_ONCE_MB:
            self._start(COLLECT_AFTER_S, lambda: self._collect(True))
        self._idle = self._start(IDLE_S, lambda: self._housekeeping(session))

    def _housekeeping(self, session: Session) -> None:
        self._collect(self.builds - self._full_build >= FULL_EVERY)
        session.flush()

    def warm(self, work: Callable[[], None]) -> None:
        """Run `work` once a session, in the background (`warming` held meanwhile)."""
        if self._warmed:
            return
        self._warmed = True

        def run() -> None:
            with self.warming:
                work()

        threading.Thread(target=run, name="journeys-warm-up", daemon=True).start()

    def stop(self, session: Session) -> None:
        if self._idle is not None:
            self._idle.cancel()
        session.flush()
        gc.unfreeze()

    @staticmethod
    def _start(delay: float, work) -> threading.Timer:
        timer = threading.Timer(delay, work)
        timer.daemon = True
        timer.start()
        return timer

    def _collect(self, full: bool) -> None:
        if not full:
            gc.collect()
            full = _resident_mb() > self._full_at + FULL_AFTER_MB
        if full:
            gc.unfreeze()
            gc.collect()
            self._full_at, self._full_build = _resident_mb(), self.builds
        gc.freeze()


def _files_in(folder: Path, listed: dict[str, set[str]]) -> set[str]:
    """The names in `folder` (none if it is missing), listed once per `listed`."""
    key = str(folder)
    if key not in listed:
        try:
            listed[key] = set(os.listdir(folder))
        except OSError:
            listed[key] = set()
    return listed[key]


def _resident_mb() -> int:
    """The process' resident size in MB (0 where /proc is not there: then only every `FULL_EVERY` builds)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20
    except (OSError, ValueError, IndexError):
        return 0


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
        self._search_memo = search_markup.SearchMemo()  # `mkdocs serve`: kept from one build to the next
        self._edit_memo: dict[str, str | None] = {}  # a page's source -> its path from the root (`_edit_paths`)
        self._edit_memo_key: tuple[Path, Path] | None = None
        self._charts: dict[str, Chart] = {}  # site path -> chart, written at on_post_build
        self._chart_cache = Path()
        self.root = Path.cwd()
        self._search: dict[str, search_markup.PageSearch] = {}  # page path -> what search indexes of it
        self._glossary: search_markup.Glossary | None = None
        self._command = ""
        self._dirty = False
        self._reset_preview()

    def _reset_preview(self) -> None:
        """The live preview's state between builds (see the module's docstring)."""
        self._session = Session()
        self._errors: list[str] = []  # the last save's errors, shown over the last good site
        self._built: dict[str, str] = {}  # site path of each generated file -> digest of its bytes, last build
        self._dests: dict[str, str] = {}  # site path -> its file in site_dir, last build
        self._settings = ""  # digest of the settings every page shows (theme, extra...), last build
        self._views: dict[str, str] = {}  # page src_uri -> what it showed of the navigation (`nav_view`)
        self._site_view = ""  # what the 404 page and the sitemap showed
        self._written_charts: dict[str, Chart] = {}  # charts written into site_dir, last build
        self._digests: dict[str, str] = {}  # this build's
        # the bytes of each page kept from the last render, and each file's digest by its bytes object
        self._encoded: dict[str, tuple[object, bytes]] = {}
        # a generated file's path -> its bytes, their digest and its File (`on_files`)
        self._digest_memo: dict[str, tuple[bytes, str, _Generated]] = {}
        self._places: tuple = ()  # where the last build's files landed: docs_dir, site_dir, directory URLs
        self._new_dests: dict[str, str] = {}
        self._new_settings = ""
        self._new_views: dict[str, str] = {}
        self._new_site_view = ""
        self._incremental = False  # this build keeps the pages whose bytes and navigation did not change
        self._changed = True  # whether this build changed any generated file (or must index the site again)
        self._index_stopped = False  # this build stopped an unfinished index of the last one
        self._stopped_early = False  # the last build was a catch-up stopped before MkDocs began (`_CatchUpStopped`)
        self._indexing: tuple[threading.Thread, list[subprocess.Popen]] | None = None
        self._theme_compiled = CompiledTemplates()
        self._between = _BetweenSaves()
        self._titles: dict[str, str] = {}  # page src_uri -> its title, as the last build that read it found
        # generated page src_uri -> (its bytes, Markdown, front matter) as the last build read them
        self._read: dict[str, tuple[bytes, str, dict]] = {}
        self._late_charts: dict[str, File] = {}  # each chart's File, by its site path
        self._new_read: dict[str, tuple[bytes, str, dict]] = {}
        # what is looked at comes first (module docstring): the server, the pages its browsers opened (URL path
        # -> when), the last render's pages, whether this build defers or catches up, and what it left owed
        self._server = None
        self._viewed: dict[str, float] = {}
        self._viewed_lock = threading.Lock()
        self._last_pages: dict[str, Page] = {}
        self._urls: dict[str, str] = {}  # each page's URL (`File.url`) -> its src_uri, last build
        self._asked = False  # this plugin asked the server for the next build (a catch-up)
        self._requested = False  # and this build is that one
        self._deferring = False
        self._catching_up = False
        self._halt = False
        self._written: set[str] = set()
        self._owed_files: set[str] = set()
        self._building = False  # a build runs (a catch-up asked for a moment after a save waits for none)
        self._building_lock = threading.Lock()
        self._catch_up_timer: threading.Timer | None = None

    @property
    def _serving(self) -> bool:
        return self._command == "serve"

    @property
    def options(self) -> Options:
        return options_of(self.config)

    def _portfolio_dir(self) -> Path:
        return (self.root / self.options.portfolio).resolve()

    # ------------------------------------------------------------------ events
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._command, self._dirty = command, dirty
        self._reset_preview()

    def on_shutdown(self) -> None:
        self._build_begins()  # (no catch-up asked for after this)
        self._stop_indexing()
        self._stop_drawing()
        self._between.stop(self._session)

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
        if self._serving:  # a save: the last build's index is stopped first, not left to compete for the cores
            self._build_begins()
            self._between.build_started()
            # (an index a stopped catch-up stopped is the next build's to start again)
            self._index_stopped = self._stop_indexing() or (self._index_stopped and self._stopped_early)
            self._stopped_early = False
        self._deferring = self._catching_up = self._halt = False
        self._written, self._owed_files = set(), set()
        self._requested, self._asked = self._asked, False
        if self._requested:
            self._serve_meanwhile(True)
            self._stop_catch_up_if_a_save_waits()
        self.root = Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()
        # absolute: MkDocs gives it relative to the folder of `-f mkdocs.yml` at the first build and absolute
        # at the next (`mkdocs serve -f mkdocs.yml`, as `journeys serve` runs it): the session would take that
        # for a change of templates, and render every page again at the first save (15 s at 1,000 journeys)
        custom_dir = str(Path(config.theme.custom_dir).resolve()) if config.theme.custom_dir else None
        pipeline = Pipeline(self.options, root=self.root, custom_dir=custom_dir)
        if not pipeline.portfolio_dir.is_dir():
            raise PluginError(
                f"journeys: the portfolio folder '{self.options.portfolio}' does not exist "
                f"(set `portfolio:` of the journeys plugin in {config.config_file_path or 'mkdocs.yml'})"
            )
        checked = pipeline.check(
            shown_from=Path.cwd(),
            folder=pipeline.portfolio_dir.resolve(),
            data_memo=self._session.data_memo if self._serving else None,
            model_memo=self._session.model_memo if self._serving else None,
        )
        if self._requested:
            self._stop_catch_up_if_a_save_waits()
        rendered: Rendered | None
        if not checked.ok:
            lines = [g.text() for g in checked.report.grouped()]
            lines.append(checked.summary())
            rendered, last = self._session.rendered, self._session.checked
            if not self._serving or rendered is None or last is None:
                raise PluginError("journeys: the portfolio is invalid:\n" + "\n".join(lines))
            # the live preview: keep serving the last good site, with the errors over it (preview.js)
            self._errors = lines
            for line in lines:
                preview_log.error(line)
            preview_log.error("journeys: showing the last valid version until the errors are fixed")
            checked = last
        else:
            self._errors = []
            for d in checked.report.warnings:
                log.info(d.text())  # governance gaps are listed on the governance page; not a build warning
            self._stop_drawing()  # `mkdocs serve`: a rebuild that failed before on_post_build left one running
            guide = self._guide_pages(config) if self.options.guide != "off" else []
            if self._serving:
                before = self._session.rendered
                self._last_pages = before.site.pages if before is not None else {}
                # `journeys serve` (`mkdocs serve --dirty`): not a build in a test or a script, nor plain `mkdocs
                # serve`, which writes every page at each build anyway
                served = self._server is not None and self._dirty
                first = self._first_pages() if served else None
                stop = self._save_waiting if served else None
                rendered = self._session.render(pipeline, checked, guide, first=first, stop=stop)
                self._catching_up = served and self._session.catching_up
                self._deferring = served and not self._session.catching_up and before is not None
                if self._requested and not self._catching_up:  # a save came in before it began: a save's build
                    self._serve_meanwhile(False)
                if self._catching_up:
                    self._stop_catch_up_if_a_save_waits()
                if self._session.reused:
                    log.info(f"journeys: {self._session.reused} of {len(rendered.site.pages)} pages kept")
            else:
                rendered = pipeline.render(checked, draw=False, guide=guide)
            # after rendering, which may fork (render_pool): the pool's threads must not exist yet
            with self._between.warming:  # (not while the warm-up draws: `_BetweenSaves`)
                self._drawing = pipeline.start_drawing(rendered, self._session.charts_known if self._serving else None)
            if self._serving and rendered.charts:
                self._between.warm(partial(warm, next(iter(rendered.charts.values()))))
        self.site, self._charts, self._chart_cache = rendered.site, rendered.charts, pipeline.chart_cache
        self._templates = pipeline.template_dirs
        self._sources = self._edit_paths(rendered.site)
        for name in NEEDED_EXTENSIONS:
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
        if not any(isinstance(e, CaptionExtension) for e in config.markdown_extensions):
            config.markdown_extensions.append(CaptionExtension())
        if self.options.nav:
            config.nav = self.site.nav + (config.nav if config.nav is not None else self._guide(config))
        if self.options.search:
            self._setup_search(config, checked.portfolio, rendered.extras.standings)
        if self._serving and PREVIEW_JS not in [str(x) for x in config.extra_javascript]:
            config.extra_javascript.append(PREVIEW_JS)
        return config

    def _viewed_pages(self) -> set[str]:
        """The pages (src_uri) the server's browsers opened in the last `VIEWED_S`."""
        since = time.monotonic() - VIEWED_S
        with self._viewed_lock:
            urls = [url for url, when in self._viewed.items() if when >= since]
        found = set()
        for url in urls:  # `x/` is `x/index.html`, and the other way round (MkDocs' `File.url` has one of them)
            for form in (url, url + "index.html", url.removesuffix("index.html")):
                if form in self._urls:
                    found.add(self._urls[form])
        return found

    def _first_pages(self) -> frozenset[str]:
        """The generated pages the browser looks at: rendered first at a save (`Session.render`)."""
        return frozenset(path for path in self._viewed_pages() if path in self._last_pages)

    def _serve_meanwhile(self, serving: bool) -> None:
        """MkDocs' server holds every request while a build runs (no half-built site): a catch-up writes
        pages no browser shows, so the site is served meanwhile (`True`); `False`: held again, as for a save
        (its browsers reload after it)."""
        server = self._server
        if server is None:
            return
        with server._epoch_cond:
            server._wanted_epoch = server._visible_epoch if serving else server._visible_epoch + 1
            server._epoch_cond.notify_all()

    def _stop_catch_up_if_a_save_waits(self) -> None:
        """In a catch-up, before MkDocs begins on the files: if a save is waiting, end this build here (the
        save's comes next, and writes what it can; the rest stays owed, as the last build recorded it)."""
        if self._save_waiting():
            log.info("journeys: a save came in: its build first")
            self._stopped_early = True
            raise _CatchUpStopped()

    def _save_waiting(self) -> bool:
        """A catch-up's question between two pages: has a save come in since it began? (Once yes, yes.)"""
        self._halt = self._halt or bool(getattr(self._server, "_want_rebuild", False))
        return self._halt

    def _comes_first(self, src_uri: str, viewed: set[str]) -> bool:
        """Whether a save's build writes this changed page now: one the browser looks at, one this save rendered
        (not a page kept from the last render), or one never written; otherwise the catch-up does."""
        if src_uri in viewed or src_uri not in self._views:
            return True
        return (
            self.site is not None
            and src_uri in self.site.pages
            and (self.site.pages[src_uri] is not self._last_pages.get(src_uri))
        )

    def _setup_search(self, config: MkDocsConfig, portfolio: Portfolio, standings: Standings) -> None:
        for name in ("search", "material/search"):
            if name in config.plugins:
                where = config.config_file_path or "mkdocs.yml"
                raise PluginError(
                    f"journeys: remove `search` (Material's search) from `plugins:` in {where}: "
                    f"the journeys plugin builds the site search itself (Pagefind); or set "
                    f"`search: false` for the journeys plugin to keep Material's"
                )
        # the header's search box and dialog: before Material's templates, after the project's own theme
        at = 1 if config.theme.custom_dir else 0
        if str(THEME) not in config.theme.dirs:
            config.theme.dirs.insert(at, str(THEME))
        for path in SEARCH_ASSETS:
            target = config.extra_css if path.endswith(".css") else config.extra_javascript
            if path not in [str(x) for x in target]:
                target.append(path)
        self._search = search_markup.page_search(portfolio, standings, self._search_memo if self._serving else None)
        self._glossary = search_markup.Glossary(portfolio)

    def _edit_paths(self, site: Site) -> dict[str, str]:
        """Page path -> the source file's path from the project root (for edit links)."""
        out = {}
        cwd = Path.cwd()
        if self._edit_memo_key != (cwd, self.root):  # a resolved path holds while these do (the session)
            self._edit_memo, self._edit_memo_key = {}, (cwd, self.root)
        memo = self._edit_memo
        for path, page in site.pages.items():
            if not page.source:
                continue
            if page.source not in memo:  # 1,400 paths resolved at every save was 0.1 s at 1,000 journeys
                try:
                    memo[page.source] = (cwd / page.source).resolve().relative_to(self.root).as_posix()
                except ValueError:
                    memo[page.source] = None
            found = memo[page.source]
            if found is not None:
                out[path] = found
        return out

    def _guide_pages(self, config: MkDocsConfig) -> list[str]:
        """The project's own pages: those of docs_dir the generated nav does not list (it lists the portfolio
        reference, docs/reference.md, which this repository ships)."""
        docs = Path(config.docs_dir)
        listed = set(PATHS.values())
        return sorted(
            p.relative_to(docs).as_posix() for p in docs.rglob("*.md") if p.relative_to(docs).as_posix() not in listed
        )

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
        generated = self._site_files(self.site)
        if self.options.search:
            generated.update((path, (ASSETS / name).read_bytes()) for path, name in SEARCH_ASSETS.items())
        if self._serving:
            generated[PREVIEW_JS] = (ASSETS / "preview.js").read_bytes()
        # the live preview converts only what changed (and, in `on_nav`, what shows a changed navigation)
        self._new_settings = self._settings_of(config)
        incremental = self._serving and self._dirty and self._new_settings == self._settings
        self._incremental = incremental
        self._digests, self._new_dests = {}, {}
        last_digests, self._digest_memo = self._digest_memo, {}  # by path, with the bytes they were taken of
        # a File holds where it lands: one of the last build is kept only when that is the same
        places = (config.docs_dir, config.site_dir, config.use_directory_urls)
        same_places, self._places = places == self._places, places
        changed = False
        # a build that must write every page (a setting they all show changed) defers none
        self._deferring = self._deferring and incremental
        viewed = self._viewed_pages() if self._deferring else set()
        present = {file.src_uri for file in files}  # asking `files` for each of 3,500 paths normalises each
        for path, content in generated.items():
            if path in OVERRIDABLE and path in present:
                continue  # the project ships this page (this repository: docs/reference.md, kept fresh by a test)
            if path in present:
                raise PluginError(
                    f"journeys: {config.docs_dir}/{path} is in the way of the generated page "
                    f"'{path}': rename or remove it (the journeys plugin generates it)"
                )
            # the live preview: the same bytes object as then, the same digest; and the same File where it lands
            # in the same place (3,500 Files made at every save were 0.1 s at 1,000 journeys)
            found = last_digests.get(path)
            if found is not None and found[0] is content:
                digest = found[1]
                file = found[2] if same_places else _Generated.generated(config, path, content=content)
                file.page = None  # MkDocs makes a new page of it, as of a new file (it would keep an old one)
            else:
                digest = hashlib.sha1(content).hexdigest()
                file = _Generated.generated(config, path, content=content)
            assert isinstance(file, _Generated)
            if self._serving:
                self._digest_memo[path] = (content, digest, file)
            file.modified = not (
                incremental
                and self._built.get(path) == digest
                and os.path.isfile(file.abs_dest_path)
                and TAG_LISTING not in content
            )
            page = path.endswith(".md") and TAG_LISTING not in content  # a tag listing: never skipped
            file.halted = self._save_waiting if self._catching_up and page else None
            if file.modified and self._deferring and page and not self._comes_first(path, viewed):
                file.modified, digest = False, self._built.get(path, "")  # still owed: changed at the next build
                self._owed_files.add(path)
            changed = changed or file.modified
            self._digests[path], self._new_dests[path] = digest, file.dest_uri
            files.append(file)
        # the live preview makes each chart's File once (six thousand at 1,000 journeys: 0.1 s a save); MkDocs
        # only looks at a static file's paths, which the session's settings fix
        late, self._late_charts = self._late_charts, {}
        for path in self._charts:
            chart = late.get(path) if incremental else None
            if chart is None:
                chart = _LateChart.generated(config, path, content=b"")
            if self._serving:
                self._late_charts[path] = chart
            files.append(chart)
            self._new_dests[path] = path
        if self._serving:
            self._urls = {file.url: file.src_uri for file in files.documentation_pages()}
            if self._requested and not incremental:  # every page is written: the browsers reload after it
                self._serve_meanwhile(False)
        gone = set(self._dests) - set(self._new_dests)
        self._changed = changed or bool(gone) or not incremental or self._index_stopped
        if self._serving and not incremental:
            for file in files.documentation_pages():  # the project's own pages show the navigation too
                if not isinstance(file, _Generated) and file.abs_dest_path:
                    Path(file.abs_dest_path).unlink(missing_ok=True)
        if self._serving and self._dirty:
            for path in gone:  # a removed journey's page must not be served, nor found by search
                Path(config.site_dir, self._dests[path]).unlink(missing_ok=True)
        if self._serving and self.options.search and self._changed:
            self._stop_indexing()
            shutil.rmtree(Path(config.site_dir) / BUNDLE, ignore_errors=True)
        return files

    def _site_files(self, site: Site) -> dict[str, bytes]:
        """`site.files()`; in the live preview, a page kept from the last render (the same `Page`) is not
        encoded again, so that its digest is not computed again either (`on_files`): at 1,000 journeys that
        was 150 MB encoded and hashed at every save."""
        if not self._serving:
            return dict(site.files())
        site.check_paths()
        memo, self._encoded = self._encoded, {}
        out: dict[str, bytes] = {}
        for path, page in site.pages.items():
            found = memo.get(path)
            if found is None or found[0] is not page:
                found = (page, page.content.encode("utf-8"))
            self._encoded[path] = found
            out[path] = found[1]
        out.update(site.assets)
        return dict(sorted(out.items()))

    @staticmethod
    def _settings_of(config: MkDocsConfig) -> str:
        """The digest of the settings every page shows besides its content and its navigation: the theme's
        (features, palette...), `extra`, the site's name and the stylesheets and scripts every page loads."""
        shown = [
            dict(config.theme),
            config.extra,
            config.site_name,
            config.site_url,
            config.copyright,
            [str(x) for x in config.extra_css],
            [str(x) for x in config.extra_javascript],
            [x if isinstance(x, str) else type(x).__name__ for x in config.markdown_extensions],
        ]
        return hashlib.sha1(json.dumps(shown, sort_keys=True, default=str).encode()).hexdigest()

    def on_nav(self, nav, *, config: MkDocsConfig, files: Files):
        if not (self._serving and self._dirty):
            return nav
        # A dirty build does not read the pages it skips, so what the others show of them would be missing:
        # their titles (navigation, footer) come from the last build that read them, and Material's tags
        # plugin is given every page's tags in the order a clean build gives them (it keys them by page
        # URL, so a page it reads again later keeps its place): the same tags.json. A page with a tag
        # listing is never skipped (`TAG_LISTING`): each page's tags link to the listing that shows them.
        tags = next((p for p in config.plugins.values() if hasattr(p, "mappings") and hasattr(p, "filter")), None)
        titles: dict[str, str] = {}  # each page's title as its source gives it: the same in every build
        self._read, self._new_read = self._new_read, {}
        pages = []
        for file in files.documentation_pages():
            page = file.page
            if page is None:
                continue
            pages.append(page)
            modified = file.is_modified()
            self._read_source(page, config)
            if tags is not None and tags.filter(file):
                tags.mappings.add(page, page.markdown or "")
            if not modified and file.src_uri in self._titles:
                # what the page on disk shows (a page owed to a catch-up: not what its new source says)
                page.title = self._titles[file.src_uri]
            titles[file.src_uri] = page.title or ""
        # a page whose bytes did not change is rendered again when what it shows of the navigation did
        features = config.theme.get("features") or []
        counts = nav_view.counts_children(config.theme.dirs)
        title = lambda p: titles[p.file.src_uri]  # noqa: E731 - one function for both digests
        self._new_views = nav_view.page_views(nav.items, pages, features, title, counts=counts)
        self._new_site_view = nav_view.site_view(nav.items, (p.url for p in pages), title)
        viewed = self._viewed_pages() if self._deferring else set()
        for page in pages:
            file = page.file
            if not self._incremental or self._views.get(file.src_uri) == self._new_views[file.src_uri]:
                continue
            if self._deferring and not self._comes_first(file.src_uri, viewed):
                self._new_views[file.src_uri] = self._views[file.src_uri]  # the catch-up finds it changed
                self._owed_files.add(file.src_uri)
                continue
            self._changed = True
            if isinstance(file, _Generated):
                file.modified = True
            elif file.abs_dest_path:  # the project's own page: MkDocs rebuilds it when its output is gone
                Path(file.abs_dest_path).unlink(missing_ok=True)
        return nav

    def _read_source(self, page: MkDocsPage, config: MkDocsConfig) -> None:
        """`page.read_source`; a generated page whose bytes are those of the last build (the same object) gets
        the Markdown and front matter read then (splitting 1,400 front matters was 0.1 s a save)."""
        file = page.file
        content = file.content_bytes if isinstance(file, _Generated) else None
        kept = self._read.get(file.src_uri)
        if content is not None and kept is not None and kept[0] is content:
            page.markdown, page.meta = kept[1], dict(kept[2])
        else:
            page.read_source(config)
        if content is not None:
            self._new_read[file.src_uri] = (content, page.markdown or "", dict(page.meta))

    def on_page_context(self, context, *, page: MkDocsPage, config: MkDocsConfig, nav):
        if self._serving and page.title is not None:
            self._titles[page.file.src_uri] = page.title
        return context

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        if not self._serving:
            return env
        # the theme's templates: compiled once for the whole preview, not again at every save
        env.bytecode_cache = self._theme_compiled
        if self._incremental and self._new_site_view == self._site_view:
            # nothing the 404 page (the navigation) or the sitemap (the pages) shows has changed
            for name in ("404.html", "sitemap.xml"):
                if (Path(config.site_dir) / name).is_file():
                    config.theme.static_templates.discard(name)
        return env

    def on_page_markdown(self, markdown: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files) -> str:
        if (
            self.options.guide == "link"
            and self.site is not None
            and page.file.src_uri not in self.site.pages
            and page.file.src_uri not in OVERRIDABLE
        ):
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
        path = page.file.src_uri
        if not self.options.search or self.site is None or path not in self.site.pages:
            return html  # the project's own pages (docs/) are not indexed: they are the guide, not the portfolio
        info = search_markup.for_page(self._search, path)  # a list's later pages: as its first
        return html if info is None else search_markup.wrap(html, info, self._glossary)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # `mkdocs build --dirty` keeps the site folder: an index of the previous build must not answer
        # queries while the pages change under it (the live preview decides at on_files, once it knows
        # whether any page changed; meanwhile the dialog says the index is being rebuilt)
        if self.options.search and not self._serving:
            shutil.rmtree(Path(config.site_dir) / BUNDLE, ignore_errors=True)

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        index: IndexStats | None = None
        if self.options.search and not self._serving:
            # Pagefind reads the pages only, never the charts: it runs (on one core) while the chart workers
            # still draw, instead of after them with a core idle (at 1,000 journeys 7-12 s of a cold build).
            # If it fails, on_build_error stops the drawing
            try:
                index = build_index(site)
            except SearchIndexError as exc:
                raise PluginError(
                    f"journeys: the site search could not be built: {exc}\n"
                    f"The build stopped (set `search: false` for the journeys plugin to build "
                    f"without search)."
                ) from exc
        if self._drawing is not None:
            drawing, self._drawing = self._drawing, None
            log.info(drawing.wait().summary())
        listed: dict[str, set[str]] = {}  # a folder's files, listed once (not 6,000 charts asked one by one)
        for path, chart in self._charts.items():
            target = site / path
            if (
                self._serving
                and self._written_charts.get(path) == chart
                and target.name in _files_in(target.parent, listed)
            ):
                continue  # the live preview: this picture is on disk already
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(read_chart(self._chart_cache, chart))
        if self._serving:
            self._written_charts = dict(self._charts)
            if self._halt:  # a catch-up a save cut short: what it did not write is still owed
                for path, (_, _, file) in self._digest_memo.items():
                    if file.modified and path.endswith(".md") and path not in self._written:
                        self._digests[path] = self._built.get(path, "")
                        self._new_views[path] = self._views.get(path, "")
                        self._owed_files.add(path)
            self._built, self._dests, self._settings = self._digests, self._new_dests, self._new_settings
            self._views, self._site_view = self._new_views, self._new_site_view
            (site / PREVIEW_ERRORS).parent.mkdir(parents=True, exist_ok=True)
            (site / PREVIEW_ERRORS).write_text(json.dumps({"errors": self._errors}, ensure_ascii=False))
            owed = set(self.site.owed if self.site is not None else ()) | self._owed_files
            if self.options.search and self._changed and not (owed and self._server is not None):
                self._index_in_background(site)  # (with pages owed, after the catch-up: it would stop this)
            self._between.after_build(self._session)
            self._build_ends()
            self._catch_up_next(owed)
            return
        if index is not None:
            log.info(index.summary())

    def _catch_up_next(self, owed: set[str]) -> None:
        """After a save that left pages owed, have the server build again `CATCH_UP_AFTER_S` later (a catch-up,
        during which the site is served: `_serve_meanwhile`). After a catch-up, the browsers reload only if it wrote a page one
        shows (they show the save's pages already)."""
        server = self._server
        if server is None or not self._dirty or self._errors:
            return  # (an invalid save: nothing can be rendered until the next good one, which renders the rest)
        if self._requested and self._catching_up and self._incremental and not self._halt:
            if self._written & self._viewed_pages():
                self._serve_meanwhile(False)
        if not owed:
            return
        log.info(f"journeys: {len(owed)} pages no browser shows follow in a moment")
        if self._halt or CATCH_UP_AFTER_S <= 0:
            self._ask_catch_up(halted=self._halt)  # halted: a save is waiting, and its build comes next
            return
        # a moment later: the browsers fetch the page the save reloaded meanwhile, from a server not busy with
        # the catch-up, and a save made quickly after this one does not find a catch-up begun
        self._catch_up_timer = threading.Timer(CATCH_UP_AFTER_S, self._ask_catch_up)
        self._catch_up_timer.daemon = True
        self._catch_up_timer.start()

    def _ask_catch_up(self, halted: bool = False) -> None:
        """Have the server build again (a catch-up, this plugin's request: `_asked`), unless a build has begun
        since the last one ended (a save's: it asks again if pages are still owed)."""
        server = self._server
        with self._building_lock:
            if self._building or server is None:
                return
            self._asked = not halted
            with server._rebuild_cond:
                server._want_rebuild = True
                server._rebuild_cond.notify_all()

    def _build_begins(self) -> None:
        with self._building_lock:
            self._building = True
            if self._catch_up_timer is not None:
                self._catch_up_timer.cancel()
                self._catch_up_timer = None

    def _build_ends(self) -> None:
        with self._building_lock:
            self._building = False

    def on_post_page(self, output: str, *, page: MkDocsPage, config: MkDocsConfig) -> str:
        if self._catching_up:
            self._written.add(page.file.src_uri)  # written once this returns (a halted catch-up's record)
        return output

    def _index_in_background(self, site: Path) -> None:
        """The live preview: Pagefind indexes the new pages while they are already served; the next build
        stops it (`_stop_indexing`) before changing any file under it."""
        self._stop_indexing()
        running: list[subprocess.Popen] = []

        def index() -> None:
            try:
                stats = build_index(site, on_start=running.append)
            except SearchIndexError as exc:
                if not (running and running[0].returncode is not None and running[0].returncode < 0):
                    preview_log.error(f"journeys: the site search could not be rebuilt: {exc}")
                return
            log.info(stats.summary())

        thread = threading.Thread(target=index, name="journeys-search-index", daemon=True)
        self._indexing = (thread, running)
        thread.start()

    def _stop_indexing(self) -> bool:
        """Stop the background index, if any; whether it was stopped before it finished."""
        if self._indexing is None:
            return False
        thread, running = self._indexing
        self._indexing = None
        stopped = False
        for process in running:
            if process.poll() is None:
                process.kill()
                stopped = True
        thread.join()
        return stopped

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_drawing()
        self._build_ends()
        if isinstance(error, _CatchUpStopped):
            return  # nothing was written: the last build's record holds
        # the site folder may hold part of the failed build: the next one writes everything
        self._built, self._settings = {}, ""

    def _stop_drawing(self) -> None:
        if self._drawing is not None:
            drawing, self._drawing = self._drawing, None
            drawing.cancel()

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        # the pages the browsers open
        self._server, app = server, server.get_app()
        mount = getattr(server, "mount_path", "/")

        def noting(environ, start_response):
            # as MkDocs' server reads the path; a page is a folder or an HTML file (Material's instant
            # navigation asks for it without saying it wants HTML)
            path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "ignore")
            if path.startswith(mount) and (path.endswith("/") or path.endswith(".html")):
                with self._viewed_lock:
                    self._viewed[path[len(mount) :]] = time.monotonic()
            return app(environ, start_response)

        server.set_app(noting)
        build = server.builder

        def building(*args, **kwargs):
            try:
                return build(*args, **kwargs)
            except _CatchUpStopped:
                return None  # (a build done, as far as the server knows: the browsers do not reload)

        server.builder = building
        server.watch(str(self._portfolio_dir()))
        for templates in getattr(self, "_templates", []):
            if templates.is_dir():
                server.watch(str(templates))
        return server
