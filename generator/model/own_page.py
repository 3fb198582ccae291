"""Fields shown only on their journey's own pages, marked once in the model.

A field annotated `Annotated[Text, OWN_PAGE]` (a step's `does`, `thinks`, `feels`...) is shown on the page of
the journey that holds it, its comparison page, its downloads, its export and its search entry, and on no
list or roll-up page. The live preview reads the marks (`differs_only_on_own_page`): a save that changed
nothing else of a journey renders that journey's own pages again and keeps every other page.

A mark is a promise about the templates: tests/test_preview_split_lists.py edits each marked field and
compares the preview's pages with a clean build's, byte for byte, so a list page that starts showing a
marked field fails them until the mark goes.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from pydantic import BaseModel


class OwnPage:
    """The mark: this field is shown only on its journey's own pages."""

    def __repr__(self) -> str:
        return "OWN_PAGE"


OWN_PAGE = OwnPage()


@functools.cache  # the models are fixed at import
def own_page_fields(model: type[BaseModel]) -> frozenset[str]:
    """The names of `model`'s own fields that carry the mark."""
    return frozenset(
        name for name, info in model.model_fields.items() if any(isinstance(m, OwnPage) for m in info.metadata)
    )


def differs_only_on_own_page(old: Any, new: Any) -> bool:
    """Whether `old` and `new` (equal or not) differ in marked fields only: the same everywhere else. Models
    are compared field by field; lists, tuples and dataclasses (a page's rows) of the same length and type,
    item by item."""
    if old is new:
        return True
    if type(old) is not type(new):
        return False
    if isinstance(old, BaseModel):
        marked = own_page_fields(type(old))
        return all(
            name in marked or differs_only_on_own_page(getattr(old, name), getattr(new, name))
            for name in type(old).model_fields
        )
    if isinstance(old, list | tuple):
        return len(old) == len(new) and all(differs_only_on_own_page(a, b) for a, b in zip(old, new, strict=True))
    if dataclasses.is_dataclass(old):
        return all(
            differs_only_on_own_page(getattr(old, f.name), getattr(new, f.name)) for f in dataclasses.fields(old)
        )
    return bool(old == new)
