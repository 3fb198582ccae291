"""Reading a folder of the repository as it was at a git revision, for `journeys diff`.

The folder's files are written into a temporary directory from `git ls-tree` and `git cat-file --batch`:
nothing is checked out and the working tree is not touched. Links and submodules are skipped (the
loader reads regular files only). Failures are `GitError` values with a message for the user.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class GitError(Exception):
    """A git problem the user must fix: not a repository, an unknown revision."""


def _git(args: list[str], cwd: Path, data: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=data,
            capture_output=True,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None


def toplevel(cwd: Path) -> Path:
    result = _git(["rev-parse", "--show-toplevel"], cwd)
    if result.returncode != 0:
        raise GitError(f"'{cwd}' is not inside a git repository")
    return Path(result.stdout.decode().strip())


def resolve(rev: str, top: Path) -> str:
    """The commit id a revision names; GitError when it names none."""
    if not rev or rev.startswith("-"):
        raise GitError(f"'{rev}' is not a revision")
    result = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top)
    if result.returncode != 0:
        raise GitError(
            f"unknown revision '{rev}' (a branch, tag or commit of this repository; "
            f"on CI fetch the history: actions/checkout with fetch-depth: 0)"
        )
    return result.stdout.decode().strip()


def materialise(top: Path, commit: str, folder: str, dest: Path) -> bool:
    """Write `folder` (relative to the repository's top) as of `commit` under `dest`; False if absent."""
    prefix = folder.strip("/")
    listing = _git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix], top)
    if listing.returncode != 0:
        raise GitError(listing.stderr.decode(errors="replace").strip())
    blobs: list[tuple[str, str]] = []
    for record in listing.stdout.decode("utf-8", errors="surrogateescape").split("\0"):
        if not record:
            continue
        meta, path = record.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind == "blob" and mode in ("100644", "100755"):
            blobs.append((sha, path))
    if not blobs:
        return False
    batch = _git(["cat-file", "--batch"], top, data="".join(f"{sha}\n" for sha, _ in blobs).encode())
    if batch.returncode != 0:
        raise GitError(batch.stderr.decode(errors="replace").strip())
    out = batch.stdout
    pos = 0
    for _sha, path in blobs:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        content = out[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1  # the content is followed by a newline
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return True


def short(commit: str, top: Path) -> str:
    result = _git(["rev-parse", "--short", commit], top)
    return result.stdout.decode().strip() or commit[:7]
