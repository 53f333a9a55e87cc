"""What a long command is doing, from the library's own log lines (`logging`, logger "jsna"): on a terminal one
live line (rich) with the current step and the time so far; otherwise (a pipe, a log file, cron) one plain line
per step. Log lines name steps, sources and counts, never a record's content."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext

from rich.console import Console
from rich.markup import escape


class _Steps(logging.Handler):
    """Hands each log line of the library (INFO and above) to `show`."""

    def __init__(self, show: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self.show = show

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.show(record.getMessage())
        except Exception:  # a display problem never stops the work
            self.handleError(record)


@contextmanager
def progress(console: Console, title: str, logger: str = "jsna") -> Iterator[None]:
    """Show the steps the library logs while the block runs: a live status line on a terminal (stdout a TTY),
    plain timestamped lines otherwise."""
    lib = logging.getLogger(logger)
    level, started = lib.level, time.perf_counter()
    lib.setLevel(logging.INFO)

    def elapsed() -> str:
        return f"{time.perf_counter() - started:4.0f} s"

    with console.status(f"{title}...") if console.is_terminal else nullcontext() as status:
        if status is not None:
            show = lambda m: status.update(f"{escape(title)} [dim]{elapsed()}[/dim] {escape(m)}")  # noqa: E731
        else:
            console.print(f"{title}...", highlight=False, markup=False)
            show = lambda m: console.print(f"{elapsed()}  {m}", highlight=False, markup=False,  # noqa: E731
                                           soft_wrap=True)
        handler = _Steps(show)
        lib.addHandler(handler)
        try:
            yield
        finally:
            lib.removeHandler(handler)
            lib.setLevel(level)
