"""Every indicator family, and the one way their counts become published values."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

import pandas as pd

from jsna.indicators import cin, ehcp, health, pathway, pupils, social
from jsna.indicators.catalogue import Indicator, load_catalogue
from jsna.indicators.compute import COMPARISON_COLUMNS, VALUE_COLUMNS, finish
from jsna.indicators.inputs import Inputs

Builder = Callable[[Inputs], dict[str, pd.DataFrame]]
FAMILIES: list[Builder] = [ehcp.build, health.build, social.build, pupils.build, cin.build, pathway.build]


def family(build: Builder) -> str:
    """A family's name: its module's, as its catalogue file's (catalogue/<name>.toml)."""
    return build.__module__.rpartition(".")[2]


def compute_all(inputs: Inputs, catalogue: Mapping[str, Indicator] | None = None,
                families: Collection[str] | None = None, reads: dict[str, list[str]] | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(values, comparisons) of every catalogued indicator the run has data for; `catalogue`: the package's, or
    one with local targets (`jsna.indicators.targets`). `families`: only these (by `family` name); `reads`, if
    given, gets the named queries each family computed read (what a later refresh checks for changes)."""
    catalogue = catalogue or load_catalogue()
    values, comps = [], []
    for build in FAMILIES:
        if families is not None and family(build) not in families:
            continue
        inputs.read.clear()
        mine = []
        for indicator_id, counts in build(inputs).items():
            v, c = finish(counts, catalogue[indicator_id], inputs.names_for(counts), inputs.nesting,
                          inputs.neighbours)
            mine.append(v)
            comps.append(c)
        if build is health.build and mine:  # the waiting list against NHS England's published figures
            comps.append(health.nhs_comparisons(pd.concat(mine, ignore_index=True)))
        values += mine
        if reads is not None:
            reads[family(build)] = sorted(inputs.read | {"area_names", "area_nesting", "neighbours"})
    values = [v for v in values if len(v)]
    comps = [c for c in comps if len(c)]
    return (pd.concat(values, ignore_index=True) if values else pd.DataFrame(columns=VALUE_COLUMNS),
            pd.concat(comps, ignore_index=True) if comps else pd.DataFrame(columns=COMPARISON_COLUMNS))
