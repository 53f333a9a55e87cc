"""What indicator builders read. The pipeline hands over a `fetch` that runs a named query
(sql/queries/<name>.sql) in the run and returns a frame; indicators never touch the database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

LEVELS = {"National": "country", "Regional": "region", "Local authority": "utla"}


@dataclass
class Inputs:
    fetch: Callable[..., pd.DataFrame]
    first_year: int
    last_year: int
    _cache: dict[tuple[str, tuple[tuple[str, Any], ...]], pd.DataFrame] = field(default_factory=dict, repr=False)
    read: set[str] = field(default_factory=set, repr=False)  # the named queries asked for (jsna.rebuild)

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        """A named query's result, fetched once per run."""
        key = (name, tuple(sorted(params.items())))
        if any(params.get(k, v) != v for k, v in self.years.items()):  # jsna.rebuild.settle compares them so
            raise ValueError(f"query {name} is asked for other years than the run's")
        self.read.add(name)
        if key not in self._cache:
            frame = self.fetch(name, **params)
            # rows in a fixed order: sums of floats and choices between equals must not depend on
            # the order the database happened to return them in (two refreshes publish the same)
            if len(frame):
                frame = frame.sort_values(list(frame.columns), na_position="last", kind="stable")
            self._cache[key] = frame.reset_index(drop=True)
        return self._cache[key]

    @property
    def years(self) -> dict[str, int]:
        return {"first_year": self.first_year, "last_year": self.last_year}

    @property
    def lookup(self) -> pd.DataFrame:
        """lsoa_code and the code of every level above it (msoa, lad, utla, region)."""
        return self.query("lsoa_levels")

    @property
    def names(self) -> pd.DataFrame:
        """area_level, area_code, area_name for every area known to the run."""
        return self.query("area_names")

    def names_for(self, counts: pd.DataFrame) -> pd.DataFrame:
        """The names `counts` need: every area's (`names`), and the NHS trusts' where they count by trust (read
        only then: a new advice return changes no figure that has no trust in it)."""
        if "area_level" in counts and counts["area_level"].eq("trust").any():
            return pd.concat([self.names, self.query("trust_names")], ignore_index=True)
        return self.names

    @property
    def nesting(self) -> pd.DataFrame:
        """child_level, child_code, parent_level, parent_code: each area in the one above it."""
        return self.query("area_nesting")

    @property
    def neighbours(self) -> pd.DataFrame:
        """area_code, neighbour_code: DfE's statistical neighbours of each authority."""
        return self.query("neighbours")

    def statistics(self, dataset: str, measures: list[str], breakdown_topic: str | None = None) -> pd.DataFrame:
        """Published figures in wide form: period, area_level, area_code, breakdown_topic, breakdown and one
        column per measure (NaN where suppressed). Only national, regional and authority rows; by default
        only each file's overall breakdown (its topic starting 'All' or 'Total')."""
        frame = self.query("statistics", dataset=dataset)
        frame = frame[frame["measure"].isin(measures) & frame["geographic_level"].isin(list(LEVELS))]
        if breakdown_topic is None:
            frame = frame[frame["breakdown_topic"].str.match(r"^(All|Total)")]
        else:
            frame = frame[frame["breakdown_topic"] == breakdown_topic]
        if frame.empty:
            cols = ["period", "area_level", "area_code", "breakdown_topic", "breakdown", *measures]
            return pd.DataFrame(columns=cols)
        wide = frame.pivot_table(index=["time_period", "geographic_level", "area_code", "breakdown_topic", "breakdown"],
                                 columns="measure", values="value", aggfunc="first").reset_index()
        wide = wide.rename(columns={"time_period": "period"})
        wide["area_level"] = wide.pop("geographic_level").map(LEVELS)
        for m in measures:
            if m not in wide:
                wide[m] = float("nan")
        return wide
