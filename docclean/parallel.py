"""Run one task per file, in worker processes when asked (``--jobs``), results in input order.

Cleaning is CPU-bound and single-threaded, so a folder of files is cleaned faster by several
processes. Each worker builds its own context once (``setup``: loading the rules, reading the
config), then runs ``task(path, context)`` for the files it is given; results come back in the
order of ``files``, so reports and messages do not depend on how many workers ran.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any, TypeVar

C = TypeVar("C")
T = TypeVar("T")

_context: Any = None  # a worker's context, built once by ``_start``


def cpu_count() -> int:
    """How many CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def workers(jobs: int, files: int) -> int:
    """How many processes ``jobs`` (0: one per CPU) means for ``files`` files."""
    return max(1, min(jobs if jobs > 0 else cpu_count(), files))


def run(task: Callable[[str, C], T], files: Sequence[str], context: C,
        setup: Callable[[], C], jobs: int = 1) -> Iterator[T]:
    """``task(path, context)`` for each of ``files``, in order. With one worker the calls run
    here, with ``context``; otherwise each worker process calls ``setup()`` once for its own
    context. ``task`` and ``setup`` must be picklable (module-level functions, partials of them)."""
    n = workers(jobs, len(files))
    if n == 1:
        for path in files:
            yield task(path, context)
        return
    with ProcessPoolExecutor(n, initializer=_start, initargs=(setup,)) as pool:
        yield from pool.map(partial(_call, task), files)


def _start(setup: Callable[[], Any]) -> None:
    global _context
    _context = setup()


def _call(task: Callable[[str, Any], T], path: str) -> T:
    return task(path, _context)
