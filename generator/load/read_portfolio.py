"""Loading a portfolio folder: find the files, parse each with positions, validate each against the models.

Layout (docs/portfolio-layout.md): catalogue files are the `*.yaml` files directly in the portfolio folder;
journey files are `maps/**/<journey-id>.yaml`. Every file is read, whatever fails in the others, so one run
reports every error of the portfolio.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.common.codes import Code
from generator.common.diagnostics import Diagnostic
from generator.common.files import display_path
from generator.load.model_memo import ModelMemo
from generator.load.parse_cache import MISSING, LazySource, ParseCache
from generator.load.schema_errors import diagnostics_from
from generator.load.yaml_source import MAX_BYTES, Source, load_yaml, parse_yaml, read_text
from generator.model.entities import COLLECTIONS, ID_PATTERN, Catalogue, Journey
from generator.model.portfolio import Portfolio

YAML_SUFFIXES = (".yaml", ".yml")
MAPS_DIR = "maps"


@dataclass
class PortfolioFiles:
    catalogues: list[Path]
    journeys: list[Path]
    errors: list[Diagnostic]


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except ValueError:
        return False


def _yaml_files(folder: Path, recursive: bool) -> list[tuple[Path, bool]]:
    """The YAML files in `folder` (and its subfolders, not through links to folders), sorted, each with whether
    it is a link. From the folder listings alone: at 1,000 journeys resolving every path was 0.1-0.6 s."""
    found: list[tuple[Path, bool]] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return found
    for entry in entries:  # a folder's files first, then its subfolders'
        # in the maps, anything not a folder (a pipe is reported when read); at the top, files only
        if (
            entry.name.endswith(YAML_SUFFIXES) and not entry.is_dir()
            if recursive
            else Path(entry.name).suffix in YAML_SUFFIXES and entry.is_file()
        ):
            found.append((Path(entry.path), entry.is_symlink()))
    for entry in entries if recursive else ():
        if entry.is_dir(follow_symlinks=False):
            found.extend(_yaml_files(Path(entry.path), recursive))
    return found


def find_files(root: Path, base: Path | None = None) -> PortfolioFiles:
    errors: list[Diagnostic] = []
    real_root = root.resolve()
    maps = root / MAPS_DIR
    # a file is inside the portfolio unless it is a link, or in a maps folder that is one, leading out of it
    maps_inside = not maps.is_dir() or _inside(maps, real_root)
    listed = [(path, link, True) for path, link in _yaml_files(root, recursive=False)]
    if maps.is_dir():
        listed += [(path, link or not maps_inside, False) for path, link in _yaml_files(maps, recursive=True)]
    kept_c, kept_j = [], []
    for path, link, catalogue in listed:
        if link and not _inside(path, real_root):
            errors.append(
                Diagnostic(
                    display_path(path, base),
                    1,
                    1,
                    "error",
                    "the file is a link to a place outside the portfolio folder",
                    Code.OUTSIDE,
                    hint="copy the file into the portfolio instead of linking to it",
                )
            )
        elif catalogue:
            kept_c.append(path)
        else:
            kept_j.append(path)
    return PortfolioFiles(kept_c, kept_j, errors)


@dataclass
class _Read:
    source: Any  # a `Source`, or a `LazySource` acting as one (parsed again when a position is asked); None
    errors: list[Diagnostic]
    key: str | None = None  # the digest of the text (`ParseCache.key`), when read for a cache or a memo
    model: object | None = None  # the model validated from the same text at the last load (`ModelMemo`)


def _read(path: Path, display: str, max_bytes: int, cache: ParseCache | None, memo: ModelMemo | None) -> _Read:
    """The file parsed, from the parse cache when its text was parsed before; with `memo`, the source and the
    model of the last load when the text is the same."""
    if cache is None and memo is None:
        return _Read(*load_yaml(path, display, max_bytes))
    text, errors = read_text(path, display, max_bytes)
    if text is None:
        return _Read(None, errors)
    key = ParseCache.key(text)
    if memo is not None and (found := memo.get(display, key)) is not None:
        if cache is not None:
            cache.touch(key)  # still used: kept in the cache's file for the next build
        return _Read(found[0], [], key, found[1])
    data = cache.get(key) if cache is not None else MISSING
    if data is not MISSING:
        return _Read(LazySource(display, data, text), [], key)
    source, errors = parse_yaml(text, display)
    if cache is not None and source is not None and not errors:
        cache.put(key, source.data)
    return _Read(source, errors, key)


def load_portfolio(
    root: Path | str,
    *,
    base: Path | None = None,
    max_bytes: int = MAX_BYTES,
    cache: ParseCache | None = None,
    memo: ModelMemo | None = None,
) -> tuple[Portfolio, list[Diagnostic]]:
    """Parse and validate every file; the portfolio holds every model that validated. With `memo` (the live
    preview), a file read at the last load with the same text gives the same objects (`ModelMemo`)."""
    root = Path(root)
    base = base or Path.cwd()  # once: Path.cwd() per file is a system call each
    portfolio = Portfolio(root=root)
    files = find_files(root, base)
    errors = list(files.errors)
    org_origin: str | None = None
    for path in files.catalogues:
        display = display_path(path, base)
        read = _read(path, display, max_bytes, cache, memo)
        source = read.source
        errors.extend(read.errors)
        if source is None:
            _unloaded(portfolio, "catalogue", display)
            continue
        portfolio.sources[display] = source
        if isinstance(read.model, Catalogue):
            catalogue = read.model
        elif not isinstance(source.data, dict):
            errors.append(_not_a_mapping(portfolio, "catalogue", display, source.data))
            continue
        else:
            try:
                catalogue = Catalogue.model_validate(source.data)
                if memo is not None and not read.errors:
                    memo.put(display, read.key, source, catalogue)
            except ValidationError as exc:
                errors.extend(diagnostics_from(exc, Catalogue, source))
                catalogue = _salvage_catalogue(source, portfolio.broken)
        if catalogue.organisation is not None:
            if org_origin is not None:
                line, col = source.position(("organisation",), key=True)
                errors.append(
                    Diagnostic(
                        display,
                        line,
                        col,
                        "error",
                        "the organisation is defined twice",
                        Code.DUPLICATE_ID,
                        "organisation",
                        hint=f"keep only the one in {org_origin}",
                    )
                )
            else:
                org_origin = display
                portfolio.organisation = catalogue.organisation
                portfolio.origins[("organisation", "")] = (display, ("organisation",))
        for name in (*COLLECTIONS, "lanes"):
            target = portfolio.collection(name)
            for ident, entry in getattr(catalogue, name).items():
                if ident in target:
                    f, line, _ = portfolio.position(name, ident)
                    l2, c2 = source.position((name, ident), key=True)
                    errors.append(
                        Diagnostic(
                            display,
                            l2,
                            c2,
                            "error",
                            f"duplicate id '{ident}' in {name} (first defined at {f}:{line})",
                            Code.DUPLICATE_ID,
                            f"{name}.{ident}",
                            hint="ids must be unique across the portfolio: rename or remove one",
                        )
                    )
                    continue
                target[ident] = entry
                portfolio.origins[(name, ident)] = (display, (name, ident))
    seen_journeys: dict[str, str] = {}
    portfolio.journeys_read = len(files.journeys)
    for path in files.journeys:
        display = display_path(path, base)
        ident = path.stem
        read = _read(path, display, max_bytes, cache, memo)
        source = read.source
        errors.extend(read.errors)
        if source is None:
            _unloaded(portfolio, "journeys", display)
            continue
        portfolio.sources[display] = source
        if not re.match(ID_PATTERN, ident):
            slug = re.sub(r"[^a-z0-9]+", "-", ident.lower()).strip("-")
            errors.append(
                Diagnostic(
                    display,
                    1,
                    1,
                    "error",
                    f"the file name '{path.name}' is not a valid journey id",
                    Code.BAD_ID,
                    hint=f"rename it to '{slug}{path.suffix}': lowercase letters, digits and dashes",
                )
            )
            continue
        if ident in seen_journeys:
            errors.append(
                Diagnostic(
                    display,
                    1,
                    1,
                    "error",
                    f"duplicate journey id '{ident}' (also {seen_journeys[ident]})",
                    Code.DUPLICATE_ID,
                    hint="journey ids come from file names: rename one of the files",
                )
            )
            continue
        seen_journeys[ident] = display
        portfolio.journey_files[ident] = display
        if isinstance(read.model, Journey):
            portfolio.journeys[ident] = read.model
            portfolio.origins[("journeys", ident)] = (display, ())
            continue
        if not isinstance(source.data, dict):
            errors.append(_not_a_mapping(portfolio, "journeys", display, source.data))
            continue
        try:
            journey = Journey.model_validate(source.data)
            if memo is not None and not read.errors:
                memo.put(display, read.key, source, journey)
        except ValidationError as exc:
            errors.extend(diagnostics_from(exc, Journey, source))
            portfolio.broken.add(("journeys", ident))
            salvaged = _salvage_journey(source.data, exc)
            if salvaged is not None:
                portfolio.salvaged[ident] = salvaged
                portfolio.origins[("journeys", ident)] = (display, ())
            continue
        portfolio.journeys[ident] = journey
        portfolio.origins[("journeys", ident)] = (display, ())
    if cache is not None:
        cache.save()
    if memo is not None:
        memo.done()
    return portfolio, errors


# what a file of each kind must hold at its top level: (what is expected, the hint)
_TOP_LEVEL = {
    "catalogue": (f"a mapping of collections ({', '.join(COLLECTIONS)})", "start the file with e.g. `personas:`"),
    "journeys": (
        "a journey mapping (title, description, phases...)",
        "start the file with `title:` and `description:`",
    ),
}


def _unloaded(portfolio: Portfolio, kind: str, display: str) -> None:
    """A file that could not be read or is not a mapping: what it defines or references is unknown."""
    portfolio.unreadable.add(kind)
    portfolio.unloaded.add(display)


def _not_a_mapping(portfolio: Portfolio, kind: str, display: str, data: object) -> Diagnostic:
    """A file whose top level is not a mapping (a list, a lone value): nothing in it is known, so the portfolio
    records that its `kind` of content (`catalogue` or `journeys`) is incomplete."""
    _unloaded(portfolio, kind, display)
    expected, hint = _TOP_LEVEL[kind]
    return Diagnostic(
        display, 1, 1, "error", f"expected {expected}, got a {type(data).__name__}", Code.INVALID_VALUE, hint=hint
    )


def _salvage_journey(data: dict, exc: ValidationError, rounds: int = 3) -> Journey | None:
    """The journey without its invalid keys, so its references can be checked in the same run.

    Only mapping keys are dropped, never list items, so every remaining value keeps its path and position.
    A salvaged journey is cross-checked but never published.
    """
    data = copy.deepcopy(data)
    for _ in range(rounds):
        for err in exc.errors(include_url=False):
            loc = tuple(p for p in err["loc"] if p != "[key]")
            if err["type"] == "missing" or not loc:
                return None
            parent = data
            for part in loc[:-1]:
                try:
                    parent = parent[part]
                except (KeyError, IndexError, TypeError):
                    return None
            if not isinstance(parent, dict) or loc[-1] not in parent:
                return None
            del parent[loc[-1]]
        try:
            return Journey.model_validate(data)
        except ValidationError as again:
            exc = again
    return None


def _salvage_catalogue(source: Source, broken: set) -> Catalogue:
    """Keep the valid entries of a catalogue with errors, so cross-references to them still resolve."""
    kept: dict = {}
    for key, value in source.data.items():
        if key not in Catalogue.model_fields:
            continue
        if key == "organisation":
            try:
                kept[key] = Catalogue.model_validate({key: value}).organisation
            except ValidationError:
                pass
            continue
        if not isinstance(value, dict):
            continue
        good = {}
        for ident, entry in value.items():
            try:
                good.update(getattr(Catalogue.model_validate({key: {ident: entry}}), key))
            except ValidationError:
                broken.add((key, str(ident)))
        kept[key] = good
    fields = Catalogue.model_fields
    return Catalogue.model_construct(
        **{k: kept.get(k, fields[k].get_default(call_default_factory=True)) for k in fields}
    )
