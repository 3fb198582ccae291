"""Skeletons for `journeys new KIND ID`: a valid, commented starting point for each kind of entry.

A journey is a new file `maps/<id>.yaml`. A catalogue entry (persona, department...) is inserted as text
into the catalogue file that already holds that collection, just after the collection's last entry, so
the file's comments and layout stay as they were; with no such file, `<collection>.yaml` is created.
Each skeleton's comments come from the model's field descriptions, so they cannot drift from the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import yaml
from pydantic import BaseModel

from generator.authoring.yamltext import flow_list, is_id, scalar, schema_line, slugify
from generator.load.read_portfolio import MAPS_DIR, load_portfolio
from generator.model.entities import (
    COLLECTIONS,
    Channel,
    Department,
    Insight,
    JourneyLevel,
    JourneyStatus,
    JourneyType,
    LaneDefinition,
    Lifecycle,
    MetricDefinition,
    Opportunity,
    Persona,
    Solution,
)
from generator.model.portfolio import Portfolio

# kind on the command line -> catalogue collection
CATALOGUE_KINDS: dict[str, str] = {
    "persona": "personas",
    "department": "departments",
    "channel": "channels",
    "metric": "metrics",
    "insight": "insights",
    "opportunity": "opportunities",
    "solution": "solutions",
    "lane": "lanes",
}
KINDS: tuple[str, ...] = ("journey", *CATALOGUE_KINDS)
MODELS: dict[str, type[BaseModel]] = {
    "personas": Persona,
    "departments": Department,
    "channels": Channel,
    "metrics": MetricDefinition,
    "insights": Insight,
    "opportunities": Opportunity,
    "solutions": Solution,
    "lanes": LaneDefinition,
}
assert set(CATALOGUE_KINDS.values()) <= {*COLLECTIONS, "lanes"}

PLACEHOLDER_DEPARTMENT = "unassigned"


class ScaffoldError(Exception):
    """A refusal, with the message to print (exit 1)."""


@dataclass
class Written:
    path: Path
    created: bool
    line: int  # where the new entry starts
    notes: list[str]


def _title(ident: str) -> str:
    return ident.replace("-", " ").capitalize()


def _department(portfolio: Portfolio) -> str:
    return next(iter(portfolio.departments), PLACEHOLDER_DEPARTMENT)


def _required_values(collection: str, ident: str, portfolio: Portfolio) -> dict[str, object]:
    """Values for the required fields: valid, and obviously placeholders to replace."""
    name = _title(ident)
    values: dict[str, dict[str, object]] = {
        "personas": {"name": name},
        "departments": {"name": name},
        "channels": {"name": name, "digital": True},
        "metrics": {"name": name, "kind": "csat", "target": 80, "warning": 70},
        "insights": {"statement": f"{name}: what we learned, in one sentence."},
        "opportunities": {"title": f"How might we {name.lower()}?", "impact": 3, "effort": 3, "reach": 3},
        "solutions": {"title": name, "owner": _department(portfolio)},
        "lanes": {"name": name},
    }
    return values[collection]


def _value_text(value: object) -> str:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, list):
        return flow_list(value)
    if isinstance(value, dict):
        return "{}"
    if value == "":
        return '""'
    return scalar(value)


def entry_lines(collection: str, ident: str, portfolio: Portfolio, indent: str = "  ") -> list[str]:
    """The entry `ident:` and every field of its model, each under a comment from its description."""
    model = MODELS[collection]
    required = _required_values(collection, ident, portfolio)
    out = [f"{indent}{scalar(ident)}:"]  # quoted when YAML would read it otherwise (`no`, `null`, `1`)
    inner = indent * 2
    for name, field in model.model_fields.items():
        out.append(f"{inner}# {' '.join((field.description or '').split())}")
        if field.is_required():
            out.append(f"{inner}{name}: {_value_text(required[name])}")
            continue
        default = field.get_default(call_default_factory=True)
        if default is None:
            example = {"date": "2026-01-31"}.get(name, "")
            out.append(f"{inner}# {name}: {example}".rstrip())
        else:
            out.append(f"{inner}{name}: {_value_text(default)}")
    # the entry must be valid as written
    MODELS[collection].model_validate(yaml.safe_load("\n".join(out))[ident])
    return out


def journey_text(ident: str, path: Path, root: Path, portfolio: Portfolio) -> str:
    department = scalar(_department(portfolio))

    def choices(enum: type[Enum]) -> str:
        return " | ".join(m.value for m in enum)

    lanes = ""
    if portfolio.lanes:  # the portfolio's own lanes, one line each, to fill or delete
        lanes = "        lanes:                  # the portfolio's custom lanes\n" + "".join(
            f"          {scalar(lane)}: {'[]' if d.kind.value == 'list' else scalar('')}{' ' * 4}# {d.name}\n"
            for lane, d in portfolio.lanes.items()
        )
    text = f"""\
{schema_line(path, "journey", root)}
# A new journey. Every field is described in docs/reference.md; `journeys check` validates the file.
# The journey's title, in the customer's words, e.g. `I move house`.
title: {scalar(_title(ident))}
# What the journey covers, in a sentence or two.
description: Where this journey starts, where it ends, and who takes it.
# What the person wants to achieve on this journey.
goal: ""
type: customer          # {choices(JourneyType)}
level: micro            # {choices(JourneyLevel)}
status: as-is           # {choices(JourneyStatus)}
lifecycle: draft        # {choices(Lifecycle)}; a live journey needs a metric
owner:
  person: To be assigned   # the journey owner's name
  department: {department}{" " * max(1, 14 - len(department))}# id of the owner's department
personas: []            # ids of the personas who take this journey, e.g. [first-time-buyer]
tags: []                # free tags, listed on the site's tags page
metrics: []             # ids of metrics measured for the whole journey
# parent: {{journey: a-higher-level-journey, step: the-step-this-journey-details}}
# next: the-journey-that-usually-follows
# replaces: the-as-is-journey   # for a to-be journey: the as-is journey it replaces (compared on the site)
phases:                 # the stages of the journey, in order, each with its steps in order
  - id: first-phase
    name: First phase
    steps:
      - id: first-step
        name: First step, in the person's words
        owner: {department}{" " * max(1, 16 - len(department))}# id of the department that owns the step
        does: ""                # what the person does
        thinks: ""              # what the person thinks
        feels: ""               # what the person feels
        emotion: 3              # 1 (very negative) to 5 (very positive); 3 is neutral
        touchpoints: []         # e.g. [{{name: Quote page, channel: web, department: digital}}]
        # pain_points: text, or {{text: ..., severity: 1-5, evidence: ..., insight: an-insight-id}}
        pain_points: []
        verbatims: []           # quotes: [{{quote: ..., persona: a-persona-id, source: ..., date: YYYY-MM-DD}}]
        highlights: []
        insights: []
        opportunities: []
        metrics: []
{lanes}"""
    return text


def _catalogue_target(root: Path, collection: str, portfolio: Portfolio) -> Path:
    """The catalogue file holding the most entries of the collection (first by name on a tie), else one
    that declares it empty, else a new `<collection>.yaml`. Displayed names are relative to the cwd."""
    counts: dict[str, int] = {}
    for (kind, _), (file, _) in portfolio.origins.items():
        if kind == collection:
            counts[file] = counts.get(file, 0) + 1
    if counts:
        return Path(min(counts, key=lambda f: (-counts[f], f)))
    for display, source in sorted(portfolio.sources.items()):
        in_maps = (root / MAPS_DIR).resolve() in Path(display).resolve().parents
        if not in_maps and isinstance(source.data, dict) and collection in source.data:
            return Path(display)
    return root / f"{collection}.yaml"


def new(kind: str, ident: str, root: Path) -> Written:
    """Write the skeleton of a new `kind` with id `ident` into the portfolio at `root`."""
    if kind not in KINDS:
        raise ScaffoldError(f"unknown kind '{kind}' (one of: {', '.join(KINDS)})")
    if not is_id(ident):
        raise ScaffoldError(
            f"'{ident}' is not a valid id [try '{slugify(ident, 'new-' + kind)}': lowercase letters, digits and dashes]"
        )
    portfolio, _ = load_portfolio(root, base=Path.cwd())  # origins are then paths from the cwd
    if kind == "journey":
        path = root / MAPS_DIR / f"{ident}.yaml"
        existing = portfolio.journey_files.get(ident) or (path.as_posix() if path.exists() else None)
        if existing:
            raise ScaffoldError(f"journey '{ident}' already exists ({existing})")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(journey_text(ident, path, root, portfolio), encoding="utf-8")
        notes = []
        if _department(portfolio) == PLACEHOLDER_DEPARTMENT:
            notes.append(f"define department '{PLACEHOLDER_DEPARTMENT}' or change owner.department")
        return Written(path, True, 1, notes)
    collection = CATALOGUE_KINDS[kind]
    pool = portfolio.collection(collection)
    if ident in pool or (collection, ident) in portfolio.broken:
        file, line, _ = portfolio.position(collection, ident) if ident in pool else (None, 0, 0)
        where = f" ({file}:{line})" if file else ""
        raise ScaffoldError(f"{kind} '{ident}' already exists{where}")
    path = _catalogue_target(root, collection, portfolio)
    notes = []
    if kind == "solution" and _department(portfolio) == PLACEHOLDER_DEPARTMENT:
        notes.append(f"define department '{PLACEHOLDER_DEPARTMENT}' or change the solution's owner")
    if not path.exists():
        body = entry_lines(collection, ident, portfolio)
        text = "\n".join([schema_line(path, "catalogue", root), f"{collection}:", *body]) + "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return Written(path, True, 3, notes)
    return Written(path, False, _insert(path, collection, ident, portfolio), notes)


def _insert(path: Path, collection: str, ident: str, portfolio: Portfolio) -> int:
    """Insert the entry after the collection's last line, as text; returns the entry's first line."""
    source = next((s for d, s in portfolio.sources.items() if Path(d).resolve() == path.resolve()), None)
    if source is None or not isinstance(source.data, dict):
        raise ScaffoldError(f"{path.as_posix()} cannot be read as a catalogue: fix it first (journeys check)")
    data = path.read_bytes()
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    raw = data.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in raw else "\n"
    lines = raw.splitlines()
    if collection not in source.data:
        block = [f"{collection}:", *entry_lines(collection, ident, portfolio)]
        if lines and lines[-1].strip():
            block.insert(0, "")
        start = len(lines) + block.index(f"{collection}:") + 1
        path.write_text(bom + newline.join([*lines, *block]) + newline, encoding="utf-8", newline="")
        return start + 1
    key_line, _ = source.keys[(collection,)]
    value_line, _ = source.values[(collection,)]
    entries = source.data[collection]
    if value_line == key_line or not isinstance(entries, dict):
        raise ScaffoldError(
            f"{path.as_posix()}:{key_line}: `{collection}:` is written in flow style "
            f"({{...}}) or is not a mapping: add the entry by hand"
        )
    first_entry = (collection, next(iter(entries))) if entries else None
    indent = " " * (source.keys[first_entry][1] - 1) if first_entry else "  "
    # the collection ends where the next top-level key starts; comments just above that key belong to it
    later = [pos[0] for loc, pos in source.keys.items() if len(loc) == 1 and pos[0] > key_line]
    end = min(later) - 1 if later else len(lines)
    last = key_line
    for n in range(key_line, end):  # 0-based index n is line n + 1
        text = lines[n]
        if text.strip() and not (text.lstrip().startswith("#") and not text[:1].isspace()):
            last = n + 1
    block = entry_lines(collection, ident, portfolio, indent)
    new_lines = lines[:last] + block + lines[last:]
    path.write_text(bom + newline.join(new_lines) + newline, encoding="utf-8", newline="")
    return last + 1
