"""Escaping of untrusted text on its way into Markdown: the ONE place that decides what user text may do.

Every content field of the portfolio is untrusted. Templates never print a field raw: the Jinja
environment autoescapes, and these filters return `Markup` after doing the escaping themselves:

- `text`: block text (descriptions, pain points...). Markdown stays Markdown (`**bold**`, lists, links),
  but `<`, `>` and `&` are escaped so raw HTML shows as text, and `{` is written as an entity so `{{` / `{%` cannot
  reach a later template pass (mkdocs-macros) nor `{: attr}` Markdown's attr_list.
- `inline`: the same on one line (headings, table cells, link text): newlines collapse to spaces and `|`
  is escaped so a Markdown table row cannot be broken.
- `attr`: a value inside an HTML attribute (quotes escaped too).
- `yaml`: a scalar for the front matter, JSON-quoted (JSON is YAML).

The hardening issue swaps `text`/`inline` for an nh3-based sanitiser here, and nowhere else.
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup

_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Every `{` becomes an HTML entity, rendered the same: `{{`/`{%` stay inert for a later template pass
# (mkdocs-macros and the like) and `{: onclick=...}` cannot reach Markdown's attr_list.
_TEMPLATE = re.compile(r"\{")


def _escape(value: object) -> str:
    s = "" if value is None else str(value)
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return _TEMPLATE.sub("&#123;", s.translate(_HTML))


def text(value: object) -> Markup:
    """Untrusted Markdown for a block: HTML escaped, template syntax neutralised, Markdown kept."""
    return Markup(_escape(value).strip())


def inline(value: object) -> Markup:
    """Untrusted text for one line (a heading, a table cell, link text)."""
    s = " ".join(_escape(value).split())
    return Markup(s.replace("|", "\\|"))


def attr(value: object) -> Markup:
    """Untrusted text inside a double-quoted HTML attribute."""
    return Markup(" ".join(_escape(value).replace('"', "&quot;").replace("'", "&#39;").split()))


def yaml(value: object) -> Markup:
    """A YAML scalar for front matter: JSON-quoted, HTML escaped inside."""
    return Markup(json.dumps(" ".join(_escape(value).split()), ensure_ascii=False))


FILTERS = {"text": text, "inline": inline, "attr": attr, "yaml": yaml}
