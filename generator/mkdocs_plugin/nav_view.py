"""What each page shows of the navigation, as a digest: the live preview renders a page again when it changed.

Every page shows the navigation, so a journey added or retitled used to mean all pages rendered again (30 s
at 1,000 journeys). With Material's `navigation.prune` a page holds much less of it (`partials/nav-item.html`):

- the top-level items (also the tabs): a section as its title, the address of its first page and its number
  of children (Material's template writes whitespace for each: `counts_children`);
- for each section on the way to the page (the open branch), its children: pages as title, address and
  the icon, subtitle and status of their front matter, sections as title, first page and number of
  children; the ids of the toggles number the children, so their order counts;
- the previous and next pages (`navigation.footer`).

A page the navigation does not list, and the 404 page, show all of it.

`page_views` gives, for each page, a digest of exactly those; two builds that give a page the same digest
give it the same navigation. Without `navigation.prune`, or with `navigation.sections` or
`navigation.expand` (which open more than the page's branch), each page's digest covers the whole
navigation. Titles are the pages' own (`title` in the front matter, else the first heading) as read before
rendering, so a page gives the same title in every build whatever else changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

PRUNE = "navigation.prune"
OPENING = ("navigation.sections", "navigation.expand")  # features that show more than the page's branch
NO_WHITESPACE_PER_CHILD = "journeys: no whitespace per child"  # the mark of a nav-item.html that writes none

Title = Callable[[Any], str]  # a page -> its title as read from its source


def page_views(
    items: Sequence[Any], pages: Iterable[Any], features: Iterable[str], title: Title, *, counts: bool = True
) -> dict[str, str]:
    """src_uri of each page of `pages` -> the digest of what it shows of the navigation `items` (MkDocs'
    `Navigation.items`: sections, pages and links). `counts`: whether a closed section's number of children
    shows (`counts_children`)."""
    features = set(features)
    pruned = PRUNE in features and not features & set(OPENING)
    lists: dict[int, str] = {}  # id(section) or 0 (the top level) -> digest of its children as shown pruned

    def shown(children: Sequence[Any]) -> list:
        return [_entry(child, title, counts) for child in children]

    def of(section: Any | None) -> str:
        key = 0 if section is None else id(section)
        if key not in lists:
            children = items if section is None else section.children
            lists[key] = _digest(shown(children) if pruned else _whole(children, title))
        return lists[key]

    views: dict[str, str] = {}
    whole = _digest(_whole(items, title))
    for page in pages:
        chain: list[Any] = []
        parent = getattr(page, "parent", None)
        while parent is not None:
            chain.append(parent)
            parent = parent.parent
        chain.reverse()
        opened = [
            (of(s), _index(s.children, chain[n + 1] if n + 1 < len(chain) else page)) for n, s in enumerate(chain)
        ]
        neighbours = [
            (title(p), p.url) if p is not None else None
            for p in (getattr(page, "previous_page", None), getattr(page, "next_page", None))
        ]
        top = _index(items, chain[0] if chain else page)
        if top < 0:  # a page the navigation does not list: like the 404 page, it shows all of it
            views[page.file.src_uri] = _digest([whole, page.url])
            continue
        views[page.file.src_uri] = _digest([of(None), top, opened, neighbours, page.url])
    return views


def site_view(items: Sequence[Any], urls: Iterable[str], title: Title) -> str:
    """What the 404 page (the whole navigation, in Material) and the sitemap (every page's address) show."""
    return _digest([_whole(items, title), sorted(urls)])


def counts_children(theme_dirs: Iterable[str]) -> bool:
    """Whether a closed section's number of children shows in its HTML: Material's `partials/nav-item.html`
    loops over them looking for an index page, and each turn writes whitespace; this repository's theme
    (`theme/partials/nav-item.html`, marked) does not."""
    for folder in theme_dirs:
        template = Path(folder) / "partials" / "nav-item.html"
        if template.is_file():
            return NO_WHITESPACE_PER_CHILD not in template.read_text(encoding="utf-8")
    return True


def _entry(item: Any, title: Title, counts: bool = True) -> tuple:
    if item.is_section:
        return ("section", item.title, _first_url(item), len(item.children) if counts else bool(item.children))
    if item.is_page:
        meta = item.meta or {}  # what Material shows of a page's front matter beside its title
        return ("page", title(item), item.url, [meta.get(k) for k in ("icon", "subtitle", "status")])
    return ("link", item.title, item.url)


def _whole(children: Sequence[Any], title: Title) -> list:
    return [("section", c.title, _whole(c.children, title)) if c.is_section else _entry(c, title) for c in children]


def _first_url(section: Any) -> str | None:
    """The address a pruned section links to: its first page, through first sections (`render_pruned`)."""
    first = section.children[0] if section.children else None
    while first is not None and first.is_section:
        first = first.children[0] if first.children else None
    return first.url if first is not None else None


def _index(children: Sequence[Any], item: Any) -> int:
    for n, child in enumerate(children):
        if child is item:
            return n
    return -1


def _digest(value: object) -> str:
    return hashlib.sha1(json.dumps(value, default=str).encode()).hexdigest()
