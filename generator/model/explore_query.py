"""The explore page's URL contract (docs/explore.md): which parameters a view's query may hold, and their values.

Shared by the validation of named views (`organisation.views`, checked in `load/references.py`) and the site
(`site/explore.py`), so the page, its documentation and the checks cannot drift. Pure: no portfolio needed
for the names; `check_query` takes the ids a reference may name.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl

from generator.common.suggest import did_you_mean, known

KINDS = ("journey", "step", "touchpoint", "pain-point", "opportunity")
HEALTH = ("on-target", "at-risk", "off-target", "no-data")
SORTS = ("name", "journey", "health", "emotion", "score")
PAGE_SIZE = 500

# parameter -> the portfolio collection its values are ids of (None: a fixed set, or free text)
FACETS: dict[str, str | None] = {
    "persona": "personas",
    "department": "departments",
    "channel": "channels",
    "type": None,
    "level": None,
    "status": None,
    "lifecycle": None,
    "tag": None,
    "health": None,
    "moment": None,
}
PARAMETERS = ("kind", *FACETS, "q", "sort", "page")


def check_query(query: str, ids: Mapping[str, set[str]], fixed: Mapping[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """Problems in an explore query, each (message, hint); empty when the query is valid.

    `ids` maps a collection (`personas`, ...) and `tags` to the ids a value may name; `fixed` maps `type`,
    `level`, `status` and `lifecycle` to their allowed values.
    """
    problems: list[tuple[str, str]] = []
    if query.startswith("?"):
        query = query[1:]
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        return [
            (
                f"'{query}' is not a URL query",
                "write it as name=value pairs joined by &, e.g. kind=step&health=off-target",
            )
        ]
    allowed: dict[str, tuple[str, ...] | set[str] | None] = {
        "kind": KINDS,
        "health": HEALTH,
        "moment": ("true",),
        "sort": SORTS,
        "q": None,
        "page": None,
        **{name: ids.get(coll, set()) for name, coll in FACETS.items() if coll},
        "tag": ids.get("tags", set()),
        **fixed,
    }
    singles = ("kind", "q", "sort", "page", "moment")
    seen: set[str] = set()
    for name, value in pairs:
        if name not in allowed:
            problems.append(
                (f"unknown explore parameter '{name}'", did_you_mean(name, PARAMETERS) or known(PARAMETERS))
            )
            continue
        if name in singles and name in seen:
            problems.append((f"'{name}' is given more than once", "keep one value"))
        seen.add(name)
        values = allowed[name]
        if name == "page":
            if not value.isdigit() or int(value) < 1:
                problems.append((f"page must be a whole number from 1, got '{value}'", "e.g. page=2"))
        elif values is not None and value not in values:
            what = "tag" if name == "tag" else name
            problems.append(
                (
                    f"unknown {what} '{value}' in the explore query",
                    did_you_mean(value, sorted(values)) or known(sorted(values)),
                )
            )
    return problems
