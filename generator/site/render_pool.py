"""Rendering the pages on two cores: a forked child renders every other page while this process renders
the rest, and sends its pages back; each journey's downloads likewise (`render_shared`).

Rendering a 1,000-journey site is ~10 s of Jinja on one core, while a build has a second core idle at that
moment (MkDocs has not started on the pages yet). A child made by `fork` shares the loaded portfolio,
metrics and templates for free, and only its pages (text) and the conversions it added to the text cache
come back (`generator/common/fork.py`). The pages are the same bytes either way (a test renders the example
both ways); the order of `Site.pages` is sorted afterwards.

The child is used only where `fork` is safe and pays off: Linux, no other thread in the process (`mkdocs
serve` runs a watcher thread), two or more cores, and enough pages. Anything that goes wrong in the child
is not an error: its pages are rendered here instead. $JOURNEYS_RENDER_WORKERS=1 turns it off.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from typing import Protocol

from generator.common import fork
from generator.site.text_cache import TextCache

PARALLEL_FROM = 300  # pages: below this, forking costs more than it saves
SHARED_FROM = 100  # journeys' downloads: below this, likewise
ENV = "JOURNEYS_RENDER_WORKERS"


class Renderer(Protocol):
    pages: dict

    def render(self, path: str, template: str, source: str | None = None, **ctx) -> None: ...


def can_fork() -> bool:
    """Forking allowed (`fork.allowed`) and not turned off by $JOURNEYS_RENDER_WORKERS=1."""
    return fork.allowed() and os.environ.get(ENV, "") != "1"


def _render_share(
    renderer: Renderer, jobs: list[tuple[str, str, str | None, dict]], texts: TextCache | None
) -> tuple[dict, dict]:
    """The child's part: its pages, and the conversions it added to the text cache (sent back so the cache
    saved after the build holds them too)."""
    before = set(texts.used) if texts is not None else set()
    _render_all(renderer, jobs)
    pages = {path: renderer.pages[path] for path, *_ in jobs}
    converted = {k: v for k, v in texts.used.items() if k not in before} if texts is not None else {}
    return pages, converted


def _render_all(renderer: Renderer, jobs: list[tuple[str, str, str | None, dict]]) -> None:
    for path, template, source, ctx in jobs:
        renderer.render(path, template, source, **ctx)


def render_pages(
    renderer: Renderer,
    jobs: list[tuple[str, str, str | None, dict]],
    *,
    texts: TextCache | None = None,
    parallel_from: int | None = None,
) -> int:
    """Render every job into `renderer.pages`, on two processes when that is safe and worth it; `texts` is
    the text cache the renderer's filters use. Returns how many pages the child rendered (0: no child, or
    it failed and its pages were rendered here)."""
    threshold = PARALLEL_FROM if parallel_from is None else parallel_from
    mine, theirs = jobs[0::2], jobs[1::2]  # alternate: big and small pages come in runs
    child = None
    if len(jobs) >= threshold and can_fork():
        child = fork.start(partial(_render_share, renderer, theirs, texts))
    if child is None:
        mine, theirs = jobs, []
    _, result = fork.meanwhile(child, partial(_render_all, renderer, mine))
    if result is None:  # no child, or it failed: its share is rendered here
        _render_all(renderer, theirs)
        return 0
    pages, converted = result
    renderer.pages.update(pages)
    if texts is not None:
        texts.used.update(converted)
    return len(pages)


def render_shared(work: Callable[[slice], tuple[dict, set]], count: int) -> tuple[dict, set]:
    """`work(share)` over `count` items, as (files by path, keys used): the odd items in a forked child when
    that is safe and there are at least `SHARED_FROM`, the even ones here (each journey's downloads: their
    workbooks were 8.6 s of one core in a cold build at 1,000 journeys). The same result either way."""
    child = fork.start(partial(work, slice(1, None, 2))) if count >= SHARED_FROM and can_fork() else None
    (made, used), result = fork.meanwhile(child, partial(work, slice(0, None, 2) if child is not None else slice(None)))
    if child is not None:
        theirs = result if result is not None else work(slice(1, None, 2))
        made, used = {**made, **theirs[0]}, used | theirs[1]
    return made, used
