"""Mermaid `journey` diagrams in and out: `journeys import mermaid` and `journeys export mermaid`.

Mermaid's user-journey syntax (https://mermaid.js.org/syntax/userJourney.html) is a title, sections and
tasks written `Task name: score: Actor 1, Actor 2`. It maps onto the portfolio as:

    title      -> the journey's title            section -> a phase (id slugified from its name)
    task       -> a step (id from its name)      score   -> the step's emotion (1..5 both)
    actors     -> personas (ids slugified from the names); the journey lists every actor, a step lists
                  its own only when they differ from the journey's
    accDescr   -> the journey's description      accTitle -> not kept (the site titles a journey by its title)

Mermaid draws nothing else of a step. The export keeps the rest of what staff discuss over a diagram as
`%%` comment lines under the step's task (Mermaid skips them; a reader of the text sees them), one item a
line, in the spreadsheet's item syntax (`site/sheets.py`):

    %% pain point: <text> | severity: 4 | evidence: <text> | insight: <id>
    %% verbatim: <quote> | persona: <id> | source: <text> | date: <YYYY-MM-DD>
    %% lane <lane id>: <text>          (a list lane: one line per item)

Line breaks inside a text become spaces and `%%` becomes `%` (it would start a Mermaid directive). The
import reads these lines as the comments they are: a diagram imported again has the steps, emotions and
personas, not the pain points, verbatims or lanes (export the journey as a spreadsheet for those).

The parser follows Mermaid's grammar (packages/mermaid/src/diagrams/user-journey/parser/journey.jison):
keywords are case-insensitive, `%%` and `#` start comments, `;` is not allowed outside accessibility texts.
Problems are diagnostics with the diagram's file, line and column, never exceptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from generator.authoring.yamltext import flow_list, scalar, slugify
from generator.common.codes import Code
from generator.common.diagnostics import Diagnostic
from generator.model.entities import Journey, Step
from generator.model.portfolio import Portfolio
from generator.site.sheets import step_cells

SCORE_RANGE = range(1, 6)


@dataclass
class Task:
    name: str
    score: int
    actors: list[str]
    line: int


@dataclass
class Section:
    name: str
    line: int
    col: int = 1
    tasks: list[Task] = field(default_factory=list)
    attempted: int = 0  # task lines written under it, valid or not


@dataclass
class Diagram:
    title: str = ""
    acc_title: str = ""
    acc_descr: str = ""
    sections: list[Section] = field(default_factory=list)

    @property
    def actors(self) -> list[str]:
        """Every actor, in order of first appearance."""
        seen: list[str] = []
        for section in self.sections:
            for task in section.tasks:
                seen.extend(a for a in task.actors if a not in seen)
        return seen


_COMMENT = re.compile(r"%%.*$|#.*$")


def parse(text: str, file: str) -> tuple[Diagram | None, list[Diagnostic]]:
    """Parse a Mermaid journey diagram (a `.mmd` file, or the first ```mermaid journey block of Markdown)."""
    lines = text.splitlines()
    offset = 0
    block = _markdown_block(lines)
    if block is not None:
        offset, lines = block
    errors: list[Diagnostic] = []

    def error(n: int, col: int, message: str, hint: str) -> None:
        errors.append(Diagnostic(file, n + offset + 1, col, "error", message, code=Code.MERMAID, hint=hint))

    diagram = Diagram()
    i = 0
    # front matter (`---` ... `---`) may give the title, as for every Mermaid diagram
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and lines[i].strip() == "---":
        end = next((k for k in range(i + 1, len(lines)) if lines[k].strip() == "---"), None)
        if end is None:
            error(i, 1, "the front matter is not closed", "end it with a line `---`")
            return None, errors
        try:
            front = yaml.safe_load("\n".join(lines[i + 1 : end])) or {}
        except yaml.YAMLError:
            front = {}
        if isinstance(front, dict) and isinstance(front.get("title"), str):
            diagram.title = front["title"].strip()
        i = end + 1
    started = False
    multiline_descr: list[str] | None = None
    current: Section | None = None
    for n in range(i, len(lines)):
        raw = lines[n]
        stripped = raw.strip()
        col = len(raw) - len(raw.lstrip()) + 1
        if multiline_descr is not None:
            if "}" in raw:
                multiline_descr.append(raw[: raw.index("}")])
                diagram.acc_descr = " ".join(" ".join(multiline_descr).split())
                multiline_descr = None
            else:
                multiline_descr.append(raw)
            continue
        if not stripped or stripped.startswith("%%") or stripped.startswith("#"):
            continue
        if not started:
            if stripped.lower() != "journey":
                error(
                    n,
                    col,
                    f"expected a Mermaid journey diagram starting with `journey`, got '{stripped[:40]}'",
                    "only `journey` diagrams can be imported: start the diagram with the line `journey`",
                )
                return None, errors
            started = True
            continue
        acc = re.match(r"(?i)acc(title|descr)\s*:\s*(.*)$", stripped)
        if acc:
            if acc.group(1).lower() == "title":
                diagram.acc_title = acc.group(2).strip()
            else:
                diagram.acc_descr = acc.group(2).strip()
            continue
        acc_block = re.match(r"(?i)accdescr\s*\{(.*)$", stripped)
        if acc_block:
            rest = acc_block.group(1)
            if "}" in rest:
                diagram.acc_descr = " ".join(rest[: rest.index("}")].split())
            else:
                multiline_descr = [rest]
            continue
        body = _COMMENT.sub("", stripped).rstrip()
        if ";" in body:
            error(
                n,
                col + stripped.index(";"),
                "Mermaid does not allow ';' in a journey diagram",
                "remove the ';' or write the text without it",
            )
            continue
        keyword = re.match(r"(?i)(title|section)(\s+(.*))?$", body)
        if keyword and (keyword.group(2) or ":" not in body):
            word, value = keyword.group(1).lower(), (keyword.group(3) or "").strip()
            if word == "title":
                diagram.title = value
                continue
            if ":" in value:
                error(n, col, f"a section name cannot hold ':' ('{value}')", "remove the ':' from the section name")
                continue
            if not value:
                error(n, col, "a section without a name", "write `section <name>`")
                continue
            current = Section(value, n, col)
            diagram.sections.append(current)
            continue
        if current is not None:
            current.attempted += 1
        if ":" not in body:
            error(
                n,
                col,
                f"expected a task `Task name: score: actors`, got '{body[:40]}'",
                "write each task as `Task name: 3: Actor`; or start a section with `section <name>`",
            )
            continue
        name, _, data = body.partition(":")
        pieces = data.split(":")
        score_text = pieces[0].strip()
        if not name.strip():
            error(n, col, "a task without a name", "write the task's name before the first ':'")
            continue
        if not re.fullmatch(r"[0-9]+", score_text) or int(score_text) not in SCORE_RANGE:
            score_col = col + len(name) + 1 + len(data) - len(data.lstrip())
            error(
                n,
                score_col,
                f"task '{name.strip()}': expected a score from 1 to 5, got '{score_text}'",
                "write a whole number from 1 (very negative) to 5 (very positive) after the task's name",
            )
            continue
        actors = [a.strip() for a in pieces[1].split(",")] if len(pieces) > 1 else []
        if current is None:
            # Mermaid draws tasks before the first section without one; a phase needs a name
            current = Section("Journey", n, col, attempted=1)
            diagram.sections.append(current)
        current.tasks.append(Task(name.strip(), int(score_text), [a for a in actors if a], n))
    if not started:
        errors.append(
            Diagnostic(
                file,
                1,
                1,
                "error",
                "no Mermaid journey diagram found",
                code=Code.MERMAID,
                hint="the file must start with the line `journey` (or hold a ```mermaid block)",
            )
        )
        return None, errors
    if multiline_descr is not None:
        error(len(lines) - 1, 1, "the `accDescr {` block is not closed", "close it with `}`")
    for section in diagram.sections:
        if not section.attempted:
            error(
                section.line,
                section.col,
                f"section '{section.name}' has no tasks",
                "a phase needs at least one step: add a task under the section, or remove it",
            )
    if not any(s.tasks for s in diagram.sections) and not errors:
        error(len(lines) - 1, 1, "the diagram has no tasks", "add tasks: `Task name: 3: Actor`")
    errors.sort(key=lambda d: (d.line, d.col))
    return (None if errors else diagram), errors


def _markdown_block(lines: list[str]) -> tuple[int, list[str]] | None:
    """The first ```mermaid fence holding a journey, as (line offset, its lines); None for a bare diagram."""
    for k, line in enumerate(lines):
        if re.match(r"\s*(```|~~~)\s*mermaid", line):
            fence = line.strip()[:3]
            end = next((m for m in range(k + 1, len(lines)) if lines[m].strip().startswith(fence)), len(lines))
            body = lines[k + 1 : end]
            if any(b.strip().lower() == "journey" for b in body):
                return k + 1, body
    return None


# --------------------------------------------------------------------------- import


@dataclass
class Imported:
    text: str  # the journey file
    journey: Journey
    personas: dict[str, str]  # id -> actor name as written in the diagram


def _unique(slug: str, taken: set[str]) -> str:
    candidate, k = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{k}"
        k += 1
    taken.add(candidate)
    return candidate


def match_personas(actors: list[str], personas: dict[str, str]) -> dict[str, str]:
    """Each actor's persona id: an existing persona (`personas`: id -> name) whose name matches (letter case
    and spacing aside; or its part before a comma: `Maya` is `Maya, first-time buyer`) or whose id is the
    actor's slug; else a new id slugified from the name, unique among the personas."""

    def norm(text: str) -> str:
        return " ".join(text.casefold().split())

    by_name: dict[str, str] = {}
    by_short: dict[str, list[str]] = {}
    for pid, name in sorted(personas.items()):
        by_name.setdefault(norm(name), pid)
        by_short.setdefault(norm(name.split(",")[0]), []).append(pid)
    taken = set(personas)
    out: dict[str, str] = {}
    for actor in actors:
        key = norm(actor)
        slug = slugify(actor, "persona")
        if key in by_name:
            out[actor] = by_name[key]
        elif slug in personas:
            out[actor] = slug
        elif len(by_short.get(key, [])) == 1:
            out[actor] = by_short[key][0]
        else:
            new = next((pid for a, pid in out.items() if norm(a) == key), None)
            out[actor] = new or _unique(slug, taken)
    return out


def to_journey(
    diagram: Diagram,
    *,
    source: str,
    schema: str,
    department: str,
    person: str = "To be assigned",
    persona_ids: dict[str, str] | None = None,
) -> Imported:
    """The journey file for a diagram: commented YAML text, and the validated model it holds.

    `persona_ids`: actor name -> persona id (`match_personas`); by default ids slugified from the names.
    """
    persona_ids = dict(persona_ids or {})
    for actor in diagram.actors:
        persona_ids.setdefault(actor, slugify(actor, "persona"))
    journey_personas: list[str] = []
    for pid in persona_ids.values():
        if pid not in journey_personas:
            journey_personas.append(pid)
    description = diagram.acc_descr or f"Imported from {source}: say what the journey covers, in a sentence or two."
    out = [
        schema,
        f"# Imported from the Mermaid journey diagram {source} by `journeys import mermaid`.",
        f"title: {scalar(diagram.title or 'Untitled journey')}",
        f"description: {scalar(description)}",
        "lifecycle: draft",
        "# Who is accountable for the journey: replace the placeholders.",
        "owner:",
        f"  person: {scalar(person)}",
        f"  department: {scalar(department)}",
        f"personas: {flow_list(journey_personas)}",
        "phases:",
    ]
    phase_ids: set[str] = set()
    step_ids: set[str] = set()
    for section in diagram.sections:
        out += [
            f"  - id: {scalar(_unique(slugify(section.name, 'phase'), phase_ids))}",
            f"    name: {scalar(section.name)}",
            "    steps:",
        ]
        for task in section.tasks:
            out += [
                f"      - id: {scalar(_unique(slugify(task.name, 'step'), step_ids))}",
                f"        name: {scalar(task.name)}",
                f"        emotion: {task.score}",
            ]
            own: list[str] = []
            for actor in task.actors:
                if persona_ids[actor] not in own:
                    own.append(persona_ids[actor])
            if own != journey_personas:
                out.append(f"        personas: {flow_list(own)}")
    text = "\n".join(out) + "\n"
    journey = Journey.model_validate(yaml.safe_load(text))
    names = {pid: actor for actor, pid in reversed([(a, persona_ids[a]) for a in diagram.actors])}
    return Imported(text, journey, {pid: names[pid] for pid in journey_personas})


# --------------------------------------------------------------------------- export


def _clean(text: str, forbidden: str) -> str:
    """Mermaid cannot hold these characters here: they become spaces."""
    for ch in forbidden:
        text = text.replace(ch, " ")
    return " ".join(text.split())


def to_mermaid(jid: str, journey: Journey, portfolio: Portfolio) -> str:
    """A Mermaid journey diagram of a journey: phases as sections, steps as tasks, personas as actors."""

    def actor(pid: str) -> str:
        persona = portfolio.personas.get(pid)
        return _clean(persona.name if persona else pid, "#;:,")

    out = ["journey", f"    title {_clean(journey.title, '#;')}"]
    if journey.description.strip():
        out.append(f"    accDescr: {' '.join(journey.description.split())}")
    for phase in journey.phases:
        out.append(f"    section {_clean(phase.name, '#;:')}")
        for step in phase.steps:
            people = journey.personas if step.personas is None else step.personas
            score = step.emotion
            if score is None:
                out.append(f"      %% {step.id}: no emotion recorded, drawn as neutral (3)")
                score = 3
            actors = ", ".join(actor(p) for p in people)
            out.append(f"      {_clean(step.name, '#;:')}: {score}" + (f": {actors}" if actors else ""))
            out += [f"      %% {line}" for line in step_notes(step, portfolio)]
    return "\n".join(out) + "\n"


def step_notes(step: Step, portfolio: Portfolio) -> list[str]:
    """What Mermaid cannot draw of a step, as the text of `%%` comment lines: its pain points (with severity,
    evidence and insight), verbatims and custom lanes (in the portfolio's order)."""
    cells = step_cells(step)
    notes = [f"pain point: {item}" for item in cells["pain_points"].splitlines()]
    notes += [f"verbatim: {item}" for item in cells["verbatims"].splitlines()]
    for lane in portfolio.lanes:
        value = step.lanes.get(lane)
        for item in [value] if isinstance(value, str) else value or []:
            notes.append(f"lane {lane}: {' '.join(item.split())}")
    return [re.sub(r"%{2,}", "%", note) for note in notes]


# --------------------------------------------------------------------------- comparison


def normalise(text: str) -> list[str]:
    """A diagram's text in a canonical form, to compare two diagrams line by line.

    Drops blank lines, comments, indentation, front matter and the accessibility lines (`accTitle`,
    `accDescr`, which the portfolio does not keep as such); lower-cases keywords; writes `a: 5: X, Y`
    with single spaces.
    """
    block = _markdown_block(text.splitlines())
    lines = block[1] if block else text.splitlines()
    result: list[str] = []
    in_front = in_descr = False
    for raw in lines:
        line = raw.strip()
        if in_descr:
            in_descr = "}" not in line
            continue
        if line == "---" and (in_front or not result):
            in_front = not in_front
            continue
        if in_front or not line or line.startswith(("%%", "#")):
            continue
        if re.match(r"(?i)acc(title|descr)\s*:", line):
            continue
        if re.match(r"(?i)accdescr\s*\{", line):
            in_descr = "}" not in line
            continue
        line = _COMMENT.sub("", line).strip()
        word = re.match(r"(?i)(journey|title|section)\b\s*(.*)$", line)
        if word and ":" not in line:
            result.append(f"{word.group(1).lower()} {word.group(2).strip()}".rstrip())
            continue
        name, _, data = line.partition(":")
        pieces = [p.strip() for p in data.split(":")]
        actors = [a.strip() for a in pieces[1].split(",") if a.strip()] if len(pieces) > 1 else []
        result.append(f"{' '.join(name.split())}: {pieces[0]}" + (f": {', '.join(actors)}" if actors else ""))
    return result
