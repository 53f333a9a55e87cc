"""Column mapping for local extracts (issue 15, point 6): `columns` in a source's jsna.toml entry maps the
project's field names to a file's own headers; `jsna sources describe KIND` prints what a kind takes; the
example configuration over the real files validates and is read by `jsna sources check`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from jsna.cli import app
from jsna.config import Settings, load_config
from jsna.errors import ConfigError, SourceError
from jsna.kinds import KINDS
from jsna.sources.base import norm
from jsna.sources.check import check_sources
from jsna.sources.context import ReadContext
from jsna.sources.registry import READERS, fields
from tests.unit.sources.test_case_adapters import FILES, demo_context

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "realdata.toml"


@pytest.fixture(scope="module")
def context(demo_dir: Path) -> ReadContext:
    return demo_context(demo_dir)


ROWS = 600  # the demo's first rows: enough for every rule, quick to read


def localised(demo_dir: Path, kind: str, tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """The first rows of the demo's extract of `kind` as delivered, and again with each of its fields' headers
    renamed to one no kind accepts ("Request Date" -> "Request Date (local)"); with the mapping field -> header."""
    frame = pd.read_csv(demo_dir / FILES[kind][1], dtype=str, keep_default_na=False, encoding="utf-8-sig",
                        nrows=ROWS)
    required, optional = fields(KINDS[kind])
    by_header = {norm(a): f for f, aliases in {**required, **optional}.items() for a in (*aliases, f)}
    mapping = {by_header[norm(c)]: f"{c} (local)" for c in frame.columns if norm(c) in by_header}
    frame.to_csv(tmp_path / "known.csv", index=False)
    frame.rename(columns={c: f"{c} (local)" for c in frame.columns if norm(c) in by_header}).to_csv(
        tmp_path / "local.csv", index=False)
    return tmp_path / "known.csv", tmp_path / "local.csv", mapping


@pytest.mark.parametrize("kind", ["ehcp_cases", "waiting_list", "advice_returns", "social_care_cases"])
def test_an_extract_with_its_own_headers_reads_as_the_known_layout_once_mapped(
        demo_dir: Path, context: ReadContext, tmp_path: Path, kind: str) -> None:
    """Given the demo's extract with every field's header renamed, when read without a mapping it stops naming
    the missing columns; with `columns` mapping each field to its new header it gives the same rows, keys and
    quarantine as the file with the headers the kind knows."""
    known_path, path, mapping = localised(demo_dir, kind, tmp_path)
    assert len(mapping) >= 3
    with pytest.raises(SourceError, match=r"missing column|no header row"):
        READERS[kind](path, {}, context)
    known = READERS[kind](known_path, {}, context)
    mapped = READERS[kind](path, {"columns": mapping}, context)
    assert (mapped.rows_in, mapped.rows_loaded) == (known.rows_in, known.rows_loaded)
    pd.testing.assert_frame_equal(mapped.frame, known.frame)
    pd.testing.assert_frame_equal(mapped.quarantine, known.quarantine)


def test_the_issue_s_real_header_is_mapped(demo_dir: Path, context: ReadContext, tmp_path: Path) -> None:
    """Given an ehcp_cases extract whose request date is headed "Date EHC Request Received" (a real system's
    header), when `columns = { request_date = "Date EHC Request Received" }`, then its requests load."""
    frame = pd.read_csv(demo_dir / FILES["ehcp_cases"][1], dtype=str, keep_default_na=False, encoding="utf-8-sig",
                        nrows=ROWS)
    frame.rename(columns={"Request Date": "Date EHC Request Received"}).to_csv(tmp_path / "x.csv", index=False)
    parsed = READERS["ehcp_cases"](tmp_path / "x.csv", {"columns": {"request_date": "Date EHC Request Received"}},
                                   context)
    assert parsed.rows_in == ROWS and parsed.rows_loaded > ROWS * 0.8
    assert parsed.frame["request_date"].notna().all()


def test_an_unknown_field_or_a_header_not_in_the_file_stops_it_naming_both(
        demo_dir: Path, context: ReadContext, tmp_path: Path) -> None:
    """Given mappings naming a field the kind does not take, or a header the file does not have, then the file
    stops with one sentence naming the field and the header (and no value of the file)."""
    path = demo_dir / FILES["waiting_list"][1]
    with pytest.raises(SourceError) as err:
        READERS["waiting_list"](path, {"columns": {"referal_date": "Date Referred In"}}, context)
    assert str(err.value).startswith(f"{path}: columns maps the field 'referal_date' to the header 'Date Referred "
                                     "In', but waiting_list has no field 'referal_date'; its fields: assessment_date, ")
    with pytest.raises(SourceError) as err:
        READERS["waiting_list"](path, {"columns": {"referral_date": "Date Referred In"}}, context)
    assert str(err.value).startswith(f"{path}: columns maps the field 'referral_date' to the header 'Date Referred "
                                     "In', which the file does not have (the file has: Referral ID, NHS Number, ")


def test_columns_must_be_a_table_of_headers(tmp_path: Path) -> None:
    """Given `columns` that is not a table of field = "header", or on a kind that takes no mapping, then the
    configuration is refused in one sentence."""
    toml = tmp_path / "jsna.toml"
    base = '[project]\nname = "X"\narea_code = "E10000014"\n[[sources]]\nname = "a"\npath = "a.csv"\n'
    toml.write_text(base + 'kind = "ehcp_cases"\ncolumns = "Request Date"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"source 'a' \(ehcp_cases\): columns must be a table of field = "):
        load_config(toml)
    toml.write_text(base + 'kind = "imd"\n[sources.columns]\nlsoa = "LSOA code"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"source 'a' \(imd\) does not take option columns; the options it takes: "
                                          "vintage."):
        load_config(toml)
    toml.write_text(base + 'kind = "ehcp_cases"\n[sources.columns]\nrequest_date = "Date EHC Request Received"\n',
                    encoding="utf-8")
    assert load_config(toml).sources[0].options == {"columns": {"request_date": "Date EHC Request Received"}}


def describe(*args: str) -> str:
    """`jsna sources describe ...` run in this process: its output."""
    result = CliRunner().invoke(app, ["sources", "describe", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_describe_prints_the_fields_a_kind_takes() -> None:
    """Given `jsna sources describe waiting_list` as JSON, CSV and a table, then each lists its required and
    optional fields with the headers accepted and the codes of its coded fields; an unknown kind is one sentence
    (the CLI prints it without a traceback, as every JsnaError)."""
    rows = json.loads(describe("waiting_list", "--format", "json"))
    by_field = {r["field"]: r for r in rows}
    assert [r["field"] for r in rows if r["use"] == "required"] == ["referral_id", "nhs_number", "dob", "pathway",
                                                                    "referral_date"]
    assert by_field["referral_date"]["headers"].startswith("Referral Date; Date of Referral; ")
    assert by_field["pathway"]["values"].startswith("asc: asc, asd, autism")
    assert "; adhd: adhd, " in by_field["pathway"]["values"]
    assert by_field["nhs_number"]["values"] == "identifier: keyed hash, never stored"
    csv = pd.read_csv(io.StringIO(describe("waiting_list", "--format", "csv")), dtype=str, keep_default_na=False)
    assert csv.to_dict("records") == rows
    table = describe("social_care_cases")
    assert "social_care_cases (case-level extracts)" in table and "primary_disability" in table
    assert "options in jsna.toml: columns, extract_date" in table
    unknown = CliRunner().invoke(app, ["sources", "describe", "sen2"])
    assert str(unknown.exception).startswith("No kind of source 'sen2'; the kinds: boundaries, lookup, ")


def test_the_example_configuration_validates_and_its_releases_are_read(tmp_path: Path) -> None:
    """Given examples/realdata.toml, then it validates, every path it names exists, and `jsna sources check`
    reads its two smaller releases (the CIN folders) with every row loaded or quarantined."""
    cfg = load_config(EXAMPLE)
    assert all(cfg.resolve(s).exists() for s in cfg.sources)
    assert {s.kind for s in cfg.sources} >= {"boundaries", "ees_ehcp", "sen2_mi", "cin_census", "community_health"}
    subset = tmp_path / "subset.toml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("../../shared", str(REPO.parent / "shared"))
    head, *entries = text.split("[[sources]]")
    subset.write_text(head + "".join("[[sources]]" + e for e in entries if 'kind = "cin_census"' in e),
                      encoding="utf-8")
    results = check_sources(subset, Settings())
    assert [(r.name, r.error) for r in results] == [("cin_tables", None), ("cin_by_sen", None)]
    assert all(r.rows_in == (r.rows_loaded or 0) + (r.rows_quarantined or 0) > 3000 for r in results)
