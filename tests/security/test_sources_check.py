"""Issue 14, point 12: `jsna sources check` explains itself.

Below its table it prints each source's error and its top quarantine reasons (rule, column, count, first
lines); a folder given as a file's path is refused in one sentence; an option a kind does not take
(`levle = "lsoa"`) stops the configuration, naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from jsna.config import Settings, load_config
from jsna.errors import ConfigError
from jsna.sources.check import check_sources, notes

REPO = Path(__file__).resolve().parents[2]
REALDATA = (REPO / ".." / "shared" / "realdata").resolve()
CASELOAD = REALDATA / "education" / "ehcp_sen2_2025" / "data" / "caseload.csv"
SEN_LA = REALDATA / "social_care" / "cin" / "sen_la.csv"
PROJECT = '[project]\nname = "Check"\narea_code = "E10000014"\n'


def source(name: str, kind: str, path: Path | str, **options: str) -> str:
    extra = "".join(f'{k} = "{v}"\n' for k, v in options.items())
    return f'\n[[sources]]\nname = "{name}"\nkind = "{kind}"\npath = "{path}"\n{extra}'


def test_an_option_the_kind_does_not_take_is_refused_naming_it(tmp_path: Path) -> None:
    """Given a boundaries source with `levle = "lsoa"` (a typo of level), when the configuration is loaded,
    then one ConfigError names the option, the source and the options boundaries takes (today it is
    accepted and the level silently missing)."""
    toml = tmp_path / "jsna.toml"
    toml.write_text(PROJECT + source("lsoa21", "boundaries", "lsoa.gpkg", levle="lsoa"), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(toml)
    assert str(err.value) == (f"{toml}: source 'lsoa21' (boundaries) does not take option levle; the options it "
                              "takes: code_column, level, name_column, vintage.")
    toml.write_text(PROJECT + source("lsoa21", "boundaries", "lsoa.gpkg", level="lsoa"), encoding="utf-8")
    assert load_config(toml).sources[0].options == {"level": "lsoa"}


def test_a_folder_where_a_file_is_read_is_refused_in_one_sentence(tmp_path: Path) -> None:
    """Given an imd source whose path is a folder, when checked, then its error is one sentence saying it
    is a folder and a file is wanted (a published release's folder is read: test_release_downloads.py);
    an empty folder given as a release says it holds no data file."""
    folder = tmp_path / "release"
    folder.mkdir()
    toml = tmp_path / "jsna.toml"
    toml.write_text(PROJECT + source("deprivation", "imd", folder) + source("ehcp", "ees_ehcp", folder),
                    encoding="utf-8")
    imd, ehcp = check_sources(toml, Settings())
    assert imd.error == f"{folder}: is a folder, and a source of kind imd is read from one file: give the file's path."
    assert ehcp.error == f"{folder}: holds no data file of this kind (it holds no files)."
    assert imd.rows_in is None and ehcp.rows_in is None


def test_the_check_prints_each_sources_error_and_quarantine_reasons(tmp_path: Path) -> None:
    """Given three real children-in-need and EHC plan files (one clean, one with pupils of -7 on two lines,
    one caseload.csv without ehcplans) and a folder, when `jsna sources check` runs, then below its table it
    prints, per source, the error sentence or the quarantine reason with its column, count and first lines;
    the clean source gets no note, and the command fails naming the sources that cannot load."""
    frame = pd.read_csv(SEN_LA, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    las = frame.index[frame["geographic_level"] == "Local authority"]
    frame.loc[[las[3], las[40]], "t_pupils"] = "-7"
    (tmp_path / "negative").mkdir()
    frame.to_csv(tmp_path / "negative" / "sen_la.csv", index=False)
    caseload = pd.read_csv(CASELOAD, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    caseload.drop(columns="ehcplans").to_csv(tmp_path / "caseload.csv", index=False)
    (tmp_path / "folder").mkdir()
    toml = tmp_path / "jsna.toml"
    toml.write_text(PROJECT + source("clean", "cin_census", SEN_LA) + source("negative", "cin_census",
                    tmp_path / "negative" / "sen_la.csv") + source("no_plans", "ees_ehcp", tmp_path / "caseload.csv")
                    + source("a_folder", "ees_ehcp", tmp_path / "folder"), encoding="utf-8")
    env = {**os.environ, "COLUMNS": "200", "JSNA_CONFIG": ""}
    proc = subprocess.run([sys.executable, "-m", "jsna.cli", "sources", "check", "--config", str(toml)],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=300)
    out = proc.stdout
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    notes = out[out.index("└"):]
    assert "\nnegative (cin_census)\n" f"  quarantine: negative count (t_pupils): 2 rows, lines {las[3] + 2}, " \
           f"{las[40] + 2}\n" in notes
    assert "\nno_plans (ees_ehcp)\n" f"  error: {tmp_path / 'caseload.csv'}: missing column ehcplans, which every " \
           "ees_ehcp caseload file has; is the file whole and the right kind?\n" in notes
    assert "\na_folder (ees_ehcp)\n" f"  error: {tmp_path / 'folder'}: holds no data file of this kind " \
           "(it holds no files).\n" in notes
    assert "clean (" not in notes
    assert "2 of 4 sources cannot be loaded" in proc.stderr


def test_nhs_numbers_not_used_to_link_are_noted() -> None:
    """Given an adapter's flag of 40 NHS numbers not usable (lines 2 to 41), then the check's note says how
    many, why, what keyed the children instead, and the first lines."""
    assert notes({"nhs_not_usable": list(range(2, 42))}) == [
        "40 NHS numbers failing the modulus 11 check or of one repeated digit, not used to link (the UPN or "
        "local id keys the child): lines 2, 3, 4, ..."]
    assert notes({}) == []
