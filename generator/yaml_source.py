"""Reading one YAML file safely, keeping the line and column of every key and value.

PyYAML's loaders forget positions and silently keep the last of two duplicate keys. Here the file is
composed into nodes (libyaml's safe composer when available) and walked by hand, so every value keeps its
position, duplicate keys are errors, and hostile input (alias bombs, deep nesting, huge files, bytes that
are not UTF-8) gets a clear error instead of eating the machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic

try:  # libyaml is about 10x faster; its marks are just as exact.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure Python fallback
    _Loader = yaml.SafeLoader

MAX_BYTES = 2_000_000  # a journey file is a few KB; anything this big is a mistake or an attack
MAX_NODES = 200_000  # values after alias expansion ("billion laughs" stops here)
MAX_DEPTH = 64

Loc = tuple[Any, ...]


@dataclass
class Source:
    """A parsed YAML file: its data and where each part of it was written."""

    file: str
    data: Any
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The line and column of `loc`, or of its closest written ancestor."""
        loc = tuple(loc)
        table = self.keys if key else self.values
        if loc in table:
            return table[loc]
        while loc:
            loc = loc[:-1]
            if loc in self.values:
                return self.values[loc]
        return (1, 1)


class _Invalid(Exception):
    def __init__(self, line: int, col: int, message: str, hint: str = "", code: str = "yaml"):
        super().__init__(message)
        self.line, self.col, self.message, self.hint, self.code = line, col, message, hint, code


_scalar_constructor = yaml.constructor.SafeConstructor()


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Walker:
    def __init__(self) -> None:
        self.values: dict[Loc, tuple[int, int]] = {}
        self.keys: dict[Loc, tuple[int, int]] = {}
        self.count = 0

    def walk(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _Invalid(*_mark(node), f"the document expands to more than {MAX_NODES:,} values",
                           "YAML aliases (*name) that repeat large anchors multiply; write the values out",
                           code="too-large")
        if depth > MAX_DEPTH:
            raise _Invalid(*_mark(node), f"the document nests deeper than {MAX_DEPTH} levels",
                           "flatten the structure; a portfolio needs only a few levels", code="too-deep")
        self.values.setdefault(loc, _mark(node))
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            first: dict[Any, tuple[int, int]] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Invalid(*_mark(key_node), "a key must be a plain name, not a list or mapping",
                                   "write keys as `name: value`", code="bad-key")
                key = self._scalar(key_node)
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _Invalid(*_mark(key_node), "merge keys (`<<`) are not supported",
                                   "write the keys out in full", code="bad-key")
                if not isinstance(key, (str, int, bool, float)) or key is None:
                    raise _Invalid(*_mark(key_node), f"a key must be a name, got {key!r}", code="bad-key")
                key = str(key) if not isinstance(key, str) else key
                if key in first:
                    line, col = first[key]
                    raise _Invalid(*_mark(key_node), f"duplicate key '{key}' (first written at line {line})",
                                   "remove one of the two; YAML keeps only the last, silently",
                                   code="duplicate-key")
                first[key] = _mark(key_node)
                self.keys[loc + (key,)] = _mark(key_node)
                result[key] = self.walk(value_node, loc + (key,), depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, loc + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node)

    @staticmethod
    def _scalar(node: yaml.Node) -> Any:
        try:
            value = _scalar_constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.YAMLError):
            # e.g. `2024-13-01`: kept as written, so the model says what it expected there
            return node.value
        if isinstance(value, (bytes, set)):
            raise _Invalid(*_mark(node), f"unsupported YAML type {node.tag}", "use plain text", code="bad-value")
        return value


def read_text(path: Path, display: str, max_bytes: int = MAX_BYTES) -> tuple[str | None, list[Diagnostic]]:
    """The file's text, or an error: too big, unreadable, or not UTF-8 (with the line of the first bad byte)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return None, [Diagnostic(display, 1, 1, "error",
                                     f"the file is {size:,} bytes, more than the limit of {max_bytes:,}",
                                     "too-large", hint="split it into smaller files, or raise the size limit")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Diagnostic(display, 1, 1, "error", f"cannot read the file: {exc.strerror}", "io")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Diagnostic(display, line, col, "error",
                                 f"the byte 0x{raw[exc.start]:02x} is not valid UTF-8", "encoding",
                                 hint="save the file as UTF-8")]


def parse_yaml(text: str, display: str) -> tuple[Source | None, list[Diagnostic]]:
    """Parse YAML text into a `Source`, or return the errors that stop it."""
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or "invalid YAML").strip()
        at_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
        tab = "\t" in at_line[: col] or "tab" in problem
        if tab:
            problem = "a tab character where YAML expects spaces"
        hint = "YAML indents with spaces, never tabs: replace the tab with spaces" if tab else ""
        context = f" ({exc.context})" if exc.context and not tab else ""
        return None, [Diagnostic(display, line, col, "error", f"invalid YAML: {problem}{context}", "yaml",
                                 hint=hint or "check the indentation and quoting around this line")]
    except (yaml.YAMLError, RecursionError) as exc:
        return None, [Diagnostic(display, 1, 1, "error", f"invalid YAML: {type(exc).__name__}", "yaml")]
    if not nodes or nodes[0] is None:
        return None, [Diagnostic(display, 1, 1, "error", "the file is empty", "empty",
                                 hint="add the file's content, or delete the file")]
    if len(nodes) > 1:
        line, col = _mark(nodes[1])
        return None, [Diagnostic(display, line, col, "error", "the file holds more than one YAML document",
                                 "yaml", hint="remove the `---` separator; one file holds one document")]
    walker = _Walker()
    try:
        data = walker.walk(nodes[0], (), 0)
    except _Invalid as exc:
        return None, [Diagnostic(display, exc.line, exc.col, "error", exc.message, exc.code, hint=exc.hint)]
    except RecursionError:
        return None, [Diagnostic(display, 1, 1, "error", "the document nests too deeply", "too-deep")]
    return Source(display, data, walker.values, walker.keys), []


def load_yaml(path: Path, display: str, max_bytes: int = MAX_BYTES) -> tuple[Source | None, list[Diagnostic]]:
    text, errors = read_text(path, display, max_bytes)
    if text is None:
        return None, errors
    return parse_yaml(text, display)
