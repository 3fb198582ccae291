"""Shared fixtures: small portfolios written into temporary folders, and the CLI run for real."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

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
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=600)
