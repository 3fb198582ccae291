"""The portfolio's history from git, for the site: each journey's last change and the recent changes.

Read with one `git log` over the commits that touch the portfolio folder; only commits count, so the
result is the same for a given commit whatever the clock or the working tree (uncommitted edits are not
history yet). Outside a git repository, or without git, there is no history: the site says so.
A shallow clone knows only its own commits: CI checks out with `fetch-depth: 0`.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from generator.model.portfolio import Portfolio

RECENT = 20  # commits on the recent-changes page


@dataclass(frozen=True)
class Change:
    """A commit: full and short hash, committer date (YYYY-MM-DD), author, subject, portfolio files touched."""

    hash: str
    short: str
    date: str
    author: str
    subject: str
    journeys: tuple[str, ...] = ()  # ids of the journeys whose files it touched


@dataclass(frozen=True)
class History:
    last: dict[str, Change] = field(default_factory=dict)  # journey id -> its last change
    recent: tuple[Change, ...] = ()  # newest first


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except (FileNotFoundError, NotADirectoryError):
        return None
    return result.stdout.decode("utf-8", errors="replace") if result.returncode == 0 else None


def history(portfolio: Portfolio, recent: int = RECENT) -> History:
    """The last change of each journey file and the latest `recent` commits touching the portfolio."""
    folder = Path(portfolio.root).resolve()
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if not top:
        return History()
    top_path = Path(top.strip()).resolve()
    by_path: dict[str, str] = {}  # file path from the repository's top -> journey id
    for jid, display in portfolio.journey_files.items():
        try:
            by_path[Path(display).resolve().relative_to(top_path).as_posix()] = jid
        except ValueError:
            continue
    log = _git(["log", "--no-renames", "--format=%x1e%H%x00%h%x00%cs%x00%an%x00%s", "--name-only", "--", "."], folder)
    if not log:
        return History()
    last: dict[str, Change] = {}
    commits: list[Change] = []
    for record in log.split("\x1e")[1:]:
        head, _, names = record.partition("\n")
        full, short, date, author, subject = head.split("\x00", 4)
        touched = [by_path[n] for n in names.splitlines() if n in by_path]
        change = Change(full, short, date, author, subject, tuple(sorted(set(touched))))
        if len(commits) < recent:
            commits.append(change)
        for jid in touched:
            last.setdefault(jid, change)
        if len(commits) >= recent and len(last) == len(by_path):
            break
    return History(dict(sorted(last.items())), tuple(commits))
