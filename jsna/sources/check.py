"""`jsna sources check`: read every declared file with its adapter, without touching the warehouse,
and report per source the rows that would load and those that would be quarantined."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from jsna.config import Settings, load_config, require_demo_areas
from jsna.errors import JsnaError
from jsna.sources.context import Placement, ReadContext
from jsna.sources.identity import Pseudonymiser
from jsna.sources.people import unplaced_notes
from jsna.sources.registry import CHILD_LEVEL, PLACED, READERS, check_path
from jsna.sources.releases import release_notes
from jsna.sources.sen2_return.rules import validation_rules
from jsna.sources.xsd import collection_year, complaints, schema_path, summary

TOP_REASONS = 5  # quarantine reasons shown per source
RETURNS = ("sen2_return", "cin_census_return")  # kinds checked against the public XSD of their year
FIRST_LINES = 3  # line numbers shown per reason


@dataclass
class Reason:
    """One quarantine reason of a source: the rule, the column, how many rows and the first lines."""

    rule: str
    column: str
    count: int
    lines: list[int]

    def __str__(self) -> str:
        more = ", ..." if self.count > len(self.lines) else ""
        where = "line" + ("s " if self.count > 1 else " ") + ", ".join(f"{n:,}" for n in self.lines) + more
        return f"{self.rule} ({self.column or 'row'}): {self.count:,} row{'s' if self.count > 1 else ''}, {where}"


@dataclass
class RuleBroken:
    """One validation rule a statutory return breaks (DfE's, jsna.sources.sen2_return.rules): its severity,
    reference and message, how many of the return's records break it and their first lines."""

    severity: str
    reference: str
    message: str
    count: int
    lines: list[int]

    def __str__(self) -> str:
        more = ", ..." if self.count > len(self.lines) else ""
        where = "line" + ("s " if len(self.lines) > 1 else " ") + ", ".join(f"{n:,}" for n in self.lines) + more
        return (f"{self.severity} {self.reference}: {self.message}: {self.count:,} "
                f"record{'s' if self.count > 1 else ''}, {where}")


@dataclass
class CheckResult:
    name: str
    kind: str
    rows_in: int | None = None
    rows_loaded: int | None = None
    rows_quarantined: int | None = None
    error: str | None = None
    reasons: list[Reason] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rules: list[RuleBroken] = field(default_factory=list)
    schema: list[str] = field(default_factory=list)  # complaints of the XSD of the return's year

    @property
    def status(self) -> str:
        if self.error:
            return f"error: {self.error}"
        if self.rows_in is None:
            return "not loaded by this version yet"
        return "ok" if not self.rows_quarantined else "ok, with rows to quarantine"


def check_sources(config_path: Path, settings: Settings) -> list[CheckResult]:
    cfg = load_config(config_path)
    results: list[CheckResult] = []
    placement = Placement()
    ordered = sorted(cfg.sources, key=lambda s: s.kind in PLACED)  # reference files first
    for entry in ordered:
        result = CheckResult(entry.name, entry.kind)
        results.append(result)
        if entry.kind not in READERS:
            continue
        path = cfg.resolve(entry)
        try:
            check_path(entry.kind, path)
            context = None
            if entry.kind in PLACED:
                if entry.kind in CHILD_LEVEL and cfg.project.demo:
                    require_demo_areas(placement.known, "The LSOA boundaries declared hold")
                key = Pseudonymiser(settings.pseudonym_key, cfg.project.demo) if entry.kind in CHILD_LEVEL else None
                context = ReadContext(placement, key, cfg.project.area_code)
            parsed = READERS[entry.kind](path, entry.options, context)
        except JsnaError as exc:
            result.error = str(exc)
            continue
        result.rows_in, result.rows_loaded = parsed.rows_in, parsed.rows_loaded
        result.rows_quarantined = len(parsed.quarantine)
        result.reasons = top_reasons(parsed.quarantine)
        result.notes = notes(parsed.extras)
        result.rules = rules_broken(parsed.extras)
        if entry.kind in RETURNS and path.is_file() and path.suffix.lower() == ".xml":
            result.schema, note = schema_check(path)
            result.notes += [note] if note else []
        _learn(placement, entry.kind, parsed.frame)
    return [r for name in [s.name for s in cfg.sources] for r in results if r.name == name]


def top_reasons(quarantine: pd.DataFrame, top: int = TOP_REASONS) -> list[Reason]:
    """The most frequent quarantine reasons (rule and column), with their first line numbers."""
    if quarantine.empty:
        return []
    q = quarantine.assign(column_name=quarantine["column_name"].fillna(""))
    groups = q.groupby(["rule", "column_name"], sort=False)["line"]
    counts = groups.size().sort_values(ascending=False, kind="stable").head(top)
    return [Reason(str(rule), str(column), int(n), sorted(groups.get_group(key).astype(int))[:FIRST_LINES])
            for key, n in counts.items() for rule, column in [key]]


def schema_check(path: Path) -> tuple[list[str], str | None]:
    """A return's complaints against the XSD shipped for its collection year (jsna.sources.xsd), or a note
    that none is shipped for that year."""
    found = collection_year(path)
    if found is None:
        return [], None
    schema = schema_path(*found)
    if schema is None:
        return [], f"no public XSD shipped for {found[0]} {found[1]}: not checked against one"
    return summary(path, schema, complaints(path, schema)), None


def rules_broken(extras: dict[str, object]) -> list[RuleBroken]:
    """The validation rules a return breaks, errors first, each with its count and first lines."""
    found = [RuleBroken(str(v["severity"]), str(v["reference"]), str(v["message"]), int(str(v["rows"])),
                        [int(n) for n in v["lines"]][:FIRST_LINES])  # type: ignore[attr-defined]
             for v in validation_rules(extras)]
    return sorted(found, key=lambda r: r.severity != "error")


def notes(extras: dict[str, object]) -> list[str]:
    """What an adapter flagged without quarantining: the files of a release not read (and why), NHS
    numbers not used to link, rows landed without a home LSOA (unplaced)."""
    return [*release_notes(extras), *_nhs_notes(extras), *unplaced_notes(extras, FIRST_LINES)]


def _nhs_notes(extras: dict[str, object]) -> list[str]:
    lines = extras.get("nhs_not_usable")
    if not isinstance(lines, list) or not lines:
        return []
    more = ", ..." if len(lines) > FIRST_LINES else ""
    return [f"{len(lines):,} NHS number{'s' if len(lines) > 1 else ''} failing the modulus 11 check or of one "
            f"repeated digit, not used to link (the UPN or local id keys the child): "
            f"line{'s' if len(lines) > 1 else ''} {', '.join(f'{n:,}' for n in lines[:FIRST_LINES])}{more}"]


def _learn(placement: Placement, kind: str, frame: pd.DataFrame) -> None:
    """Keep what later files are placed with: the newest LSOA vintage and the postcode directory."""
    if kind == "boundaries" and len(frame) and (frame["area_level"] == "lsoa").any():
        lsoa = frame[frame["area_level"] == "lsoa"]
        vintage = int(lsoa["vintage"].max())
        if placement.vintage is None or vintage >= placement.vintage:
            lsoa = lsoa[lsoa["vintage"] == vintage]
            placement.lsoas = gpd.GeoDataFrame({"area_code": lsoa["area_code"].to_numpy()},
                                               geometry=lsoa.geometry.to_numpy(), crs=27700)
            placement.vintage = vintage
            placement.known = set(lsoa["area_code"])
    if kind == "postcodes" and len(frame):
        f = frame.dropna(subset=["lsoa_code"])
        placement.postcodes = pd.Series(f["lsoa_code"].to_numpy(), index=f["postcode"].to_numpy())
