"""Every kind of source a jsna.toml can declare, each in ONE declaration: its name, the adapter that
reads it, the raw table it lands in, the options it takes, whether its records are placed in small
areas and hold children (pseudonymised), whether it reads a published release as downloaded (a zip
or its extracted folder), and the core tables built from it.

The configuration's kinds and options (jsna.config), the placement and pseudonymisation sets and the
readers (jsna.sources.registry), and the raw tables and core build order (jsna.pipeline) all follow
from KINDS. Adapters are named "module:function" under jsna.sources and imported on first use, so
that checking a jsna.toml does not import pandas or geopandas.

To add a kind: write its adapter module (`read(path, options, context) -> Parsed`; case-level modules
also declare REQUIRED and OPTIONAL columns, and VOCABULARIES, for `jsna sources describe`), add one
`Kind(...)` to KINDS below in the place its core table builds (after the tables its SQL reads), and
write `sql/core/<table>.sql` for each table in `builds`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

# read(path, options, context) -> jsna.sources.base.Parsed (not imported here: jsna.config, which the
# dashboards import, reads the kinds' names from this module without importing any adapter).
Reader = Callable[[Path, dict[str, Any], Any], Any]

FAMILIES = {
    "geography": "geography", "population": "population", "statistics": "published statistics",
    "cases": "case-level extracts", "planning": "planning and services",
}
EXTRACT_DATE = "extract_date"  # case-level extracts: dates after it are quarantined (YYYY-MM-DD)
# who publishes each kind's files (printed maps' attribution, the run history readers see)
PUBLISHERS = {
    "boundaries": "Office for National Statistics, boundaries",
    "lookup": "Office for National Statistics, lookup",
    "population_mye": "Office for National Statistics, mid-year population estimates",
    "population_census": "Office for National Statistics, Census 2021",
    "imd": "Ministry of Housing, Communities and Local Government, English Indices of Deprivation 2019",
    "postcodes": "Office for National Statistics, Postcode Directory",
    "schools": "Department for Education, Get Information About Schools",
    "ehcp_cases": "the local authority's SEN case-management extract",
    "sen2_return": "the local authority's SEN2 return to the Department for Education",
    "cin_census_return": "the local authority's Children in Need census return",
    "ees_ehcp": "Department for Education, Education, health and care plans",
    "sen2_mi": "Department for Education, Education, health and care plans",
    "school_census_sen": "Department for Education, Special educational needs in England",
    "cin_census": "Department for Education, Children in need",
    "early_years_sen": "Department for Education, Funded early education and childcare",
    "ks4_destinations": "Department for Education, Key stage 4 destination measures",
    "autism_stats": "NHS England, Autism Statistics",
    "mhsds": "NHS England, Mental Health Services Data Set",
    "community_health": "NHS England, Community Health Services waiting lists",
    "waiting_list": "local NHS trusts' waiting-list extracts",
    "advice_returns": "NHS trusts' six-week returns of health advice",
    "social_care_cases": "the disabled children's team caseload",
    "statistical_neighbours": "Department for Education, children's services statistical neighbours",
    "school_places": "the local authority's commissioned special school places",
    "service_sites": "the local authority's care hubs, clinics and team bases",
}
COLUMNS = "columns"  # case-level extracts: { field = "the file's own header", ... }


@dataclass(frozen=True)
class Kind:
    """One kind of source file and every fact the rest of the code needs about it."""

    name: str
    reader: str  # "module:function" in jsna.sources: read(path, options, context) -> Parsed
    raw_table: str  # raw.<raw_table>, the table its rows land in
    family: str  # a key of FAMILIES (how the README and `jsna sources describe` group kinds)
    summary: str
    options: frozenset[str] = frozenset()  # options it takes in jsna.toml besides name, kind and path
    placed: bool = False  # records placed in small areas: read after the run's LSOAs and postcodes
    child_level: bool = False  # holds children's identifiers: needs the pseudonymisation key
    release: bool = False  # a published release: its "download all" zip or extracted folder is read file by file
    reads_folders: bool = False  # its adapter reads a folder or zip of files itself (e.g. a set of module CSVs)
    builds: tuple[str, ...] = ()  # core tables (sql/core/<table>.sql) built from its raw table, in order

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(f"jsna.sources.{self.reader.split(':')[0]}")

    @property
    def adapter(self) -> Reader:
        """The adapter function (imported now)."""
        function: Reader = getattr(self.module, self.reader.split(":")[1])
        return function

    @property
    def maps_columns(self) -> bool:
        return COLUMNS in self.options


_CASES = frozenset({EXTRACT_DATE, COLUMNS})

KINDS_DECLARED: Sequence[Kind] = (
    # geography, population, deprivation, schools (reference: land first)
    Kind("boundaries", "boundaries:read", "boundaries", "geography",
         "GeoJSON, GeoPackage or zipped Shapefile, any CRS; level = lsoa, msoa, ward, lad, utla, sicbl, icb ...",
         frozenset({"level", "vintage", "code_column", "name_column"}), builds=("areas",)),
    Kind("lookup", "lookup:read", "lookup", "geography", "any ONS lookup CSV",
         frozenset({"vintage"}), builds=("lsoa_lookup",)),
    Kind("population_mye", "population:read_mye", "population_mye", "population",
         "ONS mid-year estimates, CSV or the published workbook", builds=("population",)),
    Kind("population_census", "population:read_census", "population_census", "population",
         "Census 2021 usual residents by LSOA and age band", frozenset({"vintage"}), builds=("population",)),
    Kind("imd", "imd:read", "imd", "population", "English Indices of Deprivation 2019, File 1",
         frozenset({"vintage"}), builds=("deprivation",)),
    Kind("postcodes", "postcodes:read", "postcodes", "geography", "ONS Postcode Directory",
         frozenset({"vintage"})),
    Kind("schools", "schools:read", "schools", "geography", "Get Information About Schools",
         placed=True, builds=("schools",)),
    # case-level extracts and published statistics
    Kind("ehcp_cases", "ehcp_cases:read", "ehcp_cases", "cases",
         "a SEN case-management extract, one row per EHC needs assessment request",
         _CASES, placed=True, child_level=True, builds=("ehcp_cases",)),
    Kind("sen2_return", "sen2_return:read", "ehcp_cases", "cases",
         "the SEN2 person-level return: DfE's XML (2023-2026), or COLLECT's Blade Export CSVs (a folder or zip)",
         placed=True, child_level=True, reads_folders=True, builds=("ehcp_cases",)),
    Kind("cin_census_return", "cin_census_return:read", "cin_census_return", "cases",
         "the Children in Need census return (DfE's child-level XML, 2016 on)",
         placed=True, child_level=True, builds=("cin_episodes", "cin_children")),
    Kind("ees_ehcp", "ees:read_ees_ehcp", "statistics", "statistics",
         "DfE 'Education, health and care plans' release files (2025 layout)", release=True,
         builds=("statistics",)),
    Kind("sen2_mi", "ees:read_sen2_mi", "statistics", "statistics", "the same release in its older SEN2 layout",
         release=True, builds=("statistics",)),
    Kind("school_census_sen", "ees:read_school_census_sen", "statistics", "statistics",
         "DfE 'Special educational needs in England', school or LA level", release=True, builds=("statistics",)),
    Kind("autism_stats", "nhs_stats:read_autism_stats", "statistics", "statistics", "NHS Autism Statistics",
         frozenset({"areas"}), release=True, builds=("statistics",)),
    Kind("mhsds", "nhs_stats:read_mhsds", "statistics", "statistics",
         "Mental Health Services Data Set monthly time series", frozenset({"areas"}), release=True,
         builds=("statistics",)),
    Kind("community_health", "nhs_stats:read_community_health", "statistics", "statistics",
         "NHS community health services waiting lists (monthly workbooks or the CSV series)", release=True,
         builds=("statistics",)),
    Kind("cin_census", "ees:read_cin_census", "statistics", "statistics",
         "DfE 'Children in need' release tables", release=True, builds=("statistics",)),
    Kind("early_years_sen", "ees:read_early_years_sen", "statistics", "statistics",
         "DfE 'Funded early education and childcare': children registered by SEN provision (file 4)", release=True,
         builds=("statistics",)),
    Kind("ks4_destinations", "ees:read_ks4_destinations", "statistics", "statistics",
         "DfE 'Key stage 4 destination measures', local authority and national files", release=True,
         builds=("statistics",)),
    Kind("waiting_list", "waiting_list:read", "waiting_list", "cases",
         "autism (ASC), ADHD and CAMHS waiting-list extracts, one row per referral",
         _CASES, placed=True, child_level=True, builds=("waiting_list",)),
    Kind("advice_returns", "advice_returns:read", "advice_returns", "cases",
         "NHS trusts' six-week returns of health advice for EHC needs assessments",
         _CASES, placed=True, child_level=True, builds=("advice_returns",)),
    Kind("social_care_cases", "social_care_cases:read", "social_care_cases", "cases",
         "the disabled children's team caseload, one row per episode",
         _CASES, placed=True, child_level=True, builds=("social_care_cases",)),
    Kind("statistical_neighbours", "neighbours:read", "neighbours", "geography",
         "DfE children's services statistical neighbours", builds=("neighbours",)),
    # planning and services
    Kind("school_places", "school_places:read", "school_places", "planning",
         "commissioned places at special schools by need: URN, need, places", builds=("school_places",)),
    Kind("service_sites", "service_sites:read", "service_sites", "planning",
         "care hubs, clinics, team bases: site, service, provider, opened, easting/northing or postcode",
         placed=True, builds=("service_sites",)),
)
KINDS: Mapping[str, Kind] = {k.name: k for k in KINDS_DECLARED}

def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


# -- what follows from the declarations ------------------------------------------------------------
NAMES: tuple[str, ...] = tuple(KINDS)
OPTIONS: Mapping[str, frozenset[str]] = {k.name: k.options for k in KINDS_DECLARED}
PLACED: frozenset[str] = frozenset(k.name for k in KINDS_DECLARED if k.placed)
CHILD_LEVEL: frozenset[str] = frozenset(k.name for k in KINDS_DECLARED if k.child_level)
RELEASES: frozenset[str] = frozenset(k.name for k in KINDS_DECLARED if k.release)
READS_FOLDERS: frozenset[str] = frozenset(k.name for k in KINDS_DECLARED if k.release or k.reads_folders)
RAW_TABLES: list[str] = _unique([k.raw_table for k in KINDS_DECLARED])
CORE_BUILD: list[str] = _unique([t for k in KINDS_DECLARED for t in k.builds])
