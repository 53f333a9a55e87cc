"""Every dataset kind a jsna.toml can declare, and the adapter that reads it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jsna.sources import boundaries, ehcp_cases, imd, lookup, population, postcodes, schools
from jsna.sources.base import Parsed

Reader = Callable[[Path, dict[str, Any], Any], Parsed]

READERS: dict[str, Reader] = {
    "boundaries": boundaries.read,
    "lookup": lookup.read,
    "population_mye": population.read_mye,
    "population_census": population.read_census,
    "imd": imd.read,
    "postcodes": postcodes.read,
    "schools": schools.read,
    "ehcp_cases": ehcp_cases.read,
}

# Kinds that must be placed in small areas (they need the run's LSOAs and postcode directory).
PLACED = {"schools", "ehcp_cases", "waiting_list", "advice_returns", "social_care_cases"}
# Kinds holding child-level identifiers (they need the pseudonymisation key).
CHILD_LEVEL = {"ehcp_cases", "waiting_list", "social_care_cases", "advice_returns"}


def supported(kind: str) -> bool:
    return kind in READERS
