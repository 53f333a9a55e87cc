"""EHC plan figures by DfE's definitions from two years' SEN2 returns in the warehouse (real PostGIS): the
returns are read, landed in a scratch schema shaped like a run's and built into core by the real SQL
(sql/core/ehcp_cases.sql); the indicators are checked against a count by hand.

The children (county X10000001: district A holds LSOA X01000001, district B X01000002):
  P1 A   request 2023-12-01, assess decided in 35 days; assessment outcome 2024-03-01; plan 2024-04-01.
         In the 2024 return too, its assessment then outstanding.
  P2 --  no postcode: request 2024-02-01, assess in 60 days; outcome 2024-05-01; plan 2024-06-01.
  P3 --  unknown postcode: request 2024-03-01, withdrawn.
  P4 B   request 2024-11-01, no decision yet.
  P5 B   a plan from 2020 (outcome H): maintained in the 2024 return, ceased 2024-07-01 (higher education)
         in the 2025 return.
  P6 A   request 2024-01-10, not assessed (decided in 22 days).
  P7 A   a plan from 2023-09-01 transferred in from authority 851 (outcome H)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from jsna.config import Disclosure
from jsna.indicators import ehcp
from jsna.indicators.catalogue import load_catalogue
from jsna.indicators.inputs import Inputs
from jsna.publish.audit import audit
from jsna.publish.disclosure import KEY, sum_groups, suppress
from jsna.sources import sen2_return
from jsna.warehouse.copy import copy_frame
from jsna.warehouse.sqlfiles import execute_file, query_frame
from tests.unit.sen2_builder import AUTHORITY, context, person, request, write

pytestmark = pytest.mark.db

SCHEMA = "scratch_ehcp_defs"
A, B, L1, L2 = "X07000001", "X07000002", "X01000001", "X01000002"
LOOKUP = pd.DataFrame({"lsoa_code": [L1, L2], "vintage": 2021, "msoa_code": None, "lad_code": [A, B],
                       "utla_code": AUTHORITY, "region_code": None})
# residents (the rate's denominator): 100 of each age 0-25 and sex in each LSOA, mid-2023 and mid-2024
POPULATION = pd.DataFrame([(lsoa, 2021, year, sex, age, 100.0) for lsoa in (L1, L2) for year in (2023, 2024)
                           for sex in "FM" for age in range(26)],
                          columns=["lsoa_code", "vintage", "year", "sex", "age", "population"])
TABLES = (("raw", "ehcp_cases"), ("raw", "population_mye"), ("core", "lsoa_lookup"), ("core", "schools"),
          ("core", "ehcp_cases"), ("core", "population"), ("core", "deprivation"), ("core", "statistics"))
P1 = request(received="2023-12-01", decided="2024-01-05", assessment="Y", assessed="2024-03-01", start="2024-04-01")
P5_OPEN = request(outcome="H", assessment="H", start="2020-05-01")
P7 = request(outcome="H", assessment="H", start="2023-09-01", transfer_la="851")


def returns(folder: Path) -> list[Path]:
    old = write(folder / "sen2_2024.xml", 2024,
                person("A000000000001", "XA1 1AA", "2012-03-04",
                       request(received="2023-12-01", decided="2024-01-05", assessment="A")),
                person("A000000000005", "XB2 2BB", "2008-03-04", P5_OPEN),
                person("A000000000007", "XA1 1AA", "2011-03-04", P7))
    new = write(folder / "sen2_2025.xml", 2025,
                person("A000000000001", "XA1 1AA", "2012-03-04", P1),
                person("A000000000002", "", "2013-03-04",
                       request(received="2024-02-01", decided="2024-04-01", assessment="Y", assessed="2024-05-01",
                               start="2024-06-01")),
                person("A000000000003", "XZ9 9ZZ", "2014-03-04",
                       request(received="2024-03-01", decided="2024-03-20", outcome="W")),
                person("A000000000004", "XB2 2BB", "2015-03-04", request(received="2024-11-01", outcome="A")),
                person("A000000000005", "XB2 2BB", "2008-03-04",
                       request(outcome="H", assessment="H", start="2020-05-01", ceased="2024-07-01", reason="3")),
                person("A000000000006", "XA1 1AA", "2016-03-04",
                       request(received="2024-01-10", decided="2024-02-01", outcome="N")),
                person("A000000000007", "XA1 1AA", "2011-03-04", P7))
    return [old, new]


@pytest.fixture(scope="module")
def built(engine: sa.Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    """Both returns read and landed (the newer first: its file id is the lower), and core built."""
    old, new = (sen2_return.read(p, {}, context()) for p in returns(tmp_path_factory.mktemp("sen2")))
    assert len(old.quarantine) == 0 and len(new.quarantine) == 0 and new.extras["unplaced"] == [6, 7]
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"))
        for layer, table in TABLES:
            conn.execute(sa.text(f"CREATE TABLE {SCHEMA}.{layer}__{table} (LIKE {layer}.{table})"))
        copy_frame(conn, "core__lsoa_lookup", LOOKUP, schema=SCHEMA)
        copy_frame(conn, "core__population", POPULATION, schema=SCHEMA)
        copy_frame(conn, "core__deprivation", pd.DataFrame({"lsoa_code": [L1, L2], "vintage": 2021,
                                                            "imd_rank": [100, 20000], "imd_decile": [1, 7]}),
                   schema=SCHEMA)
        for file_id, parsed in ((1, new), (2, old)):
            frame = parsed.frame.assign(file_id=file_id, run_id=1, source_file="test", sha256="0" * 64,
                                        loaded_at=datetime.now(UTC))
            copy_frame(conn, "raw__ehcp_cases", frame, schema=SCHEMA)
        execute_file(conn, "core/ehcp_cases", SCHEMA)
    yield engine
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {SCHEMA} CASCADE"))


@pytest.fixture(scope="module")
def inputs(built: sa.Engine) -> Inputs:
    def fetch(name: str, **params: Any) -> pd.DataFrame:
        return query_frame(built, f"queries/{name}", SCHEMA, params)

    return Inputs(fetch, 2023, 2025)


def cells(frame: pd.DataFrame, period: str, measure: str = "numerator") -> dict[tuple[str, str, str], float]:
    return {(r.area_level, r.area_code, r.breakdown): getattr(r, measure)
            for r in frame.itertuples() if r.period == period}


def test_core_keeps_each_plan_once_from_the_newest_return(built: sa.Engine) -> None:
    """Given P1, P5 and P7 in both returns, then core holds one row per child and request (nine rows landed,
    seven kept), each from the 2025 return: P5's plan ceased, P1's assessment decided."""
    core = pd.read_sql(sa.text(f"SELECT * FROM {SCHEMA}.core__ehcp_cases ORDER BY request_date"), built)
    assert len(core) == 7 and set(core["file_id"]) == {1}
    p5 = core[core["request_date"] == pd.Timestamp("2020-05-01").date()].iloc[0]
    assert (str(p5["ceased_date"]), p5["ceased_reason"]) == ("2024-07-01", "Moved on to higher education")
    unplaced = core[core["lsoa_code"].isna()]
    assert len(unplaced) == 2 and unplaced["utla_code"].eq(AUTHORITY).all() and unplaced["lad_code"].isna().all()


def test_plans_count_the_unplaced_child_in_the_county_only(inputs: Inputs) -> None:
    """January 2025: P1 and P7 (district A) and P2 (unplaced); P5 ceased. January 2024: P7 (A) and P5 (B),
    P5 once although both returns hold it. The unplaced child is in the county, in no district or LSOA."""
    plans = ehcp.caseload_counts(inputs)["ehcp_plans"]
    jan25 = {k: v for k, v in cells(plans, "202425").items() if k[2] == "all"}
    assert jan25 == {("utla", AUTHORITY, "all"): 3, ("lad", A, "all"): 2, ("lsoa", L1, "all"): 2}
    jan24 = {k: v for k, v in cells(plans, "202324").items() if k[2] == "all" and k[0] in ("lad", "utla")}
    assert jan24 == {("utla", AUTHORITY, "all"): 2, ("lad", A, "all"): 1, ("lad", B, "all"): 1}
    moved_in = ehcp.caseload_counts(inputs)["ehcp_transfers_in"]
    assert cells(moved_in, "202425") == {("utla", AUTHORITY, "all"): 1, ("lad", A, "all"): 1}


def test_requests_by_outcome_and_decided_within_6_weeks(inputs: Inputs) -> None:
    """2024's four requests: P2 assess (60 days), P6 not assess (22 days), P3 withdrawn, P4 outstanding; two
    unplaced (P2, P3) count in the county. 2023: P1, assessed in 35 days, counted once."""
    got = ehcp.request_counts(inputs)
    outcomes = cells(got["ehcp_request_outcomes"], "2024")
    assert {k[2]: v for k, v in outcomes.items() if k[0] == "utla"} == {
        "all": 4, "outcome=assess": 1, "outcome=not_assess": 1, "outcome=withdrawn": 1, "outcome=outstanding": 1}
    assert {k: v for k, v in outcomes.items() if k[0] == "lad" and k[2] == "all"} == {
        ("lad", A, "all"): 1, ("lad", B, "all"): 1}
    six = got["ehcp_requests_decided_6_weeks"]
    assert cells(six, "2024")[("utla", AUTHORITY, "all")] == 1
    assert cells(six, "2024", "denominator")[("utla", AUTHORITY, "all")] == 2
    assert cells(six, "2023") == {("utla", AUTHORITY, "all"): 1, ("lad", A, "all"): 1}
    assert cells(got["ehcp_request_outcomes"], "2023")[("utla", AUTHORITY, "all")] == 1


def test_assessments_count_in_the_year_of_their_outcome(inputs: Inputs) -> None:
    """P1 was requested in 2023 and assessed in 2024; P2 requested and assessed in 2024: both count in 2024."""
    got = ehcp.assessment_counts(inputs)["ehcp_assessments_to_plan"]
    assert cells(got, "2024")[("utla", AUTHORITY, "all")] == 2 and cells(got, "2023") == {}


def test_ceased_plans_by_reason(inputs: Inputs) -> None:
    got = cells(ehcp.ceased_counts(inputs)["ehcp_ceased"], "2024")
    assert got == {("utla", AUTHORITY, "all"): 1, ("utla", AUTHORITY, "reason=higher_education"): 1,
                   ("lad", B, "all"): 1, ("lad", B, "reason=higher_education"): 1}


def test_a_county_with_unplaced_children_publishes_and_passes_the_audit(inputs: Inputs) -> None:
    """Given every EHC plan indicator of these returns (the county holding unplaced children its districts do
    not), when the disclosure boundary suppresses them (min_count 2) over the area nesting and its sums, then
    the county's figures are published, and linear programming over what is published (the county's sum as
    the inequality it is) pins no hidden count."""
    catalogue = load_catalogue()
    parts = [counts.assign(indicator_id=i) for i, counts in ehcp.build(inputs).items() if i != "ehcp_rate_sii"]
    values = pd.concat(parts, ignore_index=True).astype({"numerator": float, "denominator": float})
    values = values.assign(value=values["numerator"], lower_ci95=np.nan, upper_ci95=np.nan, lower_ci998=np.nan,
                           upper_ci998=np.nan, comparison="similar", trend=None, symbol=None)
    values = values.sort_values(KEY).reset_index(drop=True)
    nesting = pd.DataFrame({"child_level": ["lsoa", "lsoa", "lad", "lad"], "child_code": [L1, L2, A, B],
                            "parent_level": ["lad", "lad", "utla", "utla"],
                            "parent_code": [A, B, AUTHORITY, AUTHORITY]})
    cc = values["indicator_id"].map({i: c.method for i, c in catalogue.items()}).eq("proportion_wilson")
    published = suppress(values, Disclosure(min_count=2), cc, nesting)
    hidden = published["symbol"].eq("c")
    county = published.set_index(KEY)["numerator"]
    assert county[("ehcp_plans", "202425", "utla", AUTHORITY, "all")] == 3
    assert county[("ehcp_request_outcomes", "2024", "utla", AUTHORITY, "all")] == 4
    found = audit(published, hidden, sum_groups(published, nesting), cc, 2, truth=values)
    assert hidden.any() and found.narrow.empty, found.narrow.merge(published[KEY], left_on="row", right_index=True)
