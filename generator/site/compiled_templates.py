"""Compiled templates kept in memory between renders of the live preview.

Jinja compiles each template to Python the first time an environment loads it, and every render makes a
new environment (its filters hold that render's text cache and glossary), so every save compiled all the
page templates again; MkDocs does the same with the theme's. Compiling them was about a third of a save's
rebuild of the example. A `CompiledTemplates` is a Jinja bytecode cache held by the preview for its whole
session and given to each new environment: Jinja checks each template's source digest against it and
compiles only a template that changed.
"""

from __future__ import annotations

import jinja2


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled code of each template by Jinja's key (name and source digest), in memory."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()
