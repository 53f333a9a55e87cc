"""Issue 14, point 5: the public demo key only for the demo's synthetic areas; outside the demo, a key of at
least 32 bytes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jsna.config import load_config
from jsna.errors import ConfigError
from jsna.sources.identity import Pseudonymiser
from tests.conftest import REALDATA, throwaway_database, warehouse_env

HAMPSHIRE_LSOAS = REALDATA / "geography/drkane_geo_lookups/boundaries/lsoa/E10000014_Hampshire_UTLA.geojson"


def write_config(folder: Path, area_code: str,
                 sources: str = '\n[[sources]]\nname = "a"\nkind = "imd"\npath = "a.csv"\n') -> Path:
    """A jsna.toml with demo = true."""
    path = folder / "jsna.toml"
    path.write_text(f'[project]\nname = "Somewhere"\narea_code = "{area_code}"\ndemo = true\n{sources}',
                    encoding="utf-8")
    return path


def test_demo_true_is_refused_for_a_real_area(tmp_path: Path) -> None:
    """Given demo = true in a jsna.toml for Hampshire (E10000014), when it is loaded, then it is refused in one
    sentence naming the file, the code and what to do."""
    path = write_config(tmp_path, "E10000014")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"{path} names the real area E10000014, but demo = true (a public pseudonymisation key) is only for the "
        "synthetic demo's areas (codes beginning X); remove demo = true and set JSNA_PSEUDONYM_KEY.")


def test_demo_true_is_refused_when_a_source_names_a_real_area(tmp_path: Path) -> None:
    """Given demo = true for the demo's county but a source keeping the rows of two real areas, then it is
    refused; the same with only demo codes loads."""
    source = '\n[[sources]]\nname = "autism"\nkind = "autism_stats"\npath = "a.csv"\nareas = [{}]\n'
    real = write_config(tmp_path, "X10000001", source.format('"X06000001", "E06000045", "E10000014"'))
    with pytest.raises(ConfigError, match=r"names the real area E06000045 and 1 others, but demo = true"):
        load_config(real)
    demo = write_config(tmp_path, "X10000001", source.format('"X06000001", "RXX"'))
    assert load_config(demo).project.demo


def test_a_real_lsoa_boundaries_file_is_refused_under_demo(server_url: str, tmp_path: Path) -> None:
    """Given demo = true with the demo's codes in jsna.toml but Hampshire's real LSOA boundaries as a source,
    when a refresh comes to pseudonymise a case-level file, then it stops before reading it, naming a real LSOA,
    and nothing is committed."""
    import sqlalchemy as sa

    from jsna import pipeline
    from jsna.config import get_settings
    from jsna.warehouse.engine import get_engine

    (tmp_path / "cases.csv").write_text("Child ID,Request Date\n", encoding="utf-8")
    path = write_config(tmp_path, "X10000001", f'\n[[sources]]\nname = "lsoas"\nkind = "boundaries"\n'
                        f'path = "{HAMPSHIRE_LSOAS}"\nlevel = "lsoa"\n'
                        '\n[[sources]]\nname = "cases"\nkind = "ehcp_cases"\npath = "cases.csv"\n')
    with throwaway_database(server_url) as url, warehouse_env(url):
        run, cfg = pipeline.start(path, get_settings())
        try:
            pipeline.land(run, cfg, cfg.sources[0])
            with pytest.raises(ConfigError, match=r"^The LSOA boundaries of this refresh hold the real area E01\d{6} "
                                                  r"and [\d,]+ others, but demo = true"):
                pipeline.read_context(run, cfg, get_settings(), [cfg.sources[1]])
        finally:
            pipeline.abort(run, RuntimeError("test"))
        with get_engine(url).connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM raw.boundaries")).scalar_one() == 0


@pytest.mark.parametrize("key", ["k" * 31, "é" * 15 + "k"])  # 31 bytes (the second: 16 characters)
def test_a_key_shorter_than_32_bytes_is_refused_outside_the_demo(key: str) -> None:
    """Given JSNA_PSEUDONYM_KEY of 31 bytes, then the Pseudonymiser refuses it saying how to make a good one;
    32 bytes are accepted."""
    with pytest.raises(ConfigError) as caught:
        Pseudonymiser(key)
    assert str(caught.value) == (
        "JSNA_PSEUDONYM_KEY is 31 bytes long but must be at least 32; make one with "
        '`python -c "import secrets; print(secrets.token_urlsafe(48))"` and keep it secret.')
    assert Pseudonymiser(key + "k").hash_values(pd.Series(["x"])).notna().all()


def test_the_demo_key_is_still_used_for_the_demo() -> None:
    """Without a key, only the demo may run (with the public demo key); outside it, the message says how to
    make a key."""
    with pytest.raises(ConfigError, match=r"secrets\.token_urlsafe\(48\)"):
        Pseudonymiser(None)
    assert Pseudonymiser(None, demo=True)._key == b"jsna-demo-county-synthetic-data-only"
