"""The pipeline: the one place where the stages are composed.

    load (check)  ->  history  ->  metrics + chart specs  ->  site pages  ->  charts drawn
    `Pipeline.check`            `Pipeline.render`                           now, or in the background

The MkDocs plugin and every command call this module; none of them composes stages itself. A `Pipeline`
holds what one project needs between its steps (its options, resolved paths, the caches); the adapters
decide only how to report (print, MkDocs errors) and where the files go (MkDocs, a folder).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.charts.cache import cache_dir
from generator.charts.metrics_view import ViewMemo
from generator.common.diagnostics import Report
from generator.load.check import check, summary_line
from generator.load.metric_data import DataMemo
from generator.load.model_memo import ModelMemo
from generator.model.entities import COLLECTIONS, Journey
from generator.model.ids import JourneyId
from generator.model.own_page import differs_only_on_own_page
from generator.model.portfolio import Portfolio
from generator.options import Options

if TYPE_CHECKING:
    from generator.charts.cache import Drawing, RenderStats
    from generator.charts.specs import Chart
    from generator.site.compiled_templates import CompiledTemplates
    from generator.site.render import Extras, Reuse, Site
    from generator.site.row_cache import RowCache
    from generator.site.text_cache import TextCache


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


PREVIEW_IN_PROCESS = 40  # charts: 10 ms each here, against 1-2 s to start the workers that import matplotlib


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
    def check(
        self,
        *,
        shown_from: Path | None = None,
        folder: Path | None = None,
        cached: bool = True,
        data_memo: DataMemo | None = None,
        model_memo: ModelMemo | None = None,
    ) -> Checked:
        """Load and validate the portfolio (`folder`, default the option's); `shown_from` is the folder error
        paths are written relative to; with `cached`, files parsed by an earlier run are not parsed again."""
        portfolio, report = check(
            folder if folder is not None else self.portfolio_dir,
            strict=self.options.strict,
            base=shown_from,
            max_bytes=self.options.max_bytes,
            cache_dir=self.chart_cache if cached else None,
            data_memo=data_memo,
            model_memo=model_memo,
        )
        return Checked(portfolio, report)

    def render(
        self,
        checked: Checked,
        *,
        draw: bool = True,
        reuse: Callable[[Extras], Reuse | None] | None = None,
        compiled: CompiledTemplates | None = None,
        view_memo: ViewMemo | None = None,
        guide: Iterable[str] = (),
        rows: RowCache | None = None,
        texts: TextCache | None = None,
        metrics_of: Rendered | None = None,
    ) -> Rendered:
        """The site of a valid portfolio. With `draw`, missing charts are drawn before this returns; without,
        `start_drawing` draws them while the caller goes on (the pages only name the chart files). `reuse`, given
        this render's metrics, says which pages of an earlier render it may keep and `compiled` holds the templates an earlier render
        compiled (`Session`, the live preview). `guide`: the pages of the project's user guide built into the
        site (`docs_dir`-relative), which pages may link. `metrics_of`: an earlier render (without `draw`) of a
        portfolio that differs from this one in own-page fields only (`own_page_edits`), whose metrics and
        charts this one takes as they are, when the history is the same: no metric reads those fields."""
        # imported here: `journeys check` runs only the first stage and should not load the others
        from generator.load.history import history
        from generator.site import text_cache
        from generator.site.metrics_extras import site_extras, site_extras_without_charts
        from generator.site.render import render_site
        from generator.site.sheet_cache import SheetCache

        portfolio = checked.portfolio
        cache = self.chart_cache
        stats: RenderStats | None = None
        past = history(portfolio)
        if draw:
            extras, stats = site_extras(portfolio, cache=cache, history=past)
            charts: dict[str, Chart] = {}
        elif metrics_of is not None and metrics_of.extras.history == past:
            extras, charts = metrics_of.extras, metrics_of.charts
        else:
            extras, charts = site_extras_without_charts(portfolio, cache=cache, history=past, memo=view_memo)
        kept = reuse(extras) if reuse is not None else None
        workbooks = SheetCache(cache)
        with text_cache.kept(cache) if texts is None else text_cache.in_session(texts) as texts:
            site = render_site(
                portfolio,
                warnings=checked.report.warnings,
                extras=extras,
                template_dirs=self.template_dirs,
                texts=texts,
                downloads=self.options.downloads,
                workbooks=workbooks,
                reuse=kept,
                compiled=compiled,
                guide=guide,
                rows=rows,
            )
            if kept is not None:  # the kept pages' texts and workbooks stay cached for the next full build
                texts.used = {**texts.stored, **texts.used}
        if kept is None:
            workbooks.prune()
        return Rendered(site, extras, charts, stats)

    def start_drawing(self, rendered: Rendered, known: set[str] | None = None) -> Drawing:
        """Draw the charts `render(draw=False)` left, in worker processes; call after rendering, which may fork.
        `known`: see `charts.cache.start` (`Session.charts_known`); given (the live preview), up to
        `PREVIEW_IN_PROCESS` missing charts are drawn in this process (matplotlib loaded once a session): a
        save's few charts (a new journey's five to ten) took longer to start two workers than to draw."""
        from generator.charts.cache import IN_PROCESS_BELOW, start

        below = PREVIEW_IN_PROCESS if known is not None else IN_PROCESS_BELOW
        return start(list(rendered.charts.values()), self.chart_cache, known=known, in_process_below=below)


@dataclass
class Session:
    """A live preview's pipeline state, kept from one save to the next (`mkdocs serve`): the last valid result,
    so that a save renders again only what it changed, and an invalid save leaves the last good site.

    `render` gives the same pages and assets as `Pipeline.render` of the same files (tests edit a project
    each way and compare): it keeps an earlier page only when nothing that page shows can have changed.
    That is decided from what the stages produced, not from which files were written: the catalogue, the
    organisation, the metric data, the templates and the portfolio-wide badges must all be equal, and then
    the pages of a journey are kept when the journey, its badges, its charts and its last change are, and
    those of every journey it links to or that links to it (parent, children, next, previous, replaces) too.
    """

    checked: Checked | None = None  # the last valid portfolio
    rendered: Rendered | None = None  # and its site
    key: tuple[object, ...] = ()  # what a reuse requires to be equal (options, root, templates)
    reused: int = 0  # pages the last render kept
    catching_up: bool = False  # the last render was of the same files as the one before (`render`)
    compiled: CompiledTemplates | None = None  # the page templates, compiled once for the whole session
    data_memo: DataMemo = field(default_factory=lambda: DataMemo())  # pass to `Pipeline.check`
    model_memo: ModelMemo = field(default_factory=lambda: ModelMemo())  # and this
    view_memo: ViewMemo = field(default_factory=lambda: ViewMemo())  # the metrics' series, statuses, charts
    charts_known: set[str] = field(default_factory=set)  # chart files found valid: `Pipeline.start_drawing`
    rows: RowCache = field(default_factory=lambda: _row_cache())  # the lists' rows (`site.row_cache`)
    texts: TextCache | None = None  # the text cache, read once a session (`site.text_cache.in_session`)
    # the caches' files to write when the preview is idle (`flush`), by file: the last save's write of each
    # (a parse cache's file is tens of MB at 1,000 journeys: 0.3 s to write, at every save)
    deferred: dict[Path, Callable[[], None]] = field(default_factory=dict)
    _writing: threading.Lock = field(default_factory=threading.Lock)  # `flush` runs on a timer's thread

    def __post_init__(self) -> None:
        self.model_memo.defer = self.defer

    def defer(self, path: Path, write: Callable[[], None]) -> None:
        with self._writing:
            self.deferred.pop(path, None)  # kept in the order of the last writes
            self.deferred[path] = write

    def flush(self) -> None:
        """Write the caches' files the saves since the last flush left to write (the live preview calls it when
        idle, and at its end)."""
        with self._writing:
            writes = list(self.deferred.values())
            self.deferred.clear()
        for write in writes:
            write()

    def _texts(self, pipeline: Pipeline) -> TextCache:
        """The session's text cache, in the pipeline's cache folder (a new one if that changed)."""
        from generator.site.text_cache import TextCache

        if self.texts is None or self.texts.folder != pipeline.chart_cache:
            self.texts = TextCache(pipeline.chart_cache)
            self.texts.defer = self.defer
        return self.texts

    def render(
        self,
        pipeline: Pipeline,
        checked: Checked,
        guide: Iterable[str] = (),
        *,
        first: frozenset[str] | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> Rendered:
        """The site of `checked` (valid), reusing the last render's pages where that gives the same bytes;
        `guide` as for `Pipeline.render`.

        The live preview looks first at what the user sees (`Site.owed`): given `first` (the pages viewed),
        a save renders those and the pages of the journeys it changed, and keeps the earlier version of every
        other page it changed, owed. A render of the same files (`catching_up`) renders what is owed, asking
        `stop` between two pages (a save waiting): what is left stays owed. Once nothing is owed, the pages
        are those of `Pipeline.render`, as without `first`."""
        guide = tuple(guide)
        key = (pipeline.options, pipeline.root, pipeline.custom_dir, _template_digest(pipeline.template_dirs), guide)
        last, last_checked = self.rendered, self.checked

        same = last is not None and last_checked is not None and key == self.key
        own = own_page_edits(last_checked.portfolio, checked.portfolio) if same and last_checked else None
        self.catching_up = own is not None and not own
        owed = last.site.owed if last is not None else frozenset()
        # a save defers what nobody looks at; a catch-up renders it, until a save waits
        later = {"first": None, "stop": stop} if self.catching_up else {"first": first}

        def reuse(extras: Extras) -> Reuse | None:
            from generator.site.render import Reuse

            if last is None or last_checked is None or key != self.key:
                return None
            if own is not None and extras is last.extras:
                return Reuse(
                    last.site.pages,
                    last.site.assets,
                    own,
                    keys=last.site.keys,
                    own_pages_only=True,
                    pages_of=last.site.pages_of,
                    moved=last.site.moved,
                    owed=owed,
                    **later,
                )
            found = fresh_journeys(last_checked.portfolio, last.extras, checked.portfolio, extras)
            if found is None:
                return None
            return Reuse(
                last.site.pages,
                last.site.assets,
                frozenset(found.fresh),
                entries=found.entries,
                changed=found.changed,
                steps=found.steps,
                named=found.named,
                keys=last.site.keys,
                owed=owed,
                **later,
            )

        if self.compiled is None:
            from generator.site.compiled_templates import CompiledTemplates

            self.compiled = CompiledTemplates()
        rendered = pipeline.render(
            checked,
            draw=False,
            reuse=reuse,
            compiled=self.compiled,
            view_memo=self.view_memo,
            guide=guide,
            rows=self.rows,
            texts=self._texts(pipeline),
            metrics_of=last if own is not None else None,
        )
        before = last.site.pages if last is not None else {}
        self.reused = sum(1 for path, page in rendered.site.pages.items() if before.get(path) is page)
        self.checked, self.rendered, self.key = checked, rendered, key
        return rendered


def _row_cache() -> RowCache:
    from generator.site.row_cache import RowCache  # the site stage, loaded only by what renders

    return RowCache()


def _template_digest(folders: list[Path]) -> str:
    """The digest of every file in the template folders (an override changed: every page is rendered)."""
    h = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                h.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


# the portfolio's parts that any page may show: when one of them changed, nothing is reused
_SHARED = ("organisation", *COLLECTIONS, "lanes", "metric_data")


@dataclass(frozen=True)
class Fresh:
    """What a save changed, as far as the pages go (`fresh_journeys`)."""

    fresh: set[str]  # the journeys whose pages are rendered again: those edited, and those linked to changed ones
    changed: frozenset[str]  # the journeys edited in what pages other than their own show (`model.own_page`)
    entries: frozenset[tuple[str, str]]  # the entries the changed journeys or the edited steps name, then or now
    # (journey, step) of the steps edited in journeys changed in those steps only (not in `changed`)
    steps: frozenset[tuple[str, str]] = frozenset()
    # every entry the changed journeys and those with edited steps name: the persona pages among them list
    # those journeys' steps (a step takes its journey's personas)
    named: frozenset[tuple[str, str]] = frozenset()


def fresh_journeys(old: Portfolio, old_extras: Extras, new: Portfolio, new_extras: Extras) -> Fresh | None:
    """What a save changed, as far as the pages go (`Fresh`); None: render everything.

    A journey is fresh (its pages are rendered again) when it was added, removed or edited, or its badges,
    charts or last change did. How far the edit reaches decides what else is:
    - only fields its own page shows (`model.own_page`): nothing else;
    - only some steps (the same phases, steps in the same places): the journeys detailing those steps, and
      the list pages showing those steps (`Fresh.steps`) or an entry they name (`Fresh.entries`);
    - anything else (`Fresh.changed`): every journey linking to it or linked from it, in either portfolio
      (their pages show its title and badge), and the list pages showing it or an entry it names.
    Anything beyond the journeys (a catalogue entry, the metric data, a portfolio-wide badge) gives None.
    """
    if not _same_shared(old, new):
        return None
    if old_extras.standings.beyond_journeys() != new_extras.standings.beyond_journeys():
        return None
    old_at, new_at = old_extras.standings.by_journey(), new_extras.standings.by_journey()
    old_last = old_extras.history.last if old_extras.history else {}
    new_last = new_extras.history.last if new_extras.history else {}
    edited = {
        jid
        for jid in set(old.journeys) | set(new.journeys)
        if old.journeys.get(jid) != new.journeys.get(jid)
        or old.journey_files.get(jid) != new.journey_files.get(jid)
        or old_at.get(JourneyId(jid)) != new_at.get(JourneyId(jid))
        or old_extras.charts.get(jid) != new_extras.charts.get(jid)
        or old_last.get(jid) != new_last.get(jid)
    }
    # A journey edited only in fields its own pages alone show (`model.own_page`) changes those pages only; one
    # edited only in some steps changes the list pages showing those steps (`Fresh.steps`); others, any page
    # showing the journey. Its charts are on its own pages.
    changed: set[str] = set()
    steps: set[tuple[str, str]] = set()
    for jid in edited:
        before, after = old.journeys.get(jid), new.journeys.get(jid)
        if (
            before is not None
            and after is not None
            and old.journey_files.get(jid) == new.journey_files.get(jid)
            and old_at.get(JourneyId(jid)) == new_at.get(JourneyId(jid))
            and old_last.get(jid) == new_last.get(jid)
            and (edited_steps := _edited_steps(before, after)) is not None
        ):
            steps.update((jid, step) for step in edited_steps)
        else:
            changed.add(jid)
    linked = changed | {jid for jid, _ in steps}
    from generator.model.refs import references_of

    named: set[tuple[str, str]] = set()  # every entry those journeys name
    entries: set[tuple[str, str]] = set()  # those named by a changed journey, or in an edited step
    for portfolio in (old, new):
        for jid in linked:
            journey = portfolio.journeys.get(jid)
            if journey is None:
                continue
            places = _step_places(journey, {s for j, s in steps if j == jid}) if jid not in changed else None
            for ref in references_of("journeys", jid, journey):
                named.add((ref.kind, ref.target))
                if places is None or ref.path[:4] in places:
                    entries.add((ref.kind, ref.target))
    # the neighbours of a journey changed in some steps show its title, which is the same, and the journeys
    # detailing one of those steps show its name
    return Fresh(
        edited | _linked(old, changed) | _linked(new, changed) | _detailing(old, steps) | _detailing(new, steps),
        frozenset(changed),
        frozenset(entries),
        frozenset(steps),
        frozenset(named),
    )


def _same_shared(old: Portfolio, new: Portfolio) -> bool:
    """Whether the parts any page may show (`_SHARED`: the catalogue, the organisation, the data) are equal."""
    return all(getattr(old, name) == getattr(new, name) for name in _SHARED)


def own_page_edits(old: Portfolio, new: Portfolio) -> frozenset[str] | None:
    """The journeys a save changed, when it changed nothing but own-page fields of journeys (`model.own_page`):
    then no metric, list or navigation changed, only those journeys' own pages. None: it changed more."""
    if not _same_shared(old, new):
        return None
    if old.journeys.keys() != new.journeys.keys() or old.journey_files != new.journey_files:
        return None
    edited = frozenset(
        jid
        for jid, journey in new.journeys.items()
        if old.journeys[jid] is not journey and old.journeys[jid] != journey
    )
    if not all(differs_only_on_own_page(old.journeys[jid], new.journeys[jid]) for jid in edited):
        return None
    return edited


def _detailing(portfolio: Portfolio, steps: set[tuple[str, str]]) -> set[str]:
    """The journeys of `portfolio` that detail one of `steps` (their `parent`)."""
    return {
        jid
        for jid, journey in portfolio.journeys.items()
        if journey.parent is not None and (journey.parent.journey, journey.parent.step) in steps
    }


def _step_places(journey: Journey, ids: set[str]) -> set[tuple[object, ...]]:
    """Where the steps `ids` are written in the journey: ("phases", i, "steps", k), as a reference's path starts."""
    return {
        ("phases", i, "steps", k)
        for i, phase in enumerate(journey.phases)
        for k, step in enumerate(phase.steps)
        if step.id in ids
    }


def _edited_steps(old: Journey, new: Journey) -> set[str] | None:
    """The ids of the steps that differ in what pages other than the journey's show, when nothing else of the
    journey does (the same phases, steps in the same places); None when something else does."""
    if len(old.phases) != len(new.phases):
        return None
    found: set[str] = set()
    for was, now in zip(old.phases, new.phases, strict=True):
        if len(was.steps) != len(now.steps) or was.model_copy(update={"steps": []}) != now.model_copy(
            update={"steps": []}
        ):
            return None
        for a, b in zip(was.steps, now.steps, strict=True):
            if a.id != b.id:
                return None
            if not differs_only_on_own_page(a, b):
                found.add(a.id)
    if not differs_only_on_own_page(old.model_copy(update={"phases": []}), new.model_copy(update={"phases": []})):
        return None
    return found


def _linked(portfolio: Portfolio, journeys: set[str]) -> set[str]:
    """The journeys of `portfolio` that link to one of `journeys` or that one of them links to."""
    from generator.model.refs import references_of

    out: set[str] = set()
    for jid, journey in portfolio.journeys.items():
        for ref in references_of("journeys", jid, journey):
            target = ref.journey if ref.kind == "steps" else ref.target if ref.kind == "journeys" else None
            if target is None:
                continue
            if jid in journeys:
                out.add(target)
            if target in journeys:
                out.add(jid)
    return out
