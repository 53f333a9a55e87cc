"""Settings from the environment (JSNA_*) and the sources and project described in a jsna.toml."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from jsna import kinds
from jsna.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = REPO_ROOT / "sql"

# The kinds a jsna.toml may declare and the options each takes besides name, kind and path (any other
# is refused) follow from their declarations in jsna.kinds: `vintage` (the year of the
# geography), `level` and the column names of boundaries, `areas` (the organisation codes an NHS file
# is cut to), `extract_date` of case-level extracts (YYYY-MM-DD; dates after it are quarantined; without
# it, the day the file was last written) and their `columns` (field = "the file's own header").
OPTIONS = kinds.OPTIONS


class Settings(BaseSettings):
    """Machine settings; every field can be set as JSNA_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="JSNA_", env_file=None, extra="ignore")

    database_url: str | None = Field(
        default=None, description="An existing PostGIS; unset means the project's own local cluster."
    )
    reader_database_url: str | None = Field(
        default=None, description="URL the dashboards use (the read-only role); derived when unset."
    )
    reader_role: str = "jsna_reader"
    loader_database_url: str | None = Field(
        default=None, description="URL refreshes use (the loading role); derived when unset."
    )
    loader_role: str = "jsna_loader"
    analyst_database_url: str | None = Field(
        default=None, description="URL analysts use (unsuppressed figures in core); derived when unset."
    )
    analyst_role: str = "jsna_analyst"
    data_dir: Path = REPO_ROOT / "data"
    pg_port: int = 55432
    database_name: str = "jsna"
    pseudonym_key: str | None = Field(default=None, description="HMAC key for child identifiers.")
    config: Path | None = Field(default=None, description="Default jsna.toml for `jsna refresh`.")
    basemap_url: str | None = Field(default=None, description="Optional XYZ tile URL; none by default.")
    task_timeout_seconds: int = Field(default=7200, gt=0, description="A refresh task (landing a file, building "
                                      "the core model, publishing ...) running longer than this fails the run.")
    max_file_bytes: int = Field(default=2 * 1024**3, gt=0,
                                description="A source file larger than this (default 2 GB) is refused unread.")
    max_line_bytes: int = Field(default=1024**2, gt=0, description="A text source with a line longer than this "
                                "(default 1 MB; real rows are a few hundred bytes) is refused unread.")

    @cached_property
    def pg_dir(self) -> Path:
        return self.data_dir / "pg"


class Disclosure(BaseModel):
    """Disclosure-control policy applied at the publishing boundary."""

    model_config = ConfigDict(extra="forbid")

    min_count: int = Field(default=5, ge=1, description="Counts from 1 to min_count-1 are suppressed.")
    symbol: str = "c"
    round_to: int | None = Field(default=None, description="Round published counts to this base (e.g. 5).")


class RefreshPolicy(BaseModel):
    """What a refresh refuses to publish without being told (`jsna refresh --accept-shrink SOURCE`)."""

    model_config = ConfigDict(extra="forbid")

    min_share: float = Field(default=0.5, ge=0, le=1, description=(
        "A source's new delivery with fewer rows than this share of the last committed one stops the refresh."))


class Project(BaseModel):
    """The local area the JSNA is about."""

    model_config = ConfigDict(extra="forbid")

    name: str
    area_code: str = Field(description="GSS code of the home authority (upper tier).")
    demo: bool = Field(default=False, description="Synthetic data: a fixed pseudonymisation key is allowed.")
    first_year: int = 2015
    last_year: int = 2025


class SourceEntry(BaseModel):
    """One file (or folder of files) the refresh loads; options depend on the kind."""

    model_config = ConfigDict(extra="allow")

    name: str
    kind: str
    path: Path

    @field_validator("name")
    @classmethod
    def _identifier(cls, v: str) -> str:
        if not v.replace("_", "").isalnum():
            raise ValueError("source names use letters, digits and underscores only")
        return v

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, v: str) -> str:
        if v not in kinds.KINDS:
            raise ValueError(f"unknown kind '{v}'; the kinds: {', '.join(kinds.NAMES)}")
        return v

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class JsnaConfig(BaseModel):
    """A whole jsna.toml: the project, its disclosure policy and its sources."""

    model_config = ConfigDict(extra="forbid")

    project: Project
    disclosure: Disclosure = Disclosure()
    refresh: RefreshPolicy = RefreshPolicy()
    sources: list[SourceEntry]
    base_dir: Path = Path(".")

    def resolve(self, entry: SourceEntry) -> Path:
        return entry.path if entry.path.is_absolute() else (self.base_dir / entry.path).resolve()

    def by_kind(self, *kinds: str) -> list[SourceEntry]:
        return [s for s in self.sources if s.kind in kinds]


def load_config(path: Path | str) -> JsnaConfig:
    """Read and validate a jsna.toml; paths inside it are relative to the file."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"Configuration file {path} does not exist.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.") from exc
    try:
        cfg = JsnaConfig.model_validate({**data, "base_dir": path.resolve().parent})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}.") from exc
    for s in cfg.sources:
        unknown = sorted(set(s.options) - OPTIONS.get(s.kind, frozenset()))
        if unknown:
            takes = ", ".join(sorted(OPTIONS.get(s.kind, ()))) or "none"
            raise ConfigError(f"{path}: source '{s.name}' ({s.kind}) does not take option"
                              f"{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; the options it takes: {takes}.")
    for s in cfg.sources:
        columns = s.options.get(kinds.COLUMNS)
        if columns is not None and not (isinstance(columns, dict) and all(
                isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in columns.items())):
            raise ConfigError(f"{path}: source '{s.name}' ({s.kind}): columns must be a table of field = \"the "
                              f"file's header\" (e.g. columns = {{ request_date = \"Date EHC Request Received\" }}).")
    names = [s.name for s in cfg.sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{path}: source names must be unique; repeated: {', '.join(dupes)}.")
    if cfg.project.demo:
        require_demo_areas(_named_area_codes(cfg), f"{path} names")
    return cfg


# -- the demo's public key is for the demo's synthetic areas only --------------------------------------
DEMO_AREA_PREFIX = "X"  # the synthetic demo's codes use X where ONS codes use E, W, S or N
_GSS_CODE = re.compile(r"[A-Z][0-9]{8}")


def require_demo_areas(codes: Iterable[str], where: str) -> None:
    """`demo = true` hashes identifiers with a public key: refuse it for any area that is not the demo's."""
    real = sorted({c for c in codes if not c.startswith(DEMO_AREA_PREFIX)})
    if real:
        raise ConfigError(
            f"{where} the real area {real[0]}{f' and {len(real) - 1:,} others' if len(real) > 1 else ''}, "
            "but demo = true (a public pseudonymisation key) is only for the synthetic demo's areas "
            f"(codes beginning {DEMO_AREA_PREFIX}); remove demo = true and set JSNA_PSEUDONYM_KEY."
        )


def _named_area_codes(cfg: JsnaConfig) -> list[str]:
    """The project's area code and every GSS-like code a source's options name."""
    codes = [cfg.project.area_code]
    for entry in cfg.sources:
        for value in entry.options.values():
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str) and _GSS_CODE.fullmatch(v.strip()):
                    codes.append(v.strip())
    return codes


def get_settings() -> Settings:
    return Settings()
