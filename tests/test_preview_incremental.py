"""The live preview renders again only what a save changed, and gives the same bytes as a clean build.

`pipeline.Session` keeps the last good render of a project between saves. Each test below copies the
example portfolio, renders it once through a session, makes one kind of edit, renders it through the
session again, and compares every page, asset and the navigation with a clean render of the edited files.
Edits confined to journeys keep the other journeys' pages (the session counts the pages it kept); an edit
to anything every page may show (a catalogue entry, metric data, a template) renders everything.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from generator.options import Options
from generator.pipeline import Pipeline, Session

MAP = "journeys/maps/renew-my-policy.yaml"


def _project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "journeys", tmp_path / "journeys")
    (tmp_path / "tpl").mkdir()
    return tmp_path


def _pipeline(root: Path) -> Pipeline:
    return Pipeline(Options(portfolio="journeys", templates="tpl"), root=root)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _step_text(root: Path) -> None:
    _replace(root / MAP, "Opens the envelope, looks for the price", "Tears the envelope open, hunts for the price")


def _step_rename(root: Path) -> None:
    _replace(root / MAP, "name: Receive my renewal notice", "name: Get my renewal notice")


def _new_journey(root: Path) -> None:
    source = root / "journeys/maps/let-my-old-flat.yaml"
    text = source.read_text(encoding="utf-8").replace("title: ", "title: Copy of ", 1)
    (root / "journeys/maps/let-my-old-garage.yaml").write_text(text, encoding="utf-8")


def _removed_journey(root: Path) -> None:
    (root / "journeys/maps/let-my-old-flat.yaml").unlink()


def _catalogue_entry(root: Path) -> None:
    _replace(root / "journeys/personas.yaml", "name: Maya, first-time buyer", "name: Maya, first-time owner")


def _metric_row(root: Path) -> None:
    _replace(root / "journeys/data/aggregated.csv", "claim-settlement,,38.9,", "claim-settlement,,41.2,")


def _template(root: Path) -> None:
    text = (ROOT / "generator/site/templates/glossary.md.j2").read_text(encoding="utf-8")
    (root / "tpl/glossary.md.j2").write_text(text + "\nOur words, kept by the customer team.\n", encoding="utf-8")


JOURNEY_EDITS = [_step_text, _step_rename, _new_journey, _removed_journey]
SHARED_EDITS = [_catalogue_entry, _metric_row, _template]


@pytest.mark.parametrize("edit", JOURNEY_EDITS + SHARED_EDITS, ids=lambda f: f.__name__.strip("_"))
def test_a_save_renders_the_same_bytes_as_a_clean_build(tmp_path, edit):
    root = _project(tmp_path)
    session = Session()
    pipeline = _pipeline(root)
    first = session.render(pipeline, pipeline.check(data_memo=session.data_memo))
    edit(root)
    checked = _pipeline(root).check(data_memo=session.data_memo)
    assert checked.ok, [d.text() for d in checked.report.errors]
    after = session.render(_pipeline(root), checked)
    clean_check = _pipeline(root).check()
    assert [d.text() for d in checked.report.items] == [d.text() for d in clean_check.report.items]
    clean = _pipeline(root).render(clean_check, draw=False)
    assert after.site.files() == clean.site.files()
    assert after.site.nav == clean.site.nav
    assert after.site.files() != first.site.files()  # the edit did change the site
    if edit in JOURNEY_EDITS:
        assert session.reused > 0, "a journey edit should keep the other journeys' pages"
    else:
        assert session.reused == 0


@pytest.mark.parametrize("edit", JOURNEY_EDITS + SHARED_EDITS, ids=lambda f: f.__name__.strip("_"))
def test_a_save_renders_first_what_is_looked_at_and_the_catch_up_the_rest(tmp_path, edit):
    """Given the pages viewed (`first`), a save renders those and its journeys' pages, keeps the earlier
    version of the other pages it changed (`Site.owed`), and a render of the same files catches up: then the
    site is a clean build's, byte for byte."""
    root = _project(tmp_path)
    session = Session()
    first = session.render(_pipeline(root), _pipeline(root).check())
    viewed = frozenset({"backlog.md"})
    edit(root)
    saved = session.render(_pipeline(root), _pipeline(root).check(), first=viewed)
    assert not session.catching_up
    clean = _pipeline(root).render(_pipeline(root).check(), draw=False).site
    for path in saved.site.owed:  # an owed page is the earlier one
        assert saved.site.pages[path] is first.site.pages[path]
    if edit in (_step_rename, _new_journey, _removed_journey):  # which the edit changed
        assert any(saved.site.pages[path].content != clean.pages[path].content for path in saved.site.owed)
    if edit in JOURNEY_EDITS:  # the edited journey's page, the page viewed, and no other, are the new ones
        assert bool(saved.site.owed) == (edit is not _step_text)  # (a step's text: on its journey's page only)
        page = "journeys/let-my-old-garage/index.md" if edit is _new_journey else "journeys/renew-my-policy/index.md"
        if page in clean.pages:
            assert saved.site.pages[page].content == clean.pages[page].content
        assert saved.site.pages["backlog.md"].content == clean.pages["backlog.md"].content
        assert "backlog.md" not in saved.site.owed
    else:  # a change every page may show renders everything: nothing to keep, so nothing owed
        assert not saved.site.owed
    caught_up = session.render(_pipeline(root), _pipeline(root).check(), first=viewed)
    assert session.catching_up
    assert not caught_up.site.owed
    assert caught_up.site.files() == clean.files()
    assert caught_up.site.nav == clean.nav


def test_a_catch_up_stops_when_a_save_waits_and_the_next_one_goes_on(tmp_path):
    root = _project(tmp_path)
    session = Session()
    session.render(_pipeline(root), _pipeline(root).check())
    _new_journey(root)
    saved = session.render(_pipeline(root), _pipeline(root).check(), first=frozenset())
    owed = saved.site.owed
    assert len(owed) >= 3
    asked = []

    def stop() -> bool:  # a save arrives after two pages
        asked.append(1)
        return len(asked) > 2

    part = session.render(_pipeline(root), _pipeline(root).check(), stop=stop)
    assert session.catching_up
    assert 0 < len(part.site.owed) < len(owed)
    assert part.site.owed <= owed
    done = session.render(_pipeline(root), _pipeline(root).check(), stop=lambda: False)
    assert not done.site.owed
    assert done.site.files() == _pipeline(root).render(_pipeline(root).check(), draw=False).site.files()


def test_a_journey_edit_renders_that_journey_and_its_neighbours_only(tmp_path):
    root = _project(tmp_path)
    session = Session()
    first = session.render(_pipeline(root), _pipeline(root).check())
    _replace(root / MAP, "  From the renewal notice, three", "  From the renewal letter, three")  # its description
    after = session.render(_pipeline(root), _pipeline(root).check())
    kept = {path for path, page in after.site.pages.items() if first.site.pages.get(path) is page}
    # renew-my-policy's page, and its parent's (a neighbour), are rendered again
    assert "journeys/renew-my-policy/index.md" not in kept
    assert "journeys/home-insurance-lifecycle/index.md" not in kept
    # a journey with no link to it is kept as it was
    assert "journeys/make-a-claim/index.md" in kept
    # so are the pages of the personas and departments it does not name; those it names are rendered again
    assert "personas/retired-homeowner.md" not in kept and "departments/policy-services.md" not in kept
    assert "personas/first-time-buyer.md" in kept
    assert after.site.files() == _pipeline(root).render(_pipeline(root).check(), draw=False).site.files()


def test_a_step_rename_renders_its_journey_and_the_pages_showing_that_step(tmp_path):
    """A step's name is on its journey's page, the lists of steps holding it and the pages of the journeys
    detailing it; its journey's parent names the journey only, and is kept."""
    root = _project(tmp_path)
    session = Session()
    first = session.render(_pipeline(root), _pipeline(root).check())
    _step_rename(root)
    after = session.render(_pipeline(root), _pipeline(root).check())
    kept = {path for path, page in after.site.pages.items() if first.site.pages.get(path) is page}
    assert "journeys/renew-my-policy/index.md" not in kept
    assert "journeys/home-insurance-lifecycle/index.md" in kept
    assert "journeys/make-a-claim/index.md" in kept
    assert after.site.pages["journeys/renew-my-policy/index.md"].content.count("Get my renewal notice") >= 1
    assert after.site.files() == _pipeline(root).render(_pipeline(root).check(), draw=False).site.files()


def test_a_step_text_edit_renders_that_journeys_page_only(tmp_path):
    """What a step does is shown on its journey's page alone (`model.own_page`): no other page is rendered
    again, but the governance page, whose warnings carry line numbers."""
    root = _project(tmp_path)
    session = Session()
    first = session.render(_pipeline(root), _pipeline(root).check())
    _step_text(root)
    after = session.render(_pipeline(root), _pipeline(root).check())
    again = {path for path, page in after.site.pages.items() if first.site.pages.get(path) is not page}
    assert again == {"journeys/renew-my-policy/index.md", "governance.md"}
    assert after.site.pages["journeys/renew-my-policy/index.md"].content.count("Tears the envelope open") == 1
    assert after.site.files() == _pipeline(root).render(_pipeline(root).check(), draw=False).site.files()


def test_the_data_files_are_read_again_only_when_they_or_what_they_are_checked_against_change(tmp_path):
    root = _project(tmp_path)
    session = Session()
    first = _pipeline(root).check(data_memo=session.data_memo).portfolio.metric_data
    _step_text(root)  # no data file, metric or step id changed: the same reading
    assert _pipeline(root).check(data_memo=session.data_memo).portfolio.metric_data is first
    _replace(root / MAP, "      - id: receive-the-renewal-notice", "      - id: get-the-renewal-notice")
    again = _pipeline(root).check(data_memo=session.data_memo)  # a step id the rows may name: read again
    assert again.portfolio.metric_data is not first
    _metric_row(root)
    assert _pipeline(root).check(data_memo=session.data_memo).portfolio.metric_data is not again.portfolio.metric_data


def test_a_new_journey_keeps_the_data_reading_when_every_row_named_a_known_journey(tmp_path):
    """No row of a reading without errors names a journey added since, so the reading holds (and the metrics
    computed from it); a removed journey may be named by rows: read again."""
    root = _project(tmp_path)
    session = Session()
    first = _pipeline(root).check(data_memo=session.data_memo).portfolio.metric_data
    _new_journey(root)
    assert _pipeline(root).check(data_memo=session.data_memo).portfolio.metric_data is first
    _removed_journey(root)
    again = _pipeline(root).check(data_memo=session.data_memo)
    assert again.portfolio.metric_data is not first


def test_a_new_journey_named_by_rows_that_named_no_journey_before_reads_the_data_again(tmp_path):
    root = _project(tmp_path)
    rows = root / "journeys/data/aggregated.csv"
    rows.write_text(
        rows.read_text(encoding="utf-8") + "2024-09-01,complaints-count,let-my-old-garage,,4,\n", encoding="utf-8"
    )
    session = Session()
    before = _pipeline(root).check(data_memo=session.data_memo)
    assert [d.message for d in before.report.errors] == ["unknown journey 'let-my-old-garage'"]
    _new_journey(root)  # now the row names a journey: its value is read, the error is gone
    after = _pipeline(root).check(data_memo=session.data_memo)
    assert after.report.errors == [] and after.portfolio.metric_data is not before.portfolio.metric_data
    clean = _pipeline(root).check().portfolio.metric_data
    assert after.portfolio.metric_data == clean


def test_files_unchanged_since_the_last_save_give_the_same_models(tmp_path):
    root = _project(tmp_path)
    session = Session()
    first = _pipeline(root).check(model_memo=session.model_memo).portfolio
    _step_text(root)
    again = _pipeline(root).check(model_memo=session.model_memo).portfolio
    # the edited journey is validated again; every other file gives the objects of the last save
    assert again.journeys["renew-my-policy"] is not first.journeys["renew-my-policy"]
    assert again.journeys["renew-my-policy"] != first.journeys["renew-my-policy"]
    assert again.journeys["make-a-claim"] is first.journeys["make-a-claim"]
    assert again.personas["first-time-buyer"] is first.personas["first-time-buyer"]
    # the same portfolio as a check without the memo, and the parse cache's file still holds every file, once
    # the session has written it (after the page is served: `Session.flush`)
    assert again == _pipeline(root).check(cached=False).portfolio
    assert session.deferred and not (root / _pipeline(root).chart_cache / "parsed.json").exists()
    session.flush()
    assert not session.deferred
    stored = json.loads((root / _pipeline(root).chart_cache / "parsed.json").read_text(encoding="utf-8"))
    assert len(stored) == len(again.sources)
    # an invalid save is not kept: the next load of the same text reports the same error
    _replace(root / MAP, "title: ", "title:\n  - not a title\n  -")
    errors = [d.text() for d in _pipeline(root).check(model_memo=session.model_memo).report.errors]
    assert errors and errors == [d.text() for d in _pipeline(root).check(model_memo=session.model_memo).report.errors]


def test_the_metrics_of_unchanged_journeys_are_not_computed_again(tmp_path):
    from generator.charts.metrics_view import ViewMemo, compute

    root = _project(tmp_path)
    session = Session()
    memo = ViewMemo()
    first = compute(
        _pipeline(root).check(model_memo=session.model_memo, data_memo=session.data_memo).portfolio, memo=memo
    )
    _step_text(root)
    portfolio = _pipeline(root).check(model_memo=session.model_memo, data_memo=session.data_memo).portfolio
    again = compute(portfolio, memo=memo)
    clean = compute(_pipeline(root).check().portfolio)
    # the same statuses and charts as computed afresh...
    assert again.charts == clean.charts
    assert {k: (s.health, s.value, s.trend) for k, s in again.health.metrics.items()} == {
        k: (s.health, s.value, s.trend) for k, s in clean.health.metrics.items()
    }
    # ...the unchanged journeys' taken from the last save, the edited journey's made again
    assert again.charts["make-a-claim"] is first.charts["make-a-claim"]
    assert again.charts["renew-my-policy"] is not first.charts["renew-my-policy"]
    key = next(k for k in again.health.metrics if k.journey == "make-a-claim")
    assert again.health.metrics[key] is first.health.metrics[key]


def test_the_search_entries_of_unchanged_journeys_are_kept(tmp_path):
    from generator.site.search_markup import SearchMemo, page_search

    root = _project(tmp_path)
    session, memo = Session(), SearchMemo()
    first = page_search(_pipeline(root).check(model_memo=session.model_memo).portfolio, memo=memo)
    _step_text(root)
    portfolio = _pipeline(root).check(model_memo=session.model_memo).portfolio
    again = page_search(portfolio, memo=memo)
    assert again == page_search(_pipeline(root).check().portfolio)
    assert again["journeys/make-a-claim/index.md"] is first["journeys/make-a-claim/index.md"]
    edited = again["journeys/renew-my-policy/index.md"]
    assert edited is not first["journeys/renew-my-policy/index.md"]
    assert any("Tears the envelope open" in step.text for step in edited.steps)


def test_chart_files_found_valid_are_not_read_again_in_the_session(tmp_path):
    from generator.charts.cache import start

    root = _project(tmp_path)
    pipeline = _pipeline(root)
    charts = list(pipeline.render(pipeline.check(), draw=False).charts.values())
    assert charts
    start(charts, pipeline.chart_cache).wait()  # drawn into the cache
    known: set[str] = set()
    assert start(charts, pipeline.chart_cache, known=known).wait().rendered == []
    assert known == {c.filename for c in charts}
    (pipeline.chart_cache / charts[0].filename).unlink()  # gone behind the session's back: not looked for
    assert start(charts, pipeline.chart_cache, known=known).wait().rendered == []
    assert start(charts, pipeline.chart_cache).wait().rendered == [charts[0].filename]  # a build draws it


def test_the_text_cache_is_read_once_a_session_and_written_when_it_changed(tmp_path):
    root = _project(tmp_path)
    session = Session()
    session.render(_pipeline(root), _pipeline(root).check())
    session.flush()
    stored = _pipeline(root).chart_cache / "converted.json"
    first = json.loads(stored.read_text(encoding="utf-8"))["texts"]
    stored.unlink()  # the session does not read it again: it has the conversions in memory
    session.render(_pipeline(root), _pipeline(root).check())
    assert not stored.exists(), "nothing new was converted: nothing to write"
    _step_text(root)
    after = session.render(_pipeline(root), _pipeline(root).check())
    assert not stored.exists(), "written once the page is served, not during the save"
    session.flush()
    texts = json.loads(stored.read_text(encoding="utf-8"))["texts"]
    assert after.site.files() == _pipeline(root).render(_pipeline(root).check(), draw=False).site.files()
    # the pages kept from the last save keep their conversions cached too, for the next full build
    assert set(first) <= set(texts)
    assert any("Tears the envelope open" in k for k in texts)


def test_the_explore_records_of_unchanged_journeys_are_kept(tmp_path):
    """`api/explore.json` is made of each journey's lines; a save makes those of the edited journey again."""
    from generator.site.explore import EXPLORE_JSON

    root = _project(tmp_path)
    session = Session()
    session.render(_pipeline(root), _pipeline(root).check())
    before = {key: row for key, (_, row) in session.rows.rows.items() if key[0] == EXPLORE_JSON}
    _step_rename(root)
    after = session.render(_pipeline(root), _pipeline(root).check())
    now = {key: row for key, (_, row) in session.rows.rows.items() if key[0] == EXPLORE_JSON}
    assert now[(EXPLORE_JSON, "make-a-claim")] is before[(EXPLORE_JSON, "make-a-claim")]
    assert now[(EXPLORE_JSON, "renew-my-policy")] is not before[(EXPLORE_JSON, "renew-my-policy")]
    clean = _pipeline(root).render(_pipeline(root).check(), draw=False)
    assert after.site.assets[EXPLORE_JSON] == clean.site.assets[EXPLORE_JSON]
    assert b"Get my renewal notice" in after.site.assets[EXPLORE_JSON]
