"""`journeys export mermaid JOURNEY_ID`: a journey as a Mermaid journey diagram."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.common.suggest import did_you_mean, known
from generator.load.check import check


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write a journey in another format",
                       description="Export a journey. Exit 0 written, 1 invalid portfolio or unknown journey, "
                                   "2 usage error.")
    kinds = p.add_subparsers(dest="kind", metavar="KIND")
    kinds.required = True
    m = kinds.add_parser("mermaid", help="a Mermaid `journey` diagram, printed",
                         description="Print the journey as a Mermaid journey diagram: phases as sections, steps "
                                     "as tasks, emotions as scores, persona names as actors.")
    m.add_argument("journey", help="the journey's id")
    m.add_argument("--dir", default="journeys", help="the portfolio folder (default: journeys)")
    m.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from generator.authoring.mermaid import to_mermaid  # not at the top: `journeys check` need not load it

    root = Path(args.dir)
    if not root.is_dir():
        print(f"journeys export: error: '{args.dir}' is not a folder", file=sys.stderr)
        return 2
    portfolio, report = check(root)
    if report.errors:
        for group in report.grouped():
            if group.severity == "error":
                print(group.text(), file=sys.stderr)
        print("journeys export: error: the portfolio is invalid: fix the errors above (journeys check)",
              file=sys.stderr)
        return 1
    journey = portfolio.journeys.get(args.journey)
    if journey is None:
        hint = did_you_mean(args.journey, portfolio.journeys) or known(portfolio.journeys)
        print(f"journeys export: error: unknown journey '{args.journey}' [{hint}]", file=sys.stderr)
        return 1
    print(to_mermaid(args.journey, journey, portfolio), end="")
    return 0
