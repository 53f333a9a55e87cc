"""Small tables as HTML, and the headline sparkline."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd

from dashboards.formatting import sparkline
from dashboards.tables import cell_text, html_table
from tests.e2e.html_tables import read_tables


def test_cells_read_as_the_board_reads_them() -> None:
    assert cell_text(1234, None, "") == "1,234"
    assert cell_text(1234.0, None, "") == "1,234"  # a whole float from a column with gaps
    assert cell_text(12.345, None, "") == "12.3"
    assert cell_text(12.345, 2, "") == "12.35"
    assert cell_text(np.int64(2027), 0, "") == "2,027"
    assert cell_text(np.nan, None, "c") == "c"
    assert cell_text(pd.NA, None, "") == ""
    assert cell_text("Basingstoke <North>", None, "") == "Basingstoke <North>"


def test_table_round_trips_with_caption_headers_and_escaping() -> None:
    frame = pd.DataFrame({"District": ["A & B", "C"], "Rate": [10.25, np.nan], "Plans": [1200, 35]})
    html = html_table(frame, "Rates <by district>", decimals={"Rate": 2}, na_rep="c")
    assert "A &amp; B" in html and "&lt;by district&gt;" in html
    assert html.count('scope="col"') == 3 and 'scope="row"' not in html
    [back] = read_tables(html)
    assert back.attrs["caption"] == "Rates <by district>"
    assert back.to_dict("list") == {"District": ["A & B", "C"], "Rate": ["10.25", "c"], "Plans": ["1,200", "35"]}
    # numbers right-aligned, text not
    assert re.search(r'<td style="[^"]*text-align:right[^"]*">1,200</td>', html)
    assert not re.search(r'<td style="[^"]*text-align:right[^"]*">C</td>', html)


def test_index_as_row_headers_and_cell_styles() -> None:
    frame = pd.DataFrame({"ASD": [2027, np.nan]}, index=pd.Index(["North", "South"], name="District"))
    styles = pd.DataFrame({"ASD": ["background-color: #D55E00", ""]}, index=frame.index)
    html = html_table(frame.astype("Int64"), "First short", index=True, styles=styles)
    assert html.count('scope="row"') == 2
    assert "background-color: #D55E00\">2,027</td>" in html
    [back] = read_tables(html)
    assert list(back.columns) == ["District", "ASD"] and back.values.tolist() == [["North", "2,027"], ["South", ""]]


def test_sparkline_is_an_image_with_its_text_alternative() -> None:
    html = sparkline([1, 3, 2, 5], "Plans: 4 years, 1 to 5 'rising'")
    assert html.startswith("<img ") and "alt='Plans: 4 years, 1 to 5 &#x27;rising&#x27;'" in html
    svg = base64.b64decode(re.search(r"base64,([^']+)'", html).group(1)).decode()  # type: ignore[union-attr]
    points = [tuple(map(float, p.split(","))) for p in re.search(r"points='([^']+)'", svg).group(1).split()]  # type: ignore[union-attr]
    assert len(points) == 4
    ys = [y for _, y in points]
    assert ys.index(max(ys)) == 0 and ys.index(min(ys)) == 3  # lowest value lowest on the chart (SVG y grows down)
    assert sparkline([np.nan, 2.0], "x") == "" and sparkline([], "x") == ""
