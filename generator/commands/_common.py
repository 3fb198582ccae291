"""Helpers shared by the commands that check the portfolio (`check`, `build`, `generate`): the project's
pipeline from mkdocs.yml, the environment and the flags, and the check as the commands print it."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from generator.common.diagnostics import Report, github_lines, step_summary
from generator.options import MkDocsSettings, OptionError, from_mkdocs_yml
from generator.pipeline import Checked, Pipeline


def settings_of(config_file: Path, prog: str) -> MkDocsSettings | None:
    """mkdocs.yml's settings (defaults when there is none); None after printing why they are invalid."""
    if not config_file.is_file():
        return MkDocsSettings()
    try:
        return from_mkdocs_yml(config_file)
    except OptionError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return None


def pipeline_for(settings: MkDocsSettings, args: argparse.Namespace, root: Path) -> Pipeline:
    """The pipeline of the project at `root`: mkdocs.yml's options, then the environment, then the flags."""
    options = settings.options.with_environment().with_flags(args)
    return Pipeline(options, root=root, custom_dir=settings.custom_dir)


def print_report(report: Report, fmt: str = "text") -> None:
    """The diagnostics grouped by cause, as text or GitHub annotations (at most 50, the worst first)."""
    groups = report.grouped()
    for line in github_lines(groups) if fmt == "github" else [g.text() for g in groups]:
        print(line)


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


def print_check(checked: Checked, *, fmt: str = "text") -> None:
    """Every problem, grouped by cause, then the summary line (on stderr when stdout holds JSON); on GitHub
    Actions the complete list goes to the job summary too."""
    summary = checked.summary()
    if fmt == "json":
        print(checked.report.grouped_json())
    else:
        print_report(checked.report, fmt)
    if fmt == "github" or os.environ.get("GITHUB_ACTIONS") == "true":
        write_step_summary(checked.report, summary)
    print(summary, file=sys.stderr if fmt == "json" else sys.stdout)


def checked(pipeline: Pipeline, *, prog: str, folder: Path | None = None) -> Checked | None:
    """`check` as `journeys check` prints it; None (after printing every error) when invalid."""
    shown = folder if folder is not None else Path(pipeline.options.portfolio)
    print(f"{prog}: checking {shown}/", file=sys.stderr)
    result = pipeline.check(folder=folder)
    print_check(result)
    return result if result.ok else None
