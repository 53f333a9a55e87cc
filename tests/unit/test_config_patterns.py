"""A source whose path is a glob pattern (a region's SEN2 returns, one per authority) stands for one source per file
it matches (jsna.config.expand_patterns): named for its file, checked and accepted by the declared name, and the
build's configuration is the one written, so files coming and going are deliveries, not a new configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsna.config import Settings, load_config
from jsna.errors import ConfigError
from jsna.preflight import check_refresh

TOML = """
[project]
name = "Demo region"
area_code = "E12000008"

[[sources]]
name = "postcodes"
kind = "postcodes"
path = "postcodes/onspd.csv"

[[sources]]
name = "sen2"
kind = "sen2_return"
path = "returns/*.xml"
"""


def _project(folder: Path, returns: list[str]) -> Path:
    (folder / "postcodes").mkdir(parents=True, exist_ok=True)
    (folder / "postcodes" / "onspd.csv").write_text("pcds,lsoa21\n")
    (folder / "returns").mkdir(exist_ok=True)
    for name in returns:
        (folder / "returns" / name).write_text("<Message/>")
    (folder / "jsna.toml").write_text(TOML)
    return folder / "jsna.toml"


def test_a_pattern_is_one_source_per_file_in_name_order(tmp_path: Path) -> None:
    """Given three authorities' returns and a README beside them, then the pattern gives three sources, in name
    order, each named for its file, reading it with the declared kind; the other source is as written."""
    config = _project(tmp_path, ["SEN2 850.xml", "sen2_116.xml", "sen2_101.xml"])
    (tmp_path / "returns" / "README.txt").write_text("not a return")
    cfg = load_config(config)
    assert [s.name for s in cfg.sources] == ["postcodes", "sen2_sen2_850", "sen2_sen2_101", "sen2_sen2_116"]
    members = cfg.sources[1:]
    assert [cfg.resolve(s).name for s in members] == ["SEN2 850.xml", "sen2_101.xml", "sen2_116.xml"]
    assert {s.kind for s in members} == {"sen2_return"} and {s.member_of for s in members} == {"sen2"}
    assert cfg.sources[0].member_of is None
    assert cfg.named(["sen2"]) == [s.name for s in members]
    assert cfg.named(["sen2_sen2_101", "postcodes"]) == ["postcodes", "sen2_sen2_101"]


def test_a_pattern_matching_nothing_stops_naming_it(tmp_path: Path) -> None:
    config = _project(tmp_path, [])
    with pytest.raises(ConfigError, match=r"source 'sen2': its path returns/\*\.xml matches no file\."):
        load_config(config)


def test_two_files_of_one_name_stop(tmp_path: Path) -> None:
    """Given two files whose names differ only in case, then they would be one source's name twice: stop."""
    config = _project(tmp_path, ["a.xml", "A.xml"])
    with pytest.raises(ConfigError, match=r"source names must be unique .*repeated: sen2_a\."):
        load_config(config)


def test_files_coming_and_going_leave_the_configuration_as_written(tmp_path: Path) -> None:
    """Given one more authority's return in the folder, then the build's configuration digest is the same (the new
    file is a new delivery, rebuilt by what reads it); a changed pattern is a new configuration."""
    config = _project(tmp_path, ["sen2_101.xml"])
    before = load_config(config).build_digest()
    (tmp_path / "returns" / "sen2_102.xml").write_text("<Message/>")
    after = load_config(config)
    assert len(after.sources) == 3 and after.build_digest() == before
    config.write_text(TOML.replace("returns/*.xml", "returns/sen2_*.xml"))
    assert load_config(config).build_digest() != before


def test_shrinkage_is_accepted_by_the_declared_name(tmp_path: Path) -> None:
    """Given `--accept-shrink sen2` (the name written) or one file's source, then the refresh's checks take it; a
    name declared nowhere stops."""
    config = _project(tmp_path, ["sen2_101.xml", "sen2_102.xml"])
    settings = Settings(pseudonym_key="k" * 40)
    check_refresh(config, settings, ["sen2"])
    check_refresh(config, settings, ["sen2_sen2_102"])
    with pytest.raises(ConfigError, match="--accept-shrink sen3"):
        check_refresh(config, settings, ["sen3"])
