"""`journeys serve [-f mkdocs.yml] [-a HOST:PORT]`: the live preview, a page updated the moment it is saved.

Runs `mkdocs serve --dirty` with a quicker file watcher (`generator/mkdocs_plugin/serve.py`, a subprocess
so that this module stays free of MkDocs). The journeys plugin keeps the pipeline between saves and has
MkDocs convert only the pages a save changed; an invalid save shows its errors in the terminal and over
the page, and the last good site stays served until the next good save.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="preview the site: pages update when a file is saved",
        description="Serve the site on a local address and rebuild what changed each time a portfolio "
        "file, template or page is saved (mkdocs serve --dirty, with the journeys plugin's incremental "
        "pipeline). Errors of an invalid save are shown in the terminal and over the page. Stop with Ctrl-C.",
    )
    p.add_argument("--config-file", "-f", default="mkdocs.yml", help="the MkDocs configuration (default: mkdocs.yml)")
    p.add_argument("--dev-addr", "-a", default=None, help="HOST:PORT to serve on (default: dev_addr of mkdocs.yml)")
    p.add_argument("--open", action="store_true", help="open the site in the default browser")
    p.add_argument(
        "--poll",
        action="store_true",
        help="look for saves every 0.1 s instead of being told of them by the system (for a project on a "
        "network share or a mounted folder whose changes the system does not report)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not Path(args.config_file).is_file():
        print(
            f"journeys serve: {args.config_file} not found: run it in the project folder "
            f"or pass the MkDocs configuration with -f path/to/mkdocs.yml",
            file=sys.stderr,
        )
        return 2
    command = [sys.executable, "-m", "generator.mkdocs_plugin.serve", "-f", args.config_file]
    if args.dev_addr:
        command += ["-a", args.dev_addr]
    if args.open:
        command.append("--open")
    if args.poll:
        command.append("--poll")
    server = subprocess.Popen(command)

    def stop(signum: int, frame: object) -> None:  # a stop asked of this process stops the server too
        server.terminate()

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    try:
        code = server.wait()
    except KeyboardInterrupt:  # Ctrl-C reaches the server too (same terminal): let it finish
        server.wait()
        return 0
    return 0 if code < 0 else code  # stopped by a signal: a normal end
