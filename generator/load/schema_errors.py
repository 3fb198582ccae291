"""Turning pydantic's validation errors into diagnostics at the YAML node they came from.

Pydantic reports a location such as `('phases', 0, 'steps', 2, 'emotion')`; the YAML source knows the
line and column of that path. The message is rephrased as expected-against-received, with a hint: the
closest known key for a typo, the allowed values for an enum, the id a free-text name should become.
"""

from __future__ import annotations

import re
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.common.codes import Code
from generator.common.diagnostics import Diagnostic
from generator.common.suggest import did_you_mean
from generator.load.yaml_source import Loc, Source
from generator.model.refs import SINGULAR, mark_of


def format_path(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _unwrap(annotation: Any, part: Any) -> Any:
    """The type found one step down `annotation` at `part` (a field name, list index or dict key)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0], part)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                found = _unwrap(arg, part)
                if found is not None:
                    return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(part) if isinstance(part, str) else None
        return field.annotation if field else None
    if origin is list and isinstance(part, int):
        return typing.get_args(annotation)[0]
    if origin is dict and isinstance(part, str):
        return typing.get_args(annotation)[1]
    return None


def model_at(root: type[BaseModel], loc: Loc) -> Any:
    """The model class (or type) that validates the value at `loc`."""
    current: Any = root
    for part in loc:
        current = _unwrap(current, part)
        if current is None:
            return None
    origin = typing.get_origin(current)
    if origin is typing.Annotated:
        current = typing.get_args(current)[0]
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        current = next((a for a in typing.get_args(current) if a is not type(None)), current)
    return current


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:80]


def diagnostics_from(exc: ValidationError, root: type[BaseModel], source: Source, prefix: Loc = ()) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for err in exc.errors(include_url=False):
        raw_loc = tuple(err["loc"])
        is_key = bool(raw_loc) and raw_loc[-1] == "[key]"
        loc = raw_loc[:-1] if is_key else raw_loc
        full = prefix + loc
        kind = err["type"]
        value = err.get("input")
        msg = err["msg"]
        hint = ""
        code = Code.INVALID_VALUE
        at_key = is_key
        if kind == "extra_forbidden":
            parent = model_at(root, loc[:-1])
            fields = list(parent.model_fields) if isinstance(parent, type) and issubclass(parent, BaseModel) else []
            message = f"unknown key '{loc[-1]}'"
            hint = did_you_mean(str(loc[-1]), fields) or (
                "allowed keys: " + ", ".join(fields) if fields else "remove it"
            )
            code, at_key = Code.UNKNOWN_KEY, True
            path = format_path(loc[:-1])
        elif kind == "missing":
            parent = model_at(root, loc[:-1])
            is_model = isinstance(parent, type) and issubclass(parent, BaseModel)
            field = parent.model_fields.get(str(loc[-1])) if is_model else None
            message = f"missing required key '{loc[-1]}'"
            hint = f"add `{loc[-1]}:`" + (f" ({field.description})" if field and field.description else "")
            code = Code.MISSING_KEY
            path = format_path(loc[:-1])
            full = prefix + loc[:-1]
        elif kind == "enum":
            expected = err.get("ctx", {}).get("expected", "")
            allowed = re.findall(r"'([^']*)'", expected)
            message = f"expected one of {', '.join(repr(a) for a in allowed)}, got {_describe(value)}"
            hint = did_you_mean(str(value), allowed) or "use one of the values listed"
            path = format_path(loc)
        elif kind == "string_pattern_mismatch":
            what = "key" if is_key else "id"
            message = f"expected an {what} of lowercase letters, digits and dashes, got {_describe(value)}"
            slug = _slug(value) if isinstance(value, str) else ""
            hint = f"write '{slug}'" if slug else "use letters, digits and dashes"
            code = Code.BAD_ID
            path = format_path(loc)
        elif kind == "value_error" or kind == "assertion_error":
            message = re.sub(r"^(Value|Assertion) error, ", "", msg)
            path = format_path(loc)
        elif kind == "too_short":
            least = err.get("ctx", {}).get("min_length", 1)
            message = f"expected at least {least} item(s), got {_describe(value) if value else 'none'}"
            hint = "add an entry"
            path = format_path(loc)
        elif kind == "string_type" and isinstance(value, dict) and _ref_at(root, loc) is not None:
            message, hint = _mapping_for_id(str(loc[-1]), _ref_at(root, loc) or "", value)
            path = format_path(loc)
        elif kind in ("model_type", "model_attributes_type") and isinstance(value, (str, int, float)):
            model = model_at(root, loc)
            if isinstance(model, type) and issubclass(model, BaseModel):
                message, hint = _scalar_for_mapping(str(loc[-1]) if loc else "", model, value)
            else:
                message, hint = f"expected a mapping, got {_describe(value)}", "write `key: value` lines under this key"
            path = format_path(loc)
        else:
            expected = msg.replace("Input should be ", "expected ").replace("Input should have ", "expected ")
            message = f"{expected}, got {_describe(value)}"
            if kind in ("string_type",) and isinstance(value, (dict, list)):
                hint = "quote the text, or check the indentation"
            elif kind == "bool_parsing":
                hint = "write true or false"
            elif kind.startswith("date"):
                hint = "write the date as YYYY-MM-DD"
            elif kind in ("model_type", "model_attributes_type", "dict_type"):
                hint = "write a mapping of `key: value` lines, indented under this key"
            elif kind == "list_type":
                hint = "write a list, one `- item` per line"
            path = format_path(loc)
        line, col = source.position(full, key=at_key)
        out.append(Diagnostic(source.file, line, col, "error", message, code, path, hint))
    return out


def _ref_at(root: type[BaseModel], loc: Loc) -> str | None:
    """The kind of entity the field at `loc` names (`departments` for a step's `owner`), None for no reference."""
    parent = model_at(root, loc[:-1]) if loc else None
    if not (isinstance(parent, type) and issubclass(parent, BaseModel)) or not isinstance(loc[-1], str):
        return None
    mark = mark_of(parent, loc[-1])
    return mark.kind if mark is not None and not mark.many else None


def _mapping_for_id(name: str, kind: str, value: dict) -> tuple[str, str]:
    """A mapping where one id belongs, e.g. a journey's `owner: {person, department}` copied to a step: the
    message, and the id to write when the mapping holds one under (nearly) the right key."""
    word = SINGULAR.get(kind, kind)
    example = next(
        (v for k, v in value.items() if isinstance(v, str) and (k == word or did_you_mean(str(k), [word]))), None
    )
    keys = f" (`{name}:` with `person:` and `department:` is a journey's owner)" if name == "owner" else ""
    if example:
        return f"expected a {word} id, got a mapping", f"did you mean `{name}: {example}`?{keys}"
    return f"expected a {word} id, got a mapping", f"write one {word} id, e.g. `{name}: my-{word}`{keys}"


def _scalar_for_mapping(name: str, model: type[BaseModel], value: object) -> tuple[str, str]:
    """A single value where a mapping belongs, e.g. `owner: sales` for a journey: the keys it takes, and the
    value written under the one key it most likely meant (the only required reference, e.g. `department`)."""
    required = [k for k, f in model.model_fields.items() if f.is_required()]
    keys = ", ".join(required) or ", ".join(model.model_fields)
    refs = [k for k in required if (mark := mark_of(model, k)) is not None and not mark.many]
    message = f"expected a mapping with the keys {keys}, got {_describe(value)}"
    if len(refs) == 1 and isinstance(value, str):
        filled = ", ".join(f"{k}: {value if k == refs[0] else '...'}" for k in required)
        return message, f"did you mean `{name}: {{{filled}}}`? Write each key on its own line under `{name}:`"
    return message, f"write {', '.join(f'`{k}:`' for k in required)} on their own lines under `{name}:`"
