"""The `journeys` subcommands, one module each; each has `register(subparsers)` and `run(args) -> int`."""

NAMES = (
    "check",
    "schema",
    "build",
    "serve",
    "generate",
    "diff",
    "new",
    "importer",
    "exporter",
    "refactoring",
    "reference",
)
