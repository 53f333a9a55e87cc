"""No child data in messages (issue 14, point 4): broken child-level files refreshed through the real
Prefect flow leave none of their identifiers in the terminal output, the warehouse (meta, raw, core,
published), PREFECT_HOME, Prefect's database or its result storage.

The corpus, for each child-level kind: the demo county's whole file with a child's name, postcode, NHS
number, id or date of birth typed into the wrong columns of its first rows, a row with an unquoted comma
and its last row cut in half (one refresh that commits, quarantining those rows); and the file without
its header row, so that its first line is a child's record (one refresh each, which fails)."""

from __future__ import annotations

import csv
import io
import logging
import re
import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import throwaway_database, warehouse_env
from tests.unit.sources.test_broken_inputs import MISPLACED, csv_bytes, misplace
from tests.unit.sources.test_case_adapters import FILES, IDENTIFYING

pytestmark = [pytest.mark.db, pytest.mark.flow]

# Tokens as identifiers are written: dates (UK and ISO), postcodes, spaced NHS numbers, then words.
STAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d\.\d{1,6}(?:[+-]\d\d:?\d\d|Z)?")
TOKEN = re.compile(r"\d\d/\d\d/\d{4}|\d{4}-\d\d-\d\d|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}|\d{3} \d{3} \d{4}|[A-Za-z0-9]+")


def tokens(text: str) -> set[str]:
    return set(TOKEN.findall(text))


def rows_of(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def identifiers(rows: list[dict[str, str]]) -> set[str]:
    """Every identifier of the rows as it could be written: ids, UPNs, NHS numbers (plain and spaced),
    names, postcodes (with and without the space), dates of birth (as given and ISO)."""
    out: set[str] = set()
    for r in rows:
        for col in IDENTIFYING:
            v = (r.get(col) or "").strip()
            if not v:
                continue
            out.add(v)
            if col == "NHS Number" and len(v) == 10:
                out.add(f"{v[:3]} {v[3:6]} {v[6:]}")
            if col == "Postcode":
                out.add(v.replace(" ", ""))
            if col == "Date of Birth" and re.fullmatch(r"\d\d/\d\d/\d{4}", v):
                out.add(f"{v[6:]}-{v[3:5]}-{v[:2]}")
    return out


def broken_files(demo_dir: Path, out: Path) -> tuple[dict[str, Path], dict[str, Path], set[str]]:
    """(quarantining file per kind, headerless file per kind, every identifier in them). An identifier
    that is also a value of another column of the delivered files (a date of birth that is some child's
    request date, a surname that is a word of a trust's name) is no evidence of a leak: it is left out."""
    quarantining, headerless, secrets, others = {}, {}, set(), set()
    for kind, (_, rel) in FILES.items():
        header, rows = rows_of(demo_dir / rel)
        others |= tokens(" ".join(v for r in rows for c, v in r.items() if c not in IDENTIFYING))
        rows = misplace(rows[: len(MISPLACED[kind])], kind) + rows[len(MISPLACED[kind]):]
        lines = csv_bytes(header, rows).decode().split("\n")
        lines[10] = lines[10].replace(",", ",,", 1)  # one field too many on line 11
        lines[-2] = lines[-2][: len(lines[-2]) // 2]  # the last row cut in half, no final newline
        quarantining[kind] = out / f"{kind}.csv"
        quarantining[kind].write_text("\n".join(lines[:-1]))
        headerless[kind] = out / f"{kind}_no_header.csv"
        headerless[kind].write_text("\n".join(lines[1:-1]))
        secrets |= identifiers(rows)
    return quarantining, headerless, secrets - others


def config(demo_dir: Path, out: Path, name: str, swap: dict[str, Path]) -> Path:
    """The demo's jsna.toml with absolute paths, each child-level file swapped for its broken one (the
    demo's EHC source back on its bespoke extract, whose broken copies these are)."""
    text = (demo_dir / "jsna.toml").read_text().replace(
        'kind = "sen2_return"\npath = "education/sen2_return_2026.xml"',
        'kind = "ehcp_cases"\npath = "education/ehcp_cases.csv"')
    for kind, (_, rel) in FILES.items():
        if kind in swap:
            text = text.replace(f'path = "{rel}"', f'path = "{swap[kind]}"')
    text = re.sub(r'path = "(?!/)', f'path = "{demo_dir}/', text)
    path = out / name
    path.write_text(text)
    return path


def public_tokens(demo_dir: Path) -> set[str]:
    """Tokens of the demo's public files (postcode directory, schools, places...): a child's postcode is
    in the postcode directory, so these are not evidence of a leak in raw, core and published tables."""
    child = {demo_dir / rel for _, rel in FILES.values()}
    found: set[str] = set()
    for f in demo_dir.rglob("*.csv"):
        if f not in child:
            found |= tokens(f.read_text(encoding="utf-8-sig", errors="replace"))
    return found


def warehouse_text(url: str, schemas: tuple[str, ...]) -> str:
    """Every distinct value of every text, varchar and jsonb column of every table in `schemas`."""
    engine = sa.create_engine(url)
    parts = []
    with engine.connect() as conn:
        cols = conn.execute(sa.text(
            "SELECT c.table_schema, c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) WHERE t.table_type = 'BASE TABLE' "
            "AND c.table_schema = ANY(:s) AND c.data_type IN ('text', 'character varying', 'character', 'jsonb')"),
            {"s": list(schemas)}).all()
        for schema, table, column, dtype in cols:
            expr = f'"{column}"::text' if dtype == "jsonb" else f'"{column}"'
            values = conn.execute(sa.text(f'SELECT DISTINCT {expr} FROM {schema}."{table}" WHERE {expr} IS NOT NULL'
                                          )).scalars().all()
            parts.append("\n".join(values))
    engine.dispose()
    return "\n".join(parts)


def prefect_text() -> tuple[str, list[Path]]:
    """Every file under PREFECT_HOME, Prefect's database folder and its result storage (bytes as
    Latin-1), and every text column of every table of Prefect's SQLite database."""
    import prefect.settings as ps

    db = Path(str(ps.PREFECT_SERVER_DATABASE_CONNECTION_URL.value()).split("///", 1)[1])
    folders = [Path(ps.PREFECT_HOME.value()), db.parent, Path(ps.PREFECT_LOCAL_STORAGE_PATH.value())]
    files = sorted({f for d in folders if d.is_dir() for f in d.rglob("*") if f.is_file()})
    parts = [f.read_bytes().decode("latin-1") for f in files]
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                parts.extend(v for v in row if isinstance(v, str))
                parts.extend(v.decode("latin-1") for v in row if isinstance(v, bytes))
    # Prefect's own timestamps (to the microsecond), whose digits run on into the next field in its binary
    # files ('...42.999520' then '2026-12-07' reads as the token 9995202026): not ours to scan
    return STAMP.sub(" ", "\n".join(parts)), files


def prefect_own_tokens() -> set[str]:
    """Tokens Prefect ships in its own text (its block documentation, registered in its database, holds
    '2016-06-01', an API version): no evidence of a leak."""
    import prefect

    root = Path(prefect.__file__).parent
    return set().union(*(tokens(f.read_text(errors="replace")) for f in root.rglob("*.py")))


def test_broken_child_level_files_leave_no_identifier_anywhere(
    server_url: str, prefect_harness: None, demo_dir: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Given each child-level file of the demo broken as a delivery can be (identifiers in the wrong
    columns, a shifted row, a cut row; or the header row lost), when each is refreshed through the Prefect
    flow into a throwaway warehouse (the quarantining files together, committed; each headerless file on
    its own, failing), then no identifier of any of them is in the terminal output, in any text column of
    meta, raw, core or published, in any file under PREFECT_HOME, Prefect's database or result storage,
    or in any text column of Prefect's database."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    from flows.refresh import refresh
    from jsna.errors import SourceError

    quarantining, headerless, secrets = broken_files(demo_dir, tmp_path)
    assert len(secrets) > 50_000
    # what Prefect's console handler prints, as records (its stream may be a capture an earlier test left)
    printed = io.StringIO()
    echo = logging.StreamHandler(printed)
    logging.getLogger("prefect").addHandler(echo)
    with throwaway_database(server_url) as url, warehouse_env(url):
        summary = refresh(config=str(config(demo_dir, tmp_path, "quarantining.toml", quarantining)))
        assert summary["new_files"] > 4
        for kind, path in headerless.items():
            with pytest.raises(SourceError, match=rf"{kind}_no_header\.csv: no header row .* line 1 has \d+ filled"):
                refresh(config=str(config(demo_dir, tmp_path, f"{kind}.toml", {**quarantining, kind: path})))
        # logs and events reach Prefect's database before it is read (in a thread: no event loop there)
        drain = threading.Thread(target=lambda: (APILogWorker.drain_all(timeout=60),
                                                 EventsWorker.drain_all(timeout=60)))
        drain.start()
        drain.join()
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            quarantined = conn.execute(sa.text(
                "SELECT f.kind, count(*) FROM meta.quarantine q JOIN meta.files f USING (file_id) "
                "WHERE f.kind IN ('ehcp_cases', 'waiting_list', 'advice_returns', 'social_care_cases') "
                "GROUP BY f.kind")).all()
            failed = conn.execute(sa.text("SELECT count(*) FROM meta.runs WHERE status = 'failed' "
                                          "AND message LIKE '%no header row%'")).scalar_one()
        engine.dispose()
        assert {k: n >= len(MISPLACED[k]) + 2 for k, n in quarantined} == dict.fromkeys(FILES, True)
        assert failed == len(FILES)
        meta = warehouse_text(url, ("meta",))
        public = warehouse_text(url, ("raw", "core", "published"))
    logging.getLogger("prefect").removeHandler(echo)
    captured = capfd.readouterr()
    terminal = type(captured)(captured.out + printed.getvalue(), captured.err)
    prefect, files = prefect_text()
    assert any(f.suffix == ".db" for f in files)
    assert "no header row" in terminal.out + terminal.err and "no header row" in prefect  # the failures were seen

    leaks = {
        "terminal": tokens(terminal.out + terminal.err) & secrets,
        "meta": tokens(meta) & secrets,
        "raw, core, published": tokens(public) & (secrets - public_tokens(demo_dir)),
        "prefect": tokens(prefect) & (secrets - prefect_own_tokens()),
    }
    haystacks = {"terminal": terminal.out + terminal.err, "meta": meta, "raw, core, published": public,
                 "prefect": prefect}
    where = {k: [haystacks[k][max(0, haystacks[k].find(v) - 60):haystacks[k].find(v) + 60] for v in sorted(found)[:3]]
             for k, found in leaks.items() if found}
    assert not any(leaks.values()), where
