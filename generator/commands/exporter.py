"""`journeys export mermaid|csv|xlsx JOURNEY_ID`: a journey as a Mermaid journey diagram or a spreadsheet;
`journeys export csv|xlsx backlog`: the opportunities, highest priority first."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.common.suggest import did_you_mean, known
from generator.load.check import check


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="write a journey in another format",
        description="Export a journey. Exit 0 written, 1 invalid portfolio or unknown journey, 2 usage error.",
    )
    kinds = p.add_subparsers(dest="kind", metavar="KIND")
    kinds.required = True
    m = kinds.add_parser(
        "mermaid",
        help="a Mermaid `journey` diagram, printed",
        description="Print the journey as a Mermaid journey diagram: phases as sections, steps "
        "as tasks, emotions as scores, persona names as actors.",
    )
    m.add_argument("journey", help="the journey's id")
    m.add_argument("--dir", default="journeys", help="the portfolio folder (default: journeys)")
    m.set_defaults(run=run)
    for kind, what in (("csv", "CSV (UTF-8), printed or written with --out"), ("xlsx", "an Excel workbook")):
        workbook = " The workbook also has a Journey sheet with the journey's own fields." if kind == "xlsx" else ""
        s = kinds.add_parser(
            kind,
            help=f"a journey or the backlog as {what}",
            description="One row per step and one column per lane, the layout `journeys import` "
            "reads back (docs/guide/authoring.md, Spreadsheets); `backlog` for the "
            "opportunities, highest priority first." + workbook,
        )
        s.add_argument("journey", help="the journey's id, or `backlog`")
        s.add_argument("--dir", default="journeys", help="the portfolio folder (default: journeys)")
        s.add_argument(
            "--out",
            help="the file to write"
            + (" (default: print)" if kind == "csv" else " (default: JOURNEY.xlsx in the current folder)"),
        )
        s.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    if not root.is_dir():
        print(f"journeys export: error: '{args.dir}' is not a folder", file=sys.stderr)
        return 2
    portfolio, report = check(root)
    if report.errors:
        for group in report.grouped():
            if group.severity == "error":
                print(group.text(), file=sys.stderr)
        print(
            "journeys export: error: the portfolio is invalid: fix the errors above (journeys check)", file=sys.stderr
        )
        return 1
    if args.kind in ("csv", "xlsx"):
        return _spreadsheet(args, portfolio)
    from generator.authoring.mermaid import to_mermaid  # not at the top: `journeys check` need not load it

    journey = portfolio.journeys.get(args.journey)
    if journey is None:
        hint = did_you_mean(args.journey, portfolio.journeys) or known(portfolio.journeys)
        print(f"journeys export: error: unknown journey '{args.journey}' [{hint}]", file=sys.stderr)
        return 1
    print(to_mermaid(args.journey, journey, portfolio), end="")
    return 0


def _spreadsheet(args: argparse.Namespace, portfolio) -> int:
    from generator.site import sheets  # openpyxl is loaded only for a workbook

    if args.journey == "backlog":
        tables = [sheets.backlog_sheet(portfolio)]
    elif args.journey in portfolio.journeys:
        journey = portfolio.journeys[args.journey]
        tables = [sheets.journey_sheet(journey, portfolio), sheets.journey_facts(args.journey, journey)]
    else:
        hint = did_you_mean(args.journey, [*portfolio.journeys, "backlog"]) or known(portfolio.journeys)
        print(f"journeys export: error: unknown journey '{args.journey}' [{hint}; or `backlog`]", file=sys.stderr)
        return 1
    data = sheets.to_csv(tables[0]) if args.kind == "csv" else sheets.to_xlsx(tables)
    if args.kind == "csv" and not args.out:
        sys.stdout.write(data.decode("utf-8").lstrip("\ufeff"))
        return 0
    out = Path(args.out or f"{args.journey}.xlsx")
    try:
        out.write_bytes(data)
    except OSError as exc:
        print(f"journeys export: error: cannot write '{out}': {exc.strerror or exc}", file=sys.stderr)
        return 1
    rows = len(tables[0].rows) - 1
    if args.journey == "backlog":
        what = "opportunity" if rows == 1 else "opportunities"
    else:
        what = "step" if rows == 1 else "steps"
    print(f"wrote {out.as_posix()}: {rows} {what}")
    return 0
