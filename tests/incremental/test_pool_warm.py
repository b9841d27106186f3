"""pool.Warm: workers that start, and load, before their work is known."""

from __future__ import annotations

import os

import pytest

from pipeline import pool

_LOADED: list[int] = []


def _load() -> None:
    _LOADED.append(os.getpid())


def _where(item: int) -> tuple[int, int, bool]:
    """The item squared, the worker's pid and whether the initializer ran in this worker."""
    return item * item, os.getpid(), [os.getpid()] == _LOADED


def test_workers_load_first_then_map_in_order() -> None:
    if (os.cpu_count() or 1) < 2:
        pytest.skip("a pool needs two CPUs")
    warm = pool.Warm(2, _load)
    try:
        results = list(warm.map(_where, list(range(50))))
    finally:
        warm.close()
    assert [square for square, _, _ in results] == [n * n for n in range(50)]
    assert all(loaded for _, _, loaded in results)  # every worker ran the initializer first
    assert os.getpid() not in {pid for _, pid, _ in results}  # and the work left this process
    assert _LOADED == []  # the initializer never ran here
