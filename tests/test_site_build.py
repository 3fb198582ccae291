"""The published site, built for real with MkDocs: pages, links, search, JSON, failures, determinism."""

from __future__ import annotations

import html
import json
import re
from html import unescape as html_unescape

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


def test_search_finds_a_journey_by_step_pain_point_and_touchpoint(example_site, example):
    index = json.loads((example_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    j = example.journeys["make-a-claim"]
    entries = [d for d in index["docs"] if d["location"].startswith("journeys/make-a-claim/")]
    assert entries and entries[0]["title"] == j.title and entries[0].get("boost") == 2
    # the map is one search entry per step: its name as the title, its column as the text, its anchor
    by_location = {d["location"]: d for d in entries}
    assert by_location["journeys/make-a-claim/#journey-map"]["text"].startswith("Journey map of")
    for step in j.steps():
        entry = by_location[f"journeys/make-a-claim/#step-{step.id}"]
        assert entry["title"] == html.escape(step.name, quote=False)
        assert entry["boost"] == 2 and entry["tags"] == j.tags
        for pain in step.pain_points:
            assert "Pain points: " in entry["text"] and html.escape(pain.text.split()[0], quote=False) in entry["text"]
        for tp in step.touchpoints:
            assert html.escape(tp.name, quote=False) in entry["text"]
    with_pain = next(s for s in j.steps() if s.pain_points)
    assert with_pain.pain_points[0].text[:40] in by_location[f"journeys/make-a-claim/#step-{with_pain.id}"]["text"]
    # verbatims and custom lanes are searched like built-in lanes
    chase = by_location["journeys/make-a-claim/#step-chase-the-claim-for-an-update"]["text"]
    assert "Verbatims: Nobody rang me for nine days." in chase
    assert "I don't mind waiting. I mind not knowing. — Margaret, retired homeowner" in html.unescape(chase)
    assert "Regulation: Consumer Duty: keep the customer informed" in chase
    # the steps follow the map section, in map order
    locations = [d["location"] for d in entries]
    start = locations.index("journeys/make-a-claim/#journey-map")
    assert locations[start + 1:start + 1 + len(j.steps())] == [f"journeys/make-a-claim/#step-{s.id}" for s in j.steps()]


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
    project = make_project(tmp_path / "p", {"maps/buy.yaml": (ROOT / "tests" / "golden" / "buy" / "input" / "maps" / "buy.yaml")
                                           .read_text(encoding="utf-8").replace("emotion: 4", "emotoin: 4")})
    result = run_mkdocs("build", cwd=project)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "journeys/maps/buy.yaml:17:9: error: phases[0].steps[0]: unknown key 'emotoin' [did you mean 'emotion'?]" in out
    assert "Traceback" not in out
    assert not (project / "site").exists()


def test_failed_build_leaves_the_old_site_intact(tmp_path):
    project = make_project(tmp_path / "p")
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
    evil = {"maps/buy.yaml": (ROOT / "tests" / "golden" / "buy" / "input" / "maps" / "buy.yaml").read_text(encoding="utf-8")
            .replace("title: I buy a thing", "title: 'I buy x</title><script>alert(3)</script>'")
            .replace("name: Browse the shop", "name: 'Browse <script>alert(1)</script> {{ x }}'")
            .replace("does: ", "does: '<img src=x onerror=alert(1)> {: onclick=\"alert(2)\" }' #")}
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

    class Server:  # the two-method surface of mkdocs' LiveReloadServer the plugin uses
        def __init__(self):
            self.watched = []

        def watch(self, path, *args, **kwargs):
            self.watched.append(path)

    server = config.plugins["journeys"].on_serve(Server(), config=config, builder=None)
    assert server.watched == [str((project / "journeys").resolve()), str(project / "theme" / "journeys")]
    assert config.nav[0] == {"Home": "index.md"} and config.nav[-1] == {"User guide": ["guide.md"]}


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
    shown = [p.relative_to(example_site).as_posix() for p in sorted(example_site.rglob("*.html"))
             if "&lt;br&gt;" in re.sub(r"<code>.*?</code>", "", p.read_text(encoding="utf-8"), flags=re.S)]
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
    rows = re.findall(r"<tr>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>"
                      r"\s*<td[^>]*>(.*?)</td>\s*</tr>", text[text.index('id="step-by-step"'):], re.S)
    chase = next(r for r in rows if "Chase my claim for an update" in r[0])
    assert "Follow my claim on the tracker timeline" in chase[2] and chase[1] == "1" and chase[3] == "4"
    assert chase[4] == "+3"
    assert sum(r[4] == "added" for r in rows) == 6 and sum(r[4] == "removed" for r in rows) == 5
    # linked from both journeys
    for jid in ("make-a-claim", "report-a-claim-in-the-app"):
        journey = (example_site / "journeys" / jid / "index.html").read_text(encoding="utf-8")
        assert "compare as-is and to-be" in journey and "report-a-claim-in-the-app/compare/" in journey.replace(
            'href="compare/', 'href="../report-a-claim-in-the-app/compare/')


def test_steps_are_matched_by_name_when_ids_differ():
    from generator.charts.journey_charts import match_steps
    from generator.model.entities import Journey

    def journey(steps):
        return Journey.model_validate({"title": "t", "description": "d", "owner": {"person": "a", "department": "x"},
                                       "phases": [{"id": "p", "name": "P",
                                                   "steps": [{"id": i, "name": n} for i, n in steps]}]})

    old = journey([("a", "Call us"), ("b", "Wait"), ("c", "Get paid")])
    new = journey([("x", "call  US"), ("c", "Paid at once"), ("y", "Rate us")])
    assert [(a and a.id, b and b.id, how) for a, b, how in match_steps(old, new)] == [
        ("a", "x", "name"), ("b", None, "removed"), ("c", "c", "id"), (None, "y", "added")]


def test_each_journey_offers_its_spreadsheets(example_site, example):
    import openpyxl

    html_text = (example_site / "journeys/make-a-claim/index.html").read_text(encoding="utf-8")
    assert '<a href="make-a-claim.csv" download>CSV</a>' in html_text
    assert '<a href="make-a-claim.xlsx" download>Excel</a>' in html_text
    for jid in example.journeys:
        assert (example_site / "journeys" / jid / f"{jid}.csv").read_bytes().startswith("\ufeffPhase id,".encode())
    book = openpyxl.load_workbook(example_site / "journeys/make-a-claim/make-a-claim.xlsx")
    assert book.sheetnames == ["Map", "Journey"] and book["Map"].max_row == 1 + len(example.journeys["make-a-claim"].steps())
