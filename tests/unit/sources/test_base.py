"""Reading files as they are delivered: encodings, line endings, title rows, missing columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jsna.errors import SourceError
from jsna.sources.base import Screen, detect_encoding, match_columns, parse_date, parse_number, read_delimited

EXPECT = [["Code"], ["Value"]]


def write(tmp_path: Path, data: bytes, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_bom_and_crlf_read_like_plain_utf8(tmp_path: Path) -> None:
    """Given the same table with a BOM and CRLF line ends, when read, then the header and rows match."""
    plain = read_delimited(write(tmp_path, b"Code,Value\nA,1\nB,2\n", "a.csv"), EXPECT)
    bom = read_delimited(write(tmp_path, b"\xef\xbb\xbfCode,Value\r\nA,1\r\nB,2\r\n", "b.csv"), EXPECT)
    pd.testing.assert_frame_equal(plain, bom)
    assert list(bom.columns) == ["Code", "Value", "__line__", "__malformed__"]
    assert bom["__line__"].tolist() == [2, 3]


def test_windows_1252_text_is_decoded(tmp_path: Path) -> None:
    """Given a Windows-1252 file with a curly apostrophe, when read, then the character survives."""
    path = write(tmp_path, "Code,Value\nSt Mary’s,1\n".encode("cp1252"))
    assert detect_encoding(path.read_bytes()) == "cp1252"
    assert read_delimited(path, EXPECT)["Code"].tolist() == ["St Mary’s"]


def test_title_rows_above_the_header_are_skipped_and_lines_kept(tmp_path: Path) -> None:
    """Given a sheet exported with two title rows, when read, then rows keep their file line numbers."""
    path = write(tmp_path, b"Table 1: EHC plans\nSource: DfE\nCode,Value\nA,\"1,234\"\n")
    frame = read_delimited(path, EXPECT)
    assert frame["__line__"].tolist() == [4]
    assert parse_number(frame["Value"]).tolist() == [1234]


def test_empty_file_stops_with_its_name(tmp_path: Path) -> None:
    path = write(tmp_path, b"")
    with pytest.raises(SourceError, match=r"f\.csv: the file is empty"):
        read_delimited(path, EXPECT)


def test_a_file_of_the_wrong_kind_names_what_was_expected(tmp_path: Path) -> None:
    path = write(tmp_path, b"urn,name\n1,x\n")
    with pytest.raises(SourceError, match=r"no header row with the expected columns.*Code, Value.*urn, name"):
        read_delimited(path, EXPECT)


def test_missing_columns_are_all_named(tmp_path: Path) -> None:
    """Given shuffled, renamed columns with two required ones absent, then both are named in one message."""
    frame = read_delimited(write(tmp_path, b"value,CODE,extra\n1,A,x\n"), [["Code"], ["Value"]])
    renamed = match_columns(frame, Path("f.csv"), {"code": ["Code"], "value": ["Value"]})
    assert renamed[["code", "value"]].iloc[0].tolist() == ["A", "1"]
    with pytest.raises(SourceError, match=r"f\.csv: missing columns Date, Area"):
        match_columns(frame, Path("f.csv"), {"date": ["Date"], "area": ["Area"], "code": ["Code"]})


def test_dates_uk_first_then_iso_and_garbage_is_missing() -> None:
    parsed = parse_date(pd.Series(["03/02/2020", "2020-02-03", "31/02/2020", "", "soon"]))
    assert parsed.iloc[0] == pd.Timestamp("2020-02-03") == parsed.iloc[1]
    assert parsed.iloc[2:].isna().all()


def test_screen_quarantines_each_bad_row_once_under_its_first_rule() -> None:
    """Given rows breaking one, two and no rules, then two rows are quarantined, each once, with line and rule."""
    frame = pd.DataFrame({"a": [1, -1, -5], "__line__": [2, 3, 4]})
    screen = Screen(frame)
    screen.rule(frame["a"] < 0, "a", "negative")
    screen.rule(frame["a"] < -2, "a", "very negative")
    good, quarantine = screen.split()
    assert good["__line__"].tolist() == [2]
    assert quarantine[["line", "column_name", "rule", "value"]].values.tolist() == [
        [3, "a", "negative", "-1"], [4, "a", "negative", "-5"]
    ]


def test_a_workbook_with_title_rows_reads_from_its_header(tmp_path: Path) -> None:
    """Given an .xlsx sheet with two title rows and a number with a thousands format, then rows keep
    their sheet row numbers and values read as text."""
    import openpyxl

    from jsna.sources.base import read_table

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Table 3: plans by area"])
    ws.append([])
    ws.append(["Code", "Value"])
    ws.append(["E10000014", 17784])
    ws.append(["E06000045", 2.5])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    frame = read_table(path, EXPECT)
    assert frame[["Code", "Value", "__line__"]].values.tolist() == [["E10000014", "17784", 4], ["E06000045", "2.5", 5]]


def test_gzip_csv_and_a_truncated_gzip(tmp_path: Path) -> None:
    import gzip

    good = write(tmp_path, gzip.compress(b"Code,Value\nA,1\n"), "t.csv.gz")
    assert read_delimited(good, EXPECT)["Code"].tolist() == ["A"]
    cut = write(tmp_path, gzip.compress(b"Code,Value\nA,1\n" * 1000)[:60], "cut.csv.gz")
    with pytest.raises(SourceError, match="not a complete gzip file"):
        read_delimited(cut, EXPECT)
