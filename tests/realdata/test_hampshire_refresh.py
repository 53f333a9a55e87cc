"""The real public files for Hampshire and England refreshed through the real flow: the published
figures are DfE's, exactly, for every year in the files, and nothing leaves disclosure control."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.conftest import REALDATA, throwaway_database, warehouse_env
from tests.scanner import disclosure_problems

pytestmark = [pytest.mark.db, pytest.mark.flow, pytest.mark.realdata]
HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def real_engine(server_url: str, prefect_harness: None,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    from flows.refresh import refresh
    from jsna.warehouse.engine import get_engine

    config = tmp_path_factory.mktemp("hampshire") / "jsna.toml"
    config.write_text((HERE / "hampshire.toml.in").read_text().replace("{realdata}", str(REALDATA.resolve())))
    with throwaway_database(server_url) as url, warehouse_env(url):
        refresh(config=str(config))
        yield get_engine(url)


def values(engine: sa.Engine, indicator: str, area: str) -> pd.DataFrame:
    return pd.read_sql(sa.text(
        "SELECT period, numerator, denominator, value, symbol FROM published.indicator_values WHERE indicator_id = :i "
        "AND area_code = :a AND breakdown = 'all' ORDER BY period"), engine, params={"i": indicator, "a": area}
    ).set_index("period")


def published_file(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_hampshire_caseload_is_dfe_s_for_every_year(real_engine: sa.Engine) -> None:
    """Given the 2025 and 2022 SEN2 releases, then Hampshire's EHC plans equal DfE's figure for every
    January in either file (2025 release first), including 17,784 in 2025 and 8,271 in 2019."""
    got = values(real_engine, "ehcp_plans", "E10000014")
    new = published_file(REALDATA / "education/ehcp_sen2_2025/data/caseload.csv")
    new = new[(new["new_la_code"] == "E10000014") & (new["breakdown_topic"] == "All EHC plans")]
    expected = {row.time_period: float(row.ehcplans) for row in new.itertuples()}
    old = published_file(REALDATA / "education/ehcp_sen2_2022/data/sen2_age_caseload.csv")
    old = old[(old["new_la_code"] == "E10000014") & (old["characteristic_age"] == "Total")]
    for row in old.itertuples():
        year = int(row.time_period)
        expected.setdefault(f"{year - 1}{year % 100:02d}", float(row.Total_all))
    assert len(expected) >= 15
    assert {p: got.loc[p, "numerator"] for p in expected} == expected
    assert got.loc["202425", "numerator"] == 17_784 and got.loc["201819", "numerator"] == 8_271
    assert values(real_engine, "ehcp_plans", "E92000001").loc["202425", "numerator"] == 638_745


def test_hampshire_timeliness_is_dfe_s_for_every_year(real_engine: sa.Engine) -> None:
    """41.0% in 2024 (959 of 2,340) and 75.4% in 2023, and every other year of both releases."""
    got = values(real_engine, "ehcp_20_weeks", "E10000014")
    new = published_file(REALDATA / "education/ehcp_sen2_2025/data/timeliness_20_week.csv")
    new = new[(new["new_la_code"] == "E10000014") & (new["breakdown_topic"] == "All EHC plans issued")]
    expected = {r.time_period: (float(r.plans_issued_within_20_weeks), float(r.plans_issued_den))
                for r in new.itertuples()}
    old = published_file(REALDATA / "education/ehcp_sen2_2022/data/sen2_mi.csv")
    old.columns = old.columns.str.lower()
    old = old[old["new_la_code"] == "E10000014"]
    for r in old.itertuples():
        if r.incexc20weekehc not in ("", "z", "x", "c"):
            expected.setdefault(r.time_period, (float(r.incexc20weekehc), float(r.totincexcehc)))
    assert len(expected) >= 10
    assert {p: tuple(got.loc[p, ["numerator", "denominator"]]) for p in expected} == expected
    assert round(got.loc["2024", "value"], 1) == 41.0 and round(got.loc["2023", "value"], 1) == 75.4


def test_nothing_small_or_recoverable_is_published(real_engine: sa.Engine) -> None:
    """The disclosure scanner finds nothing in what the real files published."""
    problems = disclosure_problems(real_engine)
    assert all(p.empty for p in problems.values()), {k: len(p) for k, p in problems.items()}


def test_lsoa_2021_reach_imd_and_the_2017_ccgs_through_the_best_fit(real_engine: sa.Engine) -> None:
    """Given LSOA 2011 and 2021 boundaries, IMD 2019 (LSOA 2011) and the 2017 CCG lookup (LSOA 2011),
    then every Hampshire LSOA 2021 has a best-fit LSOA 2011, an IMD decile carried from it, and one of
    the five 2017 CCGs; codes unchanged between vintages fit themselves."""
    fit = pd.read_sql("SELECT * FROM core.lsoa_bestfit", real_engine)
    assert len(fit) == 865 and fit["method"].eq("boundaries").all()
    same = fit[fit["lsoa21_code"].isin(fit["lsoa11_code"])]
    assert (same["lsoa21_code"] == same["lsoa11_code"]).mean() > 0.98
    imd = pd.read_sql("SELECT * FROM core.deprivation WHERE vintage = 2021", real_engine)
    assert len(imd) == 865 and imd["carried_from"].notna().all() and imd["imd_decile"].between(1, 10).all()
    ccg = pd.read_sql("SELECT lsoa_code, ccg_code, stp_code FROM core.lsoa_lookup WHERE vintage = 2021 "
                      "AND utla_code = 'E10000014'", real_engine)
    ccg_file = "geography/ons_lookups_jtrim/143_LSOA11_to_CCG_to_STP_(April_2017)_Lookup_in_England.csv"
    lookup = pd.read_csv(REALDATA / ccg_file, dtype=str)
    short = dict(zip(lookup["CCG17CD"], lookup["CCG17CDH"], strict=False))
    assert len(ccg) == 865 and set(ccg["ccg_code"].map(short)) == {"10J", "10K", "10V", "11A", "99M"}
    assert ccg["stp_code"].notna().all()


def test_every_authority_gets_a_five_year_forecast(real_engine: sa.Engine) -> None:
    """From the national series, the pooled model forecasts every stable unit (about 150) 1-5 years on;
    Hampshire's intervals are nested around a point above its January 2025 caseload."""
    f = pd.read_sql("SELECT * FROM published.forecasts WHERE measure = 'ehc_plans' AND breakdown = 'Total'",
                    real_engine)
    assert 145 <= f["area_code"].nunique() <= 155 and set(f["horizon"]) == {1, 2, 3, 4, 5}
    h = f[f["area_code"] == "E10000014"].set_index("year")
    assert list(h.index) == [2026, 2027, 2028, 2029, 2030]
    assert (h["lower95"] <= h["lower80"]).all() and (h["upper80"] <= h["upper95"]).all()
    assert h.loc[2026, "lower80"] > 17_784 * 0.9 and h.loc[2026, "upper80"] < 17_784 * 1.4
    # the backtested model, with the drivers the files give (requests, new plans, age bands, children 0-17)
    from jsna.forecasting.forecast import DEFAULT_SETTINGS

    assert h["method"].str.startswith(f"pooled model ({DEFAULT_SETTINGS.label})").all()


def test_forecasts_split_by_age_band_and_placement_and_requests_forecast(real_engine: sa.Engine) -> None:
    """Hampshire's age-band and placement forecasts are its total times each category's January 2025 share (they
    add back to the total, to rounding); requests for assessment are forecast from the calendar-year series."""
    f = pd.read_sql("SELECT * FROM published.forecasts WHERE area_code = 'E10000014'", real_engine)
    plans = f[f["measure"] == "ehc_plans"]
    total = plans[plans["breakdown_topic"] == "Total"].set_index("year")["point"]
    bands = plans[plans["breakdown_topic"] == "age band"]
    assert sorted(bands["breakdown"].unique()) == ["0-4", "11-15", "16-19", "20-25", "5-10"]
    summed = bands.groupby("year")["point"].sum()
    assert ((summed - total).abs() <= 3).all()  # five rounded parts
    assert set(plans["breakdown_topic"]) == {"Total", "age band", "placement"}
    requests = f[f["measure"] == "requests"].set_index("year")
    assert list(requests["horizon"]) == [1, 2, 3, 4, 5] and requests.index.min() == 2025
    assert (requests["lower80"] <= requests["point"]).all() and (requests["point"] <= requests["upper80"]).all()


def test_hampshire_compares_with_england_the_south_east_and_dfe_s_neighbours(real_engine: sa.Engine) -> None:
    """Given DfE's 2025 statistical neighbour model (authorities by DfE number), then Hampshire's ten neighbours
    reach the warehouse by GSS code in DfE's order, and its 20-week share in 2024 (41.0%) compares with England,
    the South East and the ten neighbours pooled (their plans within 20 weeks over their plans issued), each
    value as DfE published it."""
    timeliness = published_file(REALDATA / "education/ehcp_sen2_2025/data/timeliness_20_week.csv")
    timeliness = timeliness[(timeliness["breakdown_topic"] == "All EHC plans issued")
                            & (timeliness["time_period"] == "2024")]
    las = timeliness[timeliness["geographic_level"] == "Local authority"]
    code_of = dict(zip(las["old_la_code"], las["new_la_code"], strict=True))
    numbers = ["865", "802", "916", "938", "869", "867", "803", "937", "931", "855"]  # sn_model_2025_wide.csv
    sn = list(pd.read_sql("SELECT neighbour_code FROM core.neighbours WHERE area_code = 'E10000014' ORDER BY rank",
                          real_engine)["neighbour_code"])
    assert sn == [code_of[n] for n in numbers]
    c = pd.read_sql("SELECT comparator_type, comparator_code, comparator_value FROM published.comparisons "
                    "WHERE indicator_id = 'ehcp_20_weeks' AND period = '2024' AND area_code = 'E10000014' "
                    "AND breakdown = 'all'", real_engine).set_index("comparator_type")

    def share(rows: pd.DataFrame) -> float:
        num, den = rows["plans_issued_within_20_weeks"], rows["plans_issued_den"]
        ok = num.str.fullmatch(r"\d+") & den.str.fullmatch(r"\d+")  # published counts, not suppressed
        return 100 * num[ok].astype(float).sum() / den[ok].astype(float).sum()

    assert c.loc["england", "comparator_value"] == pytest.approx(
        share(timeliness[timeliness["geographic_level"] == "National"]))
    assert c.loc["region", "comparator_code"] == "E12000008"
    assert c.loc["region", "comparator_value"] == pytest.approx(
        share(timeliness[(timeliness["geographic_level"] == "Regional") & (timeliness["region_code"] == "E12000008")]))
    assert c.loc["neighbours", "comparator_value"] == pytest.approx(share(las[las["old_la_code"].isin(numbers)]))
