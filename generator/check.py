"""`check`: the whole validation pipeline as one pure function, shared by the CLI and the MkDocs plugin."""

from __future__ import annotations

from pathlib import Path

from .diagnostics import Report
from .load import load_portfolio
from .metric_data import load_metric_data
from .portfolio import Portfolio
from .xref import check_references
from .yaml_source import MAX_BYTES


def check(root: Path | str, *, strict: bool = False, base: Path | None = None,
          max_bytes: int = MAX_BYTES) -> tuple[Portfolio, Report]:
    """Load, validate and cross-check a portfolio folder; every problem is in the report."""
    portfolio, errors = load_portfolio(root, base=base, max_bytes=max_bytes)
    report = Report(list(errors))
    report.extend(check_references(portfolio))
    # The CSV rows are checked against the ids that validated above, so both kinds of error come in one run.
    portfolio.metric_data, data_errors = load_metric_data(portfolio, base=base)
    report.extend(data_errors)
    return portfolio, (report.strict() if strict else report)
