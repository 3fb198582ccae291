"""`journeys import mermaid FILE`: turn a Mermaid journey diagram into a journey file."""

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
