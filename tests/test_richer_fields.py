"""Pain points with severity, verbatims, as-is/to-be pairs, custom lanes and delivery links: each validated
with the exact file, line, column, message and hint."""

from __future__ import annotations

from conftest import CATALOGUE, JOURNEY
from test_validation import errors

LANES = "lanes:\n  rules:\n    name: Regulation\n    kind: list\n    after: pain_points\n  note:\n    name: Note\n"


def _step(extra: str) -> str:
    return JOURNEY.replace("        emotion: 4\n", "        emotion: 4\n" + extra)


def _linked(title: str, extra: str) -> str:
    return (
        f"title: {title}\ndescription: d\nowner: {{person: A, department: sales}}\n{extra}"
        "phases:\n  - id: p\n    name: P\n    steps:\n      - id: s\n        name: S\n        owner: sales\n"
    )


def test_all_new_fields_valid(portfolio):
    root = portfolio(
        {
            "catalogue.yaml": CATALOGUE.replace(
                "    insights: [slow]\n",
                "    insights: [slow]\n    links:\n      - url: https://x.example/A-1\n        kind: jira\n",
            )
            + LANES,
            "maps/buy.yaml": _step(
                "        pain_points:\n          - Slow page\n          - text: No price\n"
                "            severity: 4\n            evidence: 4 of 5 interviews\n            insight: slow\n"
                "        verbatims:\n          - quote: I gave up.\n            persona: pat\n"
                "            source: interview\n            date: 2026-03-01\n"
                "        lanes:\n          rules: [one, two]\n          note: Some text\n"
            ),
        }
    )
    assert errors(root) == []


def test_pain_point_and_verbatim_schema_errors(portfolio):
    root = portfolio(
        {
            "maps/buy.yaml": _step(
                "        pain_points:\n          - text: No price\n            severity: 6\n          - [a list]\n"
                "        verbatims:\n          - quote: I gave up.\n            date: 2026-13-01\n          - persona: pat\n"
            )
        }
    )
    assert errors(root) == [
        "journeys/maps/buy.yaml:19:23: error: phases[0].steps[0].pain_points[0].severity: "
        "expected less than or equal to 5, got 6",
        "journeys/maps/buy.yaml:20:13: error: phases[0].steps[0].pain_points[1]: "
        "expected text, or a mapping with `text:` and `severity:`, got list",
        "journeys/maps/buy.yaml:23:19: error: phases[0].steps[0].verbatims[0].date: expected a valid date or "
        "datetime, month value is outside expected range of 1-12, got '2026-13-01' [write the date as YYYY-MM-DD]",
        "journeys/maps/buy.yaml:24:13: error: phases[0].steps[0].verbatims[1]: missing required key 'quote' "
        "[add `quote:` (The words as said or written, without quotation marks.)]",
    ]


def test_references_in_pain_points_verbatims_and_lanes(portfolio):
    root = portfolio(
        {
            "catalogue.yaml": CATALOGUE + LANES,
            "maps/buy.yaml": _step(
                "        pain_points:\n          - text: No price\n            insight: slwo\n"
                "        verbatims:\n          - quote: I gave up.\n            persona: patt\n"
                "        lanes:\n          rule: [one]\n          note: [a, b]\n          rules: one\n"
            ),
        }
    )
    assert errors(root) == [
        "journeys/maps/buy.yaml:19:22: error: phases[0].steps[0].pain_points[0].insight: unknown insight 'slwo' "
        "[did you mean 'slow'?; or define it in a catalogue file under `insights:`]",
        "journeys/maps/buy.yaml:22:22: error: phases[0].steps[0].verbatims[0].persona: unknown persona 'patt' "
        "[did you mean 'pat'?; or define it in a catalogue file under `personas:`]",
        "journeys/maps/buy.yaml:24:11: error: phases[0].steps[0].lanes.rule: unknown lane 'rule' "
        "[did you mean 'rules'?; or declare it in a catalogue file under `lanes:`]",
        "journeys/maps/buy.yaml:25:17: error: phases[0].steps[0].lanes.note: lane 'note' is a text lane, got a list "
        "[write one paragraph of text, or declare the lane with `kind: list`]",
        "journeys/maps/buy.yaml:26:18: error: phases[0].steps[0].lanes.rules: lane 'rules' is a list lane, got text "
        "[write a list, one `- item` per line]",
    ]


def test_lane_declarations(portfolio):
    root = portfolio(
        {
            "catalogue.yaml": CATALOGUE + "lanes:\n  does:\n    name: D\n  law:\n    name: Law\n"
            "    kind: table\n    after: pains\n",
            "maps/buy.yaml": _step("        lanes:\n          any: x\n"),
        }
    )
    assert errors(root) == [
        "journeys/catalogue.yaml:40:3: error: lanes.does: lane id 'does' is the name of a built-in field "
        "[choose another id, e.g. `does-notes`]",
        "journeys/catalogue.yaml:44:11: error: lanes.law.kind: expected one of 'text', 'list', got 'table' "
        "[use one of the values listed]",
        "journeys/catalogue.yaml:45:12: error: lanes.law.after: expected one of 'description', 'does', 'thinks', "
        "'feels', 'emotion', 'touchpoints', 'owner', 'pain_points', 'highlights', 'moment_of_truth', 'backstage', "
        "'systems', 'insights', 'opportunities', 'solutions', 'metrics', 'health', got 'pains' "
        "[did you mean 'pain_points'?]",
        "journeys/maps/buy.yaml:18:11: error: phases[0].steps[0].lanes.any: unknown lane 'any' "
        "[known: 'does'; or declare it in a catalogue file under `lanes:`]",
    ]


def test_links_accept_only_web_addresses(portfolio):
    links = (
        "    links:\n      - url: javascript:alert(1)\n        kind: jira\n"
        "      - url: https://x.atlassian.net/browse/A-1\n        kind: jiar\n"
        "      - {url: ftp://x, title: t}\n      - url: ' https://x.example'\n"
    )
    root = portfolio({"catalogue.yaml": CATALOGUE.replace("    insights: [slow]\n", "    insights: [slow]\n" + links)})
    assert errors(root) == [
        "journeys/catalogue.yaml:35:14: error: opportunities.faster.links[0].url: "
        "expected a web address starting with https:// or http://, got 'javascript:alert(1)'",
        "journeys/catalogue.yaml:38:15: error: opportunities.faster.links[1].kind: expected one of 'jira', "
        "'azure-devops', 'github', 'linear', 'other', got 'jiar' [did you mean 'jira'?]",
        "journeys/catalogue.yaml:39:15: error: opportunities.faster.links[2].url: "
        "expected a web address starting with https:// or http://, got 'ftp://x'",
        "journeys/catalogue.yaml:40:14: error: opportunities.faster.links[3].url: "
        "expected a web address starting with https:// or http://, got ' https://x.example'",
    ]


def test_replaces_pairs_a_to_be_journey_with_an_as_is_one(portfolio):
    root = portfolio(
        {
            "maps/a.yaml": _linked("A", "status: to-be\nreplaces: b\n"),
            "maps/b.yaml": _linked("B", "status: to-be\nreplaces: a\n"),
            "maps/c.yaml": _linked("C", "replaces: d\n"),
            "maps/d.yaml": _linked("D", ""),
            "maps/e.yaml": _linked("E", "status: to-be\nreplaces: e\n"),
            "maps/f.yaml": _linked("F", "status: to-be\nreplaces: d\n"),
            "maps/g.yaml": _linked("G", "status: to-be\nreplaces: d\n"),
            "maps/h.yaml": _linked("H", "status: to-be\nreplaces: dd\n"),
        }
    )
    assert errors(root) == [
        "journeys/maps/a.yaml:5:11: error: replaces: journey 'b' is 'to-be', not as-is "
        "[a to-be journey replaces an as-is journey: point `replaces:` at one]",
        "journeys/maps/a.yaml:5:11: error: replaces: replaces links form a cycle: a -> b -> a "
        "[remove or change one `replaces:` so the chain ends]",
        "journeys/maps/b.yaml:5:11: error: replaces: journey 'a' is 'to-be', not as-is "
        "[a to-be journey replaces an as-is journey: point `replaces:` at one]",
        "journeys/maps/c.yaml:4:11: error: replaces: journey 'c' replaces 'd' but its status is 'as-is' "
        "[only a to-be journey replaces another: set `status: to-be`, or remove `replaces:`]",
        "journeys/maps/e.yaml:5:11: error: replaces: journey 'e' names itself as the journey it replaces "
        "[point `replaces:` at the as-is journey this to-be journey replaces, or remove it]",
        "journeys/maps/g.yaml:5:11: error: replaces: journey 'd' is already replaced by 'f' "
        "[an as-is journey has one to-be journey: remove one `replaces:`]",
        "journeys/maps/h.yaml:5:11: error: replaces: unknown journey 'dd' "
        "[did you mean 'd'?; or define it in a journey file in maps/]",
    ]
