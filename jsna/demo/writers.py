"""Writing the demo files: CSV in chunks, GeoPackages (reproducible bytes), the lookups, jsna.toml, README."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from jsna.demo.geography import Geography
from jsna.demo.postcodes import to_wgs84

CHUNK_ROWS = 200_000
FIXED_GPKG_DATE = "2025-12-31T00:00:00.000Z"  # GeoPackages otherwise record the time they were written


def write_csv(path: Path, data: pd.DataFrame | Mapping[str, np.ndarray], encoding: str = "utf-8-sig",
              columns: tuple[str, ...] | None = None) -> Path:
    """CSV with a header row and CRLF line ends (quoting only where needed), written in chunks."""
    names = list(columns) if columns else [str(c) for c in data]
    arrays = [np.asarray(data[c]) for c in names]
    n = len(arrays[0]) if arrays else 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        for i in range(0, max(n, 1), CHUNK_ROWS):
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\r\n")
            if i == 0:
                writer.writerow(names)
            writer.writerows(zip(*[a[i: i + CHUNK_ROWS].tolist() for a in arrays], strict=True))
            f.write(buf.getvalue())
    return path


def global_ids(n: int, rng: np.random.Generator) -> list[str]:
    """Random-looking (but reproducible) version-4 GUIDs, as ONS boundary files carry."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    return [str(uuid.UUID(bytes=bytes(r), version=4)) for r in raw]


def _layer(codes: np.ndarray, names: np.ndarray, geoms: np.ndarray, prefix: str, rng: np.random.Generator,
           points: np.ndarray | None = None) -> gpd.GeoDataFrame:
    if points is None:
        pts = shapely.point_on_surface(geoms)
        points = np.column_stack([shapely.get_x(pts), shapely.get_y(pts)])
    e, nn = np.round(points[:, 0]).astype(np.int64), np.round(points[:, 1]).astype(np.int64)
    lat, lon = to_wgs84(e.astype(float), nn.astype(float))
    return gpd.GeoDataFrame({
        f"{prefix}CD": codes, f"{prefix}NM": names, "BNG_E": e, "BNG_N": nn, "LAT": np.round(lat, 5),
        "LONG": np.round(lon, 5), "GlobalID": global_ids(len(codes), rng),
    }, geometry=gpd.GeoSeries(geoms, crs=27700), crs=27700)


def write_gpkg(path: Path, layer: str, frame: gpd.GeoDataFrame) -> Path:
    """One-layer GeoPackage; the recorded modification time is pinned so reruns give identical bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_GPKG_DATE})
    try:
        frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio", promote_to_multi=True)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
    return path


def write_boundaries(out: Path, geo: Geography, rng: np.random.Generator) -> None:
    """LSOA 2021, MSOA 2021, LAD 2023, county/unitary 2023 and region 2023 boundaries (EPSG:27700)."""
    lsoa_pts = geo.lsoa[["x", "y"]].to_numpy()
    layers = [
        ("lsoa21", "LSOA21", geo.lsoa, geo.lsoa_geom, lsoa_pts),
        ("msoa21", "MSOA21", geo.msoa, geo.msoa_geom, None),
        ("lad23", "LAD23", geo.lad, geo.lad_geom, None),
        ("ctyua23", "CTYUA23", geo.utla, geo.utla_geom, None),
        ("rgn23", "RGN23", geo.region, geo.region_geom, None),
    ]
    for layer, prefix, table, geoms, pts in layers:
        order = np.argsort(table["code"].to_numpy(), kind="stable")
        frame = _layer(table["code"].to_numpy()[order], table["name"].to_numpy()[order], geoms[order], prefix, rng,
                       None if pts is None else pts[order])
        write_gpkg(out / "boundaries" / f"{layer}.gpkg", layer, frame)


def write_lookups(out: Path, geo: Geography) -> None:
    """The ONS LSOA->MSOA->LAD, LTLA->UTLA and LAD->region lookups."""
    lsoa, msoa, lad, utla, region = geo.lsoa, geo.msoa, geo.lad, geo.utla, geo.region
    li = lsoa["lad"].to_numpy()
    mi = lsoa["msoa"].to_numpy()
    look = pd.DataFrame({
        "LSOA21CD": lsoa["code"], "LSOA21NM": lsoa["name"], "MSOA21CD": msoa["code"].to_numpy()[mi],
        "MSOA21NM": msoa["name"].to_numpy()[mi], "LAD23CD": lad["code"].to_numpy()[li],
        "LAD23NM": lad["name"].to_numpy()[li],
    }).sort_values("LSOA21CD", kind="stable")
    look["ObjectId"] = np.arange(1, len(look) + 1)
    write_csv(out / "lookups" / "lsoa21_msoa21_lad23.csv", look)
    ui = lad["utla"].to_numpy()
    lt = pd.DataFrame({
        "LTLA23CD": lad["code"], "LTLA23NM": lad["name"], "LTLA23NMW": "", "UTLA23CD": utla["code"].to_numpy()[ui],
        "UTLA23NM": utla["name"].to_numpy()[ui], "UTLA23NMW": "",
    }).sort_values("LTLA23CD", kind="stable")
    lt["ObjectId"] = np.arange(1, len(lt) + 1)
    write_csv(out / "lookups" / "ltla_utla23.csv", lt)
    ri = utla["region"].to_numpy()[ui]
    rg = pd.DataFrame({
        "LAD23CD": lad["code"], "LAD23NM": lad["name"], "RGN23CD": region["code"].to_numpy()[ri],
        "RGN23NM": region["name"].to_numpy()[ri],
    }).sort_values("LAD23CD", kind="stable")
    rg["ObjectId"] = np.arange(1, len(rg) + 1)
    write_csv(out / "lookups" / "lad23_rgn23.csv", rg)


def write_imd(out: Path, geo: Geography, rank: np.ndarray, decile: np.ndarray) -> None:
    """IMD 2019 File 1 layout (ranks with thousands separators), keyed by the demo's LSOA codes."""
    lad = geo.lsoa["lad"].to_numpy()
    frame = pd.DataFrame({
        "LSOA code (2011)": geo.lsoa["code"], "LSOA name (2011)": geo.lsoa["name"],
        "Local Authority District code (2019)": geo.lad["code"].to_numpy()[lad],
        "Local Authority District name (2019)": geo.lad["name"].to_numpy()[lad],
        "Index of Multiple Deprivation (IMD) Rank": [f"{r:,}" for r in rank],
        "Index of Multiple Deprivation (IMD) Decile": decile,
    }).sort_values("LSOA code (2011)", kind="stable")
    write_csv(out / "deprivation" / "imd2019_lsoa.csv", frame)


def write_towns(out: Path, geo: Geography) -> None:
    t = geo.towns
    lad = t["lad"].to_numpy()
    frame = pd.DataFrame({
        "name": t["name"], "easting": np.round(t["x"]).astype(np.int64), "northing": np.round(t["y"]).astype(np.int64),
        "district_code": geo.lad["code"].to_numpy()[lad], "district_name": geo.lad["name"].to_numpy()[lad],
    }).sort_values(["district_code", "name"], kind="stable")
    write_csv(out / "places" / "towns.csv", frame)


def write_service_sites(out: Path, geo: Geography, project: str) -> None:
    """Where services are delivered, as the 2017 report placed them: urgent care hubs in the three largest
    towns (opened September 2018), the integrated care team based in the largest, a CAMHS clinic in each
    district's largest town and child development centres in the second, fourth and sixth largest."""
    t = geo.towns.reset_index(drop=True)  # largest first
    trust = f"{project} Community NHS Trust"
    rows = [(f"{t.loc[i, 'name']} Urgent Care Hub", "Urgent care hub", trust, "01/09/2018", i)
            for i in range(min(3, len(t)))]
    rows.append((f"{t.loc[0, 'name']} Civic Centre", "Integrated care team", f"{project} County Council and NHS",
                 "01/04/2018", 0))
    rows += [(f"{t.loc[i, 'name']} CAMHS", "CAMHS clinic", trust, "", i)
             for i in t.groupby("lad", sort=True).head(1).index]
    rows += [(f"{t.loc[i, 'name']} Child Development Centre", "Child development centre", trust, "", i)
             for i in (1, 3, 5) if i < len(t)]
    frame = pd.DataFrame(rows, columns=["Site name", "Service", "Provider", "Opened", "town"])
    # Sites sit a few hundred metres off their town's centre, each in its own direction.
    angle = np.arange(len(frame)) * 2.39996
    frame["Easting"] = np.round(t.loc[frame["town"], "x"].to_numpy() + 400 * np.cos(angle)).astype(np.int64)
    frame["Northing"] = np.round(t.loc[frame["town"], "y"].to_numpy() + 400 * np.sin(angle)).astype(np.int64)
    write_csv(out / "health" / "service_sites.csv", frame.drop(columns="town"))


SOURCES: tuple[tuple[str, str, str, str | None, int | None], ...] = (
    # name, kind, path, level, vintage
    ("lsoa21_boundaries", "boundaries", "boundaries/lsoa21.gpkg", "lsoa", 2021),
    ("msoa21_boundaries", "boundaries", "boundaries/msoa21.gpkg", "msoa", 2021),
    ("lad23_boundaries", "boundaries", "boundaries/lad23.gpkg", "lad", 2023),
    ("ctyua23_boundaries", "boundaries", "boundaries/ctyua23.gpkg", "utla", 2023),
    ("rgn23_boundaries", "boundaries", "boundaries/rgn23.gpkg", "region", 2023),
    ("lsoa_lookup", "lookup", "lookups/lsoa21_msoa21_lad23.csv", None, 2021),
    ("utla_lookup", "lookup", "lookups/ltla_utla23.csv", None, 2023),
    ("region_lookup", "lookup", "lookups/lad23_rgn23.csv", None, 2023),
    ("nhs_lookup", "lookup", "lookups/lsoa21_sicbl22_icb22_lad22.csv", None, 2021),  # sub-ICBs and ICBs
    ("population_mye", "population_mye", "population/myeb1_lad.csv", None, None),
    ("population_census", "population_census", "population/census2021_lsoa21_age6.csv", None, 2021),
    ("imd", "imd", "deprivation/imd2019_lsoa.csv", None, 2021),
    ("postcodes", "postcodes", "postcodes/onspd_demo.csv", None, None),
    ("schools", "schools", "schools/edubasealldata_demo.csv", None, None),
    ("school_places", "school_places", "schools/special_school_places.csv", None, None),
    # the statutory path: the EHC data as a SEN2 return (education/ehcp_cases.csv, the bespoke extract of the
    # same children, is written too)
    ("ehcp_cases", "sen2_return", "education/sen2_return_2026.xml", None, None),
    ("waiting_list", "waiting_list", "health/waiting_list.csv", None, None),
    ("advice_returns", "advice_returns", "health/ehc_advice_returns.csv", None, None),
    ("social_care", "social_care_cases", "social_care/disabled_children_team.csv", None, None),
    ("service_sites", "service_sites", "health/service_sites.csv", None, None),
    ("nhs_autism_stats", "autism_stats", "health/nhs_autism_stats/autism_stats_subicb.csv", None, None),
    ("nhs_community_health", "community_health", "health/nhs_community_health/eng_ch_time_series_derived.csv",
     None, None),
    ("nhs_mhsds", "mhsds", "health/nhs_mhsds/mhsds_time_series.csv", None, None),
    ("school_census_sen", "school_census_sen", "education/school_census_sen.csv", None, None),
    ("cin_census_return", "cin_census_return", "social_care/cin_census_2025.xml", None, None),
    # benchmarks: DfE's EHC plan statistics for England, the regions and every authority, and its
    # statistical neighbours (the 2025 model; the 2021 groupings are written beside it, not loaded)
    ("ehcp_statistics", "ees_ehcp", "statistics/ehcp_plans", None, None),
    ("statistical_neighbours", "statistical_neighbours", "statistics/sn_model_2025_wide.csv", None, None),
    # the 0-25 pathway: early years children with SEN, and key stage 4 destinations by SEN provision
    ("early_years_sen", "early_years_sen", "statistics/early_years", None, None),
    ("ks4_destinations", "ks4_destinations", "statistics/ks4_destinations", None, None),
)


def write_toml(out: Path, name: str, area_code: str, first_year: int, last_year: int,
               paths: dict[str, str] | None = None) -> Path:
    """jsna.toml describing the demo (paths relative to the file; `paths` in place of SOURCES' for some)."""
    lines = ["[project]", f'name = "{name}"', f'area_code = "{area_code}"', "demo = true",
             f"first_year = {first_year}", f"last_year = {last_year}", "", "[disclosure]", "min_count = 5"]
    for src, kind, path, level, vintage in SOURCES:
        path = (paths or {}).get(src, path)
        lines += ["", "[[sources]]", f'name = "{src}"', f'kind = "{kind}"', f'path = "{path}"']
        if level:
            lines.append(f'level = "{level}"')
        if vintage:
            lines.append(f"vintage = {vintage}")
    lines += ALERTS.splitlines()
    target = out / "jsna.toml"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


# Example alert rules: evaluated after every refresh and shown on the Alerts page; no one is told until
# recipients (email addresses, webhook URLs) are given.
ALERTS = """
[notify]
base_url = "http://127.0.0.1:8501"   # the dashboards' address: messages link to its Alerts page
# smtp_host = "smtp.example.org"
# smtp_port = 587
# starttls = true
# sender = "jsna@example.org"
# on_failure = ["send-data-team@example.org"]   # told when a refresh fails

[[alerts]]
name = "plans_within_20_weeks"
indicator = "ehcp_20_weeks"       # the latest published value for the authority
threshold = "target"              # the catalogue's target (95%)
direction = "below"
recipients = []                   # e.g. ["send-board@example.org", "https://example.webhook.office.com/..."]

[[alerts]]
name = "final_plans_overdue"
milestone = "final_plan_20w"
horizon = "overdue"
threshold = 20                    # children whose final plan is past its 20 weeks
direction = "above"
recipients = []

[[alerts]]
name = "health_advice_due_soon"
milestone = "health_advice_6w"
horizon = "next_14_days"
threshold = 25
direction = "above"
recipients = []
"""


README = """# {name}: synthetic demonstration data

Everything in this folder is **synthetic**. It was made by `jsna.demo.generate(scale="{scale}", seed={seed})`
and describes no real place, school, child or family. Codes use the letter X where ONS codes use E
(LSOA `X01...`, MSOA `X02...`, district `X07...`, unitary `X06...`, county `X10...`, region `X12...`,
country `X92000001`); postcodes start with X; NHS numbers are in the 999 test range; URNs start at 900001.

The files follow the layouts of the real publications (ONS boundaries, lookups and mid-year estimates,
Census 2021, IMD 2019 File 1, ONSPD, GIAS, DfE school census SEN, DfE's "Education, health and care plans"
release files for England, its regions and every authority under `statistics/ehcp_plans/`, DfE's statistical
neighbours in the 2025 model's and the 2021 groupings' layouts, DfE's funded early education file of children
registered by SEN provision under `statistics/early_years/` and its key stage 4 destination measures by SEN
provision under `statistics/ks4_destinations/`) and of typical local case-management
exports (EHC requests and plans, waiting lists, health advice returns, the disabled children's team).
The same child keeps the same identifiers across every case-level file. `jsna.toml` lists every source.

Extract date of the case-level files: 31 December 2025. `places/towns.csv` lists the towns used to
shape the geography (usable as care hubs).
"""


def write_readme(out: Path, name: str, scale: str, seed: int) -> None:
    (out / "README.md").write_text(README.format(name=name, scale=scale, seed=seed), encoding="utf-8")
