"""What a printed map shows, read from the published (disclosure-controlled) tables as `jsna_reader`: an
indicator's values for one level, period and breakdown over the areas of the home authority (as the
dashboards' Map explorer draws them), its districts, its sources and comparisons. `jsna.publish.printmap`
draws it; `export_map` writes it (PNG, PDF or SVG)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np

from jsna.errors import ExportError
from jsna.publish.attribution import attribution, kinds_behind
from jsna.publish.formatting import breakdown_label, period_label
from jsna.warehouse import models
from jsna.warehouse.engine import get_engine, reader_url
from jsna.warehouse.sqlfiles import query_frame, statement

LEVELS = ["lsoa", "msoa", "lad", "utla", "region"]  # mapped levels, finest first
LOCAL = {"lsoa", "msoa", "lad"}  # drawn inside the home authority, as the dashboards draw them
COMPARATORS = {"england": "England", "target": "the target", "region": "the region", "neighbours":
               "statistical neighbours", "parent": "the parent area"}
SUPPRESSED, NO_DATA, SHOWN = "suppressed", "no data", "value"


@dataclass
class MapData:
    """One printed map's figures: `areas` has area_code, area_name, geometry, value, symbol, comparison
    and state (value, suppressed or no data)."""

    indicator: str
    title: str
    unit: str
    polarity: str
    level: str
    period: str
    breakdown: str
    area_code: str
    area_name: str
    areas: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    sources: str
    coarser: list[str] = field(default_factory=list)  # coarser levels the indicator is published at
    compare: str | None = None  # comparator type the map is coloured by (None: classed values)

    @property
    def local(self) -> bool:
        return self.level in LOCAL

    def count(self, state: str) -> int:
        return int((self.areas["state"] == state).sum())


def home_area(conn: object, indicator: str, area: str | None) -> tuple[str, str]:
    """The upper-tier area the map is about: `area`, else the project's (jsna.toml), else the one the
    dashboards would choose."""
    from jsna.config import get_settings, load_config
    from jsna.errors import JsnaError

    code, config = area, get_settings().config
    if code is None and config is not None:
        try:
            code = load_config(config).project.area_code
        except JsnaError:
            code = None
    row = conn.execute(statement("publish/map_home"),  # type: ignore[attr-defined]
                       {"c": code, "ids": ["ehcp_plans", indicator]}).first()
    if row is None or (area is not None and row[0] != area):
        raise ExportError(f"No upper-tier area {area or ''} is published to map; run `jsna refresh` first.")
    return str(row[0]), str(row[1])


def map_data(indicator: str, level: str, period: str | None = None, breakdown: str | None = None,
             area: str | None = None, compare: str | None = None, url: str | None = None) -> MapData:
    """The published figures a map of `indicator` at `level` shows (latest period by default; breakdown
    'all' by default, and an error listing the breakdowns when the indicator has no 'all')."""
    if level not in LEVELS:
        raise ExportError(f"Cannot map level {level}: maps are drawn for {', '.join(LEVELS)}.")
    if compare is not None and compare not in COMPARATORS:
        raise ExportError(f"Cannot colour by comparison with {compare}: use one of {', '.join(COMPARATORS)}.")
    engine = get_engine(url or reader_url())
    with engine.connect() as conn:
        meta = conn.execute(statement("publish/map_indicator"), {"i": indicator}).mappings().first()
        if meta is None:
            raise ExportError(f"No published indicator {indicator}; `jsna indicators list` shows the catalogue.")
        periods = conn.execute(statement("publish/map_periods"), {"i": indicator, "l": level}).scalars().all()
        if not periods:
            raise ExportError(f"{indicator} is not published at level {level}.")
        period = period or periods[-1]
        if period not in periods:
            raise ExportError(f"{indicator} has no period {period} at level {level}; it has {', '.join(periods)}.")
        splits = list(conn.execute(statement("publish/map_breakdowns"),
                                   {"i": indicator, "l": level, "p": period}).scalars())
        if breakdown is None and "all" not in splits:
            raise ExportError(f"{indicator} has no 'all' figures at level {level} in {period_label(period)}: "
                              f"choose --breakdown from {', '.join(splits)}.")
        breakdown = breakdown or "all"
        if breakdown not in splits:
            raise ExportError(f"{indicator} has no breakdown {breakdown} at level {level} in "
                              f"{period_label(period)}; it has {', '.join(splits)}.")
        if compare is not None:
            against = list(conn.execute(statement("publish/map_comparators"),
                                        {"i": indicator, "l": level, "p": period, "b": breakdown}).scalars())
            if compare not in against:
                raise ExportError(f"{indicator} at level {level} in {period_label(period)} is not compared with "
                                  f"{COMPARATORS[compare]}; colour it by --compare "
                                  f"{' or '.join(against) if against else 'nothing: it has no comparisons'}.")
        code, name = home_area(conn, indicator, area)
        coarser = list(conn.execute(statement("publish/map_levels"), {
            "ls": LEVELS[LEVELS.index(level) + 1:], "i": indicator, "p": period, "b": breakdown}).scalars())
        sources = conn.execute(statement("publish/map_sources"),
                               {"kinds": kinds_behind(str(meta["sources"]).split(","))}).mappings().all()
    within = code if level in LOCAL else None
    shapes = models.geoframe(engine, models.boundaries(level, within))
    if shapes.empty:
        raise ExportError(f"No {level} boundaries are published; load a boundary file for that level.")
    districts = models.geoframe(engine, models.boundaries("lad", code))
    values = query_frame(engine, "publish/map_values",
                         params={"i": indicator, "l": level, "p": period, "b": breakdown, "ct": compare})
    areas = shapes.merge(values, on="area_code", how="left")
    has_row = areas["area_code"].isin(set(values["area_code"]))
    areas["state"] = np.where(areas["value"].notna(), SHOWN,
                              np.where(has_row & (areas["symbol"] == "c"), SUPPRESSED, NO_DATA))
    return MapData(indicator, str(meta["title"]), str(meta["unit"]), str(meta["polarity"]), level, period,
                   breakdown, code, name, areas, districts, attribution([dict(r) for r in sources]),
                   coarser, compare)


def export_map(indicator: str, level: str, out: Path, period: str | None = None, breakdown: str | None = None,
               paper: str = "a4", orientation: str = "portrait", scheme: str = "quantiles", k: int = 5,
               area: str | None = None, compare: str | None = None, url: str | None = None) -> tuple[Path, list[str]]:
    """Write the map sized to the paper; the format follows the file's suffix (.png at 200 dpi, .pdf with
    its fonts embedded, .svg). Returns the file and the map's warnings (e.g. most areas suppressed)."""
    from jsna.publish.printmap import draw, warnings_of, write

    data = map_data(indicator, level, period, breakdown, area, compare, url)
    fig = draw(data, paper, orientation, scheme, k)
    write(fig, out)
    return out, warnings_of(data)


def subtitle(data: MapData) -> str:
    """'Autism (ASC), Districts in Demoshire, Jan 2025': breakdown, level, place and period, as the
    dashboards' Map explorer titles its map."""
    from jsna.publish.formatting import LEVEL_NAMES

    where = f" in {data.area_name}" if data.local else " in England" if data.level != "region" else ""
    split = f"{breakdown_label(data.breakdown)}, " if data.breakdown != "all" else ""
    return f"{split}{LEVEL_NAMES.get(data.level, data.level)}{where}, {period_label(data.period)}"

