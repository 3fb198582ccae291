"""A Python-Markdown extension the journey map needs: `<caption>` parsed as a block inside `md_in_html`.

Python-Markdown does not count `<caption>` as a block-level element, so inside `<table markdown>` it is
wrapped in a `<p>` (which browsers move out of the table). Registering it fixes that. The MkDocs plugin
adds this extension by itself; another builder taking `journeys generate` output lists
`generator.markdown_ext` among its Markdown extensions.
"""

from __future__ import annotations

from markdown import Markdown
from markdown.extensions import Extension


class CaptionExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        if "caption" not in md.block_level_elements:
            md.block_level_elements.append("caption")


def makeExtension(**kwargs) -> CaptionExtension:  # the name Python-Markdown looks for
    return CaptionExtension(**kwargs)
