"""NHS England's MHSDS children and young people's mental health access measure (MHS95) read from the real
time series and made into the indicator nhs_cyp_mh_access_rate (read in place, never copied)."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pandas as pd
import pytest

from jsna.indicators import health
from jsna.indicators.catalogue import get_indicator
from jsna.indicators.compute import limits
from jsna.indicators.inputs import Inputs
from jsna.sources import lookup, nhs_stats

pytestmark = pytest.mark.realdata

REALDATA = (Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata").resolve()
MHSDS = REALDATA / "health/nhs_mhsds/MHSDS Time_Series_data_Apr_2016_NovPrf_2022.csv.gz"
SICBL = REALDATA / ("geography/nhs_lookups/Sub_ICB_Locations_to_Integrated_Care_Boards_to_NHS_England_(Region)_"
                    "(July_2022)_Lookup_in_England.csv")
MYE = REALDATA / "population/ons_mye_la/ons_mid-year_population_estimates_2012_to_2024.csv"
HAMPSHIRE = {"D9Y0V": "E38000253", "10R": "E38000137", "D4U1Y": "E38000252"}  # ODS -> GSS (July 2022)
SUB_ICB_RESIDENTS = 300_000.0  # given to the sub-ICBs here: the real files hold no sub-ICB population


def raw_mhs95() -> dict[tuple[str, str], str]:
    """(PRIMARY_LEVEL, REPORTING_PERIOD_END) -> MEASURE_VALUE of MHS95, read with the csv module."""
    with gzip.open(MHSDS, "rt", encoding="utf-8-sig") as f:
        return {(r["PRIMARY_LEVEL"], r["REPORTING_PERIOD_END"]): r["MEASURE_VALUE"] for r in csv.DictReader(f)
                if r["MEASURE_ID"] == "MHS95"}


@pytest.fixture(scope="module")
def built() -> dict[str, pd.DataFrame]:
    stats = nhs_stats.read_mhsds(MHSDS, {}).frame
    look = lookup.read(SICBL, {}).frame
    ods = look[look["parent_level"] == "ods"].rename(columns={"child_level": "area_level", "child_code": "area_code",
                                                             "parent_code": "ods_code"})
    sicbl = pd.read_csv(SICBL, dtype=str, encoding="utf-8-sig")  # sub-ICBs in ICBs (no LSOAs: nothing shared out)
    nesting = pd.DataFrame({"lsoa_code": None, "lad_code": None, "utla_code": None,
                            "sicbl_code": sicbl["SICBL22CD"], "icb_code": sicbl["ICB22CD"]})
    mye = pd.read_csv(MYE, dtype=str)
    england = mye[(mye["geographic_level"] == "National") & (mye["age_group"] == "Children aged 0 to 17 years")]
    areas = pd.DataFrame({"area_code": "E92000001", "year": england["time_period"].astype(int),
                          "population": england["population_estimate"].astype(float)})
    areas = pd.concat([areas, pd.DataFrame({"area_code": list(HAMPSHIRE.values()), "year": 2022,
                                            "population": SUB_ICB_RESIDENTS})], ignore_index=True)
    frames = {"statistics": stats[stats["dataset"] == "mhsds"],
              "ods_codes": ods[["area_level", "area_code", "ods_code"]],
              "population_0_17_areas": areas,
              "population_0_17_lsoa": pd.DataFrame(columns=["year", "lsoa_code", "population"]),
              "lsoa_levels": nesting}
    inputs = Inputs(lambda name, **_: frames[name].copy(), 2015, 2025)
    return health.nhs_cyp_mh_counts(inputs)


def test_mhs95_is_there_for_england_and_hampshire() -> None:
    """Given the MHSDS time series, when read, then MHS95 is a rolling 12-month measure for England (to July 2022)
    and for the Hampshire and Isle of Wight CCG (D9Y0V) of residence to April 2022, as a sub-ICB from August."""
    frame = nhs_stats.read_mhsds(MHSDS, {"areas": ["England", "D9Y0V", "10R", "D4U1Y"]}).frame
    m = frame[frame["measure"] == "mhs95"]
    assert set(m["time_identifier"]) == {"Rolling 12 months"}
    d9 = m[m["area_code"] == "D9Y0V"].set_index("time_period")
    assert d9.loc["2022-03", "value"] == 18100 and d9.loc["2022-03", "geographic_level"] == "CCG"
    assert d9.loc["2022-11", "geographic_level"] == "Sub-ICB"
    eng = m[m["geographic_level"] == "National"]
    assert eng["time_period"].min() == "2021-03" and eng["time_period"].max() == "2022-07"
    assert eng.set_index("time_period").loc["2022-03", "value"] == 674485


def test_england_rate_checked_by_hand(built: dict[str, pd.DataFrame]) -> None:
    """Given England's MHS95 for the 12 months to March 2022 (674,485, the file's cell) and ONS's mid-2022
    estimate of England's residents aged 0-17 (11,901,267; the nearest year to 2022), then England's access rate
    is 674,485 / 11,901,267 x 1,000 = 56.6734 per 1,000 (Byars limits within 0.3), and to March 2021 it uses
    mid-2021 (11,762,878)."""
    raw = raw_mhs95()
    assert raw[("England", "31/03/2022")] == "674485"
    c = built[health.NHS_CYP_MH]
    eng = c[c["area_level"] == "country"].set_index("period")
    assert (eng.loc["2022-03", "numerator"], eng.loc["2022-03", "denominator"]) == (674485, 11901267)
    got = limits(eng.reset_index(), get_indicator(health.NHS_CYP_MH)).set_index("period").loc["2022-03"]
    assert got["value"] == pytest.approx(56.6734, abs=1e-4)
    assert got["lower_ci95"] < got["value"] < got["upper_ci95"] and got["upper_ci95"] - got["lower_ci95"] < 0.3
    assert eng.loc["2021-03", "denominator"] == 11762878
    assert len(eng) == 17


def test_hampshire_sub_icbs_as_published(built: dict[str, pd.DataFrame]) -> None:
    """Given the Hampshire sub-ICB locations (and the CCGs of residence with the same ODS codes before July 2022),
    then each month's count is the file's, under the sub-ICB's GSS code from ONS's July 2022 lookup; the ICB
    (E54000042, the sum of 10R and D9Y0V) is given because both are published."""
    raw = raw_mhs95()
    c = built[health.NHS_CYP_MH]
    sub = c[c["area_level"] == "sicbl"]
    for ods, gss in HAMPSHIRE.items():
        got = sub[sub["area_code"] == gss].set_index("period")["numerator"]
        for period, end in (("2022-03", "31/03/2022"), ("2022-11", "30/11/2022")):
            assert got[period] == float(raw[(ods, end)]), (ods, period)
    icb = c[(c["area_level"] == "icb") & (c["area_code"] == "E54000042")].set_index("period")
    assert icb.loc["2022-11", ["numerator", "denominator"]].tolist() == [2440 + 19920, 2 * SUB_ICB_RESIDENTS]
    assert float(raw[("QRL", "30/11/2022")]) == 22320  # NHS England's own ICB row: rounded on its own
    assert set(c["area_level"]) == {"country", "sicbl", "icb"}
