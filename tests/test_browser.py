"""The example site in a real browser (Debian's Chromium through Playwright), served over HTTP under the path
of its site_url: search, journey pages, charts, the colour schemes, a phone screen, and every internal link.

The site is built once per session (`example_site` in conftest.py) and one Chromium serves every test."""

from __future__ import annotations

import re
from collections import deque
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import urlopen

import pytest
from browser_support import contrast, parse_colour, svg_background, svg_text_colours
from site_helpers import _Links

# (what a reader types, the journey it must find in the top 3, the step whose column its best section is;
# None: any section)
SEARCHES = [
    ("Upload photos of the damage", "make-a-claim", "step name"),
    ("Photo upload link by text", "make-a-claim", "touchpoint"),
    # from the pain point "The upload page times out on a slow mobile connection and loses every photo …"
    ("slow mobile connection", "make-a-claim", "pain point"),
    ("Work out my rebuild cost", "get-a-quote", "step name"),
    ("Rebuild cost help text", "get-a-quote", "touchpoint"),
    ("Call the storm claims line", "storm-surge-claims-blueprint", "step name"),
    ("Beacon learning platform", "claims-handler-onboarding", "system"),
    ("Property data service", "get-a-quote", "system"),
]
# words the portfolio never writes as typed: a glossary synonym (of "Loss adjuster", "Escape of water") and
# plurals / other forms (stemming: the journeys say "draft", "claim", "photo")
OTHER_WORDS = [
    ("claims assessor", "claim-settlement"),
    ("burst pipe", "make-a-claim"),
    ("drafts", "move-home-with-my-policy"),
    ("photos uploaded", "make-a-claim"),
]


def _step_for(example, jid: str, query: str, kind: str) -> str:
    for step in example.journeys[jid].steps():
        if (
            kind == "step name"
            and step.name == query
            or kind == "touchpoint"
            and any(tp.name == query for tp in step.touchpoints)
            or kind == "pain point"
            and any(query in pain.text for pain in step.pain_points)
            or kind == "system"
            and query in step.systems
        ):
            return step.id
    raise AssertionError(f"the example has no {kind} {query!r} in {jid}")


def search(page, query: str, *, press: str = "/") -> list[list[str]]:
    """Open the header's search as a reader does (`press`: '/' or 's'), type `query`, and return the result
    groups, best first: for each page, the paths of its links (page, then its best sections)."""
    page.keyboard.press(press)
    page.keyboard.type(query, delay=10)
    page.wait_for_function(
        """q => document.querySelector('.md-search__input').value === q
                && /matching/.test(document.querySelector('.md-search-result__meta').textContent)
                && !document.querySelector('[data-jm-search]').hasAttribute('aria-busy')""",
        arg=query,
    )
    # a search runs on each pause in the typing; wait until the list stops changing
    previous = None
    for _ in range(20):
        groups = page.eval_on_selector_all(
            ".md-search-result__item",
            "items => items.map(i => [...i.querySelectorAll('a.md-search-result__link')].map(a => a.href))",
        )
        if groups == previous:
            break
        previous = groups
        page.wait_for_timeout(200)
    return [
        [urlsplit(h).path + ("#" + urlsplit(h).fragment if urlsplit(h).fragment else "") for h in g] for g in groups
    ]


@pytest.mark.parametrize("query,jid,kind", SEARCHES, ids=[q for q, _, _ in SEARCHES])
def test_search_lands_on_the_journey_and_the_step(open_page, site_server, example, query, jid, kind):
    page, watch = open_page("")
    groups = search(page, query)
    prefix = urlsplit(site_server.base_url).path
    journey = f"{prefix}journeys/{jid}/"
    pages = [g[0] for g in groups]
    assert journey in pages[:3], f"{query!r}: first results {pages[:5]}"
    step = _step_for(example, jid, query, kind)
    # the journey's sections shown include the step's column of the map (for a step's own name: first)
    group = groups[pages.index(journey)]
    if kind == "step name":
        assert group[1] == f"{journey}#step-{step}", group[:3]
    assert f"{journey}#step-{step}" in group[1:], group
    assert watch.problems == []


@pytest.mark.parametrize("query,jid", OTHER_WORDS, ids=[q for q, _ in OTHER_WORDS])
def test_synonyms_and_other_forms_of_a_word_find_the_journey(open_page, site_server, query, jid):
    page, watch = open_page("")
    pages = [g[0] for g in search(page, query)]
    journey = f"{urlsplit(site_server.base_url).path}journeys/{jid}/"
    assert journey in pages[:3], f"{query!r}: first results {pages[:5]}"
    assert watch.problems == []


def test_a_journey_title_ranks_above_the_pages_that_mention_it(open_page, site_server, example):
    page, watch = open_page("")
    title = example.journeys["claim-settlement"].title
    pages = [g[0] for g in search(page, title, press="s")]
    assert pages[0] == f"{urlsplit(site_server.base_url).path}journeys/claim-settlement/", pages[:5]
    assert watch.problems == []


def test_the_guide_is_not_in_the_results(open_page, site_server):
    # "Pagefind" and "strict" are words of the user guide (docs/) only
    page, watch = open_page("")
    search(page, "portfolio folder")
    hrefs = page.eval_on_selector_all("a.md-search-result__link", "as => as.map(a => a.pathname)")
    assert not [h for h in hrefs if "/guide/" in h or h.endswith(("/site/", "/performance/", "/errors/"))]
    assert watch.problems == []


def test_a_facet_narrows_the_results(open_page, site_server):
    page, watch = open_page("")
    prefix = urlsplit(site_server.base_url).path
    everything = search(page, "claim")
    kinds = page.locator(".jm-search__facets select[data-facet=kind]")
    kinds.wait_for()
    options = kinds.locator("option").all_inner_texts()
    assert any(o.startswith("journey (") for o in options) and any(o.startswith("persona (") for o in options)
    kinds.select_option("persona")
    page.wait_for_function("n => document.querySelectorAll('.md-search-result__item').length < n", arg=len(everything))
    page.wait_for_timeout(300)
    narrowed = page.eval_on_selector_all(
        ".md-search-result__item a.md-search-result__link:first-child", "as => as.map(a => a.pathname)"
    )
    assert narrowed and all(h.startswith(f"{prefix}personas/") for h in narrowed), narrowed
    assert len(narrowed) < len(everything)
    # the health facet on journeys: every result is a journey page
    kinds.select_option("journey")
    page.locator(".jm-search__facets select[data-facet=health]").select_option(index=1)
    page.wait_for_timeout(800)
    healthy = page.eval_on_selector_all(
        ".md-search-result__item a.md-search-result__link:first-child", "as => as.map(a => a.pathname)"
    )
    assert all(h.startswith(f"{prefix}journeys/") for h in healthy)
    assert watch.problems == []


def test_the_dialog_closes_with_escape_and_reopens_with_slash(open_page):
    page, watch = open_page("journeys/make-a-claim/")
    page.keyboard.press("/")
    assert page.evaluate("document.getElementById('__search').checked")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")
    # the arrow keys walk the results
    search(page, "Upload photos of the damage", press="s")
    assert page.evaluate("document.getElementById('__search').checked")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('md-search-result__link')")
    assert watch.problems == []


def test_a_search_result_opens_the_map_at_the_step(open_page, site_server):
    page, watch = open_page("")
    groups = search(page, "Upload photos of the damage")
    journey = [g for g in groups if g[0].endswith("/journeys/make-a-claim/")][0]
    page.locator(f"a.md-search-result__link[href$='{journey[1].split('/')[-1]}']").first.click()
    page.wait_for_url(re.compile(r".*/journeys/make-a-claim/.*#step-upload-photos-of-the-damage$"))
    header = page.locator("th#step-upload-photos-of-the-damage")
    header.wait_for()
    # the column is scrolled into view, sideways inside the map too
    page.wait_for_function("""() => {
        const r = document.getElementById('step-upload-photos-of-the-damage').getBoundingClientRect();
        return r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight; }""")
    assert not page.evaluate("document.getElementById('__search').checked")
    assert watch.problems == []


def _journey_ids(example_site) -> list[str]:
    return sorted(p.name for p in (example_site / "journeys").iterdir() if (p / "index.html").is_file())


def test_every_journey_page_loads_cleanly_with_its_map_and_charts(open_page, site_server, example_site, example):
    """Every journey page: the map is there, every image (the charts) loaded, no console error, no failed
    request, no HTTP error. One page of the browser goes through all of them."""
    ids = _journey_ids(example_site)
    assert ids == sorted(example.journeys)
    page, watch = open_page("")
    seen_images = 0
    for jid in ids:
        page.goto(f"{site_server.base_url}journeys/{jid}/", wait_until="networkidle")
        table = page.locator("table.jm-map")
        assert table.count() == 1 and table.is_visible(), jid
        assert page.locator("table.jm-map caption").inner_text().startswith("Journey map of"), jid
        images = page.evaluate("""async () => {
            const imgs = [...document.images];
            for (const img of imgs) { img.scrollIntoView(); if (!img.complete) await img.decode().catch(() => {}); }
            return imgs.map(i => ({src: i.currentSrc || i.src, w: i.naturalWidth, alt: i.getAttribute('alt')}));
        }""")
        for img in images:
            assert img["w"] > 0, f"{jid}: image did not load: {img['src']}"
            assert img["alt"], f"{jid}: image without alt text: {img['src']}"
        seen_images += len(images)
        charts = page.locator(".jm-chart img")
        for i in range(charts.count()):
            # each chart has its numbers in a table next to it
            chart = charts.nth(i).locator("xpath=ancestor::figure[1]")
            data = chart.locator("xpath=following-sibling::*[1]")
            assert data.locator("table").count() == 1, f"{jid}: chart {i} has no data table"
    assert watch.problems == []


def _readable(page) -> list[str]:
    """Every chart image is visible, and the colours of its text read against what is behind it (its own
    background, else the card the page draws behind it, else the page): at least 3:1 (WCAG 1.4.11)."""
    problems = []
    page_bg = parse_colour(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    for chart in page.evaluate("""() => [...document.querySelectorAll('.jm-chart img, article img[src$=".svg"]')]
            .map(i => { const r = i.getBoundingClientRect();
                        return {src: i.currentSrc || i.src, w: r.width, h: r.height,
                                visible: getComputedStyle(i).visibility === 'visible'
                                         && +getComputedStyle(i).opacity > 0.9,
                                filter: getComputedStyle(i).filter,
                                card: getComputedStyle(i).backgroundColor}; })"""):
        if chart["w"] < 50 or chart["h"] < 30 or not chart["visible"]:
            problems.append(f"chart not visible: {chart}")
            continue
        svg = page.request.get(chart["src"]).text()
        own = svg_background(svg)
        card = parse_colour(chart["card"])
        behind = parse_colour(own) if own else card if card[3] == 1 else page_bg
        for colour in svg_text_colours(svg):
            ratio = contrast(parse_colour(colour), behind)
            if ratio < 3:
                problems.append(f"{chart['src']}: text {colour} on {behind[:3]} is {ratio:.2f}:1")
    return problems


def test_dark_mode_toggle_keeps_the_page_and_charts_readable(open_page):
    page, watch = open_page("journeys/make-a-claim/")
    assert page.evaluate("document.body.dataset.mdColorScheme") == "default"
    light_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert _readable(page) == []
    page.locator("label[title='Switch to dark mode']").click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    page.wait_for_function(f"getComputedStyle(document.body).backgroundColor !== {light_bg!r}")
    dark_bg = parse_colour(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    text = parse_colour(page.evaluate("getComputedStyle(document.querySelector('.md-typeset')).color"))
    assert contrast(text, dark_bg) >= 4.5
    # the map's cells and lane headers follow the scheme (no white islands on a dark page)
    lane_bg = parse_colour(
        page.evaluate("getComputedStyle(document.querySelector('table.jm-map th[scope=row]')).backgroundColor")
    )
    assert lane_bg[:3] == dark_bg[:3]
    assert _readable(page) == []
    # the choice is remembered on the next page
    page.goto(page.url.replace("make-a-claim", "get-a-quote"), wait_until="networkidle")
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    assert _readable(page) == []
    assert watch.problems == []


def test_on_a_phone_the_map_scrolls_sideways_not_the_page(open_page):
    page, watch = open_page("journeys/make-a-claim/", viewport=(390, 844))
    sizes = page.evaluate("""() => { const w = document.querySelector('.jm-scroll');
        return {scroll: w.scrollWidth, client: w.clientWidth, doc: document.documentElement.scrollWidth,
                view: innerWidth, body: document.body.scrollWidth}; }""")
    assert sizes["scroll"] > sizes["client"], sizes  # the map is wider than the screen and scrolls
    assert sizes["doc"] <= sizes["view"] and sizes["body"] <= sizes["view"], sizes  # the page itself does not
    wrapper = page.locator(".jm-scroll")
    wrapper.evaluate("w => w.scrollLeft = 600")
    assert wrapper.evaluate("w => w.scrollLeft") > 0
    # the lane names stay pinned on the left while the steps scroll under them
    lane = page.locator("table.jm-map th[scope=row]").first.bounding_box()
    box = wrapper.bounding_box()
    assert abs(lane["x"] - box["x"]) <= 2, (lane, box)
    assert watch.problems == []


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urlopen(url, timeout=30) as r:
            return r.status, r.headers.get_content_type(), r.read()
    except HTTPError as e:
        return e.code, "", b""


def test_crawler_finds_no_broken_internal_link(site_server):
    """Breadth first from the home page (and the 404 page, whose links are absolute) over every same-origin
    link of the served site: each answers 200 and each #anchor exists on its page."""
    base = site_server.base_url
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    queue = deque([base, base + "404.html"])
    seen: set[str] = set(queue)
    pages: dict[str, _Links] = {}
    anchors: list[tuple[str, str, str]] = []  # (from page, to page, id)
    broken = []
    while queue:
        url = queue.popleft()
        status, ctype, body = _get(url)
        if status != 200:
            broken.append(f"{url}: HTTP {status}")
            continue
        if ctype != "text/html":
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        pages[url] = parser
        for link in parser.links:
            target, fragment = urldefrag(urljoin(url, link))
            if not target.startswith(origin + "/"):
                continue  # another site, mailto:, javascript:
            if fragment:
                anchors.append((url, target, fragment))
            if target not in seen:
                seen.add(target)
                queue.append(target)
    for source, target, fragment in anchors:
        if target in pages and fragment not in pages[target].ids:
            broken.append(f"{source}: #{fragment} is not an id of {target}")
    assert broken == []
    assert len(pages) >= 45  # the crawl reached the whole site, not just the home page
    assert base + "journeys/make-a-claim/" in pages and base + "backlog/" in pages
