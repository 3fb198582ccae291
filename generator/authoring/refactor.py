"""`journeys rename` and `journeys remove`: change an id, or drop an entity, everywhere it is written.

What refers to what comes from the model's `Ref` marks (`model/refs.py`, `iter_references`), never from a
list kept here; the metric data CSV files name journeys, steps and metrics in their `journey`, `step` and
`metric` columns. A custom lane is named by a *key*, not a value: steps fill it under `lanes: {LANE: ...}`
(`lane_uses`), so renaming one renames those keys and removing one with `--cascade` removes those entries. Each command computes a `Changeset` (every file's new text), which the command verifies
on a copy of the portfolio before writing anything (`authoring/changeset.py`).

YAML is edited surgically (`authoring/yamledit.py`): only the characters of a renamed id, or only the lines
of a removed entry, change; comments, key order, quoting and every other line stay byte for byte. A CSV row
is rewritten only when one of its fields changes.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.authoring.changeset import Changeset
from generator.authoring.yamledit import (
    EditError,
    Edits,
    block_end,
    remove_key,
    remove_list_items,
    scalar_span,
)
from generator.common.diagnostics import plural
from generator.common.suggest import did_you_mean, known
from generator.load.metric_data import data_files
from generator.load.yaml_source import Source
from generator.model.entities import ID_PATTERN, Journey
from generator.model.portfolio import Portfolio
from generator.model.refs import SINGULAR, TARGET_KINDS, Reference, iter_references

# the command's KIND -> the portfolio's collection (or `journeys` / `steps`), in the order the help lists them
KINDS: dict[str, str] = {
    SINGULAR[kind]: kind
    for kind in ("journeys", "steps", *(k for k in TARGET_KINDS if k not in ("journeys", "steps")), "lanes")
}
CSV_COLUMN = {"journeys": "journey", "steps": "step", "metrics": "metric"}


class Refused(Exception):
    """The command cannot do what was asked; the message says why and what to do."""


@dataclass
class Target:
    kind: str  # a collection, `journeys` or `steps`
    ident: str  # for a step, the step's id
    journey: str | None = None  # for a step, its journey
    dangling: bool = False  # not defined any more, only still named (a journey file deleted by hand)

    def __str__(self) -> str:
        return f"{self.journey}/{self.ident}" if self.kind == "steps" else self.ident

    @property
    def step_journey(self) -> str:
        """The journey holding the step (a step target always names it)."""
        assert self.journey is not None, "a step target names its journey"
        return self.journey


@dataclass
class _Files:
    """The edits of each file, made on the texts as read."""

    portfolio: Portfolio
    edits: dict[str, Edits] = field(default_factory=dict)

    def source(self, file: str) -> Source:
        source = self.portfolio.sources.get(file)
        if source is None or not isinstance(getattr(source, "values", None), dict):
            raise Refused(f"{file} cannot be read as YAML: fix it first (journeys check)")
        return source

    def of(self, file: str) -> Edits:
        if file not in self.edits:
            self.edits[file] = Edits(Path(file).read_text(encoding="utf-8"))
        return self.edits[file]


def _word(kind: str) -> str:
    return SINGULAR[kind]


def resolve(portfolio: Portfolio, kind_word: str, ident: str) -> Target:
    """The entity named on the command line; Refused (with a did-you-mean) when there is none."""
    kind = KINDS[kind_word]
    if kind == "steps":
        if "/" not in ident:
            raise Refused(f"a step is named JOURNEY/STEP, e.g. make-a-claim/upload-photos, got '{ident}'")
        jid, sid = ident.split("/", 1)
        journey = portfolio.journeys.get(jid)
        if journey is None:
            raise Refused(f"unknown journey '{jid}' [{_hint(jid, portfolio.journeys)}]")
        steps = [s.id for s in journey.steps()]
        if sid not in steps:
            raise Refused(f"unknown step '{sid}' in journey '{jid}' [{_hint(sid, steps)}]")
        return Target("steps", sid, jid)
    pool = portfolio.journeys if kind == "journeys" else portfolio.collection(kind)
    if ident not in pool:
        broken = (
            ("journeys", ident) in portfolio.broken
            or (kind, ident) in portfolio.broken
            or (kind == "journeys" and ident in portfolio.journey_files)
        )
        if broken:
            raise Refused(f"{kind_word} '{ident}' has errors: fix them first (journeys check)")
        raise Refused(f"unknown {kind_word} '{ident}' [{_hint(ident, pool)}]")
    return Target(kind, ident)


def resolve_for_removal(portfolio: Portfolio, kind_word: str, ident: str) -> Target:
    """As `resolve`, and also an id no longer defined but still named (by references or metric data rows):
    removing it removes what still names it, e.g. the data rows of a journey whose file was deleted."""
    try:
        return resolve(portfolio, kind_word, ident)
    except Refused:
        kind = KINDS[kind_word]
        if kind == "steps" or "/" in ident or not re.match(ID_PATTERN, ident):
            raise
        target = Target(kind, ident, dangling=True)
        if _references(portfolio, target) or _csv_rows(portfolio.root, target) or lane_uses(portfolio, target):
            return target
        raise


def _hint(word: str, pool) -> str:
    return did_you_mean(word, pool) or known(pool)


def _file_of(r: Reference) -> str:
    """The file a reference is written in: always known in a loaded portfolio, which records every origin."""
    assert r.file is not None, "a loaded portfolio knows the file of every entity"
    return r.file


def _references(portfolio: Portfolio, target: Target) -> list[Reference]:
    out = []
    for r in iter_references(portfolio, salvaged=True):
        if r.kind != target.kind or r.target != target.ident:
            continue
        if target.kind == "steps" and r.journey != target.journey:
            continue
        if r.source_kind == "journeys" and target.kind == "journeys" and r.source_id == target.ident:
            continue  # a journey naming itself goes with it
        out.append(r)
    return out


@dataclass(frozen=True)
class LaneUse:
    """A step filling a custom lane: the `LANE:` key under its `lanes:`, where it is written."""

    journey: str
    step: str
    file: str
    loc: tuple  # of the lane's entry in the file: (..., "lanes", LANE)
    line: int  # of the key
    col: int
    last: bool  # the step fills no other lane: removing this entry removes `lanes:` too


def lane_uses(portfolio: Portfolio, target: Target) -> list[LaneUse]:
    """Every step filling the custom lane `target` (none for any other kind), journeys by id, steps in order."""
    if target.kind != "lanes":
        return []
    found = []
    journeys = {**portfolio.journeys, **portfolio.salvaged}
    for jid in sorted(journeys):
        origin = portfolio.origins.get(("journeys", jid))
        if origin is None:
            continue
        file, base = origin
        for pi, phase in enumerate(journeys[jid].phases):
            for si, step in enumerate(phase.steps):
                if target.ident not in step.lanes:
                    continue
                loc = (*base, "phases", pi, "steps", si, "lanes", target.ident)
                source = portfolio.sources.get(file)
                line, col = source.position(loc, key=True) if source is not None else (0, 0)
                found.append(LaneUse(jid, step.id, file, loc, line, col, len(step.lanes) == 1))
    return found


def _csv_rows(root: Path, target: Target) -> dict[Path, list[int]]:
    """Line indexes (0-based) of the metric data rows naming the target, by file."""
    found: dict[Path, list[int]] = {}
    column = CSV_COLUMN.get(target.kind)
    if column is None:
        return found
    for path in data_files(root):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        if not lines:
            continue
        header = [h.strip().lower() for h in next(csv.reader([lines[0]]))]
        if column not in header or (target.kind == "steps" and "journey" not in header):
            continue
        c, j = header.index(column), header.index("journey")
        rows = []
        for k, line in enumerate(lines[1:], 1):
            fields = _fields(line)
            if (
                len(fields) > c
                and fields[c].strip() == target.ident
                and (target.kind != "steps" or (len(fields) > j and fields[j].strip() == target.journey))
            ):
                rows.append(k)
        if rows:
            found[path] = rows
    return found


def _fields(line: str) -> list[str]:
    body = line.rstrip("\r\n")
    if '"' not in body:
        return body.split(",")
    return next(csv.reader([body]), [])


def _set_field(line: str, index: int, value: str) -> str:
    ending = line[len(line.rstrip("\r\n")) :]
    fields = _fields(line)
    fields[index] = value
    if '"' not in line:
        return ",".join(fields) + ending
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue() + ending


def _check_written(edits: Edits, line: int, col: int, expected: str, file: str) -> None:
    text = edits.lines[line - 1]
    start, end = scalar_span(text, col)
    written = text[start:end].strip("'\"")
    if written != expected:
        raise EditError(f"{file}:{line}:{col}: expected '{expected}', found '{text[start:end]}'")


# --------------------------------------------------------------------------- rename


def rename(portfolio: Portfolio, kind_word: str, old: str, new: str) -> Changeset:
    """Every change renaming `old` to `new`: its definition, every reference, the CSV rows, the file name."""
    target = resolve(portfolio, kind_word, old)
    new_id = new.split("/", 1)[1] if target.kind == "steps" and "/" in new else new
    if target.kind == "steps" and "/" in new and new.split("/", 1)[0] != target.journey:
        raise Refused(
            f"a step is renamed within its journey: give NEW as '{target.journey}/{new_id}' or '{new_id}' "
            "(moving a step to another journey is an edit of both files)"
        )
    if not re.match(ID_PATTERN, new_id):
        raise Refused(
            f"'{new_id}' is not a valid id [lowercase letters, digits and dashes, e.g. "
            f"'{re.sub(r'[^a-z0-9]+', '-', new_id.lower()).strip('-') or 'my-id'}']"
        )
    if new_id == target.ident:
        raise Refused(f"'{old}' is already called that")
    _refuse_clash(portfolio, target, new_id)
    root = portfolio.root
    changes = Changeset(root)
    files = _Files(portfolio)
    said: list[str] = []
    # the definition
    if target.kind == "journeys":
        path = Path(portfolio.journey_files[target.ident])
        moved = path.with_name(new_id + path.suffix)
        changes.move(path, moved)
        said.append(f"{path.as_posix()} → {moved.as_posix()}")
    elif target.kind == "steps":
        file = portfolio.journey_files[target.step_journey]
        loc = _step_loc(portfolio.journeys[target.step_journey], target.ident) + ("id",)
        line, col = files.source(file).position(loc)
        _check_written(files.of(file), line, col, target.ident, file)
        files.of(file).replace_scalar(line, col, new_id)
        said.append(f"{file}:{line}: the step's id")
    else:
        file, loc = portfolio.origins[(target.kind, target.ident)]
        line, col = files.source(file).position(loc, key=True)
        _check_written(files.of(file), line, col, target.ident, file)
        files.of(file).replace_scalar(line, col, new_id)
        said.append(f"{file}:{line}: the definition")
    # the references
    by_file: dict[str, list[int]] = {}
    for r in _references(portfolio, target):
        rfile = _file_of(r)
        _check_written(files.of(rfile), r.line, r.col, target.ident, rfile)
        files.of(rfile).replace_scalar(r.line, r.col, new_id)
        by_file.setdefault(rfile, []).append(r.line)
    for use in lane_uses(portfolio, target):
        _check_written(files.of(use.file), use.line, use.col, target.ident, use.file)
        files.of(use.file).replace_scalar(use.line, use.col, new_id)
        by_file.setdefault(use.file, []).append(use.line)
    for file, ref_lines in sorted(by_file.items()):
        said.append(f"{file}:{_lines(ref_lines)}: {plural(len(ref_lines), 'reference')}")
    # the explore page's named views, whose queries name personas, departments and channels
    said += _rename_in_views(portfolio, files, target, new_id)
    # the metric data
    column = CSV_COLUMN.get(target.kind)
    for path, rows in _csv_rows(root, target).items():
        text = changes.read(path)
        text_lines = text.splitlines(keepends=True)
        assert column is not None, "only a kind with a metric data column has rows"
        index = [h.strip().lower() for h in next(csv.reader([text_lines[0]]))].index(column)
        for k in rows:
            text_lines[k] = _set_field(text_lines[k], index, new_id)
        changes.write(path, "".join(text_lines))
        said.append(f"{_shown(path)}: {plural(len(rows), 'metric data row')}")
    for file, edits in files.edits.items():
        changes.write(Path(file), edits.apply())
    changes.said = said
    return changes


VIEW_PARAMETERS = {"personas": "persona", "departments": "department", "channels": "channel"}


def _rename_in_views(portfolio: Portfolio, files: _Files, target: Target, new_id: str) -> list[str]:
    """The named views' queries that name the renamed id (`persona=OLD`) get the new one; the rest of each query
    stays as written."""
    parameter = VIEW_PARAMETERS.get(target.kind)
    origin = portfolio.origins.get(("organisation", ""))
    if parameter is None or origin is None:
        return []
    file, loc = origin
    said = []
    for n, view in enumerate(portfolio.organisation.views):
        parts = view.query.split("&")
        renamed = [f"{parameter}={new_id}" if part == f"{parameter}={target.ident}" else part for part in parts]
        if renamed == parts:
            continue
        line, col = files.source(file).position((*loc, "views", n, "query"))
        files.of(file).replace_text_value(line, col, "&".join(renamed))
        said.append(f"{file}:{line}: the query of the view '{view.name}'")
    return said


def _refuse_clash(portfolio: Portfolio, target: Target, new_id: str) -> None:
    word = _word(target.kind)
    if target.kind == "steps":
        journey = portfolio.journeys[target.step_journey]
        if any(s.id == new_id for s in journey.steps()):
            raise Refused(f"journey '{target.journey}' already has a step '{new_id}': choose another id")
        return
    if target.kind == "journeys":
        path = Path(portfolio.journey_files[target.ident])
        if new_id in portfolio.journey_files or path.with_name(new_id + path.suffix).exists():
            where = portfolio.journey_files.get(new_id) or path.with_name(new_id + path.suffix).as_posix()
            raise Refused(f"journey '{new_id}' already exists ({where}): choose another id")
        return
    if new_id in portfolio.collection(target.kind) or (target.kind, new_id) in portfolio.broken:
        file = portfolio.source_file(target.kind, new_id)
        raise Refused(
            f"{word} '{new_id}' already exists{f' ({file})' if file else ''}: choose another id, "
            f"or remove one of them first"
        )


def _step_loc(journey: Journey, sid: str) -> tuple:
    for pi, phase in enumerate(journey.phases):
        for si, step in enumerate(phase.steps):
            if step.id == sid:
                return ("phases", pi, "steps", si)
    raise Refused(f"no step '{sid}'")


def _lines(lines: list[int]) -> str:
    return ",".join(str(n) for n in sorted(set(lines)))


def _shown(path: Path) -> str:
    import os

    rel = os.path.relpath(path)
    return Path(rel).as_posix() if not rel.startswith("..") else path.as_posix()


# --------------------------------------------------------------------------- remove


@dataclass
class Use:
    """One place that uses the entity to remove, and what `--cascade` does there."""

    where: str  # file:line
    what: str  # e.g. "journey 'buy', phases[0].steps[1].personas"
    action: str  # what --cascade does, or "" when it cannot


def uses(portfolio: Portfolio, target: Target) -> tuple[list[Use], dict[Path, list[int]]]:
    """What refers to the target (YAML references), and the metric data rows naming it."""
    out = []
    for r in _references(portfolio, target):
        out.append(
            Use(
                f"{r.file}:{r.line}",
                f"{_word(r.source_kind)} '{r.source_id}', {_path_text(r.path)}",
                _cascade_action(r),
            )
        )
    for lane in lane_uses(portfolio, target):
        out.append(
            Use(
                f"{lane.file}:{lane.line}",
                f"journey '{lane.journey}', step '{lane.step}', lanes.{target.ident}",
                "the step's entry in the lane removed",
            )
        )
    return out, _csv_rows(portfolio.root, target)


def _path_text(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (("." if out else "") + str(part))
    return out


def _cascade_action(r: Reference) -> str:
    """What `--cascade` does with one reference; "" when it cannot remove it (a required field)."""
    info = r.field
    name = info.name
    if info.many:
        return f"removed from the list `{name}`"
    if name == "channel" and "touchpoints" in info.path:
        return "the touchpoint removed"
    if name == "step" or (name == "journey" and "parent" in info.path):
        return "the `parent` link removed"
    model_field = info.model.model_fields.get(name)
    if model_field is not None and not model_field.is_required():
        return f"the `{name}` removed"
    return ""


def remove(portfolio: Portfolio, kind_word: str, ident: str, *, cascade: bool) -> Changeset:
    """Every change removing the entity; without `cascade`, Refused listing what would break when it is used."""
    target = resolve_for_removal(portfolio, kind_word, ident)
    found, rows = uses(portfolio, target)
    if not cascade and (found or rows):
        lines = [f"  {u.where}: {u.what}" for u in found]
        lines += [f"  {_shown(p)}: {plural(len(r), 'metric data row')}" for p, r in rows.items()]
        if target.dangling:
            raise Refused(
                f"{kind_word} '{ident}' is not defined any more, but still named here:\n"
                + "\n".join(lines)
                + "\nnothing changed [with --cascade these go too]"
            )
        raise Refused(
            f"{kind_word} '{ident}' is still used; removing it would break:\n"
            + "\n".join(lines)
            + "\nnothing changed [with --cascade these go too; or change them first]"
        )
    blocked = [u for u in found if not u.action]
    if blocked:
        lines = [f"  {u.where}: {u.what}" for u in blocked]
        raise Refused(
            f"{kind_word} '{ident}' is required where it is used, so --cascade cannot remove it there:\n"
            + "\n".join(lines)
            + f"\nnothing changed [give them another {kind_word} first]"
        )
    root = portfolio.root
    changes = Changeset(root)
    files = _Files(portfolio)
    said: list[str] = []
    try:
        if target.dangling:
            said.append(f"{kind_word} '{ident}' is not defined: only what still names it is removed")
        elif target.kind == "journeys":
            path = Path(portfolio.journey_files[target.ident])
            changes.delete(path)
            said.append(f"{path.as_posix()}: deleted")
        elif target.kind == "steps":
            file = portfolio.journey_files[target.step_journey]
            loc = _step_loc(portfolio.journeys[target.step_journey], target.ident)
            if len(portfolio.journeys[target.step_journey].phases[loc[1]].steps) == 1:
                raise Refused(
                    f"step '{ident}' is the only step of its phase: remove the phase in {file} "
                    "instead (a phase needs a step)"
                )
            remove_list_items(files.of(file), files.source(file), loc[:-1], {loc[-1]})
            said.append(f"{file}:{files.source(file).position(loc)[0]}: the step")
        else:
            file, loc = portfolio.origins[(target.kind, target.ident)]
            _remove_entry(files, file, tuple(loc))
            said.append(f"{file}:{files.source(file).position(loc, key=True)[0]}: the definition")
        by_file: dict[str, list[int]] = {}
        lists: dict[tuple[str, tuple], set[int]] = {}  # items of one list removed together
        for r in _references(portfolio, target):
            if target.kind == "journeys" and r.file == portfolio.journey_files.get(target.ident):
                continue
            rfile = _file_of(r)
            if r.field.many:
                lists.setdefault((rfile, tuple(r.loc[:-1])), set()).add(r.loc[-1])
            elif r.field.name == "channel" and "touchpoints" in r.field.path:
                lists.setdefault((rfile, tuple(r.loc[:-2])), set()).add(r.loc[-2])
            elif r.field.name == "step" or (r.field.name == "journey" and "parent" in r.field.path):
                remove_key(files.of(rfile), files.source(rfile), r.loc[:-1])
            else:
                remove_key(files.of(rfile), files.source(rfile), r.loc)
            by_file.setdefault(rfile, []).append(r.line)
        for (file, parent), indices in lists.items():
            remove_list_items(files.of(file), files.source(file), parent, indices)
        for lane in lane_uses(portfolio, target):
            # a step left with no custom lane loses its `lanes:` key too (an empty `lanes:` would be null)
            remove_key(files.of(lane.file), files.source(lane.file), lane.loc[:-1] if lane.last else lane.loc)
            by_file.setdefault(lane.file, []).append(lane.line)
        for file, ref_lines in sorted(by_file.items()):
            said.append(f"{file}:{_lines(ref_lines)}: {plural(len(ref_lines), 'reference')} removed")
    except EditError as exc:
        raise Refused(f"cannot edit the files surgically: {exc} [edit that place by hand]") from None
    for path, found_rows in rows.items():
        lines = changes.read(path).splitlines(keepends=True)
        drop = set(found_rows)
        changes.write(path, "".join(line for k, line in enumerate(lines) if k not in drop))
        said.append(f"{_shown(path)}: {plural(len(found_rows), 'metric data row')} removed")
    for file, edits in files.edits.items():
        if changes.texts.get(Path(file), "") is None:
            continue  # the file itself is deleted
        changes.write(Path(file), edits.apply())
    changes.said = said
    return changes


def _remove_entry(files: _Files, file: str, loc: tuple) -> None:
    """A catalogue entry removed; when it is the last of its collection, the collection becomes `{}`."""
    source = files.source(file)
    edits = files.of(file)
    collection = source.data[loc[0]]
    if len(collection) > 1:
        remove_key(edits, source, loc)
        return
    key_line, key_col = source.position(loc[:1], key=True)
    text = edits.lines[key_line - 1]
    colon = text.index(":", key_col - 1)
    ending = "\n" if text.endswith("\n") else ""
    edits.replacements.append((key_line - 1, colon + 1, len(text), " {}" + ending))
    line, _ = source.position(loc, key=True)
    edits.delete_lines(line - 1, block_end(edits.lines, line - 1, source.position(loc, key=True)[1] - 1))
