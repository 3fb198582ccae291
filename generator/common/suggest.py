"""'Did you mean' hints: the closest known names to what was written."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A hint naming the closest candidate(s), or the empty string when none is close."""
    pool = sorted(set(candidates))
    matches = difflib.get_close_matches(str(word), pool, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in pool}
        if str(word).lower() in lowered:
            matches = [lowered[str(word).lower()]]
    if matches:
        return f"did you mean '{matches[0]}'?"
    return ""


def known(candidates: Iterable[str], limit: int = 8) -> str:
    """A short list of what would be accepted, for hints when nothing is close."""
    pool = sorted(set(candidates))
    if not pool:
        return "none is defined yet"
    shown = ", ".join(f"'{c}'" for c in pool[:limit])
    more = f" and {len(pool) - limit} more" if len(pool) > limit else ""
    return f"known: {shown}{more}"
