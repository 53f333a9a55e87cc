"""Answers kept per run: a refresh replaces the published tables whole (one swap, a new published.build), so what a
statement gives in one run's snapshot, e.g. an indicator's coverage (a scan of its every published figure), is the
same for every later snapshot of that run. Keyed on the run (id and start) and bounded; a server process's own."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

from jsna.api.snapshot import Run

T = TypeVar("T")


class PerRun(Generic[T]):
    """At most `size` answers, the least recently used going first (an earlier run's, once no one asks for them)."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[Run, Hashable], T] = OrderedDict()
        self._lock = Lock()

    def get(self, run: Run, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer for `key` in `run`: kept, or computed now (in the caller's snapshot of that run) and kept."""
        with self._lock:
            if (run, key) in self._kept:
                self._kept.move_to_end((run, key))
                return self._kept[(run, key)]
        answer = compute()  # outside the lock: two first askers may both compute it, and get the same
        with self._lock:
            self._kept[(run, key)] = answer
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return answer
