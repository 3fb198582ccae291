"""The plugin's configuration schema, derived from `generator.options.Options` (one declaration of every
option: its type, default and help)."""

from __future__ import annotations

from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c

from generator.options import Options, Spec, specs


def _config_option(spec: Spec) -> c.BaseConfigOption[Any]:
    if spec.choices:
        return c.Choice(spec.choices, default=spec.default)
    return c.Optional(c.Type(spec.kind)) if spec.optional else c.Type(spec.kind, default=spec.default)


# `base.Config` reads its schema from the class attributes when the class is made
JourneysConfig: type[base.Config] = type(
    "JourneysConfig", (base.Config,), {spec.name: _config_option(spec) for spec in specs()}
)


def options_of(config: base.Config) -> Options:
    """The `Options` of a validated plugin configuration, with the environment's values applied."""
    return Options(**{spec.name: config[spec.name] for spec in specs()}).with_environment()
