"""`journeys generate DIR`: write the site's Markdown pages and assets to a folder, for another builder.

Only files whose content changed are written (a builder watching DIR rebuilds only those); files this
command wrote before and no longer produces are deleted. What it wrote is listed in `DIR/.journeys-files`,
so files it did not write are never touched.

It never writes, nor deletes, through a symbolic link inside DIR, and only paths of the form the site
produces (relative, no `..`) are ever taken from the manifest: a planted link or a doctored manifest cannot
make it touch anything outside DIR.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.commands._common import checked, pipeline_for, settings_of
from generator.common.files import write_atomic
from generator.options import add_flags

MANIFEST = ".journeys-files"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "generate",
        help="write the site's Markdown pages and assets to a folder",
        description="Check the portfolio, then write the generated Markdown pages and assets "
        "into DIR: only files that changed, deleting those no longer produced. "
        "Exit 0 written, 1 invalid portfolio, 2 usage error.",
    )
    p.add_argument("dir", help="the output folder")
    add_flags(p, "portfolio", "templates", "strict", "max_file_size", "chart_cache")
    p.set_defaults(run=run)


class UnsafeOutput(Exception):
    """A path under DIR that the command refuses to write through (a symbolic link)."""


def _checked_path(out: Path, rel: str) -> Path:
    """`out/rel`, after making sure no folder on the way (below `out`) is a symbolic link."""
    from generator.site.render import safe_relpath  # not at the top: other commands need not load the site renderer

    if not safe_relpath(rel):
        raise UnsafeOutput(f"'{rel}' is not a plain relative path")
    current = out
    for part in rel.split("/")[:-1]:
        current = current / part
        if current.is_symlink():
            raise UnsafeOutput(f"'{current}' is a symbolic link; journeys generate does not write through links")
    return out / rel


def write_files(out: Path, files: dict[str, bytes]) -> tuple[int, int, int]:
    """Write what changed, delete what this command wrote before and no longer produces."""
    from generator.site.render import safe_relpath

    out.mkdir(parents=True, exist_ok=True)
    manifest = out / MANIFEST
    if manifest.is_symlink():
        raise UnsafeOutput(f"'{manifest}' is a symbolic link; journeys generate does not write through links")
    before = set(manifest.read_text(encoding="utf-8").splitlines()) if manifest.is_file() else set()
    paths = {rel: _checked_path(out, rel) for rel in files}  # all checked before anything is written
    written = unchanged = deleted = 0
    for rel, content in files.items():
        path = paths[rel]
        if path.is_file() and not path.is_symlink() and path.read_bytes() == content:
            unchanged += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        _checked_path(out, rel)  # a folder just made cannot be a link, but one made meanwhile could
        write_atomic(path, content)  # a link at `path` is replaced, not followed
        written += 1
    for rel in sorted(before - set(files)):
        if not safe_relpath(rel):
            continue  # a doctored manifest: never follow it outside DIR
        try:
            path = _checked_path(out, rel)
        except UnsafeOutput:
            continue
        if path.is_symlink() or not path.is_file():
            continue
        path.unlink()
        deleted += 1
        parent = path.parent
        while parent != out and parent.is_dir() and not parent.is_symlink() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    write_atomic(manifest, "".join(f"{rel}\n" for rel in files).encode("utf-8"))
    return written, unchanged, deleted


def run(args: argparse.Namespace) -> int:
    settings = settings_of(Path("mkdocs.yml"), "journeys generate")
    if settings is None:
        return 2
    pipeline = pipeline_for(settings, args, root=Path())
    if not pipeline.portfolio_dir.is_dir():
        print(
            f"journeys generate: error: the portfolio folder '{pipeline.portfolio_dir}' does not exist "
            f"(pass it with --portfolio)",
            file=sys.stderr,
        )
        return 2
    out = Path(args.dir)
    if out.exists() and not out.is_dir():
        print(f"journeys generate: error: '{args.dir}' exists and is not a folder", file=sys.stderr)
        return 2
    result = checked(pipeline, prog="journeys generate")
    if result is None:
        return 1
    rendered = pipeline.render(result, draw=True)
    if rendered.stats is not None:
        print(rendered.stats.summary(), file=sys.stderr)
    files = rendered.site.files()
    try:
        written, unchanged, deleted = write_files(out, files)
    except UnsafeOutput as exc:
        print(f"journeys generate: error: {exc}", file=sys.stderr)
        return 1
    print(f"✓ generated {len(files)} files in {args.dir}: {written} written, {unchanged} unchanged, {deleted} deleted")
    return 0
