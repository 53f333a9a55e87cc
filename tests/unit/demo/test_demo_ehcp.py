"""EHC requests and plans: vocabulary, dates, and calibration to the Hampshire 2017 report shape."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

SPECIALIST = ("Special school (maintained or academy)", "Independent or non-maintained special school",
              "Specialist post-16 institution")
PLACEMENTS = {"Mainstream school", "Resourced provision or SEN unit", *SPECIALIST, "General FE or sixth form college",
              "Early years setting", "Alternative provision", "Educated elsewhere", "NEET", ""}
NEEDS = {"ASD", "SEMH", "SLCN", "MLD", "SPLD", "SLD", "PMLD", "PD", "HI", "VI", "MSI", "OTH", "NSA"}
COLUMNS = ["Child ID", "UPN", "NHS Number", "Forename", "Surname", "Date of Birth", "Sex", "Postcode",
           "Request Date", "Decision Date", "Decision", "Assessment Outcome", "Draft Issue Date", "Final Issue Date",
           "Exception", "Primary Need", "Setting URN", "Placement Type", "Plan Status", "Transfer", "Ceased Date",
           "Ceased Reason"]


def _active(ehcp: pd.DataFrame, year: int) -> pd.Series:
    """Plans maintained on the January census date (issued by then and not ceased by then)."""
    census = pd.Timestamp(year, 1, 18)
    ceased = ehcp["Ceased Date (d)"]
    return (ehcp["Final Issue Date (d)"] <= census) & (ceased.isna() | (ceased > census))


@pytest.fixture(scope="module")
def caseload(ehcp: pd.DataFrame) -> pd.DataFrame:
    """Caseload by January census year and age band (age on 31 August before the census)."""
    rows = {}
    for year in range(2014, 2026):
        dob = ehcp.loc[_active(ehcp, year), "Date of Birth (d)"]
        age = year - 1 - dob.dt.year - (dob.dt.month > 8).astype(int)
        rows[year] = pd.cut(age, [-1, 4, 10, 15, 25], labels=["0-4", "5-10", "11-15", "16-25"]).value_counts()
        rows[year]["min_age"], rows[year]["max_age"] = age.min(), age.max()
    out = pd.DataFrame(rows).T
    out["total"] = out[["0-4", "5-10", "11-15", "16-25"]].sum(axis=1)
    return out


def test_layout_and_vocabulary(ehcp: pd.DataFrame) -> None:
    assert list(ehcp.columns[: len(COLUMNS)]) == COLUMNS
    assert set(ehcp["Decision"]) == {"Assess", "Not assess", "Withdrawn", ""}
    assert set(ehcp["Assessment Outcome"]) == {"Plan", "No plan", ""}
    assert set(ehcp["Exception"]) == {"Y", "N"}
    assert set(ehcp["Primary Need"]) == NEEDS
    assert set(ehcp["Placement Type"]) == PLACEMENTS
    assert set(ehcp["Plan Status"]) == {"Active", "Ceased", ""}
    assert set(ehcp["Transfer"]) == {"Statement", "LDA", ""}
    assert {"Moved out of area", "Needs met", "Reached age 25", "Entered employment", "Other"} <= set(
        ehcp["Ceased Reason"])
    assert ehcp["Child ID"].str.fullmatch(r"P\d{7}").all()
    assert ehcp["UPN"].str.fullmatch(r"X\d{12}").all()
    for col in ("Request Date", "Final Issue Date", "Ceased Date", "Date of Birth"):
        assert ehcp[col].str.fullmatch(r"(\d{2}/\d{2}/\d{4})?").all()
    plan = ehcp["Assessment Outcome"] == "Plan"
    assert (ehcp.loc[plan, "Final Issue Date"] != "").all() and (ehcp.loc[~plan, "Final Issue Date"] == "").all()
    assert (ehcp.loc[plan, "Plan Status"] != "").all() and (ehcp.loc[~plan, "Plan Status"] == "").all()
    assert ((ehcp["Plan Status"] == "Ceased") == (ehcp["Ceased Date"] != "")).all()


def test_dates_are_ordered(ehcp: pd.DataFrame) -> None:
    req, dec = ehcp["Request Date (d)"], ehcp["Decision Date (d)"]
    draft, final, ceased = ehcp["Draft Issue Date (d)"], ehcp["Final Issue Date (d)"], ehcp["Ceased Date (d)"]
    assert (req.max() <= pd.Timestamp(2025, 12, 31)) and (ehcp["Date of Birth (d)"] < req).all()
    assert ((dec >= req) | dec.isna()).all()
    assert ((draft >= dec) | draft.isna() | dec.isna()).all() and ((final > draft) | final.isna()).all()
    assert ((ceased >= final) | ceased.isna()).all()
    new = (ehcp["Transfer"] == "") & (req >= "2015-01-01") & dec.notna()
    weeks = (dec[new] - req[new]).dt.days / 7
    assert weeks.median() <= 6 and (weeks <= 6).mean() > 0.8
    legacy = ehcp["Transfer"] != ""
    assert final[legacy].dt.year.between(2015, 2018).all()
    recent = ehcp[req >= "2015-01-01"]
    assert (recent["Final Issue Date"] == "").any()  # requests still open at the extract date


def test_request_outcomes(ehcp: pd.DataFrame) -> None:
    req = ehcp[(ehcp["Transfer"] == "") & (ehcp["Request Date (d)"].dt.year.between(2015, 2024))]
    decided = req[req["Decision"] != ""]
    agreed = (decided["Decision"] == "Assess").mean()
    assert 0.68 < agreed < 0.82
    assessed = decided[decided["Assessment Outcome"] != ""]
    assert 0.85 < (assessed["Assessment Outcome"] == "Plan").mean() < 0.95


def test_caseload_calibration(caseload: pd.DataFrame) -> None:
    total = caseload["total"]
    assert abs(total[2017] / 7_274 - 1) < 0.10
    assert 0.40 <= total[2017] / total[2014] - 1 <= 0.60
    assert abs(total[2014] / 4_850 - 1) < 0.05
    assert 8_300 <= total[2019] <= 9_000
    assert abs(total[2025] / 17_800 - 1) < 0.05
    assert total.is_monotonic_increasing
    assert caseload["min_age"].min() >= 0 and caseload["max_age"].max() <= 25
    bulk = (caseload["5-10"] + caseload["11-15"]) / total
    assert (bulk > 0.5).all()


def test_fastest_growth_at_16_to_25(caseload: pd.DataFrame) -> None:
    for start, end in ((2014, 2017), (2014, 2025), (2017, 2025)):
        growth = caseload.loc[end] / caseload.loc[start]
        bands = growth[["0-4", "5-10", "11-15", "16-25"]]
        assert bands.idxmax() == "16-25", (start, end, bands.to_dict())


def test_twenty_week_timeliness(ehcp: pd.DataFrame) -> None:
    new = ehcp[(ehcp["Transfer"] == "") & ehcp["Final Issue Date (d)"].notna()]
    new = new[new["Final Issue Date (d)"].dt.year >= 2015]
    weeks = (new["Final Issue Date (d)"] - new["Request Date (d)"]).dt.days / 7
    share = (weeks <= 20).groupby(new["Final Issue Date (d)"].dt.year).mean() * 100
    assert share[2017] < 8
    assert 65 <= share[2023] <= 85
    assert 33 <= share[2024] <= 49
    assert share[2016] < 15 and share[2019] > 50
    exceptions = new["Exception"] == "Y"
    assert 0.03 < exceptions.mean() < 0.07
    assert (weeks[exceptions] > 20).mean() > (weeks[~exceptions] > 20).mean()


def test_specialist_share_2017(ehcp: pd.DataFrame) -> None:
    held = ehcp[_active(ehcp, 2017)]
    share = held["Placement Type"].isin(SPECIALIST).mean()
    assert 0.50 <= share <= 0.70
    later = ehcp[_active(ehcp, 2025)]["Placement Type"].isin(SPECIALIST).mean()
    assert later < share


def test_needs_and_sex(ehcp: pd.DataFrame) -> None:
    plans = ehcp[ehcp["Assessment Outcome"] == "Plan"]
    need = plans["Primary Need"].value_counts(normalize=True)
    assert need.idxmax() == "ASD" and need["NSA"] < 0.02
    early = plans[plans["Final Issue Date (d)"].dt.year <= 2016]["Primary Need"].eq("ASD").mean()
    late = plans[plans["Final Issue Date (d)"].dt.year >= 2023]["Primary Need"].eq("ASD").mean()
    assert late > early
    assert 0.65 < (ehcp["Sex"] == "M").mean() < 0.78


def test_ceasing_rises_with_age(ehcp: pd.DataFrame) -> None:
    ceased = ehcp[(ehcp["Ceased Date"] != "") & (ehcp["Ceased Reason"] != "Transferred to EHC plan")]
    age = (ceased["Ceased Date (d)"] - ceased["Date of Birth (d)"]).dt.days / 365.25
    young = (age < 16).sum() / _active(ehcp, 2020).sum()
    assert (age >= 16).sum() > (age < 16).sum() * 0.8
    assert young < 0.6
    assert (ceased.loc[ceased["Ceased Reason"] == "Reached age 25", "Ceased Date (d)"].dt.month == 7).all()


def test_identities_are_consistent(ehcp: pd.DataFrame) -> None:
    per_child = ehcp.groupby("Child ID")[["UPN", "NHS Number", "Date of Birth", "Forename", "Surname"]].nunique()
    assert (per_child == 1).all().all()
    assert ehcp.groupby("NHS Number")["Child ID"].nunique().max() == 1
    nhs = ehcp["NHS Number"]
    assert nhs.str.fullmatch(r"999\d{7}").all()
    digits = np.array([[int(c) for c in s] for s in nhs.unique()])
    check = 11 - (digits[:, :9] * np.arange(10, 1, -1)).sum(axis=1) % 11
    assert (np.where(check == 11, 0, check) == digits[:, 9]).all()


def test_settings_exist(ehcp: pd.DataFrame, schools: pd.DataFrame) -> None:
    urns = ehcp.loc[ehcp["Setting URN"] != "", "Setting URN"]
    assert len(urns) > 0.5 * (ehcp["Assessment Outcome"] == "Plan").sum()
    assert set(urns) <= set(schools["URN"])
    kinds = schools.set_index("URN")["TypeOfEstablishment (name)"]
    special = ehcp.loc[ehcp["Placement Type"] == "Special school (maintained or academy)", "Setting URN"]
    assert set(kinds.loc[special.unique()]) <= {"Community special school", "Academy special converter"}


def test_postcodes_are_from_the_directory(ehcp: pd.DataFrame, read: Callable[..., pd.DataFrame]) -> None:
    pc = read("postcodes/onspd_demo.csv")
    live = set(pc.loc[pc["doterm"] == "", "pcds"])
    assert set(ehcp["Postcode"]) <= live
