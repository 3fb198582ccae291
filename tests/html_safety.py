"""What "inert" means for the tests: an HTML scan for anything that could run, load or navigate.

`problems(html)` lists every script element, event handler attribute, dangerous URL (javascript:, vbscript:,
data:), embedding element (iframe, object, embed...), and, given `allowed`, every element not in it.
Attribute values are entity-decoded by the parser first, as a browser would.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

DATA = Path(__file__).parent / "data"

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "srcset",
    "codebase",
    "cite",
    "longdesc",
    "usemap",
    "dynsrc",
    "lowsrc",
    "ping",
}
FORBIDDEN = {
    "iframe",
    "object",
    "embed",
    "frame",
    "frameset",
    "applet",
    "base",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "meta",
    "link",
    "style",
    "math",
    "video",
    "audio",
    "source",
    "isindex",
    "noscript",
    "template",
    "animate",
    "set",
    "foreignobject",
    "use",
}
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript|mocha):", re.I)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def payloads() -> list[str]:
    """The XSS corpus, one payload a line; a literal `\\n` in a line stands for a line break."""
    lines = (DATA / "xss_payloads.txt").read_text(encoding="utf-8").splitlines()
    return [line.replace("\\n", "\n") for line in lines if line.strip()]


def bad_url(value: str) -> bool:
    return bool(_BAD_SCHEME.match(_CONTROL.sub("", value)))


class _Scan(HTMLParser):
    def __init__(self, allowed: set[str] | None, scripts_ok) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed, self.scripts_ok = allowed, scripts_ok
        self.found: list[str] = []
        self.tags: set[str] = set()
        self._script: tuple[dict, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        if tag == "script":
            self._script = (a, [])
        elif tag in FORBIDDEN and not (self.allowed and tag in self.allowed):
            self.found.append(f"<{tag}> element")
        elif self.allowed is not None and tag not in self.allowed:
            self.found.append(f"unexpected <{tag}> element")
        for name, value in a.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> event handler")
            if name in URL_ATTRIBUTES and bad_url(value):
                self.found.append(f"<{tag} {name}={value[:40]!r}> dangerous URL")
            if name == "srcdoc":
                self.found.append(f"<{tag} srcdoc> attribute")
            if name == "style" and re.search(r"url\s*\(|expression\s*\(|javascript:", value, re.I):
                self.found.append(f"<{tag} style={value[:40]!r}> active style")

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            attrs, body = self._script
            if not (self.scripts_ok and self.scripts_ok(attrs, "".join(body))):
                self.found.append(f"<script> element: {''.join(body)[:60]!r} {attrs}")
            self._script = None


def problems(html: str, *, allowed: set[str] | None = None, scripts_ok=None) -> list[str]:
    scan = _Scan(allowed, scripts_ok)
    scan.feed(html)
    scan.close()
    if scan._script is not None:
        scan.found.append("unterminated <script> element")
    return scan.found


def tags(html: str) -> set[str]:
    scan = _Scan(None, lambda a, b: True)
    scan.feed(html)
    scan.close()
    return scan.tags
