"""One declaration per source kind (jsna.kinds): what the configuration, the registry and the pipeline
derive from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jsna import kinds
from jsna.config import OPTIONS, load_config
from jsna.errors import ConfigError
from jsna.sources import registry

REPO = Path(__file__).resolve().parents[2]
MIGRATIONS = "\n".join(p.read_text() for p in sorted((REPO / "sql" / "migrations" / "versions").glob("*.*"))
                       if p.suffix in (".sql", ".py"))


def test_every_declared_kind_has_its_adapter_raw_table_and_core_sql() -> None:
    """Given the declarations, then each adapter imports and is callable, each raw table is created by a
    migration, and each core table it builds has its sql/core/<table>.sql."""
    for kind in kinds.KINDS.values():
        assert callable(kind.adapter), kind.name
        assert re.search(rf"CREATE TABLE (IF NOT EXISTS )?raw\.{kind.raw_table}\b", MIGRATIONS), kind.raw_table
        for table in kind.builds:
            assert (REPO / "sql" / "core" / f"{table}.sql").is_file(), table
        assert kind.family in kinds.FAMILIES


def test_the_lists_the_rest_of_the_code_uses_follow_from_the_declarations() -> None:
    """Given the declarations, then the raw tables, the core build order, the placement and pseudonymisation
    sets, the options and the readers are the ones the code used before they were declared once."""
    assert kinds.RAW_TABLES == ["boundaries", "lookup", "population_mye", "population_census", "imd", "postcodes",
                                "schools", "ehcp_cases", "cin_census_return", "statistics", "waiting_list",
                                "advice_returns", "social_care_cases", "neighbours", "school_places", "service_sites"]
    assert kinds.CORE_BUILD == ["areas", "lsoa_lookup", "population", "deprivation", "schools", "ehcp_cases",
                                "cin_episodes", "cin_children", "statistics", "waiting_list", "advice_returns",
                                "social_care_cases", "neighbours", "school_places", "service_sites"]
    cases = {"ehcp_cases", "waiting_list", "advice_returns", "social_care_cases"}
    returns = {"sen2_return", "cin_census_return"}  # statutory returns, read in DfE's layout (no column mapping)
    assert {"schools", "service_sites", *cases, *returns} == registry.PLACED
    assert cases | returns == registry.CHILD_LEVEL
    assert set(registry.READERS) == set(kinds.KINDS) == set(OPTIONS)
    assert OPTIONS["boundaries"] == {"level", "vintage", "code_column", "name_column"}
    assert all(OPTIONS[k] == {"extract_date", "columns"} for k in cases)
    assert all(OPTIONS[k] == set() for k in returns)
    releases = {"ees_ehcp", "sen2_mi", "school_census_sen", "cin_census", "autism_stats", "mhsds", "community_health",
                "early_years_sen", "ks4_destinations"}
    assert releases == kinds.RELEASES
    assert releases | {"sen2_return"} == registry.READS_FOLDERS  # the return's Blade Export: a folder or zip


@pytest.mark.parametrize("kind", ["ees_ehcp", "imd", "nonsense"])
def test_the_configuration_accepts_exactly_the_declared_kinds(tmp_path: Path, kind: str) -> None:
    """Given a jsna.toml declaring a source of `kind`, then a declared kind loads and any other is refused
    in one sentence listing the kinds."""
    toml = tmp_path / "jsna.toml"
    toml.write_text(f'[project]\nname = "X"\narea_code = "E10000014"\n[[sources]]\nname = "a"\nkind = "{kind}"\n'
                    'path = "a.csv"\n', encoding="utf-8")
    if kind in kinds.KINDS:
        assert load_config(toml).sources[0].kind == kind
        return
    with pytest.raises(ConfigError) as err:
        load_config(toml)
    assert str(err.value).startswith(f"{toml}: sources.0.kind: Value error, unknown kind 'nonsense'; the kinds: "
                                     "boundaries, lookup, ")
    assert ", service_sites." in str(err.value)
