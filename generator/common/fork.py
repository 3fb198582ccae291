"""Fork-and-collect: a child process computes a result while this one goes on, and sends it back pickled.

A child made by `fork` shares everything already loaded (the portfolio, the templates) for free; only its
result crosses back, through a pipe. Used where half of a long stage can run on the second core: reading
many metric data files (`load/metric_data.py`) and rendering many pages (`site/render_pool.py`).

One rule decides when forking is allowed (`allowed`), and a child that fails is never an error: `collect`
gives None and the caller does the child's work itself, so the result is the same either way. `meanwhile`
is the parent's side: its own share of the work while the child runs, then the child's result.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)  # a child only gives its result
R = TypeVar("R")


def allowed() -> bool:
    """Whether forking is safe and can pay off here: Linux (elsewhere system libraries may not survive a
    fork), only the main thread alive (a thread holding a lock at the fork leaves the child deadlocked;
    `mkdocs serve` runs a watcher thread), and a second core to run the child on."""
    threading = sys.modules.get("threading")  # not imported: no thread was ever started
    return (
        sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and (threading is None or threading.active_count() == 1)
        and (os.cpu_count() or 1) >= 2
    )


class Child(Generic[T_co]):
    """A forked child computing a result: `collect` it once, or `kill` it when the parent gives up."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid, self.fd = pid, fd

    def collect(self) -> T_co | None:
        """Wait for the child and return its result, or None when it failed (raised, was killed, or its
        result could not be pickled): the caller then does the child's work itself."""
        try:
            with os.fdopen(self.fd, "rb") as pipe:
                payload = pipe.read()
        finally:
            os.waitpid(self.pid, 0)
        try:
            return pickle.loads(payload) if payload else None  # from our own child, through our own pipe
        except Exception:  # noqa: BLE001 - a child killed half-way: its result is incomplete
            return None

    def kill(self) -> None:
        """Stop the child and reap it, its result unread (the parent failed or was interrupted)."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        os.close(self.fd)
        os.waitpid(self.pid, 0)


def start(work: Callable[[], T]) -> Child[T] | None:
    """Fork a child that runs `work()` and sends its result back; None when no child could be started.

    The child never returns from here: it leaves by `os._exit`, without running the parent's exit handlers
    or flushing its buffers, and leaves interruptions (Ctrl-C) to the parent.
    """
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:
        try:
            os.close(read_fd)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            try:
                payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:  # noqa: BLE001 - whatever it was, the parent does this work itself
                payload = b""
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(write_fd)
    return Child(pid, read_fd)


def meanwhile(child: Child[T] | None, work: Callable[[], R]) -> tuple[R, T | None]:
    """`work()` here while `child` (if any) computes, then the child's result: None when there is no child or
    it failed (the caller then does its share). When `work` raises, the child is killed first."""
    try:
        mine = work()
    except BaseException:
        if child is not None:
            child.kill()
        raise
    return mine, child.collect() if child is not None else None
