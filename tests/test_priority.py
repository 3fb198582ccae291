"""Step priority (`metrics/priority.py`): the documented formula, its ties, and the order of the department,
persona and needs-attention roll-ups that use it."""

from __future__ import annotations

import re

from conftest import JOURNEY

from generator.load.check import check
from generator.metrics.health import Health
from generator.metrics.priority import Priority, by_priority, step_priority
from generator.model.entities import Step
from generator.model.ids import JourneyId, StepId
from generator.site.render import Extras, render_site
from generator.site.rollups import priority_steps, ranked_steps
from generator.site.standing import Badge, Standings


def _step(**fields) -> Step:
    return Step.model_validate({"id": "s", "name": "S", **fields})


def test_formula_sums_severities_moment_of_truth_and_health():
    rated = _step(pain_points=[{"text": "a", "severity": 5}, "unrated counts three", {"text": "b", "severity": 1}])
    assert step_priority(rated) == Priority(pain=9)
    assert step_priority(rated).score == 9
    assert step_priority(rated, Health.on_target).score == 9
    assert step_priority(rated, Health.no_data).score == 9
    assert step_priority(rated, Health.at_risk).score == 12
    assert step_priority(rated, Health.off_target).score == 14
    mot = _step(moment_of_truth=True)
    assert step_priority(mot, Health.off_target) == Priority(pain=0, moment_of_truth=5, health=5)
    assert step_priority(_step()).score == 0
    assert step_priority(rated, Health.off_target).explained() == "priority 14: pain points 9 + off target 5"
    assert (
        step_priority(_step(moment_of_truth=True, pain_points=["x"]), Health.at_risk).explained()
        == "priority 11: pain points 3 + moment of truth 5 + at risk 3"
    )


def test_ties_keep_the_given_order():
    steps = {
        "a": _step(pain_points=["x"]),  # 3
        "b": _step(moment_of_truth=True),  # 5
        "c": _step(pain_points=[{"text": "y", "severity": 3}]),  # 3: ties with a, after it
        "d": _step(),  # 0
        "e": _step(pain_points=[{"text": "z", "severity": 1}]),  # 1, but off target: 6
    }
    health = {"e": Health.off_target}
    ranked = by_priority(steps, lambda k: step_priority(steps[k], health.get(k, Health.no_data)))
    assert [(k, p.score) for k, p in ranked] == [("e", 6), ("b", 5), ("a", 3), ("c", 3), ("d", 0)]
    again = by_priority(list(steps)[::-1], lambda k: step_priority(steps[k], health.get(k, Health.no_data)))
    assert [k for k, _ in again] == ["e", "b", "c", "a", "d"]


def _portfolio(portfolio):
    """The tiny journey, its steps given pain points: browse 4+3 = 7, ask 5 (moment of truth), pay 2."""
    text = (
        JOURNEY.replace(
            "        emotion: 4\n",
            "        emotion: 4\n        pain_points:\n          - text: Slow pages\n            severity: 4\n"
            "          - The search finds nothing\n",
        )
        .replace(
            "        opportunities: [faster]\n", "        opportunities: [faster]\n        moment_of_truth: true\n"
        )
        .replace(
            "      - id: pay\n        name: Pay\n        owner: sales\n",
            "      - id: pay\n        name: Pay\n        owner: sales\n        pain_points:\n"
            "          - text: Card refused\n            severity: 2\n",
        )
    )
    p, report = check(portfolio({"maps/buy.yaml": text}))
    assert not report.errors, [d.text() for d in report.errors]
    return p


def _standings(**health: Health) -> Standings:
    return Standings(steps={StepId(JourneyId("buy"), sid): Badge(h) for sid, h in health.items()})


def test_roll_ups_order_by_priority(portfolio):
    p = _portfolio(portfolio)
    steps = [("buy", s) for s in p.journeys["buy"].steps()]
    without = _standings()
    assert [(s.id, pr.score) for _, s, pr in ranked_steps(without, steps)] == [("browse", 7), ("ask", 5), ("pay", 2)]
    # the payment step off target (2 + 5) ties with browse (7) and stays after it; at risk, ask rises above browse
    health = _standings(pay=Health.off_target, ask=Health.at_risk)
    assert [(s.id, pr.score) for _, s, pr in priority_steps(p, health)] == [("ask", 8), ("browse", 7), ("pay", 7)]
    assert [s.id for _, s, _ in priority_steps(p, health, n=1)] == ["ask"]


def _rows(page: str, heading: str) -> list[tuple[str, str]]:
    """(the priority's explanation, the next cell's text) of each row of the table under `heading`, a Markdown
    table or finished HTML."""
    section = page.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    markdown = re.findall(r'^\| <span class="jm-priority" title="([^"]+)">\d+</span> \| ([^|]+?) \|', section, re.M)
    html = re.findall(r'<span class="jm-priority" title="([^"]+)">\d+</span></td>\n<td[^>]*>(.*?)</td>', section, re.S)
    return [(title, re.sub(r"<[^>]+>|\]\(.*|^\[", "", cell)) for title, cell in markdown + html]


def test_pages_list_steps_by_priority(portfolio):
    p = _portfolio(portfolio)
    site = render_site(p, extras=Extras(standings=_standings(pay=Health.off_target, ask=Health.at_risk)))
    sales = site.pages["departments/sales.md"].content
    # sales owns browse (7) and pay (2 + off target 5 = 7): a tie, in journey order
    assert _rows(sales, "Steps owned") == [
        ("priority 7: pain points 7", "I buy a thing"),
        ("priority 7: pain points 2 + off target 5", "I buy a thing"),
    ]
    assert sales.index("#step-browse") < sales.index("#step-pay")
    persona = site.pages["personas/pat.md"].content
    pains = persona.split("## Pain points across their journeys\n", 1)[1].split("\n## ", 1)[0]
    # step by step in priority order, the most severe pain point of a step first
    assert [pains.index(t) for t in ("Slow pages", "The search finds nothing", "Card refused")] == sorted(
        pains.index(t) for t in ("Slow pages", "The search finds nothing", "Card refused")
    )
    assert [t for t, _ in _rows(persona, "Pain points across their journeys")] == [
        "priority 7: pain points 7",
        "priority 7: pain points 7",
        "priority 7: pain points 2 + off target 5",
    ]
    attention = site.pages["attention.md"].content
    assert [t for t, _ in _rows(attention, "Steps to fix first")] == [
        "priority 8: pain points 0 + moment of truth 5 + at risk 3",
        "priority 7: pain points 7",
        "priority 7: pain points 2 + off target 5",
    ]
