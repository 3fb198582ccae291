"""Errors as values: every problem found in a portfolio is a `Diagnostic`, collected, never raised.

Each names the file, line and column, the field's path, what was expected against what was read, and
how to fix it. They print as `path:line:col: error: message [hint]`, the form editors and CI understand,
as JSON, or as GitHub Actions annotations.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Iterable, Literal

from generator.common.codes import Code

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    col: int
    severity: Severity
    message: str
    code: Code
    path: str = ""
    hint: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.code, Code):  # e.g. read back from JSON: an unknown code fails here, not later
            object.__setattr__(self, "code", Code(self.code))

    def text(self) -> str:
        where = f"{self.path}: " if self.path else ""
        hint = f" [{self.hint}]" if self.hint else ""
        return f"{self.file}:{self.line}:{self.col}: {self.severity}: {where}{self.message}{hint}"

    def github(self) -> str:
        where = f"{self.path}: " if self.path else ""
        hint = f" [{self.hint}]" if self.hint else ""
        body = _gh_escape(f"{where}{self.message}{hint}")
        title = _gh_escape_prop(f"journeys {self.code}")
        return (
            f"::{self.severity} file={_gh_escape_prop(self.file)},line={self.line},col={self.col},"
            f"title={title}::{body}"
        )


def _gh_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_prop(text: str) -> str:
    return _gh_escape(text).replace(":", "%3A").replace(",", "%2C")


@dataclass
class Report:
    """All diagnostics of one check, sorted by file, line and column when read."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.items), key=lambda d: (d.file, d.line, d.col, d.severity, d.path, d.message))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity == "warning"]

    def strict(self) -> "Report":
        """Governance warnings become errors (`--strict`)."""
        return Report([Diagnostic(**{**asdict(d), "severity": "error"}) for d in self.items])

    def as_json(self) -> str:
        return json.dumps([asdict(d) for d in self.sorted()], indent=2, ensure_ascii=False)


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


# Every code a diagnostic can carry, with what it means (the enum is in `codes.py`).
CODES: dict[str, str] = {code.value: code.meaning for code in Code}
