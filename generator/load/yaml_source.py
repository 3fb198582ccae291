"""Reading one YAML file safely, keeping the line and column of every key and value.

PyYAML's loaders forget positions and silently keep the last of two duplicate keys. Here the file is
composed into nodes (libyaml's safe composer when available) and walked by hand, so every value keeps its
position, duplicate keys are errors, and hostile input (alias bombs, deep nesting, huge files, bytes that
are not UTF-8) gets a clear error instead of eating the machine.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from generator.common.codes import Code
from generator.common.diagnostics import Diagnostic
from generator.model.source import Loc, Source

try:  # libyaml is about 10x faster; its marks are just as exact.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure Python fallback
    _Loader = yaml.SafeLoader

MAX_BYTES = 2_000_000  # a journey file is a few KB; anything this big is a mistake or an attack
MAX_NODES = 200_000  # values after alias expansion ("billion laughs" stops here)
MAX_DEPTH = 64


def max_bytes_from_env(default: int | None = None) -> int:
    """The file size limit: $JOURNEYS_MAX_FILE_SIZE when set to a number, else `default`, else MAX_BYTES.

    Precedence everywhere: a command-line flag, then the environment, then mkdocs.yml, then MAX_BYTES.
    """
    value = os.environ.get("JOURNEYS_MAX_FILE_SIZE", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return default if default and default > 0 else MAX_BYTES


class _Invalid(Exception):
    def __init__(self, line: int, col: int, message: str, hint: str = "", code: Code = Code.YAML):
        super().__init__(message)
        self.line, self.col, self.message, self.hint, self.code = line, col, message, hint, code


_scalar_constructor = yaml.constructor.SafeConstructor()
_resolver = yaml.resolver.Resolver()
_NO_KEY = object()
_ScalarEvent = yaml.ScalarEvent


def _mark(node_or_event: Any) -> tuple[int, int]:
    return node_or_event.start_mark.line + 1, node_or_event.start_mark.column + 1


# First characters that may start a plain scalar YAML reads as something else than a string (a number,
# a bool, null, a date...). A plain scalar starting with any other character is a string as written.
_RESOLVED_FIRST = frozenset(k for k in _resolver.yaml_implicit_resolvers if k)
_STR_TAG = _resolver.DEFAULT_SCALAR_TAG
_CACHE_MAX_LEN = 40  # short plain values (ids, numbers, dates) repeat a lot; long texts do not
_plain_cache: dict[str, Any] = {}


_STANDARD_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}


def _check_tag(event: Any) -> None:
    """An explicit tag other than YAML's standard ones (`!!python/object...`, `!custom`) is refused, never
    silently dropped: the safe loader would not run it, but the file would not mean what it says."""
    tag = event.tag
    if tag in (None, "!") or tag in _STANDARD_TAGS:
        return
    raise _Invalid(
        *_mark(event),
        f"unsupported YAML tag {tag}",
        "remove the tag: portfolio files hold plain text, numbers, dates, lists and mappings",
        code=Code.BAD_VALUE,
    )


def _scalar(event: yaml.ScalarEvent) -> Any:
    tag = event.tag
    if tag is None or tag == "!":  # no explicit tag (the common case): nothing for _check_tag to refuse
        value = event.value
        if not event.implicit[0]:
            return value  # quoted or block scalars without a tag: YAML resolves them to str
        if value and value[0] not in _RESOLVED_FIRST and None not in _resolver.yaml_implicit_resolvers:
            return value
        cached = _plain_cache.get(value, _NO_KEY)
        if cached is not _NO_KEY:
            return cached
        tag = _resolver.resolve(yaml.ScalarNode, value, event.implicit)
        if tag == _STR_TAG:
            result = value
        else:
            result = _construct(event, tag)
        if len(value) <= _CACHE_MAX_LEN and len(_plain_cache) < 100_000:
            _plain_cache[value] = result  # only plain implicit values: their meaning depends on the text alone
        return result
    _check_tag(event)
    return _construct(event, tag)


def _construct(event: yaml.ScalarEvent, tag: str) -> Any:
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        value = _scalar_constructor.construct_object(node, deep=True)
    except (ValueError, OverflowError, yaml.YAMLError):
        # e.g. `2024-13-01`: kept as written, so the model says what it expected there
        return event.value
    finally:
        _scalar_constructor.constructed_objects.pop(node, None)  # the shared constructor must not grow
    if isinstance(value, (bytes, set)):
        raise _Invalid(*_mark(event), f"unsupported YAML type {tag}", "use plain text", code=Code.BAD_VALUE)
    return value


class _Frame:
    __slots__ = ("container", "loc", "key", "keys", "anchor", "start_count")

    def __init__(self, container: Any, loc: Loc, anchor: str | None, start_count: int):
        self.container, self.loc, self.anchor, self.start_count = container, loc, anchor, start_count
        self.key: Any = _NO_KEY
        self.keys: dict[str, tuple[int, int]] = {}


class _Builder:
    """Builds Python data from parser events, iteratively: no recursion, so no depth can crash it.

    Aliases reuse the anchored object instead of copying it, and count its size against the budget, so a
    "billion laughs" document is refused after a few hundred thousand values, in bounded memory.
    """

    def __init__(self) -> None:
        self.values: dict[Loc, tuple[int, int]] = {}
        self.keys: dict[Loc, tuple[int, int]] = {}
        self.count = 0
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.stack: list[_Frame] = []
        self.root: Any = _NO_KEY
        self.documents = 0

    def _budget(self, event: Any, size: int = 1) -> None:
        self.count += size
        if self.count > MAX_NODES:
            raise _Invalid(
                *_mark(event),
                f"the document expands to more than {MAX_NODES:,} values",
                "YAML aliases (*name) that repeat large anchors multiply; write the values out",
                code=Code.TOO_LARGE,
            )

    def _place(self, event: Any, value: Any, *, is_collection: bool) -> Loc | None:
        """Put a value where the parser is: as a key, a mapping value, a list item, or the root."""
        if not self.stack:
            self.root = value
            self.values[()] = _mark(event)
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            loc = frame.loc + (len(frame.container),)
            frame.container.append(value)
        elif frame.key is _NO_KEY:  # this value is a key
            if is_collection:
                raise _Invalid(
                    *_mark(event),
                    "a key must be a plain name, not a list or mapping",
                    "write keys as `name: value`",
                    code=Code.BAD_KEY,
                )
            if isinstance(event, yaml.ScalarEvent) and event.value == "<<" and event.implicit[0]:
                raise _Invalid(
                    *_mark(event),
                    "merge keys (`<<`) are not supported",
                    "write the keys out in full",
                    code=Code.BAD_KEY,
                )
            if value is None or not isinstance(value, (str, int, float, bool)):
                raise _Invalid(
                    *_mark(event),
                    f"a key must be a name, got {value!r}",
                    "write keys as `name: value`",
                    code=Code.BAD_KEY,
                )
            key = value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
            if key in frame.keys:
                raise _Invalid(
                    *_mark(event),
                    f"duplicate key '{key}' (first written at line {frame.keys[key][0]})",
                    "remove one of the two; YAML keeps only the last, silently",
                    code=Code.DUPLICATE_KEY,
                )
            frame.keys[key] = _mark(event)
            self.keys[frame.loc + (key,)] = _mark(event)
            frame.key = key
            return None
        else:
            loc = frame.loc + (frame.key,)
            frame.container[frame.key] = value
            frame.key = _NO_KEY
        self.values[loc] = _mark(event)
        return loc

    def feed(self, event: Any) -> None:
        if type(event) is _ScalarEvent and self.stack and not event.anchor and self.count < MAX_NODES:
            # The common case, inlined (most events are scalars in a mapping or list): same result as the
            # general path below, which still handles the root, anchors, the budget and every bad key.
            frame = self.stack[-1]
            container = frame.container
            mark = event.start_mark
            if type(container) is list:
                self.count += 1
                self.values[frame.loc + (len(container),)] = (mark.line + 1, mark.column + 1)
                container.append(_scalar(event))
                return
            key = frame.key
            if key is not _NO_KEY:
                self.count += 1
                self.values[frame.loc + (key,)] = (mark.line + 1, mark.column + 1)
                container[key] = _scalar(event)
                frame.key = _NO_KEY
                return
            value = _scalar(event)
            if type(value) is str and value not in frame.keys and not (value == "<<" and event.implicit[0]):
                self.count += 1
                position = (mark.line + 1, mark.column + 1)
                frame.keys[value] = position
                self.keys[frame.loc + (value,)] = position
                frame.key = value
                return
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise _Invalid(
                    *_mark(event),
                    "the file holds more than one YAML document",
                    "remove the `---` separator; one file holds one document",
                    code=Code.YAML,
                )
        elif isinstance(event, yaml.ScalarEvent):
            self._budget(event)
            value = _scalar(event)
            self._place(event, value, is_collection=False)
            if event.anchor:
                self.anchors[event.anchor] = (value, 1)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise _Invalid(
                    *_mark(event),
                    f"the alias *{event.anchor} refers to no finished anchor",
                    "an alias cannot refer to the structure it is inside",
                    code=Code.YAML,
                )
            value, size = self.anchors[event.anchor]
            self._budget(event, size)
            self._place(event, value, is_collection=isinstance(value, (dict, list)))
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            _check_tag(event)
            if len(self.stack) >= MAX_DEPTH:
                raise _Invalid(
                    *_mark(event),
                    f"the document nests deeper than {MAX_DEPTH} levels",
                    "flatten the structure; a portfolio needs only a few levels",
                    code=Code.TOO_DEEP,
                )
            self._budget(event)
            opened: Any = [] if isinstance(event, yaml.SequenceStartEvent) else {}
            loc = self._place(event, opened, is_collection=True)
            self.stack.append(_Frame(opened, loc if loc is not None else (), event.anchor, self.count))
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            frame = self.stack.pop()
            if frame.anchor:
                self.anchors[frame.anchor] = (frame.container, self.count - frame.start_count + 1)


def read_text(path: Path, display: str, max_bytes: int = MAX_BYTES) -> tuple[str | None, list[Diagnostic]]:
    """The file's text, or an error: too big, unreadable, or not UTF-8 (with the line of the first bad byte)."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            # a FIFO or a device would block the read or never end
            return None, [
                Diagnostic(
                    display,
                    1,
                    1,
                    "error",
                    "not a regular file (a pipe, a device or a socket)",
                    Code.IO,
                    hint="portfolio files are plain files",
                )
            ]
        size = st.st_size
        if size > max_bytes:
            return None, [
                Diagnostic(
                    display,
                    1,
                    1,
                    "error",
                    f"the file is {size:,} bytes, more than the limit of {max_bytes:,}",
                    Code.TOO_LARGE,
                    hint="split it into smaller files, or raise the size limit",
                )
            ]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Diagnostic(display, 1, 1, "error", f"cannot read the file: {exc.strerror}", Code.IO)]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            Diagnostic(
                display,
                line,
                col,
                "error",
                f"the byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                Code.ENCODING,
                hint="save the file as UTF-8",
            )
        ]


def parse_yaml(text: str, display: str) -> tuple[Source | None, list[Diagnostic]]:
    """Parse YAML text into a `Source`, or return the error that stops it."""
    builder = _Builder()
    try:
        for event in yaml.parse(text, Loader=_Loader):
            builder.feed(event)
    except _Invalid as exc:
        return None, [Diagnostic(display, exc.line, exc.col, "error", exc.message, exc.code, hint=exc.hint)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or "invalid YAML").strip()
        lines = text.splitlines()
        at_line = lines[line - 1] if 0 < line <= len(lines) else ""
        tab = "\t" in at_line[:col] or "tab" in problem
        if tab:
            problem = "a tab character where YAML expects spaces"
        hint = (
            "YAML indents with spaces, never tabs: replace the tab with spaces"
            if tab
            else "check the indentation and quoting around this line"
        )
        context = f" ({exc.context})" if exc.context and not tab else ""
        return None, [
            Diagnostic(display, line, col, "error", f"invalid YAML: {problem}{context}", Code.YAML, hint=hint)
        ]
    except yaml.reader.ReaderError as exc:
        # a character YAML does not allow (NUL, other control characters): say where, on one line
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return None, [
            Diagnostic(
                display,
                line,
                col,
                "error",
                f"the character U+{ord(char):04X} is not allowed in YAML",
                Code.YAML,
                hint="remove it; control characters cannot be written in a YAML file",
            )
        ]
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        return None, [Diagnostic(display, 1, 1, "error", f"invalid YAML: {message}", Code.YAML)]
    if builder.root is _NO_KEY or builder.root is None:
        return None, [
            Diagnostic(
                display,
                1,
                1,
                "error",
                "the file is empty",
                Code.EMPTY,
                hint="add the file's content, or delete the file",
            )
        ]
    return Source(display, builder.root, builder.values, builder.keys), []


def load_yaml(path: Path, display: str, max_bytes: int = MAX_BYTES) -> tuple[Source | None, list[Diagnostic]]:
    text, errors = read_text(path, display, max_bytes)
    if text is None:
        return None, errors
    return parse_yaml(text, display)
