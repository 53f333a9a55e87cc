"""The area SEND inspection framework's catalogue (inspection_framework.toml): its evaluation areas, the published
indicators that evidence each, and the information the handbook asks a local area partnership to provide."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FRAMEWORK = Path(__file__).with_name("inspection_framework.toml")
# published tables a requested item may name (each has a fixed existence check in sql/publish/inspection_tables.sql)
TABLES = ("indicators", "indicator_values", "sources", "school_places", "sufficiency", "forecasts")
BETTER = {"high_is_good": "higher", "low_is_good": "lower", "no_judgement": "no judgement"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    title: str
    url: str
    first_published: str
    in_use_from: str
    updated: list[str]
    version_read: str
    read_on: str
    found_at: list[str]
    caveat: str


class Evidencing(_Strict):
    """One indicator evidencing an area: which breakdown is read, which direction is better, its target."""

    id: str
    better: Literal["higher", "lower", "no judgement"]
    target: float | None = None
    breakdown: str = "all"  # 'all', one category 'topic=value', or every category of a topic 'topic=*'

    @property
    def topic(self) -> str | None:
        """'pathway' for 'pathway=*' (every published category of the topic), else None."""
        return self.breakdown[:-2] if self.breakdown.endswith("=*") else None


class Area(_Strict):
    id: str
    group: str
    label: str
    summary: str
    found_at: str
    indicators: list[Evidencing]
    not_held: str | None = None

    @model_validator(mode="after")
    def _evidenced_or_explained(self) -> Area:
        if not self.indicators and not self.not_held:
            raise ValueError(f"area {self.id}: no indicators and no `not_held` saying why")
        return self


class Requested(_Strict):
    """An item of information the handbook asks for: what the warehouse publishes for it, or why nothing."""

    id: str
    label: str
    indicators: list[str] = Field(default_factory=list)  # 'id' or 'id:breakdown'
    tables: list[str] = Field(default_factory=list)
    partial: str | None = None
    not_held: str | None = None

    @model_validator(mode="after")
    def _mapped_or_not_held(self) -> Requested:
        mapped = bool(self.indicators or self.tables)
        if mapped == bool(self.not_held):
            raise ValueError(f"requested item {self.id}: give indicators/tables or `not_held`, not both or neither")
        unknown = set(self.tables) - set(TABLES)
        if unknown:
            raise ValueError(f"requested item {self.id}: unknown published tables {sorted(unknown)}")
        return self

    def parts(self) -> list[tuple[str, str | None]]:
        """(indicator id, breakdown or None for any) for each named indicator."""
        return [(i.partition(":")[0], i.partition(":")[2] or None) for i in self.indicators]


class Framework(_Strict):
    source: Source
    area: list[Area]
    requested: list[Requested]

    def indicator_ids(self) -> set[str]:
        """Every indicator id the catalogue names, in areas and requested items."""
        return {e.id for a in self.area for e in a.indicators} | {i for r in self.requested for i, _ in r.parts()}


@lru_cache(maxsize=1)
def load_framework(path: Path = FRAMEWORK) -> Framework:
    """The catalogue, validated; ids unique within areas and within requested items."""
    framework = Framework.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    for kind, ids in (("area", [a.id for a in framework.area]), ("requested", [r.id for r in framework.requested])):
        if len(ids) != len(set(ids)):
            raise ValueError(f"{path.name}: a {kind} id is given twice")
    return framework
