"""One search entry per journey step: the rendered journey map's columns, and the search index rewritten.

Material's search indexes a page by sections (one per heading) and weighs a word of a section's title a
thousand times a word of its text. A journey map is one section titled "Journey map", so a query for a
step's name, pain point or touchpoint matched only its text, and glossary terms or insights sharing one
word in their heading came first. Splitting the map into one section per step (its name as the title, its
column as the text, linking to the step's column `#step-<id>`) lands such a query on the journey, at the
step. Pure functions over the rendered HTML and the
index's JSON: the MkDocs plugin applies them after the search plugin has written the index.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_SPACE = re.compile(r"\s+")


@dataclass
class Column:
    """A step's column of the map: its anchor id (`step-...`), its name, and each lane's text."""

    id: str
    name: str
    lanes: list[tuple[str, str]] = field(default_factory=list)

    def text(self) -> str:
        return " ".join(f"{lane}: {value}" for lane, value in self.lanes if value)


@dataclass
class MapText:
    """The text of a rendered journey map: its caption and its step columns, in map order."""

    caption: str = ""
    columns: list[Column] = field(default_factory=list)


class _MapParser(HTMLParser):
    """Reads the first `<table class="jm-map">`: step headers from the head, one text per cell of the body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # nesting inside the map table; 0 = outside
        self.done = False
        self.part = ""  # "thead" / "tbody"
        self.caption: str = ""
        self.columns: list[Column] = []
        self.lane: str | None = None
        self.cell: list[str] | None = None
        self.cell_kind = ""  # "step" / "lane" / "td"
        self.cell_id = ""
        self.index = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.done:
            return
        if not self.depth:
            if tag == "table" and "jm-map" in (a.get("class") or "").split():
                self.depth = 1
            return
        if tag == "table":
            self.depth += 1
        elif tag == "caption":
            self.cell, self.cell_kind = [], "caption"
        elif tag in ("thead", "tbody"):
            self.part = tag
        elif tag == "tr":
            self.index = 0
        elif tag == "th" and self.part == "thead" and (a.get("id") or "").startswith("step-"):
            self.cell, self.cell_kind, self.cell_id = [], "step", a["id"]
        elif tag == "th" and self.part == "tbody":
            self.cell, self.cell_kind = [], "lane"
        elif tag == "td" and self.part == "tbody":
            self.cell, self.cell_kind = [], "td"
        elif tag in ("br", "li", "p") and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if not self.depth or self.done:
            return
        if tag == "table":
            self.depth -= 1
            self.done = not self.depth
            return
        if tag in ("th", "td", "caption") and self.cell is not None:
            text = _SPACE.sub(" ", "".join(self.cell)).strip()
            if self.cell_kind == "caption":
                self.caption = text
            elif self.cell_kind == "step":
                self.columns.append(Column(self.cell_id, text))
            elif self.cell_kind == "lane":
                self.lane = text
            elif self.cell_kind == "td":
                if self.index < len(self.columns) and self.lane:
                    self.columns[self.index].lanes.append((self.lane, text))
                self.index += 1
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def map_text(page_html: str) -> MapText | None:
    """The caption and step columns of the journey map in a rendered page; None when it has no map."""
    start = page_html.find('class="jm-map"')
    if start < 0:
        return None
    start = max(0, page_html.rfind("<table", 0, start))
    end = page_html.find("</table>", start)
    table = page_html[start:end] if end >= 0 else ""
    if table and "<table" not in table[6:]:
        return _read_table(table)
    parser = _MapParser()  # a map that holds a table of its own (never generated so): the full HTML parser
    parser.feed(page_html[start:])
    parser.close()
    return MapText(parser.caption, parser.columns) if parser.columns else None


# The map is the generator's own HTML (one table, no nested table), so regular expressions read it as the
# HTML parser would, five times faster: that parser was ~8 ms a journey page, 8 s of a 1,000-journey build.
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.S)
_STEP_HEAD = re.compile(r"<th\b([^>]*)>(.*?)</th>", re.S)
_STEP_ID = re.compile(r'\sid="(step-[^"]*)"')
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(th|td)\b[^>]*>(.*?)</\1>", re.S)
_BREAK = re.compile(r"<(?:br|li|p)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


def _cell_text(fragment: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", _BREAK.sub(" ", fragment)))).strip()


def _read_table(table: str) -> MapText | None:
    head, _, body = table.partition("</thead>")
    caption = _CAPTION.search(head)
    columns = []
    for attrs, name in _STEP_HEAD.findall(head.partition("<thead")[2]):
        found = _STEP_ID.search(attrs)
        if found:
            columns.append(Column(html.unescape(found.group(1)), _cell_text(name)))
    for row in _ROW.findall(body.partition("<tbody")[2]):
        lane = None
        index = 0
        for tag, content in _CELL.findall(row):
            if tag == "th":
                lane = _cell_text(content)
            else:
                if index < len(columns) and lane:
                    columns[index].lanes.append((lane, _cell_text(content)))
                index += 1
    return MapText(_cell_text(caption.group(1)) if caption else "", columns) if columns else None


def split_map_sections(index_json: str, maps: dict[str, MapText], *, section: str = "journey-map") -> str:
    """The search index (Material's `search_index.json`) with the map section `<page>#journey-map` of each
    page in `maps` (page URL -> its map) reduced to the map's caption and followed by one entry per step,
    linking to the step's column. Text is escaped as Material escapes it; entries keep the page's boost
    and tags. Other entries are left as they are, in their order."""
    data = json.loads(index_json)
    docs = []
    for doc in data.get("docs", []):
        page, _, anchor = doc.get("location", "").partition("#")
        found = maps.get(page) if anchor == section else None
        if found is None:
            docs.append(doc)
            continue
        extra = {k: v for k, v in doc.items() if k not in ("location", "title", "text")}
        docs.append({**doc, "text": html.escape(found.caption, quote=False)})
        for col in found.columns:
            docs.append({"location": f"{page}#{col.id}", "title": html.escape(col.name, quote=False),
                         "text": html.escape(col.text(), quote=False), **extra})
    data["docs"] = docs
    return json.dumps(data, separators=(",", ":"), default=str)
