"""Answers kept per run (jsna.api.cache): computed once per run and key, never served to another run, bounded."""

from __future__ import annotations

from datetime import UTC, datetime

from jsna.api.cache import PerRun
from jsna.api.snapshot import Run


def test_an_answer_is_computed_once_per_run_and_never_given_to_another() -> None:
    """Given answers kept for run 1, then asking again in run 1 computes nothing; run 2, or run 1 of a warehouse
    built anew (another start), computes its own; past `size` the least recently asked goes."""
    started = datetime(2026, 12, 1, tzinfo=UTC)
    one, two, anew = Run(1, started, "v"), Run(2, started, "v"), Run(1, datetime(2026, 12, 2, tzinfo=UTC), "v")
    kept: PerRun[str] = PerRun(size=2)
    computed: list[tuple[int, str]] = []

    def ask(run: Run, key: str) -> str:
        return kept.get(run, key, lambda: computed.append((run.run_id, key)) or f"{run.run_id}:{key}")

    assert [ask(one, "a"), ask(one, "a"), ask(two, "a"), ask(anew, "a")] == ["1:a", "1:a", "2:a", "1:a"]
    assert computed == [(1, "a"), (2, "a"), (1, "a")]
    ask(two, "a")  # asked lately: kept, while run 1's first answer was dropped for the third
    assert len(computed) == 3
    ask(one, "a")
    assert len(computed) == 4
