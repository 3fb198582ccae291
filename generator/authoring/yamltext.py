"""Writing YAML as text, for the files people then edit: scaffolds (`journeys new`) and imports.

These files are written line by line rather than dumped, so they carry comments that explain each field and
keep the layout of the hand-written examples. Only scalars go through the YAML library, for quoting.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import yaml

from generator.model.entities import ID_PATTERN

SCHEMAS_DIR = "schemas"


def slugify(text: str, fallback: str = "item") -> str:
    """A valid id from any text: accents folded, other characters to dashes, at most 80 characters."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:80].strip("-")
    return slug if re.match(ID_PATTERN, slug) else fallback


def is_id(text: str) -> bool:
    return re.match(ID_PATTERN, text) is not None and not text.endswith("\n")


def scalar(value: object) -> str:
    """One YAML scalar on one line, quoted only when YAML needs it (`yes`, `: `, leading `#`...)."""
    if isinstance(value, str) and any(c in value for c in "\n\r\t"):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9)
    text = text.rstrip("\n")
    if text.endswith("\n..."):
        text = text[: -len("\n...")]
    return text


def flow_list(values: list[str]) -> str:
    return "[" + ", ".join(scalar(v) for v in values) + "]"


def schema_line(file: Path, kind: str, portfolio_root: Path) -> str:
    """The editor's schema line, relative from `file` to `schemas/` next to the portfolio folder."""
    target = portfolio_root.resolve().parent / SCHEMAS_DIR / f"{kind}.schema.json"
    rel = os.path.relpath(target, file.resolve().parent).replace(os.sep, "/")
    return f"# yaml-language-server: $schema={rel}"
