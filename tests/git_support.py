"""A git repository committed at a fixed date, for the tests whose output depends on the commit time
(the sitemap's dates come from it when SOURCE_DATE_EPOCH is not set)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

COMMIT_DATE = "2024-05-06T10:20:30+00:00"


def git(*args: str, cwd: Path) -> str:
    """Run git in `cwd` as a fixed author at COMMIT_DATE, with no system or user configuration; its output."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_AUTHOR_DATE": COMMIT_DATE,
        "GIT_COMMITTER_DATE": COMMIT_DATE,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(cwd),
    }
    out = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout
