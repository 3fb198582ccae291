"""Helpers of the browser tests: the built site served over HTTP, Debian's Chromium through Playwright,
a watcher of console errors and failed requests, and colour contrast as WCAG computes it."""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from conftest import ROOT

CHROMIUM = os.environ.get("JOURNEYS_CHROMIUM", "/usr/bin/chromium")
# Quiet, offline, reproducible: no sandbox (CI containers run as root), no GPU, no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--mute-audio",
]
MISSING_CHROMIUM = (
    "Chromium is needed by the browser tests and was not found at {path}.\n"
    "Install Debian's package: sudo apt-get update && sudo apt-get install -y chromium\n"
    "(.ci/run does it), or point JOURNEYS_CHROMIUM at a Chromium binary."
)


def site_path() -> str:
    """The path the site expects to be served under: that of mkdocs.yml's site_url (404.html links absolutely)."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    path = urlsplit(config.get("site_url") or "/").path or "/"
    return path if path.endswith("/") else path + "/"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site folder under `prefix` only, as GitHub Pages would; anything else is a 404."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        clean = unquote(path.split("?", 1)[0].split("#", 1)[0])
        if not clean.startswith(self.prefix) and clean + "/" != self.prefix:
            return str(Path(self.directory) / "\0outside")  # never a file: a 404
        return super().translate_path("/" + clean[len(self.prefix) :])

    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@dataclass
class Server:
    base_url: str  # e.g. http://127.0.0.1:41234/journeys/
    httpd: http.server.ThreadingHTTPServer

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serve(site: Path, prefix: str) -> Server:
    handler = type("Handler", (_Handler,), {"prefix": prefix})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True).start()
    return Server(f"http://127.0.0.1:{httpd.server_address[1]}{prefix}", httpd)


@dataclass
class Watch:
    """What went wrong while a page was in the browser: console errors, uncaught exceptions, failed requests."""

    problems: list[str] = field(default_factory=list)

    def attach(self, context) -> None:
        context.on(
            "console",
            lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
        )
        context.on("weberror", lambda e: self.problems.append(f"uncaught: {e.error}"))
        context.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))
        context.on("response", lambda r: self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)


# ---- colour contrast (WCAG 2 relative luminance) ----------------------------------------------------------


def parse_colour(text: str) -> tuple[float, float, float, float]:
    """'#rgb', '#rrggbb', 'rgb(r, g, b)' or 'rgba(r, g, b, a)' as (r, g, b, alpha), r/g/b in 0-255."""
    text = text.strip().lower()
    if m := re.fullmatch(r"#([0-9a-f]{3})", text):
        return tuple(int(c * 2, 16) for c in m.group(1)) + (1.0,)
    if m := re.fullmatch(r"#([0-9a-f]{6})", text):
        h = m.group(1)
        return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 1.0)
    if m := re.fullmatch(r"rgba?\(([^)]*)\)", text):
        parts = [float(x) for x in re.split(r"[,\s/]+", m.group(1).strip()) if x]
        return (parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0)
    raise ValueError(f"not a colour: {text!r}")


def luminance(rgb) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb[:3]
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def svg_text_colours(svg: str) -> set[str]:
    """The fill colours of the text of a matplotlib SVG (text as <text> with svg.fonttype none, or as paths
    inside <g id="text_..."> groups): what a reader must be able to read."""
    colours = set()
    for m in re.finditer(r"<text\b[^>]*>", svg):
        tag = m.group(0)
        if f := re.search(r"fill:\s*(#[0-9a-fA-F]{3,6})", tag) or re.search(r'fill="(#[0-9a-fA-F]{3,6})"', tag):
            colours.add(f.group(1).lower())
        else:
            colours.add("#000000")  # SVG's default fill
    for m in re.finditer(r'<g id="text_\d+"[^>]*>(.*?)</g>', svg, re.S):
        colours.update(c.lower() for c in re.findall(r"fill:\s*(#[0-9a-fA-F]{3,6})", m.group(1)))
    return colours


def svg_background(svg: str) -> str | None:
    """The colour of an opaque rectangle covering the whole figure (matplotlib's figure patch), or None when
    the chart is transparent and the page shows through."""
    m = re.search(r'<g id="patch_1">\s*<path d="M 0 (\S+) *L (\S+) \1 *L \2 0 *L 0 0 *z"\s*style="([^"]*)"', svg)
    if not m or "fill: none" in m.group(3):
        return None
    fill = re.search(r"fill:\s*(#[0-9a-fA-F]{3,6})", m.group(3))
    opacity = re.search(r"fill-opacity:\s*([0-9.]+)", m.group(3))
    if not fill or (opacity and float(opacity.group(1)) < 1):
        return None
    return fill.group(1).lower()
