"""The text cache: Python-Markdown's conversions of user text kept between builds (generator/site/text_cache.py).

Same pages with or without it; only what a run used is kept; and a planted entry still goes through the
sanitiser, so a cache restored from anywhere cannot put active content on the site."""

from __future__ import annotations

import json

import pytest
from conftest import EXAMPLE

from generator.load.check import check
from generator.site import render_pool, text_cache
from generator.site.render import render_site


def pages(portfolio, texts=None) -> dict[str, str]:
    return {path: page.content for path, page in render_site(portfolio, texts=texts).pages.items()}


def test_pages_are_the_same_with_the_cache_and_only_used_texts_are_kept(tmp_path):
    portfolio, _ = check(EXAMPLE)
    without = pages(portfolio)
    with text_cache.kept(tmp_path) as texts:
        first = pages(portfolio, texts)
    assert first == without
    stored = json.loads((tmp_path / "converted.json").read_text(encoding="utf-8"))
    assert stored["version"] == text_cache.VERSION
    assert "b" + portfolio.journeys["make-a-claim"].description.strip() in stored["texts"]
    stored["texts"]["bno longer in the portfolio"] = "<p>old</p>"
    (tmp_path / "converted.json").write_text(json.dumps(stored), encoding="utf-8")
    with text_cache.kept(tmp_path) as texts:
        assert len(texts.stored) == len(stored["texts"])
        second = pages(portfolio, texts)
    assert second == first
    again = json.loads((tmp_path / "converted.json").read_text(encoding="utf-8"))
    assert "bno longer in the portfolio" not in again["texts"] and len(again["texts"]) == len(stored["texts"]) - 1


def test_a_planted_entry_is_still_sanitised(tmp_path):
    portfolio, _ = check(EXAMPLE)
    description = portfolio.journeys["make-a-claim"].description.strip()
    planted = {
        "version": text_cache.VERSION,
        "texts": {
            "b" + description: '<p>Planted<script>alert(1)</script><a href="javascript:alert(2)" '
            'onclick="alert(3)">x</a></p>'
        },
    }
    (tmp_path / "converted.json").write_text(json.dumps(planted), encoding="utf-8")
    with text_cache.kept(tmp_path) as texts:
        page = pages(portfolio, texts)["journeys/make-a-claim/index.md"]
    assert "Planted" in page  # the entry was used...
    assert "<script" not in page and "javascript:" not in page and "onclick" not in page  # ...and sanitised
    assert "Planted" not in pages(portfolio)["journeys/make-a-claim/index.md"]  # ...in that build only


def test_a_build_forked_in_two_keeps_the_conversions_of_both_halves(tmp_path):
    portfolio, _ = check(EXAMPLE)
    with text_cache.kept(tmp_path / "one") as one:
        render_site(portfolio, texts=one)
    with text_cache.kept(tmp_path / "two") as two:
        pool_from, render_pool.PARALLEL_FROM = render_pool.PARALLEL_FROM, 1
        try:
            site = render_site(portfolio, texts=two)
        finally:
            render_pool.PARALLEL_FROM = pool_from
    if render_pool.can_fork():  # else: no child, both builds ran in this process
        assert site.rendered_by_child == len(site.pages) // 2
    assert two.used == one.used and len(one.used) > 100


@pytest.mark.parametrize("content", ["not json", '{"version": "other", "texts": {}}', '{"version": 1}', "[]"])
def test_a_stale_or_damaged_cache_is_ignored(tmp_path, content):
    (tmp_path / "converted.json").write_text(content, encoding="utf-8")
    assert text_cache.TextCache(tmp_path).load() == 0
