"""Schools, school census, waiting lists, health advice and the disabled children's team."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

GIAS = ["URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName", "TypeOfEstablishment (name)",
        "EstablishmentTypeGroup (name)", "EstablishmentStatus (name)", "PhaseOfEducation (name)", "StatutoryLowAge",
        "StatutoryHighAge", "Gender (name)", "SchoolCapacity", "NumberOfPupils", "SEN1 (name)", "SEN2 (name)",
        "SEN3 (name)", "ResourcedProvisionOnRoll", "ResourcedProvisionCapacity", "SENUnitOnRoll", "SENUnitCapacity",
        "Postcode", "Easting", "Northing", "LSOA (code)", "LSOA (name)"]
Reader = Callable[..., pd.DataFrame]


def test_schools(schools: pd.DataFrame, county: Path) -> None:
    assert list(schools.columns) == GIAS
    assert 550 <= len(schools) <= 700 and schools["URN"].is_unique
    phase = schools["PhaseOfEducation (name)"].value_counts()
    assert 400 <= phase["Primary"] <= 500 and 60 <= phase["Secondary"] <= 90
    assert set(phase.index) <= {"Primary", "Secondary", "All-through", "16 plus", "Nursery", "Not applicable"}
    types = schools["TypeOfEstablishment (name)"].value_counts()
    special = types.get("Community special school", 0) + types.get("Academy special converter", 0)
    assert 15 <= special <= 35
    assert {"Pupil referral unit", "Further education", "Other independent school",
            "Other independent special school", "Academy converter", "Voluntary aided school"} <= set(types.index)
    assert (schools["EstablishmentStatus (name)"] == "Open").all()
    sp = schools[schools["TypeOfEstablishment (name)"].str.contains("special")]
    assert (sp["SEN1 (name)"] != "").all()
    assert sp["SEN1 (name)"].str.contains(" - ").all()
    assert (schools["ResourcedProvisionCapacity"] != "").sum() > 10
    raw = (county / "schools" / "edubasealldata_demo.csv").read_bytes()
    assert b"\x92" in raw and "é".encode("cp1252") in raw  # Windows-1252, not UTF-8
    assert schools["EstablishmentName"].str.contains("’").any()


def test_schools_sit_in_their_lsoa(schools: pd.DataFrame, read: Reader) -> None:
    pc = read("postcodes/onspd_demo.csv").set_index("pcds")
    at = pc.loc[schools["Postcode"]]
    assert (at["lsoa21"].to_numpy() == schools["LSOA (code)"].to_numpy()).all()
    assert (at["oseast1m"].to_numpy() == schools["Easting"].to_numpy()).all()


def test_special_places(schools: pd.DataFrame, read: Reader) -> None:
    places = read("schools/special_school_places.csv")
    assert list(places.columns) == ["urn", "need", "places"]
    assert set(places["need"]) <= {"ASD", "SEMH", "MLD", "SLD", "PMLD", "SLCN", "SPLD", "PD", "HI", "VI", "MSI", "OTH"}
    total = places.assign(places=places["places"].astype(int)).groupby("urn")["places"].sum()
    cap = schools.set_index("URN").loc[total.index, "SchoolCapacity"].astype(int)
    assert ((total - cap).abs() <= 0.05 * cap).all()


def test_school_census(read: Reader, schools: pd.DataFrame) -> None:
    sc = read("education/school_census_sen.csv")
    assert list(sc.columns) == [
        "time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
        "region_name", "old_la_code", "new_la_code", "la_name", "urn", "school_name", "phase_type_grouping",
        "type_of_establishment", "total_pupils", "sen_support", "sen_support_percent", "ehc_plan", "ehc_plan_percent"]
    assert sorted(sc["time_period"].unique()) == [f"{y}{(y + 1) % 100:02d}" for y in range(2015, 2025)]
    assert set(sc["urn"]) <= set(schools["URN"])
    n = sc[["total_pupils", "sen_support", "ehc_plan"]].astype(int).groupby(sc["time_period"]).sum()
    ehc = 100 * n["ehc_plan"] / n["total_pupils"]
    support = 100 * n["sen_support"] / n["total_pupils"]
    assert 2.5 <= ehc["201617"] <= 3.3
    assert 10 <= support["201617"] <= 12
    assert 4.3 <= ehc["202425"] <= 5.3
    special = sc[sc["phase_type_grouping"] == "State-funded special school"]
    assert (special["ehc_plan"].astype(int) / special["total_pupils"].astype(int)).mean() > 0.85


@pytest.fixture(scope="module")
def waits(read: Reader, dates: Callable[[pd.Series], pd.Series]) -> pd.DataFrame:
    wl = read("health/waiting_list.csv")
    pc = read("postcodes/onspd_demo.csv")[["pcds", "oslaua"]]
    wl = wl.merge(pc, left_on="Postcode", right_on="pcds", how="left")
    wl["ref"] = dates(wl["Referral Date"])
    wl["done"] = dates(wl["Assessment Completed Date"])
    return wl


def test_waiting_list_layout_and_volumes(waits: pd.DataFrame) -> None:
    assert list(waits.columns[:15]) == [
        "Referral ID", "NHS Number", "Forename", "Surname", "Date of Birth", "Sex", "Postcode", "GP Practice",
        "Pathway", "Provider", "Referral Date", "First Contact Date", "Assessment Completed Date",
        "Diagnosis Outcome", "Discharge Date"]
    assert waits["oslaua"].notna().all() and waits["Referral ID"].is_unique
    assert waits["GP Practice"].str.fullmatch(r"X8\d{4}").all()
    per_year = pd.crosstab(waits["ref"].dt.year, waits["Pathway"])
    assert 1_000 <= per_year.loc[2015, "ASC"] <= 1_500 and 2_200 <= per_year.loc[2025, "ASC"] <= 2_900
    assert 700 <= per_year.loc[2015, "ADHD"] <= 1_150 and 2_200 <= per_year.loc[2025, "ADHD"] <= 2_900
    assert 4_300 <= per_year["CAMHS"].mean() <= 5_700
    assert set(waits.loc[waits["Pathway"] == "CAMHS", "Diagnosis Outcome"]) == {""}
    asc = waits[waits["Pathway"] != "CAMHS"]
    assert set(asc["Diagnosis Outcome"]) == {"Diagnosed", "Not diagnosed", ""}
    assert ((asc["Diagnosis Outcome"] == "") == asc["done"].isna()).all()
    assert asc["done"].isna().sum() > 500  # still waiting at the extract date
    assert (waits["Provider"].str.endswith("NHS Trust") | waits["Provider"].str.endswith("Foundation Trust")).all()


def test_waits_differ_by_district_and_lengthen(waits: pd.DataFrame) -> None:
    asc = waits[(waits["Pathway"] == "ASC") & waits["done"].notna()].copy()
    asc["weeks"] = (asc["done"] - asc["ref"]).dt.days / 7
    med = asc[asc["done"].dt.year == 2024].groupby("oslaua")["weeks"].median()
    assert len(med) == 11
    assert med.max() >= 1.5 * med.min()
    assert med.max() > 52 and med.min() < 30
    by_year = asc.groupby(asc["ref"].dt.year)["weeks"].median()
    assert by_year[2023] > 1.5 * by_year[2016]


def test_diagnosed_autism_precedes_ehc_requests(waits: pd.DataFrame, ehcp: pd.DataFrame) -> None:
    asc = waits[waits["Pathway"] == "ASC"]
    first_request = ehcp.groupby("NHS Number")["Request Date (d)"].min()
    later = asc["NHS Number"].map(first_request)
    requested_after = later.notna() & (later > asc["done"])
    diagnosed = asc["Diagnosis Outcome"] == "Diagnosed"
    not_diagnosed = asc["Diagnosis Outcome"] == "Not diagnosed"
    assert requested_after[diagnosed].mean() > 3 * max(requested_after[not_diagnosed].mean(), 0.005)


def test_advice_returns(read: Reader, ehcp: pd.DataFrame, dates: Callable[[pd.Series], pd.Series]) -> None:
    adv = read("health/ehc_advice_returns.csv")
    assert list(adv.columns) == ["Trust Code", "Trust Name", "LA Case Reference", "UPN", "Request Date",
                                 "Advice Due Date", "Advice Returned Date"]
    assert adv["Trust Code"].str.fullmatch(r"XR\d+").all()
    assert ((dates(adv["Advice Due Date"]) - dates(adv["Request Date"])).dt.days == 42).all()
    assessed = ehcp[(ehcp["Decision"] == "Assess") & (ehcp["Transfer"] == "") & (ehcp["Request Date (d)"] >= "2015")]
    assert set(adv["LA Case Reference"]) == set(assessed["Child ID"])
    upn = ehcp.drop_duplicates("Child ID").set_index("Child ID")["UPN"]  # the same child's UPN as the EHC data's
    assert (adv["UPN"] == adv["LA Case Reference"].map(upn)).all()
    per_request = adv.groupby(["LA Case Reference", "Request Date"]).size()
    assert per_request.between(1, 2).all() and per_request.eq(2).mean() > 0.3
    on_time = dates(adv["Advice Returned Date"]) <= dates(adv["Advice Due Date"])
    by_trust = on_time.groupby(adv["Trust Name"]).mean()
    assert by_trust.between(0.55, 0.97).all() and by_trust.max() - by_trust.min() > 0.1


def test_disabled_children_team(read: Reader, ehcp: pd.DataFrame, dates: Callable[[pd.Series], pd.Series]) -> None:
    sc = read("social_care/disabled_children_team.csv")
    assert list(sc.columns) == ["Person ID", "NHS Number", "Forename", "Surname", "Date of Birth", "Sex", "Postcode",
                                "Start Date", "End Date", "Primary Disability", "Short Breaks"]
    start, end = dates(sc["Start Date"]), dates(sc["End Date"])
    open_counts = [((start <= d) & (end.isna() | (end > d))).sum() for d in pd.date_range("2016-03-31", "2025-03-31",
                                                                                         freq="12ME")]
    assert 1_100 <= np.mean(open_counts) <= 1_900 and max(open_counts) < 1.6 * min(open_counts)
    assert set(sc["Short Breaks"]) == {"Y", "N"}
    planned = set(ehcp.loc[ehcp["Assessment Outcome"] == "Plan", "Child ID"])
    assert sc["Person ID"].isin(planned).mean() > 0.5
    ids = ehcp.drop_duplicates("Child ID").set_index("Child ID")["NHS Number"]
    both = sc[sc["Person ID"].isin(ids.index)]
    assert (both["NHS Number"].to_numpy() == ids.loc[both["Person ID"]].to_numpy()).all()
    age_at_end = (end - dates(sc["Date of Birth"])).dt.days / 365.25
    assert age_at_end.max() < 18.1
