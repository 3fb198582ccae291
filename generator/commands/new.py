"""`journeys new KIND ID`: write a valid, commented skeleton of a journey or catalogue entry."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.authoring.scaffold import KINDS, ScaffoldError, new


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "new",
        help="start a journey, persona, department... from a commented skeleton",
        description="Write a valid, commented skeleton: a journey is a new file maps/ID.yaml; a "
        "catalogue entry is added to the catalogue file that holds its collection "
        "(its text and comments kept), or to a new <collection>.yaml. Exit 0 "
        "written, 1 refused (existing or bad id), 2 usage error.",
    )
    p.add_argument("kind", choices=KINDS, help="what to create")
    p.add_argument("id", help="its id: lowercase letters, digits and dashes, e.g. make-a-claim")
    p.add_argument("--dir", default="journeys", help="the portfolio folder (default: journeys)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    if not root.is_dir():
        print(
            f"journeys new: error: '{args.dir}' is not a folder (create it, or pass --dir path/to/journeys)",
            file=sys.stderr,
        )
        return 2
    try:
        written = new(args.kind, args.id, root)
    except ScaffoldError as exc:
        print(f"journeys new: error: {exc}", file=sys.stderr)
        return 1
    verb = "created" if written.created else "added to"
    print(f"{verb} {written.path.as_posix()}:{written.line}: {args.kind} '{args.id}'")
    for note in written.notes:
        print(f"note: {note}")
    return 0
