"""The MkDocs adapter: the `journeys` plugin (`plugin.py`). The only package that imports MkDocs."""

from generator.mkdocs_plugin.plugin import JourneysPlugin

__all__ = ["JourneysPlugin"]
