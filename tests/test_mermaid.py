"""`journeys import mermaid` / `journeys export mermaid`: the examples of Mermaid's own docs round-trip."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import CATALOGUE, JOURNEY, ROOT, run_cli

from generator.authoring.mermaid import normalise, parse

FIXTURES = ROOT / "tests" / "fixtures" / "mermaid"
DOC_EXAMPLES = ["user-journey.mmd", "accessibility.mmd", "userJourney.md"]

PEOPLE = """\
personas:
  me:
    name: Me
  cat:
    name: Cat
"""

IMPORTED = """\
# yaml-language-server: $schema=../../schemas/journey.schema.json
# Imported from the Mermaid journey diagram user-journey.mmd by `journeys import mermaid`.
title: My working day
description: 'Imported from user-journey.mmd: say what the journey covers, in a sentence or two.'
lifecycle: draft
# Who is accountable for the journey: replace the placeholders.
owner:
  person: To be assigned
  department: support
personas: [me, cat]
phases:
  - id: go-to-work
    name: Go to work
    steps:
      - id: make-tea
        name: Make tea
        emotion: 5
        personas: [me]
      - id: go-upstairs
        name: Go upstairs
        emotion: 3
        personas: [me]
      - id: do-work
        name: Do work
        emotion: 1
  - id: go-home
    name: Go home
    steps:
      - id: go-downstairs
        name: Go downstairs
        emotion: 5
        personas: [me]
      - id: sit-down
        name: Sit down
        emotion: 5
        personas: [me]
"""


@pytest.fixture
def project(portfolio, tmp_path):
    portfolio({"people.yaml": PEOPLE})
    shutil.copytree(FIXTURES, tmp_path / "diagrams")
    return tmp_path


def test_import_writes_the_expected_journey_file(project):
    result = run_cli("import", "mermaid", "diagrams/user-journey.mmd", "--department", "support", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "wrote journeys/maps/my-working-day.yaml: 2 phases, 5 steps\nuses the existing personas: cat (Cat), me (Me)\n"
    )
    assert (project / "journeys/maps/my-working-day.yaml").read_text(encoding="utf-8") == IMPORTED


@pytest.mark.parametrize("name", DOC_EXAMPLES)
def test_doc_examples_round_trip_and_pass_check(project, name):
    result = run_cli(
        "import", "mermaid", f"diagrams/{name}", "--id", "working-day", "--department", "support", cwd=project
    )
    assert result.returncode == 0, result.stdout + result.stderr
    check = run_cli("check", cwd=project)
    assert check.returncode == 0, check.stdout
    # imported steps have no owner: governance warnings, not errors
    assert check.stdout.splitlines()[-1] == "✓ 2 journeys, 8 steps: 0 errors, 5 warnings"
    exported = run_cli("export", "mermaid", "working-day", cwd=project)
    assert exported.returncode == 0, exported.stderr
    original = (FIXTURES / name).read_text(encoding="utf-8")
    assert normalise(exported.stdout) == normalise(original)
    assert normalise(original) == [
        "journey",
        "title My working day",
        "section Go to work",
        "Make tea: 5: Me",
        "Go upstairs: 3: Me",
        "Do work: 1: Me, Cat",
        "section Go home",
        "Go downstairs: 5: Me",
        "Sit down: 5: Me",
    ]
    # exporting what was imported from the export changes nothing
    (project / "again.mmd").write_text(exported.stdout, encoding="utf-8")
    assert (
        run_cli("import", "mermaid", "again.mmd", "--id", "again", "--department", "support", cwd=project).returncode
        == 0
    )
    again = run_cli("export", "mermaid", "again", cwd=project)
    assert again.stdout == exported.stdout


def test_export_text_keeps_the_description_for_screen_readers(project):
    run_cli("import", "mermaid", "diagrams/accessibility.mmd", "--department", "support", cwd=project)
    result = run_cli("export", "mermaid", "my-working-day", cwd=project)
    assert result.stdout == (
        "journey\n"
        "    title My working day\n"
        "    accDescr: My User Journey Diagram Description\n"
        "    section Go to work\n"
        "      Make tea: 5: Me\n"
        "      Go upstairs: 3: Me\n"
        "      Do work: 1: Me, Cat\n"
        "    section Go home\n"
        "      Go downstairs: 5: Me\n"
        "      Sit down: 5: Me\n"
    )


def test_import_adds_the_personas_it_needs_and_leaves_a_valid_portfolio(portfolio, tmp_path):
    portfolio()
    catalogue = (tmp_path / "journeys/catalogue.yaml").read_text(encoding="utf-8")
    shutil.copy(FIXTURES / "accessibility.mmd", tmp_path / "a.mmd")
    # two departments: the command cannot guess which one owns the journey, and writes nothing
    result = run_cli("import", "mermaid", "a.mmd", "--id", "day", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "journeys import: error: which department owns the journey? [pass --department ID: known: 'sales', 'support']\n"
    )
    result = run_cli("import", "mermaid", "a.mmd", "--id", "day", "--department", "suport", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "journeys import: error: unknown department 'suport' [did you mean 'support'?]\n"
    assert not (tmp_path / "journeys/maps/day.yaml").exists()
    result = run_cli("import", "mermaid", "a.mmd", "--id", "day", "--department", "support", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == (
        "wrote journeys/maps/day.yaml: 2 phases, 5 steps\n"
        "added 2 personas to journeys/catalogue.yaml: me (Me), cat (Cat)\n"
        "note: accTitle 'My User Journey Diagram' is not kept: the site titles the journey by its title\n"
    )
    # the personas are added at the end of the persona catalogue, every other line as it was
    after = (tmp_path / "journeys/catalogue.yaml").read_text(encoding="utf-8")
    assert after == catalogue.replace(
        "    name: Pat\n",
        "    name: Pat\n"
        "  me:\n    # added by journeys import mermaid from a.mmd: say who they are\n"
        "    name: Me\n"
        "  cat:\n    # added by journeys import mermaid from a.mmd: say who they are\n"
        "    name: Cat\n",
    )
    check = run_cli("check", cwd=tmp_path)
    assert check.returncode == 0, check.stdout
    assert check.stdout.splitlines()[-1] == "✓ 2 journeys, 8 steps: 0 errors, 5 warnings"


ONE_DEPARTMENT = """\
# The only department.
departments:
  claims:
    name: Claims
channels: {}
"""

RICH = """\
%% A diagram with emoji, comments, accessibility texts and several actors per task.
journey
    accTitle: Claim journey 🌧️
    accDescr {
        A storm claim, from the first call
        to the payment.
    }
    title Storm claim 🌊 for Maya
    section Report 📞 # first contact
      Call the hotline ☎️: 2: Maya, Agent Sam
      %% a comment between tasks
      Send photos 📸: 3: maya, Assessor
    section Settle
      Get paid 💷: 5: Maya, Agent Sam, Pat
"""


def test_import_of_emoji_comments_accessibility_and_several_actors_passes_check(portfolio, tmp_path):
    portfolio(
        {
            "catalogue.yaml": CATALOGUE_WITHOUT_DEPARTMENTS,
            "org.yaml": ONE_DEPARTMENT,
            "people.yaml": "# People.\npersonas:\n  maya:\n    name: Maya, first-time buyer\n",
        },
        base=False,
    )
    (tmp_path / "storm.mmd").write_text(RICH, encoding="utf-8")
    result = run_cli("import", "mermaid", "storm.mmd", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    # `Maya` and `maya` are the persona maya (its name before the comma), `Pat` the persona pat; the others new,
    # added to the first file that defines personas; the only department owns the journey
    assert result.stdout.splitlines()[:3] == [
        "wrote journeys/maps/storm-claim-for-maya.yaml: 2 phases, 3 steps",
        "added 2 personas to journeys/catalogue.yaml: agent-sam (Agent Sam), assessor (Assessor)",
        "uses the existing personas: maya (Maya, first-time buyer), pat (Pat)",
    ]
    journey = (tmp_path / "journeys/maps/storm-claim-for-maya.yaml").read_text(encoding="utf-8")
    assert "title: Storm claim 🌊 for Maya\n" in journey
    assert "description: A storm claim, from the first call to the payment.\n" in journey
    assert "  department: claims\n" in journey
    assert "personas: [maya, agent-sam, assessor, pat]\n" in journey
    assert "      - id: call-the-hotline\n        name: Call the hotline ☎️\n" in journey
    check = run_cli("check", cwd=tmp_path)
    assert check.returncode == 0, check.stdout


def test_import_writes_nothing_when_the_portfolio_would_be_invalid(portfolio, tmp_path):
    portfolio({"maps/broken.yaml": "title: Broken\n"})
    before = sorted((p.relative_to(tmp_path), p.read_bytes()) for p in tmp_path.rglob("*") if p.is_file())
    shutil.copy(FIXTURES / "user-journey.mmd", tmp_path / "u.mmd")
    result = run_cli("import", "mermaid", "u.mmd", "--department", "sales", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == (
        "✗ not imported, nothing written: the portfolio would have 3 errors [if they are there already, fix them "
        "first: journeys check]"
    )
    assert "journeys/maps/broken.yaml:1:1: error: missing required key 'description'" in result.stdout
    after = sorted(
        (p.relative_to(tmp_path), p.read_bytes()) for p in tmp_path.rglob("*") if p.is_file() if p.name != "u.mmd"
    )
    assert after == before


CATALOGUE_WITHOUT_DEPARTMENTS = CATALOGUE.replace(
    """\
departments:
  sales:
    name: Sales
  support:
    name: Support
""",
    "",
).replace("    owner: support\n", "    owner: claims\n")


def test_export_of_tiny_journey_with_steps_without_emotion(portfolio, tmp_path):
    portfolio()
    result = run_cli("export", "mermaid", "buy", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == (
        "journey\n"
        "    title I buy a thing\n"
        "    accDescr: From first look to purchase.\n"
        "    section Look\n"
        "      Browse the shop: 4: Pat\n"
        "      %% ask: no emotion recorded, drawn as neutral (3)\n"
        "      Ask a question: 3: Pat\n"
        "    section Buy\n"
        "      %% pay: no emotion recorded, drawn as neutral (3)\n"
        "      Pay: 3: Pat\n"
    )


def test_export_unknown_journey(portfolio, tmp_path):
    portfolio()
    result = run_cli("export", "mermaid", "by", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "journeys export: error: unknown journey 'by' [did you mean 'buy'?]\n"


def test_export_refuses_an_invalid_portfolio(portfolio, tmp_path):
    portfolio({"maps/bad.yaml": "title: x\n"})
    result = run_cli("export", "mermaid", "buy", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "journeys export: error: the portfolio is invalid: fix the errors above (journeys check)"
    )


def test_import_refuses_an_existing_journey_and_a_bad_id(project):
    result = run_cli("import", "mermaid", "diagrams/user-journey.mmd", "--id", "buy", cwd=project)
    assert result.returncode == 1
    assert result.stderr == (
        "journeys import: error: journey 'buy' already exists (journeys/maps/buy.yaml) [choose another id with --id]\n"
    )
    result = run_cli("import", "mermaid", "diagrams/user-journey.mmd", "--id", "My Day", cwd=project)
    assert result.returncode == 1
    assert result.stderr == (
        "journeys import: error: 'My Day' is not a valid journey id [try 'my-day': "
        "lowercase letters, digits and dashes]\n"
    )
    assert sorted(p.name for p in (project / "journeys/maps").iterdir()) == ["buy.yaml"]


def test_import_missing_file_is_a_usage_error(project):
    result = run_cli("import", "mermaid", "nope.mmd", cwd=project)
    assert result.returncode == 2
    assert result.stderr == "journeys import: error: cannot read 'nope.mmd': No such file or directory\n"


BROKEN = """\
journey
  title Broken
  section Start
    Wake up: 0: Me
    Stretch: 6: Me
    Coffee: good: Me
  section Empty
  section Fine
    Walk; run: 3: Me
    Read
"""


def test_invalid_diagram_every_error_with_its_line(tmp_path):
    (tmp_path / "broken.mmd").write_text(BROKEN, encoding="utf-8")
    result = run_cli("import", "mermaid", "broken.mmd", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "broken.mmd:4:14: error: task 'Wake up': expected a score from 1 to 5, got '0' "
        "[write a whole number from 1 (very negative) to 5 (very positive) after the task's name]",
        "broken.mmd:5:14: error: task 'Stretch': expected a score from 1 to 5, got '6' "
        "[write a whole number from 1 (very negative) to 5 (very positive) after the task's name]",
        "broken.mmd:6:13: error: task 'Coffee': expected a score from 1 to 5, got 'good' "
        "[write a whole number from 1 (very negative) to 5 (very positive) after the task's name]",
        "broken.mmd:7:3: error: section 'Empty' has no tasks "
        "[a phase needs at least one step: add a task under the section, or remove it]",
        "broken.mmd:9:9: error: Mermaid does not allow ';' in a journey diagram "
        "[remove the ';' or write the text without it]",
        "broken.mmd:10:5: error: expected a task `Task name: score: actors`, got 'Read' "
        "[write each task as `Task name: 3: Actor`; or start a section with `section <name>`]",
        "✗ not imported: 6 errors",
    ]
    assert not (tmp_path / "journeys").exists()


def test_not_a_journey_diagram(tmp_path):
    (tmp_path / "flow.mmd").write_text("%% a flowchart\nflowchart LR\n  a --> b\n", encoding="utf-8")
    result = run_cli("import", "mermaid", "flow.mmd", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "flow.mmd:2:1: error: expected a Mermaid journey diagram starting with `journey`, got 'flowchart LR' "
        "[only `journey` diagrams can be imported: start the diagram with the line `journey`]"
    )


def test_parser_follows_mermaid_grammar():
    text = (
        "---\ntitle: From front matter\n---\n%%{init: {'theme': 'forest'}}%%\nJOURNEY\n"
        "  Section Morning # a comment\n    Wake up: 2: Me, Cat,  \n    Snooze: 1\n"
        "  accDescr {\n    A long\n    description\n  }\n  section Naïve café\n    Café au lait: 4: Me\n"
    )
    diagram, errors = parse(text, "x.mmd")
    assert errors == []
    assert diagram.title == "From front matter"
    assert diagram.acc_descr == "A long description"
    assert [(s.name, [(t.name, t.score, t.actors) for t in s.tasks]) for s in diagram.sections] == [
        ("Morning", [("Wake up", 2, ["Me", "Cat"]), ("Snooze", 1, [])]),
        ("Naïve café", [("Café au lait", 4, ["Me"])]),
    ]


def test_markdown_errors_point_at_the_markdown_line(tmp_path):
    (tmp_path / "doc.md").write_text(
        "# Doc\n\n```mermaid\njourney\n  section A\n    Task: 9: Me\n```\n", encoding="utf-8"
    )
    result = run_cli("import", "mermaid", "doc.md", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("doc.md:6:11: error: task 'Task': expected a score")


# ----------------------------------------------------------------------------- any diagram round-trips

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from generator.authoring.mermaid import to_journey, to_mermaid  # noqa: E402
from generator.authoring.yamltext import slugify  # noqa: E402
from generator.model.entities import Persona  # noqa: E402
from generator.model.portfolio import Portfolio  # noqa: E402

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDÉé0123456789'()&-", min_size=1, max_size=12)
NAME = st.lists(WORD, min_size=1, max_size=4).map(" ".join).filter(lambda s: slugify(s, "") != "")
ACTORS = st.lists(NAME, max_size=3, unique_by=lambda a: slugify(a))
# a line starting with a keyword is that keyword's statement in Mermaid's grammar, not a task
TASK = NAME.filter(lambda s: not re.match(r"(?i)(title|section)\s|acc(title|descr)", s))


@st.composite
def diagrams(draw):
    actors = draw(ACTORS)
    lines = ["journey", f"  title {draw(NAME)}"]
    for _ in range(draw(st.integers(1, 4))):
        lines.append(f"  section {draw(NAME)}")
        for _ in range(draw(st.integers(1, 4))):
            who = draw(st.lists(st.sampled_from(actors), unique=True)) if actors else []
            task = f"    {draw(TASK)}: {draw(st.integers(1, 5))}"
            lines.append(task + (f": {', '.join(who)}" if who else ""))
    return "\n".join(lines) + "\n"


@settings(max_examples=100, deadline=None)
@given(diagrams())
def test_any_diagram_round_trips(text):
    diagram, errors = parse(text, "d.mmd")
    assert errors == []
    imported = to_journey(diagram, source="d.mmd", schema="# schema", department="ops")
    portfolio = Portfolio(root=Path("."), personas={pid: Persona(name=name) for pid, name in imported.personas.items()})
    exported = to_mermaid("d", imported.journey, portfolio)
    assert normalise(exported) == normalise(text)


def test_ids_yaml_would_misread_are_quoted(project):
    (project / "odd.mmd").write_text(
        "journey\n  title Odd\n  section Yes\n    null: 3: Me\n    1: 4: Me\n", encoding="utf-8"
    )
    result = run_cli("import", "mermaid", "odd.mmd", "--department", "support", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    text = (project / "journeys/maps/odd.yaml").read_text(encoding="utf-8")
    assert "  - id: 'yes'\n" in text and "      - id: 'null'\n" in text and "      - id: '1'\n" in text
    assert run_cli("check", cwd=project).returncode == 0


def test_export_keeps_severity_verbatims_and_lanes_as_comments(portfolio, tmp_path):
    """Mermaid draws a task's name, score and actors only: the rest goes into `%%` lines under the task, one
    item a line in the spreadsheet's item syntax; `%%` inside a text (a Mermaid directive) becomes `%`."""
    lanes = "lanes:\n  rules:\n    name: Regulation\n    kind: list\n  note:\n    name: Note\n"
    step = (
        "        emotion: 4\n"
        "        pain_points:\n"
        "          - Slow page\n"
        "          - text: 'No price %%{init: {}}%%'\n"
        "            severity: 4\n"
        "            evidence: |-\n              4 of 5\n              interviews\n"
        "            insight: slow\n"
        "        verbatims:\n"
        "          - quote: I gave up; it took ages.\n"
        "            persona: pat\n"
        "            source: interview\n"
        "            date: 2026-03-01\n"
        "        lanes:\n"
        "          note: Check the price\n"
        "          rules: [ICOBS 6.1, 'Consumer Duty: price and value']\n"
    )
    portfolio({"more.yaml": lanes, "maps/buy.yaml": JOURNEY.replace("        emotion: 4\n", step)})
    result = run_cli("export", "mermaid", "buy", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[4:12] == [
        "      Browse the shop: 4: Pat",
        "      %% pain point: Slow page",
        "      %% pain point: No price %{init: {}}% | severity: 4 | evidence: 4 of 5 interviews | insight: slow",
        "      %% verbatim: I gave up; it took ages. | persona: pat | source: interview | date: 2026-03-01",
        "      %% lane rules: ICOBS 6.1",
        "      %% lane rules: Consumer Duty: price and value",
        "      %% lane note: Check the price",
        "      %% ask: no emotion recorded, drawn as neutral (3)",
    ]
    # still a diagram Mermaid (and the importer) reads: the notes are comments
    diagram, errors = parse(result.stdout, "again.mmd")
    assert errors == [] and diagram is not None
    assert [(t.name, t.score, t.actors) for s in diagram.sections for t in s.tasks] == [
        ("Browse the shop", 4, ["Pat"]),
        ("Ask a question", 3, ["Pat"]),
        ("Pay", 3, ["Pat"]),
    ]
