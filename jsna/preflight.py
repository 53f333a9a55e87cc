"""What a refresh checks before anything starts (before Prefect and the warehouse): the configuration,
that every declared file exists, the pseudonymisation key where child-level files are declared, and
the sources named to `--accept-shrink`. Each failure is one sentence."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from jsna.config import JsnaConfig, Settings, load_config
from jsna.errors import ConfigError, SourceError


def check_refresh(config_path: Path, settings: Settings, accept_shrink: Iterable[str] = ()) -> JsnaConfig:
    """The validated configuration, or the first thing that would stop the refresh."""
    cfg = load_config(config_path)
    for entry in cfg.sources:
        if not cfg.resolve(entry).exists():
            raise SourceError(cfg.resolve(entry), f"declared as source '{entry.name}' but does not exist.")
    from jsna.sources.limits import check_size
    from jsna.sources.registry import check_path

    for entry in cfg.sources:
        check_path(entry.kind, cfg.resolve(entry))  # a folder where the kind reads one file
        check_size(cfg.resolve(entry), settings.max_file_bytes)  # refused before it is hashed or read
    unknown = sorted(set(accept_shrink) - {s.name for s in cfg.sources} - {s.name for s in cfg.declared})
    if unknown:
        raise ConfigError(f"--accept-shrink {unknown[0]}: {config_path} declares no source of that name.")
    from jsna.sources.registry import CHILD_LEVEL  # the adapters: imported only once the file is valid

    if any(s.kind in CHILD_LEVEL for s in cfg.sources):
        from jsna.sources.identity import Pseudonymiser

        Pseudonymiser(settings.pseudonym_key, demo=cfg.project.demo)  # refuses a missing or weak key
    return cfg
