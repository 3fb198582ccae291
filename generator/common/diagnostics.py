"""Errors as values: every problem found in a portfolio is a `Diagnostic`, collected, never raised.

Each names the file, line and column, the field's path, what was expected against what was read, and
how to fix it. They print as `path:line:col: error: message [hint]`, the form editors and CI understand,
as JSON, or as GitHub Actions annotations.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    col: int
    severity: Severity = "error"
    message: str = ""
    code: str = "invalid"
    path: str = ""
    hint: str = ""

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


# Every code a diagnostic can carry, with what it means. docs/errors.md explains each with an example and
# its fix; a test fails when a code is missing there.
CODES: dict[str, str] = {
    "yaml": "the file is not valid YAML",
    "encoding": "the file is not UTF-8",
    "empty": "the file holds nothing",
    "io": "the file cannot be read",
    "outside": "a link points outside the portfolio folder",
    "too-large": "the file or document is larger than the limits",
    "too-deep": "the document nests too deeply",
    "bad-key": "a key is not a plain name",
    "bad-value": "a value of an unsupported YAML type or tag",
    "duplicate-key": "the same key twice in one mapping",
    "unknown-key": "a key the model does not know (a typo?)",
    "missing-key": "a required key is missing",
    "invalid-value": "a value of the wrong type or out of range",
    "bad-id": "an id or file name that is not a slug",
    "duplicate-id": "the same id defined twice",
    "unknown-reference": "a reference to an id that is not defined",
    "cycle": "parent or next links that loop",
    "invalid-view": "a named view whose explore query has an unknown parameter or value",
    "no-owner": "governance: a step without an owning department",
    "no-metric": "governance: a live journey without a metric",
    "unused-opportunity": "governance: an opportunity no step references",
    "csv-header": "a metric data file's header is not one of the two shapes",
    "csv-syntax": "a metric data file is not valid CSV (an unclosed quote)",
    "csv-row": "a metric data row has more or fewer fields than the header",
    "bad-date": "a metric data date that is not YYYY-MM-DD, not a real date, or outside 1900-2100",
    "bad-number": "a metric value or score that is not a (finite, whole for scores) number",
    "out-of-range": "a survey score outside its scale, or a value outside its kind's range",
    "duplicate-row": "two aggregated rows for the same date, metric, journey, step and segment",
    "mixed-data": "one series given both survey responses and aggregated values",
    "wrong-kind": "survey responses for a metric that is not nps, csat or ces",
    "unlisted-metric": "governance: data for a metric the journey or step does not list",
    "mermaid": "a Mermaid diagram that cannot be imported",
}
