"""The parse cache changes nothing but speed: same portfolio, same report (positions included), and a
changed, damaged or missing cache is never trusted."""

from __future__ import annotations

import datetime as dt
import json

from conftest import JOURNEY, run_cli

from generator.load.check import check
from generator.load.parse_cache import FILE_NAME, ParseCache

BAD_REF = JOURNEY.replace("personas: [pat]", "personas: [pat, patt]")


def _texts(report):
    return [d.text() for d in report.sorted()]


def test_cached_check_gives_the_same_report_with_positions(portfolio, tmp_path):
    root = portfolio(
        {"maps/buy.yaml": BAD_REF, "more.yaml": "insights:\n  dated:\n    statement: S\n    date: 2024-02-29\n"}
    )
    cache = tmp_path / "cache"
    plain_p, plain = check(root)
    first_p, first = check(root, cache_dir=cache)
    store = json.loads((cache / FILE_NAME).read_text(encoding="utf-8"))
    assert len(store) == 3  # the catalogue, more.yaml and the journey: every file that parsed
    cached = ParseCache(cache)
    second_p, second = check(root, cache_dir=cache)
    assert _texts(plain) == _texts(first) == _texts(second)
    assert any(":7:" in t and "unknown persona 'patt'" in t for t in _texts(second))  # line of the list
    assert second_p.journeys == plain_p.journeys and second_p.insights == plain_p.insights
    assert second_p.insights["dated"].date == dt.date(2024, 2, 29)
    assert cached.get(next(iter(store))) is not None


def test_an_edited_file_is_parsed_again_and_stale_entries_dropped(portfolio, tmp_path):
    root = portfolio()
    cache = tmp_path / "cache"
    check(root, cache_dir=cache)
    before = set(json.loads((cache / FILE_NAME).read_text()))
    (root / "maps" / "buy.yaml").write_text(JOURNEY.replace("Browse the shop", "Browse the web shop"))
    p, report = check(root, cache_dir=cache)
    after = set(json.loads((cache / FILE_NAME).read_text()))
    assert p.journeys["buy"].phases[0].steps[0].name == "Browse the web shop"
    assert len(after) == 2 and len(after & before) == 1  # the catalogue kept, the old journey gone


def test_a_damaged_cache_is_ignored_and_rewritten(portfolio, tmp_path):
    root = portfolio({"maps/buy.yaml": BAD_REF})
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / FILE_NAME).write_text("{not json")
    _, report = check(root, cache_dir=cache)
    assert _texts(report) == _texts(check(root)[1])
    assert len(json.loads((cache / FILE_NAME).read_text())) == 2


def test_a_file_that_could_spell_the_date_tag_is_not_cached(portfolio, tmp_path):
    root = portfolio({"more.yaml": 'glossary:\n  odd:\n    term: "a\\0b"\n    definition: x\n'})
    cache = tmp_path / "cache"
    p, _ = check(root, cache_dir=cache)
    assert p.glossary["odd"].term == "a\0b"
    assert len(json.loads((cache / FILE_NAME).read_text())) == 2  # catalogue.yaml and the journey only
    assert check(root, cache_dir=cache)[0].glossary["odd"].term == "a\0b"


def test_yaml_errors_are_reported_every_time(portfolio, tmp_path):
    root = portfolio({"maps/buy.yaml": "title: [unclosed\n"})
    cache = tmp_path / "cache"
    first = _texts(check(root, cache_dir=cache)[1])
    assert first == _texts(check(root, cache_dir=cache)[1]) == _texts(check(root)[1])
    assert any("invalid YAML" in t for t in first)


def test_build_writes_the_cache_beside_the_charts(tmp_path):
    """`journeys generate` keeps the parse cache in the chart cache folder; a second run reads it."""
    from conftest import write_portfolio

    write_portfolio(tmp_path / "journeys")
    out = run_cli("generate", "out", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / ".cache" / "journeys" / "charts" / FILE_NAME).is_file()
    again = run_cli("generate", "out", cwd=tmp_path)
    assert again.returncode == 0 and "0 written" in again.stdout
