"""The options of a Journeys project, declared once.

Every option is a field of `Options` with its default, its help text and, where it has one, its
environment variable and command-line flag. Everything else derives from this declaration:

- the MkDocs plugin's configuration schema (`generator.mkdocs_plugin.config`: `plugins: - journeys: ...`);
- the command-line flags of `journeys build`, `generate` and `check` (`add_flags`);
- the options table of docs/site.md (`options_markdown`, checked against the page by a test);
- how the commands read mkdocs.yml (`from_mkdocs_yml`), with the same type checks as the plugin.

Precedence everywhere: a command-line flag, then the environment variable, then mkdocs.yml, then the
default.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.common.suggest import did_you_mean
from generator.load.yaml_source import MAX_BYTES


def option(
    default: Any,
    help: str,
    *,
    flag: bool = True,
    env: str | None = None,
    metavar: str | None = None,
    plugin: bool = True,
    choices: tuple[str, ...] = (),
) -> Any:
    """A field of `Options`: `flag` gives it a command-line flag (`--name-with-dashes`), `env` an environment
    variable, `plugin` a key in the plugin's mkdocs.yml configuration, `choices` the only values it takes."""
    return field(
        default=default,
        metadata={"help": help, "flag": flag, "env": env, "metavar": metavar, "plugin": plugin, "choices": choices},
    )


@dataclass(frozen=True)
class Options:
    portfolio: str = option("journeys", "The portfolio folder, relative to mkdocs.yml.", metavar="DIR")
    strict: bool = option(False, "Governance warnings stop the build, as `journeys check --strict`.")
    templates: str | None = option(
        None,
        "A folder of templates overriding the package's by file name (default: `<theme.custom_dir>/journeys`).",
        metavar="DIR",
    )
    nav: bool = option(
        True, "Put the generated navigation (journey hierarchy, indexes) in front of the project's `nav`.", flag=False
    )
    max_file_size: int | None = option(
        None,
        f"Refuse portfolio files larger than this many bytes (default {MAX_BYTES:,}).",
        env="JOURNEYS_MAX_FILE_SIZE",
        metavar="BYTES",
    )
    chart_cache: str | None = option(
        None,
        "Where drawn charts, parsed files and converted text are kept between builds, relative to "
        "mkdocs.yml (default `.cache/journeys/charts`).",
        env="JOURNEYS_CHART_CACHE",
        metavar="DIR",
    )
    downloads: bool = option(
        True,
        "Offer each journey's map as CSV and Excel (XLSX) files on its page (the "
        "workbooks take about 50 ms a journey to write).",
        flag=False,
    )
    guide: str = option(
        "off",
        "The project's own pages in `docs_dir` (all but those the plugin generates): `section` lists them "
        "under *User guide* in the navigation; `link` builds them outside it, with one *User guide* entry "
        "opening `guide/index.md`; `off` leaves them out of the site. The site search indexes only the "
        "portfolio's pages either way.",
        flag=False,
        choices=("section", "link", "off"),
    )
    search: bool = option(
        True, "Build the site search (Pagefind) and show it in the header; `false` builds without search.", flag=False
    )
    edit_uri: str | None = option(
        None,
        "URL prefix to edit a file of the repository by its path from the repository root (default: "
        "`repo_url` + `edit_uri` without the trailing docs folder).",
        flag=False,
    )

    # ------------------------------------------------------------------ derived values
    def with_environment(self, environ: Mapping[str, str] | None = None) -> Options:
        """These options with the environment's values where an option has a variable and it is set."""
        environ = os.environ if environ is None else environ
        changes: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            name = f.metadata["env"]
            raw = environ.get(name, "") if name else ""
            if not raw:
                continue
            if f.name == "max_file_size":
                if raw.isdigit() and int(raw) > 0:
                    changes[f.name] = int(raw)
            else:
                changes[f.name] = raw
        return dataclasses.replace(self, **changes)

    def with_flags(self, args: argparse.Namespace) -> Options:
        """These options with the command-line flags that were given (`add_flags` added them)."""
        changes = {
            f.name: getattr(args, f.name)
            for f in dataclasses.fields(self)
            if getattr(args, f.name, None) not in (None, False)
        }
        return dataclasses.replace(self, **changes)

    @property
    def max_bytes(self) -> int:
        return self.max_file_size if self.max_file_size and self.max_file_size > 0 else MAX_BYTES


class OptionError(ValueError):
    """An option of mkdocs.yml with a value of the wrong type."""


def _type_of(f: dataclasses.Field[Any]) -> tuple[type, bool]:
    """(the option's value type, whether it may be left unset)."""
    text = str(f.type)
    for kind in (bool, int, str):
        if text.startswith(kind.__name__):
            return kind, "None" in text
    raise TypeError(f"option {f.name}: unsupported type {text}")  # pragma: no cover


@dataclass(frozen=True)
class Spec:
    """One option as the plugin's configuration declares it."""

    name: str
    kind: type
    optional: bool
    default: Any
    choices: tuple[str, ...]
    help: str


def specs() -> list[Spec]:
    """Every option the plugin takes, in declaration order."""
    out = []
    for f in dataclasses.fields(Options):
        if f.metadata["plugin"]:
            kind, optional = _type_of(f)
            out.append(Spec(f.name, kind, optional, f.default, f.metadata["choices"], f.metadata["help"]))
    return out


def from_mapping(values: Mapping[str, Any], *, where: str = "mkdocs.yml") -> Options:
    """Options from the plugin's mapping in mkdocs.yml; unknown keys and wrong types raise `OptionError`."""
    known = {f.name: f for f in dataclasses.fields(Options) if f.metadata["plugin"]}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            hint = did_you_mean(key, known) or f"it has: {', '.join(sorted(known))}"
            raise OptionError(f"{where}: the journeys plugin has no option '{key}' [{hint}]")
        kind, optional = _type_of(known[key])
        if value is None and optional:
            continue
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise OptionError(f"{where}: the journeys plugin's option '{key}' must be a {kind.__name__}, not {value!r}")
        choices = known[key].metadata["choices"]
        if choices and value not in choices:
            raise OptionError(
                f"{where}: the journeys plugin's option '{key}' must be one of {', '.join(choices)}, not {value!r}"
            )
        changes[key] = value
    return Options(**changes)


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose `!ENV` / `!!python/name:` tags mean nothing here."""


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class MkDocsSettings:
    """What the commands need of mkdocs.yml: the plugin's options, the site folder and the theme's folder."""

    options: Options = Options()
    site_dir: str = "site"
    custom_dir: str | None = None


def from_mkdocs_yml(config_file: Path) -> MkDocsSettings:
    """The settings of mkdocs.yml; the defaults when it is missing or unreadable (MkDocs then says why)."""
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_LenientLoader) or {}
    except (OSError, yaml.YAMLError):
        return MkDocsSettings()
    if not isinstance(data, dict):
        return MkDocsSettings()
    values: dict[str, Any] = {}
    for plugin in data.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("journeys"), dict):
            values = plugin["journeys"]
    theme = data.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    site_dir = data.get("site_dir")
    custom = custom if isinstance(custom, str) else None
    site_dir = site_dir if isinstance(site_dir, str) else "site"
    return MkDocsSettings(from_mapping(values, where=str(config_file)), site_dir, custom)


def add_flags(parser: argparse.ArgumentParser, *names: str) -> None:
    """Add the named options' flags to a command (`--max-file-size BYTES`, `--strict`...)."""
    fields = {f.name: f for f in dataclasses.fields(Options)}
    for name in names:
        f = fields[name]
        assert f.metadata["flag"], name
        kind, _ = _type_of(f)
        help_text = f.metadata["help"].replace("%", "%%")
        if f.metadata["env"]:
            help_text += f" ${f.metadata['env']} sets it too."
        flag = "--" + name.replace("_", "-")
        if kind is bool:
            parser.add_argument(flag, action="store_true", help=help_text)
        else:
            parser.add_argument(flag, type=kind, default=None, metavar=f.metadata["metavar"], help=help_text)


def options_markdown() -> str:
    """The options table of docs/site.md."""
    rows = ["| option | default | flag | environment | what it does |", "|---|---|---|---|---|"]
    for f in dataclasses.fields(Options):
        shown = str(f.default).lower() if isinstance(f.default, bool) else f.default
        default = "unset" if f.default is None else f"`{shown}`"
        flag = f"`--{f.name.replace('_', '-')}`" if f.metadata["flag"] else ""
        env = f"`{f.metadata['env']}`" if f.metadata["env"] else ""
        rows.append(f"| `{f.name}` | {default} | {flag} | {env} | {f.metadata['help']} |")
    return "\n".join(rows) + "\n"
