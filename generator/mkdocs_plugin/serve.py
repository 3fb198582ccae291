"""`journeys serve`'s MkDocs side: `mkdocs serve --dirty`, told of saves by the system instead of polling.

Run as `python -m generator.mkdocs_plugin.serve [--poll] [mkdocs serve's options]` by `commands/serve.py`
(which stays free of MkDocs). A dirty build is what lets the plugin skip the pages a save did not change
(see `plugin.py`). MkDocs' own server looks for changed files by listing every watched folder every 0.5 s:
half of the preview's one-second budget in waiting alone, and at 1,000 journeys (2,100 files) each look
costs 9 ms of the process' time, taken from the build that is running. This process has the operating
system report saves instead (watchdog's native observer: inotify on Linux, FSEvents on macOS,
ReadDirectoryChanges on Windows), which costs nothing between saves. `--poll` keeps MkDocs' polling, every
0.1 s, for the folders such reports do not reach (network shares, some containers' mounted folders).
That is the one thing changed in MkDocs' `serve`: its server class, as `mkdocs.commands.serve` names it.
"""

from __future__ import annotations

import sys

from mkdocs.commands import serve as mkdocs_serve
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer
from watchdog.events import FileClosedEvent, FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent
from watchdog.observers import Observer

POLLING_INTERVAL_S = 0.1


# the reports of a change: the system also reports a file opened or read, which the build itself does (every
# save would start another build, forever); MkDocs' polling never saw those
CHANGES = [FileCreatedEvent, FileModifiedEvent, FileMovedEvent, FileDeletedEvent, FileClosedEvent]


class _ChangesObserver(Observer):  # type: ignore[valid-type,misc]  # the platform's observer class
    """The system's observer, reporting changes only (`CHANGES`) to what MkDocs schedules."""

    def schedule(self, event_handler, path, *, recursive=False, event_filter=None, follow_symlink=False):
        return super().schedule(
            event_handler,
            path,
            recursive=recursive,
            event_filter=event_filter or CHANGES,
            follow_symlink=follow_symlink,
        )


class _NotifiedServer(LiveReloadServer):
    """MkDocs' server with the system's file change reports in place of its polling observer."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # nothing is scheduled yet (`watch` comes after); MkDocs calls schedule, unschedule, start, stop, join
        self.observer = _ChangesObserver()


class _QuickPollingServer(LiveReloadServer):
    """MkDocs' server polling five times as often (`--poll`)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("polling_interval", POLLING_INTERVAL_S)
        super().__init__(*args, **kwargs)


def main(argv: list[str] | None = None) -> int:
    """MkDocs' own `serve` command line (its flags, logging and messages), dirty, with the quicker watcher."""
    from mkdocs.__main__ import cli

    args = list(sys.argv[1:] if argv is None else argv)
    poll = "--poll" in args
    args = [a for a in args if a != "--poll"]
    mkdocs_serve.LiveReloadServer = _QuickPollingServer if poll else _NotifiedServer  # type: ignore[misc]
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
