"""The search index as `search_index` leaves it: the same site gives the same bytes (Pagefind's filter files
put in order), the files it rewrites still read as Pagefind wrote them, and what is left out of the index
(permalink signs, the catalogue pages' links to other pages) is left out."""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from generator.site import search_index
from generator.site.search_index import MAGIC, build_index, executable


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _fragments(bundle: Path) -> dict[str, dict]:
    out = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(MAGIC))
        out[data["url"]] = data
    return out


def _copy_html(site: Path, to: Path) -> Path:
    shutil.copytree(site, to, ignore=shutil.ignore_patterns("pagefind", "*.svg", "*.xlsx", "*.csv"))
    return to


def test_indexing_one_site_twice_gives_the_same_bytes(example_site, tmp_path):
    site = _copy_html(example_site, tmp_path / "site")
    build_index(site)
    first = _digests(site / "pagefind")
    build_index(site)
    assert _digests(site / "pagefind") == first
    # and the same as the bundle of the example's own build (another process, another folder)
    assert _digests(example_site / "pagefind") == first
    assert any(name.startswith("filter/") for name in first)


def test_the_settled_files_read_as_pagefind_wrote_them(example_site, tmp_path):
    site = _copy_html(example_site, tmp_path / "site")
    # Pagefind's own output, untouched: our CBOR reader and writer give back its very bytes
    subprocess.run(
        [str(executable()), "--site", str(site), "--output-subdir", "raw"], check=True, capture_output=True, timeout=600
    )
    raw = site / "raw"
    files = list((raw / "filter").glob("*.pf_filter")) + list(raw.glob("pagefind.*.pf_meta"))
    assert len(files) >= 2
    for path in files:
        content = gzip.decompress(path.read_bytes()).removeprefix(MAGIC)
        assert search_index._cbor_dump(search_index._cbor_load(content)) == content, path.name
    # the settled bundle: the same filters, values and pages as Pagefind's, values sorted, names by content
    settled = example_site / "pagefind"

    def filters(bundle: Path) -> dict[str, dict[str, list[int]]]:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        meta = search_index._read(bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")
        out = {}
        for name, chunk in meta[3]:
            name_, values = search_index._read(bundle / "filter" / f"{chunk}.pf_filter")
            assert name_ == name
            out[name] = {value: pages for value, pages in values}
        return out

    assert filters(settled) == filters(raw)
    entry = json.loads((settled / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = search_index._read(settled / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")
    assert [name for name, _ in meta[3]] == sorted(name for name, _ in meta[3])
    for _, chunk in meta[3]:
        values = search_index._read(settled / "filter" / f"{chunk}.pf_filter")[1]
        assert [v for v, _ in values] == sorted(v for v, _ in values)
    assert sorted(p.stem for p in (settled / "filter").iterdir()) == sorted(chunk for _, chunk in meta[3])


def test_permalink_signs_and_the_catalogues_links_are_not_indexed(example_site):
    fragments = _fragments(example_site / "pagefind")
    titles = [f["meta"].get("title", "") for f in fragments.values()]
    assert titles and not [t for t in titles if "¶" in t]
    assert not [url for url, f in fragments.items() if "¶" in f["content"]]
    # the insights library: each insight's own words are indexed, the journeys and steps it links to are not
    page = (example_site / "insights" / "index.html").read_text(encoding="utf-8")
    body = page[page.index("data-pagefind-body") :]
    body = body[: body.index("</article>")] if "</article>" in body else body
    links = [html.unescape(t) for t in re.findall(r'<a href="\.\./[^"]*">([^<]+)</a>', body)]
    unlinked = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r'<a href="\.\./[^"]*">[^<]+</a>', " ", body)))
    only_in_links = [t for t in dict.fromkeys(links) if t not in unlinked]
    assert only_in_links, "the example's insights page links no journey"
    insights = next(f for url, f in fragments.items() if url.rstrip("/").endswith("/insights"))
    for text in only_in_links:
        assert text not in insights["content"], text
    headings = [html.unescape(h) for h in re.findall(r'<h2 id="insight-[^"]*">([^<]+)<', body)]
    assert headings and all(h in insights["content"] for h in headings)


def test_a_steps_search_text_ends_each_sentence_once():
    """A step's lanes in its search sub-result: "Does: puts the rest aside." (the author's full stop), never
    "aside.." and never without one."""
    from conftest import ROOT

    from generator.load.check import check
    from generator.site.search_markup import step_text

    p, _ = check(ROOT / "journeys")
    step = next(s for s in p.journeys["renew-my-policy"].steps() if s.id == "receive-the-renewal-notice")
    text = step_text(p, step)
    assert "Does: Opens the envelope, looks for the price, puts the rest aside. Thinks: " in text
    assert ".." not in text and "Feels: Wary." in text


def test_the_charts_data_tables_are_not_indexed_but_their_titles_are(example_site):
    fragments = _fragments(example_site / "pagefind")
    journey = next(f for url, f in fragments.items() if url.endswith("/journeys/make-a-claim/"))
    page = (example_site / "journeys" / "make-a-claim" / "index.html").read_text(encoding="utf-8")
    body = page[page.index("data-pagefind-body") :]
    tables = re.findall(r'<details class="jm-chart-data".*?</details>', body, re.S)
    assert tables, "the example's journey page has no chart"
    rest = html.unescape(
        re.sub(r"<[^>]+>", " ", re.sub(r'<details class="jm-chart-data".*?</details>', " ", body, flags=re.S))
    )
    cells = [html.unescape(c) for t in tables for c in re.findall(r"<td[^>]*>([^<]+)</td>", t)]
    only_in_tables = [c for c in dict.fromkeys(cells) if c.strip() and c not in rest]
    assert only_in_tables, "no cell of the charts' tables is only in them"
    for cell in only_in_tables:
        assert cell not in journey["content"], cell
    captions = [html.unescape(c) for c in re.findall(r"<figcaption>([^<]+)</figcaption>", body)]
    assert captions and all(c in journey["content"] for c in captions)
    # a page's fragment is what a result fetches: the tables were a third of a journey page's
    assert "Data:" not in journey["content"]


def test_a_long_page_is_a_plain_result_whose_matches_load_when_asked(example_site, tmp_path, browser):
    from browser_support import Watch, serve, site_path

    site = tmp_path / "site"
    shutil.copytree(example_site, site)
    # the insights library of a large portfolio: hundreds of entries, each a heading and its text
    library = site / "insights" / "index.html"
    text = library.read_text(encoding="utf-8")
    marker = 'data-pagefind-meta="kind:insight">'
    assert marker in text
    entries = "".join(
        f'<h2 id="bulk-{i}">Bulk entry {i}</h2><p>quokka {"people wait for a reply from the office " * 12}</p>'
        for i in range(200)
    )
    library.write_text(text.replace(marker, marker + entries, 1), encoding="utf-8")
    build_index(site)
    long = json.loads((site / "pagefind" / search_index.DIALOG).read_text(encoding="utf-8"))["long"]
    assert list(long.values()) == [{"url": "/insights/", "title": "Insights library", "kind": "insight"}]
    fragment = f"fragment/{next(iter(long))}.pf_fragment"

    server = serve(site, site_path())
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        watch = Watch()
        watch.attach(context)
        fetched: list[str] = []
        context.on("requestfinished", lambda r: fetched.append(r.url))
        page = context.new_page()
        page.goto(server.base_url + "journeys/make-a-claim/", wait_until="networkidle")
        page.keyboard.press("/")
        page.keyboard.type("quokka", delay=20)
        page.wait_for_function(
            """() => document.querySelector('.md-search-result__list').getAttribute('data-jm-query') === 'quokka'
                && !document.querySelector('[data-jm-search]').hasAttribute('aria-busy')"""
        )
        button = page.locator(".md-search-result__item .jm-search__where")
        assert button.count() == 1
        assert button.inner_text() == "Show the 200 matches on this page"
        top = page.locator(".md-search-result__item a.md-search-result__link").first
        assert top.get_attribute("href").endswith(f"{site_path()}insights/")
        assert "Insights library" in top.inner_text()
        assert not [u for u in fetched if u.endswith(fragment)]  # the long page's 200 KB not fetched unasked
        button.click()
        page.wait_for_selector(".md-search-result__item a.md-search-result__link[href*='#bulk-']")
        assert [u for u in fetched if u.endswith(fragment)]
        assert watch.problems == []
    finally:
        context.close()
        server.close()


def test_a_first_query_fetches_the_results_in_view_and_no_filter_file(site_server, browser):
    """What the first query fetches: Pagefind's script and wasm without its worker, the fragments of the first
    five results (the rest as they are scrolled to), no filter file until a facet is chosen; and the facets
    the dialog offers are Pagefind's own values and counts."""
    from browser_support import Watch

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        watch = Watch()
        watch.attach(context)
        fetched: list[str] = []
        context.on("requestfinished", lambda r: fetched.append(r.url.split("?", 1)[0]))
        page = context.new_page()
        page.goto(site_server.base_url + "journeys/make-a-claim/", wait_until="networkidle")
        page.keyboard.press("/")
        page.keyboard.type("claim", delay=20)
        page.wait_for_function(
            """() => document.querySelector('.md-search-result__list').getAttribute('data-jm-query') === 'claim'
                && !document.querySelector('[data-jm-search]').hasAttribute('aria-busy')"""
        )
        page.wait_for_load_state("networkidle")
        total = int(re.search(r"\d+", page.locator(".md-search-result__meta").inner_text()).group(0))
        assert total > 10, "the example has fewer results for 'claim' than a page of them"

        def fragments() -> int:
            return len({u for u in fetched if "/pagefind/fragment/" in u})

        items = page.locator(".md-search-result__list > .md-search-result__item")
        assert items.count() == fragments() == 5
        assert page.locator(".md-search-result__list > .jm-search__pending").count() == 5
        assert not [u for u in fetched if u.endswith("pagefind-worker.js") or "/pagefind/filter/" in u], fetched
        # the arrow keys go on to the sixth result: it is fetched as it is shown, then focused
        page.locator(".md-search-result__list > li").nth(4).locator("a").last.focus()
        sixth = "() => document.activeElement.closest('li') === document.querySelectorAll('.md-search-result__list > li')[5]"
        for _ in range(4):
            page.keyboard.press("ArrowDown")
            page.wait_for_timeout(150)
            if page.evaluate(sixth):
                break
        assert page.evaluate(sixth)
        assert items.count() == fragments()
        # the others of the page as the reader scrolls to them
        page.locator(".md-search__scrollwrap").evaluate("el => el.scrollTo(0, el.scrollHeight)")
        page.wait_for_function("() => !document.querySelector('.md-search-result__list > .jm-search__pending')")
        assert items.count() == fragments() == 10
        assert page.locator(".jm-search__more button").count() == 1

        # the facets as the build counted them are Pagefind's: its filters() reads its filter files
        shown = page.eval_on_selector_all(
            ".jm-search__facets select",
            """sels => Object.fromEntries(sels.map(s => [s.dataset.facet,
                 [...s.options].slice(1).map(o => [o.value, o.textContent])]))""",
        )
        assert set(shown) == {"kind", "persona", "department", "channel", "health"}
        assert not [u for u in fetched if "/pagefind/filter/" in u]
        page.locator(".jm-search__facets select[data-facet=persona]").select_option(index=1)
        page.wait_for_function("() => !document.querySelector('[data-jm-search]').hasAttribute('aria-busy')")
        page.wait_for_load_state("networkidle")
        assert len([u for u in fetched if "/pagefind/filter/" in u]) == 1  # the persona filter's file only
        pagefind = page.evaluate(
            """async base => { const pf = await import(base + 'pagefind/pagefind.js'); return await pf.filters(); }""",
            site_server.base_url,
        )
        expected = {
            facet: sorted([v, f"{html.unescape(v)} ({n})"] for v, n in pagefind[facet].items()) for facet in shown
        }
        assert {facet: sorted(options) for facet, options in shown.items()} == expected
        assert not [u for u in fetched if u.endswith("pagefind-worker.js")]
        assert watch.problems == []
    finally:
        context.close()
