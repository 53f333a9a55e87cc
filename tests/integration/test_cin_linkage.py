"""The CIN census return in the warehouse (real PostGIS): a small return and a case-level EHC plan extract
whose children carry UPNs and no NHS number are read by their adapters, landed, and built into core by
the real SQL (sql/core/ehcp_cases, cin_episodes, cin_children); the cross-service indicators are checked
against a count by hand; no identifier of the return reaches any table."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from jsna.indicators import cin
from jsna.indicators.inputs import Inputs
from jsna.sources import cin_census_return, ehcp_cases
from jsna.warehouse.copy import copy_frame
from jsna.warehouse.sqlfiles import execute_file, query_frame
from tests.unit.test_cin_census_return import child, context, episode, write

pytestmark = pytest.mark.db

SCHEMA = "scratch_cin"
A, B, UTLA = "X07000001", "X07000002", "X10000001"
LOOKUP = pd.DataFrame({"lsoa_code": ["X01000001", "X01000002", "X01000003"], "vintage": 2021,
                       "msoa_code": None, "lad_code": [A, A, B], "utla_code": UTLA, "region_code": None})
# Plans (UPN, no NHS number): 01 A, 02 A, 04 B in force in the year to 31 March 2025; 03 ceased before
# 1 April 2024; 05 never issued; 06 issued after 31 March 2025.
EHCP = """Child ID,UPN,Date of Birth,Sex,Request Date,Decision,Final Issue Date,Ceased Date,LSOA
P1,X000000000001,04/03/2012,M,01/01/2023,Assess,01/05/2023,,X01000001
P2,X000000000002,05/05/2011,F,01/02/2024,Assess,01/06/2024,,X01000002
P3,X000000000003,02/01/2010,M,01/06/2021,Assess,10/01/2022,01/02/2024,X01000003
P4,X000000000004,09/09/2013,M,01/04/2024,Assess,01/09/2024,,X01000003
P5,X000000000005,09/09/2014,F,01/03/2025,,,,X01000002
P6,X000000000006,09/09/2015,F,01/12/2024,Assess,01/05/2025,,X01000003
"""
CHILDREN = [
    child("C1", "X000000000001", "2012-03-04", ["AUT"], episode("2024-05-01")),           # plan A, in need, disabled
    child("C2", "X000000000002", "2011-05-05", ["NONE"], episode("2023-01-01", "2024-03-15")),  # plan A, closed before
    child("C3", "X000000000003", "2010-01-02", ["LD"], episode("2024-10-01", "2024-10-05", nfa=True)),  # NFA
    child("C4", "X000000000004", "2013-09-09", ["MOB"], episode("2025-01-10")),           # plan B, in need, disabled
    child("C5", None, "2019-02-02", ["NONE"], episode("2024-07-01", "2024-12-01")),        # no plan, unplaced
    child("C6", "X000000000007", "2016-06-06", ["HEAR"], episode("2024-04-01")),          # no plan, unplaced, disabled
    child("C7", "X000000000008", "2014-08-08", ["NONE"], episode("2024-06-01")),          # no plan, home in B
    child("C8", "X000000000009", "2012-12-12", ["XYZ"], episode("2024-06-01")),           # quarantined
]
SECRETS = {"X000000000001", "X000000000002", "X000000000003", "X000000000004", "X000000000007", "X000000000008",
           "X000000000009", "X000000000099", "Zebedee", "Quillfeather", "2012-03-04", "2011-05-05", "2010-01-02",
           "2013-09-09", "2019-02-02", "2016-06-06", "2014-08-08", "2012-12-12", "C1", "C5", "C8", "XA1 1AA"}


def _land(conn: sa.Connection, table: str, frame: pd.DataFrame, file_id: int) -> None:
    frame = frame.rename(columns={"__line__": "line"}).assign(
        file_id=file_id, run_id=1, source_file="test", sha256="0" * 64, loaded_at=datetime.now(UTC))
    copy_frame(conn, f"raw__{table}", frame, schema=SCHEMA)


@pytest.fixture(scope="module")
def built(engine: sa.Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    """Both files read, landed in a scratch schema shaped like the run's, and built into core."""
    folder = tmp_path_factory.mktemp("cin")
    children = copy.deepcopy(CHILDREN)
    path = write(folder, children)
    text = path.read_text(encoding="utf-8")
    text = text.replace("<PersonBirthDate>", "<PersonForename>Zebedee</PersonForename><PersonSurname>Quillfeather"
                        "</PersonSurname><FormerUPN>X000000000099</FormerUPN><PersonBirthDate>")
    text = text.replace("<LAchildID>C7</LAchildID>", "<LAchildID>C7</LAchildID><PostCode>XA1 1AA</PostCode>")
    path.write_text(text, encoding="utf-8")
    (folder / "ehcp.csv").write_text(EHCP, encoding="utf-8")
    ctx = context()
    returned = cin_census_return.read(path, {}, ctx)
    plans = ehcp_cases.read(folder / "ehcp.csv", {"extract_date": "2025-12-31"}, ctx)
    assert len(returned.quarantine) == 1 and len(plans.quarantine) == 0
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"))
        for layer, table in (("raw", "cin_census_return"), ("raw", "ehcp_cases"), ("core", "lsoa_lookup"),
                             ("core", "schools"), ("core", "ehcp_cases"), ("core", "cin_episodes"),
                             ("core", "cin_children")):  # core.schools empty: settings' types come with plans
            conn.execute(sa.text(f"CREATE TABLE {SCHEMA}.{layer}__{table} (LIKE {layer}.{table})"))
        copy_frame(conn, "core__lsoa_lookup", LOOKUP, schema=SCHEMA)
        _land(conn, "cin_census_return", returned.frame, 1)
        _land(conn, "ehcp_cases", plans.frame, 2)
        for build in ("ehcp_cases", "cin_episodes", "cin_children"):
            execute_file(conn, f"core/{build}", SCHEMA)
    yield engine
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {SCHEMA} CASCADE"))


def counts(engine: sa.Engine) -> dict[str, pd.DataFrame]:
    def fetch(name: str, **params: Any) -> pd.DataFrame:
        return query_frame(engine, f"queries/{name}", SCHEMA, params)

    return cin.build(Inputs(fetch, 2015, 2025))


def cells(frame: pd.DataFrame) -> dict[tuple[str, str, str], tuple[float, float]]:
    return {(r.area_level, r.area_code, r.breakdown): (r.numerator, r.denominator)
            for r in frame.itertuples() if r.period == "2025"}


def test_core_holds_each_child_of_the_year_once_with_its_need(built: sa.Engine) -> None:
    """Given seven children loaded, then core.cin_children holds each once: in need unless the referral closed
    before 1 April 2024 (C2) or ended in no further action (C3), and on 31 March 2025 unless also closed by then
    (C5); C7's home is placed in district B."""
    kids = pd.read_sql(sa.text(f"SELECT * FROM {SCHEMA}.core__cin_children"), built)
    assert len(kids) == 7 and kids["census_year"].eq(2025).all()
    assert sorted(kids["in_need"]) == [False, False, True, True, True, True, True]
    assert kids["in_need_at_census"].sum() == 4 and not (kids["in_need_at_census"] & ~kids["in_need"]).any()
    assert kids["lad_code"].tolist().count(B) == 1 and kids["lsoa_code"].notna().sum() == 1
    assert kids["disabled"].sum() == 4
    assert len(pd.read_sql(sa.text(f"SELECT * FROM {SCHEMA}.core__cin_episodes"), built)) == 7


def test_plan_holders_in_need_match_a_count_by_hand(built: sa.Engine) -> None:
    """Plan holders in the year: P1, P2 (district A), P4 (B); in need: P1 (C1), P4 (C4). Linked by UPN."""
    got = cells(counts(built)["ehcp_cin_pct"])
    assert got == {("lad", A, "all"): (1, 2), ("lad", B, "all"): (1, 1), ("utla", UTLA, "all"): (2, 3)}


def test_children_in_need_with_a_disability_by_plan_match_a_count_by_hand(built: sa.Engine) -> None:
    """In need on 31 March 2025: C1 (plan, A, disabled), C4 (plan, B, disabled), C6 (no plan, unplaced,
    disabled), C7 (no plan, B); not C5, whose need closed in December. The unplaced count in the authority."""
    got = cells(counts(built)["cin_disabled_pct"])
    assert got == {
        ("lad", A, "all"): (1, 1), ("lad", B, "all"): (1, 2), ("utla", UTLA, "all"): (3, 4),
        ("lad", A, "ehc_plan=with"): (1, 1), ("lad", B, "ehc_plan=with"): (1, 1),
        ("utla", UTLA, "ehc_plan=with"): (2, 2),
        ("lad", B, "ehc_plan=without"): (0, 1), ("utla", UTLA, "ehc_plan=without"): (1, 2),
    }


def test_no_identifier_of_the_return_is_in_the_warehouse(built: sa.Engine) -> None:
    """No name, UPN, former UPN, LA child id, postcode or date of birth of the return in any cell of any table
    it was landed in or built into."""
    found, control = set(), {"2024-05-01", B}  # values that are there: the scan sees the tables' cells
    with built.connect() as conn:
        tables = conn.execute(sa.text("SELECT table_name FROM information_schema.tables WHERE table_schema = :s"),
                              {"s": SCHEMA}).scalars().all()
        for table in tables:
            text = " ".join(str(v) for row in conn.execute(sa.text(f'SELECT * FROM {SCHEMA}."{table}"')) for v in row)
            found |= {s for s in SECRETS | control if s in text.split() or (len(s) > 4 and s in text)}
    assert found == control
