"""A Python-Markdown extension the generated pages need.

- `<caption>` parsed as a block inside `md_in_html`: Python-Markdown does not count it as block-level, so
  inside `<table markdown>` it is wrapped in a `<p>` (which browsers move out of the table).
- Tables inside a `class="jm-stack"` block get each cell's column name as `data-label`, so that on a phone
  the stylesheet can lay each row out as a card ("Health: off target") while the markup stays a table.

The MkDocs plugin adds this extension by itself; another builder taking `journeys generate` output lists
`generator.markdown_ext` among its Markdown extensions.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


def _text(element: etree.Element) -> str:
    return " ".join("".join(element.itertext()).split())


ROLES = {"table": "table", "thead": "rowgroup", "tbody": "rowgroup", "tr": "row", "th": "columnheader", "td": "cell"}


def stack(table: etree.Element) -> None:
    """Column names as `data-label`; explicit roles, which CSS `display: block` would otherwise drop."""
    heads = [_text(th) for th in table.iter("th")]
    for element in table.iter():
        if element.tag in ROLES:
            element.set("role", ROLES[element.tag])
    for tr in table.iter("tr"):
        for n, td in enumerate(c for c in tr if c.tag == "td"):
            if n < len(heads) and heads[n]:
                td.set("data-label", heads[n])


class StackedTables(Treeprocessor):
    """`data-label` on every cell of the tables inside `.jm-stack`, from the column's header."""

    def run(self, root: etree.Element) -> None:
        for block in root.iter("div"):
            if "jm-stack" not in (block.get("class") or "").split():
                continue
            for table in block.iter("table"):
                stack(table)


class CaptionExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        if "caption" not in md.block_level_elements:
            md.block_level_elements.append("caption")
        md.treeprocessors.register(StackedTables(md), "jm_stacked_tables", 1)


def makeExtension(**kwargs) -> CaptionExtension:  # the name Python-Markdown looks for
    return CaptionExtension(**kwargs)
