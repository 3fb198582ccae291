"""`check`: the whole validation pipeline as one pure function, shared by the CLI and the MkDocs plugin."""

from __future__ import annotations

from pathlib import Path

from .diagnostics import Report
from .load import load_portfolio
from .portfolio import Portfolio
from .xref import check_references
from .yaml_source import MAX_BYTES


def check(root: Path | str, *, strict: bool = False, base: Path | None = None,
          max_bytes: int = MAX_BYTES) -> tuple[Portfolio, Report]:
    """Load, validate and cross-check a portfolio folder; every problem is in the report."""
    portfolio, errors = load_portfolio(root, base=base, max_bytes=max_bytes)
    report = Report(list(errors))
    report.extend(check_references(portfolio))
    return portfolio, (report.strict() if strict else report)
