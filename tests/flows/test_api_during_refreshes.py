"""The read API while refreshes publish (issue 19): two `jsna refresh` started at once on the tiny demo, each with
its own next waiting list, while client threads read a figure that both change from a real `jsna api` server. The
second is refused with the refresh lock's sentence and, run again once the first has finished, publishes too (then a
third refresh puts the demo's own list back); every response names one run and carries that run's figures; none
fails but with the documented 503 and Retry-After."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
import sqlalchemy as sa

from tests.integration.test_api import REPO, serving

pytestmark = [pytest.mark.db, pytest.mark.flow]

INDICATOR = "referrals_rate"  # health: read from the waiting list, which is all each refresh changes
REFUSED = "Another refresh is running on this warehouse; wait for it to finish."


def delivery(tiny_dir: Path, folder: Path, drop_every: int) -> Path:
    """The tiny demo with its waiting list delivered again, every `drop_every`-th referral from the fourth gone (a
    list no other test delivers: one landed already would not be new to the tests that count new files)."""
    shutil.copytree(tiny_dir, folder)
    waits = folder / "health" / "waiting_list.csv"
    rows = pd.read_csv(waits, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    rows.drop(index=rows.index[3::drop_every]).to_csv(waits, index=False, encoding="utf-8-sig")
    return folder / "jsna.toml"


def published_figures(reader: sa.Engine) -> tuple[int, list[tuple[Any, ...]]]:
    """The run published.build names and the indicator's published figures, read in one snapshot."""
    with reader.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            run = conn.execute(sa.text("SELECT run_id FROM published.build")).scalar_one()
            figures = conn.execute(sa.text(
                "SELECT area_level, area_code, period, breakdown, value, symbol FROM published.indicator_values "
                "WHERE indicator_id = :i ORDER BY period, area_level, area_code, breakdown"), {"i": INDICATOR}).all()
    return int(run), [tuple(r) for r in figures]


class Readers:
    """Client threads, each with its own keep-alive connection, reading the indicator's figures until stopped:
    every response's status, Retry-After, the run its header and body name, and its figures."""

    def __init__(self, base_url: str, threads: int = 3) -> None:
        self.base_url, self.seen, self.stop = base_url, [], threading.Event()
        self.guard = threading.Lock()
        self.threads = [threading.Thread(target=self.read, daemon=True) for _ in range(threads)]

    def read(self) -> None:
        deadline = time.monotonic() + 600  # bounded, whatever happens to the refreshes
        with httpx.Client(base_url=self.base_url, timeout=60) as client:
            while not self.stop.is_set() and time.monotonic() < deadline:
                got = client.get("/figures", params={"indicator": INDICATOR, "limit": 10000})
                seen: dict[str, Any] = {"status": got.status_code, "retry": got.headers.get("retry-after")}
                if got.status_code != 200:
                    seen["detail"] = got.text[:300]
                else:
                    body = got.json()
                    seen.update(header=int(got.headers["x-jsna-run"]), run=body["run"]["run_id"], figures=[
                        (r["area_level"], r["area_code"], r["period"], r["breakdown"], r["value"], r["symbol"])
                        for r in body["rows"]])
                with self.guard:
                    self.seen.append(seen)
                time.sleep(0.05)  # steady reading, leaving the refreshes the machine's cores

    def __enter__(self) -> Readers:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=90)


def test_two_refreshes_at_once_and_readers_never_see_a_mix_of_runs(threaded_refreshed: dict, tiny_dir: Path,
                                                                   tmp_path: Path) -> None:
    """Given the tiny demo published and readers reading the API throughout, when two `jsna refresh` start at the
    same moment on two next waiting lists, then one runs and the other is refused at once with the lock's sentence
    (the deployment itself queues them: concurrency limit one); run again after the first, it publishes too, and so
    does a third back to the demo's own list. Every response is 200, naming a run in header and body with exactly
    that run's figures, or 503 with Retry-After; the readers saw the four runs, each delivery's figures its own."""
    from prefect.settings import PREFECT_API_URL

    from jsna.config import Settings
    from jsna.warehouse.engine import get_engine, reader_url

    url = str(threaded_refreshed["url"])
    reader = get_engine(reader_url(Settings(database_url=url)))
    configs = {"a": delivery(tiny_dir, tmp_path / "a", 8), "b": delivery(tiny_dir, tmp_path / "b", 9)}
    base_run, base_figures = published_figures(reader)
    truth = {base_run: base_figures}

    def start(config: Path) -> subprocess.Popen[str]:
        env = {**os.environ, "JSNA_DATABASE_URL": url, "PREFECT_HOME": str(tmp_path / f"prefect_{config.parent.name}"),
               "PREFECT_API_URL": str(PREFECT_API_URL.value()), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        return subprocess.Popen([sys.executable, "-m", "jsna.cli", "refresh", "--config", str(config)],
                                env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    with serving(url) as api, Readers(str(api.base_url)) as readers:
        procs = {name: start(config) for name, config in configs.items()}
        outputs = {name: proc.communicate(timeout=600)[0] for name, proc in procs.items()}
        codes = {name: proc.returncode for name, proc in procs.items()}
        assert sorted(codes.values()) == [0, 1], outputs
        second = max(codes, key=codes.__getitem__)  # the one refused
        assert REFUSED in outputs[second] and "Error:" in outputs[second], outputs[second]
        run, figures = published_figures(reader)
        truth[run] = figures
        for config in (configs[second], tiny_dir / "jsna.toml"):  # then back to the demo's own files, as the
            again = start(config)  # group's other tests expect the last build
            output = again.communicate(timeout=600)[0]
            assert again.returncode == 0, output
            run, figures = published_figures(reader)
            truth[run] = figures
        time.sleep(1.0)  # the last run read for a moment too
    assert len(truth) == 4 and len({tuple(f) for f in truth.values()}) == 3, "each delivery publishes its figures"
    assert truth[max(truth)] == base_figures
    with reader.connect() as conn:
        ended = conn.execute(sa.text("SELECT run_id, status FROM published.runs WHERE run_id > :r ORDER BY run_id"),
                             {"r": base_run}).all()
    assert [tuple(r) for r in ended] == [(r, "succeeded") for r in sorted(truth) if r != base_run]  # none refused

    answered = [s for s in readers.seen if s["status"] == 200]
    refused = [s for s in readers.seen if s["status"] != 200]
    assert all(s["status"] == 503 and s["retry"] for s in refused), refused[:3]
    assert all(s["header"] == s["run"] for s in answered)
    mixed = [s["run"] for s in answered if s["figures"] != [tuple(f) for f in truth[s["run"]]]]
    assert not mixed, f"{len(mixed)} of {len(answered)} responses hold figures other than their run's: {mixed[:5]}"
    assert {s["run"] for s in answered} == set(truth)  # each run read, before and after each commit
