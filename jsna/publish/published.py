"""The published figures a pack is built from, read as `jsna_reader` with the dashboards' own statements
(sql/dashboards/*.sql), so that a pack and a page read the same rows. No caching: a pack reads once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import sqlalchemy as sa

from jsna.warehouse.engine import get_engine, reader_url
from jsna.warehouse.sqlfiles import query_frame


@dataclass
class Published:
    """Reads of the published schema over one engine (the reader role's unless a URL is given)."""

    engine: sa.Engine
    _periods: dict[str, list[str]] | None = field(default=None, repr=False)

    @classmethod
    def connect(cls, url: str | None = None) -> Published:
        return cls(get_engine(url or reader_url()))

    def query(self, name: str, folder: str = "dashboards", **params: Any) -> pd.DataFrame:
        """The statement sql/<folder>/<name>.sql with these parameters bound."""
        return query_frame(self.engine, f"{folder}/{name}", params=params)

    # -- catalogue ---------------------------------------------------------------------------------
    def indicators(self) -> pd.DataFrame:
        return self.query("indicators").set_index("indicator_id", drop=False)

    def periods(self, indicator_id: str) -> list[str]:
        """Every period an indicator is published for, in order."""
        if self._periods is None:
            frame = self.query("published_periods")
            self._periods = {str(i): sorted(g) for i, g in frame.groupby("indicator_id")["period"]}
        return self._periods.get(indicator_id, [])

    def present(self) -> set[str]:
        self.periods("")
        return set(self._periods or {})

    def _periods_of(self, ids: list[str]) -> list[str]:
        return sorted({p for i in ids for p in self.periods(i)})

    # -- values ------------------------------------------------------------------------------------
    def values(self, indicator_id: str, level: str | None = None, breakdown: str = "all",
               area_codes: list[str] | None = None) -> pd.DataFrame:
        """Published rows of one indicator (suppressed rows as published: no value, symbol 'c')."""
        return self.query("values", ids=[indicator_id], b=breakdown, l=level, ps=self.periods(indicator_id),
                          codes=area_codes, d=None)

    def breakdown_values(self, indicator_id: str, area_code: str, dimension: str, level: str) -> pd.DataFrame:
        """One area's rows of an indicator broken down by one dimension ('pathway', 'age_band', ...)."""
        return self.query("values", ids=[indicator_id], ps=self.periods(indicator_id), codes=[area_code],
                          d=f"{dimension}=%", l=level, b=None)

    def area_series(self, ids: list[str], area_code: str, level: str) -> pd.DataFrame:
        """Every period of several indicators for one area (breakdown 'all')."""
        return self.query("values", ids=ids, ps=self._periods_of(ids), l=level, codes=[area_code], b="all", d=None)

    def comparisons(self, ids: list[str], area_code: str, level: str) -> pd.DataFrame:
        """Every published comparison (England, region, parent, neighbours, target) of an area."""
        return self.query("comparisons", ids=ids, ps=self._periods_of(ids), l=level, a=area_code)

    # -- areas, sources, planning ------------------------------------------------------------------
    def area(self, code: str) -> pd.Series | None:
        frame = self.query("configured_area", c=code)
        return None if frame.empty else frame.iloc[0]

    def busiest_area(self) -> pd.Series | None:
        """The upper-tier area the dashboards choose when none is configured."""
        for indicator in ("ehcp_plans", *sorted(self.present())):
            found = self.periods(indicator)
            if found:
                frame = self.query("busiest_area", i=indicator, p=found[-1])
                if len(frame):
                    return frame.iloc[0]
        return None

    def areas_within(self, level: str, code: str) -> pd.DataFrame:
        return self.query("areas_within", l=level, w=code)

    def sources(self) -> pd.DataFrame:
        return self.query("sources")

    def forecasts(self, codes: list[str]) -> pd.DataFrame:
        return self.query("forecasts", codes=codes)

    def sufficiency(self, codes: list[str]) -> pd.DataFrame:
        return self.query("sufficiency", codes=codes)

    def build(self) -> pd.Series | None:
        """The refresh run that built the published tables (None before a run that records it)."""
        frame = self.query("build", folder="pack")
        return None if frame.empty else frame.iloc[0]
