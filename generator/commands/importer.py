"""`journeys import mermaid FILE`: turn a Mermaid journey diagram into a journey file;
`journeys import csv|xlsx FILE --id ID`: a spreadsheet of steps into one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.authoring.yamltext import is_id, schema_line, slugify
from generator.load.check import check
from generator.load.read_portfolio import MAPS_DIR


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="turn an existing diagram into a journey file",
                       description="Import a diagram as a journey file. Exit 0 written, 1 not (invalid "
                                   "diagram, existing or bad id), 2 usage error.")
    kinds = p.add_subparsers(dest="kind", metavar="KIND")
    kinds.required = True
    m = kinds.add_parser("mermaid", help="a Mermaid `journey` diagram (.mmd, or the first ```mermaid block of a Markdown file)",
                         description="Sections become phases, tasks steps, scores emotions (1-5), actors personas "
                                     "(ids slugified from their names; the command prints the ones to define).")
    m.add_argument("file", help="the Mermaid file")
    m.add_argument("--id", help="the journey's id (default: slugified from the diagram's title)")
    m.add_argument("--dir", default="journeys", help="the portfolio folder (default: journeys)")
    m.add_argument("--out", help="the folder to write the journey file in (default: DIR/maps)")
    m.add_argument("--department", default="unassigned",
                   help="the owner's department id (default: unassigned, a placeholder to replace)")
    m.set_defaults(run=run)
    for kind in ("csv", "xlsx"):
        s = kinds.add_parser(kind, help=f"a spreadsheet ({kind.upper()}): one row per step, one column per lane",
                             description="Columns matched by header name in any order (Phase, Step, the lanes, "
                                         "custom lanes by name); only Step is required. Every cell is checked "
                                         "(file:row:column and the cell, e.g. B7) before anything is written.")
        s.add_argument("file", help=f"the .{kind} file")
        s.add_argument("--id", required=True, help="the new journey's id")
        s.add_argument("--dir", default="journeys", help="the portfolio folder (default: journeys)")
        s.add_argument("--out", help="the folder to write the journey file in (default: DIR/maps)")
        s.add_argument("--title", help="the journey's title (default: from the Journey sheet, else from the id)")
        s.add_argument("--department",
                       help="the owner's department id (default: the Journey sheet's, else the department owning "
                            "most steps, else the portfolio's first)")
        s.set_defaults(run=run_spreadsheet)


def run_spreadsheet(args: argparse.Namespace) -> int:
    from generator.authoring import spreadsheet  # not at the top: `journeys check` need not load it

    source = Path(args.file)
    if not is_id(args.id):
        print(f"journeys import: error: '{args.id}' is not a valid journey id [try '{slugify(args.id, 'my-journey')}': "
              f"lowercase letters, digits and dashes]", file=sys.stderr)
        return 1
    if source.suffix.lower() != f".{args.kind}":
        print(f"journeys import: error: '{args.file}' is not a .{args.kind} file "
              f"[use `journeys import {source.suffix.lower().lstrip('.') or args.kind} ...`]", file=sys.stderr)
        return 2
    try:
        rows, facts = spreadsheet.read_rows(source)
    except spreadsheet.SheetError as exc:
        print(f"journeys import: error: {exc}", file=sys.stderr)
        return 1
    root = Path(args.dir)
    portfolio = check(root)[0] if root.is_dir() else None
    out_dir = Path(args.out) if args.out else root / MAPS_DIR
    target = out_dir / f"{args.id}.yaml"
    existing = portfolio.journey_files.get(args.id) if portfolio else None
    if target.exists() or existing:
        print(f"journeys import: error: journey '{args.id}' already exists ({existing or target}) "
              f"[choose another id with --id]", file=sys.stderr)
        return 1
    result = spreadsheet.to_journey(args.id, rows, facts, file=source.as_posix(), portfolio=portfolio,
                                    department=args.department, title=args.title,
                                    schema=schema_line(target, "journey", root))
    if isinstance(result, list):
        for d in result:
            print(d.text())
        print(f"✗ not imported: {len(result)} error{'s' if len(result) != 1 else ''}")
        return 1
    out_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(result.text, encoding="utf-8")
    steps = len(result.journey.steps())
    print(f"wrote {target.as_posix()}: {len(result.journey.phases)} phase"
          f"{'s' if len(result.journey.phases) != 1 else ''}, {steps} step{'s' if steps != 1 else ''}")
    if portfolio is None or result.journey.owner.department not in portfolio.departments:
        print(f"define department '{result.journey.owner.department}' under `departments:`, or change the "
              f"journey's owner.department (--department ID)")
    return 0


def run(args: argparse.Namespace) -> int:
    from generator.authoring.mermaid import parse, to_journey  # not at the top: `journeys check` need not load it

    source = Path(args.file)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"journeys import: error: cannot read '{args.file}': {getattr(exc, 'strerror', None) or exc}",
              file=sys.stderr)
        return 2
    diagram, problems = parse(text, args.file)
    if diagram is None:
        for d in problems:
            print(d.text())
        print(f"✗ not imported: {len(problems)} error{'s' if len(problems) != 1 else ''}")
        return 1
    root = Path(args.dir)
    out_dir = Path(args.out) if args.out else root / MAPS_DIR
    jid = args.id or slugify(diagram.title or source.stem, "journey")
    if not is_id(jid):
        print(f"journeys import: error: '{jid}' is not a valid journey id [try '{slugify(jid, 'my-journey')}': "
              f"lowercase letters, digits and dashes]", file=sys.stderr)
        return 1
    if not is_id(args.department):
        print(f"journeys import: error: '{args.department}' is not a valid department id "
              f"[try '{slugify(args.department, 'unassigned')}']", file=sys.stderr)
        return 1
    portfolio = check(root)[0] if root.is_dir() else None
    target = out_dir / f"{jid}.yaml"
    existing = portfolio.journey_files.get(jid) if portfolio else None
    if target.exists() or existing:
        print(f"journeys import: error: journey '{jid}' already exists ({existing or target}) "
              f"[choose another id with --id]", file=sys.stderr)
        return 1
    imported = to_journey(diagram, source=source.name, schema=schema_line(target, "journey", root),
                          department=args.department)
    out_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(imported.text, encoding="utf-8")
    steps = len(imported.journey.steps())
    print(f"wrote {target.as_posix()}: {len(imported.journey.phases)} phase"
          f"{'s' if len(imported.journey.phases) != 1 else ''}, {steps} step{'s' if steps != 1 else ''}")
    if diagram.acc_title:
        print(f"note: accTitle '{diagram.acc_title}' is not kept: the site titles the journey by its title")
    known_personas = set(portfolio.personas) if portfolio else set()
    missing = {pid: name for pid, name in imported.personas.items() if pid not in known_personas}
    if missing:
        print("define these personas in a catalogue file (e.g. journeys/personas.yaml), "
              "or run `journeys new persona ID` for each:")
        print("personas:")
        for pid, name in missing.items():
            print(f"  {pid}:\n    name: {name}")
    if portfolio is None or args.department not in portfolio.departments:
        print(f"define department '{args.department}' under `departments:`, or change the journey's "
              f"owner.department (--department ID)")
    return 0
