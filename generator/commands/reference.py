"""`journeys reference`: the portfolio reference (every model and field) as Markdown, from the models."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "reference",
        help="print the portfolio reference (every model and field) as Markdown",
        description="Print the portfolio reference generated from the models: every model, "
        "field, type, allowed value, default and description, with examples. "
        "The repository ships it as docs/reference.md.",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from generator.model.reference import reference_markdown  # not at the top: `journeys check` need not load it

    print(reference_markdown(), end="")
    return 0
