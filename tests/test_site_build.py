"""The published site, built for real with MkDocs: pages, links, search, JSON, failures, determinism."""

from __future__ import annotations

import html
import json
import re
from html import unescape as html_unescape
from pathlib import Path

from conftest import ROOT, run_cli
from site_helpers import broken_links, make_project, parse, run_mkdocs, tree_digest

# example_site and example (built and checked once per session) are in conftest.py.


def test_build_reports_progress_and_summary(tmp_path):
    project = make_project(tmp_path / "p")
    result = run_cli("build", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "journeys build: checking journeys/" in result.stderr
    assert "building the site with MkDocs (strict)" in result.stderr
    assert "✓ 1 journey, 3 steps: 0 errors, 0 warnings" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("✓ built site/: ")
    assert (project / "site" / "journeys" / "buy" / "index.html").is_file()
    assert not list(project.glob(".site.*")), "no staging folder is left behind"


def test_every_entity_has_its_page(example_site, example):
    for jid in example.journeys:
        assert (example_site / "journeys" / jid / "index.html").is_file(), jid
    for kind in ("personas", "departments", "channels"):
        assert (example_site / kind / "index.html").is_file()
        for ident in example.collection(kind):
            assert (example_site / kind / ident / "index.html").is_file(), (kind, ident)
    for page in ("backlog", "solutions", "insights", "metrics", "glossary", "governance", "tags", "reference"):
        assert (example_site / page / "index.html").is_file(), page
    assert (example_site / "index.html").is_file()


def test_every_internal_link_resolves(example_site):
    assert broken_links(example_site, "/journeys/") == []


def test_journey_page_shows_the_map_and_its_links(example_site, example):
    html = (example_site / "journeys" / "make-a-claim" / "index.html").read_text(encoding="utf-8")
    j = example.journeys["make-a-claim"]
    assert '<table class="jm-map">' in html and "<caption>Journey map of" in html
    assert '<th class="jm-phase" colspan=' in html or 'scope="colgroup"' in html
    for step in j.steps():
        assert f'id="step-{step.id}"' in html
    assert 'scope="row">Pain points</th>' in html
    ids = parse(example_site / "journeys" / "make-a-claim" / "index.html")
    links = ids.links
    assert f"../{j.parent.journey}/#step-{j.parent.step}" in links  # the parent step
    assert f"../{j.next}/" in links  # the next journey
    # edit link to the YAML file, not to docs/
    assert "https://github.com/example/journeys/edit/main/journeys/maps/make-a-claim.yaml" in links


def test_macro_journey_is_a_nav_section_with_its_micro_journeys(example_site, example):
    html = (example_site / "journeys" / "get-a-quote" / "index.html").read_text(encoding="utf-8")
    parent = example.journeys["get-a-quote"].parent.journey
    assert example.journeys[parent].level.value == "macro"
    # navigation.indexes: the section title links to the macro journey's page
    assert f'href="../{parent}/"' in html
    home = (example_site / "index.html").read_text(encoding="utf-8")
    assert "Journey landscape" in home and "no data" in home


def test_journey_pages_give_the_search_index_their_steps_and_facets(example_site, example):
    page = (example_site / "journeys" / "make-a-claim" / "index.html").read_text(encoding="utf-8")
    j = example.journeys["make-a-claim"]
    assert page.count("data-pagefind-body") == 1 and 'data-pagefind-meta="kind:journey"' in page
    # the map (row by row) is not indexed; each step is, as a hidden heading and its column's text
    scroll = re.search(r'<div [^>]*class="jm-scroll"[^>]*>', page)
    assert scroll and 'data-pagefind-ignore="index"' in scroll.group(0)
    extra = page[page.index('<div class="jm-search-extra" hidden>') :]
    for step in j.steps():
        m = re.search(rf'<h3 id="search-step-{step.id}">(.*?)</h3><p>(.*?)</p>', extra)
        assert m and html_unescape(m.group(1)) == step.name, step.id
        text = html_unescape(m.group(2))
        for pain in step.pain_points:
            assert pain.text in text
        for tp in step.touchpoints:
            assert tp.name in text
        for system in step.systems:
            assert system in text
    for name, value in [
        ("kind", "journey"),
        ("kind", "step"),
        ("department", "Claims"),
        ("persona", example.personas[j.personas[0]].name),
    ]:
        assert f'data-pagefind-filter="{name}:{html.escape(value)}"' in extra, (name, value)
    assert re.search(r'data-pagefind-filter="health:(on target|at risk|off target|no data)"', extra)
    # verbatims and custom lanes are searched like built-in lanes
    chase = re.search(r'<h3 id="search-step-chase-the-claim-for-an-update">.*?</h3><p>(.*?)</p>', extra)
    assert chase
    chase_text = html_unescape(chase.group(1))
    assert "Nobody rang me for nine days." in chase_text
    assert "I don't mind waiting. I mind not knowing." in chase_text
    assert "Consumer Duty: keep the customer informed" in chase_text
    # the glossary's synonyms of the terms the journey uses ("loss adjuster")
    assert "assessor" in extra and "claims assessor" in extra


def test_search_indexes_generated_pages_only(example_site):
    bundle = example_site / "pagefind"
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-entry.json").is_file()
    assert not list(bundle.glob("pagefind-ui*")) and not list(bundle.glob("pagefind-component-ui*"))
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["en"]  # stemming: the pages' lang
    # the guide (docs/) and the format reference have no data-pagefind-body: Pagefind skips them
    for guide in ("site", "performance", "reference"):
        assert "data-pagefind-body" not in (example_site / guide / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" in (example_site / "personas" / "busy-family" / "index.html").read_text("utf-8")
    assert 'data-pagefind-weight="0.5"' in (example_site / "journeys" / "index.html").read_text("utf-8")
    # the header's search dialog is Pagefind's, not Material's (no search worker, no index to download)
    home = (example_site / "index.html").read_text(encoding="utf-8")
    assert "data-jm-search" in home and 'data-md-component="search"' not in home
    assert not (example_site / "search" / "search_index.json").exists()
    assert (example_site / "assets" / "journeys" / "search.js").is_file()


def test_search_false_builds_without_search(tmp_path):
    project = make_project(tmp_path / "p")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - journeys\n", "  - journeys:\n      search: false\n"), encoding="utf-8")
    result = run_cli("build", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    assert not (site / "pagefind").exists() and not (site / "assets" / "journeys" / "search.js").exists()
    page = (site / "journeys" / "buy" / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" not in page and "data-jm-search" not in page and "md-search" not in page


def test_a_pagefind_failure_stops_the_build_and_keeps_the_old_site(tmp_path):
    project = make_project(tmp_path / "p")
    assert run_cli("build", cwd=project).returncode == 0
    before = tree_digest(project / "site")
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: could not read the site' >&2\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    result = run_cli("build", cwd=project, env={"PAGEFIND_BINARY_PATH": str(broken)})
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert "journeys: the site search could not be built: Pagefind failed (exit 3)" in out
    assert "Error: could not read the site" in out and "search: false" in out
    assert "Traceback" not in out
    assert "was left as it was" in out and tree_digest(project / "site") == before


def test_material_search_plugin_alongside_is_refused(tmp_path):
    project = make_project(tmp_path / "p")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  - tags\n", "  - search\n  - tags\n"), encoding="utf-8"
    )
    result = run_mkdocs("build", "--strict", cwd=project)
    assert result.returncode == 1
    assert "remove `search` (Material's search) from `plugins:`" in result.stderr and "Traceback" not in result.stderr


def test_portfolio_json(example_site, example):
    data = json.loads((example_site / "api" / "portfolio.json").read_text(encoding="utf-8"))
    assert [j["id"] for j in data["journeys"]] == sorted(example.journeys)
    claim = next(j for j in data["journeys"] if j["id"] == "make-a-claim")
    assert claim["url"] == "journeys/make-a-claim/"
    assert claim["title"] == example.journeys["make-a-claim"].title
    assert claim["description"]
    assert claim["phases"][0]["steps"][0]["id"] == example.journeys["make-a-claim"].phases[0].steps[0].id
    assert {"id", "name"} <= set(claim["phases"][0]) and {"id", "name"} <= set(claim["phases"][0]["steps"][0])
    for j in data["journeys"]:
        assert (example_site / j["url"] / "index.html").is_file()
    for p in data["personas"]:
        assert p["url"] == f"personas/{p['id']}/" and p["name"]
        assert (example_site / p["url"] / "index.html").is_file()


def test_sitemap_uses_site_url_and_source_date(example_site):
    sitemap = (example_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.github.io/journeys/journeys/make-a-claim/</loc>" in sitemap
    assert "<lastmod>2023-11-14</lastmod>" in sitemap  # SOURCE_DATE_EPOCH=1700000000


def test_two_builds_are_byte_identical(example_site, tmp_path):
    again = tmp_path / "again"
    result = run_cli("build", "--site-dir", str(again), cwd=ROOT, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert result.returncode == 0, result.stderr
    assert tree_digest(again) == tree_digest(example_site)


def test_invalid_portfolio_stops_mkdocs_build_with_file_line(tmp_path):
    buy = (ROOT / "tests" / "golden" / "buy" / "input" / "maps" / "buy.yaml").read_text(encoding="utf-8")
    project = make_project(tmp_path / "p", {"maps/buy.yaml": buy.replace("emotion: 4", "emotoin: 4")})
    result = run_mkdocs("build", cwd=project)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert (
        "journeys/maps/buy.yaml:17:9: error: phases[0].steps[0]: unknown key 'emotoin' [did you mean 'emotion'?]"
    ) in out
    assert "Traceback" not in out
    assert not (project / "site").exists()


def test_failed_build_leaves_the_old_site_intact(tmp_path):
    project = make_project(tmp_path / "p")
    yml = project / "mkdocs.yml"  # the project's own pages in the site, so that a broken one fails the build
    yml.write_text(
        yml.read_text(encoding="utf-8").replace("  - journeys\n", "  - journeys:\n      guide: section\n"),
        encoding="utf-8",
    )
    assert run_cli("build", cwd=project).returncode == 0
    before = tree_digest(project / "site")
    (project / "docs" / "broken.md").write_text("# Broken\n\n[gone](missing.md)\n", encoding="utf-8")
    result = run_cli("build", cwd=project)
    assert result.returncode == 1
    assert "missing.md" in result.stderr and "was left as it was" in result.stderr
    assert tree_digest(project / "site") == before
    # .cache holds the chart and parse caches (kept between builds on purpose); nothing else is left behind
    assert sorted(p.name for p in project.iterdir()) == [".cache", "docs", "journeys", "mkdocs.yml", "site", "theme"]
    # an invalid portfolio fails before MkDocs runs, with the check's messages
    (project / "docs" / "broken.md").unlink()
    (project / "journeys" / "maps" / "buy.yaml").write_text("title: x\n", encoding="utf-8")
    result = run_cli("build", cwd=project)
    assert result.returncode == 1
    assert "journeys/maps/buy.yaml:1:1: error: missing required key 'description'" in result.stdout
    assert tree_digest(project / "site") == before


def test_build_usage_errors(tmp_path):
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 2
    assert "journeys build: error: 'mkdocs.yml' not found" in result.stderr


def test_user_text_cannot_inject_html(tmp_path):
    buy = (ROOT / "tests" / "golden" / "buy" / "input" / "maps" / "buy.yaml").read_text(encoding="utf-8")
    evil = {
        "maps/buy.yaml": buy.replace("title: I buy a thing", "title: 'I buy x</title><script>alert(3)</script>'")
        .replace("name: Browse the shop", "name: 'Browse <script>alert(1)</script> {{ x }}'")
        .replace("does: ", "does: '<img src=x onerror=alert(1)> {: onclick=\"alert(2)\" }' #")
    }
    project = make_project(tmp_path / "p", evil)
    result = run_cli("build", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    html = (project / "site" / "journeys" / "buy" / "index.html").read_text(encoding="utf-8")
    shown = html_unescape(html)  # the text as a browser shows it
    assert "<script>alert(1)</script>" not in html and "<script>alert(1)</script>" in shown
    for page in (project / "site").rglob("*.html"):  # the title goes to <title>, the nav, the home page...
        assert "<script>alert(3)" not in page.read_text(encoding="utf-8"), page
    assert "<title>I buy x&lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt; - Tiny journeys</title>" in html
    assert "<img src=x" not in html and "<img src=x onerror=alert(1)>" in shown
    assert re.search(r"<[^>]*\sonclick=", html) is None and '{: onclick="alert(2)" }' in shown
    assert "Browse <script>alert(1)</script> {{ x }}" in shown  # shown as written


def test_serve_watches_the_portfolio_and_templates(tmp_path):
    """`mkdocs serve` rebuilds on changes under journeys/: the plugin adds it to the server's watch list."""
    from mkdocs.config import load_config

    project = make_project(tmp_path / "p")
    (project / "theme").unlink()
    (project / "theme" / "journeys").mkdir(parents=True)
    config = load_config(str(project / "mkdocs.yml"))
    config = config.plugins.on_config(config)

    from mkdocs.livereload import LiveReloadServer

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=8000, root=str(tmp_path / "site"))
    server = config.plugins["journeys"].on_serve(server, config=config, builder=server.builder)
    assert list(server._watched_paths) == [str((project / "journeys").resolve()), str(project / "theme" / "journeys")]
    assert config.nav[0] == {"Home": "index.md"} and "User guide" not in str(config.nav)  # `guide: off`


def _with_guide(project: Path, mode: str) -> None:
    yml = project / "mkdocs.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace("  - journeys\n", f"  - journeys:\n      guide: {mode}\n"),
        encoding="utf-8",
    )
    (project / "docs" / "guide").mkdir()
    (project / "docs" / "guide.md").unlink()
    (project / "docs" / "guide" / "other.md").write_text(
        "# Other\n\nSee the [journeys](../journeys/index.md).\n", encoding="utf-8"
    )
    (project / "docs" / "guide" / "index.md").write_text(
        "# Our guide\n\nRead the [other page](other.md).\n", encoding="utf-8"
    )


def test_the_projects_own_pages_are_out_of_the_staff_site_by_default(tmp_path):
    project = make_project(tmp_path / "p")
    result = run_mkdocs("build", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert not (site / "guide" / "index.html").exists()
    assert (site / "journeys" / "index.html").is_file()


def test_guide_link_builds_the_guide_outside_the_navigation_and_search(tmp_path):
    project = make_project(tmp_path / "p")
    _with_guide(project, "link")
    result = run_mkdocs("build", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="guide/"' in home  # one nav entry: the guide's index
    assert "guide/other/" not in home  # the other pages are reached from it, not from the navigation
    assert (site / "guide" / "index.html").is_file() and (site / "guide" / "other" / "index.html").is_file()
    # out of the staff's search: Pagefind indexes only what the plugin marks, the portfolio's pages
    assert "data-pagefind-body" in (site / "journeys" / "buy" / "index.html").read_text(encoding="utf-8")
    for page in ("guide/index.html", "guide/other/index.html"):
        assert "data-pagefind-body" not in (site / page).read_text(encoding="utf-8")


def test_guide_section_lists_every_page_in_the_navigation(tmp_path):
    project = make_project(tmp_path / "p")
    _with_guide(project, "section")
    result = run_mkdocs("build", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    assert 'href="guide/other/"' in (project / "site" / "index.html").read_text(encoding="utf-8")


def test_a_docs_page_in_the_way_of_a_generated_one_is_an_error(tmp_path):
    project = make_project(tmp_path / "p")
    (project / "docs" / "index.md").write_text("# My own home\n", encoding="utf-8")
    result = run_mkdocs("build", cwd=project)
    assert result.returncode != 0
    assert "index.md is in the way of the generated page 'index.md'" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_no_page_shows_markup_as_text(example_site):
    """Line breaks the templates put between items (several pain points, several steps) are tags, not
    `&lt;br&gt;` shown to the reader (autoescape escapes a "<br>" string expression)."""
    shown = [
        p.relative_to(example_site).as_posix()
        for p in sorted(example_site.rglob("*.html"))
        if "&lt;br&gt;" in re.sub(r"<code>.*?</code>", "", p.read_text(encoding="utf-8"), flags=re.S)
    ]
    assert shown == []


def test_no_page_shows_a_list_as_a_paragraph(example_site):
    """A Markdown list right under a paragraph line, with no blank line between (Python-Markdown, unlike
    GitHub, then keeps the items as text of that paragraph: "session: - **A catch-up...** - **The...**")."""
    shown = [
        p.relative_to(example_site).as_posix()
        for p in sorted(example_site.rglob("*.html"))
        if any(
            re.search(r"\n[-*] \S", para) for para in re.findall(r"<p>(.*?)</p>", p.read_text(encoding="utf-8"), re.S)
        )
    ]
    assert shown == []


def test_comparison_page_shows_both_curves_and_the_step_matches(example_site, example):
    """The to-be journey's comparison page: one chart with both emotion curves, every step matched or not."""
    from generator.charts.journey_charts import match_steps

    page = example_site / "journeys/report-a-claim-in-the-app/compare/index.html"
    text = page.read_text(encoding="utf-8")
    svg_name = re.search(r'src="\.\./\.\./\.\./assets/charts/(comparison-[0-9a-f]+\.svg)"', text).group(1)
    svg = (example_site / "assets/charts" / svg_name).read_text(encoding="utf-8")
    # two curves: the as-is one dashed (stroke-dasharray), the to-be one solid, each through its steps' points
    dashed = re.findall(r'<path d="(M [^"]*)"[^>]*style="fill: none; stroke-dasharray: 8,4; [^"]*stroke: #808080', svg)
    solid = re.findall(r'<path d="(M [^"]*)"[^>]*style="fill: none; stroke: #2f86c9', svg)
    assert len(dashed) == 2 and len(solid) == 2  # each curve and its key in the legend
    curve_points = lambda d: d.count("\nL ") + 1  # noqa: E731
    assert max(map(curve_points, dashed)) == 9 and max(map(curve_points, solid)) == 10  # the steps with an emotion
    assert "as-is: I make a claim" in svg and "to-be: I report a claim in the app (to-be)" in svg
    pairs = match_steps(example.journeys["make-a-claim"], example.journeys["report-a-claim-in-the-app"])
    assert [(a and a.id, b and b.id, how) for a, b, how in pairs if how in ("id", "name")] == [
        ("check-whether-i-am-covered", "check-whether-i-am-covered", "id"),
        ("upload-photos-of-the-damage", "upload-photos-of-the-damage", "id"),
        ("arrange-the-adjuster-visit", "arrange-the-adjuster-visit", "id"),
        ("chase-the-claim-for-an-update", "chase-the-claim-for-an-update", "id"),
    ]
    assert "4 steps in both, 6 added, 5 removed." in text
    # searched as an overview page (the journeys' own pages carry the steps): indexed, at half weight
    assert text.count("data-pagefind-body") == 1 and 'data-pagefind-weight="0.5"' in text
    assert 'data-pagefind-filter="kind:overview"' in text
    rows = re.findall(
        r"<tr>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>"
        r"\s*<td[^>]*>(.*?)</td>\s*</tr>",
        text[text.index('id="step-by-step"') :],
        re.S,
    )
    chase = next(r for r in rows if "Chase my claim for an update" in r[0])
    assert "Follow my claim on the tracker timeline" in chase[2] and chase[1] == "1" and chase[3] == "4"
    assert chase[4] == "+3"
    assert sum(r[4] == "added" for r in rows) == 6 and sum(r[4] == "removed" for r in rows) == 5
    # linked from both journeys
    for jid in ("make-a-claim", "report-a-claim-in-the-app"):
        journey = (example_site / "journeys" / jid / "index.html").read_text(encoding="utf-8")
        assert "compare as-is and to-be" in journey and "report-a-claim-in-the-app/compare/" in journey.replace(
            'href="compare/', 'href="../report-a-claim-in-the-app/compare/'
        )


def test_steps_are_matched_by_name_when_ids_differ():
    from generator.charts.journey_charts import match_steps
    from generator.model.entities import Journey

    def journey(steps):
        return Journey.model_validate(
            {
                "title": "t",
                "description": "d",
                "owner": {"person": "a", "department": "x"},
                "phases": [{"id": "p", "name": "P", "steps": [{"id": i, "name": n} for i, n in steps]}],
            }
        )

    old = journey([("a", "Call us"), ("b", "Wait"), ("c", "Get paid")])
    new = journey([("x", "call  US"), ("c", "Paid at once"), ("y", "Rate us")])
    assert [(a and a.id, b and b.id, how) for a, b, how in match_steps(old, new)] == [
        ("a", "x", "name"),
        ("b", None, "removed"),
        ("c", "c", "id"),
        (None, "y", "added"),
    ]


def test_each_journey_offers_its_spreadsheets(example_site, example):
    import openpyxl

    html_text = (example_site / "journeys/make-a-claim/index.html").read_text(encoding="utf-8")
    assert '<a href="make-a-claim.csv" download>CSV</a>' in html_text
    assert '<a href="make-a-claim.xlsx" download>Excel</a>' in html_text
    for jid in example.journeys:
        assert (example_site / "journeys" / jid / f"{jid}.csv").read_bytes().startswith("\ufeffPhase id,".encode())
    book = openpyxl.load_workbook(example_site / "journeys/make-a-claim/make-a-claim.xlsx")
    assert book.sheetnames == ["Map", "Journey"] and book["Map"].max_row == 1 + len(
        example.journeys["make-a-claim"].steps()
    )


def test_the_guide_index_links_every_page_of_the_guide():
    docs = ROOT / "docs"
    index = (docs / "guide" / "index.md").read_text(encoding="utf-8")
    linked = {(docs / "guide" / target).resolve() for target in re.findall(r"\]\(([^)#]+\.md)\)", index)}
    pages = {p.resolve() for p in docs.rglob("*.md")} - {
        (docs / "guide" / "index.md").resolve(),
        (docs / "reference.md").resolve(),
    }
    assert sorted(p.relative_to(docs).as_posix() for p in pages - linked) == []


def test_mkdocs_serve_reindexes_after_each_rebuild(tmp_path):
    """`mkdocs serve`: the search index is served, and after an edit of the portfolio the rebuilt site is
    indexed again (a new index, not the previous build's)."""
    import os
    import socket
    import subprocess
    import sys
    import time
    from urllib.error import URLError
    from urllib.request import urlopen

    project = make_project(tmp_path / "p")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/tiny/"

    def words() -> str | None:
        """The step anchors of the served journey page, or None while there is no index."""
        try:
            entry = json.loads(urlopen(base + "pagefind/pagefind-entry.json", timeout=5).read())
            assert entry["languages"]["en"]["page_count"] >= 5
            page = urlopen(base + "journeys/buy/", timeout=5).read().decode("utf-8")
        except (URLError, OSError, ValueError):
            return None
        ids = re.findall(r'id="search-step-([^"]+)"', page)
        return " ".join(ids)

    def wait(predicate, what: str, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if proc.poll() is not None:
                raise AssertionError(f"mkdocs serve exited: {proc.stderr.read()[-2000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.5)

    try:
        wait(lambda: (words() or "").split() == ["browse", "ask", "pay"], "the first index")
        first = json.loads(urlopen(base + "pagefind/pagefind-entry.json", timeout=5).read())["languages"]["en"]["hash"]
        urlopen(base + f"pagefind/pagefind.{first}.pf_meta", timeout=5).read()
        journey = project / "journeys" / "maps" / "buy.yaml"
        text = journey.read_text(encoding="utf-8")
        journey.write_text(
            text.replace("      - id: pay\n        name: Pay\n", "      - id: checkout\n        name: Check out\n"),
            encoding="utf-8",
        )
        wait(lambda: (words() or "").split() == ["browse", "ask", "checkout"], "the rebuilt page")

        # the index answering now is a new one (its metadata file, named by its hash, changed) and is served
        def reindexed() -> bool:
            try:
                now = json.loads(urlopen(base + "pagefind/pagefind-entry.json", timeout=5).read())
                meta = now["languages"]["en"]["hash"]
                urlopen(base + f"pagefind/pagefind.{meta}.pf_meta", timeout=5).read()
            except (URLError, OSError, ValueError, KeyError):
                return False
            return meta != first

        wait(reindexed, "the rebuilt index")
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
