"""What the operations team sees of a refresh in Prefect: run names saying what is refreshed and when, the
library's step log lines in the run's log, the pseudonymisation key from a Secret block, and a Markdown summary
artifact for every run (failed ones included)."""

from __future__ import annotations

import logging
import os
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from prefect.artifacts import create_markdown_artifact
from prefect.exceptions import MissingContextError
from prefect.logging import get_run_logger
from prefect.runtime import flow_run

SECRET_BLOCK = "jsna-pseudonym-key"  # a Prefect Secret block holding JSNA_PSEUDONYM_KEY for the worker
SUMMARY_KEY = "refresh-summary"


# -- run names --------------------------------------------------------------------------------------------
def _project_name(config: str | None) -> str:
    path = Path(config or os.environ.get("JSNA_CONFIG") or "jsna.toml")
    try:
        return str(tomllib.loads(path.read_text(encoding="utf-8"))["project"]["name"])
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        return path.stem


def run_name(prefix: str = "refresh") -> str:
    """'refresh Demoshire 2026-12-07 07:30 UTC': the project named in the run's jsna.toml and the time it was
    scheduled to start (now for a run started by hand)."""
    when = flow_run.scheduled_start_time or datetime.now(UTC)
    stamp = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{prefix} {_project_name(flow_run.parameters.get('config'))} {stamp}"


def refresh_name() -> str:
    return run_name("refresh")


def refresh_run_name() -> str:
    return run_name("refresh run")


# -- the library's log lines in the run's log ----------------------------------------------------------------
class RunLogHandler(logging.Handler):
    """Forwards the library's log records (logger 'jsna') to the Prefect run logger of the thread's current flow
    or task run, so that Prefect's UI shows what a long refresh is doing; outside a run it does nothing."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            logger = get_run_logger()
        except MissingContextError:
            return
        logger.log(record.levelno, "%s", record.getMessage())


def forward_library_logs() -> None:
    """Attach one RunLogHandler to the 'jsna' logger (INFO and above) in this process; called again, nothing."""
    lib = logging.getLogger("jsna")
    if not any(isinstance(h, RunLogHandler) for h in lib.handlers):
        lib.addHandler(RunLogHandler(logging.INFO))
    if lib.level == logging.NOTSET or lib.level > logging.INFO:
        lib.setLevel(logging.INFO)


# -- the pseudonymisation key -----------------------------------------------------------------------------------
def pseudonym_key_from_secret() -> None:
    """Where the worker's environment has no JSNA_PSEUDONYM_KEY, take it from the Prefect Secret block
    'jsna-pseudonym-key' if one exists (into this flow run's process only; never logged, never a result)."""
    if os.environ.get("JSNA_PSEUDONYM_KEY"):
        return
    from prefect.blocks.system import Secret

    try:
        secret = cast(Secret[str], Secret.load(SECRET_BLOCK))  # called from a sync flow: the block itself
    except ValueError:  # no such block: the key, if needed, must be in the environment
        return
    value = secret.get()
    if value:
        os.environ["JSNA_PSEUDONYM_KEY"] = str(value)


# -- the summary artifact ------------------------------------------------------------------------------------
def summary_artifact(markdown: str, description: str) -> None:
    """The run's Markdown summary, under one key so that Prefect keeps the history of refreshes."""
    create_markdown_artifact(key=SUMMARY_KEY, markdown=markdown, description=description)
