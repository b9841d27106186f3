"""Process pools for work that splits into independent pieces (lessons, scenarios).

Results come back in the order the work went in, so a pooled run gives the serial result.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def size(jobs: int, pieces: int, minimum: int) -> int:
    """Processes worth starting: at most `jobs` and the CPUs, one per `minimum` pieces (a pool
    costs more to start than a few pieces cost to do)."""
    return max(1, min(jobs, os.cpu_count() or 1, pieces // minimum))


def ordered_map(
    work: Callable[..., Result], *items: Iterable[Item], processes: int, pieces: int
) -> Iterator[Result]:
    """`map(work, *items)` in `processes` processes (in this one when that is 1). Results come
    as they are done, in order, so the caller works on the first while the pool makes the
    rest; the pool closes when the last is taken (or the iterator is dropped)."""
    if processes <= 1:
        return map(work, *items)
    return _pooled(work, items, processes, _chunk(pieces, processes))


def _pooled(
    work: Callable[..., Result], items: tuple[Iterable[Item], ...], processes: int, chunk: int
) -> Iterator[Result]:
    with ProcessPoolExecutor(processes, mp_context=context()) as pool:
        yield from pool.map(work, *items, chunksize=chunk)


def _chunk(pieces: int, processes: int) -> int:
    """Eight chunks a process: few enough to cost little, enough to end together."""
    return max(1, pieces // (processes * 8))


class Warm:
    """A pool started before its work is known: its workers run `initializer` (loading what
    the work will need) while this process goes on with something else."""

    def __init__(self, processes: int, initializer: Callable[[], object]) -> None:
        self.processes = processes
        self._pool = ProcessPoolExecutor(processes, mp_context=context(), initializer=initializer)
        self._pool.submit(int)  # a fork pool starts all its workers at its first task

    def map(self, work: Callable[[Item], Result], items: list[Item]) -> Iterator[Result]:
        """`map(work, items)` in the pool, results in order as they come."""
        chunk = _chunk(len(items), self.processes)
        return self._pool.map(work, items, chunksize=chunk)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def context() -> multiprocessing.context.BaseContext:
    """fork where there is one: workers start at once, with the modules already imported."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")
