"""The live preview's rows: the finished cells of a list's rows, kept from one save to the next.

A save renders again each page of a long list that shows the journey edited (a department's steps, a
channel's touchpoints, the insights it cites), and such a page has up to a few hundred rows of which the
edit changed one or two. The templates ask `kept_rows.get(key, deps)` before making a row and
`kept_rows.put(key, deps, row)` after: `key` names the row on its page (the page's path is part of it, as the links in a row
are relative to the page), `deps` is everything the row shows, compared by identity or equality with what
it showed when kept. A render that keeps nothing (a catalogue entry, the metric data or a template
changed: `render.Reuse` is None) starts with an empty cache, so what the row does not list in `deps`
(catalogue names, the page's options) cannot be stale. `journeys build` uses `NO_ROWS`, which keeps nothing.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any


class Identity:
    """A `deps` member compared by identity only (`a == b` of two large values would compare them whole)."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Identity) and other.value is self.value

    __hash__ = None  # type: ignore[assignment]


def _same(old: tuple, new: tuple) -> bool:
    return len(old) == len(new) and all(a is b or a == b for a, b in zip(old, new, strict=True))


class RowCache:
    def __init__(self) -> None:
        self.rows: dict[Hashable, tuple[tuple, Any]] = {}
        self.hits = self.misses = 0

    def get(self, key: Hashable, deps: tuple) -> Any:
        """The row kept under `key` if it was made of the same `deps`, else None."""
        found = self.rows.get(key)
        if found is not None and _same(found[0], deps):
            self.hits += 1
            return found[1]
        self.misses += 1
        return None

    def put(self, key: Hashable, deps: tuple, row: Any) -> Any:
        """Keep `row`, made of `deps`, under `key`; returns `row`."""
        self.rows[key] = (deps, row)
        return row

    def clear(self) -> None:
        self.rows.clear()


class _NoRows(RowCache):
    def get(self, key: Hashable, deps: tuple) -> Any:
        return None

    def put(self, key: Hashable, deps: tuple, row: Any) -> Any:
        return row


NO_ROWS: RowCache = _NoRows()
