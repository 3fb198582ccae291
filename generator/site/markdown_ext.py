"""A Python-Markdown extension the generated pages need.

- `<caption>` parsed as a block inside `md_in_html`: Python-Markdown does not count it as block-level, so
  inside `<table markdown>` it is wrapped in a `<p>` (which browsers move out of the table).
- Tables inside a `class="jm-stack"` block get each cell's column name as `data-label`, so that on a phone
  the stylesheet can lay each row out as a card ("Health: off target") while the markup stays a table.
- Finished HTML passed through without parsing: the generated pages write their maps, fact lists and charts
  as finished HTML (user text already converted and sanitised by `filters.py`) between the lines
  `<!-- journeys:html -->` and `<!-- /journeys:html -->`. Python-Markdown would still read every tag of such a
  block with `html.parser` (its raw-HTML rule, and MkDocs once more looking for anchors): on a journey page
  that was most of the page's conversion. This extension stores the block as it is and puts it back in the
  output unchanged; its `id`s are shown, for that conversion only, to the tree's readers (MkDocs' anchor
  check, the table of contents' unique ids) as they would have seen them. User text cannot write the marker
  lines (the filters write every `<` of it as `&lt;`). Without this extension the blocks are ordinary raw HTML
  and come out the same.

The MkDocs plugin adds this extension by itself; another builder taking `journeys generate` output lists
`generator.markdown_ext` among its Markdown extensions.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

HTML_START = "<!-- journeys:html -->"
HTML_END = "<!-- /journeys:html -->"
_ID = re.compile(r'<[a-z][a-z0-9]*\s[^>]*?\bid="([^"]*)"')
_IDS_TAG = "journeys-ids"  # the temporary element holding a page's finished blocks' ids (never in the output)


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


class FinishedHtml(Preprocessor):
    """Each block between the marker lines stored as it is (`htmlStash`), a placeholder in its place: the
    raw-HTML rule and MkDocs' anchor scan never parse it. Runs after whitespace normalisation (30), before
    MkDocs' raw-HTML scan (21) and Python-Markdown's raw HTML (20)."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.ids: list[str] = []

    def run(self, lines: list[str]) -> list[str]:
        self.ids = []
        if HTML_START not in lines:
            return lines
        out: list[str] = []
        position = 0
        while True:
            try:
                start = lines.index(HTML_START, position)
                end = lines.index(HTML_END, start + 1)
            except ValueError:  # no further block (or one never closed: left as written)
                break
            out.extend(lines[position:start])
            html = "\n".join(lines[start + 1 : end])
            self.ids.extend(_ID.findall(html))
            out.extend(("", self.md.htmlStash.store(html), ""))
            position = end + 1
        out.extend(lines[position:])
        return out


class ShowIds(Treeprocessor):
    """Before the readers of ids (priority 5: MkDocs' anchors, the table of contents): the stored blocks' ids
    as empty elements at the end of the tree, as if the blocks had been parsed into it."""

    def __init__(self, md: Markdown, finished: FinishedHtml) -> None:
        super().__init__(md)
        self.finished = finished

    def run(self, root: etree.Element) -> None:
        if self.finished.ids:
            holder = etree.SubElement(root, _IDS_TAG)
            for ident in self.finished.ids:
                etree.SubElement(holder, "span", {"id": ident})


class HideIds(Treeprocessor):
    """After the readers of ids: the temporary element removed again, so the output is the page's own."""

    def run(self, root: etree.Element) -> None:
        for holder in root.findall(_IDS_TAG):
            root.remove(holder)


class CaptionExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        if "caption" not in md.block_level_elements:
            md.block_level_elements.append("caption")
        md.treeprocessors.register(StackedTables(md), "jm_stacked_tables", 1)
        finished = FinishedHtml(md)
        md.preprocessors.register(finished, "jm_finished_html", 25)
        md.treeprocessors.register(ShowIds(md, finished), "jm_show_ids", 5.5)
        md.treeprocessors.register(HideIds(md), "jm_hide_ids", 4.5)


def makeExtension(**kwargs) -> CaptionExtension:  # the name Python-Markdown looks for
    return CaptionExtension(**kwargs)
