"""The generator's stages import one way: each module imports only its own stage and the stages below it.

    common <- model <- load <- metrics <- charts <- site <- options, pipeline <- authoring <- adapters

Adapters (commands/, mkdocs_plugin/, cli.py and the `generator.markdown_ext` shim) are imported by no stage,
and MkDocs is imported only by mkdocs_plugin/. The test reads every module's imports (AST), including those
inside functions, so a lazy import cannot run back up either.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "generator"
RANKS = {
    "common": 0,
    "model": 1,
    "load": 2,
    "metrics": 3,
    "charts": 4,
    "site": 5,
    "options": 6,
    "pipeline": 6,
    "authoring": 7,
    "commands": 8,
    "mkdocs_plugin": 8,
    "cli": 9,
    "__main__": 10,
    "markdown_ext": 10,
}
ADAPTERS = {"commands", "mkdocs_plugin", "cli", "__main__", "markdown_ext"}


def stage_of(module: str) -> str:
    """`generator.load.check` -> `load`; `generator.cli` -> `cli`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported module) of every import in the file, relative ones resolved."""
    found = []
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # `from generator import site` imports the module generator.site
            found += [
                (node.lineno, f"{name}.{alias.name}") for alias in node.names if f"{name}.{alias.name}" in modules()
            ]
    return found


def test_every_module_belongs_to_a_known_stage():
    unknown = sorted({stage_of(m) for m in modules()} - set(RANKS) - {""})
    assert unknown == [], f"add these to RANKS (and to docs/architecture.md): {unknown}"


def test_imports_flow_one_way():
    wrong = []
    for module, path in modules().items():
        stage = stage_of(module)
        if not stage:
            continue
        for line, name in imports(module, path):
            if not name.startswith("generator.") or stage_of(name) == stage:
                continue
            target = stage_of(name)
            if target in ADAPTERS and stage not in ADAPTERS:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: the {stage} stage imports the adapter {name}")
            elif RANKS[target] > RANKS[stage]:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {stage} imports {name}, a later stage ({target})")
    assert wrong == []


def test_only_the_mkdocs_adapter_imports_mkdocs():
    wrong = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for module, path in modules().items()
        if stage_of(module) != "mkdocs_plugin"
        for line, name in imports(module, path)
        if name == "mkdocs" or name.startswith("mkdocs.")
    ]
    assert wrong == []


def test_the_check_catches_an_import_running_back_up(tmp_path):
    # the rule itself: a module of the model stage importing the site would be reported
    module, path = "generator.model.bad", tmp_path / "bad.py"
    path.write_text("from generator.site.render import render_site\n", encoding="utf-8")
    [(line, name)] = imports(module, path)
    assert (line, name) == (1, "generator.site.render")
    assert RANKS[stage_of(name)] > RANKS[stage_of(module)]
