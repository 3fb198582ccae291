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

import functools
import inspect
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import field as _field
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import BaseModel
from pydantic.fields import FieldInfo

if TYPE_CHECKING:  # the portfolio module imports the models, which import this module
    from generator.model.portfolio import Portfolio

Loc = tuple[Any, ...]  # the same shape as `load.yaml_source.Loc`: keys and list indexes

TARGET_KINDS: tuple[str, ...] = (
    "personas",
    "departments",
    "channels",
    "metrics",
    "insights",
    "opportunities",
    "solutions",
    "journeys",
    "steps",
)

# The word for one entity of each kind, and for one item of each list field: the checks' messages ("unknown
# persona 'x'"), `journeys diff` ("pain point added: ...") and the refactoring commands' KIND argument.
SINGULAR: dict[str, str] = {
    "personas": "persona",
    "departments": "department",
    "channels": "channel",
    "metrics": "metric",
    "insights": "insight",
    "opportunities": "opportunity",
    "solutions": "solution",
    "journeys": "journey",
    "steps": "step",
    "lanes": "lane",
    "glossary": "glossary term",
    "pain_points": "pain point",
    "highlights": "highlight",
    "backstage": "backstage process",
    "systems": "system",
    "tags": "tag",
    "goals": "goal",
    "frustrations": "frustration",
    "touchpoints": "touchpoint",
    "verbatims": "verbatim",
    "links": "link",
}


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
    # derived from `path`, kept as attributes: read for every reference of a portfolio
    name: str = _field(init=False, compare=False, repr=False)  # the field's own name, e.g. `channel`
    field: str = _field(init=False, compare=False, repr=False)  # e.g. `phases.steps.touchpoints.channel`

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", self.path[-2] if self.many else self.path[-1])
        object.__setattr__(self, "field", ".".join(p for p in self.path if p not in ("[]", "{}")))

    def __str__(self) -> str:
        return "".join(p if p in ("[]", "{}") else f".{p}" for p in self.path).lstrip(".")


class Reference(NamedTuple):
    """One reference written in a portfolio (a named tuple: a portfolio has tens of thousands).

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


def _walk_type(
    model: type[BaseModel],
    annotation: object,
    metadata: list[object],
    path: tuple[str, ...],
    in_list: bool,
    seen: tuple[type[BaseModel], ...],
) -> Iterator[RefField]:
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
    return next((f for f in _fields(model) if f.model is model and f.path[0] == name), None)


@functools.cache  # the models are fixed at import: their marks are read once
def _fields(model: type[BaseModel]) -> tuple[RefField, ...]:
    return tuple(reference_fields(model))


# ------------------------------------------------------------------------------------------ the references

# A portfolio holds tens of thousands of references, and the checks and the site's indexes read them all: a
# walk that inspects the types as it goes costs ~10x the hand-written loops it replaces. So each model's
# walk is written once from its marks as plain Python (the technique of `dataclasses` and `namedtuple`),
# e.g. for a journey:
#
#     def walk(kind, ident, v0, out):
#         v1 = v0.owner
#         if v1 is not None:
#             a1 = ('owner',)
#             v2 = v1.department
#             if v2 is not None:
#                 out.append(new(R, (kind, ident, a1 + ('department',), F2, 'departments', v2, None, ...)))
#         ...
#         for i4, v4 in enumerate(v0.phases or ()):
#             a4 = ('phases', i4)
#             ...


@functools.cache
def _walk_of(model: type[BaseModel]) -> Callable[[str, str, BaseModel, list[Reference]], None]:
    lines = ["def walk(kind, ident, v0, out):"]
    # tuple.__new__ straight away: a named tuple's own __new__ is a Python function, 4x slower
    constants: dict[str, Any] = {"R": Reference, "new": tuple.__new__}
    _emit(model, "v0", "()", (), "    ", lines, constants)
    lines.append("    return None")
    namespace: dict[str, Any] = {}
    # the source holds only field names and kinds from the models, never portfolio content
    exec(compile("\n".join(lines), f"<references of {model.__name__}>", "exec"), constants, namespace)  # noqa: S102
    return namespace["walk"]


def _emit(
    model: type[BaseModel],
    var: str,
    at: str,
    shape: tuple[str, ...],
    indent: str,
    lines: list[str],
    constants: dict[str, Any],
) -> None:
    """Append the statements collecting the references of `model`, held in `var` at `at` of the entity."""
    fields = _fields(model)
    own = {f.path[0]: f for f in fields if f.model is model}
    deeper = {f.path[0] for f in fields if f.model is not model}
    for name, info in model.model_fields.items():
        if name not in own and name not in deeper:
            continue
        n = len(constants)
        value = f"v{n}"
        if name in own:
            mark = own[name]
            if mark.path not in ((name,), (name, "[]")):
                raise TypeError(
                    f"{model.__name__}.{name}: a mark must be on an id or a list of ids, not inside "
                    f"another container ({mark})"
                )
            constants[f"F{n}"] = RefField(mark.model, shape + mark.path, mark.kind, mark.within, mark.many)
            journey = f"{var}.{mark.within}" if mark.within else "None"
            lines.append(f"{indent}{value} = {var}.{name}")
            if mark.many:
                args = f"kind, ident, {at} + ({name!r}, i{n}), F{n}, {mark.kind!r}, t{n}, {journey}"
                item = f"new(R, ({args}, None, (), 0, 0))"
                lines += [f"{indent}for i{n}, t{n} in enumerate({value} or ()):", f"{indent}    out.append({item})"]
            else:
                args = f"kind, ident, {at} + ({name!r},), F{n}, {mark.kind!r}, {value}, {journey}"
                item = f"new(R, ({args}, None, (), 0, 0))"
                lines += [f"{indent}if {value} is not None:", f"{indent}    out.append({item})"]
            continue
        constants[f"_{n}"] = None  # reserves the number
        inner, container = _container(info.annotation)
        inside = indent + "    "
        if container == "model":
            lines += [
                f"{indent}{value} = {var}.{name}",
                f"{indent}if {value} is not None:",
                f"{inside}a{n} = {at} + ({name!r},)",
            ]
            _emit(inner, value, f"a{n}", shape + (name,), inside, lines, constants)
        elif container == "list":
            lines += [
                f"{indent}for i{n}, {value} in enumerate({var}.{name} or ()):",
                f"{inside}a{n} = {at} + ({name!r}, i{n})",
            ]
            _emit(inner, value, f"a{n}", shape + (name, "[]"), inside, lines, constants)
        else:
            lines += [
                f"{indent}for k{n}, {value} in ({var}.{name} or {{}}).items():",
                f"{inside}a{n} = {at} + ({name!r}, k{n})",
            ]
            _emit(inner, value, f"a{n}", shape + (name, "{}"), inside, lines, constants)


def _container(annotation: object) -> tuple[type[BaseModel], str]:
    """(the model, "model", "list" or "dict") for a field holding models: `M`, `M | None`, `list[M]`, `dict[K, M]`."""
    annotation, _ = _unwrap(annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        kept = [a for a in args if a is not type(None)]
        if len(kept) == 1:
            return _container(kept[0])
    elif origin is list and _is_model(_unwrap(args[0])[0]):
        return _unwrap(args[0])[0], "list"  # type: ignore[return-value]
    elif origin is dict and _is_model(_unwrap(args[1])[0]):
        return _unwrap(args[1])[0], "dict"  # type: ignore[return-value]
    elif _is_model(annotation):
        return annotation, "model"  # type: ignore[return-value]
    raise TypeError(
        f"references inside {annotation!r}: only a model, an optional model, a list or a mapping "
        "of models can hold marked fields"
    )


def _is_model(annotation: object) -> bool:
    return inspect.isclass(annotation) and issubclass(annotation, BaseModel)


def references_of(kind: str, ident: str, entity: BaseModel, portfolio: Portfolio | None = None) -> list[Reference]:
    """The references written in one entity, in the order they are written (the model's field order).

    With `portfolio`, each carries its file, its path in that file and its line and column (when the
    portfolio knows where the entity was written).
    """
    found = list(_written(kind, ident, entity))
    if portfolio is None or (kind, ident) not in portfolio.origins:
        return found
    file, base = portfolio.origins[(kind, ident)]
    source = portfolio.sources.get(file)
    out = []
    for r in found:
        loc = tuple(base) + r.path
        line, col = source.position(loc) if source is not None else (0, 0)
        out.append(r._replace(file=file, loc=loc, line=line, col=col))
    return out


# The live preview keeps the models of unchanged files from one save to the next (`load/model_memo.py`), and
# the checks, the site's indexes and the comparison of two saves each walk every journey: four walks of 1,000
# journeys were 0.2 s of a save. So a walk is kept by the entity's identity (the entity with it, so that the
# id is not reused while kept); emptied when it grows past a bound, as replaced entities stay in it until then.
_WALKED: dict[tuple[str, str, int], tuple[BaseModel, tuple[Reference, ...]]] = {}
_WALKED_MOST = 50_000


def _written(kind: str, ident: str, entity: BaseModel) -> tuple[Reference, ...]:
    key = (kind, ident, id(entity))
    kept = _WALKED.get(key)
    if kept is not None and kept[0] is entity:
        return kept[1]
    found: list[Reference] = []
    _walk_of(type(entity))(kind, ident, entity, found)
    if len(_WALKED) >= _WALKED_MOST:
        _WALKED.clear()
    _WALKED[key] = (entity, tuple(found))
    return _WALKED[key][1]


def iter_references(portfolio: Portfolio, *, salvaged: bool = False) -> Iterator[Reference]:
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


def resolves(portfolio: Portfolio, reference: Reference) -> bool:
    """Whether the target is defined (for a step: the journey holds a step with that id)."""
    if reference.kind == "steps":
        journey = portfolio.journeys.get(reference.journey or "")
        return journey is not None and any(s.id == reference.target for s in journey.steps())
    return reference.target in portfolio.collection(reference.kind)
