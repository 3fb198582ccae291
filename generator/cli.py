"""The `journeys` command line: a thin adapter over the pipeline's pure functions."""

from __future__ import annotations

import argparse
import importlib
import sys

from generator.commands import NAMES


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="journeys", description="Journey maps as code: check, build and publish.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in NAMES:
        importlib.import_module(f".commands.{name}", __package__).register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("journeys: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
