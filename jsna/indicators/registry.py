"""Every indicator family, and the one way their counts become published values."""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

import pandas as pd

from jsna.indicators import cin, ehcp, health, pathway, pupils, social
from jsna.indicators.catalogue import Indicator, family_of, load_catalogue
from jsna.indicators.compute import COMPARISON_COLUMNS, VALUE_COLUMNS, finish
from jsna.indicators.inputs import Inputs

Builder = Callable[[Inputs], dict[str, pd.DataFrame]]
FAMILIES: list[Builder] = [ehcp.build, health.build, social.build, pupils.build, cin.build, pathway.build]


def family(build: Builder) -> str:
    """A family's name: its module's, as its catalogue file's (catalogue/<name>.toml)."""
    return build.__module__.rpartition(".")[2]


@dataclass(frozen=True)
class Unit:
    """What is computed as one: a family, or a part of one (a family module's PARTS: its builders, each with the
    indicators it computes), named 'family.part'. A refresh computes again only the units whose queries changed."""

    name: str
    build: Builder
    indicators: tuple[str, ...] | None = None  # a part's; None: the family's (its catalogue file's)


def units() -> list[Unit]:
    """Every unit, in the order of one computation of every indicator."""
    out = []
    for build in FAMILIES:
        parts = getattr(sys.modules[build.__module__], "PARTS", None)
        if parts:
            out += [Unit(f"{family(build)}.{p.__name__}", p, tuple(ids)) for p, ids in parts.items()]
        else:
            out.append(Unit(family(build), build))
    return out


def unit_of() -> dict[str, str]:
    """Each catalogued indicator's unit."""
    out = dict(family_of())  # a copy: the catalogue's is cached
    for unit in units():
        out.update(dict.fromkeys(unit.indicators or (), unit.name))
    return out


def compute_all(inputs: Inputs, catalogue: Mapping[str, Indicator] | None = None,
                families: Collection[str] | None = None, reads: dict[str, list[str]] | None = None,
                emit: Callable[[pd.DataFrame, pd.DataFrame], None] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(values, comparisons) of every catalogued indicator the run has data for; `catalogue`: the package's, or
    one with local targets (`jsna.indicators.targets`). `families`: only these units (`units`, by name; a family's
    name is all its parts); `reads`, if given, gets the named queries each unit computed read (what a later refresh
    checks for changes). With `emit`, each unit's (values, comparisons) go to it as soon as they are computed, in
    order, and are not kept (none are returned): one unit's rows are held at a time."""
    catalogue = catalogue or load_catalogue()
    values, comps = [], []
    for unit in units():
        if families is not None and unit.name not in families and unit.name.partition(".")[0] not in families:
            continue
        inputs.read.clear()
        mine = []
        built = {k: v for k, v in unit.build(inputs).items() if v is not None and len(v)}
        if unit.indicators is not None and (unnamed := set(built) - set(unit.indicators)):
            raise ValueError(f"{unit.name} computes {sorted(unnamed)}, which it does not name")
        for indicator_id, counts in built.items():
            v, c = finish(counts, catalogue[indicator_id], inputs.names_for(counts), inputs.nesting,
                          inputs.neighbours)
            mine.append(v)
            comps.append(c)
        if unit.build is health.build and mine:  # the waiting list against NHS England's published figures
            comps.append(health.nhs_comparisons(pd.concat(mine, ignore_index=True)))
        values += mine
        if reads is not None:
            reads[unit.name] = sorted(inputs.read | {"area_names", "area_nesting", "neighbours"})
        if emit is not None:
            emit(*_joined(values, comps))
            values, comps = [], []
    return _joined(values, comps)


def _joined(values: list[pd.DataFrame], comps: list[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The units' values and comparisons, each stacked in order (empty frames of their columns if none)."""
    values = [v for v in values if len(v)]
    comps = [c for c in comps if len(c)]
    return (pd.concat(values, ignore_index=True) if values else pd.DataFrame(columns=VALUE_COLUMNS),
            pd.concat(comps, ignore_index=True) if comps else pd.DataFrame(columns=COMPARISON_COLUMNS))
