"""`journeys check [DIR]`: every error of every file in one run, sorted, with a one-line summary."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from generator.commands._common import print_check
from generator.options import Options, add_flags
from generator.pipeline import Pipeline


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="validate a portfolio and report every error at once",
        description="Validate a portfolio folder: every error of every file, each as "
        "path:line:col: error: message [hint]; the same error with the same cause in "
        "one file is "
        "printed once with its count and first lines (JSON keeps every position). "
        "On GitHub Actions: at most 50 annotations, the worst first, and the complete "
        "list in the job summary. Exit 0 valid, 1 invalid, 2 usage error.",
    )
    p.add_argument("dir", nargs="?", default="journeys", help="the portfolio folder (default: journeys)")
    p.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default=None,
        help="output format (default: text, or github when GITHUB_ACTIONS=true)",
    )
    add_flags(p, "strict", "max_file_size")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    if not root.is_dir():
        print(
            f"journeys check: error: '{args.dir}' is not a folder "
            f"(run it from your project, or pass the portfolio folder: journeys check path/to/journeys)",
            file=sys.stderr,
        )
        return 2
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    pipeline = Pipeline(Options().with_environment().with_flags(args), root=Path())
    result = pipeline.check(folder=root, cached=False)
    print_check(result, fmt=fmt)
    return 0 if result.ok else 1
