"""`generator.markdown_ext`, as mkdocs.yml names it: the extension now lives in `generator.site.markdown_ext`.

Kept so that existing mkdocs.yml files (`markdown_extensions: [generator.markdown_ext]`) keep working; the
journeys plugin adds the extension itself, so new projects need not list it.
"""

from generator.site.markdown_ext import CaptionExtension, makeExtension

__all__ = ["CaptionExtension", "makeExtension"]
