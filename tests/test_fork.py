"""Fork-and-collect (generator/common/fork.py): a child's result comes back; a child that fails gives None,
never an error, so the caller can do the work itself; forking is refused while another thread runs."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from generator.common import fork

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forking is used on Linux only")


def test_the_child_result_comes_back():
    parent = os.getpid()
    child = fork.start(lambda: {"pid": os.getpid(), "pages": ["a" * 200_000, "b"]})  # more than a pipe holds
    assert child is not None
    got = child.collect()
    assert got["pages"] == ["a" * 200_000, "b"] and got["pid"] != parent


def _fails():
    raise ValueError("boom")


@pytest.mark.parametrize(
    "work", [_fails, lambda: threading.Lock(), lambda: os._exit(3)], ids=["raises", "unpicklable", "exits"]
)
def test_a_failed_child_gives_none(work):
    child = fork.start(work)
    assert child is not None and child.collect() is None


def test_a_killed_child_is_reaped():
    child = fork.start(lambda: threading.Event().wait(60))
    child.kill()
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # already reaped: no zombie left


def test_forking_is_refused_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not fork.allowed()
    finally:
        stop.set()
        other.join()
    assert fork.allowed() == ((os.cpu_count() or 1) >= 2 and threading.active_count() == 1)
