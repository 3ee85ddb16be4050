"""Two halves of one CPU-bound job at once: the second in a forked child, the first here.

Used where a step of the build has the machine's second core to itself (the site engine's worker has
finished) and its work splits into independent halves: the link check's pages. The answer is the
same as doing both halves here, one after the other, and that is what happens where forking is not
safe or does not pay (no os.fork, one CPU, another thread running) or the child fails.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import TypeVar

__all__ = ["both_halves", "fork_pays", "usable_cpus"]

T = TypeVar("T")


def both_halves(first: Callable[[], T], second: Callable[[], T]) -> tuple[T, T]:
    """``(first(), second())``, the second computed in a forked child while this process computes the first.

    Its result comes back pickled through a pipe (from our own child: nothing else writes there). A child
    that fails, or is killed, costs only time: the second half is then computed here.
    """
    if not fork_pays():
        return first(), second()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and never return into the caller's code
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                pickle.dump(second(), out, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        mine = first()
    finally:
        with os.fdopen(read_end, "rb") as answer:
            data = answer.read()  # the child blocks on a full pipe until read: read it all, then reap
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or not data:
        return mine, second()
    theirs: T = pickle.loads(data)  # noqa: S301 - our own child's answer
    return mine, theirs


def fork_pays() -> bool:
    """Whether forking a child to work beside this process pays and is safe: os.fork exists, a second CPU
    is there to run it, and no other thread runs (forking then is unsafe). The site engine's worker asks
    the same."""
    if not hasattr(os, "fork") or usable_cpus() < 2:
        return False
    import threading

    return threading.active_count() == 1


def usable_cpus() -> int:
    """The CPUs this process may run on (``taskset`` and CPU sets count; ``os.cpu_count`` is the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
