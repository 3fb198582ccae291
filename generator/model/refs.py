"""References between entities, marked once in the model and derived everywhere else.

A field that holds the id of another entity carries a `Ref` in its annotation, e.g.
`personas: list[Annotated[Id, Ref("personas")]]`. Everything that needs to know what refers to what reads
the marks instead of keeping its own list: the cross-reference checks (`load/references.py`), the site's
back-reference indexes (`site/render.py`), `journeys diff` and the refactoring commands.

- `reference_fields(model)` lists the marked fields reachable from a model class (`RefField`);
- `references_of(kind, ident, entity, ...)` and `iter_references(portfolio)` yield every reference written in
  a loaded portfolio (`Reference`): who refers (kind and id), from which field and list position, to what,
  and where in which file.

Target kinds are the catalogue collections (`personas`, `departments`, ...), `journeys`, and `steps`. A step
id is only unique within its journey, so a step reference names the sibling field holding that journey
(`Ref("steps", within="journey")` in `StepRef`); its `Reference.journey` is that journey's id.
"""

from __future__ import annotations

import inspect
import types
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from pydantic import BaseModel
from pydantic.fields import FieldInfo

if TYPE_CHECKING:  # the portfolio module imports the models, which import this module
    from generator.model.portfolio import Portfolio

Loc = tuple[Any, ...]  # the same shape as `load.yaml_source.Loc`: keys and list indexes

TARGET_KINDS: tuple[str, ...] = (
    "personas", "departments", "channels", "metrics", "insights", "opportunities", "solutions", "journeys", "steps",
)


@dataclass(frozen=True)
class Ref:
    """The mark: this field holds the id of a `kind` entity (one of TARGET_KINDS).

    `within` names a sibling field holding the id of the journey the target belongs to (steps only).
    """

    kind: str
    within: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in TARGET_KINDS:
            raise ValueError(f"unknown reference kind {self.kind!r}; expected one of {', '.join(TARGET_KINDS)}")
        if (self.kind == "steps") != (self.within is not None):
            raise ValueError("a step reference, and only one, names the field of its journey (`within=`)")


@dataclass(frozen=True)
class RefField:
    """One marked field reachable from a model.

    `path` is the attribute chain from the model, with `[]` for a list item and `{}` for a mapping value,
    e.g. `("phases", "[]", "steps", "[]", "touchpoints", "[]", "channel")`; `field` is the same without the
    markers (`phases.steps.touchpoints.channel`). `many` is true when the field itself is a list of ids.
    """

    model: type[BaseModel]  # the model declaring the field
    path: tuple[str, ...]
    kind: str
    within: str | None = None
    many: bool = False

    @property
    def name(self) -> str:
        """The field's own name, e.g. `channel`."""
        return self.path[-2] if self.many else self.path[-1]

    @property
    def field(self) -> str:
        return ".".join(p for p in self.path if p not in ("[]", "{}"))

    def __str__(self) -> str:
        return "".join(p if p in ("[]", "{}") else f".{p}" for p in self.path).lstrip(".")


@dataclass(frozen=True)
class Reference:
    """One reference written in a portfolio.

    `source_kind`/`source_id`: the entity it is written in (`journeys`, `opportunities`, `solutions`...).
    `path`: where in that entity, with list indexes, e.g. `("phases", 0, "steps", 2, "insights", 1)`.
    `kind`/`target`: what it refers to; for `steps`, `journey` is the journey holding the step.
    `file`, `loc`: the file it is written in and the path of the value in that file (a catalogue entry's
    `path` is prefixed by its collection and id); `line`, `col`: its position (0, 0 when unknown).
    """

    source_kind: str
    source_id: str
    path: Loc
    field: RefField
    kind: str
    target: str
    journey: str | None = None
    file: str | None = None
    loc: Loc = ()
    line: int = 0
    col: int = 0

    @property
    def key(self) -> tuple[str, str]:
        """(kind, id) of the target; a step's id is `journey/step`."""
        return (self.kind, f"{self.journey}/{self.target}" if self.kind == "steps" else self.target)


# ------------------------------------------------------------------------------------------ the marks


def _unwrap(annotation: object) -> tuple[object, list[object]]:
    """(the bare type, its metadata) of an `Annotated[...]`, nested ones and FieldInfo metadata included."""
    metadata: list[object] = []
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        for item in extra:
            metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return annotation, metadata


def _walk(model: type[BaseModel], prefix: tuple[str, ...], seen: tuple[type[BaseModel], ...]) -> Iterator[RefField]:
    for name, info in model.model_fields.items():
        yield from _walk_type(model, info.annotation, list(info.metadata), prefix + (name,), False, seen)


def _walk_type(model: type[BaseModel], annotation: object, metadata: list[object], path: tuple[str, ...],
               in_list: bool, seen: tuple[type[BaseModel], ...]) -> Iterator[RefField]:
    annotation, inner = _unwrap(annotation)
    marks = [m for m in metadata + inner if isinstance(m, Ref)]
    if marks:
        yield RefField(model, path, marks[0].kind, marks[0].within, in_list)
        return
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            if arg is not type(None):
                yield from _walk_type(model, arg, [], path, in_list, seen)
    elif origin is list:
        yield from _walk_type(model, args[0], [], path + ("[]",), True, seen)
    elif origin is dict:
        yield from _walk_type(model, args[1], [], path + ("{}",), False, seen)
    elif inspect.isclass(annotation) and issubclass(annotation, BaseModel) and annotation not in seen:
        yield from _walk(annotation, path, seen + (annotation,))


def reference_fields(model: type[BaseModel]) -> list[RefField]:
    """Every marked field reachable from `model` (nested models, lists and mappings included), in field order."""
    return list(_walk(model, (), (model,)))


def mark_of(model: type[BaseModel], name: str) -> RefField | None:
    """The mark on `model`'s own field `name` (a list of ids included), or None for a field that is no reference."""
    return next((f for f in _plan_marks(model) if f.path[0] == name), None)


def _plan_marks(model: type[BaseModel]) -> list[RefField]:
    return [mark for _, mark in _plan(model) if mark is not None]


# ------------------------------------------------------------------------------------------ the references


def _plan(model: type[BaseModel]) -> list[tuple[str, RefField | None]]:
    """The fields of `model` worth visiting: (name, its mark relative to `model`) or (name, None) for a field
    holding models that have marks. Derived once per model class (the models are fixed at import)."""
    if model not in _PLANS:
        own = {f.path[0]: f for f in reference_fields(model) if f.model is model}
        deeper = {f.path[0] for f in reference_fields(model) if f.model is not model}
        _PLANS[model] = [(name, own.get(name)) for name in model.model_fields if name in own or name in deeper]
    return _PLANS[model]


_PLANS: dict[type[BaseModel], list[tuple[str, RefField | None]]] = {}


_ABSOLUTE: dict[tuple[RefField, tuple[str, ...]], RefField] = {}


def _absolute(mark: RefField, shape: tuple[str, ...]) -> RefField:
    """The mark of a nested model as a field of the entity, e.g. `channel` as `phases[].steps[]...channel`."""
    key = (mark, shape)
    if key not in _ABSOLUTE:
        _ABSOLUTE[key] = RefField(mark.model, shape + mark.path, mark.kind, mark.within, mark.many)
    return _ABSOLUTE[key]


def _in_value(kind: str, ident: str, value: Any, shape: tuple[str, ...], at: Loc) -> Iterator[Reference]:
    if isinstance(value, BaseModel):
        yield from _in_model(kind, ident, value, shape, at)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _in_value(kind, ident, item, shape + ("[]",), at + (i,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _in_value(kind, ident, item, shape + ("{}",), at + (key,))


def _in_model(kind: str, ident: str, model: BaseModel, shape: tuple[str, ...], at: Loc) -> Iterator[Reference]:
    for name, mark in _plan(type(model)):
        value = getattr(model, name)
        if mark is None:
            yield from _in_value(kind, ident, value, shape + (name,), at + (name,))
            continue
        ref_field = _absolute(mark, shape)
        journey = getattr(model, mark.within) if mark.within else None
        if mark.many:
            for i, target in enumerate(value or ()):
                yield Reference(kind, ident, at + (name, i), ref_field, mark.kind, target, journey)
        elif value is not None:
            yield Reference(kind, ident, at + (name,), ref_field, mark.kind, value, journey)


def references_of(kind: str, ident: str, entity: BaseModel, portfolio: "Portfolio | None" = None) -> list[Reference]:
    """The references written in one entity, in the order they are written (the model's field order).

    With `portfolio`, each carries its file, its path in that file and its line and column (when the
    portfolio knows where the entity was written).
    """
    found = list(_in_model(kind, ident, entity, (), ()))
    if portfolio is None or (kind, ident) not in portfolio.origins:
        return found
    file, base = portfolio.origins[(kind, ident)]
    source = portfolio.sources.get(file)
    out = []
    for r in found:
        loc = tuple(base) + r.path
        line, col = source.position(loc) if source is not None else (0, 0)
        out.append(Reference(r.source_kind, r.source_id, r.path, r.field, r.kind, r.target, r.journey, file, loc,
                             line, col))
    return out


def iter_references(portfolio: "Portfolio", *, salvaged: bool = False) -> Iterator[Reference]:
    """Every reference in a loaded portfolio: the catalogue's (collection by collection, in file order),
    then the journeys' (by id). With `salvaged`, also those of invalid journeys kept for checking.
    """
    from generator.model.entities import COLLECTIONS

    for collection in COLLECTIONS:
        for ident, entry in portfolio.collection(collection).items():
            yield from references_of(collection, ident, entry, portfolio)
    journeys = dict(portfolio.journeys)
    if salvaged:
        journeys.update(portfolio.salvaged)
    for jid in sorted(journeys):
        yield from references_of("journeys", jid, journeys[jid], portfolio)


def resolves(portfolio: "Portfolio", reference: Reference) -> bool:
    """Whether the target is defined (for a step: the journey holds a step with that id)."""
    if reference.kind == "steps":
        journey = portfolio.journeys.get(reference.journey or "")
        return journey is not None and any(s.id == reference.target for s in journey.steps())
    return reference.target in portfolio.collection(reference.kind)
