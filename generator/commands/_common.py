"""Helpers shared by the commands that check the portfolio (`check`, `build`, `generate`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import yaml

from generator.load.check import check, summary_line
from generator.common.diagnostics import Report, github_lines, step_summary
from generator.model.portfolio import Portfolio
from generator.load.yaml_source import MAX_BYTES


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose `!ENV` / `!!python/name:` tags mean nothing here."""


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def mkdocs_settings(config_file: Path) -> dict:
    """The parts of mkdocs.yml the commands need: the journeys plugin's options and site_dir."""
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_LenientLoader) or {}
    except (OSError, yaml.YAMLError):
        return {}
    if not isinstance(data, dict):
        return {}
    options: dict = {}
    for plugin in data.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("journeys"), dict):
            options = plugin["journeys"]
    custom = (data.get("theme") or {}).get("custom_dir") if isinstance(data.get("theme"), dict) else None
    return {"portfolio": options.get("portfolio", "journeys"), "strict": bool(options.get("strict", False)),
            "templates": options.get("templates") or (f"{custom}/journeys" if custom else None),
            "site_dir": data.get("site_dir", "site"), "chart_cache": options.get("chart_cache"),
            "max_file_size": options.get("max_file_size") if isinstance(options.get("max_file_size"), int) else None}


def add_max_file_size(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-file-size", type=int, default=None, metavar="BYTES",
                        help=f"refuse YAML files larger than this (default {MAX_BYTES:,}, or $JOURNEYS_MAX_FILE_SIZE)")


def print_report(report: Report, fmt: str = "text", file=None) -> None:
    """The diagnostics grouped by cause, as text or GitHub annotations (at most 50, the worst first)."""
    groups = report.grouped()
    lines = github_lines(groups) if fmt == "github" else [g.text() for g in groups]
    for line in lines:
        print(line, file=file or sys.stdout)


def write_step_summary(report: Report, headline: str) -> None:
    """On GitHub Actions, the complete list as a table in the job summary (appended, as GitHub expects)."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as out:
            out.write(step_summary(report.grouped(), headline))
    except OSError as exc:
        print(f"journeys: warning: cannot write the job summary to {target}: {exc.strerror or exc}", file=sys.stderr)


def checked(root: Path, *, strict: bool, prog: str, max_bytes: int = MAX_BYTES, cache_dir: Path | None = None
            ) -> tuple[Portfolio, Report] | None:
    """`check` as `journeys check` prints it; None (after printing every error) when invalid."""
    print(f"{prog}: checking {root}/", file=sys.stderr)
    portfolio, report = check(root, strict=strict, max_bytes=max_bytes, cache_dir=cache_dir)
    print_report(report)
    print(summary_line(portfolio, report))
    return None if report.errors else (portfolio, report)
