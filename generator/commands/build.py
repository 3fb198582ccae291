"""`journeys build [--site-dir DIR]`: check the portfolio, then a strict MkDocs build, swapped in atomically.

MkDocs runs as a subprocess (`python -m mkdocs build --strict`), so this module stays free of MkDocs and
MkDocs' logging stays its own. The command's own check (for its `file:line:col` messages) runs while that
subprocess starts, on the other core, and stops it if the portfolio is invalid. It builds into a fresh folder
next to the target, unique to this process; only a complete build replaces the site (by rename), so a failed
build leaves the old site as it was.

Nothing is lost on the way:
- SIGINT / SIGTERM stop MkDocs, remove the staging folder and exit 130 / 143 with a message, no traceback.
  The swap itself runs with both signals blocked, so the site is never caught half-renamed.
- Concurrent builds of the same project each build in their own staging folder and take an exclusive lock
  (`flock` on the target's parent folder) around the swap: the last to finish wins, whole.
SOURCE_DATE_EPOCH is set from the last commit's time, so two builds of the same commit are byte-identical
(sitemap dates); outside a git repository it is 0 unless set (docs/guarantees.md).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from generator.commands._common import checked, pipeline_for, settings_of
from generator.common.files import display_path
from generator.options import add_flags

T = TypeVar("T")

PACKAGE_PARENT = Path(__file__).resolve().parent.parent.parent


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="check the portfolio and build the site (strict MkDocs build)",
        description="Check the portfolio, then build the site with MkDocs in strict mode. The new "
        "site replaces the old one only when the build is complete. "
        "Exit 0 built, 1 invalid portfolio or failed build, 2 usage error.",
    )
    p.add_argument("--site-dir", default=None, help="where the site goes (default: site_dir of mkdocs.yml, or site)")
    p.add_argument("--config-file", "-f", default="mkdocs.yml", help="the MkDocs configuration (default: mkdocs.yml)")
    p.add_argument("--verbose", "-v", action="store_true", help="show every line MkDocs prints")
    add_flags(p, "max_file_size", "chart_cache")
    p.set_defaults(run=run)


def source_date_epoch(where: Path) -> str:
    """The reproducible build time: SOURCE_DATE_EPOCH if set, else the last commit's, else 0.

    0 (1970-01-01 in the sitemap) rather than a file time or today: a copy without its git history must
    still build the same bytes every time; the build says so, and SOURCE_DATE_EPOCH sets a real date.
    """
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=where, capture_output=True, text=True, timeout=30
        )
        if out.returncode == 0 and out.stdout.strip().isdigit():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return "0"


class _Interrupted(Exception):
    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class _State:
    """What an interruption must undo: the MkDocs process and the staging folder."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.staging: Path | None = None
        self.target: Path | None = None
        self.swapped = False


_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def run(args: argparse.Namespace) -> int:
    state = _State()

    def interrupt(signum, frame):
        raise _Interrupted(signum)

    previous = {sig: signal.signal(sig, interrupt) for sig in _SIGNALS}
    try:
        return _build(args, state)
    except _Interrupted as exc:
        for sig in _SIGNALS:  # a second Ctrl-C must not interrupt the clean-up
            signal.signal(sig, signal.SIG_IGN)
        _stop(state.proc)
        if state.staging is not None:
            shutil.rmtree(state.staging, ignore_errors=True)
        name = signal.Signals(exc.signum).name
        where = display_path(state.target) if state.target else "the site"
        if state.swapped:
            print(f"journeys build: interrupted ({name}) after the new site was in place in {where}", file=sys.stderr)
        else:
            print(f"journeys build: interrupted ({name}); {where} was left as it was", file=sys.stderr)
        return 128 + exc.signum
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop(proc: subprocess.Popen | None) -> None:
    """Stop MkDocs and its chart workers (their own process group): SIGINT first, so they unwind and
    remove their temporary files, then SIGTERM, then SIGKILL."""
    if proc is None or proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, 10), (signal.SIGTERM, 5), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _build(args: argparse.Namespace, state: _State) -> int:
    started = time.monotonic()
    config = Path(args.config_file)
    if not config.is_file():
        print(
            f"journeys build: error: '{args.config_file}' not found (run it from your project, "
            f"or pass the MkDocs configuration: journeys build -f path/to/mkdocs.yml)",
            file=sys.stderr,
        )
        return 2
    project = config.resolve().parent
    settings = settings_of(config, "journeys build")
    if settings is None:
        return 2
    if args.max_file_size is not None and args.max_file_size <= 0:
        print("journeys build: error: --max-file-size must be a positive number of bytes", file=sys.stderr)
        return 2
    if args.chart_cache:
        args.chart_cache = str(Path(args.chart_cache).resolve())  # a flag's path is from here, not mkdocs.yml's
    pipeline = pipeline_for(settings, args, root=project)
    root = pipeline.portfolio_dir
    if not root.is_dir():
        print(f"journeys build: error: the portfolio folder '{root}' does not exist", file=sys.stderr)
        return 2
    limit = pipeline.options.max_bytes
    rel_root = Path(os.path.relpath(root))

    target = Path(args.site_dir) if args.site_dir else project / settings.site_dir
    target = Path(os.path.abspath(target))
    if target.is_symlink():
        print(
            f"journeys build: error: '{display_path(target)}' is a symbolic link; the site is built into a real "
            f"folder only (remove the link, or pass --site-dir)",
            file=sys.stderr,
        )
        return 2
    if target.exists() and not target.is_dir():
        print(f"journeys build: error: '{target}' exists and is not a folder", file=sys.stderr)
        return 2
    if target == project or target in project.parents or (target / "mkdocs.yml").exists():
        print(
            f"journeys build: error: the site folder '{display_path(target)}' would replace the project itself",
            file=sys.stderr,
        )
        return 2
    state.target = target
    target.parent.mkdir(parents=True, exist_ok=True)
    state.staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    staging = state.staging
    epoch = source_date_epoch(project)
    if epoch == "0" and os.environ.get("SOURCE_DATE_EPOCH") != "0":
        print(
            "journeys build: note: not a git repository and SOURCE_DATE_EPOCH is not set: the sitemap dates "
            "are 1970-01-01 (set SOURCE_DATE_EPOCH to a Unix time to date the build)",
            file=sys.stderr,
        )
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": epoch,
        "NO_MKDOCS_2_WARNING": "1",
        "JOURNEYS_MAX_FILE_SIZE": str(limit),
        "PYTHONPATH": os.pathsep.join([str(PACKAGE_PARENT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]),
    }
    if args.chart_cache:
        env["JOURNEYS_CHART_CACHE"] = args.chart_cache
    cmd = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--clean",
        "-f",
        str(config.resolve()),
        "-d",
        str(staging),
    ]
    try:
        # its own session: a Ctrl-C in the terminal reaches this process only, which stops MkDocs in order
        state.proc = subprocess.Popen(
            cmd,
            cwd=os.getcwd(),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"journeys build: error: cannot run MkDocs: {exc}", file=sys.stderr)
        return 1
    # The check runs here while MkDocs starts up and checks again in its plugin, on the other core: on a
    # valid portfolio (the usual case) this check costs no wall time; on an invalid one MkDocs is stopped
    # before it writes anything and the check's messages are the only ones shown.
    if checked(pipeline, prog="journeys build", folder=rel_root) is None:
        _stop(state.proc)
        shutil.rmtree(staging, ignore_errors=True)
        state.staging = None
        print("journeys build: the site was not built; fix the errors above", file=sys.stderr)
        return 1
    print(f"journeys build: building the site with MkDocs (strict) into {staging.name}/", file=sys.stderr)
    try:
        assert state.proc.stdout is not None
        for line in state.proc.stdout:
            if args.verbose or not line.startswith("INFO") or " charts: " in line or " search index: " in line:
                print(f"  {line.rstrip()}", file=sys.stderr)
        code = state.proc.wait()
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"journeys build: error: cannot run MkDocs: {exc}", file=sys.stderr)
        return 1
    if code != 0:
        shutil.rmtree(staging, ignore_errors=True)
        state.staging = None
        print(f"journeys build: MkDocs failed (exit {code}); the site in {target} was left as it was", file=sys.stderr)
        return 1
    pages, files = _swap(staging, target, state, meanwhile=partial(_count, target))
    print(f"✓ built {display_path(target)}/: {pages} pages, {files} files in {time.monotonic() - started:.1f} s")
    return 0


def _count(site: Path) -> tuple[int, int]:
    """The site's pages (`index.html` files) and files, in one walk."""
    pages = files = 0
    for _, _, names in os.walk(site):
        files += len(names)
        pages += "index.html" in names
    return pages, files


def _swap(staging: Path, target: Path, state: _State, meanwhile: Callable[[], T]) -> T:
    """Put the new site in place by rename, under an exclusive lock, with SIGINT/SIGTERM held back, and
    return what `meanwhile` gives, called while the old site is deleted (11,000 files at 1,000 journeys:
    1.3 s, most of it waiting on the file system, which a thread does while this one reads the new site).

    The lock (on the parent folder, so no lock file is left behind) serialises concurrent builds' swaps;
    blocking the signals means an interruption comes before the swap or after it, never in the middle.
    """
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("journeys build: waiting for another build of this site to finish", file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        try:
            old = None
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
                old.rmdir()
                os.rename(target, old)
            try:
                os.rename(staging, target)
            except OSError:
                if old is not None:
                    os.rename(old, target)  # put the old site back before reporting
                raise
            state.staging = None
            state.swapped = True
            remover = None
            if old is not None:
                remover = threading.Thread(target=shutil.rmtree, args=(old,), kwargs={"ignore_errors": True})
                remover.start()
            try:
                return meanwhile()
            finally:
                if remover is not None:
                    remover.join()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    finally:
        os.close(fd)  # closing releases the lock
