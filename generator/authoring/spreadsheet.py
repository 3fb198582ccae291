"""`journeys import csv|xlsx`: a spreadsheet of steps into a journey file that passes `journeys check`.

Reads the layout `journeys export` writes (`site/sheets.py`: one row per step, one column per lane) and a
looser one: any columns in any order, matched by header name (`Pain points`, `pain_points`, `pain-points`
alike; a custom lane by its name or id), only `Step` required. An unknown header gets "did you mean"; a bad
cell gets `file:row:column` with its Excel reference (`B7`) and a hint. Nothing is written unless every cell
is valid and every id it names exists in the portfolio.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from generator.authoring.yamltext import slugify
from generator.common.codes import Code
from generator.common.diagnostics import Diagnostic
from generator.common.suggest import did_you_mean, known
from generator.model.entities import Journey, LaneKind
from generator.model.portfolio import Portfolio
from generator.site.sheets import (
    ATTRIBUTES,
    COLUMNS,
    FORMULA_START,
    JOURNEY_FIELDS,
    LIST_FIELDS,
    NO_PERSONA,
    TEXT_FIELDS,
)

MAX_ROWS = 5000  # a journey map, not a data dump: a larger sheet is almost certainly the wrong file
# which catalogue collection each id column (or item attribute) names
ID_COLUMNS = {
    "owner": "departments",
    "personas": "personas",
    "insights": "insights",
    "opportunities": "opportunities",
    "solutions": "solutions",
    "metrics": "metrics",
}
ID_ATTRIBUTES = {
    ("touchpoints", "channel"): "channels",
    ("touchpoints", "department"): "departments",
    ("pain_points", "insight"): "insights",
    ("verbatims", "persona"): "personas",
}


class SheetError(Exception):
    """The file cannot be read as a spreadsheet at all (message to print, exit 1)."""


def cell_ref(row: int, col: int) -> str:
    """Excel's name of a cell: column letters then row number (`B7`, `AA12`)."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def _norm(header: str) -> str:
    return re.sub(r"[\s_-]+", " ", header.strip().lower())


# ----------------------------------------------------------------------------------------------- reading


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def _unguard(cell: str) -> str:
    """Remove the `'` that export puts before a cell that a spreadsheet would run as a formula."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def read_rows(path: Path) -> tuple[list[list[str]], dict[str, str]]:
    """(the rows of the map sheet, the journey's own fields from a `Journey` sheet if there is one)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            text = path.read_bytes().decode("utf-8-sig")
            rows = [[_unguard(c) for c in row] for row in csv.reader(io.StringIO(text, newline=""))]
            return rows, {}
        if suffix == ".xlsx":
            return _read_xlsx(path)
    except UnicodeDecodeError:
        raise SheetError(
            f"{path.as_posix()}: not UTF-8 text [save the CSV as UTF-8, e.g. 'CSV UTF-8' in Excel]"
        ) from None
    except csv.Error as exc:
        raise SheetError(f"{path.as_posix()}: not a readable CSV file: {exc}") from None
    except OSError as exc:
        raise SheetError(f"{path.as_posix()}: cannot read it: {exc.strerror or exc}") from None
    raise SheetError(f"{path.as_posix()}: expected a .csv or .xlsx file [save the sheet as CSV UTF-8 or Excel]")


def _read_xlsx(path: Path) -> tuple[list[list[str]], dict[str, str]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SheetError(f"{path.as_posix()}: not an Excel workbook ({exc}) [save it as .xlsx]") from None
    try:
        ws = wb["Map"] if "Map" in wb.sheetnames else wb.worksheets[0]
        rows = [[_text(v) for v in row] for row in ws.iter_rows(values_only=True, max_row=MAX_ROWS + 1)]
        facts: dict[str, str] = {}
        if "Journey" in wb.sheetnames:
            for row in wb["Journey"].iter_rows(values_only=True, max_row=100):
                if len(row) >= 2 and row[0] and row[0] != "Field":
                    facts[_text(row[0])] = _text(row[1])
        return rows, facts
    finally:
        wb.close()


# ----------------------------------------------------------------------------------------------- parsing


@dataclass
class Imported:
    journey: Journey
    text: str
    problems: list[Diagnostic] = field(default_factory=list)


class _Reader:
    def __init__(self, file: str, portfolio: Portfolio | None):
        self.file = file
        self.p = portfolio
        self.problems: list[Diagnostic] = []
        self.columns: dict[int, str] = {}  # 0-based column index -> key (`lane:<id>` for a custom lane)
        self.headers: dict[int, str] = {}

    def error(self, row: int, col: int, message: str, hint: str = "") -> None:
        where = f"{cell_ref(row, col + 1)}"
        if col in self.headers:
            where += f" ({self.headers[col]})"
        self.problems.append(Diagnostic(self.file, row, col + 1, "error", message, Code.SPREADSHEET, where, hint))

    # ---- the header row
    def header(self, row: list[str]) -> None:
        names: dict[str, str] = {}
        for column, label in COLUMNS:
            names[_norm(label)] = column
            names[_norm(column)] = column
        for lane, d in self.p.lanes.items() if self.p else ():
            names[_norm(d.name)] = f"lane:{lane}"
            names[_norm(lane)] = f"lane:{lane}"
        seen: dict[str, int] = {}
        for col, raw in enumerate(row):
            if not raw.strip():
                continue
            self.headers[col] = raw.strip()
            key = names.get(_norm(raw))
            if key is None:
                labels = [label for _, label in COLUMNS] + ([d.name for d in self.p.lanes.values()] if self.p else [])
                hint = did_you_mean(raw.strip(), labels) or ("columns: " + ", ".join(labels))
                self.error(
                    1,
                    col,
                    f"unknown column '{raw.strip()}'",
                    hint + "; or declare a custom lane with this name under `lanes:`",
                )
                continue
            if key in seen:
                self.error(
                    1,
                    col,
                    f"column '{raw.strip()}' appears twice (also {cell_ref(1, seen[key] + 1)})",
                    "keep one of the two",
                )
                continue
            seen[key] = col
            self.columns[col] = key
        if "step" not in seen and not self.problems:
            self.error(1, 0, "no 'Step' column", "name the column of step names `Step`")

    # ---- the cells
    def ids(self, row: int, col: int, value: str, collection: str) -> list[str]:
        out = []
        for ident in _split(value):
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", ident):
                self.error(row, col, f"'{ident}' is not an id", f"write '{slugify(ident, 'an-id')}'")
            elif self.p is not None and ident not in self.p.collection(collection):
                pool = self.p.collection(collection)
                self.error(
                    row,
                    col,
                    f"unknown {collection[:-1] if collection != 'opportunities' else 'opportunity'} '{ident}'",
                    did_you_mean(ident, pool) or known(pool),
                )
            else:
                out.append(ident)
        return out

    def items(self, row: int, col: int, key: str, value: str) -> list[dict]:
        out = []
        allowed = ATTRIBUTES[key]
        for line in _split(value):
            parts = line.split(" | ")
            attrs: dict[str, str] = {}
            while len(parts) > 1 and re.fullmatch(r"[a-z][a-z ]{0,20}: .*", parts[-1], flags=re.S):
                name, _, v = parts.pop().partition(": ")
                if name not in allowed:
                    self.error(
                        row,
                        col,
                        f"unknown attribute '{name}' in “{line[:40]}”",
                        did_you_mean(name, allowed) or "allowed: " + ", ".join(allowed),
                    )
                attrs[name] = v.strip()
            item: dict = {"text": " | ".join(parts).strip()}
            for name, v in attrs.items():
                if (key, name) in ID_ATTRIBUTES:
                    found = self.ids(row, col, v, ID_ATTRIBUTES[key, name])
                    item[name] = found[0] if found else None  # reported: not reported again as missing
                elif name in ("severity", "assumed", "validated"):
                    number = _score(v)
                    if number is None:
                        self.error(
                            row, col, f"{name} '{v}' is not a whole number from 1 to 5", f"write e.g. `{name}: 3`"
                        )
                    else:
                        item[name] = number
                elif name == "date":
                    try:
                        item[name] = _dt.date.fromisoformat(v)
                    except ValueError:
                        self.error(row, col, f"date '{v}' is not a date", "write the date as YYYY-MM-DD")
                elif name in allowed:
                    item[name] = v
            out.append(item)
        return out

    def step(self, row: int, cells: dict[str, tuple[int, str]]) -> dict:
        step: dict = {}
        for key, (col, value) in cells.items():
            if not value.strip() or key in ("phase", "phase_id", "phase_description", "step", "step_id"):
                continue
            if key in TEXT_FIELDS:
                step[key] = value.strip()
            elif key in ID_COLUMNS and key != "owner":
                if key == "personas" and value.strip() == NO_PERSONA:
                    step[key] = []
                else:
                    step[key] = self.ids(row, col, value, ID_COLUMNS[key])
            elif key == "owner":
                found = self.ids(row, col, value, "departments")
                if found:
                    step[key] = found[0]
            elif key in LIST_FIELDS:
                step[key] = _split(value)
            elif key == "emotion":
                number = _score(value)
                if number is None:
                    self.error(
                        row,
                        col,
                        f"emotion '{value.strip()}' is not a whole number from 1 to 5",
                        "write 1 (very negative) to 5 (very positive), 3 for neutral, or leave it empty",
                    )
                else:
                    step[key] = number
            elif key == "moment_of_truth":
                flag = value.strip().lower()
                if flag in ("yes", "y", "true", "x", "1", "★"):
                    step[key] = True
                elif flag not in ("no", "n", "false", "0"):
                    self.error(row, col, f"'{value.strip()}' is not yes or no", "write yes, or leave it empty")
            elif key == "touchpoints":
                step[key] = [self._touchpoint(row, col, t) for t in self.items(row, col, key, value)]
            elif key == "pain_points":
                pains = [{k: v for k, v in t.items() if v is not None} for t in self.items(row, col, key, value)]
                step[key] = [t["text"] if set(t) == {"text"} else t for t in pains]
            elif key == "verbatims":
                step[key] = [
                    {("quote" if k == "text" else k): v for k, v in t.items() if v is not None}
                    for t in self.items(row, col, key, value)
                ]
            elif key.startswith("lane:"):
                lane = key[5:]
                kind = self.p.lanes[lane].kind if self.p else LaneKind.text
                step.setdefault("lanes", {})[lane] = _split(value) if kind is LaneKind.list else value.strip()
        return step

    def _touchpoint(self, row: int, col: int, item: dict) -> dict:
        out = {"name": item["text"]}
        if "channel" not in item:
            self.error(
                row,
                col,
                f"touchpoint “{item['text'][:40]}” has no channel",
                "add ` | channel: <channel id>` after its name",
            )
        for name, target in (
            ("channel", "channel"),
            ("department", "department"),
            ("assumed", "assumed_importance"),
            ("validated", "validated_importance"),
        ):
            if item.get(name) is not None:
                out[target] = item[name]
        return out


def _split(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _score(value: str) -> int | None:
    text = value.strip()
    return int(text) if re.fullmatch(r"[1-5](\.0)?", text) else None


def parse(rows: list[list[str]], file: str, portfolio: Portfolio | None) -> tuple[list[dict], list[Diagnostic]]:
    """The phases (as YAML data) of a sheet's rows, or the problems found in its cells."""
    reader = _Reader(file, portfolio)
    if not rows or not any(c.strip() for c in rows[0]):
        reader.problems.append(
            Diagnostic(
                file,
                1,
                1,
                "error",
                "the first row must name the columns",
                Code.SPREADSHEET,
                "A1",
                "put `Phase`, `Step` and the lane names in row 1",
            )
        )
        return [], reader.problems
    if len(rows) > MAX_ROWS + 1:
        reader.problems.append(
            Diagnostic(
                file,
                MAX_ROWS + 2,
                1,
                "error",
                f"more than {MAX_ROWS} steps",
                Code.SPREADSHEET,
                cell_ref(MAX_ROWS + 2, 1),
                "split the journey into several journeys",
            )
        )
        return [], reader.problems
    reader.header(rows[0])
    if reader.problems:
        return [], reader.problems
    phases: list[dict] = []
    by_name: dict[str, dict] = {}
    step_ids: set[str] = set()
    col_of = {key: col for col, key in reader.columns.items()}
    for index, raw in enumerate(rows[1:], start=2):
        cells = {key: (col, raw[col] if col < len(raw) else "") for col, key in reader.columns.items()}
        if not any(v.strip() for _, v in cells.values()):
            continue
        name = cells.get("step", (0, ""))[1].strip()
        if not name:
            reader.error(
                index,
                col_of["step"],
                "this row has content but no step name",
                "write the step's name, in the person's words, or empty the row",
            )
            continue
        phase_name = cells.get("phase", (0, ""))[1].strip()
        phase_id = cells.get("phase_id", (0, ""))[1].strip()
        if not phase_name and not phase_id:
            if phases:
                phase = phases[-1]  # an empty phase cell continues the phase above (merged cells, too)
            elif "phase" in col_of:
                reader.error(index, col_of["phase"], "the first step has no phase", "write the phase's name")
                continue
            else:
                phase = {"id": "steps", "name": "Steps", "steps": []}
                phases.append(phase)
        else:
            key = phase_id or slugify(phase_name, "phase")
            if key not in by_name:
                by_name[key] = {"id": key, "name": phase_name or phase_id, "steps": []}
                phases.append(by_name[key])
            phase = by_name[key]
        description = cells.get("phase_description", (0, ""))[1].strip()
        if description and "description" not in phase:
            phase["description"] = description
        step_id = cells.get("step_id", (0, ""))[1].strip()
        if step_id and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", step_id):
            reader.error(index, col_of["step_id"], f"'{step_id}' is not an id", f"write '{slugify(step_id, 'step')}'")
            continue
        if step_id in step_ids:
            reader.error(index, col_of["step_id"], f"step id '{step_id}' appears twice", "step ids must be unique")
            continue
        if not step_id:
            base = step_id = slugify(name, "step")
            n = 2
            while step_id in step_ids:
                step_id, n = f"{base}-{n}", n + 1
        step_ids.add(step_id)
        step = {"id": step_id, "name": name, **reader.step(index, cells)}
        phase["steps"].append(step)
    if not phases and not reader.problems:
        reader.problems.append(
            Diagnostic(
                file,
                2,
                1,
                "error",
                "no steps: every row under the header is empty",
                Code.SPREADSHEET,
                "A2",
                "one row per step",
            )
        )
    for phase in phases:  # keys in the order of a journey file
        steps = phase.pop("steps")
        phase["steps"] = steps
    return phases, reader.problems


# ----------------------------------------------------------------------------------------------- the journey


def journey_data(
    jid: str, phases: list[dict], facts: dict[str, str], *, source: str, department: str | None, title: str | None
) -> dict:
    """The whole journey file's data: the sheet's phases, the `Journey` sheet's fields, placeholders otherwise."""
    data: dict = {
        "title": title or facts.get("title") or jid.replace("-", " ").capitalize(),
        "description": facts.get("description") or f"Imported from {source}: say where it starts and ends.",
    }
    for name in JOURNEY_FIELDS:
        value = facts.get(name, "")
        if not value or name in ("title", "description"):
            continue
        if name in ("personas", "tags", "metrics"):
            data[name] = _split(value)
        elif "." in name:
            outer, inner = name.split(".")
            data.setdefault(outer, {})[inner] = value
        else:
            data[name] = value
    data.setdefault("owner", {}).setdefault("person", "To be assigned")
    data["owner"].setdefault("department", department or "unassigned")
    data["phases"] = phases
    order = ["title", "description", *[f.split(".")[0] for f in JOURNEY_FIELDS], "phases"]
    return {k: data[k] for k in dict.fromkeys(order) if k in data}


def _yaml(data: dict) -> str:
    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)


def to_journey(
    jid: str,
    rows: list[list[str]],
    facts: dict[str, str],
    *,
    file: str,
    portfolio: Portfolio | None,
    department: str | None = None,
    title: str | None = None,
    schema: str = "",
) -> Imported | list[Diagnostic]:
    """The imported journey and its file text, or every problem found in the sheet.

    The owner's department: `department`, else the `Journey` sheet's, else the one owning most steps, else
    the portfolio's first, so the file passes `journeys check` as written.
    """
    phases, problems = parse(rows, file, portfolio)
    if problems:
        return problems
    if department is None and not facts.get("owner.department"):
        owners = [s["owner"] for p in phases for s in p["steps"] if "owner" in s]
        department = (
            max(sorted(set(owners)), key=owners.count)
            if owners
            else next(iter(portfolio.departments), "unassigned")
            if portfolio
            else "unassigned"
        )
    if department is not None:
        facts = {**facts, "owner.department": department}
    data = journey_data(jid, phases, facts, source=Path(file).name, department=department, title=title)
    try:
        journey = Journey.model_validate(data)
    except ValidationError as exc:  # a journey field of the `Journey` sheet (the map's cells are checked above)
        return [
            Diagnostic(
                file,
                1,
                1,
                "error",
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}",
                Code.SPREADSHEET,
                "Journey sheet",
                "correct the value in the Journey sheet",
            )
            for e in exc.errors()
        ]
    header = (schema + "\n" if schema else "") + f"# Imported from {Path(file).name} by `journeys import`.\n"
    return Imported(journey, header + _yaml(data))
