"""The live preview's memo of validated files: a file whose text is the same as at the last save gives the
same `Source` and model objects, not parsed or validated again.

At 1,000 journeys a save re-read every journey file: the parse cache spared the YAML parse, but each file's
data was still decoded from the cache and validated into a new model. With the same objects, the comparisons
that decide what a save changed (`pipeline.fresh_journeys`, `render.Reuse`) find unchanged journeys equal at
once, by identity. Kept by `pipeline.Session`, passed to `check`; only files that validated without a problem
are kept, and each load keeps only the files it read, so the memo does not grow from save to save. The
parse cache is kept open too (`parse_cache`), so its file is read once per session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.load.parse_cache import ParseCache


@dataclass
class ModelMemo:
    # (file as displayed, digest of its text) -> (its source, its validated model)
    models: dict[tuple[str, str], tuple[Any, object]] = field(default_factory=dict)
    used: dict[tuple[str, str], tuple[Any, object]] = field(default_factory=dict)
    caches: dict[Path, ParseCache] = field(default_factory=dict)
    defer: Callable[[Path, Callable[[], None]], None] | None = None  # given to the parse caches (`ParseCache.defer`)

    def parse_cache(self, folder: Path | str) -> ParseCache:
        """The session's parse cache of `folder`, read from its file once."""
        folder = Path(folder)
        if folder not in self.caches:
            self.caches[folder] = ParseCache(folder)
            self.caches[folder].defer = self.defer
        return self.caches[folder]

    def get(self, display: str, key: str | None) -> tuple[Any, object] | None:
        found = self.models.get((display, key)) if key is not None else None
        if found is not None:
            self.used[(display, key)] = found  # type: ignore[index]
        return found

    def put(self, display: str, key: str | None, source: Any, model: object) -> None:
        if key is not None:
            self.used[(display, key)] = (source, model)

    def done(self) -> None:
        """The end of a load: keep the files it read, forget the others."""
        self.models, self.used = self.used, {}
