"""Issue 14, point 9 (refresh): jsna.toml and the settings are checked before Prefect starts, and a failed
`jsna refresh` prints one sentence on the terminal, no traceback: Prefect's output, tracebacks included, goes to a
log file under data/logs named in that sentence. (The 1,500-row extract that used to stop the refresh with an
IndexError is refreshed in test_shrink_guard.py; the cause is tested in tests/unit/forecasting/test_transition.py.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.flows.test_refresh_flow import published_snapshot, raw_counts

REPO = Path(__file__).resolve().parents[2]

# `jsna refresh ARGS` in a fresh interpreter, then whether Prefect was imported
IN_PROCESS = """import sys
from jsna import cli
sys.argv = ["jsna", "refresh", *sys.argv[1:]]
try:
    cli.main()
finally:
    print("prefect imported" if "prefect" in sys.modules else "prefect not imported")
"""

PROJECT = '[project]\nname = "Somewhere"\narea_code = "{code}"\n{demo}\n'
DEMO, REAL = PROJECT.format(code="X10000001", demo="demo = true"), PROJECT.format(code="E10000014", demo="")
CASES = '\n[[sources]]\nname = "cases"\nkind = "ehcp_cases"\npath = "{path}"\n'
CASE_FILE = CASES.format(path="cases.csv")

BAD = {  # what is wrong: (jsna.toml, extra arguments, environment, what the sentence says)
    "demo with a real area": (REAL + "demo = true\n" + CASE_FILE, [], {},
                              "names the real area E10000014, but demo = true"),
    "a misspelt setting": (DEMO + "[refresh]\nmin_shar = 0.4\n" + CASE_FILE, [], {},
                           "refresh.min_shar: Extra inputs are not permitted"),
    "a missing file": (DEMO + CASES.format(path="nope.csv"), [], {},
                       "nope.csv: declared as source 'cases' but does not exist."),
    "a short key": (REAL + CASE_FILE, [], {"JSNA_PSEUDONYM_KEY": "short-key"},
                    "JSNA_PSEUDONYM_KEY is 9 bytes long but must be at least 32"),
    "an unknown source to accept": (DEMO + CASE_FILE, ["--accept-shrink", "nope"], {},
                                    "--accept-shrink nope: "),
}


@pytest.mark.parametrize("bad", list(BAD))
def test_a_bad_configuration_stops_the_refresh_before_prefect_starts(tmp_path: Path, bad: str) -> None:
    """Given a jsna.toml (or key, or option) that cannot be refreshed, when `jsna refresh` runs, then it exits 1
    with one sentence saying what is wrong, and Prefect was never imported (let alone started)."""
    toml, args, env, says = BAD[bad]
    (tmp_path / "cases.csv").write_text("Child ID,Request Date\n", encoding="utf-8")
    (tmp_path / "jsna.toml").write_text(toml, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", IN_PROCESS, "--config", str(tmp_path / "jsna.toml"), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=300,
                          env={**os.environ, "JSNA_PSEUDONYM_KEY": "", **env})
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.strip() == "prefect not imported"
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and says in lines[0], proc.stderr


@pytest.mark.db
@pytest.mark.flow
def test_a_failed_refresh_prints_one_sentence_and_logs_the_details(refreshed: dict, warehouse_url: str,
                                                                   demo_dir: Path, tmp_path: Path) -> None:
    """Given the demo refreshed and a delivery whose case file is of the wrong kind, when `jsna refresh` runs,
    then the terminal shows exactly one sentence (the file, what is wrong, and the log), no traceback and none of
    Prefect's lines; the log holds Prefect's record of the failure with its traceback; published is unchanged."""
    from prefect.settings import PREFECT_API_URL

    from jsna.warehouse.engine import loader_url

    broken = tmp_path / "demo"
    shutil.copytree(demo_dir, broken)
    (broken / "education" / "ehcp_cases.csv").write_text("urn,name\n1,x\n", encoding="utf-8")
    config = broken / "jsna.toml"  # the EHC source delivered as the bespoke extract, broken
    config.write_text(config.read_text().replace('kind = "sen2_return"\npath = "education/sen2_return_2026.xml"',
                                                 'kind = "ehcp_cases"\npath = "education/ehcp_cases.csv"'))
    engine = sa.create_engine(warehouse_url)
    before, raw_before = published_snapshot(engine), raw_counts(engine)
    env = {**os.environ, "JSNA_DATABASE_URL": warehouse_url, "JSNA_DATA_DIR": str(tmp_path / "data"),
           "JSNA_LOADER_DATABASE_URL": loader_url(),  # its password is in the warehouse's data dir, not this one
           "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": str(PREFECT_API_URL.value()),
           "PREFECT_LOGGING_LEVEL": "INFO"}
    env.pop("JSNA_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "jsna.cli", "refresh", "--config", str(broken / "jsna.toml")],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=600)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    said = re.fullmatch(r"Error: (\S+) no header row with the expected columns .*; is it the right kind of file.*\? "
                        r"\(details in (\S+)\)", lines[0])
    assert said and said.group(1) == f"{broken / 'education' / 'ehcp_cases.csv'}:", lines[0]
    assert "Traceback" not in proc.stdout + proc.stderr and "Flow run" not in proc.stdout + proc.stderr
    log = Path(said.group(2))
    assert log.parent == tmp_path / "data" / "logs" and log.name.startswith("refresh-")
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "Flow run" in text
    assert "jsna.sources.base.LayoutError: " in text  # a SourceError: the file is not laid out as its kind's
    assert published_snapshot(engine) == before and raw_counts(engine) == raw_before
    engine.dispose()
