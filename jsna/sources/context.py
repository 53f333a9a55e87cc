"""What record-level adapters need from elsewhere in the run: where to place records, and the key
that pseudonymises identifiers. Built by the pipeline; adapters never touch the warehouse."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from jsna.geography.place import normalise_postcode, points_in_polygons
from jsna.sources.identity import Pseudonymiser


@dataclass
class Placement:
    """The small areas of the run (LSOA polygons in British National Grid) and the postcode directory."""

    lsoas: gpd.GeoDataFrame | None = None  # columns area_code, geometry
    vintage: int | None = None
    postcodes: pd.Series | None = None  # normalised postcode -> LSOA code
    known: set[str] = field(default_factory=set)

    def points(self, x: pd.Series, y: pd.Series) -> pd.Series:
        """LSOA code of each point, None outside every LSOA."""
        if self.lsoas is None:
            return pd.Series(None, index=x.index, dtype=object)
        idx = points_in_polygons(x.to_numpy(float), y.to_numpy(float), self.lsoas.geometry)
        codes = np.where(idx >= 0, self.lsoas["area_code"].to_numpy()[np.maximum(idx, 0)], None)
        return pd.Series(codes, index=x.index, dtype=object)

    def postcode(self, postcodes: pd.Series) -> pd.Series:
        """LSOA code of each postcode, None when the directory does not know it."""
        if self.postcodes is None:
            return pd.Series(None, index=postcodes.index, dtype=object)
        return normalise_postcode(postcodes).map(self.postcodes).astype(object).where(lambda s: s.notna(), None)


@dataclass
class ReadContext:
    placement: Placement
    pseudonymiser: Pseudonymiser | None = None
    authority: str | None = None  # GSS code of the configured area: where a child without a placed home counts
