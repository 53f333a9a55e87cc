"""SQLAlchemy models of the published tables that carry geometry, with GeoAlchemy2 geometry types: the one
typed path geometry is read by (the API's GeoJSON, the dashboards' maps, the printed map exports). Their columns
mirror the migrations (sql/migrations): `published.areas.geom` is the web geometry, WGS84 and simplified per
level when a refresh publishes it."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

if TYPE_CHECKING:
    import geopandas as gpd

WGS84 = 4326
GEOJSON_DECIMALS = 5  # as the dashboards' maps: about a metre


class Published(DeclarativeBase):
    """Tables of the `published` schema (read-only: refreshes build them, readers only select)."""

    metadata = sa.MetaData(schema="published")


class Area(Published):
    """published.areas: an area of a level and vintage, its parent, its web boundary (WGS84, simplified)."""

    __tablename__ = "areas"
    area_level: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    area_code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    vintage: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    area_name: Mapped[str] = mapped_column(sa.Text)
    parent_code: Mapped[str | None] = mapped_column(sa.Text)
    geom: Mapped[Any] = mapped_column(Geometry("MULTIPOLYGON", srid=WGS84, spatial_index=False), nullable=True)


class AreaHierarchy(Published):
    """published.area_hierarchy: which area lies in which (every level above, not only the parent)."""

    __tablename__ = "area_hierarchy"
    child_level: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    child_code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    parent_level: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    parent_code: Mapped[str] = mapped_column(sa.Text)


class School(Published):
    """published.schools: a school (Get Information About Schools) and its location (WGS84)."""

    __tablename__ = "schools"
    urn: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sa.Text)
    type: Mapped[str] = mapped_column(sa.Text)
    phase: Mapped[str | None] = mapped_column(sa.Text)
    is_special: Mapped[bool] = mapped_column(sa.Boolean)
    capacity: Mapped[int | None] = mapped_column(sa.Integer)
    lad_code: Mapped[str | None] = mapped_column(sa.Text)
    geom: Mapped[Any] = mapped_column(Geometry("POINT", srid=WGS84, spatial_index=False))


class Build(Published):
    """published.build: the refresh run that built the published tables."""

    __tablename__ = "build"
    run_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    jsna_version: Mapped[str | None] = mapped_column(sa.Text)


def latest_vintage(level: Any) -> sa.ScalarSelect[Any]:
    """The latest vintage published for `level` (a bound value or a column)."""
    other = sa.orm.aliased(Area)
    return sa.select(sa.func.max(other.vintage)).where(other.area_level == level).scalar_subquery()


def area_shapes(level: str | None = None, code: str | None = None, codes: list[str] | None = None,
                drawn: bool = False) -> sa.Select[Any]:
    """The areas of `level` (or the one area `code`, or those of `codes`), latest vintage, with their boundary
    as GeoJSON text (WGS84, GEOJSON_DECIMALS) in `geometry`; only those with a boundary when `drawn`."""
    query = (sa.select(Area.area_code, Area.area_name, Area.area_level, Area.parent_code,
                       sa.func.ST_AsGeoJSON(Area.geom, GEOJSON_DECIMALS).label("geometry"))
             .where(Area.vintage == latest_vintage(Area.area_level)))
    if level is not None:
        query = query.where(Area.area_level == level)
    if code is not None:
        query = query.where(Area.area_code == code)
    if codes is not None:
        query = query.where(Area.area_code.in_(codes))
    if drawn:
        query = query.where(Area.geom.is_not(None))
    return query.order_by(Area.area_code)


def boundaries(level: str, within: str | None = None) -> sa.Select[Any]:
    """The areas of `level` with a boundary (latest vintage; `geom` typed), inside area `within` (down the
    published hierarchy) when given: what a printed map draws."""
    query = (sa.select(Area.area_code, Area.area_name, Area.geom)
             .where(Area.area_level == level, Area.geom.is_not(None), Area.vintage == latest_vintage(level)))
    if within is not None:
        start = sa.select(sa.cast(sa.literal(within), sa.Text(collation="C")).label("code"))
        down = start.cte("down", recursive=True)
        step = sa.orm.aliased(AreaHierarchy)
        down = down.union(sa.select(step.child_code).join(down, step.parent_code == down.c.code))
        query = query.where(Area.area_code.in_(sa.select(down.c.code)))
    return query.order_by(Area.area_code)


def geoframe(bind: Engine | Connection, query: sa.Select[Any], geom_col: str = "geom") -> gpd.GeoDataFrame:
    """A select's rows as a GeoDataFrame in WGS84: GeoAlchemy2 reads `geom_col` as WKB elements, made shapes."""
    import geopandas as gpd  # here: the dashboards and the API need no geopandas for their reads
    from geoalchemy2.shape import to_shape

    with bind.connect() if isinstance(bind, Engine) else nullcontext(bind) as conn:
        result = conn.execute(query)
        columns, rows = list(result.keys()), result.all()
    frame = gpd.pd.DataFrame.from_records(rows, columns=columns)
    shapes = [None if g is None else to_shape(g) for g in frame[geom_col]]
    return gpd.GeoDataFrame(frame.drop(columns=[geom_col]), geometry=gpd.GeoSeries(shapes, crs=WGS84),
                            crs=WGS84).rename_geometry(geom_col)

