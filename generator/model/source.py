"""A parsed YAML file as data: its values and the line and column each key and value was written at.

`generator/load/yaml_source.py` makes these from the text; the portfolio keeps them to place errors and
edit links; `Loc` is the path of a value inside the file (keys and list indexes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
