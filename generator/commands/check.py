"""`journeys check [DIR]`: every error of every file in one run, sorted, with a one-line summary."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from generator.load.check import check
from generator.load.yaml_source import max_bytes_from_env
from generator.commands._common import add_max_file_size, print_report, summary_line, write_step_summary


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="validate a portfolio and report every error at once",
                       description="Validate a portfolio folder: every error of every file, each as "
                                   "path:line:col: error: message [hint]; the same error with the same cause in one file is "
                                   "printed once with its count and first lines (JSON keeps every position). "
                                   "On GitHub Actions: at most 50 annotations, the worst first, and the complete "
                                   "list in the job summary. Exit 0 valid, 1 invalid, 2 usage error.")
    p.add_argument("dir", nargs="?", default="journeys", help="the portfolio folder (default: journeys)")
    p.add_argument("--strict", action="store_true", help="treat governance warnings as errors")
    p.add_argument("--format", choices=("text", "json", "github"), default=None,
                   help="output format (default: text, or github when GITHUB_ACTIONS=true)")
    add_max_file_size(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    if not root.is_dir():
        print(f"journeys check: error: '{args.dir}' is not a folder "
              f"(run it from your project, or pass the portfolio folder: journeys check path/to/journeys)",
              file=sys.stderr)
        return 2
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    limit = args.max_file_size or max_bytes_from_env()
    portfolio, report = check(root, strict=args.strict, max_bytes=limit)
    summary = summary_line(portfolio, report)
    if fmt == "json":
        print(report.grouped_json())
    else:
        print_report(report, fmt)
    if fmt == "github" or os.environ.get("GITHUB_ACTIONS") == "true":
        write_step_summary(report, summary)
    print(summary, file=sys.stderr if fmt == "json" else sys.stdout)
    return 1 if report.errors else 0
