"""Sandbox: each document is read in a worker process that the parent can kill.

A reader can hang (a PDF whose page contents refer to each other in a loop) or grow without
bound (a decompression bomb), and library code swallows a timer's exception inside the
process. So the limits are enforced from outside: pebble's ProcessPool kills a worker whose
task passes its wall-clock limit and starts another, and each worker runs under an
address-space limit (`resource.setrlimit`), so runaway memory ends in a MemoryError or the
worker's death, never the machine's. The clock starts when the worker takes the task, so time
spent starting a worker or loading the pipeline never counts against a document.

Workers die with the parent (Linux `PR_SET_PDEATHSIG`), so a run killed even with SIGKILL
leaves no worker behind. Results come back in input order through a window of a few tasks
per worker, so memory stays flat however many documents there are.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import TimeoutError as TaskTimeout
from typing import TypeVar

from pebble import ProcessExpired, ProcessFuture, ProcessPool

from ..limits import Limits

__all__ = ["Sandbox", "WINDOW_PER_WORKER", "death"]

Item = TypeVar("Item")
Result = TypeVar("Result")

WINDOW_PER_WORKER = 4  # tasks handed out ahead per worker: enough to keep it busy, few enough to keep memory flat
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this worker when its parent dies, however the parent died."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _address_space() -> int:
    """The worker's address space now, in bytes (0 where /proc does not say)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _start_worker(parent: int, memory: int | None, warm: Callable[[], object] | None) -> None:
    """In each new worker: die with the parent, bound the address space, load what tasks need.

    The limit is the memory a document may take on top of what the worker holds when it starts
    (the interpreter, spaCy, the pipeline), so a small limit still lets the worker start."""
    _die_with_parent(parent)
    if memory is not None:
        limit = _address_space() + memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if warm is not None:
        warm()


def death(exitcode: int | None, limits: Limits) -> str:
    """Why a worker that died while reading a document died, as far as its exit code tells."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        reason = f"killed by {name}"
    else:
        reason = f"exit status {exitcode}"
    hint = (f"; over the {limits.memory_mb} MB memory limit (--max-memory)?" if limits.memory_mb else "")
    return f"the worker reading it died ({reason}){hint}"


class Sandbox:
    """A pool of killable worker processes that run one function per item under the limits."""

    def __init__(self, jobs: int, limits: Limits, warm: Callable[[], object] | None = None) -> None:
        self.jobs = max(1, jobs)
        self.limits = limits
        context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        self.pool = ProcessPool(max_workers=self.jobs, context=context, initializer=_start_worker,
                                initargs=(os.getpid(), limits.memory_bytes, warm))

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.pool.close()
        else:
            self.pool.stop()  # workers are killed, not waited for
        self.pool.join()

    def run(self, function: Callable[[Item], Result], items: Iterable[Item],
            failed: Callable[[Item, str], Result]) -> Iterator[Result]:
        """`function(item)` for each item in a worker, in input order; `failed(item, reason)`
        stands in for an item whose worker passed the time limit or died."""
        pending: deque[tuple[Item, ProcessFuture[Result]]] = deque()
        remaining = iter(items)
        for item in remaining:
            pending.append((item, self.pool.schedule(function, (item,), timeout=self.limits.timeout)))
            if len(pending) < self.jobs * WINDOW_PER_WORKER:
                continue
            yield self._result(*pending.popleft(), failed)
        while pending:
            yield self._result(*pending.popleft(), failed)

    def _result(self, item: Item, future: ProcessFuture[Result], failed: Callable[[Item, str], Result]) -> Result:
        try:
            return future.result()
        except TaskTimeout:
            return failed(item, f"took longer than the {self.limits.timeout:g} s limit per document (--timeout)")
        except ProcessExpired as error:
            return failed(item, death(error.exitcode, self.limits))
        except MemoryError:
            return failed(item, f"needs more than the {self.limits.memory_mb} MB memory limit (--max-memory)")

