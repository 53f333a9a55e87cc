"""Bounded resources (issue 14, point 8): a file over JSNA_MAX_FILE_BYTES, or with a line over
JSNA_MAX_LINE_BYTES (a flood of NUL bytes is one endless line), is refused before it is read, with one
sentence naming the file, what broke the limit and the limit, in `jsna sources check` and in a refresh.
Large files are sparse (os.truncate), so they cost no disk and no time to write."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[2]
GB = 1024**3
HEADER = b"Referral ID,NHS Number,Date of Birth,Pathway,Referral Date,Postcode\n"
ROW = b"R00000001,9995766957,28/10/2010,ASC,01/01/2015,XJ1 3YU\n"
IMD_HEADER = b"LSOA code (2011),Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile\n"
IMD_ROW = b"E01000001,29199,10\n"


def config(folder: Path, kind: str, file: Path) -> Path:
    path = folder / "jsna.toml"
    path.write_text(f'[project]\nname = "Limits"\narea_code = "X10000001"\ndemo = true\n\n'
                    f'[[sources]]\nname = "delivery"\nkind = "{kind}"\npath = "{file.name}"\n')
    return path


def nul_flood(path: Path, size: int, header: bytes = HEADER, row: bytes = ROW) -> Path:
    """A header, one row, then NUL bytes up to `size` (sparse: no disk is written for them)."""
    path.write_bytes(header + row)
    os.truncate(path, size)
    return path


def jsna(*args: str, env: dict[str, str]) -> tuple[int, str, str, int]:
    """Run the CLI; (exit code, stdout, stderr, the process's peak resident memory in MB). GNU time
    measures it: a process forked straight from this one would report this one's size as its peak."""
    with tempfile.NamedTemporaryFile("r") as rss:
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, sys.executable, "-m", "jsna.cli", *args],
                              capture_output=True, text=True, cwd=REPO, env={**os.environ, "COLUMNS": "200", **env},
                              timeout=300)
        return proc.returncode, proc.stdout, proc.stderr, int(rss.read().split()[-1]) // 1024


def one_sentence(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def test_a_nul_flood_is_refused_by_sources_check(tmp_path: Path) -> None:
    """Given a waiting list of a header, one row and 4 MB of NUL bytes, and the line limit lowered to
    64 KB, when `jsna sources check` reads it, then it exits 1 with one sentence naming the file, the
    line (3) and the limit, and never holds the file in memory."""
    flood = nul_flood(tmp_path / "waiting_list.csv", 4 * 1024**2)
    code, _, stderr, _ = jsna("sources", "check", "--config", str(config(tmp_path, "waiting_list", flood)),
                              env={"JSNA_MAX_LINE_BYTES": "65536"})
    assert code == 1
    assert one_sentence(stderr) == (
        f"Error: 1 of 1 sources cannot be loaded: {flood}: line 3 is longer than the limit of 64.0 KB (65,536 bytes) "
        f"(JSNA_MAX_LINE_BYTES), so the file was not read; is it damaged (a run of NUL bytes, say) or not a "
        f"delimited text file?")


def test_a_long_nul_flood_is_refused_at_the_default_line_limit_in_bounded_memory(tmp_path: Path) -> None:
    """Given a header, one row and NUL bytes to 1.5 GB (under the 2 GB size limit; today's reader took
    several times the file's size in memory for such a file), when `jsna sources check` reads it with the
    default limits, then line 3 is refused at the 1 MB line limit, and the process never grows past
    what it needs to start (well under the file's size)."""
    flood = nul_flood(tmp_path / "waiting_list.csv", 3 * GB // 2)
    code, _, stderr, peak_mb = jsna("sources", "check", "--config", str(config(tmp_path, "waiting_list", flood)),
                                    env={})
    assert code == 1
    assert f"{flood}: line 3 is longer than the limit of 1.0 MB (1,048,576 bytes) (JSNA_MAX_LINE_BYTES)" in (
        one_sentence(stderr))
    assert peak_mb < 600, f"peak {peak_mb} MB"


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    """Given a (sparse) file one byte over the default 2 GB limit, when `jsna sources check` reads it,
    then it is refused from its size alone, in one sentence naming the file, its size and the limit."""
    big = nul_flood(tmp_path / "waiting_list.csv", 2 * GB + 1)
    code, _, stderr, peak_mb = jsna("sources", "check", "--config", str(config(tmp_path, "waiting_list", big)),
                                    env={})
    assert code == 1
    assert one_sentence(stderr) == (
        f"Error: 1 of 1 sources cannot be loaded: {big}: the file is 2.0 GB (2,147,483,649 bytes), over the limit "
        f"of 2.0 GB (2,147,483,648 bytes) (JSNA_MAX_FILE_BYTES), so it was not read.")
    assert peak_mb < 600, f"peak {peak_mb} MB"


def test_the_size_limit_is_a_setting(tmp_path: Path) -> None:
    """Given a valid 2-row-sized file and JSNA_MAX_FILE_BYTES set below its size, then it is refused;
    a gzip that decompresses past the limit is refused too, without being decompressed whole."""
    import gzip

    small = tmp_path / "imd.csv"
    small.write_bytes(IMD_HEADER + IMD_ROW)
    code, _, stderr, _ = jsna("sources", "check", "--config", str(config(tmp_path, "imd", small)),
                              env={"JSNA_MAX_FILE_BYTES": "100"})
    assert code == 1
    assert "imd.csv: the file is 120 bytes, over the limit of 100 bytes (JSNA_MAX_FILE_BYTES)" in one_sentence(stderr)
    bomb = tmp_path / "imd.csv.gz"
    with gzip.open(bomb, "wb") as f:
        f.write(IMD_HEADER)
        for _ in range(64):
            f.write(IMD_ROW * 50_000)  # 64 x 1 MB of rows, a few KB compressed
    assert bomb.stat().st_size < 1024**2  # far under the limit until decompressed
    code, _, stderr, _ = jsna("sources", "check", "--config", str(config(tmp_path, "imd", bomb)),
                              env={"JSNA_MAX_FILE_BYTES": str(16 * 1024**2)})
    assert code == 1
    assert f"{bomb}: the file decompresses to more than 16.0 MB (16,777,216 bytes) (JSNA_MAX_FILE_BYTES)" in (
        one_sentence(stderr))


@pytest.mark.db
@pytest.mark.flow
def test_a_refresh_refuses_both_and_leaves_the_warehouse_as_it_was(warehouse_url: str, prefect_harness: None,
                                                                   tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Given a deprivation file with a NUL flood (line limit lowered to 64 KB), then a sparse file over the
    size limit (lowered to 1 MB), when each is refreshed through the Prefect flow, then each refresh fails
    with the sentence, the flood's run is recorded as failed with it, and no file was landed."""
    from flows.refresh import refresh
    from jsna.errors import SourceError

    monkeypatch.setenv("JSNA_MAX_LINE_BYTES", "65536")
    monkeypatch.setenv("JSNA_MAX_FILE_BYTES", str(8 * 1024**2))
    engine = sa.create_engine(warehouse_url)
    with engine.connect() as conn:
        files_before = conn.execute(sa.text("SELECT count(*) FROM meta.files")).scalar_one()
    flood = nul_flood(tmp_path / "imd.csv", 4 * 1024**2, IMD_HEADER, IMD_ROW)
    with pytest.raises(SourceError, match=r"imd\.csv: line 3 is longer than the limit of 64\.0 KB"):
        refresh(config=str(config(tmp_path, "imd", flood)))
    with engine.connect() as conn:
        status, message = conn.execute(sa.text(
            "SELECT status, message FROM meta.runs ORDER BY run_id DESC LIMIT 1")).one()
    assert status == "failed" and f"{flood}: line 3 is longer than the limit" in message

    big = tmp_path / "big"
    big.mkdir()
    huge = nul_flood(big / "imd.csv", 9 * 1024**2, IMD_HEADER, IMD_ROW)
    with pytest.raises(SourceError, match=r"imd\.csv: the file is 9\.0 MB \(9,437,184 bytes\), over the limit of "
                                          r"8\.0 MB"):
        refresh(config=str(config(big, "imd", huge)))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM meta.files")).scalar_one() == files_before
    engine.dispose()
