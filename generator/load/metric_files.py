"""Where metric data lives: the CSV files of the portfolio's `data/` folder, in a stable order, and how to
cut them into two halves of about the same size for two processes."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR = "data"


def data_files(root: Path) -> list[Path]:
    """The `*.csv` files of the portfolio's data folder, sub-folders included, in a stable order."""
    folder = Path(root) / DATA_DIR
    if not folder.is_dir():
        return []
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        found.extend(Path(dirpath) / name for name in sorted(filenames) if name.endswith(".csv"))
    return found


def halfway(paths: list[Path]) -> int:
    """The index that splits the files into two halves of about the same size in bytes."""
    sizes = []
    for path in paths:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)
    total, running = sum(sizes), 0
    for index, size in enumerate(sizes):
        if running * 2 >= total:
            return index
        running += size
    return len(paths)
