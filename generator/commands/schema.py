"""`journeys schema [journey|catalogue]`: the JSON Schema generated from the models, for editors."""

from __future__ import annotations

import argparse
import json

from pydantic import BaseModel

from generator.model.entities import Catalogue, Journey

SCHEMAS: dict[str, type[BaseModel]] = {"journey": Journey, "catalogue": Catalogue}


def schema_text(kind: str) -> str:
    schema = SCHEMAS[kind].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://journeys.example/schemas/{kind}.schema.json"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of journey or catalogue files",
        description="Print the JSON Schema generated from the models. The repository ships "
        "them in schemas/ for the yaml-language-server line of each file.",
    )
    p.add_argument(
        "kind",
        nargs="?",
        choices=sorted(SCHEMAS),
        default="journey",
        help="journey (maps/*.yaml, the default) or catalogue (the other *.yaml files)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print(schema_text(args.kind), end="")
    return 0
