"""`journeys generate DIR`: write the site's Markdown pages and assets to a folder, for another builder.

Only files whose content changed are written (a builder watching DIR rebuilds only those); files this
command wrote before and no longer produces are deleted. What it wrote is listed in `DIR/.journeys-files`,
so files it did not write are never touched.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..chart_cache import cache_dir
from ..history import history
from ..site import render_site
from ..site_metrics import site_extras
from ._common import checked, mkdocs_settings

MANIFEST = ".journeys-files"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("generate", help="write the site's Markdown pages and assets to a folder",
                       description="Check the portfolio, then write the generated Markdown pages and assets "
                                   "into DIR: only files that changed, deleting those no longer produced. "
                                   "Exit 0 written, 1 invalid portfolio, 2 usage error.")
    p.add_argument("dir", help="the output folder")
    p.add_argument("--portfolio", default=None, help="the portfolio folder (default: from mkdocs.yml, or journeys)")
    p.add_argument("--templates", default=None,
                   help="a folder of templates overriding the defaults (default: <theme custom_dir>/journeys)")
    p.add_argument("--strict", action="store_true", help="treat governance warnings as errors")
    p.add_argument("--chart-cache", default=None, metavar="DIR",
                   help="where drawn charts are kept between runs (default: $JOURNEYS_CHART_CACHE, "
                        "else .cache/journeys/charts)")
    p.set_defaults(run=run)


def write_files(out: Path, files: dict[str, bytes]) -> tuple[int, int, int]:
    """Write what changed, delete what this command wrote before and no longer produces."""
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / MANIFEST
    before = set(manifest.read_text(encoding="utf-8").splitlines()) if manifest.is_file() else set()
    written = unchanged = deleted = 0
    for rel, content in files.items():
        path = out / rel
        if path.is_file() and path.read_bytes() == content:
            unchanged += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(content)
        os.replace(tmp, path)
        written += 1
    for rel in sorted(before - set(files)):
        path = out / rel
        if ".." in Path(rel).parts or not path.is_file():
            continue
        path.unlink()
        deleted += 1
        parent = path.parent
        while parent != out and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    manifest.write_text("".join(f"{rel}\n" for rel in files), encoding="utf-8")
    return written, unchanged, deleted


def run(args: argparse.Namespace) -> int:
    settings = mkdocs_settings(Path("mkdocs.yml")) if Path("mkdocs.yml").is_file() else {}
    root = Path(args.portfolio or settings.get("portfolio") or "journeys")
    if not root.is_dir():
        print(f"journeys generate: error: the portfolio folder '{root}' does not exist "
              f"(pass it with --portfolio)", file=sys.stderr)
        return 2
    out = Path(args.dir)
    if out.exists() and not out.is_dir():
        print(f"journeys generate: error: '{args.dir}' exists and is not a folder", file=sys.stderr)
        return 2
    result = checked(root, strict=args.strict or settings.get("strict", False), prog="journeys generate")
    if result is None:
        return 1
    portfolio, report = result
    templates = args.templates or settings.get("templates")
    extras, stats = site_extras(portfolio, cache=cache_dir(args.chart_cache), history=history(portfolio))
    print(stats.summary(), file=sys.stderr)
    site = render_site(portfolio, warnings=report.warnings, extras=extras,
                       template_dirs=[templates] if templates else [])
    files = site.files()
    written, unchanged, deleted = write_files(out, files)
    print(f"✓ generated {len(files)} files in {args.dir}: {written} written, {unchanged} unchanged, "
          f"{deleted} deleted")
    return 0
