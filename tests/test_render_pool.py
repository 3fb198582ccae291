"""Rendering on two cores (generator/site/render_pool.py): the same pages, byte for byte, as on one."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import EXAMPLE, ROOT

SCRIPT = """
import hashlib, json, sys
from generator.site import render_pool
from generator.load.check import check
from generator.site.render import render_site
render_pool.PARALLEL_FROM = render_pool.SHARED_FROM = int(sys.argv[2])
assert render_pool.can_fork() == (sys.argv[3] == "yes")
portfolio, _ = check(sys.argv[1])
site = render_site(portfolio)
pages = site.pages
print(json.dumps({"child": site.rendered_by_child,
                  "pages": {path: hashlib.sha256(page.content.encode()).hexdigest() for path, page in pages.items()},
                  "assets": {path: hashlib.sha256(data).hexdigest() for path, data in site.assets.items()}}))
"""


def pages_rendered(*, parallel_from: int, env: dict | None = None, forks: str = "yes") -> dict:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(EXAMPLE), str(parallel_from), forks],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    import json

    return json.loads(out.stdout)


def test_two_processes_render_the_same_pages_as_one():
    one = pages_rendered(parallel_from=10**6)
    two = pages_rendered(parallel_from=1)
    assert one["child"] == 0 and two["child"] == len(two["pages"]) // 2  # every other page
    assert len(one["pages"]) > 40 and two["pages"] == one["pages"]
    # and the journeys' downloads (every other journey's made by the child), byte for byte
    assert len([a for a in one["assets"] if a.endswith(".xlsx")]) > 10 and two["assets"] == one["assets"]


def test_the_environment_variable_turns_the_second_process_off():
    assert pages_rendered(parallel_from=1, env={"JOURNEYS_RENDER_WORKERS": "1"}, forks="no")["child"] == 0
