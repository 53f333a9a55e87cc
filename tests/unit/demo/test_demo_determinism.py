"""Same seed, same bytes; another seed, other data."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from jsna.demo import generate
from jsna.demo.generator import generate_spec
from jsna.demo.spec import TINY


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_files(county: Path, tmp_path: Path) -> None:
    generate(tmp_path / "again", scale="county", seed=2017)
    first, second = _digests(county), _digests(tmp_path / "again")
    # the SEN2 and CIN census returns (XML), DfE's three EHC plan files, two neighbour files, the early years file,
    # the two key stage 4 destination files and four NHS files
    assert len(first) == 37
    assert first == second


def test_other_seed_gives_other_data(county: Path, tmp_path: Path) -> None:
    generate(tmp_path / "other", scale="county", seed=2018)
    first, other = _digests(county), _digests(tmp_path / "other")
    assert first.keys() == other.keys()
    same = {k for k in first if first[k] == other[k]}
    # Only the configuration and the district-level lookups (fixed names and codes) do not depend on the seed.
    assert same == {"jsna.toml", "lookups/lad23_rgn23.csv", "lookups/ltla_utla23.csv"}


@pytest.mark.parametrize("seed", [1, 2])
def test_tiny_scale_is_deterministic(tmp_path: Path, seed: int) -> None:
    a = generate_spec(tmp_path / "a", TINY, seed).parent
    b = generate_spec(tmp_path / "b", TINY, seed).parent
    assert _digests(a) == _digests(b)


def test_progress_is_reported(tmp_path: Path) -> None:
    messages: list[str] = []
    toml = generate_spec(tmp_path / "p", TINY, 3, progress=messages.append)
    assert toml.name == "jsna.toml" and toml.is_file()
    assert len(messages) >= 10 and messages[-1] == "done"
