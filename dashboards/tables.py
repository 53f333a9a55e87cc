"""Small tables as plain, accessible HTML: a caption, column headers and row headers a screen reader
announces, numbers right-aligned and formatted as the board reads them, cells optionally coloured.

Streamlit's data grid draws on a canvas from a 1.2 MB script bundle; for a dozen rows that cost most of a
second of a first visit's render, and a canvas is harder for assistive technology than a table. Large or
sortable tables (the map explorer's, the catalogue) stay in the grid.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from jsna.publish.cells import cell_text

TABLE_STYLE = "border-collapse:collapse;width:100%;font-size:0.9rem;margin-bottom:0.5rem"
CELL_STYLE = "padding:0.25rem 0.5rem;border-bottom:1px solid #e0e0e0"
HEAD_STYLE = CELL_STYLE + ";border-bottom:2px solid #8a8a8a;text-align:left;vertical-align:bottom"


def html_table(frame: pd.DataFrame, caption: str, *, index: bool = False, decimals: dict[str, int] | None = None,
               na_rep: str = "", styles: pd.DataFrame | None = None) -> str:
    """`frame` as an HTML table. `index`: show the index as row headers (named by its name); `decimals`:
    places per column (whole numbers otherwise keep none); `styles`: CSS per cell, same shape and labels
    as `frame` (empty or missing for none)."""
    decimals = decimals or {}
    numeric = {c: pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns}
    head = []
    if index:
        head.append(f'<th scope="col" style="{HEAD_STYLE}">{escape(str(frame.index.name or ""))}</th>')
    for c in frame.columns:
        align = ";text-align:right" if numeric[c] else ""
        head.append(f'<th scope="col" style="{HEAD_STYLE}{align}">{escape(str(c))}</th>')
    rows = []
    for label, row in frame.iterrows():
        cells = [f'<th scope="row" style="{CELL_STYLE};text-align:left;font-weight:600">{escape(str(label))}</th>']\
            if index else []
        for c in frame.columns:
            style = CELL_STYLE + (";text-align:right;font-variant-numeric:tabular-nums" if numeric[c] else "")
            extra = styles.at[label, c] if styles is not None and c in styles.columns else None
            if isinstance(extra, str) and extra:
                style += ";" + extra
            text = escape(cell_text(row[c], decimals.get(str(c)), na_rep))
            cells.append(f'<td style="{style}">{text}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="jsna-table" style="{TABLE_STYLE}">'
            f'<caption style="caption-side:top;text-align:left;font-weight:600;padding:0.25rem 0">'
            f"{escape(caption)}</caption><thead><tr>{''.join(head)}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
