"""Files on disk: writing one atomically, and showing a path the way editors and CI expect.

Every file the generator writes (charts, caches, generated pages, their manifest) goes through
`write_atomic`, so an interrupted run leaves either the old file or the new one, never half of one; and
every path in a message goes through `display_path`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, content: bytes) -> None:
    """Write `content` to `path` through a fresh temporary file in the same folder (made if missing), renamed
    over it: readers see the old file or the new one; a link at `path` is replaced, not followed. The
    temporary file is removed if writing fails; the one of a writer killed outright carries its pid in its
    name (`.name.<pid>.<random>.tmp`), so `charts.cache.sweep` can tell it is abandoned."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def display_path(path: Path | str, base: Path | str | None = None) -> str:
    """`path` as a message shows it: relative to `base` (default: the working directory) with `/` separators
    when it lies inside it, else as given."""
    try:
        rel = os.path.relpath(path, base if base is not None else Path.cwd())
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if rel.startswith("..") else rel.replace(os.sep, "/")
