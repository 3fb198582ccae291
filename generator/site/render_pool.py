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
from functools import partial
from typing import Protocol

from generator.common import fork
from generator.site import filters

PARALLEL_FROM = 300  # pages: below this, forking costs more than it saves
ENV = "JOURNEYS_RENDER_WORKERS"
rendered_by_child = 0  # pages the last call got from its child (0: none, or it failed and they were redone)


class Renderer(Protocol):
    pages: dict

    def render(self, path: str, template: str, source: str | None = None, **ctx) -> None: ...


def can_fork() -> bool:
    """Forking allowed (`fork.allowed`) and not turned off by $JOURNEYS_RENDER_WORKERS=1."""
    return fork.allowed() and os.environ.get(ENV, "") != "1"


def _render_share(renderer: Renderer, jobs: list[tuple[str, str, str | None, dict]]) -> tuple[dict, dict]:
    """The child's part: its pages, and the conversions it added to the text cache (sent back so the cache
    saved after the build holds them too)."""
    before = set(filters._USED)
    for path, template, source, ctx in jobs:
        renderer.render(path, template, source, **ctx)
    pages = {path: renderer.pages[path] for path, *_ in jobs}
    return pages, {k: v for k, v in filters._USED.items() if k not in before}


def render_pages(renderer: Renderer, jobs: list[tuple[str, str, str | None, dict]], *,
                 parallel_from: int | None = None) -> None:
    """Render every job into `renderer.pages`, on two processes when that is safe and worth it."""
    global rendered_by_child
    rendered_by_child = 0
    threshold = PARALLEL_FROM if parallel_from is None else parallel_from
    mine, theirs = jobs[0::2], jobs[1::2]  # alternate: big and small pages come in runs
    child = fork.start(partial(_render_share, renderer, theirs)) if len(jobs) >= threshold and can_fork() else None
    if child is None:
        mine, theirs = jobs, []
    try:
        for path, template, source, ctx in mine:
            renderer.render(path, template, source, **ctx)
    except BaseException:
        if child is not None:
            child.kill()
        raise
    result = child.collect() if child is not None else None
    if result is None:  # no child, or it failed: its share is rendered here
        for path, template, source, ctx in theirs:
            renderer.render(path, template, source, **ctx)
        return
    pages, converted = result
    renderer.pages.update(pages)
    filters._USED.update(converted)
    rendered_by_child = len(pages)
