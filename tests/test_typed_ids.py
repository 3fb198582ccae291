"""Health, trends and latest values are keyed by the typed ids of `generator.model.ids`, never by strings
such as `"step:<journey>/<step>"`; the health and trend words come from `generator.metrics.wording` only."""

from __future__ import annotations

import re

from conftest import ROOT

from generator.metrics.health import Health, Trend
from generator.metrics.wording import health_label, health_words, trend_arrow, trend_title, trend_word
from generator.model.ids import DepartmentId, JourneyId, MetricAt, MetricId, PersonaId, StepId
from generator.site.standing import NO_DATA, Badge, Standings

GENERATOR = ROOT / "generator"
# f"step:{jid}/{sid}", "journey:" ~ jid, f"metric:{mid}@{jid}": the string keys these ids replaced
STRING_KEY = re.compile(r"""["'](?:journey|step|department|persona|metric):(?:\{|["']\s*~)""")


def _sources() -> list:
    return sorted(GENERATOR.rglob("*.py")) + sorted(GENERATOR.rglob("*.j2"))


def test_the_pattern_finds_the_old_keys():
    for old in ('put(f"step:{jid}/{sid}", group)', 'm.badge("journey:" ~ jid)', "latest[f'metric:{mid}@{jid}']"):
        assert STRING_KEY.search(old), old


def test_no_string_keys_left_in_the_generator():
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in _sources()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if STRING_KEY.search(line)
    ]
    assert found == []


def test_ids_are_values():
    assert StepId(JourneyId("buy"), "ask") == StepId(JourneyId("buy"), "ask")
    buy, sell = JourneyId("buy"), JourneyId("sell")
    assert len({StepId(buy, "ask"), StepId(buy, "ask"), StepId(sell, "ask")}) == 2
    assert sorted([StepId(JourneyId("b"), "a"), StepId(JourneyId("a"), "z")])[0].journey == "a"
    # the portfolio-wide metric and the metric in one journey are different places
    assert MetricAt(MetricId("nps")) != MetricAt(MetricId("nps"), JourneyId("buy"))


def test_standings_look_up_by_typed_id_and_default_to_no_data():
    risk, off = Badge(Health.at_risk, Trend.worse), Badge(Health.off_target)
    s = Standings(
        journeys={JourneyId("buy"): off},
        steps={StepId(JourneyId("buy"), "ask"): risk},
        departments={DepartmentId("sales"): risk},
        personas={PersonaId("pat"): off},
        metrics={MetricAt(MetricId("nps")): risk, MetricAt(MetricId("nps"), JourneyId("buy")): off},
        latest={MetricAt(MetricId("nps"), JourneyId("buy")): "42 (2026-10)"},
    )
    assert s.journey("buy") is off and s.step("buy", "ask") is risk and s.step("sell", "ask") is NO_DATA
    # a journey, a department and a persona may share an id: each has its own map
    assert s.department("sales") is risk and s.journey("sales") is NO_DATA and s.persona("pat") is off
    assert s.metric("nps") is risk and s.metric("nps", "buy") is off and s.metric("nps", "sell") is NO_DATA
    assert s.latest_at("nps", "buy") == "42 (2026-10)" and s.latest_at("nps", "sell") == "no data"
    assert s.has_data() and not Standings().has_data()
    assert NO_DATA == Badge(Health.no_data, Trend.unknown)


def test_the_words_for_each_state():
    assert [health_words(h) for h in Health] == ["on target", "at risk", "off target", "no data"]
    assert [health_label(h) for h in Health] == ["On target", "At risk", "Off target", "No data"]
    assert [(trend_arrow(t), trend_word(t)) for t in Trend] == [
        ("↑", "better"),
        ("↓", "worse"),
        ("→", "steady"),
        ("", ""),
    ]
    assert trend_title(Trend.steady) == "steady since the previous period"


def test_no_health_words_outside_the_wording_module():
    """The words are spelt out only in `metrics/wording.py` (docstrings, comments and template prose aside)."""
    quoted = re.compile(r"""["'](?:[Oo]n target|[Aa]t risk|[Oo]ff target|[Nn]o data|better than|worse than)""")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted(GENERATOR.rglob("*.py"))
        if path.name != "wording.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if quoted.search(line)
    ]
    assert found == []


def test_a_copied_template_with_an_old_string_key_gets_a_message_saying_what_to_write(tmp_path):
    import pytest

    from generator.load.check import check
    from generator.site.render import render_site

    head = '{% import "_macros.md.j2" as m with context %}\n# {{ item.name | inline }} '
    (tmp_path / "persona.md.j2").write_text(head + '{{ m.badge("persona:" ~ ident) }}\n', encoding="utf-8")
    portfolio, _ = check(ROOT / "tests" / "golden" / "buy" / "input")
    with pytest.raises(TypeError, match=r"m\.badge\(\) takes a badge such as status\.journey\(jid\).* 'persona:pat'"):
        render_site(portfolio, template_dirs=[tmp_path])
    (tmp_path / "persona.md.j2").write_text(head + "{{ m.badge(status.persona(ident)) }}\n", encoding="utf-8")
    page = render_site(portfolio, template_dirs=[tmp_path]).pages["personas/pat.md"].content
    assert page == (
        '# Pat <span class="jm-badge jm-health jm-health--no-data" title="Metric health: no data">no data</span>\n'
    )
