"""Long lists split into pages (render.PAGE_ROWS): a synthetic portfolio built for real (strict MkDocs) with
the page sizes shrunk so that every kind of list splits at 40 journeys; every link and anchor of the site
resolves, each page holds at most its rows, the pages together hold the whole list, the first page links
every page, the explore data points at the backlog page holding each opportunity, and each list's rows, at
their real page size, keep a page under 300 KB of HTML."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from site_helpers import broken_links

from generator.site import render
from generator.site.render import Part, part_path, split_list

sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402

LIMIT = 300 * 1024  # the most HTML a generated page may weigh at 1,000 journeys (docs/performance.md)
SMALL = {  # rows a page, small enough for 40 journeys to split every list
    "journeys": 15,
    "backlog": 20,
    "insights": 20,
    "solutions": 8,
    "metrics": 5,
    "attention": 20,
    "systems": 40,
    "department": 30,
    "channel": 30,
}
# list -> (its first page's folder in the site, the anchor prefix of its rows, or a pattern counting rows)
LISTS = {
    "journeys": ("journeys", None),
    "backlog": ("backlog", "opportunity-"),
    "insights": ("insights", "insight-"),
    "solutions": ("solutions", "solution-"),
    "metrics": ("metric-catalogue", "metric-"),
    "attention": ("attention", None),
    "systems": ("systems", None),
}
ROW = re.compile(r"<tr[^>]*>\s*<td")


def _table_rows(html: str) -> int:
    """The rows of the page's first table (the list of journeys, of metrics needing attention)."""
    body = html.split('class="md-content"', 1)[1].split("<tbody", 1)
    return len(ROW.findall(body[1].split("</tbody>", 1)[0])) if len(body) > 1 else 0


# ------------------------------------------------------------------------------------------ the split itself


def test_part_paths_cannot_be_a_journey_or_department_page():
    assert part_path("insights.md", 1) == "insights.md"
    assert part_path("insights.md", 2) == "insights/page_2.md"
    assert part_path("journeys/index.md", 3) == "journeys/page_3.md"  # an id has no `_`: no journey is there
    assert part_path("departments/claims.md", 2) == "departments/claims/page_2.md"
    assert render.url_of(part_path("backlog.md", 2)) == "backlog/page_2/"


def test_split_list_in_order_with_ranges():
    parts = split_list("backlog.md", [f"o{n}" for n in range(7)], 3)
    assert [p.items for p in parts] == [["o0", "o1", "o2"], ["o3", "o4", "o5"], ["o6"]]
    assert [p.path for p in parts] == ["backlog.md", "backlog/page_2.md", "backlog/page_3.md"]
    assert parts[2].ranges() == [("backlog.md", 1, 3), ("backlog/page_2.md", 4, 6), ("backlog/page_3.md", 7, 7)]
    assert [(p.first, p.last, p.start) for p in parts] == [(True, False, 0), (False, False, 3), (False, True, 6)]
    (one,) = split_list("backlog.md", ["a", "b"], 3)
    assert (one.split, one.items, one.paths) == (False, ["a", "b"], ("backlog.md",))
    (empty,) = split_list("backlog.md", [], 3)
    assert isinstance(empty, Part) and (empty.split, empty.items, empty.total) == (False, [], 0)


# ------------------------------------------------------------------------------------------ a site built for real


@pytest.fixture(scope="module")
def split_site(tmp_path_factory) -> Path:
    """40 synthetic journeys built by MkDocs in this process (strict) with the small page sizes."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = tmp_path_factory.mktemp("split")
    synth.write(40, project, seed=5)
    site = project / "site"
    mp = pytest.MonkeyPatch()
    try:
        for name, rows in SMALL.items():
            mp.setitem(render.PAGE_ROWS, name, rows)
        mp.setenv("JOURNEYS_CHART_CACHE", str(project / "cache"))
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        mp.chdir(project)
        build(load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True))
    finally:
        mp.undo()
    return site


def _pages(site: Path, folder: str) -> list[Path]:
    """A list's pages in order: its first page, then page_2, page_3..."""
    first = site / folder / "index.html"
    rest = sorted(site.glob(f"{folder}/page_*/index.html"), key=lambda p: int(p.parent.name.split("_")[1]))
    return [first, *rest]


def _ids(html: str, prefix: str) -> list[str]:
    """The ids of the list's rows: their headings' anchors (the page's title is an <h1>)."""
    return re.findall(rf'<h[23] id="{re.escape(prefix)}([^"]+)"', html)


def test_every_link_and_anchor_resolves(split_site):
    # the user guide's examples link the example portfolio's pages (a system named ClaimsHub...), not these
    assert [p for p in broken_links(split_site, "/journeys/") if not p.startswith("guide/")] == []


@pytest.mark.parametrize("name", sorted(LISTS))
def test_each_list_is_split_complete_and_bounded(split_site, name):
    folder, prefix = LISTS[name]
    pages = _pages(split_site, folder)
    assert len(pages) >= 2, f"{name} did not split"
    texts = [p.read_text(encoding="utf-8") for p in pages]
    pf = json.loads((split_site / "api" / "portfolio.json").read_text(encoding="utf-8"))
    if prefix:
        kind = {"opportunity-": "opportunities", "insight-": "insights", "solution-": "solutions", "metric-": "metrics"}
        found = [i for t in texts for i in _ids(t, prefix)]
        assert sorted(found) == sorted(o["id"] for o in pf[kind[prefix]])  # every row once, none lost
        assert all(len(_ids(t, prefix)) <= SMALL[name] for t in texts)
    elif name != "systems":
        rows = [_table_rows(t) for t in texts]
        assert all(0 < r <= SMALL[name] for r in rows), rows
        if name == "journeys":
            assert sum(rows) == len(pf["journeys"])
    # the first page names every page, and each page says which it is and links the next
    for n in range(2, len(pages) + 1):
        assert f'href="page_{n}/"' in texts[0] or f'href="../page_{n}/"' in texts[0]
        assert f"page {n} of {len(pages)}" in texts[n - 1]
    assert "Next page:" in texts[0] and "Next page:" not in texts[-1]


def test_department_and_channel_pages_split_too(split_site):
    for kind in ("departments", "channels"):
        split = sorted(split_site.glob(f"{kind}/*/page_2/index.html"))
        assert split, f"no {kind} page split"
        first = split[0].parent.parent / "index.html"
        assert 'href="page_2/"' in first.read_text(encoding="utf-8")


def test_explore_data_links_each_opportunity_to_its_backlog_page(split_site):
    data = json.loads((split_site / "api" / "explore.json").read_text(encoding="utf-8"))
    urls = {row[6] for row in data["o"]}
    assert "backlog/" in urls and "backlog/page_2/" in urls
    for row in data["o"]:
        html = (split_site / row[6] / "index.html").read_text(encoding="utf-8")
        assert f'id="opportunity-{row[0]}"' in html, row[0]
    pf = json.loads((split_site / "api" / "portfolio.json").read_text(encoding="utf-8"))
    assert sorted(r[0] for r in data["j"]) == sorted(j["id"] for j in pf["journeys"])  # explore stays complete
    assert sorted(r[0] for r in data["o"]) == sorted(o["id"] for o in pf["opportunities"])


def test_rows_at_their_real_page_size_keep_pages_under_the_limit(split_site):
    """Each list's largest page here, its rows scaled to the real `PAGE_ROWS`: under 300 KB of HTML."""
    chrome = len((split_site / "tags" / "index.html").read_bytes())  # a page with the navigation, little content
    for name, (folder, prefix) in LISTS.items():
        for page in _pages(split_site, folder)[:-1]:  # full pages: the last may hold a row or two
            html = page.read_text(encoding="utf-8")
            content = html.split('class="md-content"', 1)[1]
            rows = len(_ids(html, prefix)) if prefix else _table_rows(html) or content.count("#step-")
            per_row = (len(html.encode()) - chrome) / max(rows, 1)
            assert chrome + per_row * render.PAGE_ROWS[name] < LIMIT, (page, rows, per_row)
    for page in split_site.rglob("*.html"):
        assert page.stat().st_size < LIMIT, page


def test_explore_links_the_guide_page_when_the_site_has_it(example_site, tmp_path):
    html = (example_site / "explore" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../guide/explore/">Explore</a> in the user guide' in html
    assert (example_site / "guide" / "explore" / "index.html").is_file()
    # without a guide (`journeys generate` writes only the generated pages): the name, no link to nowhere
    from conftest import run_cli

    result = run_cli("generate", str(tmp_path / "out"), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "How each filter matches: *Explore* in the user guide." in (tmp_path / "out" / "explore.md").read_text()


def test_later_pages_of_a_list_are_searched_as_the_list(split_site):
    """Pagefind's kind and facets of a list's later pages are those of its first page."""
    insights = (split_site / "insights" / "page_2" / "index.html").read_text(encoding="utf-8")
    assert 'data-pagefind-meta="kind:insight"' in insights
    department = next(split_site.glob("departments/*/page_2/index.html"))
    first = (department.parent.parent / "index.html").read_text(encoding="utf-8")
    later = department.read_text(encoding="utf-8")
    facet = re.search(r'data-pagefind-filter="department:[^"]+"', first)
    assert facet and facet.group(0) in later and 'data-pagefind-meta="kind:department"' in later


def test_home_names_the_landscape_and_links_into_explore(tmp_path):
    """At 120 journeys (ten macro journeys with children) the home page shows eight of them with their trees,
    names the others and links the journeys list and explore, instead of listing every journey."""
    from generator.load.check import check
    from generator.site.render import Extras, _Renderer, environment

    synth.write(120, tmp_path, seed=2)
    portfolio, report = check(tmp_path / "journeys")
    assert portfolio is not None, report
    renderer = _Renderer(portfolio, [], Extras(), environment())
    sections = [j for j in renderer.ix.roots() if renderer.ix.children.get(j)]
    assert len(sections) > 8
    renderer.render("index.md", "home.md.j2")
    home = renderer.pages["index.md"].content
    landscape = home.split("## Journey landscape", 1)[1].split("\n## ", 1)[0]
    assert landscape.count("\n### ") == 9  # eight trees and "N more top-level journeys"
    assert f"### {len(sections) - 8} more top-level journeys" in landscape
    assert "[journeys list](journeys/index.md)" in landscape
    assert 'href="explore/?kind=journey&amp;level=macro"' in landscape
    shown = set(re.findall(r"\(journeys/([^/)]+)/index\.md", landscape))
    assert all(root in shown for root in sections)  # every macro journey named...
    hidden = {kid for root in sections[8:] for kid in renderer.ix.children[root]}
    assert hidden and not hidden & shown  # ...the journeys beneath the ninth and later ones are not listed
