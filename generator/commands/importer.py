"""`journeys import mermaid FILE`: turn a Mermaid journey diagram into a journey file;
`journeys import csv|xlsx FILE --id ID`: a spreadsheet of steps into one."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from generator.authoring.changeset import Changeset, verify, write
from generator.authoring.yamledit import EditError, append_entries
from generator.authoring.yamltext import is_id, scalar, schema_line, slugify
from generator.common.diagnostics import plural
from generator.common.suggest import did_you_mean, known
from generator.load.check import check
from generator.load.read_portfolio import MAPS_DIR
from generator.model.portfolio import Portfolio


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="turn an existing diagram into a journey file",
        description="Import a diagram as a journey file, adding what it needs to the "
        "catalogue. Exit 0 written, 1 nothing written (invalid diagram, existing or bad "
        "id, unknown department, the portfolio would be invalid), 2 usage error.",
    )
    kinds = p.add_subparsers(dest="kind", metavar="KIND")
    kinds.required = True
    m = kinds.add_parser(
        "mermaid",
        help="a Mermaid `journey` diagram (.mmd, or the first ```mermaid block of a Markdown file)",
        description="Sections become phases, tasks steps, scores emotions (1-5), actors personas "
        "(an existing persona whose name matches, else a new one added to the persona "
        "catalogue). The portfolio is checked as it would be: if it would be invalid, "
        "nothing is written.",
    )
    m.add_argument("file", help="the Mermaid file")
    m.add_argument("--id", help="the journey's id (default: slugified from the diagram's title)")
    m.add_argument("--dir", default="journeys", help="the portfolio folder (default: journeys)")
    m.add_argument("--out", help="the folder to write the journey file in (default: DIR/maps)")
    m.add_argument(
        "--department", default=None, help="the owner's department id (default: the only department of the portfolio)"
    )
    m.set_defaults(run=run)
    for kind in ("csv", "xlsx"):
        s = kinds.add_parser(
            kind,
            help=f"a spreadsheet ({kind.upper()}): one row per step, one column per lane",
            description="Columns matched by header name in any order (Phase, Step, the lanes, "
            "custom lanes by name); only Step is required. Every cell is checked "
            "(file:row:column and the cell, e.g. B7) before anything is written.",
        )
        s.add_argument("file", help=f"the .{kind} file")
        s.add_argument("--id", required=True, help="the new journey's id")
        s.add_argument("--dir", default="journeys", help="the portfolio folder (default: journeys)")
        s.add_argument("--out", help="the folder to write the journey file in (default: DIR/maps)")
        s.add_argument("--title", help="the journey's title (default: from the Journey sheet, else from the id)")
        s.add_argument(
            "--department",
            help="the owner's department id (default: the Journey sheet's, else the department owning "
            "most steps, else the portfolio's first)",
        )
        s.set_defaults(run=run_spreadsheet)


def run_spreadsheet(args: argparse.Namespace) -> int:
    from generator.authoring import spreadsheet  # not at the top: `journeys check` need not load it

    source = Path(args.file)
    if not is_id(args.id):
        print(
            f"journeys import: error: '{args.id}' is not a valid journey id [try '{slugify(args.id, 'my-journey')}': "
            f"lowercase letters, digits and dashes]",
            file=sys.stderr,
        )
        return 1
    if source.suffix.lower() != f".{args.kind}":
        print(
            f"journeys import: error: '{args.file}' is not a .{args.kind} file "
            f"[use `journeys import {source.suffix.lower().lstrip('.') or args.kind} ...`]",
            file=sys.stderr,
        )
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
        print(
            f"journeys import: error: journey '{args.id}' already exists ({existing or target}) "
            f"[choose another id with --id]",
            file=sys.stderr,
        )
        return 1
    result = spreadsheet.to_journey(
        args.id,
        rows,
        facts,
        file=source.as_posix(),
        portfolio=portfolio,
        department=args.department,
        title=args.title,
        schema=schema_line(target, "journey", root),
    )
    if isinstance(result, list):
        for d in result:
            print(d.text())
        print(f"✗ not imported: {len(result)} error{'s' if len(result) != 1 else ''}")
        return 1
    out_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(result.text, encoding="utf-8")
    steps = len(result.journey.steps())
    print(
        f"wrote {target.as_posix()}: {len(result.journey.phases)} phase"
        f"{'s' if len(result.journey.phases) != 1 else ''}, {steps} step{'s' if steps != 1 else ''}"
    )
    if portfolio is None or result.journey.owner.department not in portfolio.departments:
        print(
            f"define department '{result.journey.owner.department}' under `departments:`, or change the "
            f"journey's owner.department (--department ID)"
        )
    return 0


def run(args: argparse.Namespace) -> int:
    from generator.authoring.mermaid import (  # not at the top: `journeys check` need not load it
        match_personas,
        parse,
        to_journey,
    )

    source = Path(args.file)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(
            f"journeys import: error: cannot read '{args.file}': {getattr(exc, 'strerror', None) or exc}",
            file=sys.stderr,
        )
        return 2
    diagram, problems = parse(text, args.file)
    if diagram is None:
        for d in problems:
            print(d.text())
        print(f"✗ not imported: {len(problems)} error{'s' if len(problems) != 1 else ''}")
        return 1
    root = Path(args.dir)
    if not root.is_dir():
        print(
            f"journeys import: error: '{args.dir}' is not a folder [run it from your project, or pass the "
            f"portfolio folder with --dir]",
            file=sys.stderr,
        )
        return 2
    out_dir = Path(args.out) if args.out else root / MAPS_DIR
    jid = args.id or slugify(diagram.title or source.stem, "journey")
    if not is_id(jid):
        print(
            f"journeys import: error: '{jid}' is not a valid journey id [try '{slugify(jid, 'my-journey')}': "
            f"lowercase letters, digits and dashes]",
            file=sys.stderr,
        )
        return 1
    portfolio = check(root)[0]
    target = out_dir / f"{jid}.yaml"
    existing = portfolio.journey_files.get(jid)
    if target.exists() or existing:
        print(
            f"journeys import: error: journey '{jid}' already exists ({existing or target}) "
            f"[choose another id with --id]",
            file=sys.stderr,
        )
        return 1
    department = _department(args.department, portfolio)
    if department is None:
        return 1
    names = {pid: persona.name for pid, persona in portfolio.personas.items()}
    persona_ids = match_personas(diagram.actors, names)
    imported = to_journey(
        diagram,
        source=source.name,
        schema=schema_line(target, "journey", root),
        department=department,
        persona_ids=persona_ids,
    )
    changes = Changeset(root)
    changes.write(target, imported.text)
    new_personas = {pid: name for pid, name in imported.personas.items() if pid not in portfolio.personas}
    catalogue = None
    if new_personas:
        catalogue = _persona_file(root, portfolio)
        entries = [
            f"  {pid}:\n    # added by journeys import mermaid from {_comment(source.name)}: say who they are\n"
            f"    name: {scalar(name)}\n"
            for pid, name in new_personas.items()
        ]
        text = (
            catalogue.read_text(encoding="utf-8")
            if catalogue.exists()
            else schema_line(catalogue, "catalogue", root) + "\n"
        )
        source_yaml = portfolio.sources.get(_shown(catalogue))
        try:
            changes.write(catalogue, append_entries(text, source_yaml, "personas", entries))
        except EditError as exc:
            print(
                f"journeys import: error: not imported: cannot add personas to {_shown(catalogue)} ({exc}) "
                f"[define them yourself: {', '.join(new_personas)}]",
                file=sys.stderr,
            )
            return 1
    _, report = verify(changes)
    if report.errors:
        for group in report.grouped():
            if group.severity == "error":
                print(group.text())
        print(
            f"✗ not imported, nothing written: the portfolio would have {plural(len(report.errors), 'error')} "
            f"[if they are there already, fix them first: journeys check]"
        )
        return 1
    write(changes)
    steps = len(imported.journey.steps())
    print(f"wrote {target.as_posix()}: {plural(len(imported.journey.phases), 'phase')}, {plural(steps, 'step')}")
    if new_personas and catalogue is not None:  # the catalogue is chosen whenever there are new personas
        print(
            f"added {plural(len(new_personas), 'persona')} to {_shown(catalogue)}: "
            + ", ".join(f"{pid} ({name})" for pid, name in new_personas.items())
        )
    reused = sorted({pid for pid in persona_ids.values() if pid in portfolio.personas})
    if reused:
        print(
            f"uses the existing {'persona' if len(reused) == 1 else 'personas'}: "
            + ", ".join(f"{pid} ({portfolio.personas[pid].name})" for pid in reused)
        )
    if diagram.acc_title:
        print(f"note: accTitle '{diagram.acc_title}' is not kept: the site titles the journey by its title")
    return 0


def _department(wanted: str | None, portfolio: Portfolio) -> str | None:
    """The owner's department: the one asked for if it exists, else the only one there is; None (said) if not."""
    departments = sorted(portfolio.departments)
    if wanted is not None:
        if wanted in portfolio.departments:
            return wanted
        hint = did_you_mean(wanted, departments) or known(departments)
        print(f"journeys import: error: unknown department '{wanted}' [{hint}]", file=sys.stderr)
        return None
    if len(departments) == 1:
        return departments[0]
    if not departments:
        print(
            "journeys import: error: the portfolio has no department to own the journey [define one under "
            "`departments:` (journeys new department ID), then import again]",
            file=sys.stderr,
        )
    else:
        print(
            f"journeys import: error: which department owns the journey? [pass --department ID: {known(departments)}]",
            file=sys.stderr,
        )
    return None


def _shown(path: Path) -> str:
    rel = os.path.relpath(path)
    return Path(rel).as_posix() if not rel.startswith("..") else path.as_posix()


def _persona_file(root: Path, portfolio: Portfolio) -> Path:
    """Where the personas are defined (the file of the first one), else personas.yaml in the folder."""
    files = sorted({portfolio.origins[("personas", pid)][0] for pid in portfolio.personas})
    if files:
        return Path(files[0])
    return root / "personas.yaml"


def _comment(text: str) -> str:
    return " ".join(text.replace("#", " ").split())
