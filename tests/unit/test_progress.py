"""`jsna refresh` and `jsna forecast backtest` show the library's steps (jsna.progress): plain lines when
stdout is not a terminal, one live line when it is; the handler is gone afterwards."""

from __future__ import annotations

import io
import logging
import re

from rich.console import Console

from jsna.progress import progress


def test_steps_are_plain_lines_off_a_terminal() -> None:
    """Given stdout that is not a terminal, when the library logs two steps and a debug line inside
    progress(), then the title and each step are one plain line each (no escape codes), the debug line is not
    shown, and after the block nothing more is printed and the logger is as it was."""
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=200)
    lib = logging.getLogger("jsna")
    level, handlers = lib.level, list(lib.handlers)
    with progress(console, "Refreshing"):
        logging.getLogger("jsna.pipeline").info("core model: building %s (%d of %d)", "areas", 1, 12)
        logging.getLogger("jsna.pipeline").debug("not a step")
        logging.getLogger("jsna.forecasting.backtest").warning("run %d failed", 3)
    logging.getLogger("jsna.pipeline").info("after the block")
    lines = out.getvalue().splitlines()
    assert lines[0] == "Refreshing..."
    steps = [re.fullmatch(r"\s*\d+ s  (.*)", line) for line in lines[1:]]
    assert [m.group(1) if m else line for m, line in zip(steps, lines[1:], strict=True)] == [
        "core model: building areas (1 of 12)", "run 3 failed"]
    assert "\x1b" not in out.getvalue()
    assert lib.level == level and lib.handlers == handlers


def test_steps_update_one_live_line_on_a_terminal() -> None:
    """Given a terminal, when the library logs a step, then it is drawn in the live status line (rich's
    cursor-moving frames, cleared at the end), and the handler is removed afterwards."""
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=200)
    lib = logging.getLogger("jsna")
    before = list(lib.handlers)
    with progress(console, "Backtesting"):
        logging.getLogger("jsna.forecasting.backtest").info("backtest: EHC plans")
        handler = lib.handlers[-1]
        shown = []
        handler.show = shown.append  # type: ignore[attr-defined]  # what the status line is given
        logging.getLogger("jsna.forecasting.backtest").info("backtest: special-school placements")
    assert shown == ["backtest: special-school placements"]
    drawn = out.getvalue()
    assert "\x1b[2K" in drawn and "Backtesting" in drawn and "backtest: EHC plans" in drawn
    assert drawn.rstrip().endswith("\x1b[2K") and lib.handlers == before  # the live line is cleared
