"""Workbooks made before: each journey's XLSX download kept between builds, by the digest of its cells.

Writing a workbook with openpyxl takes ~13 ms; every journey has one, so at 300 journeys the downloads were
a third of rendering the site, on every build and on every save in the live preview, though an edit
changes one journey's cells. A `SheetCache` keeps each workbook in the cache folder under the digest of
its sheets (names and cells) and of the writer (openpyxl's version, this file's format), so the same
cells give the same bytes without openpyxl; a build keeps only the workbooks it used (`prune`).
A damaged or planted entry can only change what a download holds, which is a file for Excel, not part
of any page.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from generator.common.files import write_atomic
from generator.site.sheets import Sheet, to_xlsx

FOLDER = "workbooks"
FORMAT = "journeys-xlsx-1"


class SheetCache:
    """XLSX bytes by the digest of their sheets, in `folder/workbooks/` (None: no cache, always written)."""

    def __init__(self, folder: Path | str | None) -> None:
        self.folder = Path(folder) / FOLDER if folder is not None else None
        self.used: set[str] = set()

    def xlsx(self, sheets: list[Sheet]) -> bytes:
        if self.folder is None:
            return to_xlsx(sheets)
        key = _digest(sheets)
        self.used.add(key)
        path = self.folder / f"{key}.xlsx"
        try:
            return path.read_bytes()
        except OSError:
            pass
        data = to_xlsx(sheets)
        try:
            write_atomic(path, data)
        except OSError:
            pass  # a cache is an optimisation, never a failure
        return data

    def prune(self) -> None:
        """Remove the workbooks this build did not use (the cache holds one build's downloads)."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.glob("*.xlsx"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)


def _digest(sheets: list[Sheet]) -> str:
    import openpyxl

    data = json.dumps([FORMAT, openpyxl.__version__, [[s.name, s.rows] for s in sheets]], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]
