"""Property tests of the renderer: random text in every content field never breaks rendering, and no
page, once Markdown turns it into HTML as MkDocs would, holds anything active (html_safety.py).

Every free-text field of every model of a small portfolio (titles, names, descriptions, step lanes,
touchpoints, pain points, quotes, glossary, evidence, units, leads, tags, systems...) gets a drawn string:
random Unicode, or a mix of HTML, Markdown and template syntax fragments that attacks are made of.
"""

from __future__ import annotations

import copy

import pytest
from conftest import write_portfolio
from html_safety import problems, tags
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from test_content_safety import PAGE_TAGS, page_pass

from generator.load.check import check
from generator.site import filters
from generator.site.render import render_site

# fields that hold ids or references, not text
NOT_TEXT = {
    "id",
    "owner",
    "channel",
    "department",
    "journey",
    "step",
    "next",
    "personas",
    "insights",
    "opportunities",
    "solutions",
    "metrics",
    "parent",
    "kind",
    "direction",
    "status",
    "level",
    "type",
    "lifecycle",
    "period",
    "date",
}

FRAGMENTS = [
    "<",
    ">",
    "&",
    "&#",
    "&#106;",
    "[",
    "]",
    "(",
    ")",
    "](",
    "![",
    "javascript:",
    "JaVaScRiPt:",
    "data:",
    "vbscript:",
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "{:",
    "}",
    "`",
    "``",
    "*",
    "**",
    "_",
    "~~",
    "\\",
    "\n",
    "\n\n",
    "    ",
    "\t",
    "#",
    "- ",
    "1. ",
    "> ",
    "|",
    "---",
    ":",
    "=",
    '"',
    "'",
    " on",
    "onerror=",
    "onclick=",
    "<script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<a href=",
    "<iframe",
    "--8<--",
    "[^1]",
    "*[x]: y",
    "!!! note",
    "x@y.z",
    "https://e.org/",
    "\x00",
    "\u2028",
    "\r",
    "<!--",
    "-->",
    "<![CDATA[",
    "alert(1)",
    "<style>",
    "<base href=x>",
]

texts = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=12).map("".join),
)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = write_portfolio(tmp_path_factory.mktemp("fuzz") / "journeys", {"maps/buy.yaml": None})
    from conftest import JOURNEY

    (root / "maps" / "buy.yaml").write_text(
        JOURNEY.replace(
            "        owner: sales\n        emotion: 4\n",
            "        owner: sales\n        emotion: 4\n        description: d\n        does: d\n"
            "        thinks: t\n        feels: f\n        pain_points: [p]\n        highlights: [h]\n"
            "        backstage: [b]\n        systems: [s]\n        insights: [slow]\n"
            "        solutions: [bot]\n        metrics: [nps]\n",
        )
        + "goal: g\ntags: [a]\n",
        encoding="utf-8",
    )
    portfolio, report = check(root)
    assert not report.errors, report.errors
    benign = set()
    for page in render_site(portfolio).pages.values():
        benign |= tags(page_pass(page.content))
    return portfolio, benign | PAGE_TAGS


def _fill(model: BaseModel, draw) -> BaseModel:
    """A copy of the model with every text field (and nested model) filled by `draw()`."""
    update = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if name in NOT_TEXT and not isinstance(value, list | BaseModel):
            continue
        if isinstance(value, BaseModel):
            update[name] = _fill(value, draw)
        elif isinstance(value, str) and name not in NOT_TEXT:
            update[name] = draw()
        elif isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
            update[name] = [_fill(v, draw) for v in value]
        elif isinstance(value, list) and value and name not in NOT_TEXT and all(isinstance(v, str) for v in value):
            update[name] = [draw() for _ in value]
    return model.model_copy(update=update)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(values=st.lists(texts, min_size=1, max_size=8))
def test_random_content_renders_and_stays_inert(base, values):
    portfolio, allowed = base
    p = copy.copy(portfolio)
    counter = iter(range(10**6))

    def draw() -> str:
        return values[next(counter) % len(values)]

    p.organisation = _fill(p.organisation, draw)
    for kind in (
        "personas",
        "departments",
        "channels",
        "metrics",
        "insights",
        "opportunities",
        "solutions",
        "glossary",
        "journeys",
    ):
        setattr(p, kind, {i: _fill(m, draw) for i, m in p.collection(kind).items()})
    site = render_site(p)
    # the one script a page may hold: the explore page's own, by a fixed path, with no body (no user text)
    own = lambda attrs, body: attrs == {"src": "../assets/explore.js"} and not body.strip()  # noqa: E731
    for path, page in site.pages.items():
        html = page_pass(page.content)
        assert problems(html, allowed=allowed, scripts_ok=own if path == "explore.md" else None) == [], (path, values)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_every_filter_returns_one_inert_line(value):
    for name, fn in filters.FILTERS.items():
        out = str(fn(value))
        assert "\n" not in out and "\r" not in out, name
        if name != "yaml":
            assert "{{" not in out and "{%" not in out and "{#" not in out and "{:" not in out, (name, out)
            assert problems(page_pass(f"x {out}"), allowed=PAGE_TAGS) == [], (name, value, out)
