"""Shared pieces of the property tests: one settings profile and a per-example hang guard.

Imported as `properties.support` (tests/ is on pytest's pythonpath). The profile is applied per
test (`@property_settings(n)`), not loaded globally, so the other suites keep their own
hypothesis settings; `derandomize=True` makes every run try the same examples, so a failure in
CI is a failure on every machine.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, settings

HANG_SECONDS = 10  # far above any example's real cost (tens of milliseconds)


class Hang(BaseException):
    """An example ran past its time limit. A BaseException, so that the pipeline's
    `except Exception` guards (which turn bugs into diagnostics) cannot swallow it."""


@contextmanager
def time_limit(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Raise Hang in this (the main) thread if the block takes longer than `seconds`."""

    def on_alarm(signum: int, frame: object) -> None:
        raise Hang(f"no outcome within {seconds} s: the input made the pipeline hang")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def property_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,  # derandomized runs need no example database; CI stays read-only
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
