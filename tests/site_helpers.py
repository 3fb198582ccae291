"""Helpers for tests that build sites: a small MkDocs project around a portfolio, HTML link checking."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from conftest import ROOT, write_portfolio

MKDOCS_YML = """\
site_name: Tiny journeys
site_url: https://example.org/tiny/
edit_uri: https://git.example.org/tiny/edit/main/docs/
theme:
  name: material
  custom_dir: theme
  font: false
plugins:
  - tags
  - journeys
validation:
  omitted_files: warn
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn
"""


def make_project(where: Path, files: dict[str, str] | None = None) -> Path:
    """A project folder: mkdocs.yml, the repository's theme/, a docs/ page and the tiny portfolio."""
    where.mkdir(parents=True, exist_ok=True)
    (where / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (where / "docs").mkdir(exist_ok=True)
    (where / "docs" / "guide.md").write_text("# Guide\n\nSee the [journeys](journeys/index.md).\n", encoding="utf-8")
    theme = where / "theme"
    if not theme.exists():
        theme.symlink_to(ROOT / "theme", target_is_directory=True)
    write_portfolio(where / "journeys", files)
    return where


def run_mkdocs(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        for name in ("href", "src"):
            if a.get(name) and not (tag == "link" and a.get("rel") in ("canonical", "alternate")):
                self.links.append(a[name])


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(site: Path, base_path: str = "/") -> list[str]:
    """Every internal href/src of every page that does not resolve to a file (and anchor) of the site.

    The site is taken as served under `base_path` (the path of its site_url), as 404.html links absolutely.
    """
    problems = []
    base = "http://site.invalid" + base_path
    parsed = {p: parse(p) for p in sorted(site.rglob("*.html"))}
    for page, links in parsed.items():
        page_url = base + page.relative_to(site).as_posix()
        for link in links.links:
            url = urljoin(page_url, link)
            parts = urlsplit(url)
            if not url.startswith(base):
                continue  # outside the site
            rel = unquote(parts.path[len(urlsplit(base).path) :])
            target = site / rel
            if rel == "" or rel.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{page.relative_to(site)}: {link} -> missing {target.relative_to(site)}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{page.relative_to(site)}: {link} -> no id '{parts.fragment}'")
    return problems


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
