"""The data table shown beside each chart, as HTML: chart data reaches the page through the site's filters."""

from __future__ import annotations

import functools
import re

from generator.charts.specs import Table
from generator.site import filters

_INERT = re.compile(r"[\w .,:%/()+–-]*\Z")  # nothing `filters.attr` would change: numbers, periods, most names


def _esc(text: object) -> str:
    # filters.py decides how user text is escaped (metric and step names reach these tables); the common
    # cell (a number, a period, a plain name on one line) has nothing to escape
    if isinstance(text, str) and _INERT.match(text) and "  " not in text and text == text.strip():
        return text
    return str(filters.attr(text))


# a pure function of an immutable table: the live preview asks again for every chart's table at every save
# (a third of computing the site's extras at 300 journeys), a build once per chart
@functools.lru_cache(maxsize=16384)
def table_html(table: Table) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in table.headers)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
