"""Rendering the pages on two cores: a forked child renders every other page while this process renders
the rest, and sends its pages back.

Rendering a 1,000-journey site is ~10 s of Jinja on one core, while a build has a second core idle at that
moment (MkDocs has not started on the pages yet). A child made by `fork` shares the loaded portfolio,
metrics and templates for free, and only its pages (text) come back, pickled through a pipe between
the two processes and nothing else. The pages are the same bytes either way (a test renders the example
both ways); the order of `Site.pages` is sorted afterwards.

The child is used only where `fork` is safe and pays off: Linux, no other thread in the process (`mkdocs
serve` runs a watcher thread), two or more cores, and enough pages. Anything that goes wrong in the child
is not an error: its pages are rendered here instead. $JOURNEYS_RENDER_WORKERS=1 turns it off.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from typing import Protocol

from generator.site import filters

PARALLEL_FROM = 300  # pages: below this, forking costs more than it saves
ENV = "JOURNEYS_RENDER_WORKERS"
rendered_by_child = 0  # pages the last call got from its child (0: none, or it failed and they were redone)


class Renderer(Protocol):
    pages: dict

    def render(self, path: str, template: str, source: str | None = None, **ctx) -> None: ...


def can_fork() -> bool:
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1
            and (os.cpu_count() or 1) >= 2 and os.environ.get(ENV, "") != "1")


def render_pages(renderer: Renderer, jobs: list[tuple[str, str, str | None, dict]], *,
                 parallel_from: int | None = None) -> None:
    """Render every job into `renderer.pages`, on two processes when that is safe and worth it."""
    global rendered_by_child
    rendered_by_child = 0
    threshold = PARALLEL_FROM if parallel_from is None else parallel_from
    if len(jobs) < threshold or not can_fork():
        for path, template, source, ctx in jobs:
            renderer.render(path, template, source, **ctx)
        return
    mine, theirs = jobs[0::2], jobs[1::2]  # alternate: big and small pages come in runs
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render, send, and leave without running the parent's exit handlers
        os.close(read_fd)
        payload = b""
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # the parent handles interruptions
            before = set(filters._USED)
            for path, template, source, ctx in theirs:
                renderer.render(path, template, source, **ctx)
            pages = {path: renderer.pages[path] for path, *_ in theirs}
            converted = {k: v for k, v in filters._USED.items() if k not in before}
            payload = pickle.dumps((pages, converted), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - whatever it was, the parent renders these pages itself
            payload = b""
        finally:
            try:
                with os.fdopen(write_fd, "wb") as out:
                    out.write(payload)
            finally:
                os._exit(0)
    os.close(write_fd)
    try:
        for path, template, source, ctx in mine:
            renderer.render(path, template, source, **ctx)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.close(read_fd)
        os.waitpid(pid, 0)
        raise
    with os.fdopen(read_fd, "rb") as got:
        payload = got.read()
    os.waitpid(pid, 0)
    try:
        pages, converted = pickle.loads(payload)  # from our own child, through our own pipe
    except Exception:  # noqa: BLE001 - the child failed: render its share here
        for path, template, source, ctx in theirs:
            renderer.render(path, template, source, **ctx)
        return
    renderer.pages.update(pages)
    filters._USED.update(converted)
    rendered_by_child = len(pages)
