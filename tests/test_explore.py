"""The explore page and the roll-ups: the URL contract checked in Chromium against what `api/portfolio.json`
says (an independent reading of the documented rules, docs/guide/explore.md), the CSV of a view, named views
and their checks, the computed values in the JSON, the roll-up pages, and every touched page at 390 px."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import CATALOGUE, ROOT, run_cli

FACETS = ("persona", "department", "channel", "type", "level", "status", "lifecycle", "tag", "health", "moment")


# ------------------------------------------------------------------------------------------ the oracle


def records(pj: dict, kind: str) -> list[dict]:
    """Every record of a kind with its facet values and text, read from api/portfolio.json by the documented rules."""
    out: list[dict] = []
    journeys = sorted(pj["journeys"], key=lambda j: (j["title"].lower(), j["id"]))
    step_facets: dict[tuple[str, str], dict] = {}
    for j in journeys:
        base = {
            "type": {j["type"]},
            "level": {j["level"]},
            "status": {j["status"]},
            "lifecycle": {j["lifecycle"]},
            "tag": set(j["tags"]),
        }
        all_depts, all_channels, any_moment = {j["owner"]["department"]}, set(), False
        steps = [s for ph in j["phases"] for s in ph["steps"]]
        for s in steps:
            tps = s["touchpoints"]
            f = dict(base)
            f["persona"] = set(s["personas"] if s["personas"] is not None else j["personas"])
            f["department"] = ({s["owner"]} if s["owner"] else set()) | {
                t["department"] for t in tps if t["department"]
            }
            f["channel"] = {t["channel"] for t in tps}
            f["health"] = {s["computed"]["health"]}
            f["moment"] = {"true"} if s["moment_of_truth"] else set()
            step_facets[(j["id"], s["id"])] = f
            all_depts |= f["department"]
            all_channels |= f["channel"]
            any_moment |= s["moment_of_truth"]
            sid = f"{j['id']}/{s['id']}"
            where = s["name"] + "\n" + j["title"]
            if kind == "step":
                out.append({"id": sid, "f": f, "text": where, "emotion": s["emotion"]})
            elif kind == "touchpoint":
                for n, t in enumerate(tps, 1):
                    g = dict(
                        f,
                        channel={t["channel"]},
                        department={t["department"]} if t["department"] else ({s["owner"]} if s["owner"] else set()),
                    )
                    out.append({"id": f"{sid}/touchpoint-{n}", "f": g, "text": t["name"] + "\n" + where})
            elif kind == "pain-point":
                for n, pain in enumerate(s["pain_points"], 1):
                    text = pain if isinstance(pain, str) else pain["text"]  # text, or {text, severity...}
                    out.append({"id": f"{sid}/pain-point-{n}", "f": f, "text": " ".join(text.split()) + "\n" + where})
        if kind == "journey":
            f = dict(
                base,
                persona=set(j["personas"]),
                department=all_depts,
                channel=all_channels,
                health={j["computed"]["health"]},
                moment={"true"} if any_moment else set(),
            )
            out.append({"id": j["id"], "f": f, "text": j["title"]})
    if kind == "opportunity":
        for o in pj["opportunities"]:
            on = [
                f
                for (jid, sid), f in step_facets.items()
                if o["id"]
                in next(
                    s
                    for j in pj["journeys"]
                    if j["id"] == jid
                    for ph in j["phases"]
                    for s in ph["steps"]
                    if s["id"] == sid
                )["opportunities"]
            ]
            f = {name: set().union(*(g[name] for g in on)) if on else set() for name in FACETS}
            out.append({"id": o["id"], "f": f, "text": o["title"]})
    return out


def expected(pj: dict, query: str) -> set[str]:
    params = parse_qs(query)
    kind = params.get("kind", ["step"])[0]
    q = params.get("q", [""])[0].strip().lower()
    found = set()
    for r in records(pj, kind):
        if q and q not in r["text"].lower():
            continue
        if all(r["f"][name] & set(params[name]) for name in FACETS if name in params):
            found.add(r["id"])
    return found


@pytest.fixture(scope="session")
def portfolio_json(example_site) -> dict:
    return json.loads((example_site / "api" / "portfolio.json").read_text(encoding="utf-8"))


def shown(page, query: str, base_url: str) -> list[str]:
    page.goto(base_url + "explore/?" + query, wait_until="networkidle")
    page.wait_for_selector("[data-jm-explore][data-results]")
    return page.eval_on_selector_all("[data-jm-explore] [data-id]:not([hidden])", "els => els.map(e => e.dataset.id)")


QUERIES = [
    "kind=step",
    "kind=journey",
    "kind=touchpoint",
    "kind=pain-point",
    "kind=opportunity",
    "kind=step&persona=retired-homeowner",
    "kind=step&department=claims",
    "kind=step&channel=phone",
    "kind=step&type=employee",
    "kind=step&level=service-blueprint",
    "kind=step&status=to-be",
    "kind=step&lifecycle=live",
    "kind=step&tag=claims",
    "kind=step&health=off-target",
    "kind=step&health=no-data",
    "kind=step&moment=true",
    "kind=step&q=CLAIM",
    "kind=journey&department=claims&health=off-target&health=at-risk",
    "kind=journey&persona=new-claims-handler",
    "kind=journey&channel=web-chat&moment=true",
    "kind=touchpoint&channel=mobile-app&department=digital",
    "kind=touchpoint&department=claims&persona=busy-family",
    "kind=pain-point&persona=retired-homeowner&tag=claims",
    "kind=pain-point&q=wait",
    "kind=opportunity&department=claims",
    "kind=opportunity&health=off-target&lifecycle=live",
    "kind=step&persona=busy-family&persona=retired-homeowner&moment=true&lifecycle=live",
    "kind=step&department=claims&department=digital&channel=phone&channel=web",
    "kind=journey&persona=nobody",
]


def test_each_facet_and_combination_shows_exactly_the_documented_results(open_page, site_server, portfolio_json):
    page, watch = open_page("explore/")
    nonempty = 0
    for query in QUERIES:
        ids = shown(page, query, site_server.base_url)
        want = expected(portfolio_json, query)
        assert len(ids) == len(set(ids)), query
        assert set(ids) == want, (query, sorted(set(ids) ^ want)[:5])
        kind = parse_qs(query)["kind"][0]
        assert page.eval_on_selector_all("[data-id]", "els => [...new Set(els.map(e => e.dataset.kind))]") in (
            [kind],
            [],
        )
        count = page.text_content(".jm-explore__count")
        assert count.startswith(f"{len(want)} "), (query, count)
        nonempty += bool(want)
    assert nonempty >= len(QUERIES) - 2  # the views are real slices, not empty by accident
    assert watch.problems == []


def test_ticking_a_facet_writes_the_url_and_counts_say_what_each_value_gives(open_page, site_server, portfolio_json):
    page, _ = open_page("explore/?kind=step&department=claims")
    page.wait_for_selector("[data-jm-explore][data-results]")
    label = page.locator("label", has=page.locator("input[name=health][value=off-target]"))
    predicted = int(re.search(r"\((\d+)\)", label.text_content()).group(1))
    page.locator("summary", has_text="Health").click()
    page.check("input[name=health][value=off-target]")
    query = urlsplit(page.url).query
    assert parse_qs(query) == {"kind": ["step"], "department": ["claims"], "health": ["off-target"]}
    ids = page.eval_on_selector_all("[data-id]", "els => els.map(e => e.dataset.id)")
    assert set(ids) == expected(portfolio_json, query) and len(ids) == predicted
    # the URL is the view: opening it again shows the same
    assert shown(page, query, site_server.base_url) == ids


def test_sorting_orders_the_results(open_page, site_server, portfolio_json):
    page, _ = open_page("explore/")
    ids = shown(page, "kind=step&sort=emotion", site_server.base_url)
    emotions = {r["id"]: r["emotion"] for r in records(portfolio_json, "step")}
    values = [emotions[i] if emotions[i] is not None else 99 for i in ids]
    assert values == sorted(values) and len(ids) == len(emotions)
    rank = {"off-target": 0, "at-risk": 1, "on-target": 2, "no-data": 3}
    ids = shown(page, "kind=step&sort=health", site_server.base_url)
    health = {r["id"]: next(iter(r["f"]["health"])) for r in records(portfolio_json, "step")}
    assert [rank[health[i]] for i in ids] == sorted(rank[health[i]] for i in ids)


def test_the_csv_of_a_view_holds_the_same_rows(open_page, site_server, portfolio_json):
    page, watch = open_page("explore/")
    for query in ("kind=pain-point&persona=retired-homeowner", "kind=touchpoint&channel=phone", "kind=journey"):
        ids = shown(page, query, site_server.base_url)
        with page.expect_download() as info:
            page.get_by_role("button", name="Download CSV").click()
        text = Path(info.value.path()).read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][:2] == ["kind", "id"]
        assert [r[1] for r in rows[1:]] == ids
        assert set(ids) == expected(portfolio_json, query)
        assert {r[0] for r in rows[1:]} == {parse_qs(query)["kind"][0]}
    assert watch.problems == []


def test_named_views_are_links_that_open_their_view(open_page, site_server, portfolio_json):
    page, _ = open_page("explore/")
    links = page.locator(".jm-views a")
    names = links.all_text_contents()
    assert "Claims: off target" in names and len(names) == 4
    links.filter(has_text="Claims: off target").click()
    page.wait_for_selector("[data-jm-explore][data-results]")
    query = urlsplit(page.url).query
    assert parse_qs(query) == {"kind": ["step"], "department": ["claims"], "health": ["off-target"]}
    ids = page.eval_on_selector_all("[data-id]", "els => els.map(e => e.dataset.id)")
    assert ids and set(ids) == expected(portfolio_json, query)


def test_without_javascript_a_notice_links_to_the_static_pages(browser, site_server):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_server.base_url + "explore/")
        notice = page.locator("[data-jm-explore-nojs]")
        assert notice.is_visible() and "need JavaScript" in notice.text_content()
        hrefs = notice.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        for target in ("../personas/", "../departments/", "../channels/", "../tags/", "../journeys/"):
            assert target in hrefs
        assert page.locator("[data-id]").count() == 0
    finally:
        context.close()


def test_with_javascript_the_notice_is_hidden(open_page):
    page, _ = open_page("explore/")
    page.wait_for_selector("[data-jm-explore][data-results]")
    assert not page.locator("[data-jm-explore-nojs]").is_visible()


# ------------------------------------------------------------------------------------------ pages of 500


def test_beyond_500_results_a_page_parameter_splits_the_view(browser, tmp_path_factory):
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    import explore_bench
    import synth
    from browser_support import serve

    work = tmp_path_factory.mktemp("explore-pages")
    synth.write(60, work / "project", 3)
    out = explore_bench.write_explore_files(work / "project", work / "out")
    data = json.loads((out / "api" / "explore.json").read_text(encoding="utf-8"))
    steps = len(data["s"])
    assert steps > 500
    server = serve(out, "/")
    context = browser.new_context()
    try:
        page = context.new_page()
        seen: list[str] = []
        for n in (1, 2):
            page.goto(server.base_url + f"explore-bench.html?kind=step&page={n}", wait_until="networkidle")
            page.wait_for_selector("[data-jm-explore][data-results]")
            ids = page.eval_on_selector_all("[data-id]", "els => els.map(e => e.dataset.id)")
            assert len(ids) == (500 if n == 1 else steps - 500)
            assert f"page {n} of 2" in page.text_content(".jm-explore__count")
            seen += ids
        assert len(set(seen)) == steps
        assert page.locator(".jm-explore__pages a").count() == 2
    finally:
        context.close()
        server.close()


# ------------------------------------------------------------------------------------------ the data


def test_portfolio_json_carries_the_health_the_site_shows(example, portfolio_json, tmp_path):
    from generator.site.metrics_extras import site_extras_without_charts

    assert portfolio_json["format"] == "journeys-portfolio/2"
    extras, _ = site_extras_without_charts(example, cache=tmp_path)
    states = set()
    for j in portfolio_json["journeys"]:
        assert j["computed"]["health"] == extras.standings.journey(j["id"]).health.value
        assert j["computed"]["trend"] == extras.standings.journey(j["id"]).trend.value
        for ph in j["phases"]:
            for s in ph["steps"]:
                assert s["computed"]["health"] == extras.standings.step(j["id"], s["id"]).health.value
                states.add(s["computed"]["health"])
                for m in s["computed"]["latest"]:
                    assert m["metric"] in s["metrics"] or m["metric"] in j["metrics"]
                    assert isinstance(m["value"], (int, float)) and re.fullmatch(r"\d{4}-\d\d", m["period"])
    assert {"on-target", "off-target"} <= states
    assert any(j["computed"]["latest"] for j in portfolio_json["journeys"])


def test_explore_json_is_the_same_portfolio_in_short(example_site, portfolio_json):
    data = json.loads((example_site / "api" / "explore.json").read_text(encoding="utf-8"))
    assert data["format"] == "journeys-explore/1"
    assert len(data["j"]) == len(portfolio_json["journeys"])
    assert len(data["s"]) == sum(len(ph["steps"]) for j in portfolio_json["journeys"] for ph in j["phases"])
    assert len(data["t"]) == len(records(portfolio_json, "touchpoint"))
    assert len(data["p"]) == len(records(portfolio_json, "pain-point"))
    assert [o[0] for o in data["o"]] == [o["id"] for o in portfolio_json["opportunities"]]


# ------------------------------------------------------------------------------------------ named views, checked


def test_a_bad_view_query_is_an_error_with_file_line_and_hint(portfolio, tmp_path):
    views = (
        "  views:\n    - name: Bad\n      query: kind=steps&department=sale&colour=red\n"
        "    - name: Good\n      query: kind=step&department=sales&health=off-target&moment=true\n"
    )
    root = portfolio({"catalogue.yaml": CATALOGUE.replace("  name: Tiny Co\n", "  name: Tiny Co\n" + views)})
    result = run_cli("check", str(root), cwd=tmp_path)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "invalid-view" in line or "view '" in line]
    assert sorted(lines) == sorted(
        [
            "journeys/catalogue.yaml:5:14: error: organisation.views[0].query: view 'Bad': unknown kind 'steps' in the "
            "explore query [did you mean 'step'?]",
            "journeys/catalogue.yaml:5:14: error: organisation.views[0].query: view 'Bad': unknown department 'sale' in "
            "the explore query [did you mean 'sales'?]",
            "journeys/catalogue.yaml:5:14: error: organisation.views[0].query: view 'Bad': unknown explore parameter "
            "'colour' [known: 'channel', 'department', 'health', 'kind', 'level', 'lifecycle', 'moment', 'page' and "
            "6 more]",
        ]
    ), result.stdout


# ------------------------------------------------------------------------------------------ roll-ups


def test_importance_gap_counts_the_customers_top_ten_the_company_guessed(portfolio):
    from generator.load.check import check
    from generator.site.rollups import importance_gap

    # twelve touchpoints: customers rate 1..12 -> validated 5 for the top; the company guesses some of them
    ratings = [(5, 5), (5, 1), (5, 2), (4, 5), (4, 4), (4, 1), (3, 5), (3, 3), (2, 2), (2, 5), (1, 1), (1, 1)]
    tps = "".join(
        f"          - name: T{n}\n            channel: web\n            validated_importance: {v}\n"
        f"            assumed_importance: {a}\n"
        for n, (v, a) in enumerate(ratings)
    )
    journey = (
        "title: Rated\ndescription: d\nowner: {person: Ann, department: sales}\nphases:\n  - id: p\n    name: P\n"
        "    steps:\n      - id: s\n        name: S\n        owner: sales\n        touchpoints:\n" + tps
    )
    p, report = check(portfolio({"maps/rated.yaml": journey}))
    assert not report.errors
    gap = importance_gap(p)
    # customers' top ten: validated >= the tenth highest (2): T0..T9
    assert [t.touchpoint.name for t in gap.customers_top] == [f"T{n}" for n in range(10)]
    # the company's tenth highest assumed importance is 1 (sorted: 5,5,5,5,4,3,2,2,1,1,...): all guessed
    assert len(gap.guessed) == 10 and gap.share == 1.0
    assert gap.largest[0].touchpoint.name == "T1" and gap.largest[0].gap == 4


def test_roll_up_pages_answer_across_journeys(example_site):
    def html(path: str) -> str:
        return (example_site / path / "index.html").read_text(encoding="utf-8")

    persona = html("personas/retired-homeowner")
    assert "Pain points across their journeys" in persona and "Their lowest moments" in persona
    importance = html("touchpoint-importance")
    assert re.search(r"<strong>\d+%</strong> guessed", importance)
    systems = html("systems")
    assert 'id="claimshub"' in systems
    department = html("departments/claims")
    assert 'data-label="Health"' in department and "jm-health--" in department
    attention = html("attention")
    assert 'data-label="Owner"' in attention and 'role="cell"' in attention
    backlog = html("backlog")
    assert re.search(r"Solutions \(owner, status\)", backlog)
    assert re.search(r'\(<a href="\.\./departments/[a-z-]+/">[^<]+</a>, (idea|planned|in-progress|shipped)\)', backlog)


# ------------------------------------------------------------------------------------------ screens

TOUCHED = [
    "",
    "explore/",
    "explore/?kind=touchpoint",
    "explore/?kind=opportunity",
    "attention/",
    "backlog/",
    "departments/",
    "departments/claims/",
    "personas/",
    "personas/retired-homeowner/",
    "channels/",
    "channels/web/",
    "touchpoint-importance/",
    "systems/",
]
STACKED = [
    "attention/",
    "backlog/",
    "departments/",
    "departments/claims/",
    "personas/retired-homeowner/",
    "channels/web/",
    "touchpoint-importance/",
    "explore/",
]


def _overflow(page) -> dict:
    return page.evaluate("""() => ({
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        tables: [...document.querySelectorAll('.jm-stack, .jm-stack .md-typeset__table, .md-typeset__scrollwrap')]
            .filter(e => e.closest('.jm-stack')).filter(e => e.scrollWidth > e.clientWidth + 1).length})""")


@pytest.mark.parametrize("path", TOUCHED)
def test_no_sideways_scrolling_on_a_phone(open_page, path):
    page, watch = open_page(path, viewport=(390, 844))
    if path.startswith("explore/"):
        page.wait_for_selector("[data-jm-explore][data-results]")
    assert _overflow(page) == {"page": 0, "tables": 0}
    if path in STACKED or path.startswith("explore/"):
        # rows are cards: one cell under the other, each labelled by its column
        cells = page.locator(".jm-stack td[data-label]")
        if cells.count():
            first = cells.first
            assert first.evaluate("td => getComputedStyle(td).display") == "block"
            assert first.evaluate("td => getComputedStyle(td, '::before').content").startswith('"')
    assert watch.problems == []


@pytest.mark.parametrize("path", STACKED)
def test_every_column_fits_on_a_laptop(open_page, path):
    page, _ = open_page(path, viewport=(1366, 900))
    if path.startswith("explore/"):
        page.wait_for_selector("[data-jm-explore][data-results]")
    assert _overflow(page) == {"page": 0, "tables": 0}
    # and every header cell is inside the content box
    right = page.evaluate("document.querySelector('.md-content__inner').getBoundingClientRect().right")
    edges = page.eval_on_selector_all(".jm-stack th", "ths => ths.map(th => th.getBoundingClientRect().right)")
    assert edges and max(edges) <= right + 1


A11Y = [
    "explore/",
    "explore/?kind=opportunity",
    "touchpoint-importance/",
    "systems/",
    "attention/",
    "personas/retired-homeowner/",
    "departments/claims/",
    "backlog/",
]


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", A11Y)
def test_axe_clean(open_page, axe, path, scheme):
    page, watch = open_page(path, color_scheme=scheme)
    if path.startswith("explore/"):
        page.wait_for_selector("[data-jm-explore][data-results]")
        page.locator("summary", has_text="Persona").click()  # an open facet is checked too
    violations = axe.run(page).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in violations] == []
    assert watch.problems == []


# ------------------------------------------------------------------------------------------ the first day


def _first_day_links() -> list[tuple[str, str]]:
    text = (ROOT / "docs" / "guide" / "first-day.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(rows) == 10
    out = []
    for row in rows:
        question = row.split("|")[2].strip()
        link = re.search(r'<a href="\.\./\.\./([^"]+)">', row).group(1).replace("&amp;", "&")
        out.append((question, link))
    return out


@pytest.mark.parametrize("question,link", _first_day_links())
def test_each_first_day_question_has_a_non_empty_correct_answer(open_page, site_server, portfolio_json, question, link):
    path, _, query = link.partition("?")
    url = path.split("#")[0]
    if url.startswith("explore"):
        page, watch = open_page("explore/")
        ids = shown(page, query, site_server.base_url)
        assert ids, question
        assert set(ids) == expected(portfolio_json, query), question
    else:
        page, watch = open_page(url.lstrip("/"))
        anchor = urlsplit(link).fragment
        if anchor:
            heading = page.locator(f"#{anchor}")
            assert heading.count() == 1
            assert heading.locator("xpath=following-sibling::p[1]").locator("a").count() > 0, question
        else:
            rows = page.locator(".jm-stack tbody tr")
            assert rows.count() > 0, question
        if "backlog" in url:
            assert page.locator("td[data-label='Solutions (owner, status)'] a[href*='departments/']").count() > 0
        if "attention" in url:
            owners = page.locator("td[data-label='Owner']").all_text_contents()
            assert owners and all(o.strip() for o in owners)
        if "touchpoint-importance" in url:
            assert re.search(r"\d+% guessed", page.text_content("article"))
    assert watch.problems == []
