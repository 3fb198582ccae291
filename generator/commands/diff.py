"""`journeys diff BASE [HEAD]`: a Markdown summary of how the portfolio changed between two revisions."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from generator.common.diagnostics import Report, plural
from generator.load.check import check
from generator.model.portfolio import Portfolio


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diff",
        help="summarise, for reviewers, how the portfolio changed between two revisions",
        description="Compare the portfolio at git revision BASE with HEAD (default: the working "
        "tree as it is on disk, uncommitted and untracked files included) and print "
        "a Markdown summary: journeys, phases and steps added, removed, renamed or "
        "moved; emotions, owners, touchpoints, pain points; metric targets; "
        "opportunities and solutions. A side with errors is still summarised, "
        "leaving out what did not load, followed by how many errors there are. "
        f"Exit {OK} summary printed, new side valid; {NEW_INVALID} summary printed, "
        f"the new side is invalid (run journeys check); {FAILED} no summary (the "
        f"folder is missing at a revision... ) or the old side alone is invalid; "
        f"{USAGE} usage error (unknown revision, not a git repository).",
    )
    p.add_argument("base", help="the revision to compare from, e.g. origin/main")
    p.add_argument("head", nargs="?", help="the revision to compare to (default: the working tree)")
    p.add_argument("--dir", default="journeys", help="the portfolio folder (default: journeys)")
    p.set_defaults(run=run)


OK, FAILED, USAGE, NEW_INVALID = 0, 1, 2, 3


def _load(root: Path, base: Path) -> tuple[Portfolio, Report]:
    return check(root, base=base)


def _errors(report: Report, label: str, how: str) -> list[str]:
    """Markdown lines: how many errors a side has, in which files, and the command that shows them."""
    from generator.authoring.diff import md

    errors = [g for g in report.grouped() if g.severity == "error"]
    per_file: dict[str, int] = {}
    for g in errors:
        per_file[g.first.file] = per_file.get(g.first.file, 0) + g.count
    total = len(report.errors)
    lines = [
        (
            f"The portfolio at {label} has **{plural(total, 'error')}** "
            f"({plural(len(errors), 'distinct problem')}); {how} to see them:"
        ),
        "",
    ]
    lines += [f"- {md(f, limit=200)}: {plural(n, 'error')}" for f, n in sorted(per_file.items())]
    return lines


def run(args: argparse.Namespace) -> int:
    # not at the top: every command is registered at start-up, and `journeys check` need not load these
    from generator.authoring.diff import md, render
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
            reports: list[tuple[Portfolio, Report]] = []
            labels: list[str] = []
            hows: list[str] = []
            for i, (name, commit) in enumerate(revisions):
                dest = Path(tmp) / str(i)
                dest.mkdir()
                label = f"{_code(name)} ({short(commit, top)})"
                root = dest / rel
                if not materialise(top, commit, Path(rel).as_posix(), dest):
                    root.mkdir(parents=True, exist_ok=True)  # no portfolio yet at that revision: all is new
                reports.append(_load(root, dest))  # files shown as in the repository: journeys/...
                labels.append(label)
                hows.append("check it out and run `journeys check`")
            if args.head is None:
                if not folder.is_dir():
                    print(f"journeys diff: error: '{args.dir}' is not a folder", file=sys.stderr)
                    return USAGE
                reports.append(_load(folder, top))  # as the revisions: relative to the repository
                labels.append("the working tree")
                where = f" on {md(args.dir, limit=200)}" if args.dir != "journeys" else ""
                hows.append("run `journeys check`" + where)
    except GitError as exc:
        print(f"journeys diff: error: {exc}", file=sys.stderr)
        return USAGE
    (old, old_report), (new, new_report) = reports
    errors: list[str] = []
    if old_report.errors:
        errors += _errors(old_report, labels[0], hows[0])
    if new_report.errors:
        errors += ([""] if errors else []) + _errors(new_report, labels[1], hows[1])
    print(render(old, new, labels[0], labels[1], errors), end="")
    for label, (_, report) in zip(labels, reports, strict=True):
        if report.errors:
            print(
                f"journeys diff: error: the portfolio at {label} is invalid ({plural(len(report.errors), 'error')}): "
                "the summary leaves out what did not load",
                file=sys.stderr,
            )
    if new_report.errors:
        return NEW_INVALID
    return FAILED if old_report.errors else OK


def _code(name: str) -> str:
    """A revision name as Markdown code; names are untrusted text (a branch may be called anything)."""
    from generator.authoring.diff import md

    return f"`{name}`" if "`" not in name and "\n" not in name else md(name, limit=200)
