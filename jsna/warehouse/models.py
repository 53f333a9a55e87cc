"""SQLAlchemy models of the published tables that carry geometry, with GeoAlchemy2 geometry types: the one
typed path geometry is read by (the API's GeoJSON). Their columns mirror the migrations (sql/migrations):
`published.areas.geom` is the web geometry, WGS84 and simplified per level when a refresh publishes it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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


def area_shapes(level: str | None = None, code: str | None = None) -> sa.Select[Any]:
    """The areas of `level` (or the one area `code`), latest vintage, with their boundary as GeoJSON text
    (WGS84, GEOJSON_DECIMALS) in `geometry`: no geometry column ever built from text."""
    query = (sa.select(Area.area_code, Area.area_name, Area.area_level, Area.parent_code,
                       sa.func.ST_AsGeoJSON(Area.geom, GEOJSON_DECIMALS).label("geometry"))
             .where(Area.vintage == latest_vintage(Area.area_level)))
    if level is not None:
        query = query.where(Area.area_level == level)
    if code is not None:
        query = query.where(Area.area_code == code)
    return query.order_by(Area.area_code)
