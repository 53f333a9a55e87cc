"""Every dataset kind a jsna.toml can declare, and the adapter that reads it."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsna.config import get_settings
from jsna.errors import SourceError
from jsna.sources import (
    advice_returns,
    boundaries,
    cin_census_return,
    ees,
    ehcp_cases,
    imd,
    lookup,
    neighbours,
    nhs_stats,
    population,
    postcodes,
    school_places,
    schools,
    service_sites,
    social_care_cases,
    waiting_list,
)
from jsna.sources.base import Parsed
from jsna.sources.limits import check_file

Reader = Callable[[Path, dict[str, Any], Any], Parsed]


def _bounded(read: Reader) -> Reader:
    """The adapter behind the size and line limits (JSNA_MAX_FILE_BYTES, JSNA_MAX_LINE_BYTES): a file
    over either is refused before the adapter reads it."""
    def bounded(path: Path, options: dict[str, Any], context: Any = None) -> Parsed:
        settings = get_settings()
        check_file(path, settings.max_file_bytes, settings.max_line_bytes)
        return read(path, options, context)

    return functools.wraps(read)(bounded)


ADAPTERS: dict[str, Reader] = {
    "boundaries": boundaries.read,
    "lookup": lookup.read,
    "population_mye": population.read_mye,
    "population_census": population.read_census,
    "imd": imd.read,
    "postcodes": postcodes.read,
    "schools": schools.read,
    "ehcp_cases": ehcp_cases.read,
    "waiting_list": waiting_list.read,
    "advice_returns": advice_returns.read,
    "social_care_cases": social_care_cases.read,
    "ees_ehcp": ees.read_ees_ehcp,
    "sen2_mi": ees.read_sen2_mi,
    "school_census_sen": ees.read_school_census_sen,
    "cin_census": ees.read_cin_census,
    "autism_stats": nhs_stats.read_autism_stats,
    "mhsds": nhs_stats.read_mhsds,
    "community_health": nhs_stats.read_community_health,
    "statistical_neighbours": neighbours.read,
    "school_places": school_places.read,
    "service_sites": service_sites.read,
    "cin_census_return": cin_census_return.read,
}
# What the pipeline and `jsna sources check` call: every adapter behind the limits.
READERS: dict[str, Reader] = {kind: _bounded(read) for kind, read in ADAPTERS.items()}

# Kinds whose path may be a folder (every file in it read as one source); none reads folders yet.
READS_FOLDERS: frozenset[str] = frozenset()

# Kinds that must be placed in small areas (they need the run's LSOAs and postcode directory).
PLACED = {"schools", "service_sites", "ehcp_cases", "waiting_list", "advice_returns", "social_care_cases",
          "cin_census_return"}
# Kinds holding child-level identifiers (they need the pseudonymisation key).
CHILD_LEVEL = {"ehcp_cases", "waiting_list", "social_care_cases", "advice_returns", "cin_census_return"}


@lru_cache(maxsize=1)
def reader_version() -> str:
    """A fingerprint of the code that reads files (adapters, contracts, placement): a file landed by
    other code is read again, so that a changed adapter never leaves stale rows behind."""
    root = Path(__file__).resolve().parents[1]
    files = sorted([*root.glob("sources/*.py"), *root.glob("schemas/*.py"), root / "geography" / "place.py",
                    root / "geography" / "codes.py"])
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def supported(kind: str) -> bool:
    return kind in READERS


def check_path(kind: str, path: Path) -> None:
    """Refuse, in one sentence, a path that does not exist or is a folder where the kind reads a file."""
    if not path.exists():
        raise SourceError(path, "does not exist.")
    if path.is_dir() and kind not in READS_FOLDERS:
        raise SourceError(path, f"is a folder, and a source of kind {kind} is read from one file: "
                                "give the file's path.")
