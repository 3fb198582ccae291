"""`journeys diff BASE [HEAD]`: a Markdown summary of how the portfolio changed between two revisions."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from generator.load.check import check
from generator.model.portfolio import Portfolio


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("diff", help="summarise, for reviewers, how the portfolio changed between two revisions",
                       description="Compare the portfolio at git revision BASE with HEAD (default: the working "
                                   "tree as it is on disk, uncommitted and untracked files included) and print "
                                   "a Markdown summary: journeys, phases and steps added, removed, renamed or "
                                   "moved; emotions, owners, touchpoints, pain points; metric targets; "
                                   "opportunities and solutions. Exit 0 done, 1 a portfolio is invalid, 2 "
                                   "usage error (unknown revision, not a git repository).")
    p.add_argument("base", help="the revision to compare from, e.g. origin/main")
    p.add_argument("head", nargs="?", help="the revision to compare to (default: the working tree)")
    p.add_argument("--dir", default="journeys", help="the portfolio folder (default: journeys)")
    p.set_defaults(run=run)


def _load(root: Path, base: Path, label: str) -> Portfolio | None:
    portfolio, report = check(root, base=base)
    if report.errors:
        print(f"journeys diff: error: the portfolio at {label} is invalid "
              f"({len(report.errors)} error{'s' if len(report.errors) != 1 else ''}; run journeys check there):",
              file=sys.stderr)
        for d in report.errors:
            print(d.text(), file=sys.stderr)
        return None
    return portfolio


def run(args: argparse.Namespace) -> int:
    # not at the top: every command is registered at start-up, and `journeys check` need not load these
    from generator.authoring.diff import render
    from generator.authoring.git import GitError, materialise, resolve, short, toplevel

    here = Path.cwd()
    folder = Path(args.dir)
    try:
        top = toplevel(here)
        rel = os.path.relpath(folder.resolve(), top.resolve())
        if rel.startswith(".."):
            raise GitError(f"'{args.dir}' is outside the repository {top}")
        revisions = [(args.base, resolve(args.base, top))]
        if args.head is not None:
            revisions.append((args.head, resolve(args.head, top)))
        with tempfile.TemporaryDirectory(prefix="journeys-diff-") as tmp:
            portfolios: list[Portfolio] = []
            labels: list[str] = []
            for i, (name, commit) in enumerate(revisions):
                dest = Path(tmp) / str(i)
                dest.mkdir()
                label = f"{_code(name)} ({short(commit, top)})"
                root = dest / rel
                if not materialise(top, commit, Path(rel).as_posix(), dest):
                    root.mkdir(parents=True, exist_ok=True)  # no portfolio yet at that revision: all is new
                loaded = _load(root, dest, label)  # files shown as in the repository: journeys/...
                if loaded is None:
                    return 1
                portfolios.append(loaded)
                labels.append(label)
            if args.head is None:
                if not folder.is_dir():
                    print(f"journeys diff: error: '{args.dir}' is not a folder", file=sys.stderr)
                    return 2
                loaded = _load(folder, here, "the working tree")
                if loaded is None:
                    return 1
                portfolios.append(loaded)
                labels.append("the working tree")
    except GitError as exc:
        print(f"journeys diff: error: {exc}", file=sys.stderr)
        return 2
    old, new = portfolios
    print(render(old, new, labels[0], labels[1]), end="")
    return 0


def _code(name: str) -> str:
    """A revision name as Markdown code; names are untrusted text (a branch may be called anything)."""
    from generator.authoring.diff import md

    return f"`{name}`" if "`" not in name and "\n" not in name else md(name, limit=200)
