"""The journey map as a map, in Chromium: headers that stay in view, the emotion curve inside the map, lanes
that collapse with the view kept in the address, the overview, the map without JavaScript; charts whose text
is 11 CSS px or more on a phone; glossary terms explained where they are used; no sideways page scroll at
390 px on the pages this work touches. Every test also asserts no console error and no failed request."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_support import contrast, parse_colour

JOURNEY = "journeys/make-a-claim/"
LAPTOP, PHONE = (1366, 900), (390, 844)


def _boxes(page, selector: str) -> list[dict]:
    return page.evaluate(
        """s => [...document.querySelectorAll(s)].map(e => {
        const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height,
        right: r.right, bottom: r.bottom, text: e.textContent.trim()}; })""",
        selector,
    )


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_headers_stay_in_view_when_the_map_scrolls_to_its_last_lane_and_step(open_page, viewport):
    page, watch = open_page(JOURNEY, viewport=viewport)
    box = page.locator(".jm-scroll")
    # the map is a box of bounded height: it fits the window, and its lanes scroll inside it
    sizes = box.evaluate("s => ({h: s.clientHeight, sh: s.scrollHeight, sw: s.scrollWidth, w: s.clientWidth})")
    assert sizes["h"] < viewport[1] and sizes["sh"] > sizes["h"], sizes
    page.locator("tr.jm-lane").last.evaluate("r => r.scrollIntoView({block: 'end'})")
    box.evaluate("s => { s.scrollTop = s.scrollHeight; s.scrollLeft = s.scrollWidth; }")
    page.wait_for_timeout(50)
    frame = box.bounding_box()
    last_lane = page.locator("tr.jm-lane").last.locator("th").bounding_box()
    assert last_lane["y"] + last_lane["height"] <= frame["y"] + frame["height"] + 1  # the last lane is shown
    assert box.evaluate("s => s.scrollTop") > 0 and box.evaluate("s => s.scrollLeft") > 0
    # the phase and step headers are at the top of the box, above the last lane
    for selector in ("th.jm-phase", "th.jm-step"):
        heads = [
            b
            for b in _boxes(page, f"table.jm-map {selector}")
            if b["right"] > frame["x"] + 10 and b["x"] < frame["x"] + frame["width"] - 10
        ]
        assert heads, selector
        for head in heads:
            assert frame["y"] - 1 <= head["y"] and head["bottom"] <= frame["y"] + 120, (selector, head, frame)
    # the last step's header is straight above the last step's cells
    step = page.locator("table.jm-map th.jm-step").last.bounding_box()
    cell = page.locator("tr.jm-lane").last.locator("td").last.bounding_box()
    assert abs(step["x"] - cell["x"]) <= 1 and abs(step["width"] - cell["width"]) <= 1
    # the lane name stays at the left edge, and what is under it does not show through (no strip at its left)
    lane = page.locator("tr.jm-lane").last.locator("th").bounding_box()
    assert abs(lane["x"] - frame["x"]) <= 2, (lane, frame)
    covering = page.evaluate(
        """([x, y]) => { const e = document.elementFromPoint(x, y);
        return e.closest('th') ? e.closest('th').getAttribute('scope') || e.closest('th').className : e.tagName; }""",
        [frame["x"] + 2, lane["y"] + lane["height"] / 2],
    )
    assert covering == "row"
    corner = page.evaluate(
        """([x, y]) => { const e = document.elementFromPoint(x, y).closest('th, td');
        return e && e.className; }""",
        [frame["x"] + 2, frame["y"] + 5],
    )
    assert corner in ("jm-corner", "jm-lane-head"), corner
    # every sticky cell is opaque: nothing scrolled under it shows through
    backgrounds = page.evaluate("""() => [...document.querySelectorAll(
        'table.jm-map thead th, table.jm-map thead td, table.jm-map tbody th')].map(e => {
        const s = getComputedStyle(e); return [s.backgroundColor, s.backgroundImage]; })""")
    for colour, image in backgrounds:
        assert parse_colour(colour)[3] == 1 or image != "none", (colour, image)
    assert watch.problems == []


def test_one_emotion_point_inside_each_step_column(open_page, example):
    page, watch = open_page(JOURNEY, viewport=LAPTOP)
    steps = list(example.journeys["make-a-claim"].steps())
    columns = _boxes(page, "table.jm-map th.jm-step")
    assert [c["text"] for c in columns] == [s.name for s in steps]
    cells = page.locator("tr.jm-lane--emotion td")
    assert cells.count() == len(steps)
    points = _boxes(page, "tr.jm-lane--emotion .jm-emo__point")
    assert len(points) == sum(1 for s in steps if s.emotion)
    plotted = [s for s in steps if s.emotion]
    for step, column, point in zip(
        plotted, [c for c, s in zip(columns, steps, strict=False) if s.emotion], points, strict=False
    ):
        centre = point["x"] + point["w"] / 2
        assert column["x"] < centre < column["right"], (step.name, column, point)
        assert abs(centre - (column["x"] + column["right"]) / 2) <= 2  # in the middle of its column
    # higher emotion is higher on screen; a moment of truth is a star
    by_level = {}
    for step, point in zip(plotted, points, strict=False):
        by_level.setdefault(step.emotion, set()).add(round(point["y"] + point["h"] / 2))
    levels = sorted(by_level)
    assert all(len(by_level[e]) == 1 for e in levels)
    ys = [next(iter(by_level[e])) for e in levels]
    assert ys == sorted(ys, reverse=True), by_level
    stars = page.locator("tr.jm-lane--emotion .jm-emo__point--mot")
    assert stars.count() == sum(1 for s in plotted if s.moment_of_truth) > 0
    # the curve is drawn: each cell's line halves meet their neighbours' at the column border
    ends = page.evaluate("""() => [...document.querySelectorAll('tr.jm-lane--emotion td')].map(td => {
        const lines = [...td.querySelectorAll('line.jm-emo__line')].map(l => l.getBoundingClientRect());
        return lines.map(r => [r.left, r.right]); })""")
    assert sum(len(c) for c in ends) >= 2 * (len(plotted) - 1)
    # readable in both schemes: the line and the points' outline are the text colour
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        colours = page.evaluate("""() => { const l = document.querySelector('line.jm-emo__line');
            const td = l.closest('td'); let bg = 'rgba(0, 0, 0, 0)', e = td;
            while (e && parse(bg)) { bg = getComputedStyle(e).backgroundColor; e = e.parentElement; }
            function parse(c) { return /rgba\\(.*, 0\\)$/.test(c) || c === 'transparent'; }
            return [getComputedStyle(l).stroke, bg]; }""")
        assert contrast(parse_colour(colours[0]), parse_colour(colours[1])) >= 3, (scheme, colours)
    assert watch.problems == []


def _lanes_param(url: str) -> list[str] | None:
    values = parse_qs(urlsplit(url).query).get("lanes")
    return values[0].split(",") if values else None


def _expanded(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('tr.jm-lane')]
        .filter(r => !r.classList.contains('jm-lane--collapsed')).map(r => r.dataset.lane)""")


def test_lane_toggles_round_trip_through_the_address(open_page, site_server):
    page, watch = open_page(JOURNEY, viewport=LAPTOP)
    lanes = _expanded(page)
    assert {"does", "feels", "emotion", "pain_points"} <= set(lanes)
    assert _lanes_param(page.url) is None  # everything shown: nothing in the address
    toggle = page.locator("tr.jm-lane--does th button.jm-lane-toggle")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("rowheader", name="Does").count() == 1  # still the lane's row header
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.locator("tr.jm-lane--does").evaluate("r => r.getBoundingClientRect().height") < 40
    assert "does" not in _expanded(page)
    assert _lanes_param(page.url) == [lane for lane in lanes if lane != "does"]
    # keyboard: Enter on a focused lane name collapses it too
    page.locator("tr.jm-lane--thinks th button").focus()
    page.keyboard.press("Enter")
    expected = [lane for lane in lanes if lane not in ("does", "thinks")]
    assert _lanes_param(page.url) == expected
    # the address opens the same view
    linked = page.url
    other, watch2 = open_page(linked[len(site_server.base_url) :], viewport=LAPTOP)
    assert _expanded(other) == expected
    assert other.locator("tr.jm-lane--does th button").get_attribute("aria-expanded") == "false"
    # a link naming two lanes shows those two; "expand all" returns to the whole map and a clean address
    other.goto(f"{site_server.base_url}{JOURNEY}?lanes=does,feels", wait_until="networkidle")
    assert _expanded(other) == ["does", "feels"]
    other.get_by_role("button", name="Expand all lanes").click()
    assert _expanded(other) == lanes and _lanes_param(other.url) is None
    other.get_by_role("button", name="Collapse all lanes").click()
    assert _expanded(other) == [] and _lanes_param(other.url) == ["none"]
    assert watch.problems == [] and watch2.problems == []


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_overview_shows_the_whole_map_on_one_screen(open_page, site_server, viewport):
    page, watch = open_page(JOURNEY, viewport=viewport)
    button = page.get_by_role("button", name=re.compile("^Overview"))
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    assert parse_qs(urlsplit(page.url).query).get("view") == ["overview"]
    page.locator(".jm-scroll").scroll_into_view_if_needed()
    table = page.locator("table.jm-map").bounding_box()
    box = page.locator(".jm-scroll").bounding_box()
    assert table["width"] <= box["width"] + 1 and table["height"] <= viewport[1], (table, box)
    assert page.locator(".jm-scroll").evaluate("s => s.scrollWidth <= s.clientWidth + 1")
    # linked, it opens as an overview; pressed again, the map is back at full size
    again, watch2 = open_page(page.url[len(site_server.base_url) :], viewport=viewport)
    assert again.get_by_role("button", name=re.compile("^Overview")).get_attribute("aria-pressed") == "true"
    button.click()
    assert page.locator("table.jm-map").bounding_box()["width"] > table["width"]
    assert "view=" not in page.url
    assert watch.problems == [] and watch2.problems == []


def test_without_javascript_the_map_is_complete(browser, site_server, example):
    context = browser.new_context(viewport={"width": LAPTOP[0], "height": LAPTOP[1]}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site_server.base_url}{JOURNEY}?lanes=does", wait_until="load")
        assert page.locator(".jm-map-tools").count() == 0
        assert page.locator("tr.jm-lane--collapsed").count() == 0  # every lane shown
        steps = list(example.journeys["make-a-claim"].steps())
        points = page.locator("tr.jm-lane--emotion .jm-emo__point")
        assert points.count() == sum(1 for s in steps if s.emotion)
        assert points.first.is_visible()
        # the emotion in words for anyone who cannot see the curve
        words = page.locator("tr.jm-lane--emotion .jm-emotion").all_inner_texts()
        assert len(words) == points.count() and all(re.fullmatch(r"[1-5]/5 [a-z ]+", w) for w in words), words
        assert page.locator(".jm-scroll").evaluate("s => s.scrollHeight > s.clientHeight")
    finally:
        context.close()


def _chart_text_px(page) -> list[tuple[str, float]]:
    """The smallest text of each chart as drawn on screen, in CSS px: each <text> font size (SVG user units)
    times the scale of the <img> (its drawn width over the SVG's viewBox width)."""
    out = []
    for chart in page.evaluate("""() => [...document.querySelectorAll('.jm-chart img')].map(i => (
            {src: i.currentSrc || i.src, w: i.getBoundingClientRect().width}))"""):
        svg = page.request.get(chart["src"]).text()
        view_w = float(re.search(r'viewBox="0 0 ([\d.]+) [\d.]+"', svg).group(1))
        sizes = [float(s) for s in re.findall(r"font-size:\s*([\d.]+)px", svg)]
        assert sizes, chart["src"]
        out.append((chart["src"].rsplit("/", 1)[-1], min(sizes) * chart["w"] / view_w))
    return out


# the journeys with the most charts, and the needs-attention page (the portfolio's opportunity matrix)
@pytest.mark.parametrize("path", [JOURNEY, "journeys/claim-settlement/", "attention/"])
def test_chart_text_is_at_least_11_css_px_on_a_phone(open_page, path):
    page, watch = open_page(path, viewport=PHONE)
    page.evaluate("async () => { for (const i of document.images) { if (!i.complete) await i.decode(); } }")
    sizes = _chart_text_px(page)
    assert sizes, path
    small = [(name, round(px, 1)) for name, px in sizes if px < 11]
    assert small == []
    # the page itself does not scroll sideways: a chart wider than the phone scrolls inside its figure (the
    # needs-attention page's own table is another matter, left to the work on list pages)
    if path.startswith("journeys/"):
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert watch.problems == []


def _touched_pages(example) -> list[str]:
    """The pages this work changed: every journey page, the glossary, the metric catalogue, the personas."""
    return (
        [f"journeys/{j}/" for j in sorted(example.journeys)]
        + ["glossary/", "metric-catalogue/"]
        + [f"personas/{p}/" for p in sorted(example.personas)]
    )


def test_no_touched_page_scrolls_sideways_on_a_phone(open_page, site_server, example):
    page, watch = open_page("", viewport=PHONE)
    wide = []
    for path in _touched_pages(example):
        page.goto(site_server.base_url + path, wait_until="networkidle")
        width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        if width > PHONE[0]:
            wide.append((path, width))
    assert wide == []
    # going to the next page can cut short a request the last one still had under way (Material's search
    # worker): that is the navigation, not a fault of the page
    assert [p for p in watch.problems if not p.endswith("(net::ERR_ABORTED)")] == []


def test_a_glossary_term_links_to_its_entry_with_the_definition_on_focus(open_page, example):
    page, watch = open_page(JOURNEY, viewport=LAPTOP)
    entry = example.glossary["escape-of-water"]
    term = page.locator("table.jm-map a.jm-term", has_text=re.compile("escape of water", re.I)).first
    assert term.get_attribute("href").endswith("glossary/#term-escape-of-water")
    assert term.get_attribute("title") == " ".join(entry.definition.split())
    # never inside code or another link
    assert page.locator("a a.jm-term, code a.jm-term, pre a.jm-term").count() == 0
    term.scroll_into_view_if_needed()
    term.focus()
    tip = term.evaluate("a => getComputedStyle(a, '::after').content")
    assert entry.definition.split()[0] in tip
    term.click()
    page.wait_for_url(re.compile(r"glossary/#term-escape-of-water$"))
    assert page.locator("#term-escape-of-water").is_visible()
    assert watch.problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_map_in_every_state(open_page, scheme):
    from axe_playwright_python.sync_playwright import Axe
    from test_browser_a11y import _describe

    page, watch = open_page(JOURNEY + "?lanes=description,emotion,pain_points", viewport=LAPTOP, color_scheme=scheme)
    assert page.locator("tr.jm-lane--collapsed").count() > 0
    axe = Axe()
    assert _describe(axe.run(page).response["violations"]) == []
    page.get_by_role("button", name=re.compile("^Overview")).click()
    assert _describe(axe.run(page).response["violations"]) == []
    phone, watch2 = open_page(JOURNEY, viewport=PHONE, color_scheme=scheme)
    assert _describe(axe.run(phone).response["violations"]) == []
    assert watch.problems == [] and watch2.problems == []


def test_the_map_prints_whole_on_a4_landscape(open_page):
    """Printed (A4 landscape is 297 x 210 mm, 1123 x 794 CSS px), the map is no scroll box: every lane, also
    a collapsed one, every step within the width; the buttons are left out; the curve is there."""
    page, watch = open_page(JOURNEY + "?lanes=does,emotion", viewport=(1123, 794))
    page.emulate_media(media="print")
    box = page.locator(".jm-scroll").evaluate(
        "s => ({sh: s.scrollHeight, h: s.clientHeight, sw: s.scrollWidth, w: s.clientWidth})"
    )
    assert box["sh"] <= box["h"] + 1 and box["sw"] <= box["w"] + 1, box
    assert page.locator("table.jm-map").bounding_box()["width"] <= 1123
    assert page.locator("tr.jm-lane--pain_points.jm-lane--collapsed li").first.is_visible()
    assert page.locator(".jm-map-tools").is_hidden()
    assert page.locator(".jm-emo__point").first.is_visible()
    assert watch.problems == []
