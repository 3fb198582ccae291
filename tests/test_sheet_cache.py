"""Each journey's XLSX download is written once and reused while its cells stay the same."""

from generator.site.sheet_cache import SheetCache
from generator.site.sheets import Sheet, to_xlsx


def test_a_cached_workbook_is_the_same_bytes_and_is_not_written_again(tmp_path):
    sheet = Sheet("Map", [["Phase", "Step"], ["Before", "Apply"]])
    first = SheetCache(tmp_path).xlsx([sheet])
    assert first == to_xlsx([sheet])
    (stored,) = (tmp_path / "workbooks").glob("*.xlsx")
    stored.write_bytes(b"kept")  # a second build reads the stored file instead of calling openpyxl
    assert SheetCache(tmp_path).xlsx([sheet]) == b"kept"
    changed = Sheet("Map", [["Phase", "Step"], ["Before", "Apply online"]])
    assert SheetCache(tmp_path).xlsx([changed]) == to_xlsx([changed])


def test_a_build_keeps_only_the_workbooks_it_used(tmp_path):
    old, new = Sheet("Map", [["Step"], ["old"]]), Sheet("Map", [["Step"], ["new"]])
    SheetCache(tmp_path).xlsx([old])
    cache = SheetCache(tmp_path)
    cache.xlsx([new])
    cache.prune()
    assert [p.read_bytes() for p in (tmp_path / "workbooks").glob("*.xlsx")] == [to_xlsx([new])]


def test_without_a_folder_nothing_is_kept():
    sheet = Sheet("Map", [["Step"], ["x"]])
    assert SheetCache(None).xlsx([sheet]) == to_xlsx([sheet])
