"""jsna.toml loads with the project's own config reader and points at every file written."""

from __future__ import annotations

from pathlib import Path

from jsna.config import load_config


def test_toml_describes_every_source(county: Path) -> None:
    cfg = load_config(county / "jsna.toml")
    assert cfg.project.name == "Demoshire" and cfg.project.area_code == "X10000001"
    assert cfg.project.demo and (cfg.project.first_year, cfg.project.last_year) == (2015, 2025)
    assert cfg.disclosure.min_count == 5
    kinds = {s.name: s.kind for s in cfg.sources}
    assert kinds == {
        "lsoa21_boundaries": "boundaries", "msoa21_boundaries": "boundaries", "lad23_boundaries": "boundaries",
        "ctyua23_boundaries": "boundaries", "rgn23_boundaries": "boundaries", "lsoa_lookup": "lookup",
        "utla_lookup": "lookup", "region_lookup": "lookup", "population_mye": "population_mye",
        "population_census": "population_census", "imd": "imd", "postcodes": "postcodes", "schools": "schools",
        "school_places": "school_places", "ehcp_cases": "sen2_return", "waiting_list": "waiting_list",
        "advice_returns": "advice_returns",
        "social_care": "social_care_cases", "service_sites": "service_sites", "school_census_sen": "school_census_sen",
        "cin_census_return": "cin_census_return", "ehcp_statistics": "ees_ehcp",
        "statistical_neighbours": "statistical_neighbours", "early_years_sen": "early_years_sen",
        "ks4_destinations": "ks4_destinations", "nhs_lookup": "lookup", "nhs_autism_stats": "autism_stats",
        "nhs_community_health": "community_health", "nhs_mhsds": "mhsds",
    }
    levels = {s.name: s.options.get("level") for s in cfg.by_kind("boundaries")}
    assert levels == {"lsoa21_boundaries": "lsoa", "msoa21_boundaries": "msoa", "lad23_boundaries": "lad",
                      "ctyua23_boundaries": "utla", "rgn23_boundaries": "region"}
    assert {s.name: s.options.get("vintage") for s in cfg.sources}["imd"] == 2021
    for source in cfg.sources:  # a release is given as its folder, as downloaded
        path = cfg.resolve(source)
        releases = {"ees_ehcp", "early_years_sen", "ks4_destinations"}
        assert path.is_file() or (source.kind in releases and path.is_dir()), source.path
    assert "synthetic" in (county / "README.md").read_text(encoding="utf-8").lower()


def test_csvs_have_a_bom_except_gias(county: Path) -> None:
    for path in county.rglob("*.csv"):
        head = path.read_bytes()[:3]
        assert (head == b"\xef\xbb\xbf") != path.name.startswith("edubase"), path.name
