"""Glossary terms in the text link to their entry, with the definition as the link's title: only in block
text, never inside links or code, once a block; hostile terms and definitions stay inert (the linking runs on
the sanitised HTML and writes user text only in its encoded form). Also the metric wording of the pages."""

from __future__ import annotations

import re

from conftest import EXAMPLE
from html_safety import payloads, problems
from test_content_safety import PAGE_TAGS, page_pass

from generator.site import filters

LINK_TAGS = PAGE_TAGS | {"a"}


def glossary(entries: dict[str, tuple[str, str]]) -> filters.Filters:
    """The filters of a build whose portfolio has these glossary entries."""
    return filters.Filters(glossary=filters.Glossary(entries))


def test_a_term_is_linked_once_with_its_definition():
    f = glossary(
        {"eow": ("escape of water", "Water leaking from pipes, tanks or appliances."), "water": ("water", "H2O.")}
    )
    html = str(f.text("Is *Escape of water* covered? Escape of water again, and water."))
    assert html == (
        'Is <em><a class="jm-term" href="jm-glossary:#term-eow" title="Water leaking from pipes, tanks or '
        'appliances.">Escape of water</a></em> covered? Escape of water again, and '
        '<a class="jm-term" href="jm-glossary:#term-water" title="H2O.">water</a>.'
    )


def test_never_inside_code_links_or_words():
    f = glossary({"excess": ("excess", "What you pay first.")})
    html = str(
        f.text(
            "`excess` and [the excess](https://example.com) and excessive, and\n\n    excess in code\n\nbut excess here"
        )
    )
    assert html.count("jm-term") == 1
    assert re.search(r'but <a class="jm-term" href="jm-glossary:#term-excess"[^>]*>excess</a> here', html)
    # inline text (headings, table cells, link labels) is left alone: a link in a heading is not wanted
    assert "jm-term" not in str(f.inline("the excess")) + str(f.label("the excess"))
    # the filters without a glossary (and the module's own) link nothing
    assert "jm-term" not in str(filters.text("but excess here")) + str(filters.Filters().text("but excess here"))


def test_no_term_inside_an_entity():
    f = glossary({"amp": ("amp", "An amplifier."), "39": ("39", "A number.")})
    html = str(f.text("Tom & Jerry's amp: 39"))
    assert "&amp;" in html and "&#39;" not in html.replace("jm-glossary:#term-39", "")
    assert html.count("jm-term") == 2


def test_hostile_terms_and_definitions_stay_inert():
    corpus = payloads()
    entries = {f"t{n}": (p, p) for n, p in enumerate(corpus[:200])}
    entries["plain"] = ("harbour", '" onmouseover="alert(1)" x="<script>alert(2)</script>')
    f = glossary(entries)
    for payload in corpus[:200] + ["the harbour"]:
        html = page_pass(f"<div markdown>\n{f.text(payload)}\n</div>\n")
        assert problems(html, allowed=LINK_TAGS) == [], payload
    html = str(f.text("the harbour"))
    assert 'title="&quot; onmouseover=&quot;alert(1)&quot; x=&quot;&lt;script&gt;alert(2)&lt;/script&gt;"' in html
    assert 'onmouseover="' not in html


def test_pages_link_terms_relative_to_themselves():
    from generator.load.check import check
    from generator.site.render import render_site

    portfolio, report = check(EXAMPLE)
    assert not report.errors
    site = render_site(portfolio)
    journey = site.pages["journeys/make-a-claim/index.md"].content
    assert '<a class="jm-term" href="../../glossary/#term-escape-of-water"' in journey
    assert "jm-glossary:" not in "".join(p.content for p in site.pages.values())
    glossary = site.pages["glossary.md"].content
    assert re.search(r'<a class="jm-term" href="#term-[a-z-]+"', glossary)
    # the glossary is this portfolio's only while its pages render
    assert "jm-term" not in str(filters.text("escape of water"))


def test_metric_wording_on_the_pages(tmp_path):
    """Targets with a space before their unit; a metric's trend names the way its value went and whether that
    is better in its own direction; a roll-up of several places names the one that decided it."""
    from generator.load.check import check
    from generator.site.metrics_extras import site_extras

    portfolio, report = check(EXAMPLE)
    extras, _ = site_extras(portfolio, cache=tmp_path / "charts", workers=1)
    from generator.site.render import render_site

    site = render_site(portfolio, extras=extras)
    settle = site.pages["journeys/claim-settlement/index.md"].content
    rows = settle.split("<tr>")  # the metrics table is finished HTML: one row a `<tr>`, one cell a line
    row = next(r for r in rows if ">Complaints received</a></td>" in r)
    assert "\n<td>150 complaints (lower is better)</td>\n" in row and "150complaints" not in settle
    # 197 complaints, lower is better: the trend names the value's way and what it means for this metric
    trend = re.search(
        r'<span class="jm-trend jm-trend--(\w+)" title="([^"]+)"><span aria-hidden="true">(.)</span> '
        r"(rose|fell), (\w+)</span>",
        row,
    )
    assert trend, row
    state, title, arrow, moved, words = trend.groups()
    assert state == words and (arrow, moved) in (("↑", "rose"), ("↓", "fell"))
    assert (moved == "fell") == (state == "better")  # lower is better: falling is better
    assert title.endswith("lower is better")
    # a roll-up of several places says which one decided it
    csat = next(r for r in rows if ">Claim settlement time</a></td>" in r)
    # punctuated to read as a phrase: "off target, worse (worst of 3 places: ...)"
    assert re.search(
        r'>(on target|at risk|off target)</span>, <span class="jm-trend[^>]*>(<span[^>]*>.</span> )?[a-z, ]+</span> '
        r'\(<span class="jm-decided">worst of \d places: [^<]+</span>\)',
        csat,
    ), csat
    catalogue = site.pages["metric-catalogue.md"].content
    assert re.search(r'<span class="jm-decided">worst of \d+ places: [^:<]+: [^<]+</span>', catalogue)
    assert "150 complaints" in catalogue and "150complaints" not in catalogue
