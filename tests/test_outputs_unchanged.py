"""A refactoring changes no byte users get: the example's generated pages and built site match the digests
recorded before the restructure (`tests/golden/example-outputs.json`, see `tests/example_outputs.py`).

An intended change of the output records them again, in the same commit:
`python3 tests/example_outputs.py > tests/golden/example-outputs.json`.
"""

from __future__ import annotations

import json

import pytest
from example_outputs import ROOT, outputs, versions

RECORDED = json.loads((ROOT / "tests" / "golden" / "example-outputs.json").read_text(encoding="utf-8"))


def test_generate_and_build_give_the_recorded_bytes():
    if versions() != RECORDED["versions"]:
        pytest.skip(f"recorded with {RECORDED['versions']}, running {versions()}: output digests not comparable")
    now = outputs()
    for kind in ("generate", "site"):
        assert sorted(now[kind]) == sorted(RECORDED[kind]), f"{kind}: other files"
        changed = [path for path, digest in now[kind].items() if RECORDED[kind][path] != digest]
        assert changed == [], f"{kind}: these files changed: {changed}"
