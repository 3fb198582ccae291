"""The plugin's configuration schema, derived from `generator.options.Options` (one declaration of every
option: its type, default and help)."""

from __future__ import annotations

from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c

from generator.options import Options, specs


def _config_option(kind: type, optional: bool, default: Any) -> c.BaseConfigOption[Any]:
    return c.Optional(c.Type(kind)) if optional else c.Type(kind, default=default)


# `base.Config` reads its schema from the class attributes when the class is made
JourneysConfig: type[base.Config] = type("JourneysConfig", (base.Config,), {
    name: _config_option(kind, optional, default) for name, kind, optional, default, _ in specs()
})


def options_of(config: base.Config) -> Options:
    """The `Options` of a validated plugin configuration, with the environment's values applied."""
    return Options(**{name: config[name] for name, *_ in specs()}).with_environment()
