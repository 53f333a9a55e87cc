"""The indicator catalogue (catalogue/*.toml, one file per family): what each indicator means, defined once."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

CATALOGUE = Path(__file__).with_name("catalogue")


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    short_title: str
    definition: str
    numerator: str
    denominator: str
    multiplier: float
    unit: str
    method: Literal["crude_rate", "proportion_wilson", "dsr", "mean", "median", "count", "value"]
    polarity: Literal["high_is_good", "low_is_good", "no_judgement"]
    target: float | None = None
    sources: list[str]
    levels: list[str]
    period_type: str
    caveats: str | None = None
    breakdowns: list[str] = Field(default_factory=list)
    # 'indicator:breakdown': a value computed from that indicator's rows of one breakdown at the same period
    # and area (an SII from decile rates); disclosure control withholds it wherever one of those is suppressed
    derived_from: str | None = None
    # a local target's trajectory (jsna.toml [[targets]]): dated values, the target at a period's end read
    # between them; `target` is then the last one
    trajectory: tuple[tuple[date, float], ...] = ()
    target_source: str = "catalogue"


@lru_cache(maxsize=1)
def load_catalogue(folder: Path = CATALOGUE) -> dict[str, Indicator]:
    items: dict[str, Indicator] = {}
    for path in sorted(folder.glob("*.toml")):
        for entry in tomllib.loads(path.read_text(encoding="utf-8"))["indicator"]:
            ind = Indicator.model_validate(entry)
            if ind.id in items:
                raise ValueError(f"{path.name}: indicator {ind.id} is defined twice")
            items[ind.id] = ind
    return items


@lru_cache(maxsize=1)
def family_of(folder: Path = CATALOGUE) -> dict[str, str]:
    """Each indicator's family: the name of the catalogue file defining it (ehcp, health ...)."""
    return {entry["id"]: path.stem for path in sorted(folder.glob("*.toml"))
            for entry in tomllib.loads(path.read_text(encoding="utf-8"))["indicator"]}


def get_indicator(indicator_id: str) -> Indicator:
    cat = load_catalogue()
    if indicator_id not in cat:
        raise KeyError(indicator_id)
    return cat[indicator_id]


def catalogue_frame(catalogue: Mapping[str, Indicator] | None = None) -> pd.DataFrame:
    """The catalogue (default: the package's; else one with local targets) as rows of published.indicators."""
    rows = []
    for i in (catalogue or load_catalogue()).values():
        rows.append({
            "indicator_id": i.id, "title": i.title, "short_title": i.short_title, "definition": i.definition,
            "numerator": i.numerator, "denominator": i.denominator, "multiplier": i.multiplier, "unit": i.unit,
            "method": i.method, "polarity": i.polarity, "target": i.target, "sources": ", ".join(i.sources),
            "levels": ", ".join(i.levels), "period_type": i.period_type, "caveats": i.caveats,
        })
    return pd.DataFrame(rows)
