"""Helpers shared by the commands that check the portfolio (`check`, `build`, `generate`): the project's
pipeline from mkdocs.yml, the environment and the flags, and the check as the commands print it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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


def print_check(checked: Checked, *, fmt: str = "text") -> None:
    """Every problem, sorted, then the summary line (on stderr when stdout holds JSON)."""
    if fmt == "json":
        print(checked.report.as_json())
    else:
        for d in checked.report.sorted():
            print(d.github() if fmt == "github" else d.text())
    print(checked.summary(), file=sys.stderr if fmt == "json" else sys.stdout)


def checked(pipeline: Pipeline, *, prog: str, folder: Path | None = None) -> Checked | None:
    """`check` as `journeys check` prints it; None (after printing every error) when invalid."""
    shown = folder if folder is not None else Path(pipeline.options.portfolio)
    print(f"{prog}: checking {shown}/", file=sys.stderr)
    result = pipeline.check(folder=folder)
    print_check(result)
    return result if result.ok else None
