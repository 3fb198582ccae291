"""The live preview keeps the pages of long lists whose rows a save did not touch, and still gives the bytes of
a clean build.

A list split into pages (the insights, the backlog, a department's steps...) is rendered again page by page:
a page is kept when it holds the same rows as before, with the same figures in its heading, and none of its
rows shows a journey the save changed or an entry such a journey names (`render.PartKey`). These tests write
a synthetic portfolio of 40 journeys with page sizes small enough for every list to split, render it through
a `pipeline.Session`, make one edit to one journey, and compare every page, asset and the navigation with a
clean render of the edited files; then check that pages were kept.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from test_page_split import SMALL  # rows a page: every list splits at 40 journeys

from generator.model.entities import Journey, Step
from generator.model.own_page import own_page_fields
from generator.options import Options
from generator.pipeline import Pipeline, Session
from generator.site import render

sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    synth.write(40, out)
    return out


@pytest.fixture
def small_pages(monkeypatch):
    for name, rows in SMALL.items():
        monkeypatch.setitem(render.PAGE_ROWS, name, rows)


def _pipeline(root: Path) -> Pipeline:
    return Pipeline(Options(portfolio="journeys"), root=root)


def _maps(root: Path) -> list[Path]:
    return sorted((root / "journeys/maps").glob("*.yaml"))


def _edit_journey(root: Path, change: Callable[[dict], None], which: int = 0) -> None:
    """Change the journey file in the middle of the portfolio (`which` files further on) through its data."""
    files = _maps(root)
    path = files[len(files) // 2 + which]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _steps(data: dict) -> list[dict]:
    return [step for phase in data["phases"] for step in phase["steps"]]


def _step_text(root: Path) -> None:
    _edit_journey(root, lambda d: _steps(d)[0].update(does="Reads every line of the letter twice."))


def _step_name(root: Path) -> None:
    """A step renamed: the lists showing that step (its department's, its channels'...) show the new name."""
    _edit_journey(root, lambda d: _steps(d)[0].update(name="Reads the letter twice"))


def _step_owner(root: Path) -> None:
    """The first step owned by another department: it moves from one department's pages to another's."""

    def change(d: dict) -> None:
        step = _steps(d)[0]
        step["owner"] = "operations" if step.get("owner") != "operations" else "sales"

    _edit_journey(root, change)


def _journey_owner(root: Path) -> None:
    """The journey owned by another department: it leaves one department's first page for another's."""

    def change(d: dict) -> None:
        d["owner"]["department"] = "operations" if d["owner"]["department"] != "operations" else "sales"

    _edit_journey(root, change)


def _pain_point(root: Path) -> None:
    """A severe pain point on the last step: its priority rises, so its department's order changes."""
    _edit_journey(root, lambda d: _steps(d)[-1].setdefault("pain_points", []).append(
        {"text": "Waits a week for an answer.", "severity": 5}))  # fmt: skip


def _system(root: Path) -> None:
    _edit_journey(root, lambda d: _steps(d)[0].__setitem__("systems", ["Ledger", "Zephyr CRM"]))


def _insight(root: Path) -> None:
    """A step cites an insight it did not (the insights page lists where each insight is used)."""

    def change(d: dict) -> None:
        step = _steps(d)[1]
        step["insights"] = sorted({*step.get("insights", []), "insight-00001"})

    _edit_journey(root, change)


def _channel(root: Path) -> None:
    def change(d: dict) -> None:
        step = next(s for s in _steps(d) if s.get("touchpoints"))
        tp = step["touchpoints"][0]
        tp["channel"] = "email" if tp["channel"] != "email" else "phone"

    _edit_journey(root, change)


def _title(root: Path) -> None:
    """A journey retitled: the journeys list, by title, moves it to another page."""
    _edit_journey(root, lambda d: d.update(title="Zz last of all"))


def _step_removed(root: Path) -> None:
    """One step fewer: the journeys list's heading counts the steps on every page."""
    _edit_journey(root, lambda d: d["phases"][0]["steps"].pop())


def _new_journey(root: Path) -> None:
    files = _maps(root)
    data = yaml.safe_load(files[3].read_text(encoding="utf-8"))
    data["title"] = "A copy, early in the list"
    (files[3].parent / "aaa-copy.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _removed_journey(root: Path) -> None:
    """The copy `_new_journey` made (before the first render) deleted: no data file or journey names it."""
    (root / "journeys/maps/aaa-copy.yaml").unlink()


EDITS = [
    _step_text,
    _step_name,
    _step_owner,
    _journey_owner,
    _pain_point,
    _system,
    _insight,
    _channel,
    _title,
    _step_removed,
    _new_journey,
    _removed_journey,
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda f: f.__name__.strip("_"))
def test_a_save_keeps_untouched_list_pages_and_gives_the_clean_bytes(written, tmp_path, small_pages, edit):
    root = tmp_path / "project"
    shutil.copytree(written, root)
    if edit is _removed_journey:
        _new_journey(root)
    session = Session()
    first = session.render(_pipeline(root), _pipeline(root).check(data_memo=session.data_memo))
    split = [path for path, key in first.site.keys.items() if key.part.split]
    assert len(split) > 40, "every kind of list should split"
    edit(root)
    checked = _pipeline(root).check(data_memo=session.data_memo)
    assert checked.ok, [d.text() for d in checked.report.errors]
    after = session.render(_pipeline(root), checked)
    clean = _pipeline(root).render(_pipeline(root).check(), draw=False)
    assert after.site.files() == clean.site.files()
    assert after.site.nav == clean.site.nav
    assert after.site.files() != first.site.files()  # the edit did change the site
    kept = [path for path in split if after.site.pages.get(path) is first.site.pages.get(path)]
    # a journey more or fewer moves rows on every list it appears in; an edit within one moves few; a journey
    # changing hands changes the departments' badges, which every page may show: nothing is kept
    if edit is _journey_owner:
        assert kept == []
    else:
        least = 5 if edit in (_new_journey, _removed_journey) else len(split) // 3
        assert len(kept) > least, f"only {len(kept)} of {len(split)} list pages kept"


def test_a_step_rename_renders_only_the_list_pages_showing_that_journey(written, tmp_path, small_pages):
    root = tmp_path / "project"
    shutil.copytree(written, root)
    session = Session()
    first = session.render(_pipeline(root), _pipeline(root).check())
    session.rows.hits = session.rows.misses = 0
    edit = _maps(root)[len(_maps(root)) // 2]
    _step_name(root)
    after = session.render(_pipeline(root), _pipeline(root).check())
    again = {path for path, page in after.site.pages.items() if first.site.pages.get(path) is not page}
    shown = {path for path in again if path in first.site.keys}
    # every list page rendered again shows the renamed step (a list of steps), its journey (a list of
    # journeys, whose rows may count its steps' contents), or an entry it names
    assert shown, "the renamed step's rows are on some list pages"
    renamed = (edit.stem, yaml.safe_load(edit.read_text(encoding="utf-8"))["phases"][0]["steps"][0]["id"])
    for path in shown:
        key = first.site.keys[path]
        shows = renamed in key.steps if key.steps is not None else edit.stem in key.journeys
        assert key.always or shows or key.entries, path
    # while the lists' pages showing only its journey's other steps are kept
    others = [p for p, k in first.site.keys.items() if k.steps and edit.stem in k.journeys and renamed not in k.steps]
    assert others and not set(others) & again
    # and a list page that does not show it is kept: the insights no step of it cites, say
    assert any(path.startswith("insights") and path not in again for path in first.site.keys)
    # the pages rendered again took their other rows from the last render (site/row_cache.py)
    assert session.rows.hits > session.rows.misses > 0


def _own_page_edits() -> list[tuple[str, str]]:
    """(model, field) of every field marked as shown only on its journey's own pages (`model.own_page`)."""
    return [(model.__name__, name) for model in (Journey, Step) for name in sorted(own_page_fields(model))]


def _edit_own_page_field(root: Path, model: str, name: str) -> None:
    """A new value for one marked field: of the journey, or of its first step."""

    def change(d: dict) -> None:
        target = d if model == "Journey" else _steps(d)[0]
        old = target.get(name)
        target[name] = [*(old or []), "Something new and marked."] if isinstance(old, list) or name in (
            "highlights", "backstage") else f"{old or ''} Something new and marked."  # fmt: skip

    _edit_journey(root, change)


@pytest.mark.parametrize(("model", "name"), _own_page_edits(), ids=lambda v: v)
def test_an_edit_of_a_field_only_its_journey_shows_renders_only_that_journeys_pages(
    written, tmp_path, small_pages, model, name
):
    """Each marked field is a promise that no other page shows it: edited, the preview renders the journey's
    own pages again (and the governance page, whose warnings carry line numbers), keeps every other page, and
    gives the bytes of a clean build."""
    root = tmp_path / "project"
    shutil.copytree(written, root)
    session = Session()
    first = session.render(_pipeline(root), _pipeline(root).check(data_memo=session.data_memo))
    edited = _maps(root)[len(_maps(root)) // 2].stem
    _edit_own_page_field(root, model, name)
    after = session.render(_pipeline(root), _pipeline(root).check(data_memo=session.data_memo))
    clean = _pipeline(root).render(_pipeline(root).check(), draw=False)
    assert after.site.files() == clean.site.files()
    assert after.site.files() != first.site.files()
    again = {path for path, page in after.site.pages.items() if first.site.pages.get(path) is not page}
    assert again == {f"journeys/{edited}/index.md", "governance.md"}
    assert after.extras is first.extras  # no metric reads a marked field: they are not computed again
