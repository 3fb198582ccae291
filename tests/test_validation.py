"""Every kind of portfolio error, with the exact file, line, column, message and hint it produces."""

from __future__ import annotations

import os

import pytest
from conftest import CATALOGUE, JOURNEY

from generator.load.check import check


def errors(root) -> list[str]:
    """The report as `journeys check` prints it, paths relative to the portfolio's parent."""
    cwd = os.getcwd()
    os.chdir(root.parent)
    try:
        _, report = check(root.name)
    finally:
        os.chdir(cwd)
    return [d.text() for d in report.sorted()]


def journey(**replace: str) -> str:
    text = JOURNEY
    for old, new in replace.items():
        assert old.replace("_", " ") in text or old in text
        text = text.replace(old.replace("__", ": "), new)
    return text


def test_the_tiny_portfolio_is_valid(portfolio):
    assert errors(portfolio()) == []


def test_duplicate_key(portfolio):
    root = portfolio({"maps/buy.yaml": JOURNEY.replace("lifecycle: live\n", "lifecycle: live\nlifecycle: draft\n")})
    assert errors(root) == [
        "journeys/maps/buy.yaml:4:1: error: duplicate key 'lifecycle' (first written at line 3) "
        "[remove one of the two; YAML keeps only the last, silently]"
    ]


def test_unknown_key_with_did_you_mean(portfolio):
    root = portfolio({"maps/buy.yaml": JOURNEY.replace("personas: [pat]", "persona: [pat]")})
    assert errors(root) == ["journeys/maps/buy.yaml:7:1: error: unknown key 'persona' [did you mean 'personas'?]"]


def test_unknown_key_without_close_match_lists_allowed_keys(portfolio):
    root = portfolio({"maps/buy.yaml": JOURNEY.replace("  person: Ann\n", "  person: Ann\n  zzz: 1\n")})
    assert errors(root) == [
        "journeys/maps/buy.yaml:6:3: error: owner: unknown key 'zzz' [allowed keys: person, department]"
    ]


def test_missing_required_key_points_at_the_mapping(portfolio):
    root = portfolio({"maps/buy.yaml": JOURNEY.replace("        name: Pay\n", "")})
    assert errors(root) == [
        "journeys/maps/buy.yaml:28:9: error: phases[1].steps[0]: missing required key 'name' "
        "[add `name:` (The step, in the person's words, e.g. `Compare plans`.)]"
    ]


def test_enum_value_with_did_you_mean(portfolio):
    root = portfolio({"maps/buy.yaml": JOURNEY.replace("lifecycle: live", "lifecycle: lvie")})
    assert errors(root) == [
        "journeys/maps/buy.yaml:3:12: error: lifecycle: expected one of 'draft', 'live', 'retired', got 'lvie' "
        "[did you mean 'live'?]"
    ]


def test_number_out_of_range(portfolio):
    root = portfolio({"maps/buy.yaml": JOURNEY.replace("emotion: 4", "emotion: 7")})
    assert errors(root) == [
        "journeys/maps/buy.yaml:16:18: error: phases[0].steps[0].emotion: expected less than or equal to 5, got 7"
    ]


def test_bad_id_suggests_a_slug(portfolio):
    root = portfolio({"maps/buy.yaml": JOURNEY.replace("id: browse", "id: Browse Shop")})
    assert errors(root) == [
        "journeys/maps/buy.yaml:13:13: error: phases[0].steps[0].id: expected an id of lowercase letters, digits "
        "and dashes, got 'Browse Shop' [write 'browse-shop']"
    ]


def test_bad_journey_file_name(portfolio):
    root = portfolio({"maps/Buy Now.yaml": JOURNEY.replace("[faster]", "[]")})
    assert errors(root) == [
        "journeys/maps/Buy Now.yaml:1:1: error: the file name 'Buy Now.yaml' is not a valid journey id "
        "[rename it to 'buy-now.yaml': lowercase letters, digits and dashes]"
    ]


def test_unknown_references_with_did_you_mean(portfolio):
    text = (
        JOURNEY.replace("personas: [pat]", "personas: [patt]")
        .replace("channel: web", "channel: webb")
        .replace("opportunities: [faster]", "opportunities: [faster, zebra]")
    )
    assert errors(portfolio({"maps/buy.yaml": text})) == [
        "journeys/maps/buy.yaml:7:12: error: personas[0]: unknown persona 'patt' "
        "[did you mean 'pat'?; or define it in a catalogue file under `personas:`]",
        "journeys/maps/buy.yaml:19:22: error: phases[0].steps[0].touchpoints[0].channel: unknown channel 'webb' "
        "[did you mean 'web'?; or define it in a catalogue file under `channels:`]",
        "journeys/maps/buy.yaml:24:33: error: phases[0].steps[1].opportunities[1]: unknown opportunity 'zebra' "
        "[known: 'faster'; or define it in a catalogue file under `opportunities:`]",
    ]


def test_catalogue_references(portfolio):
    text = CATALOGUE.replace("owner: support", "owner: suport").replace("insights: [slow]", "insights: [slwo]")
    assert errors(portfolio({"catalogue.yaml": text})) == [
        "journeys/catalogue.yaml:33:16: error: opportunities.faster.insights[0]: unknown insight 'slwo' "
        "[did you mean 'slow'?; or define it in a catalogue file under `insights:`]",
        "journeys/catalogue.yaml:37:12: error: solutions.bot.owner: unknown department 'suport' "
        "[did you mean 'support'?; or define it in a catalogue file under `departments:`]",
    ]


def test_ids_unique_across_catalogue_files(portfolio):
    root = portfolio({"more.yaml": "departments:\n  other:\n    name: Other\n  sales:\n    name: Sales again\n"})
    assert errors(root) == [
        "journeys/more.yaml:4:3: error: departments.sales: duplicate id 'sales' in departments "
        "(first defined at journeys/catalogue.yaml:7) [ids must be unique across the portfolio: rename or remove one]"
    ]


def test_duplicate_step_and_phase_ids(portfolio):
    text = JOURNEY.replace("id: pay", "id: browse").replace("id: buy", "id: look")
    assert errors(portfolio({"maps/buy.yaml": text})) == [
        "journeys/maps/buy.yaml:25:9: error: phases[1].id: duplicate phase id 'look' (also phases[0]) "
        "[phase ids must be unique within the journey: rename one]",
        "journeys/maps/buy.yaml:28:13: error: phases[1].steps[0].id: duplicate step id 'browse' "
        "(also phases[0].steps[0]) [step ids must be unique within the journey: rename one]",
    ]


def _linked(title: str, extra: str) -> str:
    return (
        f"title: {title}\ndescription: d\nowner: {{person: A, department: sales}}\n{extra}"
        "phases:\n  - id: p\n    name: P\n    steps:\n      - id: s\n        name: S\n        owner: sales\n"
    )


def test_next_cycle_is_reported_once(portfolio):
    root = portfolio(
        {
            "maps/a.yaml": _linked("A", "next: b\n"),
            "maps/b.yaml": _linked("B", "next: c\n"),
            "maps/c.yaml": _linked("C", "next: a\n"),
        }
    )
    assert errors(root) == [
        "journeys/maps/a.yaml:4:7: error: next: next links form a cycle: a -> b -> c -> a "
        "[remove or change one `next:` so the chain ends]"
    ]


def test_parent_links_cycle_and_unknown_parent_step(portfolio):
    root = portfolio(
        {
            "maps/a.yaml": _linked("A", "parent: {journey: b, step: s}\n"),
            "maps/b.yaml": _linked("B", "parent: {journey: a, step: s}\n"),
            "maps/c.yaml": _linked("C", "parent: {journey: a, step: x}\n"),
        }
    )
    assert errors(root) == [
        "journeys/maps/a.yaml:4:19: error: parent.journey: parent links form a cycle: a -> b -> a "
        "[remove or change one `parent:` so the chain ends]",
        "journeys/maps/c.yaml:4:28: error: parent.step: journey 'a' has no step 'x' [known: 's']",
    ]


def test_yaml_syntax_error(portfolio):
    root = portfolio({"maps/buy.yaml": "title: I buy\ndescription: [unclosed\nowner: x\n"})
    [line] = errors(root)
    assert line.startswith("journeys/maps/buy.yaml:3:")
    assert ": error: invalid YAML: " in line


def test_tab_indentation(portfolio):
    root = portfolio({"maps/buy.yaml": "title: I buy\nowner:\n\tperson: Ann\n"})
    assert errors(root) == [
        "journeys/maps/buy.yaml:3:1: error: invalid YAML: a tab character where YAML expects spaces "
        "[YAML indents with spaces, never tabs: replace the tab with spaces]"
    ]


def test_non_utf8_bytes(portfolio):
    root = portfolio()
    (root / "maps" / "buy.yaml").write_bytes(JOURNEY.encode().replace(b"Ann", b"Ann\xe9"))
    assert errors(root) == [
        "journeys/maps/buy.yaml:5:14: error: the byte 0xe9 is not valid UTF-8 [save the file as UTF-8]"
    ]


def test_empty_file(portfolio):
    assert errors(portfolio({"maps/buy.yaml": "# nothing yet\n"})) == [
        "journeys/maps/buy.yaml:1:1: error: the file is empty [add the file's content, or delete the file]",
    ]


def test_bad_date(portfolio):
    text = CATALOGUE.replace(
        "statement: People wait too long.", "statement: People wait too long.\n    date: 2024-13-01"
    )
    assert errors(portfolio({"catalogue.yaml": text})) == [
        "journeys/catalogue.yaml:27:11: error: insights.slow.date: expected a valid date or datetime, month value "
        "is outside expected range of 1-12, got '2024-13-01' [write the date as YYYY-MM-DD]"
    ]


def test_metric_warning_on_the_wrong_side_of_target(portfolio):
    text = CATALOGUE.replace("warning: 10", "warning: 50")
    assert errors(portfolio({"catalogue.yaml": text})) == [
        "journeys/catalogue.yaml:23:14: error: metrics.nps.warning: expected at most the target (30) for a "
        "higher-is-better metric, got 50"
    ]


def test_governance_warnings(portfolio):
    text = JOURNEY.replace("metrics: [nps]\n", "").replace(
        "        owner: sales\n        emotion: 4\n", "        emotion: 4\n"
    )
    text = text.replace("            department: sales\n", "")
    assert errors(portfolio({"maps/buy.yaml": text})) == [
        "journeys/maps/buy.yaml:3:12: warning: lifecycle: live journey 'buy' has no metric "
        "[add `metrics:` to the journey or to one of its steps; what is live should be measured]",
        "journeys/maps/buy.yaml:12:9: warning: phases[0].steps[0]: step 'browse' has no owning department "
        "[add `owner: <department-id>` to the step, or a department to one of its touchpoints]",
    ]


@pytest.mark.parametrize("text", ["- a list\n", "just text\n", "42\n"])
def test_a_journey_file_that_is_not_a_mapping(portfolio, text):
    [line] = [e for e in errors(portfolio({"maps/buy.yaml": text})) if "error" in e]
    assert line.startswith(
        "journeys/maps/buy.yaml:1:1: error: expected a journey mapping (title, description, phases...)"
    )


def test_step_personas_must_exist(portfolio):
    root = portfolio(
        {
            "maps/buy.yaml": JOURNEY.replace(
                "        emotion: 4\n", "        emotion: 4\n        personas: [pat, patt]\n"
            )
        }
    )
    assert errors(root) == [
        "journeys/maps/buy.yaml:17:25: error: phases[0].steps[0].personas[1]: unknown persona 'patt' "
        "[did you mean 'pat'?; or define it in a catalogue file under `personas:`]"
    ]


def test_schema_errors_and_reference_errors_of_one_file_come_together(portfolio):
    text = JOURNEY.replace("lifecycle: live", "lifecycle: lvie").replace(
        "department: sales\npersonas", "department: sale\npersonas"
    )
    assert errors(portfolio({"maps/buy.yaml": text})) == [
        "journeys/maps/buy.yaml:3:12: error: lifecycle: expected one of 'draft', 'live', 'retired', got 'lvie' "
        "[did you mean 'live'?]",
        "journeys/maps/buy.yaml:6:15: error: owner.department: unknown department 'sale' "
        "[did you mean 'sales'?; or define it in a catalogue file under `departments:`]",
    ]


def test_an_owner_in_the_wrong_shape_names_the_keys_and_the_id_it_likely_meant(portfolio):
    """A journey's owner is `{person, department}`; a step's is one department id: each written as the other
    gets the keys it takes and a did-you-mean built from what was written."""
    text = (
        JOURNEY.replace("owner:\n  person: Ann\n  department: sales\n", "owner: sales\n")
        .replace("        owner: sales\n        emotion: 4\n", "        owner: {person: Ann, departmnt: sales}\n")
        .replace("        owner: support\n", "        owner:\n          name: Bob\n")
    )
    root = portfolio({"maps/buy.yaml": text})
    assert errors(root) == [
        "journeys/maps/buy.yaml:4:8: error: owner: expected a mapping with the keys person, department, got 'sales' "
        "[did you mean `owner: {person: ..., department: sales}`? Write each key on its own line under `owner:`]",
        "journeys/maps/buy.yaml:13:16: error: phases[0].steps[0].owner: expected a department id, got a mapping "
        "[did you mean `owner: sales`? (`owner:` with `person:` and `department:` is a journey's owner)]",
        "journeys/maps/buy.yaml:21:11: error: phases[0].steps[1].owner: expected a department id, got a mapping "
        "[write one department id, e.g. `owner: my-department` (`owner:` with `person:` and `department:` is a "
        "journey's owner)]",
    ]
