"""`journeys rename KIND OLD NEW` and `journeys remove KIND ID [--cascade]`: refactor ids across the portfolio.

Both edit the files in place (only the characters or lines they change), verify the portfolio as it would
be on a copy first, and write nothing when it would be invalid. `--dry-run` prints the unified diff.
Exit 0 done (or, with --dry-run, would be done), 1 refused (nothing written), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.authoring.refactor import KINDS

OK, REFUSED, USAGE = 0, 1, 2


def register(sub: argparse._SubParsersAction) -> None:
    kinds = ", ".join(KINDS)
    r = sub.add_parser(
        "rename",
        help="rename an id everywhere: its definition, every reference, the metric data",
        description=f"Rename a {kinds} (a step as JOURNEY/STEP) and every reference to it, in the "
        "YAML files and the metric data CSV files; a journey's file is renamed (with "
        "`git mv` in a git repository). Comments, key order and every untouched line "
        "stay as they were. Exit 0 renamed, 1 refused (unknown id, clash, the portfolio "
        "would be invalid; nothing written), 2 usage error.",
    )
    _common(r)
    r.add_argument("old", help="the id to rename (a step: JOURNEY/STEP)")
    r.add_argument("new", help="the new id")
    r.set_defaults(run=run_rename)
    m = sub.add_parser(
        "remove",
        help="remove an entity; with --cascade, also what only it used",
        description=f"Remove a {kinds} (a step as JOURNEY/STEP). Without --cascade, when anything "
        "uses it, list what would break and change nothing; with --cascade, also remove "
        "the references to it (list items, optional links, touchpoints in a removed "
        "channel) and its metric data rows. Exit 0 removed, 1 refused (nothing "
        "written), 2 usage error.",
    )
    _common(m)
    m.add_argument("id", help="the id to remove (a step: JOURNEY/STEP)")
    m.add_argument("--cascade", action="store_true", help="also remove the references to it and its data rows")
    m.set_defaults(run=run_remove)


def _common(p: argparse.ArgumentParser) -> None:
    """The arguments both commands take: KIND first, then the options."""
    p.add_argument("kind", choices=list(KINDS), metavar="KIND", help=f"one of: {', '.join(KINDS)}")
    p.add_argument("--dir", default="journeys", help="the portfolio folder (default: journeys)")
    p.add_argument("--dry-run", action="store_true", help="print the changes as a unified diff; write nothing")


def run_rename(args: argparse.Namespace) -> int:
    from generator.authoring.refactor import rename

    return _run(
        args,
        "rename",
        lambda p: rename(p, args.kind, args.old, args.new),
        f"renamed {args.kind} '{args.old}' → '{args.new}'",
    )


def run_remove(args: argparse.Namespace) -> int:
    from generator.authoring.refactor import remove

    return _run(
        args,
        "remove",
        lambda p: remove(p, args.kind, args.id, cascade=args.cascade),
        f"removed {args.kind} '{args.id}'",
    )


def _run(args: argparse.Namespace, name: str, plan, done: str) -> int:
    from generator.authoring.changeset import unified_diff, verify, write
    from generator.authoring.refactor import Refused
    from generator.common.diagnostics import plural
    from generator.load.check import check

    root = Path(args.dir)
    if not root.is_dir():
        print(
            f"journeys {name}: error: '{args.dir}' is not a folder [run it from your project, or pass --dir]",
            file=sys.stderr,
        )
        return USAGE
    portfolio, before = check(root)
    try:
        changes = plan(portfolio)
    except Refused as exc:
        print(f"journeys {name}: error: {exc}", file=sys.stderr)
        return REFUSED
    _, after = verify(changes)
    if after.errors:
        for group in after.grouped():
            if group.severity == "error":
                print(group.text(), file=sys.stderr)
        there = len(before.errors)
        why = f" ({plural(there, 'error')} already there before: fix them first, journeys check)" if there else ""
        print(
            f"journeys {name}: error: refused, nothing written: the portfolio would have "
            f"{plural(len(after.errors), 'error')}{why}",
            file=sys.stderr,
        )
        return REFUSED
    # with --dry-run, stdout is exactly the patch (`> change.patch`, then `git apply`); what it does goes to stderr
    report = sys.stderr if args.dry_run else sys.stdout
    if args.dry_run:
        print(unified_diff(changes), end="")
        print(f"would have {done}:", file=report)
    else:
        write(changes)
        print(f"{done}:", file=report)
    for line in changes.said:
        print(f"  {line}", file=report)
    return OK
