"""Settings from the environment (JSNA_*) and the sources and project described in a jsna.toml."""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import re
import tomllib
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
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
    dask_worker_memory: str = Field(default="auto", description="Each local Dask worker's memory limit (`jsna "
                                    "refresh --workers N`): Dask's 'auto' shares the machine's memory out evenly; a "
                                    "size such as '18GB' lets one heavy task (all of England's EHC plans) use more "
                                    "while the other workers hold little. A worker over it is restarted.")
    protect_rows: int = Field(default=1_000_000, gt=0, description="Disclosure control takes indicator values a "
                              "run of whole periods at a time, of about this many rows: its memory stays bounded "
                              "however large the area (each period is protected apart from the others).")
    smtp_user: str | None = Field(default=None, description="SMTP login for alert emails, if the server asks one.")
    smtp_password: str | None = Field(default=None, description="Its password (never in jsna.toml).")

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


class Milestones(BaseModel):
    """Statutory milestones (jsna.indicators.milestones): the date they are counted as at."""

    model_config = ConfigDict(extra="forbid")

    as_at: dt.date | None = Field(default=None, description=(
        "Count due and overdue steps as at this date; unset: the latest date the case data hold."))


# The statutory milestones jsna.indicators.milestones counts (named here: the configuration sits below it).
MILESTONES = ("decision_6w", "assessment_16w", "final_plan_20w", "health_advice_6w", "annual_review")
CATALOGUE_DIR = Path(__file__).resolve().parent / "indicators" / "catalogue"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def _recipients(values: list[str]) -> list[str]:
    for v in values:
        if not (_EMAIL.match(v) or v.startswith(("http://", "https://"))):
            raise ValueError(f"recipient '{v}' is neither an email address nor an http(s) webhook URL")
    return values


class AlertRule(BaseModel):
    """One [[alerts]] rule: a published indicator's latest value, or a milestone's count, against a threshold."""

    model_config = ConfigDict(extra="forbid")

    name: str
    indicator: str | None = None
    milestone: str | None = None
    area: str | None = Field(default=None, description="GSS code (a district or the authority); default the project's.")
    breakdown: str = "all"
    threshold: float | Literal["target"]
    direction: Literal["above", "below"] = Field(description="A breach is a value above (or below) the threshold.")
    horizon: Literal["overdue", "next_14_days", "next_28_days"] | None = None
    recipients: list[str] = Field(default_factory=list, description="Email addresses and webhook URLs.")

    @field_validator("name")
    @classmethod
    def _identifier(cls, v: str) -> str:
        if not v.replace("_", "").isalnum():
            raise ValueError("alert names use letters, digits and underscores only")
        return v

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, v: list[str]) -> list[str]:
        return _recipients(v)

    @model_validator(mode="after")
    def _one_subject(self) -> AlertRule:
        if (self.indicator is None) == (self.milestone is None):
            raise ValueError(f"alert '{self.name}' names an indicator or a milestone (one of them)")
        if self.milestone is not None:
            if self.milestone not in MILESTONES:
                raise ValueError(f"alert '{self.name}': unknown milestone '{self.milestone}'; the milestones: "
                                 f"{', '.join(MILESTONES)}")
            if self.threshold == "target":
                raise ValueError(f"alert '{self.name}': a milestone has no target; give a number of children")
            self.horizon = self.horizon or "overdue"
        elif self.horizon is not None:
            raise ValueError(f"alert '{self.name}': horizon is for milestones only")
        return self

    @property
    def what(self) -> str:
        return self.indicator or str(self.milestone)


class Notify(BaseModel):
    """Where alert and failure messages go: SMTP for email, and the dashboards' address for links."""

    model_config = ConfigDict(extra="forbid")

    base_url: str = Field(default="http://127.0.0.1:8501", description="The dashboards' address (links to /alerts).")
    smtp_host: str = "localhost"
    smtp_port: int = 25
    starttls: bool = False
    sender: str = "jsna@localhost"
    on_failure: list[str] = Field(default_factory=list, description="Told when a refresh fails.")

    @field_validator("on_failure")
    @classmethod
    def _addresses(cls, v: list[str]) -> list[str]:
        return _recipients(v)


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
    # set by load_config on the sources a pattern stands for (not written in jsna.toml): the declared name
    member_of: str | None = Field(default=None, exclude=True)

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


PATTERN = re.compile(r"[*?\[]")  # a path with these is a glob pattern: one source per file it matches


def _stem_name(path: Path) -> str:
    return re.sub(r"[^a-z0-9]+", "_", path.name.split(".")[0].lower()).strip("_")


class TrajectoryPoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: dt.date
    value: float


class LocalTarget(BaseModel):
    """One [[targets]] entry: an area's own target for an indicator, in place of the catalogue's: its value, the
    date by which it is to be met (earlier periods are not judged against it), the direction that meets it, and
    a trajectory of dated values towards it (each period judged against the value read between them)."""

    model_config = ConfigDict(extra="forbid")

    indicator: str
    value: float
    by: dt.date | None = None
    direction: Literal["higher", "lower"] | None = Field(
        default=None, description="higher: met at or above the value; lower: at or below. Default: the "
                                  "indicator's polarity.")
    trajectory: list[TrajectoryPoint] = Field(default_factory=list)

    @model_validator(mode="after")
    def _path(self) -> LocalTarget:
        dates = [p.date for p in self.trajectory]
        if dates != sorted(set(dates)):
            raise ValueError("a trajectory's dates must rise, each once")
        if self.by is not None:
            if dates and dates[-1] > self.by:
                raise ValueError("a trajectory ends on or before its target's date ('by')")
            self.trajectory = [*self.trajectory, TrajectoryPoint(date=self.by, value=self.value)]
        return self


class JsnaConfig(BaseModel):
    """A whole jsna.toml: the project, its disclosure policy and its sources."""

    model_config = ConfigDict(extra="forbid")

    project: Project
    disclosure: Disclosure = Disclosure()
    refresh: RefreshPolicy = RefreshPolicy()
    milestones: Milestones = Milestones()
    notify: Notify = Notify()
    sources: list[SourceEntry]
    alerts: list[AlertRule] = Field(default_factory=list)
    targets: list[LocalTarget] = Field(default_factory=list)
    base_dir: Path = Path(".")
    declared: list[SourceEntry] = Field(default_factory=list, exclude=True)  # as written (patterns unexpanded)

    def build_digest(self) -> str:
        """SHA-256 of what the built tables depend on: every setting but the alert rules, where messages go and
        the refresh policy (told after a build, or deciding whether one runs), and the folder it sits in. Editing
        only those (or comments) makes no rebuild: the next refresh evaluates the new rules on what stands."""
        build = self.model_dump(mode="json", exclude={"alerts", "notify", "refresh", "base_dir"})
        # as written: a pattern's files coming and going are new deliveries, not a new configuration
        build["sources"] = [s.model_dump(mode="json") for s in self.declared or self.sources]
        return hashlib.sha256(json.dumps(build, sort_keys=True).encode()).hexdigest()

    def resolve(self, entry: SourceEntry) -> Path:
        return entry.path if entry.path.is_absolute() else (self.base_dir / entry.path).resolve()

    def by_kind(self, *kinds: str) -> list[SourceEntry]:
        return [s for s in self.sources if s.kind in kinds]

    def named(self, names: Iterable[str]) -> list[str]:
        """The sources these names give: a source's own name, or a pattern's declared name for all its files."""
        wanted = set(names)
        return [s.name for s in self.sources if s.name in wanted or s.member_of in wanted]


def expand_patterns(cfg: JsnaConfig, path: Path) -> JsnaConfig:
    """The configuration with each source whose path is a glob pattern (a region's SEN2 returns, one per
    authority: `path = "education/sen2_returns/*.xml"`) replaced by one source per file it matches, in name
    order, each named `<name>_<file stem>` and landed, checked for shrinkage and rebuilt on its own."""
    sources: list[SourceEntry] = []
    for entry in cfg.sources:
        if not PATTERN.search(str(entry.path)):
            sources.append(entry)
            continue
        found = sorted(Path(p) for p in glob.glob(str(cfg.resolve(entry))))
        if not found:
            raise ConfigError(f"{path}: source '{entry.name}': its path {entry.path} matches no file.")
        for match in found:
            sources.append(entry.model_copy(update={"name": f"{entry.name}_{_stem_name(match)}", "path": match,
                                                    "member_of": entry.name}))
    return cfg.model_copy(update={"sources": sources, "declared": list(cfg.sources)})


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
    cfg = expand_patterns(cfg, path)
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
        raise ConfigError(f"{path}: source names must be unique (a pattern's files are named <name>_<file stem>); "
                          f"repeated: {', '.join(dupes)}.")
    check_targets(cfg, path)
    check_alerts(cfg, path)
    if cfg.project.demo:
        require_demo_areas(_named_area_codes(cfg), f"{path} names")
    return cfg


def check_targets(cfg: JsnaConfig, path: Path) -> None:
    """Local targets name indicators of the catalogue, once each."""
    catalogue = catalogue_targets()
    named = [t.indicator for t in cfg.targets]
    for t in cfg.targets:
        if t.indicator not in catalogue:
            raise ConfigError(f"{path}: a target names the indicator '{t.indicator}', which is not in the catalogue "
                              "(`jsna indicators list` lists them).")
        if named.count(t.indicator) > 1:
            raise ConfigError(f"{path}: the indicator '{t.indicator}' has more than one target; give one, with a "
                              "trajectory for the steps towards it.")


def check_alerts(cfg: JsnaConfig, path: Path) -> None:
    """Alert rules name indicators of the catalogue (with a target, its own or the area's, where they ask for
    it), once each."""
    catalogue = {**catalogue_targets(), **{t.indicator: t.value for t in cfg.targets}}
    names = [a.name for a in cfg.alerts]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{path}: alert names must be unique; repeated: {', '.join(dupes)}.")
    for rule in cfg.alerts:
        if rule.indicator is None:
            continue
        if rule.indicator not in catalogue:
            raise ConfigError(f"{path}: alert '{rule.name}' names the indicator '{rule.indicator}', which is not in "
                              "the catalogue (`jsna indicators list` lists them).")
        if rule.threshold == "target" and catalogue[rule.indicator] is None:
            raise ConfigError(f"{path}: alert '{rule.name}' compares '{rule.indicator}' with its target, but the "
                              "catalogue gives it none; give a number.")


def catalogue_targets() -> dict[str, float | None]:
    """Each catalogued indicator's id and target, read from the catalogue's files (jsna.indicators.catalogue
    validates them; the configuration sits below it and reads only these two fields)."""
    out: dict[str, float | None] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.toml")):
        for entry in tomllib.loads(path.read_text(encoding="utf-8"))["indicator"]:
            out[entry["id"]] = entry.get("target")
    return out


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
    """The project's area code, every GSS-like code a source's options name, and the alerts' areas."""
    codes = [cfg.project.area_code, *(a.area for a in cfg.alerts if a.area)]
    for entry in cfg.sources:
        for value in entry.options.values():
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str) and _GSS_CODE.fullmatch(v.strip()):
                    codes.append(v.strip())
    return codes


def get_settings() -> Settings:
    return Settings()
