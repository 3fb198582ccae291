"""`journeys diff`: what a change does to the portfolio, as a Markdown summary for reviewers.

Two portfolios (loaded and validated by `check`, usually the same folder at two git revisions) are compared
model by model, never line by line, so a reviewer reads "emotion 2 → 4 at Upload photos" rather than a
YAML diff. Pure functions: `summary(old, new)` gives the Markdown lines; git is in `generator/git.py`.

What is reported:
- journeys added, removed, renamed (a removed and an added id sharing most step ids: the file moved) and
  retitled; journey fields (status, lifecycle, owner, personas, metrics...);
- phases added, removed, renamed; steps added, removed, moved to another phase, reordered within a phase
  (the fewest steps that explain the new order), and changed (emotion, owner, touchpoints, pain points...);
- catalogue entries added, removed, changed: metric definitions (targets), opportunities and solutions,
  then the others (personas, departments, channels, insights, glossary, organisation);
- health: journeys and measured series whose health changes (`health_changes`, one of `HEALTH_SECTIONS`).

Ordering is stable: journeys by id, steps in journey order, entries by id. Every content value is
untrusted text: it is escaped so it cannot turn into Markdown or HTML. A field marked as a reference in the
model (`model/refs.py`) shows its ids as code; other text is quoted.

A side with errors is still summarised: `comparable` leaves out, on both sides, what one side could not
load (a journey with schema errors, a catalogue entry that is invalid, every entry of a file that is not
valid YAML), so nothing is reported removed only because it is broken; `not_compared` names what was left
out. The command then says how many errors there are and how to see them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from enum import Enum
from pathlib import PurePosixPath

from pydantic import BaseModel

from generator.model.entities import COLLECTIONS, Journey, Owner, Step, StepRef, Touchpoint
from generator.model.ids import JourneyId
from generator.model.portfolio import Portfolio
from generator.model.refs import SINGULAR, mark_of

RENAME_THRESHOLD = 0.5  # share of steps in common above which a removed + added journey is a rename
NO_CHANGES = "No changes to the portfolio."

# list items that are mappings, matched across versions by one field (pain points by text, links by url)
ITEM_KEYS = {"pain_points": "text", "verbatims": "quote", "links": "url"}
# fields holding prose: reported as "edited", never quoted in full
PROSE = {"description", "does", "thinks", "feels", "goal", "evidence", "quote", "definition", "statement", "text"}


# --------------------------------------------------------------------------- text


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~!])")


def md(text: object, limit: int = 80) -> str:
    """Untrusted text, on one line, cut at `limit` characters, with Markdown and HTML characters escaped."""
    flat = " ".join(str(text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return _MD_SPECIAL.sub(r"\\\1", flat)


def quoted(text: object) -> str:
    return f"“{md(text)}”"


def value_text(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Owner):
        return f"{md(value.person)} ({value.department})"
    if isinstance(value, StepRef):
        return f"{value.journey} / {value.step}"
    if isinstance(value, (int,)):
        return str(value)
    return quoted(value)


def label(field: str) -> str:
    return field.replace("_", " ")


def _named(name: str, ident: str) -> str:
    return f"**{md(name)}** (`{ident}`)"


# --------------------------------------------------------------------------- field by field


def field_changes(a: BaseModel, b: BaseModel, skip: tuple[str, ...] = ()) -> list[str]:
    """Each changed field of two versions of the same model, as short phrases."""
    out: list[str] = []
    for name in type(a).model_fields:
        if name in skip:
            continue
        va, vb = getattr(a, name), getattr(b, name)
        if va == vb:
            continue
        if isinstance(va, list) or isinstance(vb, list):
            out += _list_changes(type(a), name, va or [], vb or [])
        elif name == "lanes" and isinstance(va, dict) and isinstance(vb, dict):
            out += _lane_changes(va, vb)
        elif isinstance(va, dict) or isinstance(vb, dict):
            out.append(f"{label(name)} changed")
        elif name in PROSE:
            out.append(f"{label(name)} edited")
        elif mark_of(type(a), name) is not None:  # a reference: the id, as code
            out.append(f"{label(name)} {_id_text(va)} → {_id_text(vb)}")
        else:
            out.append(f"{label(name)} {value_text(va)} → {value_text(vb)}")
    return out


def _id_text(value: str | None) -> str:
    return "none" if value is None else f"`{value}`"


def _lane_changes(old: dict, new: dict) -> list[str]:
    """A step's custom lanes, lane by lane: filled, emptied or edited (prose is never quoted in full)."""
    out = [f"lane `{lane}` filled" for lane in new if lane not in old]
    out += [f"lane `{lane}` emptied" for lane in old if lane not in new]
    out += [f"lane `{lane}` edited" for lane in new if lane in old and old[lane] != new[lane]]
    return out


def _item_changes(name: str, key: str, old: list[BaseModel], new: list[BaseModel]) -> list[str]:
    """Changes to a list of mappings matched by `key`: added, removed, and which fields of the others changed."""
    word = SINGULAR.get(name, label(name))
    by_old = {getattr(v, key): v for v in old}
    by_new = {getattr(v, key): v for v in new}
    out = [f"{word} added: {quoted(k)}" for k in by_new if k not in by_old]
    out += [f"{word} removed: {quoted(k)}" for k in by_old if k not in by_new]
    for k, item in by_new.items():
        if k in by_old and by_old[k] != item:
            out.append(f"{word} {quoted(k)}: " + ", ".join(field_changes(by_old[k], item, skip=(key,))))
    if not out:
        out.append(f"{label(name)} reordered")
    return out


def _list_changes(model: type[BaseModel], name: str, old: list, new: list) -> list[str]:
    if old and isinstance(old[0], BaseModel) or new and isinstance(new[0], BaseModel):
        if name in ITEM_KEYS:
            return _item_changes(name, ITEM_KEYS[name], old, new)
        return [f"{label(name)} changed"]
    word = SINGULAR.get(name, label(name))
    show = (lambda v: f"`{v}`") if mark_of(model, name) is not None else quoted  # ids as code, text quoted
    out: list[str] = []
    added = [v for v in new if v not in old]
    removed = [v for v in old if v not in new]
    out += [f"{word} added: {show(v)}" for v in added]
    out += [f"{word} removed: {show(v)}" for v in removed]
    if not added and not removed:
        out.append(f"{label(name)} reordered")
    return out


def touchpoint_changes(old: list[Touchpoint], new: list[Touchpoint]) -> list[str]:
    by_old = {t.name: t for t in old}
    by_new = {t.name: t for t in new}
    out = [f"touchpoint added: {quoted(t.name)} ({t.channel})" for t in new if t.name not in by_old]
    out += [f"touchpoint removed: {quoted(t.name)}" for t in old if t.name not in by_new]
    for t in new:
        if t.name in by_old and by_old[t.name] != t:
            out.append(f"touchpoint {quoted(t.name)}: " + ", ".join(field_changes(by_old[t.name], t, skip=("name",))))
    return out


def step_changes(a: Step, b: Step) -> list[str]:
    out = []
    if a.name != b.name:
        out.append(f"renamed {quoted(a.name)} → {quoted(b.name)}")
    out += field_changes(a, b, skip=("id", "name", "touchpoints"))
    out += touchpoint_changes(a.touchpoints, b.touchpoints)
    return out


def _stable(old_order: list[str], new_order: list[str]) -> set[str]:
    """The largest set of items kept in the same relative order (a longest increasing subsequence)."""
    position = {ident: i for i, ident in enumerate(old_order)}
    seq = [ident for ident in new_order if ident in position]
    best: list[list[str]] = []  # best[i]: an increasing run ending with seq[i]
    for i, ident in enumerate(seq):
        run = max((best[j] for j in range(i) if position[seq[j]] < position[ident]), key=len, default=[])
        best.append(run + [ident])
    if not best:
        return set()
    longest: list[str] = max(best, key=len)
    return set(longest)


def journey_changes(a: Journey, b: Journey) -> list[str]:
    """Bullet lines for what changed inside one journey."""
    out: list[str] = []
    if a.title != b.title:
        out.append(f"Retitled: {quoted(a.title)} → {quoted(b.title)}")
    for phrase in field_changes(a, b, skip=("title", "phases")):
        out.append(phrase[0].upper() + phrase[1:])
    old_phases = {p.id: p for p in a.phases}
    new_phases = {p.id: p for p in b.phases}
    for p in b.phases:
        if p.id not in old_phases:
            out.append(f"Phase added: {_named(p.name, p.id)}")
        elif old_phases[p.id].name != p.name:
            out.append(f"Phase renamed: {quoted(old_phases[p.id].name)} → {quoted(p.name)} (`{p.id}`)")
        elif old_phases[p.id].description != p.description:
            out.append(f"Phase {_named(p.name, p.id)}: description edited")
    for p in a.phases:
        if p.id not in new_phases:
            out.append(f"Phase removed: {_named(p.name, p.id)}")
    common = [p.id for p in b.phases if p.id in old_phases]
    if [p.id for p in a.phases if p.id in new_phases] != common:
        out.append("Phases reordered: " + " → ".join(f"`{i}`" for i in common))
    old_steps = {s.id: (p, s) for p in a.phases for s in p.steps}
    new_steps = {s.id: (p, s) for p in b.phases for s in p.steps}
    for phase in b.phases:
        staying = [s.id for s in phase.steps if s.id in old_steps and old_steps[s.id][0].id == phase.id]
        before = [s.id for s in old_phases[phase.id].steps] if phase.id in old_phases else []
        stable = _stable(before, staying)
        for index, step in enumerate(phase.steps):
            if step.id not in old_steps:
                out.append(f"Step added: {_named(step.name, step.id)} in *{md(phase.name)}*")
                continue
            old_phase, old_step = old_steps[step.id]
            if old_phase.id != phase.id:
                out.append(
                    f"Step moved: {_named(step.name, step.id)} from *{md(old_phase.name)}* to *{md(phase.name)}*"
                )
            elif step.id not in stable:
                out.append(
                    f"Step reordered: {_named(step.name, step.id)} in *{md(phase.name)}*, "
                    f"now step {index + 1} of {len(phase.steps)}"
                )
            details = step_changes(old_step, step)
            if details:
                out.append(f"Step {_named(step.name, step.id)}: " + "; ".join(details))
    for phase in a.phases:
        for step in phase.steps:
            if step.id not in new_steps:
                out.append(f"Step removed: {_named(step.name, step.id)} from *{md(phase.name)}*")
    return out


# --------------------------------------------------------------------------- journeys as a whole


def similarity(a: Journey, b: Journey) -> float:
    sa, sb = {s.id for s in a.steps()}, {s.id for s in b.steps()}
    return len(sa & sb) / max(len(sa), len(sb), 1)


def renames(old: Portfolio, new: Portfolio) -> list[tuple[str, str]]:
    """(old id, new id) pairs: a removed and an added journey with mostly the same steps."""
    removed = sorted(set(old.journeys) - set(new.journeys))
    added = sorted(set(new.journeys) - set(old.journeys))
    candidates = sorted(
        ((similarity(old.journeys[r], new.journeys[a]), r, a) for r in removed for a in added),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    pairs: list[tuple[str, str]] = []
    used: set[str] = set()
    for score, r, a in candidates:
        if score > RENAME_THRESHOLD and r not in used and a not in used:
            pairs.append((r, a))
            used |= {r, a}
    return sorted(pairs)


def _steps(journey: Journey) -> str:
    n_steps = len(journey.steps())
    return (
        f"{len(journey.phases)} phase{'s' if len(journey.phases) != 1 else ''}, "
        f"{n_steps} step{'s' if n_steps != 1 else ''}"
    )


# --------------------------------------------------------------------------- catalogue


def _entry_name(entry: BaseModel) -> str:
    for attr in ("name", "title", "term", "statement"):
        if hasattr(entry, attr):
            return str(getattr(entry, attr))
    return ""


def _metric_values(m) -> str:
    unit = f" {md(m.unit)}" if m.unit else ""
    return f"target {m.target:g}{unit}, warning {m.warning:g}{unit}, {m.direction.value}"


def catalogue_changes(old: Portfolio, new: Portfolio, collection: str) -> list[str]:
    a, b = old.collection(collection), new.collection(collection)
    word = SINGULAR[collection]
    word = word[0].upper() + word[1:]
    out: list[str] = []
    for ident in sorted(set(a) | set(b)):
        if ident not in a:
            entry = b[ident]
            extra = ""
            if collection == "metrics":
                extra = f": {_metric_values(entry)}"
            elif collection == "opportunities":
                extra = f": impact {entry.impact}, effort {entry.effort}, reach {entry.reach}, {entry.status.value}"
            elif collection == "solutions":
                extra = f": {entry.status.value}, owner `{entry.owner}`"
            out.append(f"{word} added: {_named(_entry_name(entry), ident)}{extra}")
        elif ident not in b:
            out.append(f"{word} removed: {_named(_entry_name(a[ident]), ident)}")
        elif a[ident] != b[ident]:
            changed = "; ".join(field_changes(a[ident], b[ident]))
            out.append(f"{word} {_named(_entry_name(b[ident]), ident)}: {changed}")
    return out


# --------------------------------------------------------------------------- health


def _health(portfolio: Portfolio):
    from generator.metrics.health import assess  # the metrics stack is only needed when a summary is asked for
    from generator.metrics.series import build_series
    from generator.model.metric_data import MetricData

    org = portfolio.organisation
    data = portfolio.metric_data or MetricData(org.period, org.min_responses)
    return assess(portfolio, build_series(portfolio, data))


def health_changes(old: Portfolio, new: Portfolio) -> list[str]:
    """Health that changes with the change (new metric data, new targets): Markdown bullet lines.

    One line per journey whose rolled-up health changes, then one per measured series (metric at a journey
    or step) whose health changes, with its latest value before and after.
    """
    from generator.charts.draw import fmt
    from generator.metrics.health import Health
    from generator.metrics.wording import health_label

    a, b = _health(old), _health(new)
    lines = []
    for jid in sorted(JourneyId(j) for j in set(old.journeys) & set(new.journeys)):
        before = a.journeys[jid].health if jid in a.journeys else Health.no_data
        after = b.journeys[jid].health if jid in b.journeys else Health.no_data
        if before != after:
            lines.append(
                f"- Journey {_named(new.journeys[jid].title, jid)}: {health_label(before)} → {health_label(after)}"
            )
    for key in sorted(set(a.metrics) | set(b.metrics)):
        if key.journey not in old.journeys or key.journey not in new.journeys:
            continue
        ma, mb = a.metrics.get(key), b.metrics.get(key)
        before = ma.health if ma else Health.no_data
        after = mb.health if mb else Health.no_data
        if before == after:
            continue
        unit = (mb or ma).definition.unit
        where = f"{key.journey} / {key.step}" if key.step else key.journey
        values = f"latest {fmt(ma.value if ma else None, unit)} → {fmt(mb.value if mb else None, unit)}"
        lines.append(f"- `{key.metric}` at {where}: {health_label(before)} → {health_label(after)} ({md(values)})")
    return lines


HealthSection = Callable[[Portfolio, Portfolio], list[str]]
HEALTH_SECTIONS: list[HealthSection] = [health_changes]


# --------------------------------------------------------------------------- a side with errors


def _unloaded_journeys(p: Portfolio) -> set[str]:
    """Journeys whose file exists on this side but did not validate (or did not parse at all)."""
    ids = {j for j in p.journey_files if j not in p.journeys}
    ids |= {PurePosixPath(f).stem for f in p.unloaded if "maps" in PurePosixPath(f).parts}
    return ids


def _unloaded_entries(p: Portfolio, other: Portfolio) -> set[tuple[str, str]]:
    """Catalogue entries (of `other`) that this side has but could not load: invalid, or in a broken file."""
    gone = {key for key in p.broken if key[0] != "journeys"}
    files = {PurePosixPath(f).as_posix() for f in p.unloaded}
    gone |= {key for key, (file, _) in other.origins.items() if key[0] != "journeys" and file in files}
    return gone


def comparable(a: Portfolio, b: Portfolio) -> Portfolio:
    """`a` without what `b` has but could not load, so a broken side does not read as removals."""
    journeys = _unloaded_journeys(b)
    entries = _unloaded_entries(b, a)
    changes: dict = {"journeys": {j: v for j, v in a.journeys.items() if j not in journeys}}
    for name in COLLECTIONS:
        changes[name] = {i: v for i, v in a.collection(name).items() if (name, i) not in entries}
    return dataclasses.replace(a, **changes)


def not_compared(old: Portfolio, new: Portfolio) -> list[str]:
    """Markdown bullets: what one side could not load, so the summary leaves it out."""
    out: list[str] = []
    for side, p, other in (("new", new, old), ("old", old, new)):
        for j in sorted(_unloaded_journeys(p)):
            out.append(f"- Journey `{md(j)}`: not compared, it has errors on the {side} side")
        for name, ident in sorted(_unloaded_entries(p, other) | {k for k in p.broken if k[0] != "journeys"}):
            out.append(
                f"- {SINGULAR.get(name, name).capitalize()} `{md(ident)}`: not compared, it has errors "
                f"on the {side} side"
            )
        for f in sorted(p.unloaded):
            if "maps" not in PurePosixPath(f).parts:
                out.append(f"- File {md(f)}: not compared, it cannot be read on the {side} side")
    return list(dict.fromkeys(out))


# --------------------------------------------------------------------------- the summary


def summary(old: Portfolio, new: Portfolio) -> list[str]:
    """The Markdown body: sections of bullets, or [] when nothing in the portfolio changed."""
    pairs = renames(old, new)
    renamed_old = {r for r, _ in pairs}
    renamed_new = {a for _, a in pairs}
    added = sorted(set(new.journeys) - set(old.journeys) - renamed_new)
    removed = sorted(set(old.journeys) - set(new.journeys) - renamed_old)
    sections: list[tuple[str, list[str]]] = []
    counts: dict[str, int] = {}

    def section(title: str, lines: list[str]) -> None:
        if lines:
            sections.append((title, lines))

    section("Journeys added", [f"- {_named(new.journeys[j].title, j)}: {_steps(new.journeys[j])}" for j in added])
    section("Journeys removed", [f"- {_named(old.journeys[j].title, j)}: {_steps(old.journeys[j])}" for j in removed])
    section(
        "Journeys renamed",
        [
            f"- `{r}` → `{a}`: {md(new.journeys[a].title)} "
            f"({round(similarity(old.journeys[r], new.journeys[a]) * 100)}% of the steps the same)"
            for r, a in pairs
        ],
    )
    changed_blocks: list[str] = []
    pairs_all = [(j, j) for j in sorted(set(old.journeys) & set(new.journeys))] + pairs
    changed = 0
    for r, a in sorted(pairs_all, key=lambda p: p[1]):
        lines = journey_changes(old.journeys[r], new.journeys[a])
        if lines:
            changed += 1
            heading = f"`{a}`" if r == a else f"`{r}` → `{a}`"
            changed_blocks += ([""] if changed_blocks else []) + [f"#### {md(new.journeys[a].title)} ({heading})", ""]
            changed_blocks += [f"- {line}" for line in lines]
    section("Journey changes", changed_blocks)
    section("Metric definitions", [f"- {line}" for line in catalogue_changes(old, new, "metrics")])
    section(
        "Opportunities and solutions",
        [f"- {line}" for c in ("opportunities", "solutions") for line in catalogue_changes(old, new, c)],
    )
    others = [
        f"- {line}"
        for c in COLLECTIONS
        if c not in ("metrics", "opportunities", "solutions")
        for line in catalogue_changes(old, new, c)
    ]
    if old.organisation != new.organisation:
        others.insert(0, "- Organisation: " + "; ".join(field_changes(old.organisation, new.organisation)))
    section("Catalogue", others)
    section("Health", [line for plug in HEALTH_SECTIONS for line in plug(old, new)])
    if not sections:
        return []
    counts = {
        "journey added": len(added),
        "journey removed": len(removed),
        "journey renamed": len(pairs),
        "journey changed": changed,
    }
    parts = []
    for key, n in counts.items():
        if n:
            noun, verb = key.split(" ")
            parts.append(f"{n} {noun}{'s' if n != 1 else ''} {verb}")
    catalogue_titles = ("Metric definitions", "Opportunities and solutions", "Catalogue")
    entries = sum(1 for title, lines in sections if title in catalogue_titles for _ in lines)
    if entries:
        parts.append(f"{entries} catalogue change{'s' if entries != 1 else ''}")
    if any(title == "Health" for title, _ in sections):
        parts.append("health changes")
    text = ", ".join(parts)
    out = [text[0].upper() + text[1:] + "."]
    for title, lines in sections:
        out += ["", f"### {title}", "", *lines]
    return out


def render(old: Portfolio, new: Portfolio, base_label: str, head_label: str, errors: list[str] | None = None) -> str:
    """The whole Markdown summary, as printed by `journeys diff`.

    `errors`: Markdown lines saying what is wrong on a side; then only what loaded on both sides is compared.
    """
    skipped = not_compared(old, new)
    if skipped or errors:
        old, new = comparable(old, new), comparable(new, old)
    body = summary(old, new) or [NO_CHANGES]
    lines = ["## Portfolio changes", "", f"From {base_label} to {head_label}.", "", *body]
    if errors:
        lines += ["", "### Errors", "", *errors]
        if skipped:
            lines += ["", "Left out of this summary:", "", *skipped]
    return "\n".join(lines) + "\n"
