"""`journeys serve`'s MkDocs side: `mkdocs serve --dirty`, watching for saves five times as often.

Run as `python -m generator.mkdocs_plugin.serve [mkdocs serve's options]` by `commands/serve.py`
(which stays free of MkDocs). A dirty build is what lets the plugin skip the pages a save did not change
(see `plugin.py`); MkDocs' own server looks for changed files every 0.5 s, which alone would be half of the
preview's one-second budget, so this process gives it a 0.1 s interval. That is the one thing changed in
MkDocs' `serve`: its server class, as `mkdocs.commands.serve` names it, with another default.
"""

from __future__ import annotations

import sys

from mkdocs.commands import serve as mkdocs_serve
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer

POLLING_INTERVAL_S = 0.1


class _QuickServer(LiveReloadServer):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("polling_interval", POLLING_INTERVAL_S)
        super().__init__(*args, **kwargs)


def main(argv: list[str] | None = None) -> int:
    """MkDocs' own `serve` command line (its flags, logging and messages), dirty, with the quicker watcher."""
    from mkdocs.__main__ import cli

    mkdocs_serve.LiveReloadServer = _QuickServer  # type: ignore[misc]
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        cli.main(["serve", "--dirty", *args], prog_name="journeys serve", standalone_mode=False)
    except MkDocsException as exc:
        print(f"journeys serve: {exc}", file=sys.stderr)
        return 1
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
