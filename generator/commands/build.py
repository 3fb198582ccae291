"""`journeys build [--site-dir DIR]`: check the portfolio, then a strict MkDocs build, swapped in atomically.

MkDocs runs as a subprocess (`python -m mkdocs build --strict`), so this module stays free of MkDocs and
MkDocs' logging stays its own. It builds into a fresh folder next to the target; only a complete build
replaces the site (by rename), so a failed build leaves the old site as it was. SOURCE_DATE_EPOCH is set
from the last commit's time, so two builds of the same commit are byte-identical (sitemap dates).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ._common import checked, mkdocs_settings

PACKAGE_PARENT = Path(__file__).resolve().parent.parent.parent


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="check the portfolio and build the site (strict MkDocs build)",
                       description="Check the portfolio, then build the site with MkDocs in strict mode. The new "
                                   "site replaces the old one only when the build is complete. "
                                   "Exit 0 built, 1 invalid portfolio or failed build, 2 usage error.")
    p.add_argument("--site-dir", default=None, help="where the site goes (default: site_dir of mkdocs.yml, or site)")
    p.add_argument("--config-file", "-f", default="mkdocs.yml", help="the MkDocs configuration (default: mkdocs.yml)")
    p.add_argument("--verbose", "-v", action="store_true", help="show every line MkDocs prints")
    p.add_argument("--chart-cache", default=None, metavar="DIR",
                   help="where drawn charts are kept between builds (default: the plugin's chart_cache, "
                        "$JOURNEYS_CHART_CACHE, else .cache/journeys/charts)")
    p.set_defaults(run=run)


def source_date_epoch(where: Path) -> str:
    """The reproducible build time: SOURCE_DATE_EPOCH if set, else the last commit's, else 0."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=where, capture_output=True, text=True,
                             timeout=30)
        if out.returncode == 0 and out.stdout.strip().isdigit():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return "0"


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    config = Path(args.config_file)
    if not config.is_file():
        print(f"journeys build: error: '{args.config_file}' not found (run it from your project, "
              f"or pass the MkDocs configuration: journeys build -f path/to/mkdocs.yml)", file=sys.stderr)
        return 2
    project = config.resolve().parent
    settings = mkdocs_settings(config)
    root = project / settings["portfolio"]
    if not root.is_dir():
        print(f"journeys build: error: the portfolio folder '{root}' does not exist", file=sys.stderr)
        return 2
    rel_root = Path(os.path.relpath(root))
    if checked(rel_root, strict=settings["strict"], prog="journeys build") is None:
        print("journeys build: the site was not built; fix the errors above", file=sys.stderr)
        return 1

    target = Path(args.site_dir) if args.site_dir else project / settings["site_dir"]
    target = target.resolve()
    if target.exists() and not target.is_dir():
        print(f"journeys build: error: '{target}' exists and is not a folder", file=sys.stderr)
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    env = {**os.environ, "SOURCE_DATE_EPOCH": source_date_epoch(project), "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": os.pathsep.join([str(PACKAGE_PARENT)] + [p for p in [os.environ.get("PYTHONPATH")] if p])}
    if args.chart_cache:
        env["JOURNEYS_CHART_CACHE"] = str(Path(args.chart_cache).resolve())
    print(f"journeys build: building the site with MkDocs (strict) into {staging.name}/", file=sys.stderr)
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(config.resolve()),
           "-d", str(staging)]
    try:
        proc = subprocess.Popen(cmd, cwd=os.getcwd(), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, encoding="utf-8", errors="replace")
        output: list[str] = []
        assert proc.stdout is not None
        for line in proc.stdout:
            output.append(line)
            if args.verbose or not line.startswith("INFO") or " charts: " in line:
                print(f"  {line.rstrip()}", file=sys.stderr)
        code = proc.wait()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if code != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"journeys build: MkDocs failed (exit {code}); the site in {target} was left as it was",
              file=sys.stderr)
        return 1
    _swap(staging, target)
    pages = sum(1 for p in target.rglob("index.html"))
    files = sum(1 for p in target.rglob("*") if p.is_file())
    print(f"✓ built {_shown(target)}/: {pages} pages, {files} files in {time.monotonic() - started:.1f} s")
    return 0


def _swap(staging: Path, target: Path) -> None:
    """Put the new site in place by rename; the old one is removed only afterwards."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        old.rmdir()
        os.rename(target, old)
    os.rename(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _shown(path: Path) -> str:
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else str(path)
