"""The error catalogue cannot drift: every diagnostic code is documented, and every documented code exists."""

from __future__ import annotations

import re

from conftest import ROOT
from generator.common.diagnostics import CODES


def test_every_code_is_documented_and_every_documented_code_exists():
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `([a-z-]+)`$", text, flags=re.M))
    assert documented == set(CODES)


def test_every_code_used_in_the_generator_is_registered():
    used = set()
    for path in (ROOT / "generator").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'code="([a-z-]+)"', source))
        used |= set(re.findall(r'Diagnostic\([^)]*?"(?:error|warning)",\s*[^,]+,\s*"([a-z-]+)"', source, flags=re.S))
    assert used, "no codes found: the pattern is stale"
    assert used <= set(CODES), sorted(used - set(CODES))
