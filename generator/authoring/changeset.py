"""A set of file changes made all at once or not at all: for `journeys rename`, `remove` and `import`.

The commands compute every new file text in memory (`Changeset`), then `verify` applies them to a copy of
the portfolio folder and runs the whole check there: only when the copy is valid are the real files
written, so a command never leaves a portfolio half-edited or invalid. `--dry-run` prints `unified_diff`
instead. A journey file renamed inside a git repository is moved with `git mv`, so history follows it.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.common.diagnostics import Report
from generator.load.check import check
from generator.model.portfolio import Portfolio


@dataclass
class Changeset:
    """New texts by path (None: the file is deleted) and renames (old path -> new path), under `root`."""

    root: Path
    texts: dict[Path, str | None] = field(default_factory=dict)
    moves: dict[Path, Path] = field(default_factory=dict)
    said: list[str] = field(default_factory=list)  # what changed, one line each, for the user

    def read(self, path: Path) -> str:
        """The file's text as changed so far (the text on disk when unchanged)."""
        path = Path(path)
        if path in self.texts:
            return self.texts[path] or ""
        return path.read_text(encoding="utf-8")

    def write(self, path: Path, text: str) -> None:
        self.texts[Path(path)] = text

    def delete(self, path: Path) -> None:
        self.texts[Path(path)] = None

    def move(self, old: Path, new: Path) -> None:
        self.moves[Path(old)] = Path(new)

    def changed(self) -> list[Path]:
        """Every path whose text changes (by its old name), in order."""
        out = []
        for path, text in sorted(self.texts.items()):
            old = path.read_text(encoding="utf-8") if path.exists() else None
            if text != old or path in self.moves:
                out.append(path)
        out += [p for p in sorted(self.moves) if p not in out]
        return out

    def __bool__(self) -> bool:
        return bool(self.changed())


def _display(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path.as_posix()
    return Path(rel).as_posix() if not rel.startswith("..") else path.as_posix()


def unified_diff(changes: Changeset) -> str:
    """Every change as a unified diff in git's format (renames and deletions included): `git apply` takes it."""
    out: list[str] = []
    for path in changes.changed():
        old = path.read_text(encoding="utf-8") if path.exists() else None
        new = changes.texts.get(path, old)
        target = changes.moves.get(path, path)
        a, b = _display(path), _display(target)
        out.append(f"diff --git a/{a} b/{b}\n")
        if old is None:
            out.append("new file mode 100644\n")
        elif new is None:
            out.append("deleted file mode 100644\n")
        if path in changes.moves:
            out += [f"rename from {a}\n", f"rename to {b}\n"]
        body = list(
            difflib.unified_diff(
                (old or "").splitlines(keepends=True),
                (new or "").splitlines(keepends=True),
                f"a/{a}" if old is not None else "/dev/null",
                f"b/{b}" if new is not None else "/dev/null",
            )
        )
        for line in body:
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _apply(changes: Changeset, root: Path, into: Path) -> None:
    """Write the changes for the folder `root` as if it were `into` (a copy, or itself)."""

    def there(path: Path) -> Path:
        return into / Path(path).resolve().relative_to(root.resolve())

    for path, text in changes.texts.items():
        target = there(path)
        if text is None:
            target.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    for old, new in changes.moves.items():
        if there(old).exists():
            there(new).parent.mkdir(parents=True, exist_ok=True)
            os.replace(there(old), there(new))


def verify(changes: Changeset) -> tuple[Portfolio, Report]:
    """The check of the portfolio as it would be after the changes, run on a copy (the files are untouched).

    Paths in the report are shown as they will be in the real folder.
    """
    root = changes.root
    rel = os.path.relpath(root.resolve(), Path.cwd().resolve())
    if rel.startswith(".."):
        rel = root.resolve().name
    with tempfile.TemporaryDirectory(prefix="journeys-change-") as tmp:
        copy = Path(tmp) / rel
        shutil.copytree(root, copy, symlinks=True)
        _apply(changes, root, copy)
        return check(copy, base=Path(tmp))


def _in_git(path: Path) -> Path | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=path,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except FileNotFoundError:
        return None
    return Path(result.stdout.strip()) if result.returncode == 0 else None


def _tracked(path: Path, top: Path) -> bool:
    result = subprocess.run(
        ["git", "ls-files", "--error-unmatch", "--", str(path.resolve())],
        cwd=top,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0


def write(changes: Changeset) -> None:
    """Make the changes on disk; a tracked file renamed in a git repository is moved with `git mv`."""
    root = changes.root
    top = _in_git(root) if changes.moves else None
    for old, new in changes.moves.items():
        if top is not None and _tracked(old, top):
            new.parent.mkdir(parents=True, exist_ok=True)
            moved = subprocess.run(
                ["git", "mv", "--", str(old.resolve()), str(new.resolve())],
                cwd=top,
                capture_output=True,
                text=True,
                check=False,
            )
            if moved.returncode == 0:
                continue
        new.parent.mkdir(parents=True, exist_ok=True)
        os.replace(old, new)
    for path, text in changes.texts.items():
        target = changes.moves.get(path, path)
        if text is None:
            target.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
