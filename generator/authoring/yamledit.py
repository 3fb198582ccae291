"""Surgical edits of YAML text: change one scalar, drop one entry or list item, add entries, nothing else.

The refactoring commands and the importer edit files people wrote by hand, so every line they do not change
must stay byte for byte as it was: comments, key order, quoting, blank lines, folded text. A round-trip YAML
library re-emits the whole file (re-wrapping long lines, re-indenting lists); here the loader's positions
(`load/yaml_source.py` keeps the line and column of every key and value) say where a value starts, and the
edit touches only its characters, or only the lines of one block.

Edits are collected per file in an `Edits` and applied together, from the end of the file backwards, so the
positions of earlier edits stay true. Positions are 1-based lines and columns, as in the diagnostics.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from generator.load.yaml_source import Loc, Source

_PLAIN_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


class EditError(Exception):
    """An edit that cannot be made surgically (a value written in a shape the editor does not handle)."""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def scalar_span(line: str, col: int) -> tuple[int, int]:
    """(start, end) character offsets in `line` of the scalar starting at 1-based `col`: quoted or plain."""
    start = col - 1
    if start >= len(line):
        raise EditError("no value at that position")
    quote = line[start]
    if quote in "'\"":
        k = start + 1
        while k < len(line):
            if line[k] == quote:
                if quote == "'" and k + 1 < len(line) and line[k + 1] == "'":
                    k += 2
                    continue
                return start, k + 1
            if quote == '"' and line[k] == "\\":
                k += 2
                continue
            k += 1
        raise EditError("a quoted value that goes on to the next line")
    match = _PLAIN_ID.match(line, start)
    if not match:
        raise EditError("not a plain id")
    return start, match.end()


def block_end(lines: list[str], first: int, indent: int) -> int:
    """The index after the last line of the block that starts at line index `first` (its key or `-` at
    `indent`): every following line indented deeper, blank lines and comments inside it included; comments
    and blank lines after its last line belong to what follows."""
    end = first + 1
    k = first + 1
    while k < len(lines):
        line = lines[k]
        if _is_blank_or_comment(line):
            if line.strip() and _indent(line) > indent:
                end = k + 1  # a comment indented inside the block is part of it
            k += 1
            continue
        if _indent(line) <= indent:
            # a sibling `- ` item at the same indent as a mapping key in a list
            break
        end = k + 1
        k += 1
    return end


@dataclass
class Edits:
    """Edits of one file's text, applied together."""

    text: str
    replacements: list[tuple[int, int, int, str]] = field(default_factory=list)  # (line idx, start, end, new)
    deletions: list[tuple[int, int]] = field(default_factory=list)  # line index ranges [a, b)
    insertions: list[tuple[int, list[str]]] = field(default_factory=list)  # before line index, lines

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines(keepends=True)

    def replace_scalar(self, line: int, col: int, new: str) -> None:
        """The scalar starting at (line, col) becomes `new` (an id: written plain)."""
        text = self.lines[line - 1]
        start, end = scalar_span(text, col)
        self.replacements.append((line - 1, start, end, new))

    def replace_text_value(self, line: int, col: int, new: str) -> None:
        """The one-line value starting at (line, col) becomes `new`, written in double quotes (it may hold `&`, `=`
        or `#`). A quoted value ends at its closing quote, a plain one at a comment or the end of the line."""
        text = self.lines[line - 1]
        if text[col - 1 : col] in ("'", '"'):
            start, end = scalar_span(text, col)
        else:
            start, body = col - 1, text.rstrip("\r\n")
            comment = body.find(" #", start)
            end = len((body if comment < 0 else body[:comment]).rstrip())
        self.replacements.append((line - 1, start, end, json.dumps(new)))

    def delete_lines(self, first: int, end: int) -> None:
        self.deletions.append((first, end))

    def insert(self, before: int, new_lines: list[str]) -> None:
        self.insertions.append((before, new_lines))

    def apply(self) -> str:
        lines = self.lines
        deleted: set[int] = set()
        for a, b in self.deletions:
            deleted.update(range(a, b))
        by_line: dict[int, list[tuple[int, int, str]]] = {}
        for idx, start, end, new in self.replacements:
            if idx not in deleted:
                by_line.setdefault(idx, []).append((start, end, new))
        for idx, spans in by_line.items():
            line = lines[idx]
            for start, end, new in sorted(set(spans), reverse=True):
                line = line[:start] + new + line[end:]
            lines[idx] = line
        inserts: dict[int, list[str]] = {}
        for before, new_lines in self.insertions:
            inserts.setdefault(before, []).extend(new_lines)
        out: list[str] = []
        for idx in range(len(lines) + 1):
            if idx in inserts:
                if out and not out[-1].endswith("\n"):
                    out[-1] += "\n"
                out.extend(inserts[idx])
            if idx < len(lines) and idx not in deleted:
                out.append(lines[idx])
        return "".join(out)


def remove_list_items(edits: Edits, source: Source, parent: Loc, indices: set[int]) -> None:
    """Remove items `indices` of the list at `parent`, written as a flow list (`[a, b]`, rewritten on its
    line from the kept items' own text) or a block list (each item's lines deleted; `key: []` when none is
    left)."""
    lines = edits.lines
    parent = tuple(parent)
    items = source.data
    for part in parent:
        items = items[part]
    seq_line, seq_col = source.position(parent)
    text = lines[seq_line - 1]
    if text[seq_col - 1 : seq_col] == "[":
        kept = []
        for i in range(len(items)):
            line, col = source.position(parent + (i,))
            if line != seq_line:
                raise EditError("a flow list over several lines")
            if i not in indices:
                start, end = scalar_span(text, col)
                kept.append(text[start:end])
        close = _flow_end(text, seq_col - 1)
        edits.replacements.append((seq_line - 1, seq_col - 1, close + 1, "[" + ", ".join(kept) + "]"))
        return
    for i in sorted(indices):
        line, col = source.position(parent + (i,))
        item_text = lines[line - 1]
        dash = item_text.rfind("-", 0, col - 1)
        if dash < 0 or item_text[:dash].strip():
            raise EditError("a list item that is not on a line of its own")
        edits.delete_lines(line - 1, block_end(lines, line - 1, dash))
    if len(indices) >= len(items):
        _empty_list(edits, source, parent)


def _flow_end(text: str, start: int) -> int:
    """The index of the `]` closing the flow list opened at `start` (quotes and nesting skipped)."""
    depth, k = 0, start
    while k < len(text):
        ch = text[k]
        if ch in "'\"":
            _, k = scalar_span(text, k + 1)
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                return k
        k += 1
    raise EditError("a flow list over several lines")


def _empty_list(edits: Edits, source: Source, parent: Loc) -> None:
    """The list at `parent` loses every item: `key:` followed by items becomes `key: []` (comment kept)."""
    if not parent or isinstance(parent[-1], int):
        raise EditError("a nested list")
    lines = edits.lines
    key_line, key_col = source.position(parent, key=True)
    key_text = lines[key_line - 1]
    colon = key_text.index(":", key_col - 1)
    rest = key_text[colon + 1 :]
    comment = rest[rest.index("#") :].rstrip("\r\n") if "#" in rest else ""
    newline = "\n" if key_text.endswith("\n") else ""
    edits.replacements.append(
        (key_line - 1, 0, len(key_text), key_text[: colon + 1] + " []" + (" " + comment if comment else "") + newline)
    )


def remove_key(edits: Edits, source: Source, loc: Loc) -> None:
    """Remove the mapping entry at `loc` (its key line and its value's lines)."""
    lines = edits.lines
    line, col = source.position(loc, key=True)
    text = lines[line - 1]
    if text[: col - 1].strip() not in ("", "-"):
        raise EditError("a mapping entry that is not on a line of its own")
    if text[: col - 1].strip() == "-":
        raise EditError("the first key of a list item")
    edits.delete_lines(line - 1, block_end(lines, line - 1, col - 1))


def append_entries(text: str, source: Source | None, collection: str, entry_lines: list[str]) -> str:
    """`entry_lines` (written at two spaces, `id:` then its fields) added at the end of the top-level
    `collection` mapping of a catalogue file, in its indentation; the collection is added when missing."""
    edits = Edits(text)
    lines = edits.lines
    if source is not None and isinstance(source.data, dict) and collection in source.data:
        line, col = source.position((collection,), key=True)
        value = source.data[collection]
        if value is None or (isinstance(value, dict) and not value):
            # `personas:` with nothing, or `personas: {}`: write the block in place of the value
            key_text = lines[line - 1]
            newline = "\n" if key_text.endswith("\n") else ""
            edits.replacements.append((line - 1, 0, len(key_text), f"{collection}:{newline or chr(10)}"))
            edits.insert(line, entry_lines)
            return edits.apply()
        first_key_line, first_key_col = source.position((collection, next(iter(value))), key=True)
        if first_key_line == line:
            raise EditError(f"`{collection}` is written as a flow mapping on one line")
        indent = first_key_col - 1
        shifted = (
            [(" " * (indent - 2) + entry) if entry.strip() else entry for entry in entry_lines]
            if indent >= 2
            else entry_lines
        )
        end = block_end(lines, line - 1, col - 1)
        edits.insert(end, shifted)
        return edits.apply()
    prefix = "" if not text or text.endswith("\n") else "\n"
    return text + prefix + f"{collection}:\n" + "".join(entry_lines)
