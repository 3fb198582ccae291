"""The live preview: `journeys serve` (`mkdocs serve --dirty` with the journeys plugin) after each save.

- A dirty preview build converts and writes only the pages a save changed, and its site is the same files
  as a clean build of the edited project (built the same way, in preview mode).
- A save that makes the portfolio invalid keeps serving the last good pages, shows the `file:line:col`
  errors in the terminal and to the page (`assets/journeys/preview.json`, shown by `preview.js`), and the
  next good save recovers, with no restart.
- Under the server, a save writes first the pages looked at and those of the journeys it changed; a
  catch-up build right after writes the rest (and then the site is a clean build's).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT
from site_helpers import make_project

SERVE_URL = "http://127.0.0.1:8000/tiny/"
MAP = "journeys/maps/renew-my-policy.yaml"


@pytest.fixture(autouse=True)
def _catch_up_at_once(request, monkeypatch):
    """The tests here ask at once whether a catch-up is asked for (the server asks half a second later)."""
    if "catch_up_a_moment_later" not in request.node.name:
        from generator.mkdocs_plugin import plugin

        monkeypatch.setattr(plugin, "CATCH_UP_AFTER_S", 0.0)


def _project(where: Path) -> Path:
    """The tiny project with the example portfolio and the navigation features the repository's site uses
    (`navigation.prune`: a page shows only its branch of the navigation)."""
    project = make_project(where)
    features = re.findall(r"^    - ((?:navigation|content)\.[a-z.]+)$", (ROOT / "mkdocs.yml").read_text(), re.M)
    assert "navigation.prune" in features
    _replace(project / "mkdocs.yml", "  font: false\n", "  font: false\n  features: " + json.dumps(features) + "\n")
    shutil.rmtree(project / "journeys")
    shutil.copytree(ROOT / "journeys", project / "journeys")
    return project


def _in_project(tmp_path: Path, monkeypatch) -> Path:
    """The tiny project in `tmp_path`, the working folder (as `journeys serve` is run in it)."""
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    project = _project(tmp_path / "project")
    monkeypatch.chdir(project)
    return project


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _preview_build(project: Path, site: Path, *, start: bool, dirty: bool = True):
    """One build as `mkdocs serve` runs it (`start`: the first of a session)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.site_url = SERVE_URL
    if start:
        config.plugins.on_startup(command="serve", dirty=dirty)
    build(config, serve_url=SERVE_URL, dirty=dirty)
    return config


def _files(site: Path) -> dict[str, bytes]:
    skip = ("pagefind/", "assets/journeys/preview.json")
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and not p.relative_to(site).as_posix().startswith(skip)
    }


def _step_text(project: Path) -> None:
    _replace(project / MAP, "Opens the envelope, looks for the price", "Tears the envelope open, hunts for the price")


def _new_journey(project: Path) -> None:
    text = (project / "journeys/maps/let-my-old-flat.yaml").read_text(encoding="utf-8")
    (project / "journeys/maps/let-my-old-garage.yaml").write_text(text.replace("title: ", "title: Copy of ", 1))


def _journey_title(project: Path) -> None:
    """A title the navigation shows: the pages listing it there (its branch, its neighbours) change."""
    _replace(project / MAP, "title: I renew my policy", "title: I renew my home policy")


def _removed_journey(project: Path) -> None:
    (project / "journeys/maps/let-my-old-flat.yaml").unlink()


def _catalogue_entry(project: Path) -> None:
    _replace(project / "journeys/personas.yaml", "name: Maya, first-time buyer", "name: Maya, first-time owner")


@pytest.mark.parametrize(
    "edit",
    [_step_text, _new_journey, _journey_title, _removed_journey, _catalogue_entry],
    ids=lambda f: f.__name__.strip("_"),
)
def test_a_dirty_preview_build_gives_the_files_of_a_clean_build(tmp_path, edit, monkeypatch):
    project = _in_project(tmp_path, monkeypatch)
    live, clean = tmp_path / "live", tmp_path / "clean"
    config = _preview_build(project, live, start=True)
    untouched = live / "journeys/make-a-claim/index.html"
    before = untouched.stat().st_mtime_ns
    elsewhere = live / "glossary/index.html"  # another section: the journeys' branch of the navigation is closed
    elsewhere_before = elsewhere.stat().st_mtime_ns
    edit(project)
    config = _preview_build(project, live, start=False)
    config.plugins.on_shutdown()
    config = _preview_build(project, clean, start=True, dirty=False)
    config.plugins.on_shutdown()
    assert _files(live) == _files(clean)
    if edit is _step_text:  # the page of a journey with no link to the edited one was not written again
        assert untouched.stat().st_mtime_ns == before
        assert "Tears the envelope open" in (live / "journeys/renew-my-policy/index.html").read_text()
    if edit in (_new_journey, _journey_title, _removed_journey):  # the navigation changed, on other pages only
        assert elsewhere.stat().st_mtime_ns == elsewhere_before


def _served(project: Path, site: Path, config):
    """MkDocs' live-reload server for a preview (not started: the test calls its builder and its pages itself)."""
    from mkdocs.livereload import LiveReloadServer

    def builder() -> None:
        _preview_build(project, site, start=False)

    server = LiveReloadServer(builder=builder, host="127.0.0.1", port=_free_port(), root=str(site), mount_path="/tiny/")
    return config.plugins.on_serve(server, config=config, builder=server.builder)


def _a_served_preview(tmp_path: Path, monkeypatch, page: str | None = "/tiny/journeys/renew-my-policy/"):
    """The project's preview after its first build, under MkDocs' server (not started), a browser showing
    `page`: the project, the site folder, the server and the plugin."""
    project = _in_project(tmp_path, monkeypatch)
    live = tmp_path / "live"
    config = _preview_build(project, live, start=True)
    server = _served(project, live, config)
    if page is not None:
        _open(server, page)
    return project, live, server, config.plugins["journeys"]


def _open(server, url: str) -> None:
    """A browser opens a page of the preview (through the server's own WSGI application)."""
    from wsgiref.util import setup_testing_defaults

    environ = {"PATH_INFO": url, "HTTP_ACCEPT": "text/html,application/xhtml+xml"}
    setup_testing_defaults(environ)
    b"".join(server.get_app()(environ, lambda status, headers: None))


def test_a_save_writes_first_the_pages_looked_at_and_a_catch_up_the_rest(tmp_path, monkeypatch):
    """Under `journeys serve`, a save writes the pages of the journeys it changed and the pages a browser
    opened; the other pages it changed keep their last version, and the server is asked to build again at
    once (a catch-up), which writes them: then the site is a clean build's. A catch-up that writes no page a
    browser shows does not reload the browsers; one that a save cuts short leaves the rest to the next."""
    # the list of journeys open, which a new journey changes
    project, live, server, _ = _a_served_preview(tmp_path, monkeypatch, page="/tiny/journeys/")
    clean = tmp_path / "clean"
    department = "departments/policy-services/index.html"
    before = (live / department).read_bytes()

    _new_journey(project)
    _preview_build(project, live, start=False)
    saved = _files(live)
    asked = server._want_rebuild  # the catch-up is asked for
    # a save comes in as the catch-up starts: it stops, and leaves what it owes to that save's build
    server.builder()
    halted = _files(live)
    assert server._want_rebuild
    _build_as_the_server_does(server, project, live)  # that save changed nothing: it writes what is owed
    second = server._want_rebuild
    # another journey: the catch-up the plugin asks for writes the rest and reloads no browser
    text = (project / "journeys/maps/make-a-claim.yaml").read_text(encoding="utf-8")
    (project / "journeys/maps/make-another-claim.yaml").write_text(text.replace("title: ", "title: Copy of ", 1))
    _build_as_the_server_does(server, project, live)
    third = dict(_files(live))
    reloads = _build_as_the_server_does(server, project, live)
    caught_up = _files(live)
    # (a clean build last: in one process MkDocs starts the same plugin again, as a new preview)
    _preview_build(project, clean, start=True, dirty=False).plugins.on_shutdown()
    wanted = _files(clean)

    assert saved["journeys/let-my-old-garage/index.html"] != before  # (a new page)
    assert saved["journeys/index.html"] != third["journeys/index.html"] == wanted["journeys/index.html"]
    assert saved[department] == before  # not looked at: owed
    assert asked and halted == saved and not second
    assert third[department] != wanted[department]  # owed again, after the second journey
    assert caught_up == wanted
    assert not server._want_rebuild  # nothing left
    assert not reloads  # the browsers showed the new pages already


def _build_as_the_server_does(server, project: Path, site: Path) -> bool:
    """One build as MkDocs' build loop runs it; whether the browsers reload after it."""
    with server._epoch_cond:
        server._want_rebuild, server._wanted_epoch = False, server._visible_epoch + 1
    server.builder()
    reload = server._wanted_epoch != server._visible_epoch
    server._visible_epoch = server._wanted_epoch
    return reload


def test_a_save_waiting_as_a_catch_up_begins_ends_it_before_mkdocs_reads_a_file(tmp_path, monkeypatch, caplog):
    """A catch-up that finds a save waiting ends at once (MkDocs would read, and skip, every file first:
    0.3 s at 1,000 journeys that the save waited for): nothing written, no browser reloaded, and the pages it
    owed are written after that save, as a clean build's."""
    project, live, server, _ = _a_served_preview(tmp_path, monkeypatch)
    clean = tmp_path / "clean"
    _new_journey(project)
    _build_as_the_server_does(server, project, live)
    assert server._want_rebuild  # the catch-up is asked for
    saved = _files(live)

    _step_text(project)  # a save comes in as the catch-up starts
    with server._epoch_cond:
        server._wanted_epoch = server._visible_epoch + 1
    with caplog.at_level(logging.INFO):
        server.builder()
    assert server._wanted_epoch == server._visible_epoch  # no reload
    assert _files(live) == saved
    assert "a save came in: its build first" in caplog.text
    assert "Documentation built" not in caplog.text

    for _ in range(5):  # the save, then the catch-up
        _build_as_the_server_does(server, project, live)
        if not server._want_rebuild:
            break
    _preview_build(project, clean, start=True, dirty=False).plugins.on_shutdown()
    assert _files(live) == _files(clean)


def test_a_catch_up_writes_every_page_when_a_setting_changed_with_the_save(tmp_path, monkeypatch):
    """A setting every page shows (the site's name) and a journey saved together: every page is written."""
    project, live, server, _ = _a_served_preview(tmp_path, monkeypatch)
    clean = tmp_path / "clean"
    name = re.search(r"^site_name: (.*)$", (project / "mkdocs.yml").read_text(), re.M)
    assert name
    _replace(project / "mkdocs.yml", name.group(0), name.group(0) + " two")
    _new_journey(project)
    assert _build_as_the_server_does(server, project, live)
    while server._want_rebuild:
        _build_as_the_server_does(server, project, live)
    _preview_build(project, clean, start=True, dirty=False).plugins.on_shutdown()
    assert _files(live) == _files(clean)


def test_pages_written_while_others_are_owed_show_the_titles_those_have_on_disk(tmp_path, monkeypatch):
    """A catch-up cut short after rendering, before writing: the list's pages now say "page 2 of 4" in their
    source but "of 3" on disk. The next save writes the page looked at, whose navigation must name them as
    on disk (then the catch-up, writing them, writes it again): in the end, a clean build's files."""
    from generator.site import render

    monkeypatch.setitem(render.PAGE_ROWS, "journeys", 4)  # 12 journeys: 3 pages of the list; 13: 4
    project, live, server, plugin = _a_served_preview(tmp_path, monkeypatch)
    clean = tmp_path / "clean"
    _new_journey(project)
    _build_as_the_server_does(server, project, live)
    assert server._want_rebuild
    rendered = plugin.site

    # a save comes in once the catch-up's pages are rendered, before MkDocs writes any
    def waiting() -> bool:  # (once yes, yes: as the plugin's own)
        plugin._halt = plugin._halt or plugin.site is not rendered
        return plugin._halt

    monkeypatch.setattr(plugin, "_save_waiting", waiting)
    _build_as_the_server_does(server, project, live)
    monkeypatch.delattr(plugin, "_save_waiting")
    _step_text(project)  # that save: the journey looked at
    for _ in range(5):
        _build_as_the_server_does(server, project, live)
        if not server._want_rebuild:
            break
    _preview_build(project, clean, start=True, dirty=False).plugins.on_shutdown()
    assert _files(live) == _files(clean)


def test_a_save_that_only_undoes_an_invalid_one_reloads_the_browsers(tmp_path, monkeypatch):
    project, live, server, _ = _a_served_preview(tmp_path, monkeypatch, page=None)
    _replace(project / MAP, "emotion: 2", "emotion: 9")
    assert _build_as_the_server_does(server, project, live)
    assert json.loads((live / "assets/journeys/preview.json").read_text())["errors"]
    _replace(project / MAP, "emotion: 9", "emotion: 2")  # the same files as the last good build
    assert _build_as_the_server_does(server, project, live)  # the banner goes with the reload
    assert json.loads((live / "assets/journeys/preview.json").read_text()) == {"errors": []}


def test_an_invalid_save_asks_for_no_catch_up_and_the_next_good_one_catches_up(tmp_path, monkeypatch):
    project, live, server, _ = _a_served_preview(tmp_path, monkeypatch, page=None)
    clean = tmp_path / "clean"
    _new_journey(project)
    _preview_build(project, live, start=False)
    assert server._want_rebuild
    server._want_rebuild = False
    _replace(project / MAP, "emotion: 2", "emotion: 9")  # out of range
    _preview_build(project, live, start=False)
    assert not server._want_rebuild  # nothing can be rendered until a good save: no build after build
    _replace(project / MAP, "emotion: 9", "emotion: 2")
    _preview_build(project, live, start=False).plugins.on_shutdown()
    _preview_build(project, clean, start=True, dirty=False).plugins.on_shutdown()
    assert _files(live) == _files(clean)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read().decode("utf-8")


def _refused(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=5).close()
    except urllib.error.URLError as exc:
        return isinstance(exc.reason, ConnectionRefusedError)
    return False


def _until(check, what: str, limit: float = 180.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            found = check()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"the preview did not {what} within {limit:.0f} s")


# by default the system reports saves (inotify here); `--poll` looks for them every 0.1 s
@pytest.mark.parametrize("watch", [[], ["--poll"]], ids=["notified", "polling"])
def test_the_preview_shows_an_invalid_save_and_recovers_on_the_next_good_one(tmp_path, watch):
    project = _project(tmp_path / "project")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{port}", *watch],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/tiny/"
    page, errors = base + "journeys/renew-my-policy/", base + "assets/journeys/preview.json"
    try:
        html = _until(lambda: _get(page), "serve the site")
        assert "assets/journeys/preview.js" in html  # the banner's script is on every page
        assert json.loads(_get(errors)) == {"errors": []}

        _replace(project / MAP, "emotion: 2", "emotion: 9")  # out of range: an invalid save
        shown = _until(lambda: json.loads(_get(errors))["errors"], "report the invalid save")
        assert any(line.startswith("journeys/maps/renew-my-policy.yaml:") and "emotion" in line for line in shown)
        assert "Opens the envelope" in _get(page)  # the last good page is still served

        _replace(project / MAP, "emotion: 9", "emotion: 2")
        _replace(project / MAP, "Opens the envelope", "Tears the envelope open")
        _until(lambda: "Tears the envelope open" in _get(page), "show the good save")
        assert json.loads(_get(errors)) == {"errors": []}

        # a new journey: its page first, then the pages nobody looks at (its department's) in the catch-up
        _new_journey(project)
        _until(lambda: "Copy of I let out my old flat" in _get(base + "journeys/let-my-old-garage/"), "add a journey")
        department = base + "departments/sales-distribution/"
        _until(lambda: "Copy of I let out my old flat" in _get(department), "catch up after the save")
        # with no save, no build: the build's own reading and writing of files is not taken for a save
        time.sleep(1.0)
        builds = (tmp_path / "serve.log").read_text().count("Detected file changes")
        time.sleep(2.0)
        assert (tmp_path / "serve.log").read_text().count("Detected file changes") == builds
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    # stopping `journeys serve` stops the MkDocs server it runs: nothing is left serving the site
    _until(lambda: _refused(page), "stop serving with journeys serve", limit=30)
    output = (tmp_path / "serve.log").read_text()
    assert "journeys/maps/renew-my-policy.yaml:" in output and "Traceback" not in output


def test_the_first_build_makes_chart_drawing_ready(tmp_path, monkeypatch):
    """During the session's first build the preview draws one chart in the background and throws it away
    (matplotlib's import and fonts, 0.3 s), once: the first save that draws a chart does not pay it."""
    from generator.charts import cache
    from generator.mkdocs_plugin import plugin as plugin_module

    project = _in_project(tmp_path, monkeypatch)
    warmed: list = []
    monkeypatch.setattr(plugin_module, "warm", warmed.append)
    live = tmp_path / "live"
    config = _preview_build(project, live, start=True)
    plugin = config.plugins["journeys"]
    _until(lambda: warmed, "warm up")  # (in the background)
    _step_text(project)
    _preview_build(project, live, start=False)
    assert len(warmed) == 1  # once a session
    before = sorted(p.name for p in plugin._chart_cache.iterdir())
    cache.warm(warmed[0])  # the real one draws, and writes nothing
    assert sorted(p.name for p in plugin._chart_cache.iterdir()) == before
    plugin.on_shutdown()


def test_catch_up_a_moment_later_and_none_when_a_save_comes_first(tmp_path, monkeypatch):
    """The catch-up is asked for half a second after the save (the browsers load the page it reloaded from
    a server not busy with it); a save whose build begins before that is a save's build, not a catch-up,
    and asks again for what is still owed."""
    from generator.mkdocs_plugin import plugin as plugin_module

    project, live, server, plugin = _a_served_preview(tmp_path, monkeypatch)
    clean = tmp_path / "clean"

    _new_journey(project)
    _build_as_the_server_does(server, project, live)
    saved = time.monotonic()
    assert not server._want_rebuild  # not at once
    _until(lambda: server._want_rebuild, "ask for a catch-up", limit=10)
    assert time.monotonic() - saved >= plugin_module.CATCH_UP_AFTER_S * 0.9
    assert not _build_as_the_server_does(server, project, live)  # the catch-up: no reload
    assert plugin._requested and not server._want_rebuild

    text = (project / "journeys/maps/make-a-claim.yaml").read_text(encoding="utf-8")
    (project / "journeys/maps/make-another-claim.yaml").write_text(text.replace("title: ", "title: Copy of ", 1))
    _build_as_the_server_does(server, project, live)
    _step_text(project)  # saved before the catch-up is asked for
    assert _build_as_the_server_does(server, project, live)  # a save's build: the browsers reload
    assert not plugin._requested
    time.sleep(plugin_module.CATCH_UP_AFTER_S * 2)
    while server._want_rebuild:  # asked for again, then caught up
        _build_as_the_server_does(server, project, live)
        time.sleep(plugin_module.CATCH_UP_AFTER_S * 2)
    plugin.on_shutdown()
    _preview_build(project, clean, start=True, dirty=False).plugins.on_shutdown()
    assert _files(live) == _files(clean)


def test_the_first_save_renders_only_what_it_changed_when_mkdocs_yml_is_named_relative(tmp_path, monkeypatch, caplog):
    """`journeys serve` runs `mkdocs serve -f mkdocs.yml`: MkDocs gives the theme's `custom_dir` relative at
    the first build and absolute at the next. The same templates all the same: the first save keeps every
    page it did not change (it rendered them all again: 15 s at 1,000 journeys)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = _in_project(tmp_path, monkeypatch)
    live = tmp_path / "live"
    with open("mkdocs.yml", "rb") as named:  # as `mkdocs serve -f mkdocs.yml` opens it
        config = load_config(named, site_dir=str(live))
    config.site_url = SERVE_URL
    assert not Path(config.theme.custom_dir).is_absolute()  # (MkDocs' way with a relative -f)
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, serve_url=SERVE_URL, dirty=True)

    _step_text(project)
    with caplog.at_level(logging.INFO):
        _preview_build(project, live, start=False).plugins.on_shutdown()  # (named absolute)
    kept = re.search(r"journeys: (\d+) of (\d+) pages kept", caplog.text)
    assert kept and int(kept.group(2)) - int(kept.group(1)) <= 2  # the journey's page and the governance page
