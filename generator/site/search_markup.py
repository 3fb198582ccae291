"""What the site search (Pagefind) indexes of each generated page: pure functions from the portfolio to markup.

Pagefind reads the built HTML; it learns what to index from `data-pagefind-*` attributes. Each generated page
gets, around its rendered content (the MkDocs plugin applies `wrap` at `on_page_content`):

- `data-pagefind-body`: only pages that have it are indexed, so the project's own guide (docs/) and the
  format reference stay out of the staff's results;
- a `kind` filter and meta (journey, persona, department, channel, insight, opportunity, solution, metric,
  glossary, overview) and, on journey pages, `persona`, `department`, `channel` and `health` filters taken
  from the portfolio: the search dialog offers them as facets;
- on journey pages, one hidden heading per step (`<h3 id="search-step-<id>">` with the step's name) followed
  by the step's column as text: Pagefind's sub-results split a page at headings with an id, so a step's
  name, pain point, touchpoint or system finds the journey with the step as a sub-result; the search dialog
  links it to the map's column `#step-<id>`. The rendered map itself is
  `data-pagefind-ignore` (its text is row by row, lane by lane: it cannot be cut into steps);
- the glossary's synonyms, as hidden text, on every journey page that uses a term (by its name or a
  synonym), so a word staff type that the portfolio never writes still finds the journeys;
- overview pages (home, indexes, lists) at half weight, so a journey's own page ranks above the lists that
  mention it.

Every text here is the portfolio's untrusted text: it is HTML-escaped, never interpreted as Markdown or HTML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from generator.metrics.wording import health_words
from generator.model.entities import Step
from generator.model.portfolio import Portfolio
from generator.site.standing import Standings

# anchor prefix of the hidden step sections; the map's own column ids are `step-<id>`
STEP_ANCHOR = "search-step-"

KINDS = (
    "journey",
    "step",
    "persona",
    "department",
    "channel",
    "insight",
    "opportunity",
    "solution",
    "metric",
    "glossary",
    "overview",
)
FILTERS = ("kind", "persona", "department", "channel", "health")

# page path -> kind, for the catalogue pages rendered once (render.PATHS); the rest are overview pages
_LIST_KINDS = {
    "insights.md": "insight",
    "backlog.md": "opportunity",
    "solutions.md": "solution",
    "metric-catalogue.md": "metric",
    "glossary.md": "glossary",
}
# pages not indexed: the format reference is for editors, not for the staff who search the site; the explore
# page is a filtering tool whose rows come from api/explore.json in the browser (its HTML holds no content)
NOT_INDEXED = {"reference.md", "explore.md"}


@dataclass
class StepText:
    id: str
    name: str
    text: str


@dataclass
class PageSearch:
    """What Pagefind indexes of one generated page besides its visible text."""

    kind: str
    filters: dict[str, list[str]] = field(default_factory=dict)
    steps: list[StepText] = field(default_factory=list)
    weight: float | None = None  # of the whole content; None: Pagefind's default (1)


def _names(coll: dict, ids) -> list[str]:
    return [coll[i].name for i in dict.fromkeys(ids) if i in coll]


def step_text(p: Portfolio, step: Step) -> str:
    """A step's column of the map as one text: what happens, the person's actions and thoughts, touchpoints
    with their channels and departments, pain points, verbatims (with who said them), highlights, backstage,
    systems, the custom lanes, insights."""
    parts: list[str] = []

    def lane(label: str, values) -> None:
        values = [v for v in values if v]
        if values:
            text = "; ".join(values)
            # a sentence ends once: "puts the rest aside." not "puts the rest aside.." in a search excerpt
            parts.append(f"{label}: {text}" + ("" if text.rstrip().endswith((".", "!", "?", "…")) else "."))

    lane("What happens", [step.description])
    lane("Does", [step.does])
    lane("Thinks", [step.thinks])
    lane("Feels", [step.feels])
    lane(
        "Touchpoints",
        [
            " · ".join(
                [tp.name]
                + _names(p.channels, [tp.channel])
                + _names(p.departments, [tp.department] if tp.department else [])
            )
            for tp in step.touchpoints
        ],
    )
    lane("Owner", _names(p.departments, [step.owner] if step.owner else []))
    lane("Pain points", [pain.text for pain in step.pain_points])
    lane(
        "Verbatims",
        [" — ".join([v.quote] + _names(p.personas, [v.persona] if v.persona else [])) for v in step.verbatims],
    )
    lane("Highlights", step.highlights)
    lane("Backstage", step.backstage)
    lane("Systems", step.systems)
    for lid, definition in p.lanes.items():  # the organisation's own lanes, in the catalogue's order
        value = step.lanes.get(lid)
        lane(definition.name, [value] if isinstance(value, str) else value or [])
    lane("Insights", [p.insights[i].statement for i in step.insights if i in p.insights])
    lane("Opportunities", [p.opportunities[i].title for i in step.opportunities if i in p.opportunities])
    return " ".join(parts)


@dataclass
class SearchMemo:
    """The journeys' entries of the last `page_search`, kept by the live preview: an entry is taken again when
    its journey is the same object (`load.ModelMemo`), with the same health, and the catalogue the entry
    names is the same."""

    shared: tuple = ()
    journeys: dict[str, tuple[object, object, PageSearch]] = field(default_factory=dict)


def page_search(
    p: Portfolio, standings: Standings | None = None, memo: SearchMemo | None = None
) -> dict[str, PageSearch]:
    """Page path (as `render.Site.pages`) -> what search indexes of it, for every page of the site except the
    format reference. `standings` holds the metrics stage's health of each journey (its health facet);
    `memo` (the live preview) keeps the entries of unchanged journeys between calls."""
    standings = standings or Standings()
    out: dict[str, PageSearch] = {}
    kept: dict[str, tuple[object, object, PageSearch]] = {}
    if memo is not None:
        shared = tuple(tuple(p.collection(c).items()) for c in ("personas", "departments", "channels", "lanes"))
        shared += (tuple(p.insights.items()), tuple(p.opportunities.items()))
        if shared != memo.shared:
            memo.shared, memo.journeys = shared, {}
    for jid, j in p.journeys.items():
        state = standings.journey(jid).health
        if memo is not None:
            found = memo.journeys.get(jid)
            if found is not None and found[0] is j and found[1] == state:
                kept[jid] = found
                out[f"journeys/{jid}/index.md"] = found[2]
                continue
        steps = j.steps()
        depts = (
            [j.owner.department]
            + [s.owner for s in steps if s.owner]
            + [tp.department for s in steps for tp in s.touchpoints if tp.department]
        )
        personas = list(j.personas) + [i for s in steps for i in (s.personas or [])]
        out[f"journeys/{jid}/index.md"] = PageSearch(
            kind="journey",
            filters={
                "kind": ["journey", "step"],
                "persona": _names(p.personas, personas),
                "department": _names(p.departments, depts),
                "channel": _names(p.channels, [tp.channel for s in steps for tp in s.touchpoints]),
                "health": [health_words(state)],
            },
            steps=[StepText(s.id, s.name, step_text(p, s)) for s in steps],
        )
        kept[jid] = (j, state, out[f"journeys/{jid}/index.md"])
    if memo is not None:
        memo.journeys = kept
    for coll, kind in (("personas", "persona"), ("departments", "department"), ("channels", "channel")):
        for ident, item in p.collection(coll).items():
            out[f"{coll}/{ident}.md"] = PageSearch(kind=kind, filters={"kind": [kind], kind: [item.name]})
    for path, kind in _LIST_KINDS.items():
        out[path] = PageSearch(kind=kind, filters={"kind": [kind]})
    return out


_PART = re.compile(r"/page_[0-9]+\.md$")  # a later page of a list split into pages (render.part_path)


def for_page(search: dict[str, PageSearch], path: str) -> PageSearch | None:
    """What search indexes of the page at `path`: its entry in `search` (`page_search`), else that of the list
    it is a later page of (`insights/page_2.md` is indexed as `insights.md`), else `overview(path)`."""
    if path in search:
        return search[path]
    if _PART.search(path):
        first = _PART.sub(".md", path)
        found = search.get(first) or search.get(first[: -len(".md")] + "/index.md")
        if found is not None:
            return found
    return overview(path)


def overview(path: str) -> PageSearch | None:
    """A generated page not in `page_search` (home, indexes, lists): indexed at half weight; None for the
    pages never indexed."""
    if path in NOT_INDEXED:
        return None
    return PageSearch(kind="overview", filters={"kind": ["overview"]}, weight=0.5)


class Glossary:
    """Finds the glossary terms a page uses (by name or synonym, whole words, any case) and gives the
    other names of each as text to index."""

    def __init__(self, p: Portfolio):
        self._names: dict[str, list[str]] = {}  # lower-case name -> every name of its entry
        for entry in p.glossary.values():
            names = list(dict.fromkeys([entry.term, *entry.synonyms]))
            if len(names) < 2:
                continue  # no synonym: nothing to add
            for name in names:
                if name.strip():
                    self._names.setdefault(name.strip().lower(), [])
                    self._names[name.strip().lower()] = list(dict.fromkeys(self._names[name.strip().lower()] + names))
        words = sorted(self._names, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.I) if words else None
        )

    def synonyms(self, page_text: str) -> list[str]:
        """Every name of every term the text uses, in order of first use."""
        if self._pattern is None:
            return []
        out: dict[str, None] = {}
        for m in self._pattern.finditer(page_text):
            for name in self._names[m.group(1).lower()]:
                out.setdefault(name, None)
        return list(out)


_TAG = re.compile(r"<[^>]*>")


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def wrap(page_html: str, info: PageSearch, glossary: Glossary | None = None) -> str:
    """The page's rendered content inside the element Pagefind indexes, with its filters, step sections and
    synonyms. The result is the page's content for MkDocs (`on_page_content`)."""
    weight = f' data-pagefind-weight="{info.weight:g}"' if info.weight is not None else ""
    out = [
        f'<div class="jm-search-body" data-pagefind-body{weight} data-pagefind-meta="kind:{_attr(info.kind)}">',
        page_html,
    ]
    hidden: list[str] = []
    for name, values in info.filters.items():
        for value in dict.fromkeys(values):
            hidden.append(f'<span data-pagefind-filter="{_attr(name)}:{_attr(value)}"></span>')
    if glossary is not None and info.kind == "journey":
        names = glossary.synonyms(
            html.unescape(_TAG.sub(" ", page_html)) + " " + " ".join(f"{s.name} {s.text}" for s in info.steps)
        )
        if names:
            hidden.append(f'<p data-pagefind-weight="2">{html.escape(", ".join(names))}</p>')
    for step in info.steps:
        hidden.append(
            f'<h3 id="{STEP_ANCHOR}{_attr(step.id)}">{html.escape(step.name)}</h3><p>{html.escape(step.text)}</p>'
        )
    if hidden:
        # the step sections come last: a sub-result runs from its anchor to the next one
        out.append('<div class="jm-search-extra" hidden>' + "".join(hidden) + "</div>")
    out.append("</div>")
    return "".join(out)
