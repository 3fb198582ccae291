"""The text cache: Python-Markdown's conversions of user text kept between builds (generator/text_cache.py).

Same pages with or without it; only what a run used is kept; and a planted entry still goes through the
sanitiser, so a cache restored from anywhere cannot put active content on the site."""

from __future__ import annotations

import json

import pytest

from conftest import EXAMPLE

from generator.site import filters, text_cache
from generator.load.check import check
from generator.site.render import render_site


@pytest.fixture
def fresh():
    """No conversion remembered from other tests (the filters' memo is per process)."""
    saved = dict(filters._CONVERTED), dict(filters._USED)
    filters._CONVERTED.clear()
    filters._USED.clear()
    filters._render.cache_clear()
    yield
    filters._CONVERTED.clear()
    filters._CONVERTED.update(saved[0])
    filters._USED.clear()
    filters._USED.update(saved[1])
    filters._render.cache_clear()


def pages(portfolio) -> dict[str, str]:
    return {path: page.content for path, page in render_site(portfolio).pages.items()}


def test_pages_are_the_same_with_the_cache_and_only_used_texts_are_kept(tmp_path, fresh):
    portfolio, _ = check(EXAMPLE)
    with text_cache.kept(tmp_path):
        first = pages(portfolio)
    stored = json.loads((tmp_path / "converted.json").read_text(encoding="utf-8"))
    assert stored["version"] == text_cache.VERSION
    assert "b" + portfolio.journeys["make-a-claim"].description.strip() in stored["texts"]
    filters._CONVERTED.clear()
    filters._render.cache_clear()
    stored["texts"]["bno longer in the portfolio"] = "<p>old</p>"
    (tmp_path / "converted.json").write_text(json.dumps(stored), encoding="utf-8")
    with text_cache.kept(tmp_path):
        assert len(filters._CONVERTED) == len(stored["texts"])
        second = pages(portfolio)
    assert second == first
    again = json.loads((tmp_path / "converted.json").read_text(encoding="utf-8"))
    assert "bno longer in the portfolio" not in again["texts"] and len(again["texts"]) == len(stored["texts"]) - 1


def test_a_planted_entry_is_still_sanitised(tmp_path, fresh):
    portfolio, _ = check(EXAMPLE)
    description = portfolio.journeys["make-a-claim"].description.strip()
    planted = {"version": text_cache.VERSION,
               "texts": {"b" + description: '<p>Planted<script>alert(1)</script><a href="javascript:alert(2)" '
                                             'onclick="alert(3)">x</a></p>'}}
    (tmp_path / "converted.json").write_text(json.dumps(planted), encoding="utf-8")
    with text_cache.kept(tmp_path):
        page = pages(portfolio)["journeys/make-a-claim/index.md"]
    assert "Planted" in page  # the entry was used...
    assert "<script" not in page and "javascript:" not in page and "onclick" not in page  # ...and sanitised


@pytest.mark.parametrize("content", ["not json", '{"version": "other", "texts": {}}', '{"version": 1}', "[]"])
def test_a_stale_or_damaged_cache_is_ignored(tmp_path, fresh, content):
    (tmp_path / "converted.json").write_text(content, encoding="utf-8")
    assert text_cache.load(tmp_path) == 0
