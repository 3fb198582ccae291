"""The journey pages' map, facts and charts are finished HTML that the page's Markdown passes through.

The generator converts and sanitises user text itself (filters.py), so a journey page needs no `md_in_html`
(`markdown` attributes) and its finished blocks skip Python-Markdown's HTML parsing (markdown_ext.py). These
tests check that the generated pages ask for no Markdown inside their HTML, that the built map still has one
column per step, one cell per step in every lane and the lanes the model fills, and that MkDocs still sees
the ids inside the finished blocks (links to a step are checked, the table of contents stays the same).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
from conftest import EXAMPLE, run_cli
from site_helpers import make_project, run_mkdocs

from generator.site.markdown_ext import HTML_END, HTML_START, CaptionExtension

MARKDOWN_ATTRIBUTE = re.compile(r"<[a-z][^>]*\smarkdown(?:=|\s|>)")

# the map's lanes: model attribute of a step -> data-lane (the emotion curve and health take their own test)
LANES = (
    "description",
    "does",
    "thinks",
    "feels",
    "emotion",
    "touchpoints",
    "owner",
    "pain_points",
    "verbatims",
    "highlights",
    "moment_of_truth",
    "backstage",
    "systems",
    "insights",
    "opportunities",
    "solutions",
    "metrics",
)


class _Map(HTMLParser):
    """Phases, steps and, for each lane row, its cells, from the `table.jm-map` of a built page."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = 0  # depth inside the map's table
        self.phases: list[str] = []
        self.steps: list[str] = []
        self.lanes: dict[str, int] = {}  # data-lane -> number of cells
        self.lane: str | None = None
        self.cell_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "jm-map" in (a.get("class") or "").split():
            self.inside = 1
            return
        if not self.inside:
            return
        if tag == "table":
            self.inside += 1
        classes = (a.get("class") or "").split()
        if tag == "th" and "jm-phase" in classes:
            self.phases.append(a["id"])
        elif tag == "th" and "jm-step" in classes:
            self.steps.append(a["id"])
        elif tag == "tr" and a.get("data-lane"):
            self.lane = a["data-lane"]
            self.lanes[self.lane] = 0
        elif tag == "td" and self.lane and self.inside == 1:
            self.lanes[self.lane] += 1

    def handle_endtag(self, tag):
        if self.inside and tag == "table":
            self.inside -= 1
        elif tag == "tr":
            self.lane = None


def built_map(html: str) -> _Map:
    parser = _Map()
    parser.feed(html)
    parser.close()
    return parser


def test_generated_journey_pages_ask_for_no_markdown_inside_html(tmp_path):
    result = run_cli("generate", str(tmp_path / "out"), cwd=EXAMPLE.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    pages = sorted((tmp_path / "out" / "journeys").glob("*/index.md"))
    assert len(pages) > 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not MARKDOWN_ATTRIBUTE.search(text), (page, MARKDOWN_ATTRIBUTE.search(text))
        # the map and the facts are finished blocks, each between its marker lines
        assert text.count(HTML_START + "\n") == text.count(HTML_END + "\n") >= 2
        assert '<table class="jm-map">' in text and '<dl class="jm-facts">' in text
        # headings of the page stay Markdown, for the table of contents
        assert "\n## Journey map\n" in text and "\n## Opportunities\n" in text


def test_built_maps_have_every_step_phase_and_lane_of_the_model(example_site, example):
    checked = 0
    for jid, j in example.journeys.items():
        html = (example_site / "journeys" / jid / "index.html").read_text(encoding="utf-8")
        found = built_map(html)
        steps = j.steps()
        assert found.steps == [f"step-{s.id}" for s in steps], jid
        assert found.phases == [f"phase-{ph.id}" for ph in j.phases], jid
        expected = [lane for lane in LANES if any(getattr(s, lane) for s in steps)]
        expected += [f"custom-{lid}" for lid in example.lanes if any(lid in s.lanes for s in steps)]
        if any(s.metrics for s in steps):
            expected.append("health")
        if any(c.parent and c.parent.journey == jid for c in example.journeys.values()):
            expected.append("detailed")
        assert sorted(found.lanes) == sorted(expected), jid
        # every lane row: one cell per step
        assert set(found.lanes.values()) == {len(steps)}, (jid, found.lanes)
        checked += 1
    assert checked == len(example.journeys) > 5


def test_finished_blocks_pass_through_and_their_ids_count(tmp_path):
    """Without parsing: Markdown-looking text inside stays as written; the ids are seen by the table of
    contents (a heading does not take an id a block holds) and are gone from the output tree."""
    block = '<div id="journey-map"><p>*not emphasis* [not](a.md) {: .x }</p></div>'
    source = f"# Title\n\n{HTML_START}\n{block}\n{HTML_END}\n\n## Journey map\n\nafter\n"
    md = markdown.Markdown(extensions=["attr_list", "md_in_html", "tables", "toc", CaptionExtension()])
    html = md.convert(source)
    assert block in html and HTML_START not in html
    assert '<h2 id="journey-map_1">Journey map</h2>' in html  # the block's id counted as used
    assert "journeys-ids" not in html and html.count('id="journey-map"') == 1
    # without the extension the block is ordinary raw HTML and comes out the same
    plain = markdown.Markdown(extensions=["attr_list", "md_in_html", "tables", "toc"]).convert(source)
    assert block in plain


def test_mkdocs_checks_links_to_steps_inside_the_finished_map(tmp_path):
    project = make_project(tmp_path / "p")
    config = project / "mkdocs.yml"  # the guide's pages built, so that a page of docs/ can link to a step
    config.write_text(config.read_text().replace("  - journeys\n", "  - journeys:\n      guide: section\n"))
    (project / "docs" / "steps.md").write_text(
        "# Steps\n\n[Ask](journeys/buy/index.md#step-ask) and [gone](journeys/buy/index.md#step-gone)\n",
        encoding="utf-8",
    )
    result = run_mkdocs("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "#step-gone" in result.stderr  # anchors are checked...
    assert "#step-ask" not in result.stderr  # ...and the map's step ids are seen
    built = Path(project / "site" / "journeys" / "buy" / "index.html").read_text(encoding="utf-8")
    assert built_map(built).steps == ["step-browse", "step-ask", "step-pay"]
    assert "journeys:html" not in built and "journeys-ids" not in built
