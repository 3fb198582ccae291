"""Shared fixtures: small portfolios written into temporary folders, and the CLI run for real."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings as _hypothesis_settings

# Property tests draw the same examples on every run, so CI is reproducible; set
# HYPOTHESIS_PROFILE=explore to search new random examples while developing.
_hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
_hypothesis_settings.register_profile("explore", derandomize=False)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "journeys"

CATALOGUE = """\
organisation:
  name: Tiny Co
personas:
  pat:
    name: Pat
departments:
  sales:
    name: Sales
  support:
    name: Support
channels:
  web:
    name: Website
    digital: true
  phone:
    name: Phone
    digital: false
metrics:
  nps:
    name: NPS
    kind: nps
    target: 30
    warning: 10
insights:
  slow:
    statement: People wait too long.
opportunities:
  faster:
    title: Answer faster
    impact: 4
    effort: 2
    reach: 3
    insights: [slow]
solutions:
  bot:
    title: A chat bot
    owner: support
    opportunities: [faster]
"""

JOURNEY = """\
title: I buy a thing
description: From first look to purchase.
lifecycle: live
owner:
  person: Ann
  department: sales
personas: [pat]
metrics: [nps]
phases:
  - id: look
    name: Look
    steps:
      - id: browse
        name: Browse the shop
        owner: sales
        emotion: 4
        touchpoints:
          - name: Home page
            channel: web
            department: sales
      - id: ask
        name: Ask a question
        owner: support
        opportunities: [faster]
  - id: buy
    name: Buy
    steps:
      - id: pay
        name: Pay
        owner: sales
"""


def write_portfolio(root: Path, files: dict[str, str] | None = None, *, base: bool = True) -> Path:
    """A portfolio folder with the tiny catalogue and one journey, then `files` written over it."""
    root.mkdir(parents=True, exist_ok=True)
    content = {"catalogue.yaml": CATALOGUE, "maps/buy.yaml": JOURNEY} if base else {}
    content.update(files or {})
    for rel, text in content.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            continue
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
    return root


@pytest.fixture
def portfolio(tmp_path: Path):
    """Write a tiny valid portfolio (plus overrides) under tmp_path/journeys and return its folder."""

    def make(files: dict[str, str] | None = None, *, base: bool = True) -> Path:
        return write_portfolio(tmp_path / "journeys", files, base=base)

    return make


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `journeys ...` as a user would, in `cwd`."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    full_env.pop("GITHUB_ACTIONS", None) if env is None or "GITHUB_ACTIONS" not in env else None
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=600
    )


# ---- the example site, built once per session; served and opened in Chromium by the browser tests ----------


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The example portfolio's site, built once per session by `journeys build` (strict)."""
    out = tmp_path_factory.mktemp("example") / "site"
    result = run_cli("build", "--site-dir", str(out), cwd=ROOT, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    return out


@pytest.fixture(scope="session")
def example():
    """The example portfolio, checked once per session."""
    from generator.load.check import check

    portfolio, report = check(EXAMPLE)
    assert not report.errors
    return portfolio


@pytest.fixture(scope="session")
def site_server(example_site):
    """The example site served on localhost under the path of mkdocs.yml's site_url (/journeys/)."""
    from browser_support import serve, site_path

    server = serve(example_site, site_path())
    yield server
    server.close()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session. Missing Chromium is a failure, not a skip."""
    from browser_support import CHROMIUM, CHROMIUM_ARGS, MISSING_CHROMIUM

    if not Path(CHROMIUM).is_file():
        pytest.fail(MISSING_CHROMIUM.format(path=CHROMIUM), pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail('Playwright is missing: python3 -m pip install -e ".[test]"', pytrace=False)
    with sync_playwright() as p:
        # executable_path: Debian's Chromium, never Playwright's own download (`playwright install`)
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def open_page(browser, site_server):
    """open_page(path="", **context options) -> (page, watch): a fresh context (no stored palette), every
    console error and failed request recorded in watch.problems."""
    from browser_support import Watch

    contexts = []

    def make(path: str = "", *, viewport=(1366, 900), color_scheme="light", wait="networkidle"):
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, color_scheme=color_scheme, reduced_motion="reduce"
        )
        contexts.append(context)
        watch = Watch()
        watch.attach(context)
        page = context.new_page()
        page.goto(site_server.base_url + path, wait_until=wait)
        return page, watch

    yield make
    for context in contexts:
        context.close()
