"""Accessibility of the example site in Chromium: axe-core (bundled by axe-playwright-python) on the main
kinds of page in the light and dark schemes, and the journey map for keyboard and screen reader users."""

from __future__ import annotations

import pytest

PAGES = {
    "home": "",
    "journey": "journeys/make-a-claim/",
    "persona": "personas/busy-family/",
    "department": "departments/claims/",
    "backlog": "backlog/",
}


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _describe(violations) -> list[str]:
    out = []
    for v in violations:
        nodes = "; ".join(
            " ".join(n["target"]) + ": " + n["failureSummary"].splitlines()[-1].strip() for n in v["nodes"][:3]
        )
        out.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']} -- {nodes}")
    return out


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violation(open_page, axe, name, scheme):
    """No axe violation at all, whatever its impact: the Material defaults that failed (search dialog name,
    nav landmarks, footer and tab contrast, links only told by colour) are fixed in theme/."""
    page, watch = open_page(PAGES[name], color_scheme=scheme)
    expected = "slate" if scheme == "dark" else "default"
    assert page.evaluate("document.body.dataset.mdColorScheme") == expected
    result = axe.run(page)
    assert _describe(result.response["violations"]) == []
    assert watch.problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_violation_in_the_open_search_dialog(open_page, axe, scheme, width):
    """The search dialog open with results and facets, on a laptop and a phone."""
    page, watch = open_page(
        "journeys/make-a-claim/", color_scheme=scheme, viewport=(width, 844 if width < 500 else 800)
    )
    page.keyboard.press("/")
    page.keyboard.type("claim photos", delay=10)
    page.wait_for_selector(".md-search-result__item a.md-search-result__link")
    page.wait_for_selector(".jm-search__facets select")
    page.wait_for_timeout(500)
    assert page.locator(".md-search__output").is_visible()
    result = axe.run(page)
    assert _describe(result.response["violations"]) == []
    assert watch.problems == []


def test_journey_map_is_announced_as_a_table_of_steps_and_lanes(open_page):
    page, _ = open_page("journeys/make-a-claim/")
    # the scroll wrapper is a named region; the table is named by its caption
    region = page.get_by_role("region", name="Journey map, scrolls both ways")
    assert region.count() == 1
    table = region.get_by_role("table", name="Journey map of “I make a claim”", exact=False)
    assert table.count() == 1
    # steps are column headers, lanes row headers: a cell is announced with its step and lane
    assert table.get_by_role("columnheader", name="Upload photos of the damage").count() == 1
    assert table.get_by_role("rowheader", name="Pain points").count() == 1
    headers = page.evaluate("""() => {
        const t = document.querySelector('table.jm-map');
        return {cols: [...t.querySelectorAll('thead th')].map(th => th.getAttribute('scope')),
                rows: [...t.querySelectorAll('tbody th')].map(th => th.getAttribute('scope'))}; }""")
    assert set(headers["cols"]) <= {"col", "colgroup"} and "colgroup" in headers["cols"]
    assert set(headers["rows"]) == {"row"}


def test_keyboard_reaches_the_map_and_scrolls_it(open_page):
    page, watch = open_page("journeys/make-a-claim/", viewport=(1024, 800))
    wrapper = page.locator(".jm-scroll")
    assert wrapper.evaluate("w => w.scrollWidth > w.clientWidth")
    # Tab from the element before the map lands on the map's region
    page.evaluate("""() => {
        const focusable = [...document.querySelectorAll('a[href], [tabindex="0"], button, input')]
            .filter(e => e.offsetParent !== null);
        const i = focusable.indexOf(document.querySelector('.jm-scroll'));
        focusable[i - 1].focus(); }""")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('jm-scroll')")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.jm-scroll').scrollLeft > 0")
    # and on into the links of the map
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('table.jm-map')")
    assert watch.problems == []


def test_every_chart_has_alt_text_and_a_data_table(example_site):
    """Checked on the built HTML of every page: charts are <img> in a figure with alt text, followed by
    their numbers as a table (in a <details>)."""
    from html.parser import HTMLParser

    class Charts(HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.charts, self.after = [], [], None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "figure" and "jm-chart" in (a.get("class") or ""):
                self.charts.append({"alt": None, "table": False})
                self.after = None
            elif tag == "img" and self.charts and self.charts[-1]["alt"] is None:
                self.charts[-1]["alt"] = a.get("alt") or ""
            elif tag == "details" and "jm-chart-data" in (a.get("class") or "") and self.charts:
                self.after = self.charts[-1]
            elif tag == "table" and self.after is not None:
                self.after["table"] = True

        def handle_endtag(self, tag):
            if tag == "details":
                self.after = None

    total = 0
    for path in sorted(example_site.rglob("*.html")):
        parser = Charts()
        parser.feed(path.read_text(encoding="utf-8"))
        for chart in parser.charts:
            assert chart["alt"] and len(chart["alt"]) > 20, (path, chart)
            assert chart["table"], (path, "chart without a data table")
        total += len(parser.charts)
    charts_dir = example_site / "assets" / "charts"
    if charts_dir.is_dir():  # charts exist: every one of them is on a page
        assert total >= len(list(charts_dir.glob("*.svg"))) > 0
