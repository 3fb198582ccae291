"""The parse cache: YAML files read before are not parsed again, so a build after a small edit loads fast.

Parsing YAML with positions is most of the time `check` takes (about 2 s for 1,000 journeys). A build
checks twice (the `journeys build` command, then the MkDocs plugin in its own process), and after an edit
all but one file are as they were. This cache maps the digest of a file's text to the plain data parsed
from it, so an unchanged file costs a hash and a JSON read; models are still validated from that data
and every cross-reference is still checked, so the report is the same as without the cache.

- The key is the BLAKE2 digest of the text (plus a version), never a time stamp: a changed file always
  misses. Only files that parsed without error are stored.
- Positions (line and column of every value) are not stored: a cached file is parsed again, on demand,
  only when a diagnostic needs a position in it (`LazySource`).
- The store is JSON, never pickle: a cache restored in CI from an untrusted branch cannot run code. Dates
  are tagged objects; a file whose text could hold the tag (a NUL character) is not cached.
- Each save keeps only the entries used in that run, so the file does not grow with history.
- The build, `journeys generate` and the MkDocs plugin keep it in the chart cache folder (`parsed.json`
  beside the charts): one folder to keep between CI runs, one option to move it.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.common.files import write_atomic
from generator.load.yaml_source import Loc, parse_yaml
from generator.model.source import Source

VERSION = b"journeys-parse-1"
FILE_NAME = "parsed.json"
_MISSING = object()
_DATE, _DATETIME = "\0d", "\0t"


def _encode(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, _dt.date):
        return {_DATE: value.isoformat()}
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _decode(obj: dict) -> Any:
    if len(obj) == 1:
        if _DATE in obj:
            return _dt.date.fromisoformat(obj[_DATE])
        if _DATETIME in obj:
            return _dt.datetime.fromisoformat(obj[_DATETIME])
    return obj


class LazySource:
    """A `Source` whose positions are computed only when asked for, by parsing its text again."""

    def __init__(self, file: str, data: Any, text: str):
        self.file, self.data, self._text = file, data, text
        self._parsed: Source | None = None

    def _source(self) -> Source:
        if self._parsed is None:
            source, _ = parse_yaml(self._text, self.file)
            assert source is not None, "the text parsed when it was cached, so it parses again"
            self._parsed = source
        return self._parsed

    @property
    def values(self) -> dict[Loc, tuple[int, int]]:
        return self._source().values

    @property
    def keys(self) -> dict[Loc, tuple[int, int]]:
        return self._source().keys

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        return self._source().position(loc, key=key)


class ParseCache:
    """Parsed data by digest of the text, read from and saved to `folder/parsed.json`."""

    def __init__(self, folder: Path | str):
        self.path = Path(folder) / FILE_NAME
        self._stored: dict[str, Any] | None = None
        self._used: dict[str, Any] = {}
        self._changed = False
        self.hits = self.misses = 0
        # the live preview: given, `save` hands it the writing, to be done once the page is served
        self.defer: Callable[[Path, Callable[[], None]], None] | None = None

    @staticmethod
    def key(text: str) -> str | None:
        if "\0" in text or "\\0" in text or "\\x00" in text or "\\u0000" in text or "\\U00000000" in text:
            return None  # could spell the date tag: not worth the doubt
        return hashlib.blake2b(VERSION + text.encode("utf-8"), digest_size=20).hexdigest()

    def _load(self) -> dict[str, Any]:
        if self._stored is None:
            try:
                stored = json.loads(self.path.read_text(encoding="utf-8"), object_hook=_decode)
                self._stored = stored if isinstance(stored, dict) else {}
            except (OSError, ValueError):
                self._stored = {}  # missing or damaged: start again
        return self._stored

    def get(self, key: str | None) -> Any:
        """The cached data for this key, or `MISSING`."""
        if key is None:
            return _MISSING
        data = self._load().get(key, _MISSING)
        if data is _MISSING:
            self.misses += 1
        else:
            self.hits += 1
            self._used[key] = data
        return data

    def touch(self, key: str | None) -> None:
        """Count the entry as used in this run without decoding it (the caller had its result already)."""
        data = self._load().get(key, _MISSING) if key is not None else _MISSING
        if data is not _MISSING:
            self._used[key] = data  # type: ignore[index]

    def put(self, key: str | None, data: Any) -> None:
        if key is not None:
            self._used[key] = data
            self._changed = True

    def save(self) -> None:
        """Write the entries used in this run (atomically); nothing when nothing changed. The next run (the live
        preview keeps one cache for its session) starts with none used."""
        used, self._used = self._used, {}
        if not self._changed and len(used) == len(self._load()):
            return
        self._changed = False
        self._stored = used  # what the file holds once written: the next run reads it from memory
        if self.defer is not None:
            self.defer(self.path, lambda: self._write(used))
        else:
            self._write(used)

    def _write(self, used: dict[str, Any]) -> None:
        try:
            text = json.dumps(used, default=_encode, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError):
            return  # something not JSON-able: the cache is an optimisation, never a failure
        try:
            write_atomic(self.path, text.encode("utf-8"))
        except OSError:
            pass


MISSING = _MISSING
