"""The portfolio reference: every model, field, type and description, read from the models' JSON Schema.

The site's `reference.md` page is rendered from this, so the reference cannot drift from validation.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Catalogue, Journey


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    default: str
    description: str


@dataclass(frozen=True)
class Model:
    name: str
    anchor: str
    description: str
    fields: tuple[Field, ...]


def _type(prop: dict, defs: dict) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        target = defs.get(name, {})
        if "enum" in target:
            return " \\| ".join(f"`{v}`" for v in target["enum"])
        return f"[{name}](#{name.lower()})"
    if "anyOf" in prop:
        kinds = [_type(p, defs) for p in prop["anyOf"] if p.get("type") != "null"]
        return " or ".join(kinds)
    kind = prop.get("type")
    if kind == "array":
        return f"list of {_type(prop.get('items', {}), defs)}"
    if kind == "object":
        inner = next(iter(prop.get("patternProperties", {}).values()), prop.get("additionalProperties", {}))
        return f"mapping of id to {_type(inner, defs)}" if inner else "mapping"
    if "enum" in prop:
        return " \\| ".join(f"`{v}`" for v in prop["enum"])
    text = {"string": "text", "integer": "integer", "number": "number", "boolean": "true/false"}.get(kind, kind or "any")
    if "minimum" in prop and "maximum" in prop:
        text += f" {prop['minimum']:g}..{prop['maximum']:g}"
    if prop.get("pattern") or prop.get("format") == "date":
        text = "id" if prop.get("pattern") else "date"
    return text


def _default(prop: dict) -> str:
    if "default" not in prop or prop["default"] in (None, [], {}, ""):
        return ""
    value = prop["default"]
    return f"`{str(value).lower() if isinstance(value, bool) else value}`"


def models() -> list[Model]:
    """The journey file's models, then the catalogue's, each with its fields in declaration order."""
    out: list[Model] = []
    for root in (Journey, Catalogue):
        schema = root.model_json_schema()
        defs = schema.get("$defs", {})
        entries = [(root.__name__, schema)] + [(n, d) for n, d in defs.items() if "properties" in d]
        for name, d in entries:
            required = set(d.get("required", []))
            fields = tuple(Field(k, _type(v, defs), k in required, _default(v), v.get("description", ""))
                           for k, v in d["properties"].items())
            out.append(Model(name, name.lower(), " ".join(d.get("description", "").split()), fields))
    return out
