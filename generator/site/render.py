"""Rendering the site: a pure function from a validated portfolio to Markdown pages and assets.

`render_site(portfolio)` returns a `Site`: pages (virtual path -> Markdown, with the YAML file each comes
from, for edit links), binary/text assets (`api/portfolio.json`, charts) and the navigation tree in the
shape of MkDocs' `nav` setting (plain data: this module imports nothing from MkDocs). The MkDocs plugin
adds the pages as virtual files; `journeys generate` writes them to disk for any other builder.

Pages come from Jinja2 templates in `generator/templates/`; a folder given in `template_dirs` (the
project's `theme/journeys/`) overrides any of them by file name. Every template renders from an
autoescaping environment, and user text goes through the filters of `filters.py`.

Later stages plug in through `Extras`: metric health per journey, step, department, persona or metric
(`site.standing`, shown as a badge, *no data* when absent) and charts per journey (SVG assets shown on the
journey page).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from generator.charts.draw import fmt
from generator.charts.journey_charts import match_steps
from generator.common.diagnostics import Diagnostic
from generator.load.history import History
from generator.metrics import wording
from generator.model.entities import (
    COLLECTIONS,
    Journey,
    JourneyLevel,
    OpportunityStatus,
    Owner,
    PainPoint,
    SolutionStatus,
    Step,
    Touchpoint,
    Verbatim,
)
from generator.model.ids import JourneyId, StepId
from generator.model.own_page import differs_only_on_own_page
from generator.model.portfolio import Portfolio
from generator.model.reference import models as reference_models
from generator.model.refs import Reference, references_of
from generator.site import filters, sheets
from generator.site.render_pool import render_pages, render_shared
from generator.site.row_cache import NO_ROWS, Identity, RowCache
from generator.site.sheet_cache import SheetCache
from generator.site.standing import Attention, Standings, as_badge
from generator.site.text_cache import TextCache

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class PageChart:
    """A chart as a page shows it (`charts.draw.Chart` is what gets drawn): an asset path (site-relative),
    its alternative text, caption and data table.

    `table` is the chart's numbers as an HTML table, shown in a <details> under the picture: markup made
    by the metrics stage (`site_metrics`), which escapes every text in it.
    """

    path: str
    alt: str
    title: str = ""
    table: str = ""
    kind: str = ""


@dataclass
class Extras:
    """What later stages add to the pages; everything optional.

    `standings` holds the health badges, trends and latest values by typed id (absent: no data). `charts`
    maps a journey id to its charts; their bytes (and any other file) go in `assets`, by site-relative path.
    """

    standings: Standings = field(default_factory=Standings)
    charts: Mapping[str, Sequence[PageChart]] = field(default_factory=dict)
    assets: Mapping[str, bytes] = field(default_factory=dict)
    attention: Sequence[Attention] = field(default_factory=list)  # the needs-attention list, worst first
    portfolio_charts: Sequence[PageChart] = field(default_factory=list)
    # where a series is measured (a journey, or a step) -> the latest value of each series measured there:
    # dicts of metric, segment, value (number), period (`2026-10`), health, trend; for api/portfolio.json
    measures: Mapping[JourneyId | StepId, Sequence[Mapping[str, object]]] = field(default_factory=dict)
    history: History = field(default_factory=History)  # each journey's last change, the recent changes


@dataclass(frozen=True)
class Page:
    path: str  # virtual source path, e.g. journeys/make-a-claim/index.md
    content: str
    source: str | None = None  # the YAML file it comes from, as the portfolio displays it


@dataclass(frozen=True)
class Reuse:
    """What an earlier render of the same project can give this one (the live preview): its pages and assets,
    and the journeys to render again (`fresh`). The pages and downloads of every other journey, and the
    comparison pages of pairs with no fresh journey, are taken as they were; so are the pages of the lists
    split into pages whose rows did not change (`keeps_part`); every other page is rendered.
    The caller decides `fresh` (`pipeline.Session`): a journey whose file changed and the journeys whose
    pages show it; anything else changed (catalogue, metric data, templates) means no reuse at all."""

    pages: Mapping[str, Page]
    assets: Mapping[str, bytes]
    fresh: frozenset[str]
    # the catalogue entries a changed journey names, or an edited step, before or after, as (collection, id):
    # the rows of the lists (insights, backlog...) that show where an entry is used are rendered again
    entries: frozenset[tuple[str, str]] = frozenset()
    changed: frozenset[str] = frozenset()  # the journeys that changed themselves (`fresh` less their links)
    # the steps changed in journeys whose change is confined to some steps (not in `changed`): a list page
    # whose rows name their steps (`PartKey.steps`) is rendered again only when it shows one of them
    steps: frozenset[tuple[str, str]] = frozenset()
    # every entry named by a changed journey or one with edited steps: the pages of the personas, departments
    # and channels among them are rendered again (they list those journeys' steps)
    named: frozenset[tuple[str, str]] = frozenset()
    keys: Mapping[str, PartKey] = field(default_factory=dict)  # the earlier render's `Site.keys`
    # the journeys in `fresh` changed in own-page fields only, and nothing else did (`pipeline.own_page_edits`):
    # only their own pages and those rendered at every save are rendered; the lists' pages and the
    # navigation are the earlier render's (`Site.pages_of`, `Site.moved`: where each split list's rows are)
    own_pages_only: bool = False
    pages_of: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    moved: Mapping[tuple[str, str], str] = field(default_factory=dict)
    # The live preview renders first what the user looks at (`Site.owed`): `first` is given for a save, as the
    # pages viewed in the browser; a page to render again that is neither one of them nor a page of a fresh
    # journey keeps its earlier version and is owed. `owed`: the pages the earlier render owes, rendered now
    # (never taken as they were); `stop`: asked between two of them, they stay owed once it says so.
    first: frozenset[str] | None = None
    owed: frozenset[str] = frozenset()
    stop: Callable[[], bool] | None = None

    def comes_first(self, path: str, ctx: Mapping[str, object]) -> bool:
        """Whether a page to render again is rendered now (with `first` given): a page viewed, a page of a fresh
        journey, a page with no earlier version, or the governance page."""
        if self.first is None or path in self.first or path not in self.pages or path in ALWAYS_RENDERED:
            return True  # (the governance page: one page, rendered at every save, not worth a catch-up)
        return any(ctx[k] in self.fresh for k in ("jid", "as_is", "to_be") if k in ctx)

    def keeps(self, path: str, ctx: Mapping[str, object]) -> bool:
        """Whether a page job's result can be taken from the earlier render: a journey-scoped job of no fresh
        journey, or the page of a persona, department or channel no changed journey names."""
        kind = path.split("/", 1)[0]
        if kind in ENTRY_PAGES and "ident" in ctx:
            return (kind, ctx["ident"]) not in self.named  # `entries` are among them
        scope = [ctx[k] for k in ("jid", "as_is", "to_be") if k in ctx]
        if scope:
            return not any(j in self.fresh for j in scope)
        # a page of the whole portfolio (home, tags...) shows no journey's own-page fields (`model.own_page`)
        return not self.changed and not self.steps and path not in ALWAYS_RENDERED

    def keeps_part(self, path: str, key: PartKey) -> bool:
        """Whether a page of a list split into pages can be taken from the earlier render: the same rows (but
        for own-page fields), in the same pages, with the same figures, and none of its rows shows a changed
        journey, an edited step or an entry either names, then or now; a page of portfolio-wide roll-ups
        (`always`) only when no journey changed beyond its own page."""
        old = self.keys.get(path)
        if old is None or key.figures != old.figures:
            return False
        if (key.always or old.always) and (self.changed or self.steps):
            return False
        journeys = (*key.journeys, *old.journeys)  # one that left the page, too
        if key.steps is not None and old.steps is not None:
            # rows of steps: a journey changed in some steps matters through those steps only (its other
            # rows are the same values, which the comparison of the rows below checks)
            if any(s in self.steps for s in (*key.steps, *old.steps)):
                return False
        elif any(j in self.step_journeys for j in journeys):
            return False
        return (
            # the same rows, or rows edited only in what the list does not show
            (key.part == old.part or differs_only_on_own_page(key.part, old.part))
            and not any(j in self.changed for j in journeys)
            and not any(e in self.entries for e in (*key.entries, *old.entries))
        )

    @functools.cached_property
    def step_journeys(self) -> frozenset[str]:
        return frozenset(j for j, _ in self.steps)


@dataclass(frozen=True)
class PartKey:
    """What one page of a split list shows, as far as keeping it between two renders goes: its `Part` (rows,
    where they start, every page's path), the list-wide `figures` its heading states (counts...), the
    journeys its rows show (a title, a step, an owner) and the catalogue entries they are (a row of the
    insights list shows where the insight is used, which a journey's edit changes). `always`: never kept (a
    page showing portfolio-wide roll-ups)."""

    part: Part
    figures: tuple = ()
    journeys: frozenset[str] = frozenset()
    # the steps its rows show, as (journey, step) (None: rows of whole journeys, which may show any step of theirs)
    steps: frozenset[tuple[str, str]] | None = None
    entries: frozenset[tuple[str, str]] = frozenset()
    always: bool = False


# the catalogue collections with a page per entry (`personas/<id>.md`...)
ENTRY_PAGES = ("personas", "departments", "channels")
# pages rendered at every save: the governance page lists warnings by line, which any edit above them moves
ALWAYS_RENDERED = frozenset({"governance.md"})


@dataclass
class Site:
    pages: dict[str, Page]
    assets: dict[str, bytes]
    nav: list
    rendered_by_child: int = 0  # pages a forked child rendered (render_pool): 0 when none, or it failed
    keys: dict[str, PartKey] = field(default_factory=dict)  # each page of a split list: what it shows
    # each split list's pages, and the page holding each anchored row (`_Renderer.paged`), for a later render
    pages_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    moved: dict[tuple[str, str], str] = field(default_factory=dict)
    # the live preview: pages holding their earlier version, to render at the next save or catch-up (`Reuse`)
    owed: frozenset[str] = frozenset()

    def files(self) -> dict[str, bytes]:
        """Every output file by path: pages as UTF-8 Markdown, then assets. Every path is checked safe."""
        self.check_paths()
        out = {path: page.content.encode("utf-8") for path, page in self.pages.items()}
        out.update(self.assets)
        return dict(sorted(out.items()))

    def check_paths(self) -> None:
        """Raise ValueError unless every output path is safe to write (`safe_relpath`)."""
        unsafe = sorted(p for p in (*self.pages, *self.assets) if not safe_relpath(p))
        if unsafe:  # ids are slugs, so only a bug (or a bypassed validation) gets here
            raise ValueError(f"unsafe output path(s): {', '.join(map(repr, unsafe))}")


# ------------------------------------------------------------------------------------------ paths

_SAFE_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def safe_relpath(path: str) -> bool:
    """A site-relative path the generator may write: `/`-separated, relative, plain names, no `..`."""
    parts = path.split("/")
    return bool(path) and all(_SAFE_PART.match(p) and p not in (".", "..") for p in parts)


def journey_path(jid: str) -> str:
    return f"journeys/{jid}/index.md"


def compare_path(to_be: str) -> str:
    """The comparison page of an as-is/to-be pair, beside the to-be journey's page."""
    return f"journeys/{to_be}/compare.md"


def download_path(jid: str, kind: str) -> str:
    """A journey's spreadsheet for download (`csv` or `xlsx`), beside its page."""
    return f"journeys/{jid}/{jid}.{kind}"


PATHS = {
    "home": "index.md",
    "explore": "explore.md",
    "importance": "touchpoint-importance.md",
    "systems": "systems.md",
    "journeys": "journeys/index.md",
    "personas": "personas/index.md",
    "departments": "departments/index.md",
    "channels": "channels/index.md",
    "backlog": "backlog.md",
    "solutions": "solutions.md",
    "insights": "insights.md",
    "metrics": "metric-catalogue.md",  # not metrics.md: that is the user guide's page on metrics
    "attention": "attention.md",
    "glossary": "glossary.md",
    "governance": "governance.md",
    "tags": "tags.md",
    "reference": "reference.md",
    "changes": "changes.md",
}
PORTFOLIO_JSON = "api/portfolio.json"
COMPUTED = "computed"  # (a row key: what the metrics add to a journey in PORTFOLIO_JSON)

# The most rows one page of a long list holds. A longer list is split into pages of this many rows, in the
# list's own order: the first stays at the list's path, the next at `<list>/page_2.md`, `page_3.md`... (an id
# has no underscore, so no page of a list can take the address of a journey or department). Sized so that no
# page's HTML nears 300 KB at 1,000 journeys (docs/performance.md); the example portfolio is far below them.
PAGE_ROWS = {
    "journeys": 300,  # a table row a journey
    "backlog": 50,  # a table row and a section an opportunity
    "insights": 60,  # an insight with the steps using it
    "solutions": 60,
    "metrics": 30,  # a metric with the steps measuring it
    "attention": 100,  # a table row a metric at risk or off target
    "systems": 400,  # a step using a system
    "department": 120,  # a step or touchpoint the department owns
    "channel": 300,  # a touchpoint in the channel
}


def part_path(path: str, number: int) -> str:
    """The page holding part `number` (from 1) of the list whose first page is `path`."""
    if number == 1:
        return path
    stem = path[: -len(".md")]
    stem = stem[: -len("/index")] if stem.endswith("/index") else stem
    return f"{stem}/page_{number}.md"


@dataclass(frozen=True)
class Part:
    """One page of a list split into pages (`PAGE_ROWS`): its rows, where they start and every page's path."""

    number: int  # from 1
    items: Sequence
    start: int  # rows on the pages before this one
    total: int  # rows in the whole list
    paths: tuple[str, ...]  # every page of the list, in order; the first is the list's own page
    size: int = 0  # the most rows a page holds

    @property
    def count(self) -> int:
        return len(self.paths)

    @property
    def path(self) -> str:
        return self.paths[self.number - 1]

    @property
    def split(self) -> bool:
        return len(self.paths) > 1

    @property
    def first(self) -> bool:
        return self.number == 1

    @property
    def last(self) -> bool:
        return self.number == len(self.paths)

    @property
    def suffix(self) -> str:
        """What a later page adds to the list's title: ", page 2 of 5" (plain text: for the YAML title too)."""
        return f", page {self.number} of {self.count}" if self.number > 1 else ""

    def ranges(self) -> list[tuple[str, int, int]]:
        """(path, first row, last row) of every page, rows counted from 1."""
        size = self.size or self.total
        return [(p, n * size + 1, min((n + 1) * size, self.total)) for n, p in enumerate(self.paths)]


def split_list(path: str, items: Iterable, rows: int) -> list[Part]:
    """The list in pages of at most `rows` rows, one `Part` each (one page, maybe empty, when it fits)."""
    items = list(items)
    count = max(1, -(-len(items) // rows))
    paths = tuple(part_path(path, n) for n in range(1, count + 1))
    return [Part(n + 1, items[n * rows : (n + 1) * rows], n * rows, len(items), paths, rows) for n in range(count)]


def url_of(path: str) -> str:
    """The page's URL relative to the site root, with MkDocs' directory URLs: `journeys/x/`."""
    stem = path[:-3] if path.endswith(".md") else path
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def ranked_opportunities(p: Portfolio) -> list[str]:
    """The backlog's order: by priority (`score`), highest first, then by id."""
    return sorted(p.opportunities, key=lambda i: (-score(p.opportunities[i]), i))


def backlog_pages(p: Portfolio) -> dict[str, str]:
    """Each opportunity's page of the backlog (which is split into pages of `PAGE_ROWS["backlog"]` rows)."""
    parts = split_list(PATHS["backlog"], ranked_opportunities(p), PAGE_ROWS["backlog"])
    return {oid: part.path for part in parts for oid in part.items}


def relative_url(url: str, other: str) -> str:
    """`url` relative to `other` (both site URLs of pages, `""` the home page), as MkDocs writes a Markdown
    link's address: `../../departments/claims/`, `./` for the home page from itself."""
    here = [part for part in other.split("/") if part]
    there = [part for part in url.split("/") if part]
    common = 0
    for a, b in zip(here, there, strict=False):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(here) - common) + there[common:]) or "."
    return rel + "/" if url.endswith("/") or not url else rel


def score(opp) -> float:
    """Backlog priority: impact x reach / effort (each 1..5), so 0.2 to 25; ties broken by id."""
    return opp.impact * opp.reach / opp.effort


# ------------------------------------------------------------------------------------------ indexes


def _targets(refs: Iterable[Reference]) -> Iterator[tuple[str, str]]:
    return ((r.kind, r.target) for r in refs)


@dataclass(frozen=True)
class StepAt:
    journey: str
    phase: str
    step: Step


class Index:
    """Reverse look-ups the pages need (who owns what, where things are used), computed once.

    Every look-up inverts references found from the model's `Ref` marks (`model/refs.py`); the named ones
    pick the field a page lists (a department page shows the steps it owns apart from its touchpoints).
    """

    def __init__(self, p: Portfolio):
        self.p = p
        self.children: dict[str, list[str]] = {}
        self.children_of_step: dict[tuple[str, str], list[str]] = {}
        self.previous: dict[str, list[str]] = {}
        self.steps_by_owner: dict[str, list[StepAt]] = {}
        self.touchpoints_by_dept: dict[str, list[tuple[StepAt, object]]] = {}
        self.touchpoints_by_channel: dict[str, list[tuple[StepAt, object]]] = {}
        # (kind, id) -> the steps naming it in one of their own fields, once per mention
        self.steps_using: dict[tuple[str, str], list[StepAt]] = {}
        self.journeys_by_persona: dict[str, list[str]] = {}
        self.journeys_by_dept: dict[str, list[str]] = {}
        self.journeys_using_metric: dict[str, list[str]] = {}
        self.replaced_by: dict[str, list[str]] = {}  # as-is journey -> the to-be journey replacing it
        # persona -> (step, verbatim) for the quotes they said, in journey and step order
        self.verbatims_by_persona: dict[str, list[tuple[StepAt, object]]] = {}
        journey_fields = {
            "personas": self.journeys_by_persona,
            "owner.department": self.journeys_by_dept,
            "metrics": self.journeys_using_metric,
            "next": self.previous,
            "replaces": self.replaced_by,
        }
        touchpoint_fields = {"department": self.touchpoints_by_dept, "channel": self.touchpoints_by_channel}
        for jid in sorted(p.journeys):
            j = p.journeys[jid]
            steps = {
                (pi, si): StepAt(jid, phase.id, step)
                for pi, phase in enumerate(j.phases)
                for si, step in enumerate(phase.steps)
            }
            for r in references_of("journeys", jid, j):
                model, name = r.field.model, r.field.name
                if r.kind == "steps":  # this journey details a step of another one
                    if r.journey in p.journeys and r.journey != jid:
                        self.children.setdefault(r.journey, []).append(jid)
                        self.children_of_step.setdefault((r.journey, r.target), []).append(jid)
                elif model is Journey or model is Owner:
                    if r.kind != "journeys" or (r.target in p.journeys and r.target != jid):
                        journey_fields.get(r.field.field, {}).setdefault(r.target, []).append(jid)
                elif model is Step:
                    at = steps[r.path[1], r.path[3]]
                    self.steps_using.setdefault((r.kind, r.target), []).append(at)
                    if name == "owner":
                        self.steps_by_owner.setdefault(r.target, []).append(at)
                elif model is Touchpoint:
                    at = steps[r.path[1], r.path[3]]
                    tp = at.step.touchpoints[r.path[5]]
                    touchpoint_fields.get(name, {}).setdefault(r.target, []).append((at, tp))
                elif model is PainPoint:  # the insight behind a pain point: the step is about it too
                    self.steps_using.setdefault((r.kind, r.target), []).append(steps[r.path[1], r.path[3]])
                elif model is Verbatim:
                    at = steps[r.path[1], r.path[3]]
                    self.verbatims_by_persona.setdefault(r.target, []).append((at, at.step.verbatims[r.path[5]]))
        for parent, kids in self.children.items():
            kids.sort(key=lambda k: self._child_order(parent, k))
        # catalogue look-ups, so that no page scans a whole collection per item (quadratic at 1,000 journeys)
        self.opportunities_by_insight: dict[str, list[str]] = {}
        self.solutions_by_opportunity: dict[str, list[str]] = {}
        self.solutions_by_owner: dict[str, list[tuple[str, object]]] = {}
        self._solution_position = {sid: n for n, sid in enumerate(p.solutions)}
        catalogue_fields = {
            ("opportunities", "insights"): self.opportunities_by_insight,
            ("solutions", "opportunities"): self.solutions_by_opportunity,
        }
        for collection in COLLECTIONS:
            for ident, entry in p.collection(collection).items():
                for kind, target in dict.fromkeys(_targets(references_of(collection, ident, entry))):
                    if collection == "solutions" and kind == "departments":
                        self.solutions_by_owner.setdefault(target, []).append((ident, entry))
                    elif (collection, kind) in catalogue_fields:
                        catalogue_fields[collection, kind].setdefault(target, []).append(ident)

    def pain_points_of_persona(self, persona: str) -> list[tuple[StepAt, PainPoint]]:
        """The rated pain points at the steps a persona takes, most severe first (then in journey order)."""
        found: list[tuple[StepAt, PainPoint]] = []
        for jid in self.journeys_by_persona.get(persona, []):
            for phase in self.p.journeys[jid].phases:
                for step in phase.steps:
                    if step.personas is not None and persona not in step.personas:
                        continue
                    found += [(StepAt(jid, phase.id, step), pp) for pp in step.pain_points if pp.severity]
        return sorted(found, key=lambda f: -(f[1].severity or 0))  # all rated (`if pp.severity`): `or 0` never applies

    def solutions_addressing(self, opportunities) -> list[str]:
        """Solutions addressing any of these opportunities, in the catalogue's order."""
        found = {sid for oid in opportunities for sid in self.solutions_by_opportunity.get(oid, ())}
        return sorted(found, key=self._solution_position.__getitem__)

    def _child_order(self, parent: str, child: str):
        steps = [s.id for s in self.p.journeys[parent].steps()]
        ref = self.p.journeys[child].parent
        pos = steps.index(ref.step) if ref and ref.step in steps else len(steps)
        return (pos, self.chain_position(child), child)

    def chain_position(self, jid: str) -> int:
        """How many journeys come before this one along `next` links (cycles are cut)."""
        seen, n, current = {jid}, 0, jid
        while self.previous.get(current):
            current = self.previous[current][0]
            if current in seen:
                break
            seen.add(current)
            n += 1
        return n

    def roots(self) -> list[str]:
        """Journeys with no (resolvable) parent: macro journeys first, then by title."""
        roots = [jid for jid in self.p.journeys if not self._has_parent(jid)]
        return sorted(
            roots,
            key=lambda j: (
                self.p.journeys[j].level is not JourneyLevel.macro,
                self.chain_position(j),
                self.p.journeys[j].title.lower(),
                j,
            ),
        )

    def _has_parent(self, jid: str) -> bool:
        j = self.p.journeys[jid]
        return bool(
            j.parent and j.parent.journey in self.p.journeys and j.parent.journey != jid and not self._parent_cycle(jid)
        )

    def _parent_cycle(self, jid: str) -> bool:
        seen: set[str] = set()
        current: str | None = jid
        while current is not None and current in self.p.journeys:
            if current in seen:
                return True
            seen.add(current)
            parent = self.p.journeys[current].parent
            current = parent.journey if parent else None
        return False

    def chains(self) -> list[list[str]]:
        """Horizontal chains of two or more journeys along `next`, each from its first journey."""
        out = []
        for start in sorted(self.p.journeys, key=lambda j: self.p.journeys[j].title.lower()):
            if self.previous.get(start) or not self.p.journeys[start].next:
                continue
            chain, current = [start], self.p.journeys[start].next
            while current in self.p.journeys and current not in chain:
                chain.append(current)
                current = self.p.journeys[current].next
            if len(chain) > 1:
                out.append(chain)
        return out


# ------------------------------------------------------------------------------------------ rendering


def environment(
    template_dirs: Iterable[Path | str] = (),
    texts: TextCache | None = None,
    glossary: filters.Glossary | None = None,
    compiled: jinja2.BytecodeCache | None = None,
) -> jinja2.Environment:
    """The templates' environment: project overrides first, then the package defaults; autoescaped; user
    Markdown converted through `texts` when given; the `glossary`'s terms linked in block text; templates
    compiled by an earlier render taken from `compiled` (the live preview)."""
    loaders = [jinja2.FileSystemLoader(str(d)) for d in template_dirs if Path(d).is_dir()]
    loaders.append(jinja2.FileSystemLoader(str(TEMPLATES)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=compiled,
    )
    env.filters.update(filters.Filters(texts, glossary).mapping())
    env.tests["contains"] = lambda seq, item: item in seq
    env.globals["html_rows"] = html_rows
    return env


def html_rows(rows: Iterable[Sequence[object]], tds: Sequence[str], tr: str) -> Markup:
    """The `<tr>` rows of a finished-HTML table (`html_table` in _macros.md.j2): each cell after its column's
    opening `<td ...>` (`tds`), escaped unless finished HTML, as the template wrote them; a loop in Python,
    as a big table has thousands of cells."""
    out: list[str] = []
    for row in rows:
        out.append(f"<tr{tr}>\n")
        out.extend(f"{td}{escape(cell)}</td>\n" for td, cell in zip(tds, row, strict=False))
        out.append("</tr>\n")
    return Markup("".join(out))


class _Renderer:
    def __init__(
        self,
        portfolio: Portfolio,
        report_warnings: list[Diagnostic],
        extras: Extras,
        env: jinja2.Environment,
        texts: TextCache | None = None,
    ):
        self.p = portfolio
        self.ix = Index(portfolio)
        self.warnings = report_warnings
        self.extras = extras
        self.env = env
        self.texts = texts
        self.pages: dict[str, Page] = {}
        self._ranked = ranked_opportunities(portfolio)
        self._rank = {oid: n for n, oid in enumerate(self._ranked)}
        self._relpaths: dict[tuple[str, str], str] = {}
        self._urls: dict[tuple[str, str], str] = {}
        from generator.site.rollups import owners

        self._owner_of = owners(portfolio)
        self.downloads = True
        self.workbooks: SheetCache | None = None
        self.reuse: Reuse | None = None
        self.guide: frozenset[str] = frozenset()  # the user guide's pages in the site, if any (render_site)
        # lists split into pages: the list's first page -> every page's path (for the navigation), and
        # (list's first page, anchor) -> the page holding that anchor, so that every link finds its row
        self._pages_of: dict[str, tuple[str, ...]] = {}
        self._moved: dict[tuple[str, str], str] = {}
        self.keys: dict[str, PartKey] = {}  # each page of a split list: what it shows (`paged`)
        self.rows: RowCache = NO_ROWS  # the rows kept from the last render (the live preview; `row_cache`)

    # helpers available to every template, bound to the page being rendered
    def _context(self, path: str) -> dict:
        base = posixpath.dirname(path) or "."

        relpaths = self._relpaths

        moved = self._moved

        def href(target: str, anchor: str = "") -> str:
            if anchor:  # an anchor on a list split into pages: on the page holding it
                target = moved.get((target, anchor), target)
            if target == path and anchor:
                return f"#{anchor}"
            rel = relpaths.get((target, base))
            if rel is None:  # posixpath.relpath is slow and pages link to the same few places
                rel = relpaths[(target, base)] = posixpath.relpath(target, base)
            return rel + (f"#{anchor}" if anchor else "")

        page_url = url_of(path)
        urls = self._urls

        def page_href(target: str, anchor: str = "") -> str:
            """`href` for finished HTML, which MkDocs does not rewrite: the address MkDocs gives a Markdown
            link to the page `target` (directory URLs, as `asset_href`)."""
            if anchor:  # an anchor on a list split into pages: on the page holding it
                target = moved.get((target, anchor), target)
            if target == path and anchor:
                return f"#{anchor}"
            rel = urls.get((target, page_url))
            if rel is None:
                rel = urls[(target, page_url)] = relative_url(url_of(target), page_url)
            return rel + (f"#{anchor}" if anchor else "")

        def asset_href(target: str) -> str:
            """A URL from this page to a site file, for raw HTML (MkDocs rewrites only Markdown links)."""
            return posixpath.relpath(target, page_url or ".") if page_url else target

        def explore_href(query: str = "") -> str:
            """A URL from this page to the explore page with this query, for raw HTML."""
            return asset_href("explore/").rstrip("/") + "/" + (f"?{query}" if query else "")

        from generator.site.rollups import HELPERS as rollup_helpers

        p = self.p
        return {
            "p": p,
            "asset_href": asset_href,
            "explore_href": explore_href,
            "ix": self.ix,
            "org": p.organisation,
            "page_path": path,
            "href": href,
            "page_href": page_href,
            "status": self.extras.standings,
            "as_badge": as_badge,
            # the words as look-up tables (cheaper than calls in a template): health_words[badge.health]...
            "health_words": wording.HEALTH_WORDS,
            "trend_words": wording.TREND_WORDS,
            "trend_arrows": wording.TREND_ARROWS,
            "trend_titles": wording.TREND_TITLES,
            "health_trend_titles": wording.HEALTH_TREND_TITLES,
            "value_trend": wording.value_trend,
            "amount": fmt,
            "attention": self.extras.attention,
            "has_metric_data": self.extras.standings.has_data(),
            "portfolio_charts": self.extras.portfolio_charts,
            "without_table": lambda c: dataclasses.replace(c, table=""),
            "paths": PATHS,
            "journey_path": journey_path,
            "compare_path": compare_path,
            "downloads": self.downloads,
            # a page of the user guide, linked when the site has it: "" when not (`journeys generate`, guide: off)
            "guide_href": lambda page, anchor="": href(page, anchor) if page in self.guide else "",
            "download_path": download_path,
            "persona_path": lambda i: f"personas/{i}.md",
            "department_path": lambda i: f"departments/{i}.md",
            "channel_path": lambda i: f"channels/{i}.md",
            "score": score,
            "sorted_by_title": lambda ids, coll: sorted(ids, key=lambda i: (_title(coll[i]).lower(), i)),
            "opportunity_statuses": [s.value for s in OpportunityStatus],
            "solution_statuses": [s.value for s in SolutionStatus],
            "ranked_opportunities": self._ranked,
            "in_rank_order": lambda ids: sorted(ids, key=self._rank.__getitem__),
            "warnings": self.warnings,
            "charts": self.extras.charts,
            "history": self.extras.history,
            **rollup_helpers,
            "owner_of": self._owner_of,
            "kept_rows": self.rows,
            # the journeys of a list of steps (`StepAt`), as `kept_rows` compares what a row shows
            "journeys_of": lambda ats: tuple(p.journeys[at.journey] for at in ats),
        }

    def _glossary_url(self, path: str) -> str:
        """The glossary page's address relative to the page at `path` (MkDocs' directory URLs), "" on it."""
        here, there = url_of(path), url_of(PATHS["glossary"])
        if here == there:
            return ""
        return posixpath.relpath(there or ".", here.rstrip("/") or ".") + "/"

    def render(self, path: str, template: str, source: str | None = None, **ctx) -> None:
        content = self.env.get_template(template).render(**self._context(path), **ctx)
        if filters.GLOSSARY_HREF in content:
            content = content.replace(f'href="{filters.GLOSSARY_HREF}', f'href="{self._glossary_url(path)}')
        self.pages[path] = Page(path, _tidy(content), source)

    def paged(
        self,
        path: str,
        template: str,
        source: str | None,
        rows: str,
        items: Iterable,
        anchor=None,
        *,
        key: Callable[[Part], PartKey] | None = None,
        **ctx,
    ) -> list[tuple[str, str, str | None, dict]]:
        """The jobs of a list in pages of at most `PAGE_ROWS[rows]` rows (`split_list`), each given its `part`.

        `anchor(item)` names the anchor of an item's row: links to it (`href(path, anchor)`) go to its page.
        `key(part)` says what a page shows (`PartKey`), so that the live preview can keep it; without one, a
        page is always rendered again.
        """
        parts = split_list(path, items, PAGE_ROWS[rows])
        for part in parts:
            self.keys[part.path] = key(part) if key is not None else PartKey(part, always=True)
        if parts[0].split:
            self._pages_of[path] = parts[0].paths
            for part in parts[1:] if anchor else ():
                for item in part.items:
                    self._moved[(path, anchor(item))] = part.path
        return [(part.path, template, source, {**ctx, "part": part}) for part in parts]

    def jobs(self) -> list[tuple[str, str, str | None, dict]]:
        """Every page to render: (path, template, source file, extra context)."""
        p = self.p
        by_title = sorted(p.journeys, key=lambda i: (p.journeys[i].title.lower(), i))
        jobs: list[tuple[str, str, str | None, dict]] = [(PATHS["home"], "home.md.j2", None, {})]
        counts = (len(p.journeys), p.step_count)  # the list's heading on every page
        # a row shows its journey's number of steps and nothing else of them: no step's edit changes it
        jobs += self.paged(
            PATHS["journeys"], "journeys.md.j2", None, "journeys", by_title,
            key=lambda part: PartKey(part, counts, frozenset(part.items), steps=frozenset()),
        )  # fmt: skip
        from generator.site.rollups import rollup_jobs  # roll-up pages: their own module, built on this one

        jobs.extend(rollup_jobs(p, self))
        jobs += [self._journey_job(jid) for jid in sorted(p.journeys)]
        jobs += [self._compare_job(jid, as_is) for jid, as_is in self.pairs()]
        for kind, one, many in (
            ("personas", "persona", "personas"),
            ("departments", "department", "departments"),
            ("channels", "channel", "channels"),
        ):
            jobs.append((PATHS[kind], f"{many}.md.j2", _catalogue_file(p, kind), {}))
            for ident, item in p.collection(kind).items():
                page = (f"{kind}/{ident}.md", f"{one}.md.j2", p.source_file(kind, ident))
                ctx = {"ident": ident, "item": item}
                if kind == "departments":  # its steps (highest priority first), then its touchpoints, in pages
                    owned: list[tuple[str, StepAt, object]] = self._owned_steps(ident)
                    tps = self.ix.touchpoints_by_dept.get(ident, [])
                    owned += [("touchpoint", at, tp) for at, tp in tps]
                    # the first page also lists the journeys the department owns
                    heads = frozenset(self.ix.journeys_by_dept.get(ident, []))
                    totals = (len(owned) - len(tps), len(tps))
                    jobs += self.paged(
                        *page, "department", owned,
                        key=partial(_department_key, totals=totals, heads=heads),
                        **ctx,
                    )  # fmt: skip
                elif kind == "channels":
                    jobs += self.paged(
                        *page, "channel", self.ix.touchpoints_by_channel.get(ident, []),
                        key=_channel_key,
                        **ctx,
                    )  # fmt: skip
                else:
                    jobs.append((*page, ctx))
        jobs += self.paged(
            PATHS["backlog"],
            "backlog.md.j2",
            _catalogue_file(p, "opportunities"),
            "backlog",
            self._ranked,
            lambda o: f"opportunity-{o}",
            key=partial(_entries_key, "opportunities"),
        )
        statuses = [s.value for s in SolutionStatus]
        by_status = sorted(p.solutions, key=lambda i: statuses.index(p.solutions[i].status.value))  # stable
        jobs += self.paged(
            PATHS["solutions"], "solutions.md.j2", _catalogue_file(p, "solutions"), "solutions", by_status,
            lambda i: f"solution-{i}", key=partial(_entries_key, "solutions"),
        )  # fmt: skip
        jobs += self.paged(
            PATHS["insights"], "insights.md.j2", _catalogue_file(p, "insights"), "insights", list(p.insights),
            lambda i: f"insight-{i}", key=partial(_entries_key, "insights"),
        )  # fmt: skip
        jobs += self.paged(
            PATHS["metrics"], "metrics.md.j2", _catalogue_file(p, "metrics"), "metrics", list(p.metrics),
            lambda i: f"metric-{i}", key=partial(_entries_key, "metrics"),
        )  # fmt: skip
        jobs.append((PATHS["glossary"], "glossary.md.j2", _catalogue_file(p, "glossary"), {}))
        jobs += self.paged(
            PATHS["attention"], "attention.md.j2", None, "attention", self.extras.attention,
            # the first page shows the steps to fix first, of the whole portfolio
            key=lambda part: PartKey(
                part,
                (),
                frozenset(a.journey for a in part.items),
                always=part.first,
                steps=frozenset((a.journey, a.step) for a in part.items),
            ),
        )  # fmt: skip
        jobs += [_whole_portfolio_job(kind) for kind in ("governance", "tags", "changes")]
        jobs.append((PATHS["reference"], "reference.md.j2", None, {"reference": reference_models()}))
        return jobs

    def _journey_job(self, jid: str) -> tuple[str, str, str | None, dict]:
        j = self.p.journeys[jid]
        return (journey_path(jid), "journey.md.j2", self.p.journey_files.get(jid), {"jid": jid, "j": j})

    def _compare_job(self, jid: str, as_is: str) -> tuple[str, str, str | None, dict]:
        p = self.p
        pairs = match_steps(p.journeys[as_is], p.journeys[jid])
        return (
            compare_path(jid),
            "compare.md.j2",
            p.journey_files.get(jid),
            {"as_is": as_is, "to_be": jid, "pairs": pairs},
        )

    def own_page_jobs(self, reuse: Reuse) -> list[tuple[str, str, str | None, dict]]:
        """The jobs `jobs` gives that a save changing own-page fields only (`Reuse.own_pages_only`) does not
        let `Reuse.keeps` keep: the pages of the `fresh` journeys, their comparison pages, and the pages
        rendered at every save. The lists' pages, as they were, are `reuse`'s (`Site.keys`, `pages_of`, `moved`)."""
        self.keys, self._pages_of, self._moved = dict(reuse.keys), dict(reuse.pages_of), dict(reuse.moved)
        fresh = reuse.fresh
        jobs = [self._journey_job(jid) for jid in sorted(fresh)]
        jobs += [self._compare_job(jid, as_is) for jid, as_is in self.pairs() if jid in fresh or as_is in fresh]
        kinds = {path: kind for kind, path in PATHS.items()}
        return jobs + [_whole_portfolio_job(kinds[path]) for path in sorted(ALWAYS_RENDERED)]

    def _owned_steps(self, ident: str) -> list[tuple[str, StepAt, object]]:
        """("step", step, its priority) of each step a department owns, highest priority first."""
        from generator.site.rollups import ranked_steps

        ats = self.ix.steps_by_owner.get(ident, [])
        where = {(at.journey, at.step.id): at for at in ats}
        ranked = ranked_steps(self.extras.standings, ats)
        return [("step", where[(jid, step.id)], priority) for jid, step, priority in ranked]

    def pairs(self) -> list[tuple[str, str]]:
        """(to-be journey, the as-is journey it replaces) for every pair whose both journeys are published."""
        return [
            (jid, j.replaces)
            for jid, j in sorted(self.p.journeys.items())
            if j.replaces in self.p.journeys and j.replaces != jid
        ]

    def site(self) -> Site:
        p, reuse = self.p, self.reuse
        owed: list[str] = []
        if reuse is not None and reuse.own_pages_only:
            owed_jobs = [job for job in self.jobs() if job[0] in reuse.owed] if reuse.owed else []
            jobs = self.own_page_jobs(reuse)
            again = {path for path, *_ in jobs}
            jobs += [job for job in owed_jobs if job[0] not in again]
            again.update(path for path, *_ in owed_jobs)
            self.pages.update((path, page) for path, page in reuse.pages.items() if path not in again)
        elif reuse is not None:
            jobs = self.jobs()
            keys = self.keys

            def kept_job(path: str, ctx: Mapping[str, object]) -> bool:
                if path not in reuse.pages or path in reuse.owed:
                    return False
                return reuse.keeps_part(path, keys[path]) if path in keys else reuse.keeps(path, ctx)

            kept = [job for job in jobs if kept_job(job[0], job[3])]
            self.pages.update((path, reuse.pages[path]) for path, *_ in kept)
            jobs = [job for job in jobs if job[0] not in self.pages]
        else:
            jobs = self.jobs()
        if reuse is not None and reuse.first is not None:
            # a save: what nobody looks at keeps its earlier version until the catch-up
            later = [path for path, _, _, ctx in jobs if not reuse.comes_first(path, ctx)]
            self.pages.update((path, reuse.pages[path]) for path in later)
            jobs = [job for job in jobs if job[0] not in self.pages]
            owed = later
        if reuse is not None and reuse.stop is not None:
            by_child, left = 0, self._render_until(jobs, reuse)
            owed += left
        else:
            by_child = render_pages(self, jobs, texts=self.texts)
        assets = {PORTFOLIO_JSON: portfolio_json(p, self.extras, self.rows).encode("utf-8")}
        from generator.site.explore import explore_assets  # it builds on this module's helpers

        assets.update(explore_assets(p, self.extras, self.ix, self.rows))
        todo = []
        for jid in p.journeys if self.downloads else ():  # each journey's map, for download
            as_csv, as_xlsx = download_path(jid, "csv"), download_path(jid, "xlsx")
            if reuse is not None and jid not in reuse.fresh and as_csv in reuse.assets and as_xlsx in reuse.assets:
                assets[as_csv], assets[as_xlsx] = reuse.assets[as_csv], reuse.assets[as_xlsx]
            else:
                todo.append(jid)
        made, used = render_shared(partial(self._downloads, todo), len(todo))
        assets.update(made)
        if self.workbooks is not None:
            self.workbooks.used.update(used)
        assets.update(self.extras.assets)
        pages, assets = dict(sorted(self.pages.items())), dict(sorted(assets.items()))
        site = Site(pages, assets, self.nav(), by_child, self.keys, self._pages_of, self._moved)
        site.owed = frozenset(owed)
        return site

    def _render_until(self, jobs: list[tuple[str, str, str | None, dict]], reuse: Reuse) -> list[str]:
        """Render `jobs` one by one until `reuse.stop()` says a save is waiting; the pages left keep their
        earlier version (a page with none is rendered all the same). Returns the paths left, still owed."""
        left: list[str] = []
        for path, template, source, ctx in jobs:
            if (left or (reuse.stop is not None and reuse.stop())) and path in reuse.pages:
                self.pages[path] = reuse.pages[path]
                left.append(path)
            else:
                self.render(path, template, source, **ctx)
        return left

    def _downloads(self, todo: list[str], share: slice) -> tuple[dict[str, bytes], set[str]]:
        """The CSV and workbook of the journeys `todo[share]`, and the workbook cache's keys they used."""
        p, out = self.p, {}
        before = set(self.workbooks.used) if self.workbooks is not None else set()
        for jid in todo[share]:
            j = p.journeys[jid]
            table = sheets.journey_sheet(j, p)
            out[download_path(jid, "csv")] = sheets.to_csv(table)
            workbook = [table, sheets.journey_facts(jid, j)]
            out[download_path(jid, "xlsx")] = (
                self.workbooks.xlsx(workbook) if self.workbooks else sheets.to_xlsx(workbook)
            )
        used = set(self.workbooks.used) - before if self.workbooks is not None else set()
        return out, used

    def nav(self) -> list:
        compared = {jid for jid, _ in self.pairs()}

        def entry(jid: str):
            kids = self.ix.children.get(jid, [])
            extra = [compare_path(jid)] if jid in compared else []
            if not kids and not extra:
                return journey_path(jid)
            return {filters.title(self.p.journeys[jid].title): [journey_path(jid)] + extra + [entry(k) for k in kids]}

        titles = {
            PATHS["attention"]: "Needs attention",
            PATHS["backlog"]: "Opportunity backlog",
            PATHS["solutions"]: "Solutions",
            PATHS["insights"]: "Insights library",
            PATHS["systems"]: "Systems",
            PATHS["metrics"]: "Metrics catalogue",
        }

        def listed(path: str, title: str = ""):
            """A page, or the section of its pages when its list is split into pages."""
            pages = self._pages_of.get(path)
            return {title or titles[path]: list(pages)} if pages else path

        def catalogue(kind: str) -> list:
            coll = self.p.collection(kind)
            return [PATHS[kind]] + [
                listed(f"{kind}/{i}.md", filters.title(_title(coll[i])))
                for i in sorted(coll, key=lambda i: (_title(coll[i]).lower(), i))
            ]

        journeys = list(self._pages_of.get(PATHS["journeys"], [PATHS["journeys"]]))
        return [
            {"Home": PATHS["home"]},
            {"Journeys": journeys + [entry(j) for j in self.ix.roots()]},
            {"Explore": PATHS["explore"]},
            {"Personas": catalogue("personas")},
            {"Departments": catalogue("departments")},
            {"Channels": catalogue("channels")},
            {
                "Improve": [
                    listed(PATHS["attention"]),
                    listed(PATHS["backlog"]),
                    listed(PATHS["solutions"]),
                    listed(PATHS["insights"]),
                    PATHS["importance"],
                    listed(PATHS["systems"]),
                ]
            },
            {
                "Reference": [
                    listed(PATHS["metrics"]),
                    PATHS["glossary"],
                    PATHS["governance"],
                    PATHS["tags"],
                    PATHS["changes"],
                    PATHS["reference"],
                ]
            },
        ]


def _whole_portfolio_job(kind: str) -> tuple[str, str, str | None, dict]:
    """The job of a page of the whole portfolio with no context of its own (governance, tags, changes)."""
    return (PATHS[kind], f"{kind}.md.j2", None, {})


def _entries_key(kind: str, part: Part) -> PartKey:
    """What a page of a catalogue list (insights, backlog...) shows: its rows are entries of `kind`, each with
    where it is used, which a journey naming the entry changes."""
    return PartKey(part, entries=frozenset((kind, i) for i in part.items))


def _channel_key(part: Part) -> PartKey:
    """What a page of a channel's list shows: a row a touchpoint, with its step and journey."""
    journeys = frozenset(at.journey for at, _ in part.items)
    return PartKey(part, (), journeys, steps=frozenset((at.journey, at.step.id) for at, _ in part.items))


def _department_key(part: Part, totals: tuple[int, int], heads: frozenset[str]) -> PartKey:
    """What a page of a department's list shows: its rows' journeys, and on the first page the journeys it owns;
    the numbers of steps and touchpoints it owns, which decide the page's headings."""
    journeys = frozenset(at.journey for _, at, _ in part.items)
    steps = frozenset((at.journey, at.step.id) for _, at, _ in part.items)
    return PartKey(part, totals, journeys | heads if part.first else journeys, steps=steps)


def _title(item) -> str:
    for attr in ("title", "name", "term", "statement"):
        if hasattr(item, attr):
            return getattr(item, attr)
    return ""


def _catalogue_file(p: Portfolio, kind: str) -> str | None:
    files = sorted({f for i in p.collection(kind) if (f := p.source_file(kind, i)) is not None})
    return files[0] if len(files) == 1 else None


def _tidy(text: str) -> str:
    """At most one blank line in a row, one newline at the end: stable, diff-friendly Markdown."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def portfolio_json(p: Portfolio, extras: Extras | None = None, rows: RowCache = NO_ROWS) -> str:
    """The whole validated portfolio as JSON, with each page's URL (site-relative) and source file, and each
    journey's and step's computed health, trend and latest values (`computed`; docs/site.md). `rows` (the
    live preview) keeps each journey's line between saves, taken again when the journey is the same object
    with the same computed values."""

    def entries(kind: str, page: bool = False) -> list[str]:
        out = []
        for ident, item in p.collection(kind).items():
            deps = (item, p.source_file(kind, ident), page)
            line = rows.get((PORTFOLIO_JSON, kind, ident), deps)
            if line is None:
                entry = {"id": ident}
                if page:
                    entry["url"] = url_of(f"{kind}/{ident}.md")
                entry.update(item.model_dump(mode="json"))
                entry["source"] = deps[1]
                if kind == "opportunities":
                    entry["score"] = round(score(item), 4)
                line = rows.put((PORTFOLIO_JSON, kind, ident), deps, json.dumps(entry, ensure_ascii=False))
            out.append(line)
        return out

    from generator.site.explore import PORTFOLIO_FORMAT, computed_of, with_computed  # it builds on these helpers

    extras = extras or Extras()
    journey_lines = []
    standings = Identity(extras.standings), Identity(extras.measures)
    for jid, j in sorted(p.journeys.items()):
        # what the metrics add to the journey: the same while they are the same objects and so is the journey
        # (a step text edit keeps them; 1,000 journeys' values made again were 0.07 s of a save)
        at = (COMPUTED, jid)
        computed = rows.get(at, (*standings, j))
        if computed is None:
            computed = rows.put(at, (*standings, j), computed_of(extras, jid, j))
        deps = (j, p.journey_files.get(jid), computed)
        line = rows.get((PORTFOLIO_JSON, jid), deps)
        if line is None:
            entry = {"id": jid, "url": url_of(journey_path(jid)), **j.model_dump(mode="json"), "source": deps[1]}
            line = rows.put((PORTFOLIO_JSON, jid), deps, json.dumps(with_computed(entry, extras), ensure_ascii=False))
        journey_lines.append(line)
    data = {
        "format": PORTFOLIO_FORMAT,
        "organisation": p.organisation.model_dump(mode="json"),
        "journeys": journey_lines,
        "personas": entries("personas", page=True),
        "departments": entries("departments", page=True),
        "channels": entries("channels", page=True),
        "metrics": entries("metrics"),
        "insights": entries("insights"),
        "opportunities": entries("opportunities"),
        "solutions": entries("solutions"),
        "glossary": entries("glossary"),
    }
    # compact: with `indent`, the json module falls back to its pure-Python encoder, 5x slower (3 s at
    # 1,000 journeys); one journey or catalogue entry a line keeps the file readable and diffable. The 12 MB
    # (at 1,000 journeys) are joined once: each copy of a string that size is fresh memory to fault in
    parts = ["{\n"]
    for n, (key, value) in enumerate(data.items()):
        parts.append(f",\n  {json.dumps(key)}: " if n else f"  {json.dumps(key)}: ")
        if isinstance(value, list):  # lines of JSON already
            if not value:
                parts.append("[]")
                continue
            parts.append("[\n    ")
            parts.append(",\n    ".join(value))  # (one copy of the lines, not one per line)
            parts.append("\n  ]")
        else:
            parts.append(json.dumps(value, ensure_ascii=False))
    parts.append("\n}\n")
    return "".join(parts)


def render_site(
    portfolio: Portfolio,
    *,
    warnings: Sequence[Diagnostic] = (),
    extras: Extras | None = None,
    template_dirs: Iterable[Path | str] = (),
    texts: TextCache | None = None,
    downloads: bool = True,
    workbooks: SheetCache | None = None,
    reuse: Reuse | None = None,
    compiled: jinja2.BytecodeCache | None = None,
    guide: Iterable[str] = (),
    rows: RowCache | None = None,
) -> Site:
    """Every page, asset and the navigation of the site for a validated portfolio.

    `warnings` are the governance warnings of `check` (listed on the governance page); `extras` what the
    metrics stage computes; `template_dirs` folders whose templates override the package's by name; `texts`
    the text cache (`text_cache.kept`) that user Markdown is converted through, None for none;
    `downloads` offers each journey's map as CSV and XLSX files; `workbooks` keeps their XLSX between builds.
    `reuse`: the pages of an earlier render that need not be rendered again, and `compiled` the templates
    it compiled (the live preview). `guide` lists the pages of the project's user guide the site holds
    (`guide/explore.md`...), which pages link when there (`guide_href`). `rows`: the rows of the lists kept
    from the last render (`row_cache`), emptied first when nothing is reused.
    """
    # glossary terms in the text link to their entry: this portfolio's terms, held by this build's filters
    glossary = filters.Glossary({gid: (g.term, g.definition) for gid, g in portfolio.glossary.items()})
    env = environment(template_dirs, texts, glossary, compiled)
    renderer = _Renderer(portfolio, sorted(warnings), extras or Extras(), env, texts)
    renderer.downloads = downloads
    renderer.workbooks = workbooks
    renderer.reuse = reuse
    renderer.guide = frozenset(guide)
    if rows is not None:
        if reuse is None:
            rows.clear()  # what the rows do not name (catalogue, options) may have changed
        renderer.rows = rows
    return renderer.site()
