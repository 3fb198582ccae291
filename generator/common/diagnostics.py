"""Errors as values: every problem found in a portfolio is a `Diagnostic`, collected, never raised.

Each names the file, line and column, the field's path, what was expected against what was read, and
how to fix it. They print as `path:line:col: error: message [hint]`, the form editors and CI understand,
as JSON, or as GitHub Actions annotations.

The same error with the same cause in one file (one deleted journey named by 1,204 CSV rows) is one
`Group`: printed once with a count and its first lines, its JSON keeping every position. On GitHub Actions
only the worst groups become annotations (GitHub shows 10 a step, 50 a job); the complete list goes to
the job summary as a Markdown table (`step_summary`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

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
            f"::{self.severity} file={_gh_escape_prop(self.file)},line={self.line},col={self.col},title={title}::{body}"
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

    def strict(self) -> Report:
        """Governance warnings become errors (`--strict`)."""
        return Report([Diagnostic(**{**asdict(d), "severity": "error"}) for d in self.items])

    def as_json(self) -> str:
        return json.dumps([asdict(d) for d in self.sorted()], indent=2, ensure_ascii=False)

    def grouped(self) -> list[Group]:
        """The diagnostics grouped by file and cause, in the order of their first position."""
        groups: dict[tuple[str, str, str, str, str], list[Diagnostic]] = {}
        for d in self.sorted():
            groups.setdefault((d.file, d.severity, d.code, d.message, d.hint), []).append(d)
        return [Group(tuple(members)) for members in groups.values()]

    def grouped_json(self) -> str:
        return json.dumps([g.as_dict() for g in self.grouped()], indent=2, ensure_ascii=False)


SHOWN_LINES = 3  # lines named in a group's text before "and N more"
ANNOTATION_LIMIT = 50  # GitHub shows 50 annotations a job (10 a step): more are lost
SUMMARY_LIMIT = 1_000_000  # bytes: GitHub refuses a job summary over 1 MiB


@dataclass(frozen=True)
class Group:
    """One error with one cause in one file, at one or more positions (sorted; the first is shown)."""

    members: tuple[Diagnostic, ...]

    @property
    def first(self) -> Diagnostic:
        return self.members[0]

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def severity(self) -> Severity:
        return self.first.severity

    def diagnostic(self) -> Diagnostic:
        """The group as one diagnostic at its first position, its message naming the count and first lines."""
        d = self.first
        if self.count == 1:
            return d
        lines = sorted({m.line for m in self.members})
        noun = "rows" if d.file.endswith(".csv") else "places"
        shown = ", ".join(f"{n:,}" for n in lines[:SHOWN_LINES])
        more = len(lines) - SHOWN_LINES
        where = (
            f"lines {shown} and {more:,} more"
            if more > 0
            else (f"line {shown}" if len(lines) == 1 else f"lines {_and(shown)}")
        )
        paths = {m.path for m in self.members}
        return Diagnostic(
            d.file,
            d.line,
            d.col,
            d.severity,
            f"{d.message} in {self.count:,} {noun} ({where})",
            d.code,
            d.path if len(paths) == 1 else "",
            d.hint,
        )

    def text(self) -> str:
        return self.diagnostic().text()

    def github(self) -> str:
        return self.diagnostic().github()

    def as_dict(self) -> dict[str, Any]:
        """The first diagnostic's fields, the count, and every position (JSON keeps them all)."""
        return {
            **asdict(self.first),
            "count": self.count,
            "positions": [{"line": m.line, "col": m.col, "path": m.path} for m in self.members],
        }


def _and(shown: str) -> str:
    head, _, last = shown.rpartition(", ")
    return f"{head} and {last}" if head else last


def worst_first(groups: list[Group]) -> list[Group]:
    """Errors before warnings, then the groups with most positions, then by file and line."""
    return sorted(groups, key=lambda g: (g.severity != "error", -g.count, g.first.file, g.first.line, g.first.col))


def github_lines(groups: list[Group], limit: int = ANNOTATION_LIMIT) -> list[str]:
    """At most `limit` annotations, the worst first; the rest as plain text lines (still in the log)."""
    ranked = worst_first(groups)
    if len(ranked) <= limit:
        return [g.github() for g in ranked]
    shown, rest = ranked[: limit - 1], ranked[limit - 1 :]
    errors = sum(1 for g in rest if g.severity == "error")
    note = (
        f"::notice title=journeys::{len(rest):,} more problems ({errors:,} errors) are not annotated: "
        f"GitHub shows at most {limit} annotations; the job summary lists them all"
    )
    return [g.github() for g in shown] + [note] + [g.text() for g in rest]


def _md_cell(text: str) -> str:
    """Untrusted text in a Markdown table cell: on one line, its Markdown and HTML characters escaped."""
    flat = " ".join(text.split())
    return re.sub(r"([\\`*_\[\]<>|#~!&])", r"\\\1", flat)


def step_summary(groups: list[Group], headline: str, limit: int = SUMMARY_LIMIT) -> str:
    """The complete list as a Markdown table for `$GITHUB_STEP_SUMMARY`, the worst first."""
    out = [f"## journeys check: {_md_cell(headline)}", ""]
    if not groups:
        return "\n".join(out) + "\n"
    out += ["| | File | Line | Count | Problem | Fix |", "|---|---|---:|---:|---|---|"]
    size = sum(len(line.encode()) + 1 for line in out)
    ranked = worst_first(groups)
    for i, g in enumerate(ranked):
        d = g.diagnostic()
        where = f"{d.path}: " if d.path else ""
        row = (
            f"| {'❌' if d.severity == 'error' else '⚠️'} {d.severity} | {_md_cell(d.file)} "
            f"| {d.line} | {g.count:,} | {_md_cell(where + d.message)} | {_md_cell(d.hint)} |"
        )
        if size + len(row.encode()) + 200 > limit:
            out.append(
                f"\n{len(ranked) - i:,} more not shown (the summary is limited to 1 MiB): "
                f"run `journeys check` to see them all."
            )
            break
        out.append(row)
        size += len(row.encode()) + 1
    return "\n".join(out) + "\n"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


# Every code a diagnostic can carry, with what it means (the enum is in `codes.py`).
CODES: dict[str, str] = {code.value: code.meaning for code in Code}
