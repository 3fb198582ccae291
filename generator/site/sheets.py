"""Journeys and the backlog as spreadsheets: the documented layout, and CSV and XLSX bytes.

One row per step, one column per lane (docs/guide/authoring.md, Spreadsheets). The layout lives here, below the
authoring commands, because the site offers each journey's CSV and XLSX for download; `journeys import`
(`authoring/spreadsheet.py`) reads the same columns back.

A cell holding several items (pain points, touchpoints, ids) has one item per line; an item's attributes
follow its text after ` | `, e.g. `The form times out | severity: 4 | insight: slow-forms`.

Every value is untrusted text, and a spreadsheet program runs a cell starting with `=` as a formula: XLSX
cells are always written as strings (never formulas), and a CSV cell starting with `=`, `+`, `-`, `@`, a tab
or a carriage return gets a leading `'` (the usual guard; `journeys import` removes it again).
Same journey, same bytes: the XLSX has fixed workbook dates and fixed times inside its zip archive.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from generator.model.entities import Journey, LaneKind, Step
from generator.model.portfolio import Portfolio

# (key, header) of the built-in columns, in order; custom lanes follow, headed by their names
COLUMNS: tuple[tuple[str, str], ...] = (
    ("phase_id", "Phase id"),
    ("phase", "Phase"),
    ("phase_description", "Phase description"),
    ("step_id", "Step id"),
    ("step", "Step"),
    ("description", "What happens"),
    ("does", "Does"),
    ("thinks", "Thinks"),
    ("feels", "Feels"),
    ("emotion", "Emotion"),
    ("moment_of_truth", "Moment of truth"),
    ("owner", "Owner"),
    ("personas", "Personas"),
    ("touchpoints", "Touchpoints"),
    ("pain_points", "Pain points"),
    ("verbatims", "Verbatims"),
    ("highlights", "Highlights"),
    ("backstage", "Backstage"),
    ("systems", "Systems"),
    ("insights", "Insights"),
    ("opportunities", "Opportunities"),
    ("solutions", "Solutions"),
    ("metrics", "Metrics"),
)
LIST_FIELDS = ("highlights", "backstage", "systems", "insights", "opportunities", "solutions", "metrics")
TEXT_FIELDS = ("description", "does", "thinks", "feels")
NO_PERSONA = "(none)"  # a step no persona takes part in (`personas: []`), unlike an empty cell (all of them)
# the attributes an item may carry after its text, by column
ATTRIBUTES = {
    "touchpoints": ("channel", "department", "assumed", "validated"),
    "pain_points": ("severity", "evidence", "insight"),
    "verbatims": ("persona", "source", "date"),
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FIXED_TIME = _dt.datetime(2000, 1, 1)  # workbook created/modified: the bytes depend on the content only
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
JOURNEY_FIELDS = (
    "title",
    "description",
    "goal",
    "type",
    "level",
    "status",
    "lifecycle",
    "owner.person",
    "owner.department",
    "personas",
    "tags",
    "parent.journey",
    "parent.step",
    "next",
    "replaces",
    "metrics",
)


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[list[str]]  # the first row is the header


def _item(text: str, attrs: Iterable[tuple[str, object]]) -> str:
    parts = [" ".join(text.split())] + [f"{k}: {' '.join(str(v).split())}" for k, v in attrs if v not in (None, "")]
    return " | ".join(parts)


def _lines(items: Iterable[str]) -> str:
    return "\n".join(" ".join(i.split()) for i in items)


def step_cells(step: Step) -> dict[str, str]:
    """The step's cells by column key (phase columns aside)."""
    cells = {f: getattr(step, f) for f in TEXT_FIELDS}
    cells.update({f: _lines(getattr(step, f)) for f in LIST_FIELDS})
    cells["step_id"], cells["step"] = step.id, step.name
    cells["emotion"] = str(step.emotion) if step.emotion else ""
    cells["moment_of_truth"] = "yes" if step.moment_of_truth else ""
    cells["owner"] = step.owner or ""
    cells["personas"] = "" if step.personas is None else (_lines(step.personas) or NO_PERSONA)
    cells["touchpoints"] = "\n".join(
        _item(
            t.name,
            [
                ("channel", t.channel),
                ("department", t.department),
                ("assumed", t.assumed_importance),
                ("validated", t.validated_importance),
            ],
        )
        for t in step.touchpoints
    )
    cells["pain_points"] = "\n".join(
        _item(p.text, [("severity", p.severity), ("evidence", p.evidence), ("insight", p.insight)])
        for p in step.pain_points
    )
    cells["verbatims"] = "\n".join(
        _item(v.quote, [("persona", v.persona), ("source", v.source), ("date", v.date)]) for v in step.verbatims
    )
    return cells


def journey_sheet(journey: Journey, portfolio: Portfolio) -> Sheet:
    """The map: a header row, then one row per step; the phase's description on its first step only."""
    lanes = list(portfolio.lanes.items())
    header = [h for _, h in COLUMNS] + [d.name for _, d in lanes]
    rows = [header]
    for phase in journey.phases:
        for i, step in enumerate(phase.steps):
            cells = step_cells(step)
            cells.update(phase_id=phase.id, phase=phase.name, phase_description=phase.description if i == 0 else "")
            row = [cells[key] for key, _ in COLUMNS]
            for lane, d in lanes:
                value = step.lanes.get(lane, "" if d.kind is LaneKind.text else [])
                row.append(value if isinstance(value, str) else _lines(value))
            rows.append(row)
    return Sheet("Map", rows)


def journey_facts(jid: str, journey: Journey) -> Sheet:
    """The journey's own fields (XLSX only), one `field | value` row each, so an import keeps them."""

    def value(field: str) -> str:
        current: object = journey
        for part in field.split("."):
            current = getattr(current, part, None) if current is not None else None
        if isinstance(current, list):
            return _lines(current)
        return "" if current is None else str(getattr(current, "value", current))

    return Sheet("Journey", [["Field", "Value"], ["id", jid]] + [[f, value(f)] for f in JOURNEY_FIELDS])


def backlog_sheet(portfolio: Portfolio, steps_using: dict[str, list[str]] | None = None) -> Sheet:
    """The opportunities, highest priority first (impact x reach / effort; ties by id), with their links."""
    from generator.site.render import score  # the backlog's own ranking, so the two cannot differ

    ranked = sorted(portfolio.opportunities.items(), key=lambda kv: (-score(kv[1]), kv[0]))
    solutions: dict[str, list[str]] = {}
    for sid, sol in portfolio.solutions.items():
        for oid in sol.opportunities:
            solutions.setdefault(oid, []).append(sid)
    if steps_using is None:
        steps_using = {}
        for jid in sorted(portfolio.journeys):
            for step in portfolio.journeys[jid].steps():
                for oid in step.opportunities:
                    steps_using.setdefault(oid, []).append(f"{jid}/{step.id}")
    rows = [
        [
            "Rank",
            "Id",
            "Opportunity",
            "Priority",
            "Impact",
            "Reach",
            "Effort",
            "Status",
            "Description",
            "Insights",
            "Steps",
            "Solutions",
            "Links",
        ]
    ]
    for rank, (oid, o) in enumerate(ranked, 1):
        rows.append(
            [
                str(rank),
                oid,
                o.title,
                f"{score(o):.1f}",
                str(o.impact),
                str(o.reach),
                str(o.effort),
                o.status.value,
                o.description,
                _lines(o.insights),
                _lines(steps_using.get(oid, [])),
                _lines(solutions.get(oid, [])),
                "\n".join(_item(link.url, [("title", link.title), ("kind", link.kind.value)]) for link in o.links),
            ]
        )
    return Sheet("Backlog", rows)


# ----------------------------------------------------------------------------------------------- bytes


def _guard(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def to_csv(sheet: Sheet) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads the accents), CRLF rows, formula-like cells guarded."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in sheet.rows:
        writer.writerow([_guard(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(sheets: list[Sheet]) -> bytes:
    """An Excel workbook, one worksheet per sheet, every cell a string; the same sheets give the same bytes."""
    from openpyxl import Workbook  # only the commands and the site's downloads need it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    wb = Workbook(write_only=True)  # streamed: a third of the time of a normal workbook
    bold, wrapped = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        ws.freeze_panes = "A2"
        for r, row in enumerate(sheet.rows):
            cells = []
            for value in row:
                cell = WriteOnlyCell(ws)
                cell._value, cell.data_type = value, "s"  # a string, never a formula
                if r == 0:
                    cell.font = bold
                elif "\n" in value:
                    cell.alignment = wrapped
                cells.append(cell)
            ws.append(cells)
    wb.properties.creator = "journeys"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    wb.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with fixed entry times (openpyxl stamps each entry with the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl sets `modified` to the time of saving
                content = _fixed_core(content)
            fixed = zipfile.ZipInfo(info.filename, ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, content)
    return out.getvalue()


def _fixed_core(content: bytes) -> bytes:
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", content)
