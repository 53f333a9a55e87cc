"""The health, social care and pupil indicators on the refreshed demo county, recounted with pandas from
the demo's own files and compared with what was published."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

pytestmark = [pytest.mark.db, pytest.mark.flow]


def read_csv(path: Path, dates: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for col in dates:
        frame[col] = pd.to_datetime(frame[col].replace("", None), format="%d/%m/%Y")
    return frame


def county(demo_dir: Path) -> str:
    return tomllib.loads((demo_dir / "jsna.toml").read_text(encoding="utf-8"))["project"]["area_code"]


def published(engine: sa.Engine, indicator: str, level: str, code: str, period: str,
              breakdown: str = "all") -> pd.Series:
    sql = ("SELECT * FROM published.indicator_values WHERE indicator_id = :i AND area_level = :l "
           "AND area_code = :c AND period = :p AND breakdown = :b")
    got = pd.read_sql(sa.text(sql), engine, params={"i": indicator, "l": level, "c": code, "p": period,
                                                    "b": breakdown})
    assert len(got) == 1, (indicator, level, code, period, breakdown)
    return got.iloc[0]


def waiting_list(demo_dir: Path) -> pd.DataFrame:
    return read_csv(demo_dir / "health" / "waiting_list.csv",
                    ("Referral Date", "Assessment Completed Date", "Discharge Date"))


def test_county_asc_median_wait_matches_the_waiting_list(refreshed: dict, engine: sa.Engine, demo_dir: Path) -> None:
    """Given the waiting-list file, when the county's ASC assessments completed in 2024 are recounted, then
    their number and median wait in weeks equal the published numerator and value, inside its limits."""
    w = waiting_list(demo_dir)
    done = w[(w["Pathway"] == "ASC") & (w["Assessment Completed Date"].dt.year == 2024)]
    weeks = (done["Assessment Completed Date"] - done["Referral Date"]).dt.days / 7
    got = published(engine, "wait_median_weeks", "utla", county(demo_dir), "2024", "pathway=asc")
    assert got["numerator"] == len(done) > 500
    assert got["value"] == pytest.approx(float(np.median(weeks)), abs=1e-9)
    assert got["lower_ci95"] <= got["value"] <= got["upper_ci95"]
    assert got["lower_ci998"] <= got["lower_ci95"] and got["upper_ci95"] <= got["upper_ci998"]


def test_asc_children_waiting_over_18_weeks_at_2024_q4(refreshed: dict, engine: sa.Engine, demo_dir: Path) -> None:
    """Given the waiting-list file, when the ASC children still waiting on 31 December 2024 (referred by then,
    neither assessed nor discharged by then) are recounted, then they are the published denominator and
    those referred more than 126 days before are the numerator."""
    w = waiting_list(demo_dir)
    end = pd.Timestamp("2024-12-31")
    asc = w[w["Pathway"] == "ASC"]
    waiting = asc[(asc["Referral Date"] <= end) & ~(asc["Assessment Completed Date"] <= end)
                  & ~(asc["Discharge Date"] <= end)]
    over = int(((end - waiting["Referral Date"]).dt.days > 126).sum())
    got = published(engine, "waiting_over_18_weeks", "utla", county(demo_dir), "2024-Q4", "pathway=asc")
    assert (got["numerator"], got["denominator"]) == (over, len(waiting))
    assert got["value"] == pytest.approx(100 * over / len(waiting))


def test_district_spread_of_asc_waits_is_wide(refreshed: dict, engine: sa.Engine, demo_dir: Path) -> None:
    """Given a demo built with uneven district waits, then the county's 2024 ASC spread (longest district
    median over shortest) is above 1.5 and equals the ratio of the published district medians."""
    got = published(engine, "wait_spread_districts", "utla", county(demo_dir), "2024", "pathway=asc")
    assert got["value"] > 1.5
    districts = pd.read_sql(sa.text(
        "SELECT value, numerator FROM published.indicator_values WHERE indicator_id = 'wait_median_weeks' "
        "AND area_level = 'lad' AND period = '2024' AND breakdown = 'pathway=asc'"), engine)
    districts = districts[districts["numerator"] >= 10]
    assert got["value"] == pytest.approx(districts["value"].max() / districts["value"].min())


def test_trust_advice_compliance_matches_the_returns(refreshed: dict, engine: sa.Engine, demo_dir: Path) -> None:
    """Given the advice returns file, when XR1's requests of July to September 2024 are recounted (known once
    42 days passed by the file's latest request; within if returned by then), then they equal the published
    six-week figure for the trust, which carries the trust's name. In the file's last quarter, only requests
    whose six weeks have passed count, returned or not: counting the quick returns of requests still inside
    their six weeks would flatter it."""
    a = read_csv(demo_dir / "health" / "ehc_advice_returns.csv", ("Request Date", "Advice Returned Date"))
    as_at = a["Request Date"].max()
    due = a["Request Date"] + pd.Timedelta(days=42)
    returned = a["Advice Returned Date"].notna()
    known = as_at > due
    within = known & returned & (a["Advice Returned Date"] <= due)
    quarter = (a["Request Date"] >= "2024-07-01") & (a["Request Date"] <= "2024-09-30")
    mine = (a["Trust Code"] == "XR1") & quarter
    got = published(engine, "advice_6_weeks", "trust", "XR1", "2024-Q3")
    assert (got["numerator"], got["denominator"]) == (int((within & mine).sum()), int((known & mine).sum()))
    assert got["area_name"] == a.loc[a["Trust Code"] == "XR1", "Trust Name"].iloc[0]
    total = published(engine, "advice_6_weeks", "utla", county(demo_dir), "2024-Q3")
    assert (total["numerator"], total["denominator"]) == (int((within & quarter).sum()), int((known & quarter).sum()))
    last = f"{as_at.year}-Q{as_at.quarter}"
    in_last = a["Request Date"].dt.to_period("Q") == as_at.to_period("Q")
    got = published(engine, "advice_6_weeks", "utla", county(demo_dir), last)
    assert (got["numerator"], got["denominator"]) == (int((within & in_last).sum()), int((known & in_last).sum()))
    quick = (in_last & ~known & returned & (a["Advice Returned Date"] <= due)).sum()
    assert quick > 0  # the quick returns the old rule counted, and their late peers it could not see


def test_dct_caseload_on_31_march_2025(refreshed: dict, engine: sa.Engine, demo_dir: Path) -> None:
    """Given the disabled children's team file, when the children open on 31 March 2025 are recounted
    (started by then, not ended by then), then they are the county's published caseload for 2025."""
    s = read_csv(demo_dir / "social_care" / "disabled_children_team.csv", ("Start Date", "End Date"))
    day = pd.Timestamp("2025-03-31")
    open_ = s[(s["Start Date"] <= day) & ~(s["End Date"] <= day)]
    got = published(engine, "dct_caseload_rate", "utla", county(demo_dir), "2025")
    assert got["numerator"] == open_["Person ID"].nunique() > 500
    assert got["value"] == pytest.approx(got["numerator"] / got["denominator"] * 10_000)
    breaks = published(engine, "short_breaks_pct", "utla", county(demo_dir), "2025")
    assert (breaks["numerator"], breaks["denominator"]) == ((open_["Short Breaks"] == "Y").sum(), len(open_))


def test_ehc_plan_share_of_pupils_in_202425(refreshed: dict, engine: sa.Engine, demo_dir: Path) -> None:
    """Given the school census file and the schools file, when the county's schools' January 2025 pupils
    and EHC plans are summed, then they equal the published EHC-plan share of pupils."""
    census = read_csv(demo_dir / "education" / "school_census_sen.csv")
    schools = pd.read_csv(demo_dir / "schools" / "edubasealldata_demo.csv", dtype=str, keep_default_na=False,
                          encoding="cp1252")
    rows = census[(census["time_period"] == "202425") & (census["new_la_code"] == county(demo_dir))
                  & census["urn"].isin(schools["URN"])]
    pupils, plans = rows["total_pupils"].astype(int).sum(), rows["ehc_plan"].astype(int).sum()
    got = published(engine, "ehcp_pupils_pct", "utla", county(demo_dir), "202425")
    assert (got["numerator"], got["denominator"]) == (plans, pupils)
    assert got["value"] == pytest.approx(100 * plans / pupils)


def test_county_sii_is_the_line_through_its_published_local_decile_rates(refreshed: dict, engine: sa.Engine,
                                                                          demo_dir: Path) -> None:
    """Given the county's published plans per 1,000 by local deprivation decile (January 2025), when a line is
    fitted by weighted least squares (numpy) on each decile's population midpoint, then minus its slope is the
    published slope index of inequality, inside its limits; the deciles hold every plan of the county."""
    code = county(demo_dir)
    rows = pd.read_sql(sa.text(
        "SELECT breakdown, numerator, denominator, value FROM published.indicator_values WHERE indicator_id = "
        "'ehcp_rate_0_25' AND area_level = 'utla' AND area_code = :c AND period = '202425' AND breakdown LIKE "
        "'local_imd_decile=%'"), engine, params={"c": code})
    rows["decile"] = rows["breakdown"].str.partition("=")[2].astype(int)
    rows = rows.sort_values("decile")
    assert rows["decile"].tolist() == list(range(1, 11)) and rows["value"].notna().all()
    assert rows["numerator"].sum() == published(engine, "ehcp_rate_0_25", "utla", code, "202425")["numerator"]
    share = (rows["denominator"] / rows["denominator"].sum()).to_numpy()
    mid = np.cumsum(share) - share / 2
    slope, _ = np.polyfit(mid, rows["value"].to_numpy(), 1, w=np.sqrt(share))
    got = published(engine, "ehcp_rate_sii", "utla", code, "202425")
    assert got["value"] == pytest.approx(-slope, rel=1e-6)  # populations are published to 3 decimals
    assert got["lower_ci998"] < got["lower_ci95"] < got["value"] < got["upper_ci95"] < got["upper_ci998"]
    # the demo county has more plans per 1,000 where deprivation is higher, and clearly so
    assert got["lower_ci95"] > 0


def test_county_plans_transferred_in_are_the_returns_transfer_la_items(refreshed: dict, engine: sa.Engine,
                                                                        demo_dir: Path) -> None:
    """Given the demo's SEN2 return, when the plans maintained on the January 2025 census day (the third
    Thursday, 16 January) whose active plan names the authority it was transferred in from (TransferLA) are
    counted with the standard library's XML parser, then their number is the county's published figure of
    plans transferred in (large enough to be published under disclosure control)."""
    import xml.etree.ElementTree as ET

    day = "2025-01-16"
    moved_in = 0
    for request in ET.parse(demo_dir / "education" / "sen2_return_2026.xml").getroot().iter("Requests"):
        start, ceased = request.findtext("Assessment/NamedPlan/StartDate"), \
            request.findtext("Assessment/NamedPlan/CeaseDate")
        if (request.findtext("ActivePlans/TransferLA") and request.findtext("Assessment/AssessmentOutcome") == "Y"
                and start and start <= day and (not ceased or ceased > day)):
            moved_in += 1
    got = published(engine, "ehcp_transfers_in", "utla", county(demo_dir), "202425")
    assert got["numerator"] == moved_in >= 5 * 11  # at least min_count in each of the 11 districts on average
