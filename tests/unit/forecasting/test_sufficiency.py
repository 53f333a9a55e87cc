"""Place sufficiency on a small hand-made case: every number below was worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.forecasting.sufficiency import (
    ExtraPlaces,
    MainstreamShare,
    NewSchool,
    capacity_from_schools,
    compare,
    from_published,
    gias_need,
    sufficiency,
)

# Two districts, two needs, 2025 (base) to 2028. Special-school demand:
#   North ASD: 100, 110, 120, 130      North MLD: 40, 40, 40, 40
#   South ASD:  50,  60,  75,  90
DEMAND = pd.DataFrame(
    [("North", "ASD", y, d) for y, d in zip(range(2025, 2029), (100, 110, 120, 130), strict=True)]
    + [("North", "MLD", y, 40) for y in range(2025, 2029)]
    + [("South", "ASD", y, d) for y, d in zip(range(2025, 2029), (50, 60, 75, 90), strict=True)],
    columns=["area", "need", "year", "demand"],
)
# Places: North ASD 115 (special), North MLD 45, South ASD 70; South has 10 ASD resourced places.
CAPACITY = pd.DataFrame(
    [("North", "ASD", "special", 75), ("North", "ASD", "special", 40), ("North", "MLD", "special", 45),
     ("South", "ASD", "special", 70), ("South", "ASD", "resourced", 10)],
    columns=["area", "need", "provision", "places"],
)


def cell(result, area: str, need: str, year: int, provision: str = "special") -> pd.Series:  # type: ignore[no-untyped-def]
    t = result.table
    return t[(t["area"] == area) & (t["need"] == need) & (t["year"] == year) & (t["provision"] == provision)].iloc[0]


def first(result, area: str, need: str, provision: str = "special") -> object:  # type: ignore[no-untyped-def]
    f = result.first_short()
    at = (f["area"] == area) & (f["need"] == need) & (f["provision"] == provision)
    return f.loc[at, "first_short_year"].iloc[0]


def test_demand_against_places_and_the_year_each_area_runs_short() -> None:
    """North ASD: 115 places, demand 100/110/120/130 -> surplus 15, 5, -5, -15: short from 2027.
    North MLD: 45 places, demand 40: never short. South ASD special: 70 places, demand 50/60/75/90 -> short
    from 2027 (the 10 resourced places have no resourced demand, and do not seat special-school demand)."""
    r = sufficiency(DEMAND, CAPACITY)
    assert cell(r, "North", "ASD", 2025)["surplus"] == 15
    assert cell(r, "North", "ASD", 2028)["surplus"] == -15
    assert cell(r, "South", "ASD", 2026)["surplus"] == 10
    assert first(r, "North", "ASD") == 2027
    assert pd.isna(first(r, "North", "MLD"))
    assert first(r, "South", "ASD") == 2027
    areas = r.area_first_short().set_index("area")["first_short_year"]
    assert areas["North"] == 2027 and areas["South"] == 2027
    # summed over provision (resourced places taking special-school demand), South ASD has 80 places: demand
    # exceeds them only in 2028
    by_area_need = r.first_short(("area", "need")).set_index(["area", "need"])
    assert by_area_need.loc[("South", "ASD"), "first_short_year"] == 2028


def test_a_share_of_new_plans_met_in_mainstream_resourced_provision() -> None:
    """Half of the growth in special-school demand over 2025 goes to resourced provision from 2026.
    North ASD growth 10/20/30 -> special 105/110/115 (surplus 10/5/0: never short), resourced 5/10/15 against 0
    places -> short from 2026. South ASD growth 10/25/40 -> special 55/62.5/70 against 70 (never short),
    resourced 5/12.5/20 against 10 -> short from 2027."""
    r = sufficiency(DEMAND, CAPACITY, [MainstreamShare(0.5)])
    assert cell(r, "North", "ASD", 2027)["demand"] == 110
    assert cell(r, "North", "ASD", 2028)["surplus"] == 0
    assert cell(r, "North", "ASD", 2027, "resourced")["demand"] == 10
    assert cell(r, "South", "ASD", 2027)["demand"] == 62.5
    assert cell(r, "South", "ASD", 2027, "resourced")["demand"] == 12.5
    f = r.first_short().set_index(["area", "need", "provision"])["first_short_year"]
    assert pd.isna(f[("North", "ASD", "special")]) and f[("North", "ASD", "resourced")] == 2026
    assert pd.isna(f[("South", "ASD", "special")]) and f[("South", "ASD", "resourced")] == 2027
    # demand is moved, not lost
    base = sufficiency(DEMAND, CAPACITY).table.groupby("year")["demand"].sum()
    assert r.table.groupby("year")["demand"].sum().equals(base)


def test_a_new_school_and_extra_places() -> None:
    """A 125-place school in South from 2027 (100 ASD, 25 MLD) and 10 more ASD places in North from 2028:
    South ASD places 70 -> 170 in 2027 (surplus 95, 80: never short); North ASD 2028: 125 places for 130
    (short by 5), still short first in 2027; South gains 25 MLD places it has no demand for."""
    r = sufficiency(DEMAND, CAPACITY, [NewSchool("South", 125, 2027, {"ASD": 100, "MLD": 25}),
                                       ExtraPlaces("North", "ASD", 10, 2028)])
    assert cell(r, "South", "ASD", 2026)["places"] == 70
    assert cell(r, "South", "ASD", 2027)["places"] == 170
    assert cell(r, "South", "ASD", 2028)["surplus"] == 80
    assert pd.isna(first(r, "South", "ASD"))
    assert cell(r, "North", "ASD", 2028)["surplus"] == -5
    assert first(r, "North", "ASD") == 2027
    assert cell(r, "South", "MLD", 2027)["places"] == 25 and cell(r, "South", "MLD", 2027)["demand"] == 0
    with pytest.raises(ValueError):
        sufficiency(DEMAND, CAPACITY, [NewSchool("South", 125, 2027, {"ASD": 100})])


def test_capacity_from_the_schools_list_and_places_file() -> None:
    schools = pd.DataFrame({
        "urn": [1, 2, 3, 4], "area": ["North", "North", "South", "South"],
        "resourced_capacity": ["", "12", "", "8"], "sen_unit_capacity": ["", "", "", "4"],
        "sen1": ["", "ASD - Autistic Spectrum Disorder", "", "SpLD - Specific Learning Difficulty"],
    })
    places = pd.DataFrame({"urn": [1, 1, 3], "need": ["ASD", "MLD", "SEMH"], "places": [60, 20, 40]})
    cap = capacity_from_schools(schools, places).groupby(["area", "need", "provision"])["places"].sum()
    assert cap.to_dict() == {("North", "ASD", "resourced"): 12, ("North", "ASD", "special"): 60,
                             ("North", "MLD", "special"): 20, ("South", "SEMH", "special"): 40,
                             ("South", "SPLD", "resourced"): 12}
    assert gias_need(pd.Series(["MLD - Moderate Learning Difficulty", ""])).tolist()[0] == "MLD"


def test_scenarios_rerun_on_the_published_table() -> None:
    """The published table (withheld demand as NaN, places repeated each year) gives back the demand and the
    base year's places; a withheld cell counts as no children. With 10 more North ASD places from 2027, North
    is first short in 2028 (130 against 125) instead of 2027, and 10 fewer places short in 2028 (15 -> 5)."""
    published = sufficiency(DEMAND, CAPACITY).table.rename(columns={"area": "area_code"})
    published.loc[(published["area_code"] == "North") & (published["need"] == "MLD"), "demand"] = float("nan")
    demand, capacity, base = from_published(published)
    assert base == 2025
    assert demand.loc[demand["need"] == "MLD", "demand"].eq(0).all()
    assert capacity.groupby(["area", "need", "provision"])["places"].sum().to_dict() == {
        ("North", "ASD", "special"): 115, ("North", "MLD", "special"): 45, ("South", "ASD", "resourced"): 10,
        ("South", "ASD", "special"): 70}
    before = sufficiency(demand, capacity, base_year=base)
    after = sufficiency(demand, capacity, [ExtraPlaces("North", "ASD", 10, 2027)], base_year=base)
    c = compare(before, after).set_index("area")
    assert c.loc["North", "first_short_before"] == 2027 and c.loc["North", "first_short_after"] == 2028
    assert c.loc["North", "short_before"] == 15 and c.loc["North", "short_after"] == 5
    assert c.loc["South", "short_before"] == c.loc["South", "short_after"] == 20  # 90 against 70 special
